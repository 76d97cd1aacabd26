// plan_delete / plan_delete_all: what a delete would do, without doing it.
// A plan must equal what the delete then does, row for row and in order.
#include "relstore/delete_report.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "common/shop_schema.hpp"
#include "common/shop_world.hpp"
#include "common/town_schema.hpp"

namespace plan_delete_test {

namespace {

// A step as compared in tests: model, cause, relation name, keys.
using step = std::tuple<std::string, relstore::change_cause, std::string, std::vector<relstore::value>>;

std::vector<step> steps_of(const relstore::delete_report& r) {
  std::vector<step> out;
  for (const auto& s : r.steps) out.emplace_back(s.model, s.cause, s.relation ? s.relation->name : "", s.keys);
  return out;
}

// Siblings come in index order, which is not promised: sorted for the
// hand-written expectations.
std::vector<step> sorted_steps_of(const relstore::delete_report& r) {
  auto out = steps_of(r);
  for (auto& s : out) {
    std::sort(std::get<3>(s).begin(), std::get<3>(s).end(), [](const relstore::value& a, const relstore::value& b) {
      return std::get<std::int64_t>(a) < std::get<std::int64_t>(b);
    });
  }
  return out;
}

std::vector<relstore::value> keys(std::initializer_list<std::int64_t> ids) {
  std::vector<relstore::value> out;
  for (auto id : ids) out.emplace_back(id);
  return out;
}

using namespace shop;
using relstore::change_cause;

class PlanDelete : public test::ShopWorld {};

TEST_F(PlanDelete, ReportsTheCascadeAndChangesNothing) {
  const store before = db;
  auto plan = db.repo<Order>().plan_delete(o1.id);
  ASSERT_TRUE(plan);
  EXPECT_TRUE(plan->would_succeed());
  EXPECT_EQ(plan->count, 1u);
  EXPECT_EQ(sorted_steps_of(*plan),
            (std::vector<step>{{"Order", change_cause::direct, "", keys({o1.id})},
                               {"OrderLine", change_cause::cascade, "lines", keys({l1.id, l2.id})}}));
  EXPECT_EQ(plan->deleted(), 3u);
  EXPECT_EQ(plan->nulled(), 0u);
  EXPECT_TRUE(db == before);
}

TEST_F(PlanDelete, ReportsTheRowsASetNullWouldClear) {
  auto plan = db.repo<Coupon>().plan_delete(coupon.id);
  ASSERT_TRUE(plan);
  EXPECT_EQ(sorted_steps_of(*plan),
            (std::vector<step>{{"Order", change_cause::set_null, "orders", keys({o1.id, o2.id})},
                               {"Coupon", change_cause::direct, "", keys({coupon.id})}}));
  EXPECT_EQ(plan->nulled(), 2u);
}

TEST_F(PlanDelete, ARestrictIsReportedAsTheErrorTheDeleteGives) {
  const store before = db;
  auto plan = db.repo<Customer>().plan_delete(ada.id);
  ASSERT_TRUE(plan);
  ASSERT_FALSE(plan->would_succeed());
  EXPECT_TRUE(plan->steps.empty());
  auto done = db.repo<Customer>().delete_by_id(ada.id);
  ASSERT_FALSE(done);
  EXPECT_EQ(plan->rejected->code, done.error().code);
  EXPECT_EQ(plan->rejected->message(), done.error().message());
  EXPECT_TRUE(db == before);
}

TEST_F(PlanDelete, AMissingIdOrABadWhereIsAnError) {
  EXPECT_EQ(db.repo<Order>().plan_delete(999).error().code, relstore::errc::not_found);
  EXPECT_EQ(db.repo<Order>().plan_delete_all(R"({"nope":1})").error().code, relstore::errc::invalid_filter);
}

TEST_F(PlanDelete, AConstrainedPlanSeesOnlyItsParentsChildren) {
  auto plan = db.repo<Customer>().related<"orders">(ada.id).plan_delete_all(relstore::field(&Order::total) > 1.5);
  ASSERT_TRUE(plan);
  EXPECT_EQ(sorted_steps_of(*plan), (std::vector<step>{{"Order", change_cause::direct, "", keys({o2.id})},
                                                       {"OrderLine", change_cause::cascade, "lines", keys({l3.id})}}));
  auto none = db.repo<Customer>().related<"orders">(bob.id).plan_delete_all();
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->steps.empty());
  EXPECT_EQ(none->count, 0u);
}

// ------------------------------------------------ plans against the deletes they predict

// Records what observers see, grouped as a report groups its steps.
class recorder {
 public:
  explicit recorder(town::store& db) {
    subs_.push_back(watch<town::Region>(db, "Region"));
    subs_.push_back(watch<town::Town>(db, "Town"));
    subs_.push_back(watch<town::Citizen>(db, "Citizen"));
    subs_.push_back(watch<town::House>(db, "House"));
  }
  std::vector<step> take() { return std::exchange(seen_, {}); }

 private:
  template <class M>
  relstore::subscription watch(town::store& db, const char* model) {
    return db.on<M>([this, model](const relstore::event<M>& e) {
      if (e.kind == relstore::event_kind::created) return;
      const M& m = e.before ? *e.before : *e.after;
      const std::string rel = e.relation ? e.relation->name : "";
      for (auto& s : seen_) {
        if (std::get<0>(s) == model && std::get<1>(s) == e.cause && std::get<2>(s) == rel) {
          std::get<3>(s).emplace_back(m.id);
          return;
        }
      }
      seen_.emplace_back(model, e.cause, rel, keys({m.id}));
    });
  }
  std::vector<step> seen_;
  std::vector<relstore::subscription> subs_;
};

town::store random_town(std::mt19937_64& rng) {
  town::store db;
  auto pick = [&](std::int64_t hi) { return std::uniform_int_distribution<std::int64_t>(1, hi)(rng); };
  const std::int64_t regions = 3, towns = 8, citizens = 40, houses = 40;
  for (std::int64_t i = 1; i <= regions; ++i) (void)db.repo<town::Region>().create({.id = i, .score = pick(10)});
  for (std::int64_t i = 1; i <= towns; ++i) {
    (void)db.repo<town::Town>().create({.id = i, .regionId = pick(regions), .score = pick(10)});
  }
  for (std::int64_t i = 1; i <= citizens; ++i) {
    std::optional<std::int64_t> mentor;
    if (i > 1 && pick(3) != 1) mentor = pick(i - 1);
    (void)db.repo<town::Citizen>().create({.id = i, .townId = pick(towns), .mentorId = mentor, .score = pick(10)});
  }
  for (std::int64_t i = 1; i <= houses; ++i) {
    std::optional<std::int64_t> owner;
    if (pick(2) == 1) owner = pick(citizens);
    (void)db.repo<town::House>().create({.id = i, .townId = pick(towns), .ownerId = owner, .score = pick(10)});
  }
  return db;
}

struct coverage {
  int rejected = 0, cascaded = 0, nulled = 0;
};

// Plans a delete, checks the plan changed nothing, deletes, and compares.
template <class M, class Plan, class Delete>
void plan_then_delete(town::store& db, recorder& rec, coverage& cov, Plan&& plan, Delete&& del,
                      const std::string& what) {
  SCOPED_TRACE(what);
  const town::store before = db;
  auto p = plan(db.repo<M>());
  ASSERT_TRUE(db == before) << "a plan changed the store";
  auto d = del(db.repo<M>());
  ASSERT_EQ(p.has_value(), d.has_value());
  if (!p) return;
  const auto seen = rec.take();
  if (p->rejected) {
    ++cov.rejected;
    ASSERT_FALSE(d->has_value());
    EXPECT_EQ(p->rejected->message(), d->error().message());
    EXPECT_TRUE(seen.empty());
    EXPECT_TRUE(db == before);
    return;
  }
  ASSERT_TRUE(d->has_value()) << d->error().message();
  EXPECT_EQ(p->count, **d);
  EXPECT_EQ(steps_of(*p), seen);
  for (const auto& st : p->steps) {
    cov.cascaded += st.cause == change_cause::cascade;
    cov.nulled += st.cause == change_cause::set_null;
  }
}

TEST(PlanDeleteProperty, APlanEqualsWhatTheDeleteThenDoesOnRandomStores) {
  coverage cov;
  for (std::uint64_t seed = 1; seed <= 60; ++seed) {
    std::mt19937_64 rng(seed);
    town::store db = random_town(rng);
    recorder rec(db);
    for (int op = 0; op < 12; ++op) {
      const auto model = rng() % 4;
      const auto id = static_cast<std::int64_t>(rng() % 41) + 1;
      const auto below = static_cast<std::int64_t>(rng() % 6);
      const std::string what = "seed " + std::to_string(seed) + " op " + std::to_string(op);
      auto by_id = [&]<class M>(relstore::repository<town::schema, M>) {
        plan_then_delete<M>(
            db, rec, cov, [&](auto repo) { return repo.plan_delete(id); },
            [&](auto repo) -> relstore::result<relstore::result<std::size_t>> {
              auto r = repo.delete_by_id(id);
              if (!r && r.error().code == relstore::errc::not_found) return r.error();
              return r ? relstore::result<std::size_t>(std::size_t{1}) : relstore::result<std::size_t>(r.error());
            },
            what);
      };
      auto by_where = [&]<class M>(relstore::repository<town::schema, M>) {
        const std::string where = R"({"score":{"lt":)" + std::to_string(below) + "}}";
        plan_then_delete<M>(
            db, rec, cov, [&](auto repo) { return repo.plan_delete_all(where); },
            [&](auto repo) -> relstore::result<relstore::result<std::size_t>> { return repo.delete_all(where); },
            what + " where " + where);
      };
      const bool all = rng() % 2 == 0;
      switch (model) {
        case 0:
          all ? by_where(db.repo<town::Region>()) : by_id(db.repo<town::Region>());
          break;
        case 1:
          all ? by_where(db.repo<town::Town>()) : by_id(db.repo<town::Town>());
          break;
        case 2:
          all ? by_where(db.repo<town::Citizen>()) : by_id(db.repo<town::Citizen>());
          break;
        default:
          all ? by_where(db.repo<town::House>()) : by_id(db.repo<town::House>());
      }
      if (::testing::Test::HasFatalFailure()) return;
    }
  }
  // The random stores reach every outcome the planner has.
  EXPECT_GT(cov.rejected, 20);
  EXPECT_GT(cov.cascaded, 20);
  EXPECT_GT(cov.nulled, 20);
}

}  // namespace

}  // namespace plan_delete_test
