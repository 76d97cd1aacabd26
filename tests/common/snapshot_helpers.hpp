// Helpers for snapshot tests.
#pragma once

#include <gtest/gtest.h>

#include <sstream>

#include <relstore/snapshot.hpp>

namespace test {

// The dataset a snapshot of `db` holds.
template <class Store>
relstore::dataset dataset_of(const Store& db) {
  std::stringstream out;
  EXPECT_TRUE(relstore::save(db, out));
  auto ds = relstore::read_snapshot(out);
  EXPECT_TRUE(ds);
  return ds ? *ds : relstore::dataset{};
}

}  // namespace test
