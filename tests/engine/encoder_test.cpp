// The snapshot encoder pulls each column in parts: whatever the parts, the
// payload is the same bytes, in every archive format.
#include "relstore/detail/encoder.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "common/game_schema.hpp"
#include "common/shop_world.hpp"
#include "relstore/detail/snapshot_bridge.hpp"
#include "relstore/detail/store_access.hpp"

namespace encoder_test {

namespace {

using relstore::archive_format;
using relstore::detail::column;
using relstore::detail::column_store;

// A column_store read `rows_per_part` rows a part.
class sliced_rows final : public relstore::detail::row_source {
 public:
  sliced_rows(const column_store& data, std::size_t rows_per_part) : data_(data), per_(rows_per_part) {}
  const relstore::registry& schema() const override { return data_.schema(); }
  std::uint64_t rows(std::size_t model) const override { return data_.table(model).rows() + extra_; }
  void read_column(std::size_t model, std::size_t field,
                   relstore::detail::function_ref<void(const column&)> emit) override {
    const auto& t = data_.table(model);
    const column& c = t.at(field);
    const std::size_t cells = relstore::detail::cells_of(t.info().fields[field]);
    for (std::size_t r = 0; r < t.rows(); r += per_) {
      const std::size_t n = std::min(per_, t.rows() - r);
      column part;
      const auto slice = [](const auto& from, std::size_t at, std::size_t count, auto& to) {
        if (!from.empty())
          to.assign(from.begin() + static_cast<std::ptrdiff_t>(at),
                    from.begin() + static_cast<std::ptrdiff_t>(at + count));
      };
      slice(c.nulls, r, n, part.nulls);
      slice(c.strings, r, n, part.strings);
      slice(c.ints, r * cells, n * cells, part.ints);
      slice(c.doubles, r * cells, n * cells, part.doubles);
      emit(part);
    }
  }
  void model_done(std::size_t model) override { done.push_back(model); }

  std::vector<std::size_t> done;
  std::uint64_t extra_ = 0;  // rows() says this many more than the parts hold

 private:
  const column_store& data_;
  std::size_t per_;
};

std::string payload(relstore::detail::row_source& rows, archive_format format) {
  std::ostringstream out;
  auto r = relstore::detail::encode_to(rows, format, out);
  EXPECT_TRUE(r) << r.error().message();
  return out.str();
}

template <class Store>
column_store columns_of(const Store& db) {
  using schema = typename Store::schema_type;
  auto c = relstore::detail::snapshot_bridge<schema>::to_columns(relstore::detail::store_access::of(db));
  EXPECT_TRUE(c);
  return std::move(*c);
}

void expect_same_bytes_whatever_the_parts(const column_store& data) {
  for (const archive_format format : {archive_format::binary, archive_format::text, archive_format::xml}) {
    const auto whole = relstore::detail::encode(data, format);
    ASSERT_TRUE(whole) << whole.error().message();
    for (const std::size_t per : {1u, 3u, 100000u}) {
      sliced_rows rows(data, per);
      EXPECT_EQ(payload(rows, format), *whole) << "format " << static_cast<int>(format) << ", " << per << " a part";
      std::vector<std::size_t> all(data.model_count());
      for (std::size_t m = 0; m < all.size(); ++m) all[m] = m;
      EXPECT_EQ(rows.done, all) << "model_done once per model, in order";
    }
  }
}

TEST(Encoder, PartsOfAnySizeMakeTheSameBytesWithStringsAndNulls) {
  expect_same_bytes_whatever_the_parts(columns_of(test::customers_with_one_order(50)));
}

TEST(Encoder, PartsOfAnySizeMakeTheSameBytesWithGameTypes) {
  game::store db;
  game::fill(db);
  game::fill_bodies(db);
  game::fill_items(db);
  expect_same_bytes_whatever_the_parts(columns_of(db));
}

TEST(Encoder, PartsHoldingFewerRowsThanDeclaredAreAnErrorNamingTheColumn) {
  const column_store data = columns_of(test::customers_with_one_order(5));
  for (const archive_format format : {archive_format::binary, archive_format::text, archive_format::xml}) {
    sliced_rows rows(data, 2);
    rows.extra_ = 1;
    std::ostringstream out;
    auto r = relstore::detail::encode_to(rows, format, out);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, relstore::errc::io_error);
    EXPECT_NE(r.error().message().find("Customer.id"), std::string::npos) << r.error().message();
  }
}

}  // namespace

}  // namespace encoder_test
