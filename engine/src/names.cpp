// Stable names of enumerations, as printed in messages, JSON and the README.
#include "relstore/error.hpp"
#include "relstore/filter.hpp"
#include "relstore/registry.hpp"
#include "relstore/value.hpp"

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
  }
  return "unknown";
}

std::string_view to_string(field_type type) noexcept {
  switch (type) {
    case field_type::boolean:
      return "bool";
    case field_type::int32:
      return "int32";
    case field_type::int64:
      return "int64";
    case field_type::uint32:
      return "uint32";
    case field_type::float64:
      return "float64";
    case field_type::string:
      return "string";
  }
  return "unknown";
}

std::string_view to_string(on_delete policy) noexcept {
  switch (policy) {
    case on_delete::restrict:
      return "restrict";
    case on_delete::cascade:
      return "cascade";
    case on_delete::set_null:
      return "set_null";
  }
  return "unknown";
}

std::string_view to_string(relation_kind kind) noexcept {
  switch (kind) {
    case relation_kind::has_many:
      return "has_many";
    case relation_kind::belongs_to:
      return "belongs_to";
  }
  return "unknown";
}

std::string_view to_string(op o) noexcept {
  switch (o) {
    case op::eq:
      return "eq";
    case op::neq:
      return "neq";
    case op::gt:
      return "gt";
    case op::gte:
      return "gte";
    case op::lt:
      return "lt";
    case op::lte:
      return "lte";
    case op::inq:
      return "inq";
    case op::nin:
      return "nin";
    case op::between:
      return "between";
    case op::like:
      return "like";
    case op::nlike:
      return "nlike";
    case op::and_:
      return "and";
    case op::or_:
      return "or";
  }
  return "unknown";
}

}  // namespace relstore
