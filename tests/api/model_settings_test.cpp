// Model settings (LoopBack's generated/forceId and required): declared once
// with RELSTORE_MODEL_SETTINGS, enforced on every write path.
#include <gtest/gtest.h>

#include <cstdint>
#include <sstream>
#include <string>

#include <relstore/relstore.hpp>
#include <relstore/snapshot.hpp>

#include "common/test_helpers.hpp"

namespace model_settings_test {

namespace guilds {

struct Guild {
  std::int64_t id = 0;
  std::string name;
  std::string motto;
  friend bool operator==(const Guild&, const Guild&) = default;
};
RELSTORE_MODEL(Guild, id, name, motto)
RELSTORE_MODEL_SETTINGS(Guild, .generated_key = true, .required = {"name"})

struct Member {
  std::int64_t id = 0;
  std::int64_t guildId = 0;
  std::string name;
  friend bool operator==(const Member&, const Member&) = default;
};
RELSTORE_MODEL(Member, id, guildId, name)

using schema = relstore::schema<relstore::models<Guild, Member>,
                                relstore::has_many<"members", Guild, Member, relstore::on_delete::cascade>>;
using store = relstore::store<schema>;

}  // namespace guilds

namespace {

using namespace guilds;
using relstore::errc;
using test::has;

class ModelSettings : public ::testing::Test {
 protected:
  store db;
  relstore::repository<schema, Guild> guild_repo = db.repo<Guild>();
};

// LoopBack's forceId: "`id` can't be set".
TEST_F(ModelSettings, AGeneratedKeyCannotBeGivenOnCreate) {
  auto made = guild_repo.create({.name = "Red"});
  ASSERT_TRUE(made) << made.error().message();
  EXPECT_EQ(made->id, 1);
  const store before = db;
  auto given = guild_repo.create({.id = 7, .name = "Blue"});
  ASSERT_FALSE(given);
  EXPECT_EQ(given.error().code, errc::invalid_argument);
  EXPECT_TRUE(has(given.error().message(), "Guild.id = 7")) << given.error().message();
  auto batch = guild_repo.create_all({Guild{.name = "A"}, Guild{.id = 9, .name = "B"}});
  ASSERT_FALSE(batch);
  EXPECT_EQ(batch.error().code, errc::invalid_argument);
  auto json = guild_repo.create_json(R"({"id":3,"name":"C"})");
  ASSERT_FALSE(json);
  EXPECT_EQ(json.error().code, errc::invalid_argument);
  EXPECT_TRUE(db == before);
  // The next automatic key is unaffected by the refused ones.
  EXPECT_EQ(guild_repo.create({.name = "Green"}).value().id, 2);
}

TEST_F(ModelSettings, AGeneratedKeyCannotChange) {
  auto g = guild_repo.create({.name = "Red"}).value();
  const store before = db;
  auto patched = guild_repo.update_by_id(g.id, relstore::patch<Guild>{}.set(&Guild::id, std::int64_t{40}));
  ASSERT_FALSE(patched);
  EXPECT_EQ(patched.error().code, errc::invalid_argument);
  auto replaced = guild_repo.replace_by_id(g.id, {.id = 40, .name = "Red"});
  ASSERT_FALSE(replaced);
  EXPECT_EQ(replaced.error().code, errc::invalid_argument);
  EXPECT_TRUE(db == before);
  ASSERT_TRUE(guild_repo.replace_by_id(g.id, {.id = g.id, .name = "Red", .motto = "ever"}));
  ASSERT_TRUE(guild_repo.update_by_id(g.id, relstore::patch<Guild>{}.set(&Guild::motto, "onward")));
}

TEST_F(ModelSettings, ALoadKeepsGeneratedKeys) {
  ASSERT_TRUE(guild_repo.create({.name = "Red"}));
  ASSERT_TRUE(guild_repo.create({.name = "Blue"}));
  ASSERT_TRUE(guild_repo.delete_by_id(1));
  std::stringstream file;
  ASSERT_TRUE(relstore::save(db, file));
  store back;
  auto loaded = relstore::load(back, file);
  ASSERT_TRUE(loaded) << loaded.error().message();
  EXPECT_TRUE(back == db);
  EXPECT_EQ(back.repo<Guild>().create({.name = "Green"}).value().id, 3);
}

// LoopBack's `required: true`: a JSON create must name the field.
TEST_F(ModelSettings, AJsonCreateMustNameEveryRequiredField) {
  const store before = db;
  auto missing = guild_repo.create_json(R"({"motto":"onward"})");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, errc::invalid_argument);
  EXPECT_TRUE(has(missing.error().message(), "Guild.name is required")) << missing.error().message();
  EXPECT_TRUE(db == before);
  auto named = guild_repo.create_json(R"({"name":"Red"})");
  ASSERT_TRUE(named) << named.error().message();
  EXPECT_EQ(named->motto, "") << "a field that is not required may be left out";
  // Members have no settings: every field may be left out of JSON, and keys may be given.
  ASSERT_TRUE(db.repo<Member>().create_json(R"({"id":50,"guildId":)" + std::to_string(named->id) + "}"));
}

// A create that says which fields it sets (JSON, or a typed patch) follows
// one rule: an explicit key, 0 included, is "given"; required fields are named.
TEST_F(ModelSettings, AFieldSetCreateCountsAnExplicitZeroKeyAsGiven) {
  const store before = db;
  auto json_zero = guild_repo.create_json(R"({"id":0,"name":"Red"})");
  ASSERT_FALSE(json_zero);
  EXPECT_EQ(json_zero.error().code, errc::invalid_argument);
  EXPECT_TRUE(has(json_zero.error().message(), "Guild.id = 0")) << json_zero.error().message();
  auto typed_zero = guild_repo.create(relstore::patch<Guild>{}.set(&Guild::id, 0).set(&Guild::name, "Red"));
  ASSERT_FALSE(typed_zero);
  EXPECT_EQ(typed_zero.error().code, errc::invalid_argument);
  auto typed_missing = guild_repo.create(relstore::patch<Guild>{}.set(&Guild::motto, "onward"));
  ASSERT_FALSE(typed_missing);
  EXPECT_TRUE(has(typed_missing.error().message(), "Guild.name is required")) << typed_missing.error().message();
  EXPECT_TRUE(db == before);
  auto made = guild_repo.create(relstore::patch<Guild>{}.set(&Guild::name, "Red"));
  ASSERT_TRUE(made) << made.error().message();
  EXPECT_EQ(made->id, 1);
  EXPECT_EQ(made->motto, "");
  // Through a constrained repository the same rule holds for the child.
  auto member = db.repo<Guild>().related<"members">(made->id).create(relstore::patch<Member>{}.set(&Member::name, "m"));
  ASSERT_TRUE(member) << member.error().message();
  EXPECT_EQ(member->guildId, made->id);
}

TEST_F(ModelSettings, TheRegistryShowsTheSettings) {
  const auto& info = relstore::model_info_of<Guild>();
  EXPECT_TRUE(info.generated_key);
  EXPECT_TRUE(info.fields[*info.find_field("name")].required);
  EXPECT_FALSE(info.fields[*info.find_field("motto")].required);
  EXPECT_FALSE(relstore::model_info_of<Member>().generated_key);
}

}  // namespace

}  // namespace model_settings_test
