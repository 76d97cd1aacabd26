// The engine inside a store, for the repositories, transactions and
// snapshots that work on it. Internal.
#pragma once

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
};

}  // namespace relstore::detail
