// Random operation sequences for the differential test: writes of every
// kind, constrained writes and transactions with savepoints, biased
// towards keys that exist so that cascades and restricts happen.
#pragma once

#include <cstdint>
#include <optional>
#include <random>
#include <vector>

#include "differential/operations.hpp"

namespace differential {

// ------------------------------------------------------------ generator

class generator {
 public:
  explicit generator(std::uint64_t seed) : rng_(seed) {}

  // The next operation: now and then a transaction of 1 to 20 writes, with
  // nested savepoints, ending in a commit or a rollback.
  op next() {
    if (in_tx_) return next_in_transaction();
    if (pick(0, 99) < 8) {
      in_tx_ = true;
      left_ = pick(1, 20);
      savepoints_ = 0;
      return op{op_kind::tx_begin, model_id::region, pick(0, 2) == 0 ? 1 : 0, {}, {}, std::nullopt};
    }
    return next_write();
  }

 private:
  op next_in_transaction() {
    const int roll = pick(0, 99);
    if (left_ == 0) {
      in_tx_ = false;
      return op{pick(0, 9) < 7 ? op_kind::tx_commit : op_kind::tx_rollback, model_id::region, 0, {}, {}, std::nullopt};
    }
    if (roll < 12) {
      ++savepoints_;
      return op{op_kind::tx_savepoint, model_id::region, 0, {}, {}, std::nullopt};
    }
    if (roll < 20 && savepoints_ > 0) {
      const int which = pick(0, savepoints_ - 1);
      if (pick(0, 1) == 0) {
        savepoints_ = which + 1;
        return op{op_kind::tx_rollback_to, model_id::region, which, {}, {}, std::nullopt};
      }
      savepoints_ = which;
      return op{op_kind::tx_release, model_id::region, which, {}, {}, std::nullopt};
    }
    --left_;
    return next_write();
  }

 public:
  op next_write() {
    op o;
    o.m = static_cast<model_id>(pick(0, 3));
    const int roll = pick(0, 99);
    if (roll < 30) {
      o.k = op_kind::create;
      o.rows.push_back(random_rec(o.m));
    } else if (roll < 36) {
      o.k = op_kind::create_all;
      const int n = pick(2, 5);
      for (int i = 0; i < n; ++i) o.rows.push_back(random_rec(o.m));
    } else if (roll < 52) {
      o.k = op_kind::patch;
      o.id = key();
      o.ch = random_change(o.m);
    } else if (roll < 58) {
      o.k = op_kind::replace;
      o.id = key();
      o.rows.push_back(random_rec(o.m));
      if (pick(0, 2) != 0) o.rows[0].id = o.id;  // usually keep the key
    } else if (roll < 70) {
      o.k = op_kind::remove;
      o.id = key();
    } else if (roll < 75) {
      o.k = op_kind::remove_where;
      o.where = random_cond(o.m);
    } else if (roll < 80) {
      o.k = op_kind::update_where;
      o.where = random_cond(o.m);
      o.ch = random_change(o.m);
      if (o.ch.field == 0) o.ch.field = 3;  // multi-row key changes are not generated
    } else if (!has_parent(o.m)) {
      o.k = op_kind::create;
      o.rows.push_back(random_rec(o.m));
    } else if (roll < 90) {
      o.k = op_kind::c_create;
      o.id = key();
      o.rows.push_back(random_rec(o.m));
      const int p = pick(0, 3);
      o.rows[0].parent = p == 0 ? o.id : p == 1 ? 0 : o.rows[0].parent;  // same, unset, or (maybe) another
    } else if (roll < 95) {
      o.k = op_kind::c_patch;
      o.id = key();
      o.ch = random_change(o.m);
      if (o.ch.field == 0) o.ch.field = 3;
      if (pick(0, 1) == 0) o.where = random_cond(o.m);
    } else {
      o.k = op_kind::c_remove;
      o.id = key();
      if (pick(0, 1) == 0) o.where = random_cond(o.m);
    }
    return o;
  }

 private:
  int pick(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  std::int64_t key() { return pick(1, 12); }  // a small space: collisions and misses are common

  rec random_rec(model_id m) {
    rec r;
    r.id = key();
    if (has_parent(m)) r.parent = key();
    if (has_link(m) && pick(0, 2) != 0) r.link = key();
    r.score = pick(0, 9);
    return r;
  }
  change random_change(model_id m) {
    change c;
    const int f = pick(0, 9);
    c.field = f == 0 ? 0 : (f <= 3 && has_parent(m)) ? 1 : (f <= 5 && has_link(m)) ? 2 : 3;
    if (c.field == 2 && pick(0, 3) == 0) {
      c.v.reset();
    } else {
      c.v = c.field == 3 ? pick(0, 9) : key();
    }
    return c;
  }
  cond random_cond(model_id m) {
    cond c;
    const int k = pick(0, 5);
    c.k = static_cast<cond::kind>(k);
    if ((c.k == cond::parent_eq && !has_parent(m)) ||
        ((c.k == cond::link_null || c.k == cond::link_not) && !has_link(m))) {
      c.k = cond::score_gt;
    }
    c.a = c.k == cond::score_gt || c.k == cond::score_lt ? pick(0, 9) : key();
    c.b = key();
    return c;
  }

  std::mt19937_64 rng_;
  bool in_tx_ = false;
  int left_ = 0;
  int savepoints_ = 0;
};

}  // namespace differential
