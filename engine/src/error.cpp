// Error codes: stable names, the std::error_category, and printing.
#include "relstore/error.hpp"

#include <ostream>

namespace relstore {

std::string_view to_string(errc code) noexcept {
  switch (code) {
    case errc::not_found:
      return "not_found";
    case errc::already_exists:
      return "already_exists";
    case errc::foreign_key_violation:
      return "foreign_key_violation";
    case errc::restrict_violation:
      return "restrict_violation";
    case errc::constraint_violation:
      return "constraint_violation";
    case errc::invalid_filter:
      return "invalid_filter";
    case errc::invalid_argument:
      return "invalid_argument";
    case errc::schema_error:
      return "schema_error";
    case errc::io_error:
      return "io_error";
    case errc::snapshot_corrupt:
      return "snapshot_corrupt";
    case errc::snapshot_version:
      return "snapshot_version";
    case errc::snapshot_platform:
      return "snapshot_platform";
    case errc::schema_mismatch:
      return "schema_mismatch";
    case errc::key_space_exhausted:
      return "key_space_exhausted";
    case errc::limit_exceeded:
      return "limit_exceeded";
    case errc::busy:
      return "busy";
  }
  return "unknown";
}

namespace {

class category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "relstore"; }
  std::string message(int code) const override { return std::string(to_string(static_cast<errc>(code))); }
};

}  // namespace

const std::error_category& error_category() noexcept {
  static const category instance;
  return instance;
}

std::error_code make_error_code(errc code) noexcept { return {static_cast<int>(code), error_category()}; }

std::ostream& operator<<(std::ostream& out, const error& e) { return out << to_string(e.code) << ": " << e.message(); }

}  // namespace relstore
