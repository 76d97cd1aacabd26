// engine<S>: the relation engine behind store<S>, a thin facade over its jobs, each in its own header:
//   storage.hpp      the typed tables (Boost.MultiIndex) and their type-erased view
//   query.hpp        planning, where, order, paging (run-time, shared with datasets)
//   materialize.hpp  rows, includes and projection
//   write.hpp        creates and updates
//   update_each.hpp  in-place updates of non-key fields
//   integrity.hpp    the checks of one write; verify.hpp the checks of a whole store
//   cascade.hpp      deletes and their on-delete policies
// Internal: reached only through store and repositories.
#pragma once

#include <boost/mp11/algorithm.hpp>
#include <cstddef>
#include <optional>
#include <span>
#include <type_traits>
#include <utility>
#include <vector>

#include "relstore/assert.hpp"
#include "relstore/detail/cascade.hpp"
#include "relstore/detail/materialize.hpp"
#include "relstore/detail/monotonic_counter.hpp"
#include "relstore/detail/query.hpp"
#include "relstore/detail/storage.hpp"
#include "relstore/detail/update_each.hpp"
#include "relstore/detail/verify.hpp"
#include "relstore/detail/write.hpp"
#include "relstore/error.hpp"
#include "relstore/limits.hpp"
#include "relstore/registry.hpp"
#include "relstore/row.hpp"

namespace relstore::detail {

template <class S>
class engine {
 public:
  using model_list = typename S::model_list;
  template <class M>
  using table_t = typename storage<S>::template table_t<M>;
  template <class M>
  using key_t = typename storage<S>::template key_t<M>;
  template <class M>
  static constexpr std::size_t pk = storage<S>::template pk<M>;
  template <class M>
  static constexpr std::size_t model_index = mp::mp_find<model_list, M>::value;

  static const registry& schema() { return S::registry(); }

  storage<S>& tables() noexcept { return st_; }
  const storage<S>& tables() const noexcept { return st_; }
  template <class M>
  table_t<M>& tab() {
    return st_.template tab<M>();
  }
  template <class M>
  const table_t<M>& tab() const {
    return st_.template tab<M>();
  }

  // ------------------------------------------------------------------ reads

  const limits& bounds() const noexcept { return bounds_.values; }
  void set_bounds(const limits& l) noexcept {
    bounds_.values = l;
    bounds_.stamp = next_validation_stamp();  // what passed under the old limits is checked again
  }

  // A spec prepared by this engine under its current limits (stamp())
  // passes without a second look.
  template <class M>
  result<void> validate(const filter_spec& spec) const {
    if (spec.validated == bounds_.stamp) return {};
    return validate_filter(schema(), model_index<M>, spec, bounds_.values);
  }  // The stamp validate() accepts: this engine's, under its current limits.
  std::uint64_t stamp() const noexcept { return bounds_.stamp; }

  // REQUIRES: w validated. Errors: limit_exceeded (a regexp gave up).
  template <class M>
  result<std::vector<const void*>> select(const where_node* w, query_plan* plan = nullptr,
                                          bool key_order = true) const {
    return detail::select(tab<M>(), w, plan, key_order);
  }
  // The entities find(spec) selects, in order; fills *plan. REQUIRES: spec validated.
  template <class M>
  result<std::vector<const void*>> plan(const filter_spec& spec, query_plan* plan) const {
    return run_query(tab<M>(), spec, nullptr, plan);
  }
  // REQUIRES: spec validated.
  template <class M>
  result<rows<M>> run(const filter_spec& spec, const where_node* extra = nullptr) const {
    return run_query(tab<M>(), spec, extra).and_then([&](std::vector<const void*> hits) {
      return rows_of<M>(std::move(hits), spec);
    });
  }
  template <class M>
  result<rows<M>> rows_of(std::vector<const void*> hits, const filter_spec& spec) const {
    return materializer<S>::template rows_of<M>(st_, std::move(hits), spec, bounds_.values);
  }
  template <class R>
  result<std::vector<const void*>> children_of(const member_type<typename R::child, R::child_key>& key,
                                               const where_node* w, bool key_order = true) const {
    return materializer<S>::template children_of<R>(st_, key, w, key_order);
  }
  template <class R>
  result<rows<typename R::child>> run_children(const member_type<typename R::child, R::child_key>& key,
                                               const filter_spec& spec) const {
    return materializer<S>::template run_children<R>(st_, key, spec, bounds_.values);
  }

  // The entities run or run_children would return, uncopied, in their
  // order, with what the filter's includes brought each (pointers too):
  // views and visits. Errors: invalid_filter for a projection (a view gives
  // whole stored entities), limit_exceeded. REQUIRES: spec validated.
  template <class M>
  result<query_result> entities(const filter_spec& spec) const {
    if (auto r = check_viewable(spec, info_of<M>()); !r) return std::move(r).error();
    return run_query(tab<M>(), spec).and_then([&](std::vector<const void*> hits) {
      return with_includes<M>(std::move(hits), spec);
    });
  }
  template <class R>
  result<query_result> child_entities(const member_type<typename R::child, R::child_key>& key,
                                      const filter_spec& spec) const {
    if (auto r = check_viewable(spec, info_of<typename R::child>()); !r) return std::move(r).error();
    return materializer<S>::template ordered_children<R>(st_, key, spec).and_then([&](std::vector<const void*> kids) {
      return with_includes<typename R::child>(std::move(kids), spec);
    });
  }
  // fn(const C&) on R's children of `key` in key order, when spec asks for
  // them all as stored (materializer::asks_all_stored); else nullopt, and
  // the caller takes child_entities' way. REQUIRES: fn does not write.
  template <class R, class Fn>
  std::optional<std::size_t> visit_all_children(const member_type<typename R::child, R::child_key>& key,
                                                const filter_spec& spec, Fn&& fn) const {
    if (!materializer<S>::asks_all_stored(spec)) return std::nullopt;
    return materializer<S>::template visit_children<R>(st_, key, std::forward<Fn>(fn));
  }
  // fn(const C&) on R's children of `key` in the foreign key index's order;
  // returns how many. REQUIRES: fn does not write.
  template <class R, class Fn>
  std::size_t visit_children_unordered(const member_type<typename R::child, R::child_key>& key, Fn&& fn) const {
    return materializer<S>::template visit_children_unordered<R>(st_, key, std::forward<Fn>(fn));
  }
  // fn(const M&) on each entity entities(spec) would hold, in order,
  // without that list where the query walks an ordered index (visit_query;
  // a page of one index with no where, typed: table::walk_page); returns
  // how many. Errors: as entities'. REQUIRES: spec validated and visitable;
  // fn does not write.
  template <class M, class Fn>
  result<std::size_t> visit_entities(const filter_spec& spec, Fn&& fn) const {
    if (auto r = check_viewable(spec, info_of<M>()); !r) return std::move(r).error();
    if (is_index_page(tab<M>(), spec)) {  // typed: fn inlined into the walk
      const order_key& o = spec.order.front();
      return tab<M>().walk_page(o.field, o.descending, static_cast<std::size_t>(spec.skip),
                                static_cast<std::size_t>(*spec.limit), fn);
    }
    return visit_query(tab<M>(), spec, [&](const void* e) { fn(*static_cast<const M*>(e)); });
  }
  // A visit gives the entities alone: an include is invalid_filter there.
  template <class M>
  static result<void> visitable(const filter_spec& spec) {
    if (spec.include.empty()) return {};
    return make_error(errc::invalid_filter,
                      info_of<M>().name + ": visit gives the entities alone; an include needs view or find");
  }
  // Counts every change to the store: a view taken at one count is invalid
  // at another (entity_view's Debug check).
  const std::uint64_t& write_count() const noexcept { return writes_.value(); }
  // fn(const M&), checked in Debug builds not to write to this store: a
  // visit hands over stored entities as it walks. REQUIRES: fn outlives the
  // returned callable.
  template <class Fn>
  auto reading(Fn& fn) const {
    return [this, &fn, writes = writes_.value()](const auto& e) {
      fn(e);
#ifndef NDEBUG
      RELSTORE_ASSERT(writes_.value() == writes, "relstore: a visit's fn wrote to the store");
#else
      (void)this, (void)writes;
#endif
    };
  }

  // ----------------------------------------------------------------- writes
  // Each write is all or nothing: on an error the journal undoes whatever it
  // changed (and restores the key counters), so the store is exactly as it
  // was. A write that succeeds outside a transaction commits at once, which
  // delivers its events. create and create_all return copies of the entities
  // stored; insert and insert_all only their keys.
  template <class M>
  result<M> create(M&& e) {
    return create_as<M>(std::move(e), copy_out<M>);
  }
  template <class M>
  result<key_t<M>> insert(M&& e) {
    return create_as<M>(std::move(e), key_out<M>);
  }
  template <class M>
  result<std::vector<M>> create_all(std::vector<M> es) {
    return guarded(true, [&] { return detail::create_all(st_, std::move(es), copy_out<M>, "create_all"); });
  }
  template <class M>
  result<std::vector<key_t<M>>> insert_all(std::vector<M> es) {
    return guarded(true, [&] { return detail::create_all(st_, std::move(es), key_out<M>, "insert_all"); });
  }
  template <class M, class Make>
  result<void> update(std::span<const void* const> targets, Make&& make) {
    const bool midway = targets.size() > 1 || tab<M>().observed(event_kind::updated);  // an event copy may throw
    return guarded(midway, [&] { return detail::update<M>(st_, targets, std::forward<Make>(make)); });
  }
  // Runs write(), a write of stored entity `e`, and returns e as it stands
  // after it, read before the write commits: an observer its events wake
  // may change or delete e. Errors: write's. Where copying M may throw (a
  // string), the write is recorded: a copy out of memory undoes it.
  template <class M, class Write>
  result<M> write_then_read(const M* e, Write&& write) {
    std::optional<M> after;
    auto r = guarded(!std::is_nothrow_copy_constructible_v<M>, [&]() -> result<void> {
      auto done = write();
      if (done) after = *e;
      return done;
    });
    if (!r) return std::move(r).error();
    return std::move(*after);
  }
  // Whether patch<M>(targets, changes) writes in place (writes_in_place): it
  // cannot fail once its values convert and delivers no event, so its
  // targets need no order.
  template <class M>
  bool patches_in_place(const field_changes& changes) const noexcept {
    std::uint64_t fields = 0;
    for (const auto& c : changes) fields |= std::uint64_t{1} << c.field;
    return writes_in_place<M>(fields);
  }
  // Sets `changes` on each of `targets` (entities of M, in key order unless
  // patches_in_place), all or nothing, each value converted once. A patch of fields in no index
  // writes them in place when nothing records or observes the write
  // (update_each's way: no key, parent or unique rule can be at stake);
  // otherwise it is an update. Errors: update's; a value that does not fit
  // its field is invalid_argument (found when some target matches).
  template <class M>
  result<void> patch(std::span<const void* const> targets, const field_changes& changes,
                     const typed_values<M>* typed = nullptr) {
    if (targets.empty()) return {};
    auto made = prepared_patch<M>::prepare(*static_cast<const M*>(targets.front()), changes, typed);
    if (!made) return std::move(made).error();
    const prepared_patch<M>& p = *made;
    if (writes_in_place<M>(p.fields())) {
      if (p.fields() == 0) return {};  // an empty patch writes nothing
      // While a background save runs (it copies each entity before its first
      // write), only the targets the patch changes are written, as update's.
      std::vector<const void*> changing;
      std::span<const void* const> written = targets;
      if (tab<M>().watched()) {
        for (const void* t : targets) {
          if (p.changes(*static_cast<const M*>(t))) changing.push_back(t);
        }
        written = changing;
      }
      auto apply = [&p](M& e) { p.write(e); };
      return guarded(false, [&] { return update_in_place<M, false>(tab<M>(), written, apply); });
    }
    return update<M>(targets, [&p](const M& old) {
      result<M> n = old;  // written where it is returned (see updated_value)
      p.write(*n);
      return n;
    });
  }
  // patch<C>(each of R's children of `key`, changes) in one walk of the
  // foreign key's range, each child written as the walk reaches it, no list
  // gathered; returns how many children. Only where the patch writes in
  // place (patches_in_place) and no background save watches C; otherwise
  // nullopt, and the caller takes patch's way. Errors: patch's.
  template <class R>
  std::optional<result<std::size_t>> patch_children_in_place(const member_type<typename R::child, R::child_key>& key,
                                                             const field_changes& changes,
                                                             const typed_values<typename R::child>* typed = nullptr) {
    using C = typename R::child;
    auto& t = tab<C>();
    if (changes.empty() || !patches_in_place<C>(changes) || t.watched()) return std::nullopt;
    const auto range = t.template index<R::child_key>().equal_range(key);  // not a binding: clang cannot capture one
    auto first = range.first;
    if (first == range.second) return result<std::size_t>(std::size_t{0});  // no write: nothing to count
    return guarded(false, [&]() -> result<std::size_t> {
      // Converted once, on the first child (as patch does).
      auto p = prepared_patch<C>::prepare(*first, changes, typed);
      if (!p) return std::move(p).error();
      std::size_t n = 0;
      for (; first != range.second; ++first, ++n) p->write(t.stored(&*first));
      return n;
    });
  }
  // Runs fn(M&) on each of `targets` (entities of M, in any order), all or
  // nothing; fn changing an indexed field is invalid_argument. update_each.hpp's
  // in-place write when nothing records or observes it, else an update
  // (journaled, observed, in key order) to fn's result on a copy. Returns
  // targets.size(). REQUIRES: fn neither throws nor uses the store.
  template <class M, class Fn>
  result<std::size_t> update_each(std::vector<const void*>& targets, Fn& fn) {
    return each<M, true>(targets, fn);
  }
  // The same, fn(e.*Members...) getting only the fields named; naming an
  // indexed field does not compile. Nothing is copied unless a field may throw.
  template <class M, auto... Members, class Fn>
  result<std::size_t> update_fields(std::vector<const void*>& targets, Fn& fn) {
    auto apply = field_writer<M, typename table_t<M>::indexed_defs, Members...>(fn);
    return each<M, !nothrow_members<M, Members...>>(targets, apply);
  }
  // update_fields on every entity of M. When nothing records or observes the
  // write: one pass over the table's pool, with no list of targets.
  template <class M, auto... Members, class Fn>
  result<std::size_t> update_fields_all(Fn& fn) {
    auto& t = tab<M>();
    auto apply = field_writer<M, typename table_t<M>::indexed_defs, Members...>(fn);
    if (updates_journaled<M>() || !nothrow_members<M, Members...>) {
      std::vector<const void*> all;
      all.reserve(t.size());
      t.for_each_stored([&](const M& e) { all.push_back(&e); });
      return each<M, !nothrow_members<M, Members...>>(all, apply);
    }
    return guarded(false, [&]() -> result<std::size_t> {
      std::size_t n = 0;
      t.will_write_fields(((std::uint64_t{1} << member_index<M, Members>()) | ...));
      t.for_each_stored([&](const M& e) {
        apply(t.stored(&e));
        ++n;
      });
      return n;
    });
  }
  // Deletes `roots` (entities of M) and applies every relation's policy;
  // returns how many roots the call deleted itself. REQUIRES: the roots are
  // distinct.
  template <class M>
  result<std::size_t> erase(std::span<const void* const> roots) {
    if (deletes_alone(schema(), model_index<M>)) {  // no plan to build: nothing can refuse
      check_distinct_roots(roots);
      return guarded(false, [&]() -> result<std::size_t> {
        auto& t = tab<M>();
        for (const void* e : roots) t.erase(static_cast<const M*>(e));
        return roots.size();
      });
    }
    return guarded(false, [&]() -> result<std::size_t> {
      auto bases = st_.bases();
      kept_delete_plan::lease lease(kept_plan_);
      delete_plan& plan = lease.plan();
      if (auto r = plan_delete(schema(), bases.data(), model_index<M>, roots, plan); !r) return std::move(r).error();
      // Out of memory part-way is undone, not left with orphaned children.
      if (!st_.log().recording && plan_may_fail_midway(st_, plan)) st_.log().recording = true;
      apply_delete(st_.mutable_bases().data(), plan);
      return plan.roots;
    });
  }
  // Runs `steps`, several writes through this engine, as one write: all or
  // nothing, committed (events delivered) once at the end.
  template <class F>
  auto atomically(F&& steps) {
    return guarded(true, std::forward<F>(steps));
  }

  // What erase(roots) would do; changes nothing.
  template <class M>
  delete_report plan_erase(std::span<const void* const> roots) const {
    return report_delete(schema(), st_.bases().data(), model_index<M>, roots);
  }

  // ----------------------------------------------------------- transactions
  // A transaction makes every write until commit or rollback one: the
  // journal keeps their undo entries and holds back their events.

  bool in_transaction() const noexcept { return st_.log().in_transaction; }
  // The open transaction's id (each begin gets a new one), or 0.
  std::uint64_t transaction_id() const noexcept { return in_transaction() ? tx_id_.value() : 0; }

  // REQUIRES: no transaction is open. Returns the transaction's id.
  std::uint64_t begin(bool deferred_foreign_keys) {
    RELSTORE_ASSERT(!in_transaction(), "relstore: a transaction is already open on this store");
    tx_start_ = st_.mark(true);
    st_.log().in_transaction = true;
    st_.log().recording = true;
    st_.log().deferred = deferred_foreign_keys;
    savepoints_.clear();
    return (++tx_id_).value();
  }
  // Ends the transaction, keeping its writes, then delivers their events.
  // With deferred foreign keys, every key is checked first: a dangling one
  // rolls everything back (foreign_key_violation). REQUIRES: one is open.
  result<void> commit() {
    RELSTORE_ASSERT(in_transaction(), "relstore: commit without an open transaction");
    if (st_.log().deferred) {
      if (auto r = verify_all({.keys_as_create = false}); !r) {
        rollback();
        return std::move(r).error();
      }
    }
    end();
    st_.commit_changes();
    return {};
  }
  // Ends the transaction, undoing every write made in it. REQUIRES: one is open.
  void rollback() {
    RELSTORE_ASSERT(in_transaction(), "relstore: rollback without an open transaction");
    ++writes_;
    st_.undo_to(tx_start_);
    end();
  }
  // Savepoints nest: opening one returns its id; rolling back to one or
  // releasing it ends those opened after it. REQUIRES: a transaction is open.
  std::uint64_t open_savepoint() {
    RELSTORE_ASSERT(in_transaction(), "relstore: a savepoint needs an open transaction");
    savepoints_.push_back({(++savepoint_id_).value(), st_.mark(true)});
    return savepoint_id_.value();
  }
  bool savepoint_open(std::uint64_t id) const noexcept { return depth_of(id) < savepoints_.size(); }
  // Undoes the writes made since savepoint `id`, which stays open.
  void rollback_to(std::uint64_t id) {
    const std::size_t d = depth_of(id);
    RELSTORE_ASSERT(d < savepoints_.size(), "relstore: the savepoint has ended");
    ++writes_;
    st_.undo_to(savepoints_[d].second);
    savepoints_.resize(d + 1);
  }
  // Ends savepoint `id`, keeping its writes in the transaction.
  void release(std::uint64_t id) {
    const std::size_t d = depth_of(id);
    RELSTORE_ASSERT(d < savepoints_.size(), "relstore: the savepoint has ended");
    savepoints_.resize(d);
  }

  // ---------------------------------------------------------------- events

  template <class M>
  auto& subscribers() {
    return tab<M>().subscribers();
  }
  template <class M>
  auto subscribers_handle() {
    return tab<M>().subscribers_handle();
  }

  // Repacks every model's entities (table::compact). Counts as a write:
  // views and entity pointers are invalidated.
  void compact() {
    ++writes_;
    mp::mp_for_each<model_list>([&](auto m) { tab<decltype(m)>().compact(); });
  }

  // Removes every entity; automatic keys start again at 1.
  // REQUIRES: no transaction is open.
  void clear() noexcept {
    RELSTORE_ASSERT(!in_transaction(), "relstore: clear() inside a transaction");
    ++writes_;
    st_.clear();
  }

  // -------------------------------------------------------------- integrity

  // Every key unique, every foreign key resolved: the check a load runs.
  result<void> verify_all(const verify_options& options = {}) const {
    return verify_first(schema(), st_.bases().data(), options);
  }

  // Same entities, field by field (doubles compared bit for bit).
  bool operator==(const engine& other) const {
    bool same = true;
    mp::mp_for_each<model_list>([&](auto m) {
      using T = decltype(m);
      const auto& a = tab<T>().items;
      const auto& b = other.template tab<T>();
      same = same && a.size() == b.items.size();
      for (auto it = a.begin(); same && it != a.end(); ++it) {
        const T* y = b.find((*it).*member_pointer<T, pk<T>>);
        same = y != nullptr && same_entity(*it, *y);
      }
    });
    return same;
  }

 private:
  // What a create hands back: a copy of the entity stored, or its key.
  template <class M>
  static constexpr auto copy_out = [](const M& stored) { return stored; };
  template <class M>
  static constexpr auto key_out = [](const M& stored) { return stored.*member_pointer<M, pk<M>>; };
  // Keys, then parents in other models, checked before the write starts: a
  // refused create marks no journal, undoes nothing and is not a write (a view
  // stays valid). out(e) is made after every check, before e links; an observed
  // create records its insert: out of memory (an event's copy too) stores nothing.
  template <class M, class Out>
  auto create_as(std::type_identity_t<M>&& e, Out out) -> result<std::invoke_result_t<Out, const M&>> {
    detail::prefetch_families(st_, e);
    if (auto keys = detail::check_insert_keys(st_, e); !keys) return std::move(keys).error();
    if (const detail::dangling d = detail::dangling_before_create(st_, e)) return detail::dangling_error<S>(d);
    std::optional<std::invoke_result_t<Out, const M&>> made;
    return guarded(tab<M>().observed(event_kind::created), [&] {
      return detail::create(st_, std::move(e), [&](const M& keyed) { made.emplace(out(keyed)); })
          .transform([&](const M*) { return std::move(*made); });
    });
  }
  // Runs one write all or nothing. `midway`: the write may fail after it changed
  // something (recorded for undo even outside a transaction); one that fails only
  // before changing anything records none. One that throws (std::bad_alloc)
  // has what it recorded undone, and leaves the engine usable.
  template <class F>
  auto guarded(bool midway, F&& write) {
    ++writes_;
    if (nesting_ > 0 && !midway) return write();  // its outer write records and undoes for it
    journal& j = st_.log();
    const bool was_recording = j.recording;
    j.recording = was_recording || j.in_transaction || midway;  // a nested write records as its outer one
    const auto back = st_.mark_write();
    ++nesting_;
    auto r = [&] {
      try {
        return write();
      } catch (...) {  // bad_alloc: recorded changes undone; key counters stay ahead of what may remain
        --nesting_;
        j.recording = was_recording;
        st_.undo_to(back.journal);
        throw;
      }
    }();
    --nesting_;
    j.recording = was_recording;
    if (!r) {
      st_.undo_write(back);
    } else if (nesting_ == 0 && !in_transaction() && st_.has_changes_to_commit()) {
      st_.commit_changes();  // the outermost write commits
    }
    return r;
  }
  // `hits` (entities of M) with spec's includes resolved, at most
  // limits::max_included_rows of them. Errors: limit_exceeded.
  template <class M>
  result<query_result> with_includes(std::vector<const void*> hits, const filter_spec& spec) const {
    query_result r{std::move(hits), {}};
    if (spec.include.empty()) return r;
    std::size_t budget = bounds_.values.max_included_rows;
    if (auto ok = include_into(S::registry(), st_.bases().data(), model_index<M>, r, spec.include, budget); !ok) {
      return std::move(ok).error();
    }
    return r;
  }
  // Whether an update of M must be journaled: a transaction records it, or
  // someone observes M's updates. Otherwise update_each writes in place.
  template <class M>
  bool updates_journaled() const noexcept {
    return st_.log().recording || tab<M>().observed(event_kind::updated);
  }
  // Whether a patch of `fields` (bit i: field i) writes in place: none is
  // indexed, none's copy may throw (nothrow_fields), nothing journals.
  template <class M>
  bool writes_in_place(std::uint64_t fields) const noexcept {
    constexpr std::uint64_t not_in_place = indexed_fields<typename table_t<M>::indexed_defs> | ~nothrow_fields<M>;
    return (fields & not_in_place) == 0 && !updates_journaled<M>();
  }
  // update_each and update_fields. Checked: apply may touch any field.
  template <class M, bool Checked, class Apply>
  result<std::size_t> each(std::vector<const void*>& targets, Apply& apply) {
    const std::size_t n = targets.size();
    if (updates_journaled<M>()) {
      table_t<M>::sort_keys(targets);
      return update<M>(targets, recomputed<M, Checked, typename table_t<M>::indexed_defs>(apply)).transform([n] {
        return n;
      });
    }
    return guarded(false,
                   [&] { return update_in_place<M, Checked>(tab<M>(), targets, apply).transform([n] { return n; }); });
  }
  std::size_t depth_of(std::uint64_t id) const noexcept {
    for (std::size_t d = 0; d < savepoints_.size(); ++d) {
      if (savepoints_[d].first == id) return d;
    }
    return savepoints_.size();
  }
  void end() noexcept {
    st_.log().in_transaction = false;
    st_.log().recording = false;
    st_.log().deferred = false;
    savepoints_.clear();
    tx_start_ = {};
  }

  storage<S> st_;
  store_bounds bounds_;
  journal_mark tx_start_;
  std::vector<std::pair<std::uint64_t, journal_mark>> savepoints_;  // (id, mark), outermost first
  // An assignment moves these past both sides: a handle taken before (an
  // ended transaction, a released savepoint, a view) never matches again.
  monotonic_counter tx_id_;
  monotonic_counter savepoint_id_;
  int nesting_ = 0;  // guarded writes running (atomically nests them)
  monotonic_counter writes_;
  kept_delete_plan kept_plan_;
};

}  // namespace relstore::detail
