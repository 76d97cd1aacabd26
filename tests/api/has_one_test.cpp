// has_one: LoopBack's @hasOne (supplierRepo.account(id): get, create, patch,
// delete), with the one-child rule LoopBack leaves to the database enforced
// on every write, by verify, and through snapshots and the tools.
#include <gtest/gtest.h>

#include <cstdint>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include <relstore/snapshot.hpp>
#include <relstore/snapshot_tools.hpp>

#include "common/supplier_schema.hpp"
#include "common/test_helpers.hpp"

namespace has_one_test {

namespace {

using namespace suppliers;
using relstore::errc;
using relstore::filter;
using test::has;

class HasOne : public ::testing::Test {
 protected:
  void SetUp() override {
    tammy = suppliers.create({.name = "Tammy"}).value();
    ben = suppliers.create({.name = "Ben"}).value();
  }

  store db;
  relstore::repository<schema, Supplier> suppliers = db.repo<Supplier>();
  relstore::repository<schema, Account> accounts = db.repo<Account>();
  Supplier tammy, ben;
};

// LoopBack: supplierRepository.account(sup.id).create(accountData), then get().
TEST_F(HasOne, CreateThroughTheRelationFillsTheKeyAndGetReturnsIt) {
  auto account = suppliers.related<"account">(tammy.id);
  static_assert(std::is_same_v<decltype(account),
                               relstore::has_one_repository<schema, boost::mp11::mp_at_c<schema::relation_list, 0>>>);
  EXPECT_FALSE(account.exists());
  auto made = account.create({.balance = 10});
  ASSERT_TRUE(made) << made.error().message();
  EXPECT_EQ(made->supplierId, tammy.id);
  auto got = account.get();
  ASSERT_TRUE(got) << got.error().message();
  EXPECT_EQ(got->value, *made);
  EXPECT_TRUE(account.exists());
  EXPECT_EQ(accounts.find_by_id(made->id).value(), *made);
}

TEST_F(HasOne, InsertFillsTheKeyAndKeepsTheOneChildRule) {
  auto id = suppliers.related<"account">(tammy.id).insert({.balance = 3});
  ASSERT_TRUE(id) << id.error().message();
  EXPECT_EQ(accounts.find_by_id(*id).value(), (Account{.id = *id, .supplierId = tammy.id, .balance = 3}));
  const store before = db;
  auto second = suppliers.related<"account">(tammy.id).insert({.balance = 4});
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, errc::already_exists);
  EXPECT_TRUE(has(second.error().message(), "has_one")) << second.error().message();
  EXPECT_TRUE(db == before);
}

// LoopBack's get() rejects with EntityNotFound when there is none.
TEST_F(HasOne, GetOnAParentWithoutAChildIsNotFound) {
  auto none = suppliers.related<"account">(ben.id).get();
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, errc::not_found);
  EXPECT_EQ(none.error().message(), "Supplier " + std::to_string(ben.id) + " has no account (Account)");
  // A where that excludes the child is the same as no child.
  ASSERT_TRUE(suppliers.related<"account">(ben.id).create({.balance = 1}));
  auto filtered = suppliers.related<"account">(ben.id).get(R"({"where":{"balance":{"gt":5}}})");
  ASSERT_FALSE(filtered);
  EXPECT_EQ(filtered.error().code, errc::not_found);
  EXPECT_TRUE(suppliers.related<"account">(ben.id).get(R"({"where":{"balance":1}})"));
}

// LoopBack leaves "one" to a unique index in the database; relstore enforces
// it on every write path and names both children.
TEST_F(HasOne, ASecondChildOfOneParentIsRefusedNamingBoth) {
  auto first = suppliers.related<"account">(tammy.id).create({.id = 5, .balance = 1}).value();
  const store before = db;
  const std::string expected = "Account.supplierId = " + std::to_string(tammy.id) + " already names Supplier " +
                               std::to_string(tammy.id) + "'s account (Account 5); Account 7 would be a second " +
                               "(Supplier.account is a has_one)";

  auto constrained = suppliers.related<"account">(tammy.id).create({.id = 7});
  ASSERT_FALSE(constrained);
  EXPECT_EQ(constrained.error().code, errc::already_exists);
  EXPECT_EQ(constrained.error().message(), expected);

  auto plain = accounts.create({.id = 7, .supplierId = tammy.id});
  ASSERT_FALSE(plain);
  EXPECT_EQ(plain.error().message(), expected);

  auto batch = accounts.create_all({{.id = 8, .supplierId = ben.id}, {.id = 9, .supplierId = ben.id}});
  ASSERT_FALSE(batch);
  EXPECT_EQ(batch.error().code, errc::already_exists);
  EXPECT_TRUE(has(batch.error().message(), "Account 9 would be a second")) << batch.error().message();

  auto json = suppliers.related<"account">(tammy.id).create_json(R"({"balance":3})");
  ASSERT_FALSE(json);
  EXPECT_EQ(json.error().code, errc::already_exists);
  EXPECT_TRUE(db == before);

  // Moving a child onto a parent that has one is the same refusal; moving it
  // to a free parent, or keeping its own, is fine.
  auto other = accounts.create({.id = 20, .supplierId = ben.id}).value();
  auto moved = accounts.update_by_id(other.id, relstore::patch<Account>{}.set(&Account::supplierId, tammy.id));
  ASSERT_FALSE(moved);
  EXPECT_EQ(moved.error().code, errc::already_exists);
  EXPECT_TRUE(has(moved.error().message(), "(Account 5); Account 20 would be a second")) << moved.error().message();
  auto replaced = accounts.replace_by_id(other.id, {.id = 20, .supplierId = tammy.id});
  ASSERT_FALSE(replaced);
  EXPECT_EQ(replaced.error().code, errc::already_exists);
  auto all = accounts.update_all(relstore::patch<Account>{}.set(&Account::supplierId, ben.id));
  ASSERT_FALSE(all);
  EXPECT_EQ(all.error().code, errc::already_exists);
  ASSERT_TRUE(accounts.update_by_id(first.id, relstore::patch<Account>{}.set(&Account::balance, 2.0)));
  EXPECT_EQ(accounts.find_by_id(other.id).value().supplierId, ben.id);
}

// As a SQL UNIQUE column: any number of children may have a null key.
TEST_F(HasOne, NullForeignKeysMayRepeat) {
  auto badges = db.repo<Badge>();
  ASSERT_TRUE(badges.create({.label = "a"}));
  ASSERT_TRUE(badges.create({.label = "b"}));
  ASSERT_TRUE(suppliers.related<"badge">(tammy.id).create({.label = "t"}));
  EXPECT_EQ(badges.count(relstore::field(&Badge::supplierId).is_null()).value(), 2u);
  auto second = badges.create({.supplierId = tammy.id, .label = "t2"});
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, errc::already_exists);
}

// LoopBack's patch and delete return a count and touch only this parent's child.
TEST_F(HasOne, PatchAndDeleteActOnlyOnThatChild) {
  auto mine = suppliers.related<"account">(tammy.id).create({.balance = 1}).value();
  auto theirs = suppliers.related<"account">(ben.id).create({.balance = 1}).value();
  auto patched = suppliers.related<"account">(tammy.id).patch(relstore::patch<Account>{}.set(&Account::balance, 9.0));
  ASSERT_TRUE(patched) << patched.error().message();
  EXPECT_EQ(*patched, 1u);
  EXPECT_EQ(accounts.find_by_id(mine.id).value().balance, 9.0);
  EXPECT_EQ(accounts.find_by_id(theirs.id).value(), theirs);

  auto moved =
      suppliers.related<"account">(tammy.id).patch(relstore::patch<Account>{}.set(&Account::supplierId, ben.id));
  ASSERT_FALSE(moved);
  EXPECT_EQ(moved.error().code, errc::constraint_violation);

  // A where narrows both, as on a has_many.
  const auto rich = relstore::field(&Account::balance) > 100.0;
  EXPECT_EQ(suppliers.related<"account">(tammy.id)
                .patch(relstore::patch<Account>{}.set(&Account::balance, 1.0), rich)
                .value(),
            0u);
  EXPECT_EQ(suppliers.related<"account">(tammy.id).plan_delete_all(rich).value().count, 0u);
  EXPECT_EQ(suppliers.related<"account">(tammy.id).delete_all(rich).value(), 0u);
  EXPECT_EQ(accounts.find_by_id(mine.id).value().balance, 9.0);

  auto plan = suppliers.related<"account">(tammy.id).plan_delete_all();
  ASSERT_TRUE(plan) << plan.error().message();
  EXPECT_EQ(plan->count, 1u);
  auto deleted = suppliers.related<"account">(tammy.id).delete_all();
  ASSERT_TRUE(deleted) << deleted.error().message();
  EXPECT_EQ(*deleted, 1u);
  EXPECT_EQ(suppliers.related<"account">(tammy.id).delete_all().value(), 0u);
  EXPECT_FALSE(accounts.exists(mine.id));
  EXPECT_TRUE(accounts.exists(theirs.id));
  // Now a new child may take the free place.
  EXPECT_TRUE(suppliers.related<"account">(tammy.id).create({.balance = 2}));
}

TEST_F(HasOne, ConstrainedCreateKeepsTheHasManyRules) {
  auto wrong = suppliers.related<"account">(tammy.id).create({.supplierId = ben.id});
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code, errc::constraint_violation);
  auto orphan = suppliers.related<"account">(tammy.id + 100).create({.balance = 1});
  ASSERT_FALSE(orphan);
  EXPECT_EQ(orphan.error().code, errc::foreign_key_violation);
  auto null_key = suppliers.related<"badge">(tammy.id).create_json(R"({"supplierId":null,"label":"x"})");
  ASSERT_FALSE(null_key);
  EXPECT_EQ(null_key.error().code, errc::constraint_violation);
}

// The declared policies hold as for has_many: cascade (blocked by a restrict
// below it) and set_null.
TEST_F(HasOne, OnDeletePoliciesApply) {
  auto account = suppliers.related<"account">(tammy.id).create({.balance = 1}).value();
  auto badge = suppliers.related<"badge">(tammy.id).create({.label = "t"}).value();
  ASSERT_TRUE(db.repo<Account>().related<"ledgers">(account.id).create({.note = "n"}));
  const store before = db;
  auto blocked = suppliers.delete_by_id(tammy.id);
  ASSERT_FALSE(blocked);
  EXPECT_EQ(blocked.error().code, errc::restrict_violation);
  EXPECT_TRUE(db == before);

  ASSERT_TRUE(db.repo<Ledger>().delete_all());
  ASSERT_TRUE(suppliers.delete_by_id(tammy.id));
  EXPECT_FALSE(accounts.exists(account.id)) << "cascade";
  auto kept = db.repo<Badge>().find_by_id(badge.id);
  ASSERT_TRUE(kept);
  EXPECT_FALSE(kept->supplierId.has_value()) << "set_null";
}

// Include gives one row or none: row.one<"account">(), and null in JSON
// (LoopBack leaves the key out; relstore writes null, as for belongsTo).
TEST_F(HasOne, IncludeGivesTheChildOrNull) {
  auto account = suppliers.related<"account">(tammy.id).create({.balance = 4}).value();
  auto rows = suppliers.find(filter<Supplier>{}.include<"account">().order(&Supplier::id));
  ASSERT_TRUE(rows) << rows.error().message();
  ASSERT_EQ(rows->size(), 2u);
  const auto* mine = (*rows)[0].one<"account">();
  ASSERT_NE(mine, nullptr);
  EXPECT_EQ(mine->value, account);
  EXPECT_EQ((*rows)[1].one<"account">(), nullptr);
  EXPECT_TRUE(has((*rows)[1].to_json(), "\"account\":null")) << (*rows)[1].to_json();

  auto json = suppliers.find(R"({"include":[{"relation":"account","scope":{"fields":["balance"]}}],"order":["id"]})");
  ASSERT_TRUE(json) << json.error().message();
  EXPECT_TRUE(has((*json)[0].to_json(), "\"account\":{\"balance\":4")) << (*json)[0].to_json();
  // And the inverse belongsTo is an ordinary one.
  auto back = accounts.belongs_to<"supplier">(account.id);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, tammy);
  auto total = suppliers.find(R"({"include":[{"relation":"account","scope":{"totalLimit":1}}]})");
  ASSERT_FALSE(total);
  EXPECT_EQ(total.error().code, errc::invalid_filter);
}

TEST(HasOneRegistry, TheRunTimeDeclarationMatchesTheTypedOne) {
  const relstore::registry& reg = schema::registry();
  const auto* rel = reg.find_relation(*reg.find_model("Supplier"), "account");
  ASSERT_NE(rel, nullptr);
  EXPECT_EQ(rel->kind, relstore::relation_kind::has_one);
  EXPECT_EQ(relstore::to_string(rel->kind), "has_one");
  EXPECT_EQ(reg.relations()[rel->inverse].kind, relstore::relation_kind::belongs_to);
  EXPECT_TRUE(relstore::is_parent_side(rel->kind));

  relstore::registry mine;
  ASSERT_TRUE(mine.add_model(relstore::model_info_of<Supplier>()));
  ASSERT_TRUE(mine.add_model(relstore::model_info_of<Account>()));
  auto added = mine.add_has_one("account", "Supplier", "Account");
  ASSERT_TRUE(added) << added.error().message();
  EXPECT_EQ(mine.relations()[*added].kind, relstore::relation_kind::has_one);
  EXPECT_EQ(mine.declaration(*added).key_to, "supplierId");
  auto inverse = mine.add_relation(relstore::relation_kind::belongs_to, "x", "Supplier", "Account");
  ASSERT_FALSE(inverse);
  EXPECT_EQ(inverse.error().code, errc::schema_error);
}

// A snapshot records the kind (format version 2) and load keeps enforcing it.
TEST_F(HasOne, ASnapshotKeepsTheRelationKind) {
  ASSERT_TRUE(suppliers.related<"account">(tammy.id).create({.balance = 1}));
  std::stringstream file;
  ASSERT_TRUE(relstore::save(db, file));
  store back;
  auto loaded = relstore::load(back, file);
  ASSERT_TRUE(loaded) << loaded.error().message();
  EXPECT_TRUE(back == db);
  EXPECT_EQ(back.repo<Supplier>().related<"account">(tammy.id).create({}).error().code, errc::already_exists);

  file.clear();
  file.seekg(0);
  auto data = relstore::read_snapshot(file);
  ASSERT_TRUE(data) << data.error().message();
  const auto& reg = data->schema();
  EXPECT_EQ(reg.find_relation(*reg.find_model("Supplier"), "account")->kind, relstore::relation_kind::has_one);
  EXPECT_TRUE(has(relstore::schema_json(*data), "\"kind\":\"hasOne\"")) << relstore::schema_json(*data);
}

// A snapshot whose relation is a has_many does not load silently into a
// program that declares it a has_one (the data might hold two children).
// The file is written by a program that declares account a has_many.
TEST_F(HasOne, ASnapshotOfAnotherKindIsASchemaMismatch) {
  const std::string as_many =
      R"({"models":[{"name":"Supplier","fields":[{"name":"id","type":"int64"},{"name":"name","type":"string"}]},)"
      R"({"name":"Account","fields":[{"name":"id","type":"int64"},{"name":"supplierId","type":"int64"},)"
      R"({"name":"balance","type":"float64"}]}],)"
      R"("relations":[{"name":"account","kind":"hasMany","source":"Supplier","target":"Account",)"
      R"("onDelete":"cascade"}]})";
  auto old = relstore::import_json(R"({"Supplier":[{"id":1,"name":"s"}],"Account":[]})", as_many);
  ASSERT_TRUE(old) << old.error().message();
  std::stringstream file;
  ASSERT_TRUE(relstore::write_snapshot(*old, file));
  const store before = db;
  auto r = relstore::load(db, file);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::schema_mismatch);
  EXPECT_TRUE(has(r.error().message(),
                  "relation Supplier.account is a has_many in the snapshot but a has_one in the "
                  "program"))
      << r.error().message();
  EXPECT_TRUE(db == before);
}

// What a file or an import holds is verified with the same rule.
TEST(HasOneVerify, TwoChildrenOfOneParentInAnImportAreRefused) {
  const std::string schema_doc =
      R"({"models":[{"name":"Supplier","fields":[{"name":"id","type":"int64"}]},)"
      R"({"name":"Account","fields":[{"name":"id","type":"int64"},{"name":"supplierId","type":"int64"}]}],)"
      R"("relations":[{"name":"account","kind":"hasOne","source":"Supplier","target":"Account"}]})";
  const std::string two = R"({"Supplier":[{"id":1}],"Account":[{"id":5,"supplierId":1},{"id":7,"supplierId":1}]})";
  auto refused = relstore::import_json(two, schema_doc);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, errc::already_exists);
  EXPECT_TRUE(has(refused.error().message(), "(Account 5); Account 7 would be a second")) << refused.error().message();

  const std::string one =
      R"({"Supplier":[{"id":1},{"id":2}],"Account":[{"id":5,"supplierId":1},{"id":7,"supplierId":2}]})";
  auto fine = relstore::import_json(one, schema_doc);
  ASSERT_TRUE(fine) << fine.error().message();
  auto sql = std::ostringstream{};
  ASSERT_TRUE(relstore::export_sql(*fine, sql));
  EXPECT_TRUE(has(sql.str(), "UNIQUE (\"supplierId\")")) << sql.str();

  auto bad_kind = relstore::import_json(one, R"({"models":[],"relations":[{"name":"a","kind":"hasTwo"}]})");
  ASSERT_FALSE(bad_kind);
}

}  // namespace

}  // namespace has_one_test
