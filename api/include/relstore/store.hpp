// store<Schema>: the in-memory object store. Owns every entity of every model
// of the schema; repositories are handles onto it.
//
// Thread-safety: a store is not synchronised. Any number of threads may call
// const member functions (finds, counts) concurrently; a write needs exclusive
// access to the whole store.
#pragma once

#include <boost/mp11/algorithm.hpp>
#include <cstddef>

#include "relstore/detail/engine.hpp"
#include "relstore/fwd.hpp"
#include "relstore/limits.hpp"
#include "relstore/registry.hpp"
#include "relstore/schema.hpp"

namespace relstore {

namespace detail {
struct store_access;
}  // namespace detail

template <class Schema>
class store {
 public:
  using schema_type = Schema;

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
  void clear() noexcept { engine_.clear(); }

  // The bounds on the work one query may ask for (limits.hpp). Not
  // synchronised: set them before sharing the store between threads.
  const relstore::limits& limits() const noexcept { return engine_.bounds(); }
  void set_limits(const relstore::limits& l) noexcept { engine_.set_bounds(l); }

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
  // As for_each, in storage order, which any write may change.
  template <class M, class Fn>
  void for_each_unordered(Fn&& fn) const {
    for (const M& e : engine_.template tab<M>().items) fn(e);
  }

 private:
  friend struct detail::store_access;

  detail::engine<Schema> engine_;
};

namespace detail {
// The engine of a store, for repositories and snapshots.
struct store_access {
  template <class S>
  static engine<S>& of(store<S>& s) noexcept {
    return s.engine_;
  }
  template <class S>
  static const engine<S>& of(const store<S>& s) noexcept {
    return s.engine_;
  }
};
}  // namespace detail

}  // namespace relstore
