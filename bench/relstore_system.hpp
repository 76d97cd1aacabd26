// relstore through its public API: constrained repositories, JSON filters,
// include, snapshots.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <relstore/background_save.hpp>
#include <relstore/relstore.hpp>
#include <relstore/snapshot.hpp>

#include "workload.hpp"

namespace bench {

class relstore_system {
 public:
  static constexpr const char* name = "relstore";
  void insert_parents(const workload& w) {
    auto customers = db_.repo<Customer>();
    for (std::int64_t p = 1; p <= w.parents; ++p) {
      if (!customers.insert({.id = p, .name = "customer"})) std::abort();
    }
  }
  void insert_children(const workload& w) {
    auto customers = db_.repo<Customer>();
    for (std::int64_t i = 0; i < w.n; ++i) {
      const auto idx = static_cast<std::size_t>(i);
      if (!customers.related<"orders">(w.owners[idx]).insert({.id = i + 1, .total = w.totals[idx]})) std::abort();
    }
  }
  bool lookup(std::int64_t id) { return db_.repo<Order>().find_by_id(id).has_value(); }
  // Many keys in one call, visited in place in key order: visit_by_ids,
  // and the same rows through a filter (an inq on the primary key, whose
  // keys are looked up together).
  double lookup_many(const std::vector<std::int64_t>& ids) {
    double sum = 0;
    (void)db_.repo<Order>().visit_by_ids(ids, [&](const Order& o) { sum += o.total; });
    return sum;
  }
  double lookup_many_inq(const std::vector<std::int64_t>& ids) {
    double sum = 0;
    (void)db_.repo<Order>()
        .visit(relstore::filter<Order>{}.where(relstore::field(&Order::id).inq(ids)),
               [&](const Order& o) { sum += o.total; })
        .value();
    return sum;
  }
  // The sum of one parent's children, read in place in the index's order
  // (for_each_unordered), as a game that only sums would, and as the floor
  // and SQLite read them; find_sum_visit reads the same rows in key order
  // (visit), find_sum_copied through find, which copies each into a
  // row<Order>.
  double find_sum(std::int64_t parent) {
    double sum = 0;
    (void)db_.repo<Customer>().related<"orders">(parent).for_each_unordered([&](const Order& o) { sum += o.total; });
    return sum;
  }
  double find_sum_visit(std::int64_t parent) {
    double sum = 0;
    (void)db_.repo<Customer>().related<"orders">(parent).visit({}, [&](const Order& o) { sum += o.total; }).value();
    return sum;
  }
  double find_sum_copied(std::int64_t parent) {
    double sum = 0;
    for (const auto& o : db_.repo<Customer>().related<"orders">(parent).find().value()) sum += o->total;
    return sum;
  }
  std::int64_t patch(std::int64_t parent, std::int32_t status) {
    return static_cast<std::int64_t>(db_.repo<Customer>()
                                         .related<"orders">(parent)
                                         .patch(relstore::patch<Order>{}.set(&Order::status, status))
                                         .value());
  }
  // The same patch on the children of several parents, asked at once: the
  // families are walked together (an inq on the foreign key's index).
  std::int64_t patch_many(const std::vector<std::int64_t>& parents, std::int32_t status) {
    return static_cast<std::int64_t>(db_.repo<Order>()
                                         .update_all(relstore::patch<Order>{}.set(&Order::status, status),
                                                     relstore::field(&Order::customerId).inq(parents))
                                         .value());
  }
  // The frame update: 1.0 added to every order's total, in place
  // (update_each); then the same through writes<...>, and the way before
  // update_each: each order copied out and replaced.
  std::int64_t frame_update() {
    return static_cast<std::int64_t>(db_.repo<Order>().update_each({}, [](Order& o) { o.total += 1.0; }).value());
  }
  std::int64_t frame_update_writes() {
    return static_cast<std::int64_t>(
        db_.repo<Order>().update_each({}, relstore::writes<&Order::total>, [](double& t) { t += 1.0; }).value());
  }
  // With an observer counting the events: update_all's pipeline.
  std::int64_t frame_update_observed() {
    observe(true);
    const std::int64_t n = frame_update();
    observe(false);
    return n;
  }
  std::int64_t frame_update_replace() {
    auto orders = db_.repo<Order>();
    std::int64_t n = 0;
    for (const auto& r : orders.find().value()) {
      Order o = r.value;
      o.total += 1.0;
      if (!orders.replace_by_id(o.id, o)) std::abort();
      ++n;
    }
    return n;
  }
  // A full read pass: every child once, in storage order.
  double read_pass() {
    double sum = 0;
    db_.for_each_unordered<Order>([&](const Order& o) { sum += o.total; });
    return sum;
  }
  // Deletes the children `ids`, then creates them again with the same
  // values in the order of `again` (a permutation of ids).
  void churn(const std::vector<std::int64_t>& ids, const std::vector<std::int64_t>& again) {
    auto orders = db_.repo<Order>();
    std::map<std::int64_t, Order> rows;
    for (std::int64_t id : ids) {
      rows.emplace(id, orders.find_by_id(id).value());
      if (!orders.delete_by_id(id)) std::abort();
    }
    for (std::int64_t id : again) {
      if (!orders.insert(rows.at(id))) std::abort();
    }
  }
  void compact() { db_.compact(); }
  std::vector<Order> children(std::int64_t parent) {
    std::vector<Order> out;
    for (const auto& o : db_.repo<Customer>().related<"orders">(parent).find().value()) out.push_back(o.value);
    return out;
  }
  std::int64_t delete_where(std::int64_t parent, double above) {
    return static_cast<std::int64_t>(
        db_.repo<Customer>().related<"orders">(parent).delete_all(relstore::field(&Order::total) > above).value());
  }
  void restore(const std::vector<Order>& rows) {
    for (const auto& o : rows) {
      if (!db_.repo<Order>().exists(o.id) && !db_.repo<Order>().insert(o)) std::abort();
    }
  }
  bool reparent(std::int64_t child, std::int64_t parent) {
    return db_.repo<Order>().update_by_id(child, relstore::patch<Order>{}.set(&Order::customerId, parent)).has_value();
  }
  bool rejected_insert(std::int64_t missing) {
    return !db_.repo<Order>().insert({.customerId = missing, .total = 1}).has_value();
  }
  bool cascade_delete(std::int64_t parent) { return db_.repo<Customer>().delete_by_id(parent).has_value(); }
  // Several parents deleted at once (an inq on the key): the roots' families
  // are walked together. Returns how many parents went.
  std::int64_t cascade_many(const std::vector<std::int64_t>& parents) {
    return static_cast<std::int64_t>(
        db_.repo<Customer>().delete_all(relstore::field(&Customer::id).inq(parents)).value());
  }
  void restore_parent(std::int64_t parent, const std::vector<Order>& rows) {
    if (!db_.repo<Customer>().insert({.id = parent, .name = "customer"})) std::abort();
    restore(rows);
  }
  // Returns the sum of the included children's keys, as every system does.
  std::int64_t include(std::int64_t limit) {
    auto rows = db_.repo<Customer>()
                    .find(relstore::filter<Customer>{}.include(
                        "orders", relstore::filter<Order>{}.limit(static_cast<std::size_t>(limit))))
                    .value();
    std::int64_t n = 0;
    for (const auto& r : rows) {
      for (const auto& o : r.many<Order>("orders")) n += o->id;
    }
    return n;
  }
  std::int64_t json_find(std::int64_t parent) {
    const std::string f = R"({"where":{"customerId":)" + std::to_string(parent) +
                          R"(,"total":{"gt":50}},"order":["total DESC"],"limit":5})";
    return static_cast<std::int64_t>(db_.repo<Order>().find(f).value().size());
  }
  // The same question for one parent's children, through a constrained
  // repository: a typed filter, and a JSON filter prepared once (the
  // prepared-filter target compares the two).
  std::int64_t find_typed(std::int64_t parent) {
    return static_cast<std::int64_t>(db_.repo<Customer>().related<"orders">(parent).find(typed_).value().size());
  }
  std::int64_t find_prepared(std::int64_t parent) {
    return static_cast<std::int64_t>(db_.repo<Customer>().related<"orders">(parent).find(prepared_).value().size());
  }
  std::int64_t save(const std::filesystem::path& p) {
    if (!relstore::save(db_, p)) std::abort();
    return static_cast<std::int64_t>(std::filesystem::file_size(p));
  }
  relstore::background_save save_in_background(const std::filesystem::path& p) {
    auto job = relstore::save_in_background(db_, p);
    if (!job) std::abort();
    return std::move(*job);
  }
  // A new parent and `children` children of it (background_save's ticks).
  void create_family(std::int64_t parent, int children) {
    if (!db_.repo<Customer>().insert({.id = parent, .name = "customer"})) std::abort();
    auto orders = db_.repo<Customer>().related<"orders">(parent);
    for (int i = 0; i < children; ++i) {
      if (!orders.insert({.total = 1.0 + i})) std::abort();
    }
  }
  void load(const std::filesystem::path& p) {
    relstore::store<schema> fresh;
    if (!relstore::load(fresh, p)) std::abort();
    db_ = std::move(fresh);
  }
  std::int64_t count_children() { return static_cast<std::int64_t>(db_.size<Order>()); }
  std::int64_t count_parents() { return static_cast<std::int64_t>(db_.size<Customer>()); }

  // Transactions and observers (tx_phases.hpp).
  void begin() { tx_.emplace(db_.begin()); }
  void commit() {
    if (!tx_->commit()) std::abort();
    tx_.reset();
  }
  void rollback() {
    tx_->rollback();
    tx_.reset();
  }
  // Counts every change to an Order while `on`.
  void observe(bool on) {
    if (on) {
      orders_seen_ = db_.on<Order>([this](const relstore::event<Order>&) { ++events; });
    } else {
      orders_seen_ = {};
    }
  }
  std::int64_t events = 0;

 private:
  relstore::store<schema> db_;
  const relstore::filter<Order> typed_ = relstore::filter<Order>{}
                                             .where(relstore::field(&Order::total) > 50)
                                             .order(&Order::total, relstore::desc)
                                             .limit(5);
  const relstore::filter<Order> prepared_ =
      db_.repo<Order>().prepare(R"({"where":{"total":{"gt":50}},"order":["total DESC"],"limit":5})").value();
  std::optional<relstore::transaction<schema>> tx_;
  relstore::subscription orders_seen_;
};

}  // namespace bench
