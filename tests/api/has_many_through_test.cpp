// has_many_through: LoopBack's hasManyThrough (patientRepo.doctors(id):
// find with a target filter and a throughWhere, create with its link, link,
// unlink, unlinkAll, patch, delete), with the through model's keys enforced
// by the has_many relations into it and each pair linked once.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include <relstore/snapshot.hpp>
#include <relstore/snapshot_tools.hpp>

#include "common/clinic_schema.hpp"
#include "common/test_helpers.hpp"

namespace has_many_through_test {

namespace {

using namespace clinic;
using relstore::errc;
using relstore::field;
using relstore::filter;
using relstore::where;
using test::has;
using ids_t = std::vector<std::int64_t>;

template <class Rows>
ids_t ids(const Rows& rows) {
  ids_t out;
  for (const auto& r : rows) out.push_back(r->id);
  return out;
}

// Patients 1 (Ada) and 2 (Ben); doctors 1 (House, rank 3), 2 (Grey, rank 1),
// 3 (Who, rank 2). Ada sees House on "mon" and Grey on "tue"; Ben sees Grey
// on "mon".
class HasManyThrough : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(patients.create({.id = 1, .name = "Ada"}));
    ASSERT_TRUE(patients.create({.id = 2, .name = "Ben"}));
    ASSERT_TRUE(doctors.create({.id = 1, .name = "House", .rank = 3}));
    ASSERT_TRUE(doctors.create({.id = 2, .name = "Grey", .rank = 1}));
    ASSERT_TRUE(doctors.create({.id = 3, .name = "Who", .rank = 2}));
    ASSERT_TRUE(appointments.create({.id = 10, .patientId = 1, .doctorId = 1, .day = "mon"}));
    ASSERT_TRUE(appointments.create({.id = 11, .patientId = 1, .doctorId = 2, .day = "tue"}));
    ASSERT_TRUE(appointments.create({.id = 12, .patientId = 2, .doctorId = 2, .day = "mon"}));
  }

  store db;
  relstore::repository<schema, Patient> patients = db.repo<Patient>();
  relstore::repository<schema, Doctor> doctors = db.repo<Doctor>();
  relstore::repository<schema, Appointment> appointments = db.repo<Appointment>();
};

// LoopBack: patientRepo.doctors(id).find(filter, {throughWhere}).
TEST_F(HasManyThrough, FindReachesTheTargetsThroughTheLinks) {
  auto ada = patients.related<"doctors">(1);
  static_assert(std::is_same_v<decltype(ada)::through_type, Appointment>);
  EXPECT_EQ(ids(ada.find().value()), (ids_t{1, 2}));
  EXPECT_EQ(ids(patients.related<"doctors">(2).find().value()), (ids_t{2}));
  EXPECT_EQ(ids(doctors.related<"patients">(2).find().value()), (ids_t{1, 2})) << "the other direction";
  // A target filter, and separately a where on the links.
  EXPECT_EQ(ids(ada.find(filter<Doctor>{}.order(&Doctor::rank)).value()), (ids_t{2, 1}));
  EXPECT_EQ(ids(ada.find(filter<Doctor>{}.where(field(&Doctor::rank) > 2)).value()), (ids_t{1}));
  EXPECT_EQ(ids(ada.find({}, field(&Appointment::day) == std::string("tue")).value()), (ids_t{2}));
  EXPECT_EQ(ids(ada.find(R"({"order":["name"]})", R"({"day":"mon"})").value()), (ids_t{1}));
  EXPECT_EQ(ada.count().value(), 2u);
  EXPECT_EQ(ada.count(field(&Doctor::name).like("G%")).value(), 1u);
  EXPECT_TRUE(patients.related<"doctors">(99).find().value().empty()) << "no such patient: nothing";
}

TEST_F(HasManyThrough, IncludeGoesThroughTheLinks) {
  auto rows = patients.find(filter<Patient>{}.include<"doctors">(filter<Doctor>{}.order(&Doctor::rank)));
  ASSERT_TRUE(rows) << rows.error().message();
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ(ids((*rows)[0].many<"doctors">()), (ids_t{2, 1}));
  EXPECT_EQ(ids((*rows)[1].many<"doctors">()), (ids_t{2}));
  auto json = patients.find(R"({"include":[{"relation":"doctors","scope":{"fields":["name"]}}]})");
  ASSERT_TRUE(json) << json.error().message();
  EXPECT_TRUE(has((*json)[1].to_json(), R"("doctors":[{"name":"Grey"}])")) << (*json)[1].to_json();
}

// LoopBack: create(targetData, {throughData}) makes the target and its link.
TEST_F(HasManyThrough, CreateMakesTheTargetAndItsLinkOrNeither) {
  auto made = patients.related<"doctors">(2).create({.name = "Strange", .rank = 5}, {.day = "fri"});
  ASSERT_TRUE(made) << made.error().message();
  EXPECT_EQ(ids(patients.related<"doctors">(2).find().value()), (ids_t{2, made->id}));
  auto link = appointments.find(filter<Appointment>{}.where(field(&Appointment::doctorId) == made->id)).value();
  ASSERT_EQ(link.size(), 1u);
  EXPECT_EQ(link[0]->patientId, 2);
  EXPECT_EQ(link[0]->day, "fri");

  const store before = db;
  auto wrong = patients.related<"doctors">(2).create({.name = "X"}, {.patientId = 1});
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code, errc::constraint_violation);
  auto orphan = patients.related<"doctors">(7).create({.name = "Y"});
  ASSERT_FALSE(orphan);
  EXPECT_EQ(orphan.error().code, errc::foreign_key_violation);
  EXPECT_TRUE(db == before) << "the target is not left without its link";
}

// LoopBack's link / unlink / unlinkAll, with each pair linked once.
TEST_F(HasManyThrough, LinkAndUnlinkWithEachPairOnce) {
  auto ben = patients.related<"doctors">(2);
  auto l = ben.link(3, {.day = "wed"});
  ASSERT_TRUE(l) << l.error().message();
  EXPECT_EQ(l->patientId, 2);
  EXPECT_EQ(l->doctorId, 3);
  EXPECT_EQ(ids(ben.find().value()), (ids_t{2, 3}));

  const store before = db;
  auto again = ben.link(3);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, errc::already_exists);
  EXPECT_TRUE(has(again.error().message(), "would link Patient 2 and Doctor 3 a second time (Appointment " +
                                               std::to_string(l->id) +
                                               " does; Patient.doctors allows one link per pair)"))
      << again.error().message();
  auto direct = appointments.create({.patientId = 2, .doctorId = 3});
  ASSERT_FALSE(direct);
  EXPECT_EQ(direct.error().code, errc::already_exists) << "the rule holds on the through model itself";
  auto moved = appointments.update_by_id(12, relstore::patch<Appointment>{}.set(&Appointment::doctorId, 3));
  ASSERT_FALSE(moved);
  EXPECT_EQ(moved.error().code, errc::already_exists);
  auto missing = ben.link(42);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, errc::not_found);
  EXPECT_TRUE(db == before);

  EXPECT_EQ(ben.unlink(3).value(), 1u);
  EXPECT_EQ(ben.unlink(3).value(), 0u);
  EXPECT_TRUE(doctors.exists(3)) << "unlink keeps the target";
  EXPECT_EQ(patients.related<"doctors">(1).unlink_all().value(), 2u);
  EXPECT_TRUE(patients.related<"doctors">(1).find().value().empty());
  EXPECT_EQ(ids(ben.find().value()), (ids_t{2}));
}

TEST_F(HasManyThrough, RepeatedLinksWhenTheRelationAllowsThem) {
  ASSERT_TRUE(db.repo<Ward>().create({.id = 1, .name = "A"}));
  ASSERT_TRUE(db.repo<Nurse>().create({.id = 1, .name = "N"}));
  auto ward = db.repo<Ward>().related<"nurses">(1);
  ASSERT_TRUE(ward.link(1));
  ASSERT_TRUE(ward.link(1)) << "Ward.nurses allows repeated links";
  EXPECT_EQ(ids(ward.find().value()), (ids_t{1})) << "a target linked twice is found once";
  auto rows = db.repo<Ward>().find(R"({"include":["nurses"]})");
  ASSERT_TRUE(rows);
  EXPECT_EQ((*rows)[0].many<Nurse>("nurses").size(), 1u);
  EXPECT_EQ(ward.unlink(1).value(), 2u);
}

// patch and delete act on the reached targets only; delete removes this
// parent's links first (as LoopBack), and the targets' own policies decide
// the rest.
TEST_F(HasManyThrough, PatchAndDeleteActOnTheReachedTargets) {
  auto ada = patients.related<"doctors">(1);
  EXPECT_EQ(
      ada.patch(relstore::patch<Doctor>{}.set(&Doctor::rank, 9), field(&Doctor::name) == std::string("House")).value(),
      1u);
  EXPECT_EQ(doctors.find_by_id(1).value().rank, 9);
  EXPECT_EQ(doctors.find_by_id(3).value().rank, 2) << "not linked to Ada";

  // Grey is still Ben's doctor: Doctor.appointments restricts, so nothing changes.
  const store before = db;
  auto blocked = ada.delete_all(field(&Doctor::name) == std::string("Grey"));
  ASSERT_FALSE(blocked);
  EXPECT_EQ(blocked.error().code, errc::restrict_violation);
  EXPECT_TRUE(db == before) << "Ada's link to Grey is back too";

  auto deleted = ada.delete_all({}, field(&Appointment::day) == std::string("mon"));
  ASSERT_TRUE(deleted) << deleted.error().message();
  EXPECT_EQ(*deleted, 1u);
  EXPECT_FALSE(doctors.exists(1));
  EXPECT_FALSE(appointments.exists(10));
  EXPECT_EQ(ids(ada.find().value()), (ids_t{2}));
}

// Where the target's own has_many into the through model cascades, deleting
// through one parent takes every link to the deleted targets, the other
// parents' too, and nothing else; the count is the targets alone.
TEST_F(HasManyThrough, DeleteWhereTheTargetCascadesTakesEveryLinkToIt) {
  auto wards = db.repo<Ward>();
  auto nurses = db.repo<Nurse>();
  auto visits = db.repo<Visit>();
  ASSERT_TRUE(wards.create({.id = 1, .name = "A"}));
  ASSERT_TRUE(wards.create({.id = 2, .name = "B"}));
  for (std::int64_t n = 1; n <= 3; ++n) ASSERT_TRUE(nurses.create({.id = n, .name = "N" + std::to_string(n)}));
  ASSERT_TRUE(visits.create({.id = 10, .wardId = 1, .nurseId = 1}));
  ASSERT_TRUE(visits.create({.id = 11, .wardId = 1, .nurseId = 1}));  // a repeated link
  ASSERT_TRUE(visits.create({.id = 12, .wardId = 1, .nurseId = 2}));
  ASSERT_TRUE(visits.create({.id = 13, .wardId = 2, .nurseId = 1}));  // ward B's link to nurse 1
  ASSERT_TRUE(visits.create({.id = 14, .wardId = 2, .nurseId = 3}));

  std::vector<std::int64_t> gone;
  auto sub =
      db.on<Visit>(relstore::on_delete_event, [&](const relstore::event<Visit>& e) { gone.push_back(e.before->id); });

  auto deleted = wards.related<"nurses">(1).delete_all(field(&Nurse::name) == std::string("N1"));
  ASSERT_TRUE(deleted) << deleted.error().message();
  EXPECT_EQ(*deleted, 1u) << "the targets it deleted, not the links";
  EXPECT_FALSE(nurses.exists(1));
  EXPECT_TRUE(nurses.exists(2) && nurses.exists(3));
  EXPECT_TRUE(wards.exists(1) && wards.exists(2));
  ids_t left;
  for (const auto& v : visits.find().value()) left.push_back(v->id);
  EXPECT_EQ(left, (ids_t{12, 14})) << "ward B's link to nurse 1 cascaded with it";
  std::sort(gone.begin(), gone.end());
  EXPECT_EQ(gone, (ids_t{10, 11, 13})) << "each link deleted once, and observed";
  EXPECT_EQ(ids(wards.related<"nurses">(2).find().value()), (ids_t{3}));
}
// Deleting either end applies the policy declared on its has_many into the
// through model: a patient's links cascade, a linked doctor is restricted.
TEST_F(HasManyThrough, DeletingAnEndFollowsTheDeclaredPolicies) {
  auto doc = doctors.delete_by_id(2);
  ASSERT_FALSE(doc);
  EXPECT_EQ(doc.error().code, errc::restrict_violation);
  ASSERT_TRUE(patients.delete_by_id(1));
  EXPECT_FALSE(appointments.exists(10));
  EXPECT_FALSE(appointments.exists(11));
  EXPECT_TRUE(doctors.exists(1)) << "the targets stay";
  EXPECT_EQ(ids(doctors.related<"patients">(2).find().value()), (ids_t{2}));
}

TEST(HasManyThroughRegistry, TheRunTimeDeclarationAndItsChecks) {
  const relstore::registry& reg = schema::registry();
  const auto* rel = reg.find_relation(*reg.find_model("Patient"), "doctors");
  ASSERT_NE(rel, nullptr);
  EXPECT_EQ(rel->kind, relstore::relation_kind::has_many_through);
  EXPECT_EQ(reg.model(rel->through).name, "Appointment");
  EXPECT_EQ(reg.through_declaration(static_cast<std::size_t>(rel - reg.relations().data())).key_from, "patientId");
  EXPECT_FALSE(relstore::is_parent_side(rel->kind));

  relstore::registry mine;
  ASSERT_TRUE(mine.add_model(relstore::model_info_of<Patient>()));
  ASSERT_TRUE(mine.add_model(relstore::model_info_of<Doctor>()));
  ASSERT_TRUE(mine.add_model(relstore::model_info_of<Appointment>()));
  auto unbacked = mine.add_has_many_through("doctors", "Patient", "Doctor", "Appointment");
  ASSERT_FALSE(unbacked);
  EXPECT_EQ(unbacked.error().code, errc::schema_error);
  EXPECT_TRUE(
      has(unbacked.error().message(), "declare a has_many from Patient to Appointment on Appointment.patientId"))
      << unbacked.error().message();
  ASSERT_TRUE(mine.add_has_many("appointments", "Patient", "Appointment"));
  ASSERT_TRUE(mine.add_has_many("appointments", "Doctor", "Appointment"));
  EXPECT_TRUE(mine.add_has_many_through("doctors", "Patient", "Doctor", "Appointment"));
  auto bad_key = mine.add_has_many_through("others", "Patient", "Doctor", "Appointment", {.key_to = "nope"});
  ASSERT_FALSE(bad_key);
  EXPECT_TRUE(has(bad_key.error().message(), "through model Appointment is missing definition of foreign key nope"));
}

// A snapshot keeps the relation (format version 2), and a file or import
// holding a pair twice is refused with the same rule.
TEST_F(HasManyThrough, SnapshotsAndImportsKeepTheRelation) {
  std::stringstream file;
  ASSERT_TRUE(relstore::save(db, file));
  store back;
  auto loaded = relstore::load(back, file);
  ASSERT_TRUE(loaded) << loaded.error().message();
  EXPECT_TRUE(back == db);
  EXPECT_EQ(back.repo<Patient>().related<"doctors">(2).link(2).error().code, errc::already_exists);

  file.clear();
  file.seekg(0);
  auto data = relstore::read_snapshot(file);
  ASSERT_TRUE(data) << data.error().message();
  const std::string schema_doc = relstore::schema_json(*data);
  EXPECT_TRUE(has(schema_doc, R"("kind":"hasManyThrough")")) << schema_doc;
  std::ostringstream info;
  relstore::describe_snapshot("x", relstore::snapshot_header{}, *data, info);
  EXPECT_TRUE(has(info.str(), "Patient.doctors: has_many_through Doctor via Appointment")) << info.str();

  const std::string twice =
      R"({"Patient":[{"id":1}],"Doctor":[{"id":1}],)"
      R"("Appointment":[{"id":5,"patientId":1,"doctorId":1},{"id":6,"patientId":1,"doctorId":1}]})";
  auto refused = relstore::import_json(twice, schema_doc);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, errc::already_exists);
  EXPECT_TRUE(has(refused.error().message(), "Appointment 6 would link Patient 1 and Doctor 1 a second time"))
      << refused.error().message();
  std::ostringstream sql;
  ASSERT_TRUE(relstore::export_sql(*data, sql));
  EXPECT_TRUE(has(sql.str(), R"(UNIQUE ("patientId", "doctorId"))")) << sql.str();
}

}  // namespace

}  // namespace has_many_through_test
