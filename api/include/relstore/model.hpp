// Models: plain structs whose fields are known by name at run time.
//
//   struct Order { std::int64_t id = 0; std::int64_t customerId = 0; double total = 0; };
//   RELSTORE_MODEL(Order, id, customerId, total)
//
// RELSTORE_MODEL must appear at namespace scope, in the namespace of the struct.
// The primary key is the field `id`; RELSTORE_MODEL_KEY(Type, key, fields...)
// names another one. A primary key is std::int64_t or std::string.
//
// Supported field types: bool, std::int8_t/int16_t/int32_t/int64_t,
// std::uint8_t/uint16_t/uint32_t/uint64_t, float, double, std::string, an
// enum described with BOOST_DESCRIBE_ENUM, and std::optional of any of these
// (a nullable field); docs/field_types.md.
// Each rule is a static_assert with its own one-line message.
#pragma once

#include <boost/describe/class.hpp>
#include <string_view>

#include "relstore/detail/reflect.hpp"
#include "relstore/model_info.hpp"

#define RELSTORE_MODEL(Type, ...)                \
  BOOST_DESCRIBE_STRUCT(Type, (), (__VA_ARGS__)) \
  [[maybe_unused]] constexpr ::std::string_view relstore_model_name(const Type*) noexcept { return #Type; }

#define RELSTORE_MODEL_KEY(Type, Key, ...) \
  RELSTORE_MODEL(Type, __VA_ARGS__)        \
  [[maybe_unused]] constexpr ::std::string_view relstore_primary_key(const Type*) noexcept { return #Key; }

// Declares M's model_settings (model_info.hpp); after RELSTORE_MODEL, in the
// same namespace.
#define RELSTORE_MODEL_SETTINGS(Type, ...)                                                              \
  [[maybe_unused]] constexpr ::relstore::model_settings relstore_model_settings(const Type*) noexcept { \
    return {__VA_ARGS__};                                                                               \
  }

namespace relstore {

// The run-time description of model M. Thread-safe; lives for the program.
template <class M>
const model_info& model_info_of() {
  return detail::info_of<detail::checked_model<M>>();
}

}  // namespace relstore
