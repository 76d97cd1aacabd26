// In-place updates (repository::update_each): a callback changes entities
// where they are stored but never an indexed field (the primary key, a
// parent key, a foreign key or a user's index: table<M>::indexed_defs), so
// no index moves and no integrity rule can break. The engine picks one of two ways:
//   - update_in_place, when no journal records the write and nobody observes
//     M's updates: the callback runs on each stored entity;
//   - otherwise an ordinary update (write.hpp) whose new values come from
//     `recomputed`: the callback run on a copy, then journaled and observed
//     as every update is.
// Either way a callback that changed an indexed field is invalid_argument
// and the store is left as it was. Internal.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <type_traits>
#include <utility>
#include <vector>

#include "relstore/detail/errors.hpp"
#include "relstore/detail/meta.hpp"
#include "relstore/detail/reflect.hpp"
#include "relstore/detail/value_ops.hpp"
#include "relstore/error.hpp"

namespace relstore::detail {

// Whether field `field` of M is one of the indexed fields `Defs` (index_defs).
template <class Defs>
constexpr bool indexed_field(std::size_t field) {
  bool found = false;
  mp::mp_for_each<Defs>([&](auto d) { found = found || decltype(d)::field == field; });
  return found;
}

// The fields of `Defs` as a mask (bit i: field i).
template <class Defs>
inline constexpr std::uint64_t indexed_fields = [] {
  std::uint64_t m = 0;
  mp::mp_for_each<Defs>([&](auto d) { m |= std::uint64_t{1} << decltype(d)::field; });
  return m;
}();

// The fields of M whose copy assignment cannot throw (bit i: field i). A
// patch of only these cannot run out of memory part-way, so it may write in
// place; one of a string is an update, every new value built first.
template <class M>
inline constexpr std::uint64_t nothrow_fields = [] {
  std::uint64_t m = 0;
  mp::mp_for_each<mp::mp_iota_c<field_count<M>>>([&](auto i) {
    constexpr std::size_t f = decltype(i)::value;
    if constexpr (std::is_nothrow_copy_assignable_v<member_type<M, f>>) m |= std::uint64_t{1} << f;
  });
  return m;
}();

// Whether every field Members names is nothrow-copy-assignable: a callback
// given only these cannot run out of memory on them (unlike on a string).
template <class M, auto... Members>
inline constexpr bool nothrow_members = (((nothrow_fields<M> >> member_index<M, Members>()) & 1U) && ...);

// Whether `a` and `b` agree on every indexed field `Defs`.
template <class Defs, class M>
bool same_keys(const M& a, const M& b) {
  bool same = true;
  mp::mp_for_each<Defs>([&](auto d) {
    constexpr auto m = member_pointer<M, decltype(d)::field>;
    same = same && same_field_value(a.*m, b.*m);  // bitwise: a NaN is unchanged
  });
  return same;
}

// invalid_argument naming the first indexed field on which `before` and
// `after` disagree. REQUIRES: !same_keys<Defs>(before, after).
template <class Defs, class M>
error keys_changed(const M& before, const M& after) {
  error out{errc::invalid_argument, {}};
  bool found = false;
  mp::mp_for_each<Defs>([&](auto d) {
    constexpr std::size_t f = decltype(d)::field;
    constexpr auto m = member_pointer<M, f>;
    if (found || same_field_value(before.*m, after.*m)) return;
    found = true;
    constexpr auto pk = member_pointer<M, field_index<M>(primary_key_name<M>())>;
    out = key_changed_in_place(info_of<M>(), view_of(before.*pk), f, view_of(before.*m), view_of(after.*m));
  });
  return out;
}

// apply(M&) for update_each's named form: fn(e.*Members...), fn getting only
// the fields named. A member M does not describe, or an indexed field
// (`Defs`), does not compile.
template <class M, class Defs, auto... Members, class Fn>
auto field_writer(Fn& fn) {
  static_assert(sizeof...(Members) > 0, "relstore: writes<...> names no field");
  static_assert(((member_index<M, Members>() != npos) && ...),
                "relstore: writes<...> names a member the model does not describe");
  static_assert((!indexed_field<Defs>(member_index<M, Members>()) && ...),
                "relstore: update_each cannot write a primary key, a foreign key or an indexed field in place "
                "(use update_by_id)");
  static_assert(std::is_invocable_v<Fn&, decltype(std::declval<M&>().*Members)...>,
                "relstore: the callback must take a reference to each field writes<...> names, in order");
  return [&fn](M& e) { fn(e.*Members...); };
}

// The update's `make` for update_each: `apply` run on a copy of the old
// value. Checked: a copy whose indexed field changed is refused.
template <class M, bool Checked, class Defs, class Apply>
auto recomputed(Apply& apply) {
  return [&apply](const M& old) -> result<M> {
    M n = old;
    apply(n);
    if constexpr (Checked) {
      if (!same_keys<Defs>(old, n)) return keys_changed<Defs>(old, n);
    }
    return n;
  };
}

// Runs apply(M&) on each of `targets` (entities of table `t`) where it is
// stored. Checked: apply may write any field, so each entity is copied
// first; if apply changed an indexed field, every target done so far (that
// one included) gets its copy back and the error is returned: nothing has
// changed. Unchecked: apply cannot reach an indexed field (the caller proved
// it at compile time), so nothing is copied and nothing can fail.
// REQUIRES: no journal records the write and nobody observes M's updates
// (it makes no undo entry and no event); apply neither throws nor uses the
// store.
template <class M, bool Checked, class Table, class Apply>
result<void> update_in_place(Table& t, std::span<const void* const> targets, Apply& apply) {
  using defs = typename Table::indexed_defs;
  t.will_write(targets);
  if constexpr (!Checked) {
    for (const void* p : targets) apply(t.stored(p));
    return {};
  } else {
    std::vector<M> before;
    before.reserve(targets.size());
    // Every target copied so far gets its copy back (moves: no allocation).
    auto restore = [&] {
      for (std::size_t j = 0; j < before.size(); ++j) t.stored(targets[j]) = std::move(before[j]);
    };
    for (std::size_t i = 0; i < targets.size(); ++i) {
      M& e = t.stored(targets[i]);
      try {
        before.push_back(e);  // out of memory copying a string, or in one apply
        apply(e);             // writes: nothing stays changed
      } catch (...) {
        restore();
        throw;
      }
      if (same_keys<defs>(before.back(), e)) continue;
      std::optional<error> why;
      try {
        why = keys_changed<defs>(before.back(), e);  // its message may run out of memory too
      } catch (...) {
        restore();
        throw;
      }
      restore();
      return std::move(*why);
    }
    return {};
  }
}

}  // namespace relstore::detail
