// store<Schema>: the in-memory object store. Owns every entity of every model
// of the schema; repositories are handles onto it.
//
// Thread-safety: a store is not synchronised. Any number of threads may call
// const member functions (finds, counts) concurrently; a write needs exclusive
// access to the whole store.
#pragma once

#include <boost/mp11/algorithm.hpp>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <utility>

#include "relstore/detail/engine.hpp"
#include "relstore/detail/store_access.hpp"
#include "relstore/event.hpp"
#include "relstore/fwd.hpp"
#include "relstore/limits.hpp"
#include "relstore/registry.hpp"
#include "relstore/schema.hpp"
#include "relstore/subscription.hpp"
#include "relstore/transaction.hpp"

namespace relstore {

template <class Schema>
class store {
 public:
  using schema_type = Schema;

  // A copy has every entity and the limits, and no subscription. An
  // assignment (and a load) replaces every entity and keeps this store's
  // subscriptions, limits and events not yet delivered; it delivers no
  // event, and no transaction or savepoint handle taken before it matches
  // one begun after. A move-constructed store takes the other's
  // subscriptions and events not yet delivered (delivered at its next
  // commit); a moved-from store is empty. REQUIRES (assignment): no
  // transaction is open on either.
  store() = default;
  store(const store&) = default;  // deep copy of every entity
  store& operator=(const store&) = default;
  store(store&&) noexcept = default;
  store& operator=(store&&) noexcept = default;

  // A handle on model M's repository. It refers to this store and is
  // invalidated when the store is destroyed or moved from.
  template <class M>
  repository<Schema, M> repo() {
    static_assert(boost::mp11::mp_contains<typename Schema::model_list, M>::value,
                  "relstore: the model is not part of this store's schema");
    return repository<Schema, M>(this);
  }
  // A read-only handle: its finds work, its writes do not compile.
  template <class M>
  repository<const Schema, M> repo() const {
    static_assert(boost::mp11::mp_contains<typename Schema::model_list, M>::value,
                  "relstore: the model is not part of this store's schema");
    return repository<const Schema, M>(this);
  }

  // Number of entities of model M.
  template <class M>
  std::size_t size() const noexcept {
    return engine_.template tab<M>().items.size();
  }

  // Removes every entity of every model (no policy applies: nothing survives).
  // Delivers no event.
  void clear() noexcept { engine_.clear(); }

  // Moves every entity into freshly packed memory, each parent's children
  // side by side (by a model's first foreign key). The store packs itself as
  // it goes (a new entity takes the lowest free slot), so this is rarely
  // needed: after deleting many entities for good, to give memory back, or
  // to regroup siblings after heavy reparenting. Costs a copy of every
  // entity. Invalidates every view, entity_view and reference into the
  // store, as any write does. Any transaction may be open.
  void compact() { engine_.compact(); }

  // The bounds on the work one query may ask for (limits.hpp). Not
  // synchronised: set them before sharing the store between threads.
  const relstore::limits& limits() const noexcept { return engine_.bounds(); }
  void set_limits(const relstore::limits& l) noexcept { engine_.set_bounds(l); }

  // ----------------------------------------------------------- transactions
  // Opens a transaction (transaction.hpp). REQUIRES: none is open.
  relstore::transaction<Schema> begin(transaction_options options = {}) {
    return relstore::transaction<Schema>(*this, options);
  }
  // Runs fn(tx) in a transaction: commits when it returns success, rolls
  // back when it returns an error (returned) or throws (rethrown). If fn
  // ended tx itself (commit or rollback), that stands.
  template <class F>
  result<void> transaction(F&& fn, transaction_options options = {}) {
    relstore::transaction<Schema> tx(*this, options);
    result<void> r = std::forward<F>(fn)(tx);  // an exception rolls back in ~transaction
    if (!r) {
      if (tx.open()) tx.rollback();
      return r;
    }
    if (!tx.open()) return {};
    return tx.commit();
  }

  // ---------------------------------------------------------------- events
  // Calls fn(const event<M>&) for every change to an entity of M whose kind
  // is in `mask` made after this call (not the earlier writes of an open
  // transaction, nor the event a callback taking it was given), once the
  // write or transaction that made it has committed, in the order the
  // changes were applied; a rolled-back change is never
  // delivered. An update that changes no field is no change and delivers
  // nothing (SQLite's update hook would fire). With no subscriber, a
  // model's writes record no event.
  //
  // During a callback the store may be read; a write made from a callback is
  // a write like any other: it commits (or fails) at once, and its events are
  // delivered after those already queued, never inside the running callback.
  // fn is one object, called for every event (it may keep state). An
  // exception from fn leaves the write or commit that delivered the event:
  // the changes stay committed, and the events not yet delivered are dropped.
  // REQUIRES: a callback that begins a transaction ends it before returning.
  // The subscription ends when the returned object is destroyed.
  template <class M, class F>
  [[nodiscard]] subscription on(event_mask mask, F&& fn) {
    static_assert(boost::mp11::mp_contains<typename Schema::model_list, M>::value,
                  "relstore: the model is not part of this store's schema");
    auto& list = engine_.template subscribers<M>();
    const std::uint64_t id = list.add(mask, std::function<void(const event<M>&)>(std::forward<F>(fn)));
    return subscription(engine_.template subscribers_handle<M>(), id,
                        [](void* l, std::uint64_t i) { static_cast<detail::subscriber_list<M>*>(l)->remove(i); });
  }
  template <class M, class F>
  [[nodiscard]] subscription on(F&& fn) {
    return on<M>(on_any_event, std::forward<F>(fn));
  }

  // The models and relations of this store's schema.
  static const relstore::registry& registry() { return Schema::registry(); }

  // Same entities, field by field (doubles compared bit for bit).
  friend bool operator==(const store& a, const store& b) { return a.engine_ == b.engine_; }

  // Calls fn(const M&) for every entity of M in primary key order (sorting
  // costs O(n log n); for_each_unordered does not). REQUIRES: fn does not
  // write to the store.
  template <class M, class Fn>
  void for_each(Fn&& fn) const {
    for (const void* e : engine_.template tab<M>().in_key_order()) fn(*static_cast<const M*>(e));
  }
  // As for_each, in storage order: the entities' order in memory, which any
  // write may change. The fastest full pass: no sort, and each cache line is
  // read once, in address order, however the store has churned.
  template <class M, class Fn>
  void for_each_unordered(Fn&& fn) const {
    engine_.template tab<M>().for_each_stored(fn);
  }

 private:
  friend struct detail::store_access;

  detail::engine<Schema> engine_;
};

}  // namespace relstore
