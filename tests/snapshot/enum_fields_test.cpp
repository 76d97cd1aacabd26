// Enum fields in snapshots: their enumerators are kept in the schema, values
// round-trip in every archive, and a renamed or renumbered enumerator is a
// schema mismatch.
#include <gtest/gtest.h>

#include <boost/describe/enum.hpp>
#include <cstdint>
#include <memory>
#include <sstream>
#include <string>

#include <relstore/relstore.hpp>
#include <relstore/snapshot.hpp>

#include "common/game_schema.hpp"
#include "common/snapshot_helpers.hpp"

namespace enum_fields_test {

namespace {

using relstore::errc;

class EnumSnapshot : public ::testing::TestWithParam<relstore::archive_format> {};

TEST_P(EnumSnapshot, ValuesAndEnumeratorsRoundTrip) {
  game::store db;
  game::fill_items(db);
  ASSERT_TRUE(db.repo<game::Item>().create({.id = 4, .kind = static_cast<game::kind>(200)}));  // undeclared
  std::stringstream buf;
  ASSERT_TRUE(relstore::save(db, buf, {.format = GetParam()}));
  const std::string bytes = buf.str();
  game::store loaded;
  auto r = relstore::load(loaded, buf);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_TRUE(loaded == db);
  EXPECT_EQ(loaded.repo<game::Item>().find_by_id(4).value().kind, static_cast<game::kind>(200));

  std::istringstream again(bytes);
  auto ds = relstore::read_snapshot(again);
  ASSERT_TRUE(ds) << ds.error().message();
  const auto m = *ds->find_model("Item");
  const auto& f = ds->model(m).fields[1];
  ASSERT_TRUE(f.enumeration);
  EXPECT_EQ(f.enumeration->name, "kind");
  ASSERT_EQ(f.enumeration->enumerators.size(), 3u);
  EXPECT_EQ(f.enumeration->enumerators[1].name, "shield");
  EXPECT_EQ(f.enumeration->enumerators[2].value, 7);
  EXPECT_EQ(ds->get(m, 1, 1), relstore::value_view(std::int64_t{7}));
}

INSTANTIATE_TEST_SUITE_P(Formats, EnumSnapshot,
                         ::testing::Values(relstore::archive_format::binary, relstore::archive_format::text,
                                           relstore::archive_format::xml));

// A snapshot whose enum `kind` differs from the program's: edit(enumerators).
template <class Edit>
relstore::result<void> load_with_enum(Edit edit) {
  game::store db;
  game::fill_items(db);
  auto ds = test::reshape(test::dataset_of(db), [&](std::vector<relstore::model_info>& models, auto&) {
    for (auto& m : models) {
      for (auto& f : m.fields) {
        if (!f.enumeration) continue;
        auto e = std::make_shared<relstore::enum_info>(*f.enumeration);
        edit(e->enumerators);
        f.enumeration = e;
      }
    }
  });
  std::stringstream buf;
  EXPECT_TRUE(relstore::write_snapshot(ds, buf));
  game::store loaded;
  return relstore::load(loaded, buf);
}

TEST(EnumEvolution, AnEnumeratorMustKeepItsValue) {
  using list = std::vector<relstore::enum_info::enumerator>;
  EXPECT_TRUE(load_with_enum([](list& e) { e.pop_back(); }));  // the program gained potion: fine
  auto renumbered = load_with_enum([](list& e) { e[2].value = 8; });
  ASSERT_FALSE(renumbered);
  EXPECT_EQ(renumbered.error().code, errc::schema_mismatch);
  EXPECT_NE(renumbered.error().message().find("Item.kind: enumerator potion of kind is 8 in the snapshot but 7"),
            std::string::npos)
      << renumbered.error().message();
  auto renamed = load_with_enum([](list& e) { e[0].name = "blade"; });
  ASSERT_FALSE(renamed);
  EXPECT_NE(renamed.error().message().find("enumerator blade of kind is 0 in the snapshot but missing"),
            std::string::npos)
      << renamed.error().message();
}

}  // namespace

enum class serial : std::uint64_t { low = 1, top = UINT64_MAX };
BOOST_DESCRIBE_ENUM(serial, low, top)
struct Tag {
  std::int64_t id = 0;
  serial s = serial::low;
};
RELSTORE_MODEL(Tag, id, s)

namespace {

// A uint64 enumerator above INT64_MAX is shown as the unsigned value it is
// (it was shown as its bits read as int64: -1).
TEST(EnumEvolution, AMismatchShowsAUint64EnumeratorUnsigned) {
  relstore::model_info m;
  m.name = "Tag";
  auto e = std::make_shared<relstore::enum_info>();
  e->name = "serial";
  e->enumerators = {{"low", 1}, {"top", 4294967295}};
  m.fields = {{.name = "id"}, {.name = "s", .type = relstore::field_type::uint32, .enumeration = e}};
  relstore::registry reg;
  ASSERT_TRUE(reg.add_model(m));
  relstore::dataset ds(reg);
  const std::size_t r = ds.add_row(0);
  ASSERT_TRUE(ds.set(0, r, 0, std::int64_t{1}, nullptr));
  ASSERT_TRUE(ds.set(0, r, 1, std::int64_t{1}, nullptr));
  std::stringstream buf;
  ASSERT_TRUE(relstore::write_snapshot(ds, buf));
  relstore::store<relstore::schema<relstore::models<Tag>>> db;
  auto loaded = relstore::load(db, buf);
  ASSERT_FALSE(loaded);
  EXPECT_NE(
      loaded.error().message().find(
          "Tag.s: enumerator top of serial is 4294967295 in the snapshot but 18446744073709551615 in the program"),
      std::string::npos)
      << loaded.error().message();
}

}  // namespace

}  // namespace enum_fields_test
