// Referential integrity of one write, typed: the checks a create, replace or
// patch passes before anything is linked. The same rules, over whole tables
// and without types, are verify.hpp's; the messages are errors.hpp's.
// Internal.
#pragma once

#include <boost/mp11/algorithm.hpp>
#include <optional>
#include <type_traits>

#include "relstore/detail/errors.hpp"
#include "relstore/detail/relations.hpp"
#include "relstore/detail/storage.hpp"
#include "relstore/error.hpp"

namespace relstore::detail {

template <class K>
const K* key_ptr(const K& k) {
  return &k;
}
template <class K>
const K* key_ptr(const std::optional<K>& k) {
  return k ? &*k : nullptr;
}

// The index in S::registry().relations() of R's has_many direction, and its entry.
template <class S, class R>
inline constexpr std::size_t has_many_index = 2 * relation_index<S, R>;
template <class S, class R>
const relation_info& has_many_info() {
  return S::registry().relations()[has_many_index<S, R>];
}

// A foreign key naming no parent: the has_many's index in
// S::registry().relations() and the key, a view of the entity's field
// (valid while the entity is). False if there is none.
struct dangling {
  std::size_t relation = npos;
  value_view key;
  explicit operator bool() const noexcept { return relation != npos; }
};

// The first foreign key of e that names no existing parent (a null one
// names none). A key naming e itself (a self relation) counts as present,
// whether or not e is linked yet. Only the foreign keys whose field bit is
// set in `which` are looked up: a key a write did not change still has its
// parent, since referenced keys cannot change. `replaced`, if given, is the
// stored entity e is about to replace: it no longer counts as a parent
// under its old keys (a row whose key moves cannot stay its own old parent).
// Flattened: GCC otherwise calls Boost's bucket position out of line, a
// quarter of a rejected insert (7 -> 5 ns at 1M, benchmarks.md).
template <class S, class M>
[[gnu::flatten]] dangling find_dangling(const storage<S>& st, const M& e, std::uint64_t which = ~std::uint64_t{0},
                                        const std::type_identity_t<M>* replaced = nullptr) {
  dangling out;
  mp::mp_for_each<typename S::relation_list>([&](auto rel) {
    using R = decltype(rel);
    if constexpr (std::is_same_v<typename R::child, M>) {
      using P = typename R::parent;
      if (out || !(which & (std::uint64_t{1} << R::child_key))) return;
      const auto& fk = e.*member_pointer<M, R::child_key>;
      const auto* key = key_ptr(fk);
      if (key == nullptr) return;
      if constexpr (std::is_same_v<P, M>) {
        if (*key == e.*member_pointer<M, R::parent_key>) return;
      }
      const auto& idx = st.template tab<P>().template index<R::parent_key>();
      const auto it = idx.find(*key);
      bool found = it != idx.end();
      if constexpr (std::is_same_v<P, M>) {
        if (found && &*it == replaced) found = false;  // e's own old key; the new key was checked above
      }
      if (!found) out = {has_many_index<S, R>, view_of(*key)};
    }
  });
  return out;
}

// format_dangling_key with S's registry, fetched only when the message is
// worded: a rejected write never reaches for the registry.
template <class S>
std::string format_dangling_key_in(const error::deferred& d) {
  error::deferred with = d;
  with.context = &S::registry();
  return format_dangling_key(with);
}

// foreign_key_violation for `d`. Deferred for a number key: a rejected
// write allocates nothing. REQUIRES: d, and the entity d.key views is alive.
template <class S>
error dangling_error(const dangling& d) {
  return deferred_or(errc::foreign_key_violation, &format_dangling_key_in<S>, nullptr, d.relation, d.key, [&] {
    const registry& reg = S::registry();
    return dangling_key(reg, reg.relations()[d.relation], d.key);
  });
}

// Every foreign key of e names an existing parent: find_dangling's rules.
template <class S, class M>
result<void> check_parents(const storage<S>& st, const M& e, std::uint64_t which = ~std::uint64_t{0},
                           const std::type_identity_t<M>* replaced = nullptr) {
  if (const dangling d = find_dangling(st, e, which, replaced)) return dangling_error<S>(d);
  return {};
}

// The foreign key fields of M whose value differs between `a` and `b`, as a
// field bit mask for check_parents.
template <class S, class M>
std::uint64_t changed_foreign_keys(const M& a, const M& b) {
  std::uint64_t out = 0;
  mp::mp_for_each<typename S::relation_list>([&](auto rel) {
    using R = decltype(rel);
    if constexpr (std::is_same_v<typename R::child, M>) {
      if (!(a.*member_pointer<M, R::child_key> == b.*member_pointer<M, R::child_key>)) {
        out |= std::uint64_t{1} << R::child_key;
      }
    }
  });
  return out;
}

// Unique parent keys (key_from other than the primary key) are free, and
// so is every has_one foreign key of e that is not null. `self` is the entity
// being replaced, which may keep its own keys.
template <class S, class M>
result<void> check_unique_keys(const storage<S>& st, const M& e, const std::type_identity_t<M>* self) {
  result<void> out;
  mp::mp_for_each<typename storage<S>::template table_t<M>::defs>([&](auto d) {
    using D = decltype(d);
    if constexpr (D::unique && D::field != storage<S>::template pk<M>) {
      if (!out) return;
      const auto& k = e.*member_pointer<M, D::field>;
      if (self != nullptr && k == self->*member_pointer<M, D::field>) return;
      const auto& idx = st.template tab<M>().template index<D::field>();
      if (idx.find(k) == idx.end()) return;
      if constexpr (D::user) {
        out = make_error(errc::already_exists, duplicate_key(info_of<M>(), D::field, view_of(k)).message() +
                                                   " (unique index on " + info_of<M>().name + "." +
                                                   std::string(info_of<M>().fields[D::field].name) + ")");
      } else {
        out = deferred_duplicate_key(info_of<M>(), D::field, view_of(k));
      }
    }
  });
  mp::mp_for_each<typename S::relation_list>([&](auto rel) {
    using R = decltype(rel);
    if constexpr (R::unique && std::is_same_v<typename R::child, M>) {
      if (!out) return;
      const auto& fk = e.*member_pointer<M, R::child_key>;
      const auto* key = key_ptr(fk);
      if (key == nullptr) return;
      if (self != nullptr && fk == self->*member_pointer<M, R::child_key>) return;
      const auto& idx = st.template tab<M>().template index<R::child_key>();
      const auto it = idx.find(fk);
      if (it == idx.end()) return;
      constexpr std::size_t pk = storage<S>::template pk<M>;
      out = second_child(S::registry(), has_many_info<S, R>(), view_of(*key), view_of((*it).*member_pointer<M, pk>),
                         view_of(e.*member_pointer<M, pk>));
    }
  });
  // A pair linked once under a has_many_through without repeated links.
  mp::mp_for_each<typename S::through_list>([&](auto rel) {
    using T = decltype(rel);
    if constexpr (!T::repeated && std::is_same_v<typename T::through, M>) {
      if (!out) return;
      const auto* from = key_ptr(e.*member_pointer<M, T::from_key>);
      const auto* to = key_ptr(e.*member_pointer<M, T::to_key>);
      if (from == nullptr || to == nullptr) return;
      const auto& idx = st.template tab<M>().template index<T::from_key>();
      for (auto [it, end] = idx.equal_range(e.*member_pointer<M, T::from_key>); it != end; ++it) {
        if (&*it == self) continue;
        const auto* other = key_ptr((*it).*member_pointer<M, T::to_key>);
        if (other == nullptr || !(*other == *to)) continue;
        constexpr std::size_t pk = storage<S>::template pk<M>;
        out = repeated_link(S::registry(), S::registry().relations()[through_registry_index<S, T>], view_of(*from),
                            view_of(*to), view_of((*it).*member_pointer<M, pk>), view_of(e.*member_pointer<M, pk>));
        return;
      }
    }
  });
  return out;
}

// No other entity holds e's primary or unique keys. `self` is the entity
// e replaces; a key it already holds is not looked up.
template <class S, class M>
result<void> check_unique_conflict(const storage<S>& st, const M& e, const std::type_identity_t<M>* self) {
  constexpr std::size_t pk = storage<S>::template pk<M>;
  const auto& key = e.*member_pointer<M, pk>;
  if ((self == nullptr || key != self->*member_pointer<M, pk>)&&st.template tab<M>().find(key) != nullptr) {
    return deferred_duplicate_key(info_of<M>(), pk, view_of(key));
  }
  return check_unique_keys(st, e, self);
}

// A parent key that children reference cannot change (a self-parented row
// counts as its own child). Setting it to its current value is no change.
template <class S, class M>
result<void> check_key_change(const storage<S>& st, const M& old, const M& n) {
  result<void> out;
  mp::mp_for_each<typename S::relation_list>([&](auto rel) {
    using R = decltype(rel);
    if constexpr (std::is_same_v<typename R::parent, M>) {
      using C = typename R::child;
      using CK = member_type<C, R::child_key>;
      if (!out) return;
      const auto& before = old.*member_pointer<M, R::parent_key>;
      const auto& after = n.*member_pointer<M, R::parent_key>;
      if (before == after) return;
      const std::size_t kids = st.template tab<C>().template count_equal<R::child_key>(CK(before));
      if (kids > 0) {
        out = key_change_blocked(S::registry(), has_many_info<S, R>(), view_of(before), view_of(after), kids);
      }
    }
  });
  return out;
}

}  // namespace relstore::detail
