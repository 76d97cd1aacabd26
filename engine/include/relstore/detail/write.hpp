// Creates and updates: each validates completely before it links anything,
// or undoes what it did, so a rejected write leaves the store exactly as it
// was (the strong guarantee). Deletes are cascade.hpp's. Internal.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "relstore/assert.hpp"
#include "relstore/detail/errors.hpp"
#include "relstore/detail/filter_spec.hpp"
#include "relstore/detail/integrity.hpp"
#include "relstore/detail/storage.hpp"
#include "relstore/detail/value_ops.hpp"
#include "relstore/error.hpp"

namespace relstore::detail {

template <class M>
bool same_entity(const M& a, const M& b) {
  bool same = true;
  mp::mp_for_each<members<M>>([&](auto d) {
    using D = decltype(d);
    same = same && same_value(view_of(a.*(D::pointer)), view_of(b.*(D::pointer)));
  });
  return same;
}

// `old` with `changes` applied. Errors: invalid_argument (a value of the
// wrong type, out of range, or null for a required field).
template <class M>
result<M> apply_changes(const M& old, const field_changes& changes) {
  M n = old;
  const model_info& info = info_of<M>();
  for (const auto& c : changes) {
    std::string why;
    if (!info.fields[c.field].set(&n, c.value, &why)) {
      return make_error(errc::invalid_argument, field_label(info, c.field) + ": " + why);
    }
  }
  return n;
}

// Inserts one entity after assigning its key; checks keys and parents
// before anything is linked, so a rejected insert allocates nothing.
// On failure nothing is inserted (the key counter may advance; callers
// restore it).
// `e` is taken by rvalue reference: each hop of a create moves nothing.
template <class S, class M>
result<const M*> insert_one(storage<S>& st, M&& e) {
  constexpr std::size_t pk = storage<S>::template pk<M>;
  auto& t = st.template tab<M>();
  auto& key = e.*member_pointer<M, pk>;
  bool assigned = false;  // an assigned key is above every present key: no lookup
  if constexpr (std::remove_reference_t<decltype(t)>::auto_key) {
    if (key == 0) {
      if (!t.keys().peek()) return keys_exhausted(info_of<M>());
      key = t.keys().take();
      assigned = true;
    }
  } else {
    if (key.empty()) return empty_key(info_of<M>());
  }
  if (auto r = assigned ? check_unique_keys(st, e, nullptr) : check_unique_conflict(st, e, nullptr); !r) {
    return std::move(r).error();
  }
  if (auto r = check_parents(st, e); !r) return std::move(r).error();
  auto [it, inserted] = t.items.insert(std::move(e));
  RELSTORE_ASSERT(inserted, "relstore: an insert collided after its keys were checked");
  if constexpr (std::remove_reference_t<decltype(t)>::auto_key) t.keys().observe((*it).*member_pointer<M, pk>);
  return &*it;
}

template <class S, class M>
result<M> create(storage<S>& st, M&& e) {
  const key_counter saved = st.template tab<M>().keys();
  auto r = insert_one(st, std::move(e));
  if (!r) {
    st.template tab<M>().keys() = saved;
    return std::move(r).error();
  }
  return **r;
}

// All or nothing, in order: an element may reference an earlier one or itself.
template <class S, class M>
result<std::vector<M>> create_all(storage<S>& st, std::vector<M> es) {
  auto& t = st.template tab<M>();
  const key_counter saved = t.keys();
  std::vector<const M*> done;
  done.reserve(es.size());
  for (std::size_t i = 0; i < es.size(); ++i) {
    auto r = insert_one(st, std::move(es[i]));
    if (!r) {
      for (auto it = done.rbegin(); it != done.rend(); ++it) t.items.erase(t.items.iterator_to(**it));
      t.keys() = saved;
      return in_batch(std::move(r).error(), i);
    }
    done.push_back(*r);
  }
  std::vector<M> out;
  out.reserve(done.size());
  for (const M* p : done) out.push_back(*p);
  return out;
}

// Replaces each target (an entity of M) with make(old). Validates key
// changes against children in the state before, and every foreign key in the
// state after; on any failure restores every replaced entity. On success the
// targets hold their new values, at the same addresses.
template <class M, class S, class Make>
result<void> update(storage<S>& st, const std::vector<const void*>& targets, Make&& make) {
  auto& t = st.template tab<M>();
  std::vector<M> fresh;
  fresh.reserve(targets.size());
  for (const void* p : targets) {
    const M* old = static_cast<const M*>(p);
    result<M> n = make(*old);
    if (!n) return std::move(n).error();
    // A taken key is reported before children that block the change, as SQLite does.
    if (auto r = check_unique_conflict(st, *n, old); !r) return std::move(r).error();
    if (auto r = check_key_change(st, *old, *n); !r) return std::move(r).error();
    fresh.push_back(std::move(*n));
  }
  std::vector<std::pair<const M*, M>> undo;  // (node, value before)
  undo.reserve(targets.size());
  auto rollback = [&] {
    for (auto it = undo.rbegin(); it != undo.rend(); ++it) {
      const bool ok = t.items.replace(t.items.iterator_to(*it->first), it->second);
      RELSTORE_ASSERT(ok, "relstore: rollback could not restore an entity");
    }
  };
  for (std::size_t i = 0; i < targets.size(); ++i) {
    const M* node = static_cast<const M*>(targets[i]);
    if (same_entity(*node, fresh[i])) continue;
    M before = *node;
    if (auto r = check_unique_conflict(st, fresh[i], node); !r) {
      rollback();
      return std::move(r).error();
    }
    // replace() leaves the element untouched on a collision (modify() would erase it).
    if (!t.items.replace(t.items.iterator_to(*node), fresh[i])) {
      rollback();
      return make_error(errc::already_exists, info_of<M>().name + ": a unique key is already taken");
    }
    undo.emplace_back(node, std::move(before));
  }
  for (const auto& u : undo) {
    if (auto r = check_parents(st, *u.first, &u.second); !r) {
      rollback();
      return std::move(r).error();
    }
  }
  if constexpr (storage<S>::template table_t<M>::auto_key) {
    for (const auto& u : undo) t.keys().observe(u.first->*member_pointer<M, storage<S>::template pk<M>>);
  }
  return {};
}

}  // namespace relstore::detail
