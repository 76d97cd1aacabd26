// The engine inside a store, for the repositories, transactions and
// snapshots that work on it. Internal.
#pragma once

#include <type_traits>

#include "relstore/fwd.hpp"

namespace relstore::detail {

struct store_access {
  template <class S>
  static auto& of(store<S>& s) noexcept {
    return s.engine_;
  }
  template <class S>
  static const auto& of(const store<S>& s) noexcept {
    return s.engine_;
  }
  // The engine of a repository's store, for a write. A repository over a
  // const store passes Writable = false: its writes do not compile.
  template <bool Writable, class Store>
  static auto& writer(Store* s) noexcept {
    static_assert(Writable,
                  "relstore: this repository is read-only (its store is const); writes need a non-const store");
    using engine = std::remove_cvref_t<decltype(of(*s))>;
    return const_cast<engine&>(of(*s));
  }
};

}  // namespace relstore::detail
