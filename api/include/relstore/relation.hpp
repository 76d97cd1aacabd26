// has_many: the C++ analog of LoopBack's @hasMany, with its belongsTo inverse;
// has_one: LoopBack's @hasOne, the same with at most one child per parent.
//
//   using customer_orders = relstore::has_many<"orders", Customer, Order>;
//   using reports = relstore::has_many<"reports", Employee, Employee,
//                                      relstore::key_to<&Employee::managerId>,
//                                      relstore::inverse<"manager">,
//                                      relstore::on_delete::set_null>;
//
// Options, in any order:
//   key_to<&Child::field>     the foreign key; default camelCase(Parent) + "Id"
//   key_from<&Parent::field>  the parent key; default the primary key. It must
//                             be unique: the parent's table gets a unique index.
//   inverse<"name">           the belongs_to name; default camelCase(Parent)
//   on_delete::cascade / on_delete::set_null / on_delete::restrict (default)
//
// Checked at compile time: the foreign key field exists, its type is the
// parent key's type or std::optional of it, set_null has an optional key, and
// neither name shadows a field (a model never carries its related entities).
//
//   using customer_address = relstore::has_one<"address", Customer, Address>;
//
// has_one takes the same options and defaults. Its foreign key is unique
// among non-null values: a second child of one parent is already_exists.
#pragma once

#include <cstddef>
#include <string_view>
#include <type_traits>

#include "relstore/detail/meta.hpp"
#include "relstore/detail/reflect.hpp"
#include "relstore/model.hpp"
#include "relstore/registry.hpp"

namespace relstore {

template <auto Member>
struct key_to_t {};
template <auto Member>
inline constexpr key_to_t<Member> key_to{};

template <auto Member>
struct key_from_t {};
template <auto Member>
inline constexpr key_from_t<Member> key_from{};

template <detail::fixed_string Name>
struct inverse_t {};
template <detail::fixed_string Name>
inline constexpr inverse_t<Name> inverse{};

namespace detail {

template <class T>
struct key_to_option : std::false_type {};
template <auto M>
struct key_to_option<key_to_t<M>> : std::true_type {
  static constexpr auto pointer = M;
};
template <class T>
struct key_from_option : std::false_type {};
template <auto M>
struct key_from_option<key_from_t<M>> : std::true_type {
  static constexpr auto pointer = M;
};
template <class T>
struct inverse_option : std::false_type {};
template <fixed_string N>
struct inverse_option<inverse_t<N>> : std::true_type {
  static constexpr auto name = N;
};

template <template <class> class Trait, auto... Options>
constexpr std::size_t option_position() {
  std::size_t pos = npos, i = 0;
  ((Trait<std::remove_cv_t<decltype(Options)>>::value ? (pos = (pos == npos ? i : pos), ++i) : ++i), ...);
  return pos;
}

template <template <class> class Trait, auto... Options>
constexpr std::size_t option_count() {
  return (std::size_t{0} + ... + (Trait<std::remove_cv_t<decltype(Options)>>::value ? 1u : 0u));
}

template <std::size_t I, auto... Options>
using option_type = std::remove_cv_t<mp::mp_at_c<mp::mp_list<decltype(Options)...>, I>>;

template <class T>
struct policy_option : std::is_same<T, on_delete> {};

template <auto O>
constexpr void take_policy(on_delete& p) {
  if constexpr (std::is_same_v<std::remove_cv_t<decltype(O)>, on_delete>) p = O;
}

}  // namespace detail

template <detail::fixed_string Name, class Parent, class Child, auto... Options>
struct has_many {
 private:
  // Both models pass their own checks first; otherwise their placeholders
  // stand in, so the model's error is the only one printed.
  static constexpr bool models_ok = detail::model_checks<Parent>::ok && detail::model_checks<Child>::ok;
  using P = detail::checked_model<Parent>;
  using C = detail::checked_model<Child>;

 public:
  using parent = Parent;
  using child = Child;
  // Whether this is a has_one (at most one child per parent).
  static constexpr bool unique = false;
  static constexpr bool is_through = false;

  static constexpr std::string_view name() { return Name.view(); }

  // keyFrom: a field of Parent (the primary key unless overridden).
  static constexpr std::size_t parent_key = [] {
    constexpr std::size_t pos = detail::option_position<detail::key_from_option, Options...>();
    if constexpr (pos == detail::npos || !models_ok) {
      return detail::field_index<P>(detail::primary_key_name<P>());
    } else {
      using O = detail::key_from_option<detail::option_type<pos, Options...>>;
      static_assert(std::is_same_v<typename detail::member_pointer_traits<decltype(O::pointer)>::class_type, Parent>,
                    "relstore: key_from must name a field of the parent model");
      return detail::member_index<Parent, O::pointer>();
    }
  }();

  // keyTo: the foreign key field of Child.
  static constexpr std::size_t child_key = [] {
    constexpr std::size_t pos = detail::option_position<detail::key_to_option, Options...>();
    if constexpr (!models_ok) {
      return std::size_t{0};
    } else if constexpr (pos == detail::npos) {
      return detail::default_key_to_index<Child>(detail::model_name<Parent>());
    } else {
      using O = detail::key_to_option<detail::option_type<pos, Options...>>;
      static_assert(std::is_same_v<typename detail::member_pointer_traits<decltype(O::pointer)>::class_type, Child>,
                    "relstore: key_to must name a field of the target model");
      return detail::member_index<Child, O::pointer>();
    }
  }();

  static constexpr on_delete policy = [] {
    on_delete p = on_delete::restrict;
    (detail::take_policy<Options>(p), ...);
    return p;
  }();

 private:
  static constexpr detail::name_buffer inverse_storage = [] {
    constexpr std::size_t pos = detail::option_position<detail::inverse_option, Options...>();
    if constexpr (pos == detail::npos) {
      return detail::camel_case(detail::model_name<P>());
    } else {
      detail::name_buffer n;
      for (char c : detail::inverse_option<detail::option_type<pos, Options...>>::name.view()) n.push(c);
      return n;
    }
  }();

  static constexpr bool keys_found = child_key != detail::npos && parent_key != detail::npos;
  static constexpr std::size_t safe_parent_key = keys_found ? parent_key : 0;
  static constexpr std::size_t safe_child_key = keys_found ? child_key : 0;

 public:
  // The belongs_to name: the inverse<> option, or camelCase(Parent).
  static constexpr std::string_view inverse_name() { return inverse_storage.view(); }

  static_assert(inverse_name().size() < 128 && name().size() < 128,
                "relstore: a relation name has at most 127 characters");
  static_assert(detail::option_count<detail::key_to_option, Options...>() <= 1, "relstore: key_to given twice");
  static_assert(detail::option_count<detail::key_from_option, Options...>() <= 1, "relstore: key_from given twice");
  static_assert(detail::option_count<detail::inverse_option, Options...>() <= 1, "relstore: inverse given twice");
  static_assert(detail::option_count<detail::policy_option, Options...>() <= 1, "relstore: on_delete given twice");
  static_assert(child_key != detail::npos,
                "relstore: target model is missing definition of foreign key camelCase(Parent)+\"Id\"; "
                "add the field or name it with relstore::key_to<&Child::field>");
  static_assert(parent_key != detail::npos, "relstore: key_from names no described field of the parent");

  using parent_key_type = detail::member_type<P, safe_parent_key>;
  using child_key_type = detail::member_type<C, safe_child_key>;

  static_assert(!models_ok || !keys_found || std::is_same_v<parent_key_type, std::int64_t> ||
                    std::is_same_v<parent_key_type, std::string>,
                "relstore: a relation's parent key is std::int64_t or std::string");
  static_assert(!models_ok || !keys_found || std::is_same_v<detail::unwrap_optional_t<child_key_type>, parent_key_type>,
                "relstore: the foreign key's type must be the parent key's type or std::optional of it");
  static_assert(!models_ok || policy != on_delete::set_null || detail::is_optional_v<child_key_type>,
                "relstore: on_delete::set_null needs an std::optional foreign key");
  static_assert(!models_ok || detail::field_index<P>(Name.view()) == detail::npos,
                "relstore: a relation name must not be a field of the parent: models never carry related entities");
  static_assert(!models_ok || detail::field_index<C>(inverse_name()) == detail::npos,
                "relstore: the inverse (belongs_to) name must not be a field of the child; name it with "
                "relstore::inverse<\"...\">");

  static constexpr bool child_key_nullable = detail::is_optional_v<child_key_type>;
};

// LoopBack's @hasOne: a has_many whose foreign key is unique among non-null
// values. Customer.address is walked with related<"address">(id) (a
// has_one_repository) and included as one row or none.
template <detail::fixed_string Name, class Parent, class Child, auto... Options>
struct has_one : has_many<Name, Parent, Child, Options...> {
  static constexpr bool unique = true;
};

// has_many_through options: the through model's two foreign keys (default
// camelCase(Parent) + "Id" and camelCase(Target) + "Id"), and whether a pair
// may be linked more than once (default: once).
template <auto From, auto To>
struct through_keys_t {};
template <auto From, auto To>
inline constexpr through_keys_t<From, To> through_keys{};
struct repeated_links_t {};
inline constexpr repeated_links_t repeated_links{};

namespace detail {
template <class T>
struct through_keys_option : std::false_type {};
template <auto F, auto T>
struct through_keys_option<through_keys_t<F, T>> : std::true_type {
  static constexpr auto from = F;
  static constexpr auto to = T;
};
template <class T>
struct repeated_links_option : std::is_same<T, repeated_links_t> {};
template <class T>
struct through_option : std::bool_constant<through_keys_option<T>::value || repeated_links_option<T>::value> {};
}  // namespace detail

// LoopBack's hasManyThrough: Parent has many Target through the rows of
// Through, which holds a foreign key to each. It owns no key: the schema
// must also declare has_many (or has_one) relations Parent -> Through and
// Target -> Through on those keys, which enforce them and whose policies say
// what deleting an end does to its links (checked at compile time).
//
//   using patient_doctors = relstore::has_many_through<"doctors", Patient, Doctor, Appointment>;
//
// Options: through_keys<&Through::from, &Through::to>, repeated_links.
template <detail::fixed_string Name, class Parent, class Target, class Through, auto... Options>
struct has_many_through {
 private:
  static constexpr bool models_ok =
      detail::model_checks<Parent>::ok && detail::model_checks<Target>::ok && detail::model_checks<Through>::ok;
  using P = detail::checked_model<Parent>;
  using C = detail::checked_model<Target>;
  using T = detail::checked_model<Through>;
  static constexpr std::size_t keys_at = detail::option_position<detail::through_keys_option, Options...>();

 public:
  using parent = Parent;
  using child = Target;
  using target = Target;
  using through = Through;
  static constexpr bool unique = false;
  static constexpr bool is_through = true;
  static constexpr bool repeated = detail::option_count<detail::repeated_links_option, Options...>() > 0;

  static constexpr std::string_view name() { return Name.view(); }

  static constexpr std::size_t parent_key = models_ok ? detail::field_index<P>(detail::primary_key_name<P>()) : 0;
  static constexpr std::size_t child_key = models_ok ? detail::field_index<C>(detail::primary_key_name<C>()) : 0;
  // Through's foreign key naming the parent, and the one naming the target.
  static constexpr std::size_t from_key = [] {
    if constexpr (!models_ok) {
      return std::size_t{0};
    } else if constexpr (keys_at == detail::npos) {
      return detail::default_key_to_index<Through>(detail::model_name<Parent>());
    } else {
      using O = detail::through_keys_option<detail::option_type<keys_at, Options...>>;
      return detail::member_index<Through, O::from>();
    }
  }();
  static constexpr std::size_t to_key = [] {
    if constexpr (!models_ok) {
      return std::size_t{0};
    } else if constexpr (keys_at == detail::npos) {
      return detail::default_key_to_index<Through>(detail::model_name<Target>());
    } else {
      using O = detail::through_keys_option<detail::option_type<keys_at, Options...>>;
      return detail::member_index<Through, O::to>();
    }
  }();

  static_assert((detail::through_option<std::remove_cv_t<decltype(Options)>>::value && ...),
                "relstore: has_many_through takes through_keys<...> and repeated_links only (policies belong to the "
                "has_many relations into the through model)");
  static_assert(detail::option_count<detail::through_keys_option, Options...>() <= 1,
                "relstore: through_keys given twice");
  static_assert(from_key != detail::npos,
                "relstore: through model is missing definition of foreign key camelCase(Parent)+\"Id\"; add the "
                "field or name it with relstore::through_keys<&Through::from, &Through::to>");
  static_assert(to_key != detail::npos,
                "relstore: through model is missing definition of foreign key camelCase(Target)+\"Id\"; add the "
                "field or name it with relstore::through_keys<&Through::from, &Through::to>");
  static_assert(!models_ok || (!std::is_same_v<Through, Parent> && !std::is_same_v<Through, Target>),
                "relstore: the through model must be a third model");
  static_assert(!models_ok || from_key == detail::npos || from_key != to_key,
                "relstore: both ends of a has_many_through use the same field of the through model; name them with "
                "relstore::through_keys<&Through::from, &Through::to>");
  static_assert(!models_ok || detail::field_index<P>(Name.view()) == detail::npos,
                "relstore: a relation name must not be a field of the parent: models never carry related entities");

  using parent_key_type = detail::member_type<P, parent_key>;
  using target_key_type = detail::member_type<C, child_key>;
};

}  // namespace relstore
