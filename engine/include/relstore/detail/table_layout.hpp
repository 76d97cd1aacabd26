// table_layout<M, Relations, Indexes>: the Boost.MultiIndex container that
// stores one model: a unique hashed index on the primary key, a unique hashed
// index on every other parent key (key_from) and the user's unique ones, a
// non-unique hashed index on every foreign key a relation uses and the user's
// hashed ones, an ordered index per user ordered index; nodes from a
// node_pool. Internal: no type from here appears in a public signature.
#pragma once

// First: it sets how Boost.MultiIndex checks its invariants.
#include "relstore/detail/invariant_budget.hpp"

#include <boost/mp11/algorithm.hpp>
#include <boost/multi_index/hashed_index.hpp>
#include <boost/multi_index/member.hpp>
#include <boost/multi_index/ordered_index.hpp>
#include <boost/multi_index/tag.hpp>
#include <boost/multi_index_container.hpp>
#include <cstddef>
#include <functional>
#include <type_traits>

#include "relstore/assert.hpp"
#include "relstore/detail/meta.hpp"
#include "relstore/detail/node_pool.hpp"
#include "relstore/detail/reflect.hpp"
#include "relstore/detail/value_ops.hpp"

namespace relstore::detail {
namespace bmi = boost::multi_index;

template <std::size_t F>
struct field_tag {};

template <std::size_t F, bool Unique, bool User = false, bool Descending = false>
struct index_def {
  static constexpr std::size_t field = F;
  static constexpr bool unique = Unique;
  static constexpr bool user = User;              // declared by a relstore::index
  static constexpr bool descending = Descending;  // an ordered index stored highest first
};

template <class D>
using is_foreign_key_def = mp::mp_bool<!D::unique && !D::user>;

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

// The user's hashed and unique indexes on M (index.hpp), as index_defs.
template <class M, class I, bool Unique>
using user_hashed_defs = mp::mp_if_c<std::is_same_v<typename I::model, M> && !I::is_ordered && I::is_unique == Unique,
                                     mp::mp_list<index_def<I::field, I::is_unique, true>>, mp::mp_list<>>;
template <class M, class I>
using user_ordered_defs = mp::mp_if_c<std::is_same_v<typename I::model, M> && I::is_ordered,
                                      mp::mp_list<index_def<I::field, false, true, I::is_descending>>, mp::mp_list<>>;

template <std::size_t F>
struct ordered_tag {};

// The key of an ordered index: the field, then the primary key, so that
// equal values sit in primary key order (as order_by leaves ties). Points
// into the element; compared with compare_for_order, the order find uses.
template <class M, std::size_t F, std::size_t Pk>
struct ordered_key {
  struct type {
    const member_type<M, F>* value;
    const member_type<M, Pk>* key;
  };
  using result_type = type;
  type operator()(const M& e) const { return {&(e.*member_pointer<M, F>), &(e.*member_pointer<M, Pk>)}; }
};

// A field value alone, to find where its run of equal values starts.
template <class M, std::size_t F>
struct ordered_probe {
  const member_type<M, F>* value;
};

// Orders ordered_key values (typed, as compare_for_order would; highest
// first when Descending, equal values in primary key order either way); a
// value_view or an ordered_probe alone compares with the field only (for
// lower_bound and upper_bound).
template <class M, std::size_t F, std::size_t Pk, bool Descending = false>
struct ordered_less {
  using key = typename ordered_key<M, F, Pk>::type;
  using probe = ordered_probe<M, F>;
  static int field_order(const key& a, const key& b) noexcept { return order_field_values(*a.value, *b.value); }
  // Whether a field value a comes before b in the index (three-way `order`).
  static bool before(int order) noexcept { return Descending ? order > 0 : order < 0; }
  bool operator()(const key& a, const key& b) const noexcept {
    const int c = field_order(a, b);
    return c != 0 ? before(c) : *a.key < *b.key;
  }
  bool operator()(const value_view& a, const key& b) const { return before(compare_for_order(a, view_of(*b.value))); }
  bool operator()(const key& a, const value_view& b) const { return before(compare_for_order(view_of(*a.value), b)); }
  bool operator()(const probe& a, const key& b) const noexcept {
    return before(order_field_values(*a.value, *b.value));
  }
  bool operator()(const key& a, const probe& b) const noexcept {
    return before(order_field_values(*a.value, *b.value));
  }
};

template <class M, class Relations, class Indexes>
struct table_layout {
  static constexpr std::size_t pk = field_index<M>(primary_key_name<M>());

  template <class R>
  using parent_defs = parent_index_defs<M, R>;
  template <class R>
  using child_defs = child_index_defs<M, R>;
  template <class I>
  using unique_defs = user_hashed_defs<M, I, true>;
  template <class I>
  using hashed_defs = user_hashed_defs<M, I, false>;
  template <class I>
  using sorted_defs = user_ordered_defs<M, I>;

  template <template <class> class Defs, class List>
  using all_of = mp::mp_apply<mp::mp_append, mp::mp_push_front<mp::mp_transform<Defs, List>, mp::mp_list<>>>;

  // The hashed indexes, one per field (the first listed wins): the primary
  // key, unique parent keys, the user's unique ones, then foreign keys and
  // the user's hashed ones, so that a unique declaration is never lost.
  using defs = mp::mp_unique_if<
      mp::mp_append<mp::mp_list<index_def<pk, true>>, all_of<parent_defs, Relations>, all_of<unique_defs, Indexes>,
                    all_of<child_defs, Relations>, all_of<hashed_defs, Indexes>>,
      same_field>;
  // The user's ordered indexes.
  using ordered_defs = mp::mp_unique_if<all_of<sorted_defs, Indexes>, same_field>;
  // Every indexed field (update_each may not write one in place).
  using indexed_defs = mp::mp_append<defs, ordered_defs>;

  template <class D>
  using ordered_spec = bmi::ordered_non_unique<bmi::tag<ordered_tag<D::field>>, ordered_key<M, D::field, pk>,
                                               ordered_less<M, D::field, pk, D::descending>>;
  using indices = mp::mp_apply<bmi::indexed_by, mp::mp_append<mp::mp_transform_q<index_spec_of<M>, defs>,
                                                              mp::mp_transform<ordered_spec, ordered_defs>>>;
  using container = bmi::multi_index_container<M, indices, node_allocator<M, M>>;

  // Inserts each entity of `from` into `to`, the children of each parent
  // side by side: in the order of M's first foreign-key index, if any.
  // REQUIRES: no key of `from` is in `to`.
  static void copy_grouped(const container& from, container& to) {
    auto copy = [&](const auto& order) {
      for (const M& e : order) {
        const bool ok = to.insert(e).second;
        RELSTORE_ASSERT(ok, "relstore: a grouped copy met a duplicate key");
      }
    };
    using grouping = mp::mp_find_if<defs, is_foreign_key_def>;
    if constexpr (grouping::value < mp::mp_size<defs>::value) {
      copy(from.template get<field_tag<mp::mp_at<defs, grouping>::field>>());
    } else {
      copy(from);
    }
  }
};
}  // namespace relstore::detail
