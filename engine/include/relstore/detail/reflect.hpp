// The run-time description of a model, generated once from its C++ type:
// field types, and get/set accessors over value. Internal; users reach it as
// relstore::model_info_of<M>().
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include <boost/core/type_name.hpp>
#include <boost/describe/class.hpp>
#include <boost/describe/enumerators.hpp>
#include <memory>

#include "relstore/detail/meta.hpp"
#include "relstore/detail/value_ops.hpp"
#include "relstore/model_info.hpp"
#include "relstore/value.hpp"

namespace relstore::detail {

// field_traits<T>::type: the field_type of a field of C++ type T (none for
// an unsupported T).
template <class T>
struct field_traits;
template <field_type F>
struct field_traits_is {
  static constexpr field_type type = F;
};
template <>
struct field_traits<bool> : field_traits_is<field_type::boolean> {};
template <>
struct field_traits<std::int8_t> : field_traits_is<field_type::int8> {};
template <>
struct field_traits<std::int16_t> : field_traits_is<field_type::int16> {};
template <>
struct field_traits<std::int32_t> : field_traits_is<field_type::int32> {};
template <>
struct field_traits<std::int64_t> : field_traits_is<field_type::int64> {};
template <>
struct field_traits<std::uint8_t> : field_traits_is<field_type::uint8> {};
template <>
struct field_traits<std::uint16_t> : field_traits_is<field_type::uint16> {};
template <>
struct field_traits<std::uint32_t> : field_traits_is<field_type::uint32> {};
template <>
struct field_traits<std::uint64_t> : field_traits_is<field_type::uint64> {};
template <>
struct field_traits<float> : field_traits_is<field_type::float32> {};
template <>
struct field_traits<double> : field_traits_is<field_type::float64> {};
template <>
struct field_traits<std::string> : field_traits_is<field_type::string> {};
// An enum described with BOOST_DESCRIBE_ENUM, stored as its underlying type.
template <class T>
requires std::is_enum_v<T> && boost::describe::has_describe_enumerators<T>::value &&
    (!std::is_same_v<std::underlying_type_t<T>, bool>)&&requires {
  field_traits<std::underlying_type_t<T>>::type;
}
struct field_traits<T> : field_traits<std::underlying_type_t<T>> {};

// A fixed array of a number type (not bool, not an enum), 1 to max_extent
// long, stored as an array field.
template <class T>
inline constexpr bool array_element_v = std::is_arithmetic_v<T> && !std::is_same_v<T, bool> && requires {
  field_traits<T>::type;
};
template <class T, std::size_t N>
requires array_element_v<T> &&
    (N >= 1 && N <= max_extent) struct field_traits<std::array<T, N>> : field_traits_is<field_type::array> {
  static constexpr field_type element = field_traits<T>::type;
  static constexpr std::size_t extent = N;
};

// The enumerators of described enum E. Thread-safe; lives for the program.
template <class E>
const std::shared_ptr<const enum_info>& enum_info_of() {
  static const std::shared_ptr<const enum_info> info = [] {
    auto e = std::make_shared<enum_info>();
    e->name = boost::core::type_name<E>();
    if (auto colon = e->name.rfind("::"); colon != std::string::npos) e->name.erase(0, colon + 2);
    mp::mp_for_each<boost::describe::describe_enumerators<E>>([&](auto d) {
      e->enumerators.push_back({d.name, static_cast<std::int64_t>(static_cast<std::underlying_type_t<E>>(d.value))});
    });
    return std::shared_ptr<const enum_info>(std::move(e));
  }();
  return info;
}

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
  } else if constexpr (std::is_enum_v<T>) {
    return view_of(static_cast<std::underlying_type_t<T>>(v));
  } else if constexpr (std::is_same_v<T, std::uint64_t>) {
    return integer_view(v);
  } else if constexpr (std::is_integral_v<T>) {
    return static_cast<std::int64_t>(v);
  } else if constexpr (std::is_floating_point_v<T>) {
    return static_cast<double>(v);
  } else if constexpr (is_std_array_v<T>) {
    return array_view(v.data(), field_traits<T>::element, v.size());
  } else {
    return std::string_view(v);
  }
}

// same_value(view_of(a), view_of(b)), compared typed: floating-point values
// bitwise (a NaN equals itself, -0.0 differs from 0.0), arrays element by
// element, null equal only to null. Cheap enough to run per entity.
template <class T>
bool same_field_value(const T& a, const T& b) noexcept {
  if constexpr (is_optional_v<T>) {
    if (a.has_value() != b.has_value()) return false;
    return !a.has_value() || same_field_value(*a, *b);
  } else if constexpr (std::is_floating_point_v<T>) {
    return std::memcmp(&a, &b, sizeof(T)) == 0;
  } else if constexpr (is_std_array_v<T>) {
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (!same_field_value(a[i], b[i])) return false;
    }
    return true;
  } else {
    return a == b;
  }
}

// compare_for_order(view_of(a), view_of(b)), compared typed: null first,
// numbers by value with NaN after every number (NaNs equal, -0.0 equal to
// 0.0), strings bytewise, arrays element by element. For the comparisons an
// ordered index makes per lookup.
template <class T>
int order_field_values(const T& a, const T& b) noexcept {
  if constexpr (is_optional_v<T>) {
    if (!a.has_value() || !b.has_value()) return static_cast<int>(a.has_value()) - static_cast<int>(b.has_value());
    return order_field_values(*a, *b);
  } else if constexpr (std::is_enum_v<T>) {
    using U = std::underlying_type_t<T>;
    return order_field_values(static_cast<U>(a), static_cast<U>(b));
  } else if constexpr (std::is_floating_point_v<T>) {
    const bool an = std::isnan(a), bn = std::isnan(b);
    if (an || bn) return static_cast<int>(an) - static_cast<int>(bn);
    return static_cast<int>(a > b) - static_cast<int>(a < b);
  } else if constexpr (is_std_array_v<T>) {
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (const int c = order_field_values(a[i], b[i]); c != 0) return c;
    }
    return 0;
  } else if constexpr (std::is_arithmetic_v<T>) {
    return static_cast<int>(a > b) - static_cast<int>(a < b);
  } else {
    const int c = std::string_view(a).compare(std::string_view(b));
    return static_cast<int>(c > 0) - static_cast<int>(c < 0);
  }
}

template <class T>
bool assign_from(T& field, const value& v, std::string* why) {
  using S = unwrap_optional_t<T>;
  S scalar{};
  bool is_null = false;
  if constexpr (std::is_enum_v<S>) {
    using U = std::underlying_type_t<S>;
    value resolved;
    U raw{};
    if (!resolve_enum(*enum_info_of<S>(), field_traits<S>::type, v, &resolved, why) ||
        !convert_value(resolved, field_traits<S>::type, is_optional_v<T>, &raw, &is_null, why)) {
      return false;
    }
    scalar = static_cast<S>(raw);
  } else if constexpr (is_std_array_v<S>) {
    if (!convert_array(v, field_traits<S>::element, scalar.size(), is_optional_v<T>, scalar.data(), &is_null, why)) {
      return false;
    }
  } else if (!convert_value(v, field_traits<S>::type, is_optional_v<T>, &scalar, &is_null, why)) {
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

// Every array field of M is std::array<T, N> of a number type, N in 1..max_extent.
template <class M>
constexpr bool arrays_supported() {
  bool ok = true;
  mp::mp_for_each<members<M>>([&](auto d) {
    using T = unwrap_optional_t<typename member_pointer_traits<decltype(decltype(d)::pointer)>::value_type>;
    if constexpr (is_std_array_v<T>) ok = ok && supported_field<T>;
  });
  return ok;
}

// Every field of M has a supported type (checked before anything else reads
// the fields, so an unsupported one is the only error printed).
template <class M>
constexpr bool fields_supported() {
  bool ok = true;
  mp::mp_for_each<members<M>>([&](auto d) {
    using T = typename member_pointer_traits<decltype(decltype(d)::pointer)>::value_type;
    ok = ok && supported_field<T>;
  });
  return ok;
}

// The compile-time checks every model passes, in the order a user should read
// them: each failing one is the first error the compiler prints, and `ok`
// lets callers substitute a placeholder so no Boost.Describe or Mp11 error
// follows it.
template <class M, bool Described = described_model<M>>
struct model_checks {
  static_assert(Described,
                "relstore: the model is not described; add RELSTORE_MODEL(Type, fields...) at namespace scope, "
                "in the namespace of the struct");
  static constexpr bool ok = false;
};

template <class M>
struct model_checks<M, true> {
  static constexpr bool arrays = arrays_supported<M>();
  static_assert(arrays,
                "relstore: an array field is std::array<T, N> with T a number type (std::int8_t ... std::uint64_t, "
                "float, double; not bool) and N from 1 to 64");
  static constexpr bool supported = fields_supported<M>();
  static_assert(supported || !arrays,
                "relstore: unsupported field type; use bool, std::int8_t/int16_t/int32_t/int64_t, "
                "std::uint8_t/uint16_t/uint32_t/uint64_t, float, double, std::string, an enum described with "
                "BOOST_DESCRIBE_ENUM, std::array<T, N> of a number type, or std::optional of one");
  static constexpr bool few = field_count<M> <= max_fields;
  static_assert(few, "relstore: a model has at most 64 fields");
  static constexpr std::size_t pk = field_index<M>(primary_key_name<M>());
  static_assert(pk != npos, "relstore: the model has no primary key field (`id` unless RELSTORE_MODEL_KEY names one)");
  static constexpr bool key_type = [] {
    if constexpr (pk == npos) {
      return true;
    } else {
      using K = member_type<M, pk>;
      return std::is_same_v<K, std::int64_t> || std::is_same_v<K, std::string>;
    }
  }();
  static_assert(key_type, "relstore: a primary key is std::int64_t or std::string");
  static constexpr bool required_known = [] {
    for (std::string_view name : settings_of<M>().required) {
      if (!name.empty() && field_index<M>(name) == npos) return false;
    }
    return true;
  }();
  static_assert(required_known, "relstore: RELSTORE_MODEL_SETTINGS requires a field the model does not have");
  static constexpr bool generated_int = [] {
    if constexpr (pk == npos) {
      return true;
    } else {
      return !settings_of<M>().generated_key || std::is_same_v<member_type<M, pk>, std::int64_t>;
    }
  }();
  static_assert(generated_int, "relstore: generated_key needs an int64 primary key");
  static constexpr bool ok = supported && few && pk != npos && key_type && required_known && generated_int;
};

// Stands in for a model that failed its checks, so that the code after the
// failed static_assert compiles and adds no errors of its own.
struct placeholder_model {
  std::int64_t id = 0;
};
BOOST_DESCRIBE_STRUCT(placeholder_model, (), (id))
constexpr std::string_view relstore_model_name(const placeholder_model*) noexcept { return "placeholder"; }

// M when it passes its checks, otherwise placeholder_model.
template <class M>
using checked_model = std::conditional_t<model_checks<M>::ok, M, placeholder_model>;

template <class M>
model_info build_model_info() {
  model_info info;
  info.name = std::string(model_name<M>());
  const M probe{};  // for the fields' offsets
  mp::mp_for_each<members<M>>([&](auto d) {
    using D = decltype(d);
    using T = typename member_pointer_traits<decltype(D::pointer)>::value_type;
    field_info f;
    f.name = d.name;
    f.type = field_traits<unwrap_optional_t<T>>::type;
    f.nullable = is_optional_v<T>;
    if constexpr (std::is_enum_v<unwrap_optional_t<T>>) f.enumeration = enum_info_of<unwrap_optional_t<T>>();
    if constexpr (is_std_array_v<unwrap_optional_t<T>>) {
      f.element = field_traits<unwrap_optional_t<T>>::element;
      f.extent = static_cast<std::uint32_t>(field_traits<unwrap_optional_t<T>>::extent);
    }
    if constexpr (std::is_arithmetic_v<T> && !std::is_same_v<T, bool> && !std::is_same_v<T, std::uint64_t>) {
      f.offset =
          reinterpret_cast<const std::byte*>(&(probe.*(D::pointer))) - reinterpret_cast<const std::byte*>(&probe);
    }
    f.get = [](const void* e) -> value_view { return view_of(static_cast<const M*>(e)->*(D::pointer)); };
    f.set = [](void* e, const value& v, std::string* why) -> bool {
      return assign_from(static_cast<M*>(e)->*(D::pointer), v, why);
    };
    info.fields.push_back(std::move(f));
  });
  info.primary_key = field_index<M>(primary_key_name<M>());
  constexpr model_settings settings = settings_of<M>();
  info.generated_key = settings.generated_key;
  for (std::string_view name : settings.required) {
    if (!name.empty()) info.fields[field_index<M>(name)].required = true;
  }
  return info;
}

// The run-time description of model M. Thread-safe; lives for the program.
// REQUIRES: checked_model<M> (see meta.hpp).
template <class M>
const model_info& info_of() {
  static const model_info info = build_model_info<M>();
  return info;
}

}  // namespace relstore::detail
