// Creates and updates: each validates completely before it links anything,
// or undoes what it did, so a rejected write leaves the store exactly as it
// was (the strong guarantee). Deletes are cascade.hpp's. Internal.
#pragma once

#include <algorithm>
#include <cstddef>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "relstore/assert.hpp"
#include "relstore/detail/cascade.hpp"
#include "relstore/detail/errors.hpp"
#include "relstore/detail/family_walk.hpp"
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
    same = same && same_field_value(a.*(D::pointer), b.*(D::pointer));
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

// A patch with its values converted once: the fields it sets (bit i: field
// i) and their new values, copied into each target by write(). Converting
// per target would repeat the same conversion (and its checks) per row.
template <class M>
class prepared_patch {
 public:
  // Errors: apply_changes' (checked on `base`; the conversion depends on
  // the field alone, so one check holds for every target).
  // A typed patch's `typed` values, when given, are taken as they are.
  static result<prepared_patch> prepare(const M& base, const field_changes& changes,
                                        const typed_values<M>* typed = nullptr) {
    if (typed != nullptr) return prepared_patch(typed->values, typed->fields);
    std::uint64_t fields = 0;
    for (const auto& c : changes) fields |= std::uint64_t{1} << c.field;
    return apply_changes(base, changes).transform([&](M v) { return prepared_patch(std::move(v), fields); });
  }
  std::uint64_t fields() const noexcept { return fields_; }
  // Whether write(e) would change e: some patched field differs.
  bool changes(const M& e) const {
    bool differs = false;
    mp::mp_for_each<mp::mp_iota_c<field_count<M>>>([&](auto i) {
      constexpr auto m = member_pointer<M, decltype(i)::value>;
      if ((fields_ >> decltype(i)::value) & 1U) differs = differs || !same_field_value(e.*m, values_.*m);
    });
    return differs;
  }
  // Sets e's patched fields.
  void write(M& e) const {
    mp::mp_for_each<mp::mp_iota_c<field_count<M>>>([&](auto i) {
      constexpr auto m = member_pointer<M, decltype(i)::value>;
      if ((fields_ >> decltype(i)::value) & 1U) e.*m = values_.*m;
    });
  }

 private:
  prepared_patch(M values, std::uint64_t fields) : values_(std::move(values)), fields_(fields) {}
  M values_;
  std::uint64_t fields_;
};

// The rule for a create that says which fields it sets (JSON, or a typed
// patch): every required field (field_info::required) is named, and a
// generated key is not, whatever its value (0 included). Errors:
// invalid_argument naming the first field at fault.
inline result<void> check_create(const model_info& m, const field_changes& fields) {
  const auto named = [&](std::size_t f) {
    return std::find_if(fields.begin(), fields.end(), [&](const field_change& c) { return c.field == f; });
  };
  if (m.generated_key) {
    if (auto k = named(m.primary_key); k != fields.end()) return generated_key_given(m, as_view(k->value));
  }
  for (std::size_t f = 0; f < m.fields.size(); ++f) {
    if (m.fields[f].required && named(f) == fields.end()) return required_field_missing(m, f);
  }
  return {};
}

// A new M from the fields a create sets, the others keeping M's defaults,
// after check_create. Errors: invalid_argument.
template <class M>
result<M> entity_from(const field_changes& fields) {
  return check_create(info_of<M>(), fields).and_then([&] { return apply_changes(M{}, fields); });
}

// Starts loading the run of each foreign key of e in its index, before a
// create looks up parents: in a table larger than the cache, the parent's
// miss and the run's then overlap instead of following one another.
template <class S, class M>
void prefetch_families(const storage<S>& st, const M& e) {
  mp::mp_for_each<typename S::relation_list>([&](auto rel) {
    using R = decltype(rel);
    if constexpr (std::is_same_v<typename R::child, M>) {
      const auto& fk = e.*member_pointer<M, R::child_key>;
      if (key_ptr(fk) != nullptr) prefetch_run(st.template tab<M>().template index<R::child_key>(), fk);
    }
  });
}

// e's keys checked as an insert checks them; changes nothing in the store.
// An automatic key (0) reads as the key the counter gives next, and e takes
// it (the counter moves past it when e is linked).
template <class S, class M>
result<void> check_insert_keys(const storage<S>& st, M& e) {
  constexpr std::size_t pk = storage<S>::template pk<M>;
  const auto& t = st.template tab<M>();
  auto& key = e.*member_pointer<M, pk>;
  bool assigned = false;  // an assigned key is above every present key: no lookup
  if constexpr (settings_of<M>().generated_key) {
    if (key != 0) return generated_key_given(info_of<M>(), view_of(key));
  }
  if constexpr (std::remove_reference_t<decltype(t)>::auto_key) {
    if (key == 0) {
      const auto next = t.keys().peek();
      if (!next) return keys_exhausted(info_of<M>());
      key = *next;
      assigned = true;
    }
  } else {
    if (key.empty()) return empty_key(info_of<M>());
  }
  return assigned ? check_unique_keys(st, e, nullptr) : check_unique_conflict(st, e, nullptr);
}

// The field bits of M's foreign keys to other models only (a field that is
// also the key of a self relation is left out: its check needs e's own key).
template <class S, class M>
inline constexpr std::uint64_t foreign_keys_to_others = [] {
  std::uint64_t others = 0;
  std::uint64_t self = 0;
  mp::mp_for_each<typename S::relation_list>([&](auto rel) {
    using R = decltype(rel);
    if constexpr (std::is_same_v<typename R::child, M>) {
      (std::is_same_v<typename R::parent, M> ? self : others) |= std::uint64_t{1} << R::child_key;
    }
  });
  return others & ~self;
}();

// A foreign key of e to another model that names no parent, looked up
// before a create starts: a create refused for it marks no journal and
// undoes nothing (the commonest rejected write of a game). False while a
// transaction defers foreign keys.
template <class S, class M>
dangling dangling_before_create(const storage<S>& st, const M& e) {
  if constexpr (foreign_keys_to_others<S, M> == 0) {
    return {};
  } else {
    if (st.log().deferred) return {};
    return find_dangling(st, e, foreign_keys_to_others<S, M>);
  }
}

// Links e, whose keys check_insert_keys passed, after checking the parents
// of the foreign keys whose field bit is in `parents` (none while a
// transaction defers foreign keys): keys to other models first, then those
// of self relations, so every create reports a dangling key in the same
// order. A rejected insert changes nothing.
// `e` is taken by rvalue reference: each hop of a create moves nothing.
// before_link(e) runs once every check has passed, before e is linked.
template <class S, class M, class BeforeLink = void (*)(const M&)>
result<const M*> insert_checked(
    storage<S>& st, M&& e, std::uint64_t parents, BeforeLink&& before_link = [](const M&) {}) {
  constexpr std::size_t pk = storage<S>::template pk<M>;
  constexpr std::uint64_t others = foreign_keys_to_others<S, M>;
  auto& t = st.template tab<M>();
  if (!st.log().deferred) {
    if (auto r = check_parents(st, e, parents & others); !r) return std::move(r).error();
    if (auto r = check_parents(st, e, parents & ~others); !r) return std::move(r).error();
  }
  before_link(std::as_const(e));
  const M* node = t.insert(std::move(e));
  // An automatic key is the counter's next: observing it takes it.
  if constexpr (std::remove_reference_t<decltype(t)>::auto_key) t.keys().observe(node->*member_pointer<M, pk>);
  return node;
}

// Inserts one entity after assigning its key; checks keys, then parents,
// before anything is linked.
template <class S, class M>
result<const M*> insert_one(storage<S>& st, M&& e) {
  if (auto keys = check_insert_keys(st, e); !keys) return std::move(keys).error();
  return insert_checked(st, std::move(e), ~std::uint64_t{0});
}

// A create after check_insert_keys(st, e) passed and
// dangling_before_create(st, e) found nothing; before_link as insert_checked's.
template <class S, class M, class BeforeLink>
result<const M*> create(storage<S>& st, M&& e, BeforeLink&& before_link) {
  return insert_checked(st, std::move(e), ~foreign_keys_to_others<S, M>, before_link);
}

// In order: an element may reference an earlier one or itself. Returns
// out(stored) for each, in order. On an error the elements before it stay
// linked: the engine undoes them (all or nothing). `call` names the caller
// in the error ("create_all").
template <class S, class M, class Out>
auto create_all(storage<S>& st, std::vector<M> es, Out out, const char* call)
    -> result<std::vector<std::invoke_result_t<Out, const M&>>> {
  std::vector<const M*> done;
  done.reserve(es.size());
  for (std::size_t i = 0; i < es.size(); ++i) {
    auto r = insert_one(st, std::move(es[i]));
    if (!r) return in_batch(r.error(), i, call);
    done.push_back(*r);
  }
  std::vector<std::invoke_result_t<Out, const M&>> all;
  all.reserve(done.size());
  for (const M* p : done) all.push_back(out(*p));
  return all;
}

// update's first step for one target: make(old), checked against the state
// before (a generated key kept, a unique key free, no child blocking a key
// change unless foreign keys are deferred).
template <class M, class S>
result<void> check_updated_value(const storage<S>& st, const M& old, const M& n) {
  constexpr std::size_t pk = storage<S>::template pk<M>;
  const auto& key = n.*member_pointer<M, pk>;
  if (key != old.*member_pointer<M, pk>) {
    if constexpr (settings_of<M>().generated_key) return generated_key_given(info_of<M>(), view_of(key));
    // No key a create refuses or reads as "assign one" (0, ""): a snapshot would not load it back.
    if constexpr (storage<S>::template table_t<M>::auto_key) {
      if (key == 0) return zero_key(info_of<M>(), view_of(old.*member_pointer<M, pk>));
    } else {
      if (key.empty()) return empty_key(info_of<M>());
    }
  }
  // A taken key is reported before children that block the change, as SQLite does.
  if (auto r = check_unique_conflict(st, n, &old); !r) return r;
  if (!st.log().deferred) return check_key_change(st, old, n);
  return {};
}

// One result object from make() to the caller (every path returns `n`):
// copying an entity just written field by field would stall on its stores.
template <class M, class S, class Make>
result<M> updated_value(const storage<S>& st, const M& old, Make& make) {
  result<M> n = make(old);
  if (n) {
    if (auto r = check_updated_value(st, old, *n); !r) n = std::move(r).error();
  }
  return n;
}

// Replaces each target (an entity of M) with make(old). Validates key
// changes against children in the state before, and every changed foreign
// key in the state after. On an error some targets may hold new values: the
// engine undoes them. On success the targets hold their new values, at the
// same addresses. While a transaction defers foreign keys, neither key
// changes nor parents are checked here (the commit checks every key).
// One target allocates nothing here: its parents are checked before it
// changes (the state after differs only in itself), so it cannot fail once
// it changed something and needs no undo.
template <class M, class S, class Make>
result<void> update(storage<S>& st, std::span<const void* const> targets, Make&& make) {
  auto& t = st.template tab<M>();
  const bool deferred = st.log().deferred;
  constexpr std::size_t pk = storage<S>::template pk<M>;
  auto store = [&](const M* node, M&& fresh) -> result<void> {
    if (!t.replace(node, std::move(fresh))) {
      return make_error(errc::already_exists, info_of<M>().name + ": a unique key is already taken");
    }
    if constexpr (storage<S>::template table_t<M>::auto_key) t.keys().observe(node->*member_pointer<M, pk>);
    return {};
  };
  if (targets.size() == 1) {
    const M* node = static_cast<const M*>(targets.front());
    result<M> fresh = updated_value(st, *node, make);
    if (!fresh) return std::move(fresh).error();
    if (same_entity(*node, *fresh)) return {};
    if (!deferred) {
      if (auto r = check_parents(st, *fresh, changed_foreign_keys<S>(*node, *fresh), node); !r) return r;
    }
    return store(node, std::move(*fresh));
  }
  std::vector<M> fresh;
  fresh.reserve(targets.size());
  for (const void* p : targets) {
    result<M> n = updated_value(st, *static_cast<const M*>(p), make);
    if (!n) return std::move(n).error();
    fresh.push_back(std::move(*n));
  }
  // Several: every changed foreign key is checked once all have changed.
  std::vector<std::pair<const M*, std::uint64_t>> changed;  // (node, foreign keys it changed)
  changed.reserve(targets.size());
  for (std::size_t i = 0; i < targets.size(); ++i) {
    const M* node = static_cast<const M*>(targets[i]);
    if (same_entity(*node, fresh[i])) continue;
    // An earlier target may have taken the key since.
    if (auto r = check_unique_conflict(st, fresh[i], node); !r) return std::move(r).error();
    const std::uint64_t keys = changed_foreign_keys<S>(*node, fresh[i]);
    if (auto r = store(node, std::move(fresh[i])); !r) return r;
    changed.emplace_back(node, keys);
  }
  if (!deferred) {
    for (const auto& [node, keys] : changed) {
      if (auto r = check_parents(st, *node, keys); !r) return std::move(r).error();
    }
  }
  return {};
}

// Whether applying `plan` unrecorded could fail after changing something:
// it allocates (a set-null's copy, an event's) only if it sets a key null or
// someone observes a delete, and a failure can leave a change behind only
// if it changes more than one entity. Such a plan is applied recorded.
template <class S>
bool plan_may_fail_midway(const storage<S>& st, const delete_plan& plan) {
  std::size_t entities = 0;
  for (const auto& d : plan.doomed) entities += d.size();
  for (const auto& n : plan.nulls) entities += n.second.size();
  if (entities < 2) return false;
  bool allocates = !plan.nulls.empty();
  mp::mp_for_each<typename S::model_list>([&](auto m) {
    using T = decltype(m);
    constexpr std::size_t i = mp::mp_find<typename S::model_list, T>::value;
    if (!plan.doomed[i].empty() && st.template tab<T>().observed(event_kind::deleted)) allocates = true;
  });
  return allocates;
}

}  // namespace relstore::detail
