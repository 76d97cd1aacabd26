// Models: plain structs whose fields are known by name at run time.
//
//   struct Order { std::int64_t id = 0; std::int64_t customerId = 0; double total = 0; };
//   RELSTORE_MODEL(Order, id, customerId, total)
//
// RELSTORE_MODEL must appear at namespace scope, in the namespace of the struct.
// The primary key is the field `id`; RELSTORE_MODEL_KEY(Type, key, fields...)
// names another one. A primary key is std::int64_t or std::string.
//
// Supported field types: bool, std::int32_t, std::int64_t, std::uint32_t,
// double, std::string, and std::optional of any of these (a nullable field).
#pragma once

#include <boost/describe/class.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "relstore/detail/meta.hpp"
#include "relstore/value.hpp"

#define RELSTORE_MODEL(Type, ...)                \
  BOOST_DESCRIBE_STRUCT(Type, (), (__VA_ARGS__)) \
  [[maybe_unused]] constexpr ::std::string_view relstore_model_name(const Type*) noexcept { return #Type; }

#define RELSTORE_MODEL_KEY(Type, Key, ...) \
  RELSTORE_MODEL(Type, __VA_ARGS__)        \
  [[maybe_unused]] constexpr ::std::string_view relstore_primary_key(const Type*) noexcept { return #Key; }

namespace relstore {

// One field of a model, as seen at run time. The accessors are null for a
// model read from a snapshot whose C++ type is not known to the program.
struct field_info {
  std::string name;
  field_type type = field_type::int64;
  bool nullable = false;
  // REQUIRES: entity points to an object of the model's type.
  value_view (*get)(const void* entity) = nullptr;
  // Sets the field from `v`. On a type or range mismatch leaves the entity
  // unchanged, stores the reason in *why and returns false.
  bool (*set)(void* entity, const value& v, std::string* why) = nullptr;
};

// A model's run-time description.
struct model_info {
  std::string name;
  std::vector<field_info> fields;
  std::size_t primary_key = 0;  // index into fields

  // Returns the index of the field called `field`, or nullopt.
  std::optional<std::size_t> find_field(std::string_view field) const noexcept;
};

// The largest number of fields a model may have (projection masks are 64 bits).
inline constexpr std::size_t max_fields = 64;

namespace detail {

template <class T>
struct field_traits;
template <>
struct field_traits<bool> {
  static constexpr field_type type = field_type::boolean;
};
template <>
struct field_traits<std::int32_t> {
  static constexpr field_type type = field_type::int32;
};
template <>
struct field_traits<std::int64_t> {
  static constexpr field_type type = field_type::int64;
};
template <>
struct field_traits<std::uint32_t> {
  static constexpr field_type type = field_type::uint32;
};
template <>
struct field_traits<double> {
  static constexpr field_type type = field_type::float64;
};
template <>
struct field_traits<std::string> {
  static constexpr field_type type = field_type::string;
};

template <class T>
concept supported_field = requires {
  field_traits<unwrap_optional_t<T>>::type;
};

template <class T>
value_view view_of(const T& v) {
  if constexpr (is_optional_v<T>) {
    if (!v) return null;
    return view_of(*v);
  } else if constexpr (std::is_same_v<T, bool>) {
    return v;
  } else if constexpr (std::is_integral_v<T>) {
    return static_cast<std::int64_t>(v);
  } else if constexpr (std::is_same_v<T, double>) {
    return v;
  } else {
    return std::string_view(v);
  }
}

// Converts `v` to a field of type T; false with a reason on mismatch.
bool convert_value(const value& v, field_type type, bool nullable, void* out_scalar, bool* out_null, std::string* why);

template <class T>
bool assign_from(T& field, const value& v, std::string* why) {
  using S = unwrap_optional_t<T>;
  S scalar{};
  bool is_null = false;
  if (!convert_value(v, field_traits<S>::type, is_optional_v<T>, &scalar, &is_null, why)) {
    return false;
  }
  if constexpr (is_optional_v<T>) {
    if (is_null) {
      field.reset();
      return true;
    }
  }
  field = std::move(scalar);
  return true;
}

template <class M>
model_info build_model_info() {
  static_assert(described_model<M>, "relstore: the model needs RELSTORE_MODEL(Type, fields...)");
  static_assert(field_count<M> <= max_fields, "relstore: a model has at most 64 fields");
  model_info info;
  info.name = std::string(model_name<M>());
  mp::mp_for_each<members<M>>([&](auto d) {
    using D = decltype(d);
    using T = typename member_pointer_traits<decltype(D::pointer)>::value_type;
    static_assert(supported_field<T>,
                  "relstore: unsupported field type; use bool, int32, int64, uint32, double, "
                  "std::string or std::optional of one");
    field_info f;
    f.name = d.name;
    f.type = field_traits<unwrap_optional_t<T>>::type;
    f.nullable = is_optional_v<T>;
    f.get = [](const void* e) -> value_view { return view_of(static_cast<const M*>(e)->*(D::pointer)); };
    f.set = [](void* e, const value& v, std::string* why) -> bool {
      return assign_from(static_cast<M*>(e)->*(D::pointer), v, why);
    };
    info.fields.push_back(std::move(f));
  });
  constexpr std::size_t pk = field_index<M>(primary_key_name<M>());
  static_assert(pk != npos, "relstore: the model has no primary key field (`id` unless RELSTORE_MODEL_KEY names one)");
  using K = member_type<M, pk>;
  static_assert(std::is_same_v<K, std::int64_t> || std::is_same_v<K, std::string>,
                "relstore: a primary key is std::int64_t or std::string");
  info.primary_key = pk;
  return info;
}

}  // namespace detail

// The run-time description of model M. Thread-safe; lives for the program.
template <class M>
const model_info& model_info_of() {
  static const model_info info = detail::build_model_info<M>();
  return info;
}

}  // namespace relstore
