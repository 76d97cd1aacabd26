// The storage of one model: a Boost.MultiIndex container with a unique hashed
// index on the primary key, a unique hashed index on every other parent key
// (key_from) and a non-unique hashed index on every foreign key a relation
// uses. Relations and lookups ask keys only for equality, and a hash answers
// in one or two cache misses where a 1M-node tree costs twenty. Key order,
// where a result needs it, comes from sorting the (few) matches.
// Internal: no type from here appears in a public signature.
#pragma once

#include <algorithm>
#include <boost/mp11/algorithm.hpp>
#include <boost/multi_index/hashed_index.hpp>
#include <boost/multi_index/member.hpp>
#include <boost/multi_index/tag.hpp>
#include <boost/multi_index_container.hpp>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "relstore/detail/meta.hpp"
#include "relstore/model.hpp"
#include "relstore/value.hpp"

namespace relstore::detail {

namespace bmi = boost::multi_index;

template <std::size_t F>
struct field_tag {};

template <std::size_t F, bool Unique>
struct index_def {
  static constexpr std::size_t field = F;
  static constexpr bool unique = Unique;
};

template <class A, class B>
using same_field = mp::mp_bool<A::field == B::field>;

template <class M, class R>
using parent_index_defs =
    mp::mp_if_c<std::is_same_v<typename R::parent, M> && R::parent_key != field_index<M>(primary_key_name<M>()),
                mp::mp_list<index_def<R::parent_key, true>>, mp::mp_list<>>;

template <class M, class R>
using child_index_defs =
    mp::mp_if_c<std::is_same_v<typename R::child, M>, mp::mp_list<index_def<R::child_key, false>>, mp::mp_list<>>;

template <class M, std::size_t F>
using key_of = bmi::member<M, member_type<M, F>, member_pointer<M, F>>;

template <class M>
struct index_spec_of {
  template <class D>
  using fn = mp::mp_if_c<
      D::unique,
      bmi::hashed_unique<bmi::tag<field_tag<D::field>>, key_of<M, D::field>, std::hash<member_type<M, D::field>>>,
      bmi::hashed_non_unique<bmi::tag<field_tag<D::field>>, key_of<M, D::field>, std::hash<member_type<M, D::field>>>>;
};

template <class M, class Relations>
struct table_layout {
  static constexpr std::size_t pk = field_index<M>(primary_key_name<M>());

  template <class R>
  using parent_defs = parent_index_defs<M, R>;
  template <class R>
  using child_defs = child_index_defs<M, R>;

  using defs = mp::mp_unique_if<
      mp::mp_append<
          mp::mp_list<index_def<pk, true>>,
          mp::mp_apply<mp::mp_append, mp::mp_push_front<mp::mp_transform<parent_defs, Relations>, mp::mp_list<>>>,
          mp::mp_apply<mp::mp_append, mp::mp_push_front<mp::mp_transform<child_defs, Relations>, mp::mp_list<>>>>,
      same_field>;

  using indices = mp::mp_apply<bmi::indexed_by, mp::mp_transform_q<index_spec_of<M>, defs>>;
  using container = bmi::multi_index_container<M, indices>;
};

// Converts a run-time value to the key type K (possibly optional). Returns
// nullopt when no key of type K can equal `v` (so an index lookup finds nothing).
template <class K>
std::optional<K> key_from_value(const value& v) {
  using S = unwrap_optional_t<K>;
  if (std::holds_alternative<null_t>(v)) {
    if constexpr (is_optional_v<K>) return std::optional<K>(K{});
    return std::nullopt;
  }
  if constexpr (std::is_same_v<S, std::string>) {
    if (const auto* s = std::get_if<std::string>(&v)) return std::optional<K>(K(*s));
    return std::nullopt;
  } else if constexpr (std::is_same_v<S, bool>) {
    if (const auto* b = std::get_if<bool>(&v)) return std::optional<K>(K(*b));
    return std::nullopt;
  } else if constexpr (std::is_integral_v<S>) {
    if (const auto* d = std::get_if<double>(&v)) {
      // An integral double (2.0) equals the integer key; any other never does.
      if (!(*d >= -9.2e18 && *d <= 9.2e18) || static_cast<double>(static_cast<std::int64_t>(*d)) != *d) {
        return std::nullopt;
      }
      return key_from_value<K>(value(static_cast<std::int64_t>(*d)));
    }
    if (const auto* i = std::get_if<std::int64_t>(&v)) {
      if (*i < static_cast<std::int64_t>(std::numeric_limits<S>::min()) ||
          (*i > 0 && static_cast<std::uint64_t>(*i) > static_cast<std::uint64_t>(std::numeric_limits<S>::max()))) {
        return std::nullopt;
      }
      return std::optional<K>(K(static_cast<S>(*i)));
    }
    return std::nullopt;
  } else {
    return std::nullopt;  // doubles are never index keys
  }
}

// One model's entities. Owned by the store.
template <class M, class Relations>
class table {
 public:
  using layout = table_layout<M, Relations>;
  using container = typename layout::container;
  using defs = typename layout::defs;
  static constexpr std::size_t pk = layout::pk;
  using key_type = member_type<M, pk>;
  static constexpr bool auto_key = std::is_same_v<key_type, std::int64_t>;

  template <std::size_t F>
  static constexpr bool has_index = mp::mp_any_of_q<defs, mp::mp_bind_front<same_field, index_def<F, false>>>::value;

  template <std::size_t F>
  auto& index() {
    return items.template get<field_tag<F>>();
  }
  template <std::size_t F>
  const auto& index() const {
    return items.template get<field_tag<F>>();
  }

  const M* find(const key_type& key) const {
    const auto& idx = index<pk>();
    auto it = idx.find(key);
    return it == idx.end() ? nullptr : &*it;
  }

  // Calls fn(const M&) for each entity whose field F equals `key`.
  template <std::size_t F, class K, class Fn>
  void for_each_equal(const K& key, Fn&& fn) const {
    const auto& idx = index<F>();
    auto [first, last] = idx.equal_range(key);
    for (; first != last; ++first) fn(*first);
  }

  // Sizes every hashed index for `n` entities, so a bulk load never rehashes.
  void reserve(std::size_t n) {
    mp::mp_for_each<defs>([&](auto d) {
      using D = decltype(d);
      index<D::field>().reserve(n);
    });
  }

  // Number of entities whose field F equals `key`.
  template <std::size_t F, class K>
  std::size_t count_equal(const K& key) const {
    return index<F>().count(key);
  }

  // Every entity, in primary key order.
  std::vector<const M*> in_key_order() const {
    std::vector<const M*> out;
    out.reserve(items.size());
    for (const M& e : items) out.push_back(&e);
    sort_by_key(out);
    return out;
  }

  // Sorts entity pointers by primary key. Large inputs sort (key, pointer)
  // pairs, so comparisons do not chase pointers.
  static void sort_by_key(std::vector<const M*>& v) {
    constexpr auto key = member_pointer<M, pk>;
    if (v.size() < 64 || !std::is_arithmetic_v<key_type>) {
      std::sort(v.begin(), v.end(), [](const M* a, const M* b) { return a->*key < b->*key; });
      return;
    }
    std::vector<std::pair<key_type, const M*>> keyed;
    keyed.reserve(v.size());
    for (const M* e : v) keyed.emplace_back(e->*key, e);
    std::sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (std::size_t i = 0; i < v.size(); ++i) v[i] = keyed[i].second;
  }

  container items;
  std::int64_t next_id = 1;  // above every key present: assigned keys never collide
};

}  // namespace relstore::detail
