// The floor: a bare Boost.MultiIndex container with hand-written checks, what
// relstore costs over doing it by hand. It hashes where relstore hashes (the
// primary keys and the foreign key), so a ratio measures relstore's overhead,
// not a tree against a hash table.
#pragma once

#include <algorithm>
#include <array>
#include <boost/multi_index/hashed_index.hpp>
#include <boost/multi_index/member.hpp>
#include <boost/multi_index_container.hpp>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <vector>

#include "workload.hpp"

namespace bench {

class floor_system {
  using customers_t = boost::multi_index::multi_index_container<
      Customer, boost::multi_index::indexed_by<boost::multi_index::hashed_unique<
                    boost::multi_index::member<Customer, std::int64_t, &Customer::id>>>>;
  using orders_t = boost::multi_index::multi_index_container<
      Order,
      boost::multi_index::indexed_by<
          boost::multi_index::hashed_unique<boost::multi_index::member<Order, std::int64_t, &Order::id>>,
          boost::multi_index::hashed_non_unique<boost::multi_index::member<Order, std::int64_t, &Order::customerId>>>>;

 public:
  static constexpr const char* name = "floor";
  void insert_parents(const workload& w) {
    for (std::int64_t p = 1; p <= w.parents; ++p) {
      if (!customers_.insert({p, "customer"}).second) std::abort();
    }
  }
  void insert_children(const workload& w) {
    for (std::int64_t i = 0; i < w.n; ++i) {
      const auto idx = static_cast<std::size_t>(i);
      if (!insert_child({i + 1, w.owners[idx], w.totals[idx], 0})) std::abort();
    }
  }
  bool insert_child(const Order& o) {
    if (customers_.find(o.customerId) == customers_.end()) return false;
    return orders_.insert(o).second;
  }
  bool lookup(std::int64_t id) { return orders_.find(id) != orders_.end(); }
  // Each distinct key once, in key order (as the IN list's rows are
  // summed; sorted on the stack), then one find per key: the loop is short,
  // so the processor overlaps the finds' misses.
  double lookup_many(const std::vector<std::int64_t>& ids) {
    std::array<std::int64_t, 64> local;
    if (ids.size() > local.size()) std::abort();  // the phase asks for 16
    const auto first = local.begin();
    const auto end = std::copy(ids.begin(), ids.end(), first);
    std::sort(first, end);
    const auto last = std::unique(first, end);
    double sum = 0;
    for (auto k = first; k != last; ++k) {
      if (auto it = orders_.find(*k); it != orders_.end()) sum += it->total;
    }
    return sum;
  }
  double find_sum(std::int64_t parent) {
    double sum = 0;
    auto [a, b] = orders_.get<1>().equal_range(parent);
    for (; a != b; ++a) sum += a->total;
    return sum;
  }
  // status is in no index: written where it is stored, as the frame update
  // writes total (replace() would re-hash the node into both indexes).
  std::int64_t patch(std::int64_t parent, std::int32_t status) {
    auto [a, b] = orders_.get<1>().equal_range(parent);
    std::int64_t n = 0;
    for (; a != b; ++a, ++n) const_cast<Order&>(*a).status = status;
    return n;
  }
  // One family after another, each parent once (as an IN list counts its
  // rows): the loop is short enough that the processor overlaps one
  // family's walk with the next one's (write_path.md).
  std::int64_t patch_many(std::vector<std::int64_t> parents, std::int32_t status) {
    std::sort(parents.begin(), parents.end());
    parents.erase(std::unique(parents.begin(), parents.end()), parents.end());
    std::int64_t n = 0;
    for (std::int64_t p : parents) n += patch(p, status);
    return n;
  }
  // The frame update as a careful engineer writes it by hand: one pass over
  // the container, writing the non-key field where it is stored (total is
  // in no index, so no index needs to know; modify() would re-check each).
  std::int64_t frame_update() {
    std::int64_t n = 0;
    for (const Order& o : orders_) {
      const_cast<Order&>(o).total += 1.0;
      ++n;
    }
    return n;
  }
  // The frame as a game with no indexes writes it: a plain loop over a dense
  // array of the children (make_dense() copies them there once, untimed).
  void make_dense() {
    if (dense_.empty()) dense_.assign(orders_.begin(), orders_.end());
  }
  std::int64_t frame_update_dense() {
    for (Order& o : dense_) o.total += 1.0;
    return static_cast<std::int64_t>(dense_.size());
  }
  double read_pass() {
    double sum = 0;
    for (const Order& o : orders_) sum += o.total;
    return sum;
  }
  void churn(const std::vector<std::int64_t>& ids, const std::vector<std::int64_t>& again) {
    std::map<std::int64_t, Order> rows;
    for (std::int64_t id : ids) {
      auto it = orders_.find(id);
      rows.emplace(id, *it);
      orders_.erase(it);
    }
    for (std::int64_t id : again) {
      if (!insert_child(rows.at(id))) std::abort();
    }
  }
  std::vector<Order> children(std::int64_t parent) {
    auto [a, b] = orders_.get<1>().equal_range(parent);
    return {a, b};
  }
  std::int64_t delete_where(std::int64_t parent, double above) {
    auto& idx = orders_.get<1>();
    auto [a, b] = idx.equal_range(parent);
    std::int64_t n = 0;
    while (a != b) {
      if (a->total > above) {
        a = idx.erase(a);
        ++n;
      } else {
        ++a;
      }
    }
    return n;
  }
  void restore(const std::vector<Order>& rows) {
    for (const auto& o : rows) orders_.insert(o);
  }
  bool reparent(std::int64_t child, std::int64_t parent) {
    auto it = orders_.find(child);
    if (it == orders_.end() || customers_.find(parent) == customers_.end()) return false;
    if (it->customerId == parent) return true;  // no change: no write, no event (relstore's contract)
    const Order before = *it;
    Order after = before;
    after.customerId = parent;
    if (!orders_.replace(it, after)) return false;
    if (in_tx_) undo_.push_back(before);
    if (observer_) observer_(before, after);
    return true;
  }
  bool rejected_insert(std::int64_t missing) { return !insert_child({0, missing, 1, 0}); }
  bool cascade_delete(std::int64_t parent) {
    auto it = customers_.find(parent);
    if (it == customers_.end()) return false;
    orders_.get<1>().erase(parent);
    customers_.erase(it);
    return true;
  }
  // One parent after another, each with its family erased by key.
  std::int64_t cascade_many(const std::vector<std::int64_t>& parents) {
    std::int64_t n = 0;
    for (std::int64_t p : parents) n += cascade_delete(p) ? 1 : 0;
    return n;
  }
  void restore_parent(std::int64_t parent, const std::vector<Order>& rows) {
    customers_.insert({parent, "customer"});
    restore(rows);
  }
  // Each parent with its `limit` children of smallest key, as relstore and
  // SQLite include them. The families of 256 parents at a time are walked
  // together, eight in flight, one step of each in turn, so that their cache
  // misses overlap (as relstore's family_walk.hpp; walked one after another,
  // each node waits on the one before). Then a partial sort of each family
  // (gathered in the index's order, not key order) picks the first `limit`.
  std::int64_t include(std::int64_t limit) {
    constexpr std::size_t run = 256;
    constexpr std::size_t lanes = 8;
    const auto& by_parent = orders_.get<1>();
    using walk = orders_t::nth_index<1>::type::const_iterator;
    struct lane {
      walk at;
      std::int64_t key;
      std::vector<const Order*>* family;
    };
    std::int64_t keys = 0;
    std::vector<std::pair<Customer, std::vector<Order>>> out;
    out.reserve(customers_.size());
    families_.resize(run);
    std::vector<const Customer*> parents;
    for (auto c = customers_.begin(); c != customers_.end();) {
      parents.clear();
      for (; c != customers_.end() && parents.size() < run; ++c) parents.push_back(&*c);
      std::size_t next = 0;
      auto start = [&](lane& l) {
        while (next < parents.size()) {
          const std::size_t i = next++;
          families_[i].clear();
          auto it = by_parent.find(parents[i]->id);
          if (it == by_parent.end()) continue;
          __builtin_prefetch(&*it);
          l = {it, parents[i]->id, &families_[i]};
          return true;
        }
        return false;
      };
      std::array<lane, lanes> ls;
      std::size_t live = 0;
      while (live < lanes && start(ls[live])) ++live;
      while (live > 0) {
        for (std::size_t j = 0; j < live;) {
          lane& l = ls[j];
          l.family->push_back(&*l.at);
          if (++l.at != by_parent.end() && l.at->customerId == l.key) {
            __builtin_prefetch(&*l.at);
            ++j;
          } else if (start(l)) {
            ++j;
          } else {
            l = ls[--live];
          }
        }
      }
      for (std::size_t i = 0; i < parents.size(); ++i) {
        auto& family = families_[i];
        const auto take = std::min(static_cast<std::size_t>(limit), family.size());
        const auto end = family.begin() + static_cast<std::ptrdiff_t>(take);
        std::partial_sort(family.begin(), end, family.end(),
                          [](const Order* x, const Order* y) { return x->id < y->id; });
        std::vector<Order> kids;
        kids.reserve(take);
        for (auto it = family.begin(); it != end; ++it) {
          kids.push_back(**it);
          keys += (*it)->id;
        }
        out.emplace_back(*parents[i], std::move(kids));
      }
    }
    return keys;
  }
  std::int64_t json_find(std::int64_t parent) {
    std::vector<Order> hits;
    auto [a, b] = orders_.get<1>().equal_range(parent);
    for (; a != b; ++a) {
      if (a->total > 50) hits.push_back(*a);
    }
    std::sort(hits.begin(), hits.end(),
              [](const Order& x, const Order& y) { return x.total != y.total ? x.total > y.total : x.id < y.id; });
    if (hits.size() > 5) hits.resize(5);
    return static_cast<std::int64_t>(hits.size());
  }
  // The floor's snapshot: raw columns written and read with one call each.
  // Children are written in the foreign-key index's order, so that a load
  // inserts each parent's children together (as relstore's load does): the
  // foreign-key buckets and groups it links are then in cache.
  std::int64_t save(const std::filesystem::path& p) {
    std::vector<Order> rows(orders_.get<1>().begin(), orders_.get<1>().end());
    std::vector<std::int64_t> parents;
    for (const auto& c : customers_) parents.push_back(c.id);
    std::ofstream out(p, std::ios::binary);
    const std::uint64_t sizes[2] = {parents.size(), rows.size()};
    out.write(reinterpret_cast<const char*>(sizes), sizeof sizes);
    out.write(reinterpret_cast<const char*>(parents.data()), static_cast<std::streamsize>(parents.size() * 8));
    out.write(reinterpret_cast<const char*>(rows.data()), static_cast<std::streamsize>(rows.size() * sizeof(Order)));
    out.close();
    return static_cast<std::int64_t>(std::filesystem::file_size(p));
  }
  void load(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::uint64_t sizes[2];
    in.read(reinterpret_cast<char*>(sizes), sizeof sizes);
    std::vector<std::int64_t> parents(sizes[0]);
    std::vector<Order> rows(sizes[1]);
    in.read(reinterpret_cast<char*>(parents.data()), static_cast<std::streamsize>(parents.size() * 8));
    in.read(reinterpret_cast<char*>(rows.data()), static_cast<std::streamsize>(rows.size() * sizeof(Order)));
    customers_t c;
    orders_t o;
    c.reserve(parents.size());
    o.reserve(rows.size());
    for (auto id : parents) c.insert(c.end(), {id, "customer"});
    for (const auto& r : rows) {
      if (c.find(r.customerId) == c.end()) std::abort();
      o.insert(o.end(), r);
    }
    customers_ = std::move(c);
    orders_ = std::move(o);
  }
  std::int64_t count_children() { return static_cast<std::int64_t>(orders_.size()); }
  std::int64_t count_parents() { return static_cast<std::int64_t>(customers_.size()); }

  // Transactions and observers (tx_phases.hpp), as a careful engineer would
  // add them by hand: the old rows in an undo vector, restored in reverse;
  // a std::function called after each change.
  void begin() {
    in_tx_ = true;
    undo_.clear();
  }
  void commit() {
    in_tx_ = false;
    undo_.clear();
  }
  void rollback() {
    for (auto it = undo_.rbegin(); it != undo_.rend(); ++it) {
      if (!orders_.replace(orders_.find(it->id), *it)) std::abort();
    }
    commit();
  }
  void observe(bool on) {
    if (on) {
      observer_ = [this](const Order&, const Order&) { ++events; };
    } else {
      observer_ = nullptr;
    }
  }
  std::int64_t events = 0;

 private:
  bool in_tx_ = false;
  std::vector<Order> undo_;
  std::vector<Order> dense_;  // frame_update_dense's array
  std::function<void(const Order& before, const Order& after)> observer_;
  customers_t customers_;
  orders_t orders_;
  std::vector<std::vector<const Order*>> families_;  // include's scratch
};

}  // namespace bench
