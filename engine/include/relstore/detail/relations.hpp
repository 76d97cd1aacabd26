// Compile-time lookup of a schema's relations by model and name. Internal.
#pragma once

#include <boost/mp11/algorithm.hpp>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>

#include "relstore/detail/meta.hpp"

namespace relstore::detail {

// Index in S::relation_list of the has_many called Name whose parent is M, or npos.
template <class S, class M, fixed_string Name>
constexpr std::size_t find_has_many() {
  std::size_t found = npos, i = 0;
  mp::mp_for_each<typename S::relation_list>([&](auto rel) {
    using R = decltype(rel);
    if constexpr (std::is_same_v<typename R::parent, M>) {
      if (R::name() == Name.view()) found = i;
    }
    ++i;
  });
  return found;
}

// Index in S::relation_list of the relation whose belongs_to side, walked
// from M, is called Name, or npos.
template <class S, class M, fixed_string Name>
constexpr std::size_t find_belongs_to() {
  std::size_t found = npos, i = 0;
  mp::mp_for_each<typename S::relation_list>([&](auto rel) {
    using R = decltype(rel);
    if constexpr (std::is_same_v<typename R::child, M>) {
      if (R::inverse_name() == Name.view()) found = i;
    }
    ++i;
  });
  return found;
}

// Index in S::through_list of the has_many_through called Name whose
// parent is M, or npos.
template <class S, class M, fixed_string Name>
constexpr std::size_t find_through() {
  std::size_t found = npos, i = 0;
  mp::mp_for_each<typename S::through_list>([&](auto rel) {
    using R = decltype(rel);
    if constexpr (std::is_same_v<typename R::parent, M>) {
      if (R::name() == Name.view()) found = i;
    }
    ++i;
  });
  return found;
}

// Index in S::relation_list of the has_many (or has_one) that enforces the
// parent key of has_many_through T's links, or npos.
template <class S, class T>
constexpr std::size_t through_from_relation() {
  std::size_t found = npos, i = 0;
  mp::mp_for_each<typename S::relation_list>([&](auto rel) {
    using B = decltype(rel);
    if constexpr (std::is_same_v<typename B::parent, typename T::parent> &&
                  std::is_same_v<typename B::child, typename T::through>) {
      if (found == npos && B::child_key == T::from_key && B::parent_key == T::parent_key) found = i;
    }
    ++i;
  });
  return found;
}

// Stands in for a relation that does not exist, after its static_assert, so
// that no further error follows.
struct placeholder_relation {
  using parent = void;
  using child = void;
  using parent_key_type = std::int64_t;
  static constexpr bool unique = false;
  static constexpr bool is_through = false;
};

template <class S, std::size_t I>
using relation_at =
    mp::mp_eval_if_c<I == npos, placeholder_relation, mp::mp_at, typename S::relation_list, mp::mp_size_t<I>>;
template <class S, std::size_t I>
using through_at =
    mp::mp_eval_if_c<I == npos, placeholder_relation, mp::mp_at, typename S::through_list, mp::mp_size_t<I>>;

// The relation related<Name>() walks from M: a has_many, has_one or
// has_many_through of M.
template <class S, class M, fixed_string Name>
struct related_named {
  static constexpr std::size_t many = find_has_many<S, M, Name>();
  static constexpr std::size_t via = find_through<S, M, Name>();
  static_assert(many != npos || via != npos,
                "relstore: no has_many, has_one or has_many_through relation of this model has that name");
  static constexpr bool found = many != npos || via != npos;
  using type = std::conditional_t<many != npos, relation_at<S, many>, through_at<S, via>>;
};

// The relation whose belongs_to side, walked from M, is called Name.
template <class S, class M, fixed_string Name>
struct belongs_to_named {
  static constexpr std::size_t index = find_belongs_to<S, M, Name>();
  static_assert(index != npos, "relstore: no belongs_to relation of this model has that name");
  using type = relation_at<S, index>;
};

// The relation called Name walked from M in S: the has_many (or has_one)
// when M is its parent, else the belongs_to when M is its child. `target` is
// the model the relation leads to; `is_many` says whether it leads to rows
// (has_many) or to one row or none (has_one, belongs_to).
template <class S, class M, fixed_string Name>
struct relation_named {
  static constexpr std::size_t many = find_has_many<S, M, Name>();
  static constexpr std::size_t one = find_belongs_to<S, M, Name>();
  static constexpr std::size_t via = find_through<S, M, Name>();
  static constexpr bool found = many != npos || one != npos || via != npos;
  static constexpr bool down = many != npos || via != npos;
  using relation = std::conditional_t<via != npos, through_at<S, via>, relation_at<S, many != npos ? many : one>>;
  static constexpr bool is_many = down && !relation::unique;
  using target =
      std::conditional_t<!found, void, std::conditional_t<down, typename relation::child, typename relation::parent>>;
};

// The schema RELSTORE_SCHEMA declared for model M (found by argument-
// dependent lookup in M's namespace), or void when none or several were.
template <class M>
struct schema_of {
  using type = void;
};
template <class M>
requires requires(const M* p) { relstore_schema_of(p); }
struct schema_of<M> {
  using type = decltype(relstore_schema_of(static_cast<const M*>(nullptr)));
};
template <class M>
using schema_of_t = typename schema_of<M>::type;

// A schema without relations, standing in when none is declared.
struct placeholder_schema {
  using relation_list = mp::mp_list<>;
  using through_list = mp::mp_list<>;
};

// The relation called Name of M in the schema RELSTORE_SCHEMA declared for
// it; each failing condition is its own one-line static_assert.
template <class M, fixed_string Name>
struct checked_relation {
  using schema = schema_of_t<M>;
  static_assert(!std::is_void_v<schema>,
                "relstore: a relation name as a template argument is checked against the schema: declare it with "
                "RELSTORE_SCHEMA(schema) in the models' namespace, or pass the name as a string");
  using found = relation_named<std::conditional_t<std::is_void_v<schema>, placeholder_schema, schema>, M, Name>;
  static_assert(std::is_void_v<schema> || found::found, "relstore: the model has no relation of that name");
  static constexpr bool ok = !std::is_void_v<schema> && found::found;
};

// Index of relation R in S::relation_list; its has_many is registered as
// registry relation 2 * index, its belongs_to as 2 * index + 1.
template <class S, class R>
inline constexpr std::size_t relation_index = mp::mp_find<typename S::relation_list, R>::value;
// The registry index of has_many_through R of S.
template <class S, class R>
inline constexpr std::size_t through_registry_index =
    2 * mp::mp_size<typename S::relation_list>::value + mp::mp_find<typename S::through_list, R>::value;

}  // namespace relstore::detail
