// The relstore side of the differential test: applies an operation through
// the public API, judges the outcome, records observer events, and checks
// each delete against its own plan_delete.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <sstream>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "differential/operations.hpp"

namespace differential {

// ------------------------------------------------------------ relstore side

template <class M>
M to_model(const rec& r) {
  if constexpr (std::is_same_v<M, Region>) {
    return {.id = r.id, .score = r.score};
  } else if constexpr (std::is_same_v<M, Town>) {
    return {.id = r.id, .regionId = r.parent, .score = r.score};
  } else if constexpr (std::is_same_v<M, Citizen>) {
    return {.id = r.id, .townId = r.parent, .mentorId = r.link, .score = r.score};
  } else {
    return {.id = r.id, .townId = r.parent, .ownerId = r.link, .score = r.score};
  }
}

inline rec from_model(const Region& x) { return {x.id, 0, std::nullopt, x.score}; }
inline rec from_model(const Town& x) { return {x.id, x.regionId, std::nullopt, x.score}; }
inline rec from_model(const Citizen& x) { return {x.id, x.townId, x.mentorId, x.score}; }
inline rec from_model(const House& x) { return {x.id, x.townId, x.ownerId, x.score}; }

inline std::string where_json(model_id m, const cond& c) {
  const std::string p = parent_field[static_cast<int>(m)], l = link_field[static_cast<int>(m)];
  switch (c.k) {
    case cond::score_gt:
      return R"({"score":{"gt":)" + std::to_string(c.a) + "}}";
    case cond::score_lt:
      return R"({"score":{"lt":)" + std::to_string(c.a) + "}}";
    case cond::parent_eq:
      return "{\"" + p + "\":" + std::to_string(c.a) + "}";
    case cond::link_null:
      return "{\"" + l + "\":null}";
    case cond::link_not:
      return "{\"" + l + "\":{\"neq\":" + std::to_string(c.a) + "}}";
    default:
      return R"({"id":{"inq":[)" + std::to_string(c.a) + "," + std::to_string(c.b) + "]}}";
  }
}

inline std::string json_value(const std::optional<std::int64_t>& v) { return v ? std::to_string(*v) : "null"; }

inline std::string patch_json(model_id m, const change& c) {
  static const char* fields[] = {"id", "", "", "score"};
  const std::string f = c.field == 1   ? parent_field[static_cast<int>(m)]
                        : c.field == 2 ? link_field[static_cast<int>(m)]
                                       : fields[c.field];
  return "{\"" + f + "\":" + json_value(c.v) + "}";
}

inline outcome judge(const relstore::error& e) {
  outcome o;
  o.detail = e.message();
  switch (e.code) {
    case errc::already_exists:
      o.v = verdict::duplicate;
      break;
    case errc::foreign_key_violation:
    case errc::restrict_violation:
      o.v = verdict::foreign_key;
      break;
    case errc::not_found:
      o.v = verdict::not_found;
      break;
    case errc::constraint_violation:
      o.v = verdict::constraint;
      break;
    default:
      o.v = verdict::other;
  }
  return o;
}

template <class R>
outcome judge_result(const R& r) {
  if (!r) return judge(r.error());
  return {};
}

template <class R>
outcome judge_count(const R& r) {
  if (!r) return judge(r.error());
  outcome o;
  o.count = static_cast<std::int64_t>(*r);
  return o;
}

class relstore_side {
 public:
  relstore_side() {
    subs_.push_back(watch<Region>("Region"));
    subs_.push_back(watch<Town>("Town"));
    subs_.push_back(watch<Citizen>("Citizen"));
    subs_.push_back(watch<House>("House"));
  }

  bool in_transaction() const { return tx_.has_value() && tx_->open(); }
  bool deferred() const { return in_transaction() && deferred_; }
  std::size_t savepoints() const { return savepoints_.size(); }

  // Events delivered since the last call.
  std::vector<change_event> take_events() {
    causes_.clear();
    return std::exchange(events_, {});
  }
  // How the last delete disagreed with its own plan_delete, if it did.
  std::string plan_problem() { return std::exchange(plan_problem_, {}); }

  outcome apply(const op& o) {
    if (is_tx(o.k)) return transact(o);
    switch (o.m) {
      case model_id::region:
        return run<Region>(o);
      case model_id::town:
        return run<Town>(o);
      case model_id::citizen:
        return run<Citizen>(o);
      default:
        return run<House>(o);
    }
  }

  template <class M>
  std::vector<rec> rows() {
    std::vector<rec> out;
    db.for_each<M>([&](const M& x) { out.push_back(from_model(x)); });
    return out;
  }

  // Every foreign key names an existing parent or is null.
  std::string dangling() {
    std::string out;
    auto need = [&](bool ok, const std::string& what) {
      if (!ok && out.empty()) out = what;
    };
    db.for_each<Town>(
        [&](const Town& t) { need(db.repo<Region>().exists(t.regionId), "Town " + std::to_string(t.id)); });
    db.for_each<Citizen>([&](const Citizen& c) {
      need(db.repo<Town>().exists(c.townId), "Citizen " + std::to_string(c.id) + " town");
      need(!c.mentorId || db.repo<Citizen>().exists(*c.mentorId), "Citizen " + std::to_string(c.id) + " mentor");
    });
    db.for_each<House>([&](const House& h) {
      need(db.repo<Town>().exists(h.townId), "House " + std::to_string(h.id) + " town");
      need(!h.ownerId || db.repo<Citizen>().exists(*h.ownerId), "House " + std::to_string(h.id) + " owner");
    });
    return out;
  }

  store db;

 private:
  template <class M>
  relstore::subscription watch(const char* table) {
    return db.on<M>([this, table](const relstore::event<M>& e) {
      const M& m = e.after != nullptr ? *e.after : *e.before;
      events_.push_back({table, std::string(to_string(e.kind)), m.id});
      causes_.push_back({table, e.cause, e.relation != nullptr ? e.relation->name : "", m.id});
    });
  }

  // An event with its cause, grouped as a delete_report groups its steps.
  struct caused {
    std::string table;
    relstore::change_cause cause;
    std::string relation;
    std::int64_t id;
  };
  using grouped = std::vector<std::tuple<std::string, relstore::change_cause, std::string, std::vector<std::int64_t>>>;
  static void add(grouped& g, const std::string& table, relstore::change_cause cause, const std::string& relation,
                  std::int64_t id) {
    for (auto& [t, c, r, ids] : g) {
      if (t == table && c == cause && r == relation) {
        ids.push_back(id);
        return;
      }
    }
    g.emplace_back(table, cause, relation, std::vector<std::int64_t>{id});
  }

  // Runs a delete after planning it. Outside a transaction (inside, events
  // wait for the commit) the plan must equal what the delete then did: its
  // error, its count, and its events row for row and in order.
  template <class Plan, class Delete>
  outcome planned(Plan&& plan, Delete&& del, bool counted) {
    const auto p = plan();
    const std::size_t seen = causes_.size();
    const outcome o = del();
    if (in_transaction()) return o;
    auto mismatch = [&](const std::string& what) {
      if (plan_problem_.empty()) plan_problem_ = "plan_delete disagrees with the delete: " + what;
    };
    if (!p) {
      if (o.v == verdict::accepted || p.error().message() != o.detail) mismatch("plan error " + p.error().message());
      return o;
    }
    if (p->rejected) {
      if (o.v == verdict::accepted || p->rejected->message() != o.detail)
        mismatch("plan rejected: " + p->rejected->message());
      if (causes_.size() != seen) mismatch("a rejected delete delivered events");
      return o;
    }
    if (o.v != verdict::accepted) return mismatch("the plan succeeded, the delete failed: " + o.detail), o;
    if (counted && static_cast<std::int64_t>(p->count) != o.count) mismatch("count " + std::to_string(p->count));
    grouped want, got;
    for (const auto& st : p->steps) {
      for (const auto& k : st.keys) {
        add(want, st.model, st.cause, st.relation ? st.relation->name : "", std::get<std::int64_t>(k));
      }
    }
    for (std::size_t i = seen; i < causes_.size(); ++i) {
      add(got, causes_[i].table, causes_[i].cause, causes_[i].relation, causes_[i].id);
    }
    if (want != got) mismatch("planned rows differ from the rows the delete removed or nulled");
    return o;
  }

  // Operations out of place (left by shrinking) are no-ops on both sides.
  outcome transact(const op& o) {
    switch (o.k) {
      case op_kind::tx_begin:
        if (in_transaction()) return {};
        deferred_ = o.id != 0;
        tx_.emplace(db.begin({.deferred_foreign_keys = deferred_}));
        return {};
      case op_kind::tx_savepoint:
        if (in_transaction()) savepoints_.push_back(tx_->savepoint());
        return {};
      case op_kind::tx_rollback_to:
        if (static_cast<std::size_t>(o.id) < savepoints_.size()) {
          savepoints_[static_cast<std::size_t>(o.id)].rollback();
          while (savepoints_.size() > static_cast<std::size_t>(o.id) + 1) savepoints_.pop_back();
        }
        return {};
      case op_kind::tx_release:
        if (static_cast<std::size_t>(o.id) < savepoints_.size()) {
          savepoints_[static_cast<std::size_t>(o.id)].release();
          while (savepoints_.size() > static_cast<std::size_t>(o.id)) savepoints_.pop_back();
        }
        return {};
      case op_kind::tx_commit: {
        if (!in_transaction()) return {};
        auto r = tx_->commit();
        savepoints_.clear();
        tx_.reset();
        return judge_result(r);
      }
      default:
        if (!in_transaction()) return {};
        tx_->rollback();
        savepoints_.clear();
        tx_.reset();
        return {};
    }
  }

  std::optional<relstore::transaction<schema>> tx_;
  std::vector<relstore::savepoint<schema>> savepoints_;
  bool deferred_ = false;
  std::vector<change_event> events_;
  std::vector<caused> causes_;
  std::string plan_problem_;
  std::vector<relstore::subscription> subs_;

  template <class M>
  outcome run(const op& o) {
    auto repo = db.repo<M>();
    switch (o.k) {
      case op_kind::create:
        return judge_result(repo.create(to_model<M>(o.rows[0])));
      case op_kind::create_all: {
        std::vector<M> batch;
        for (const auto& r : o.rows) batch.push_back(to_model<M>(r));
        return judge_result(repo.create_all(std::move(batch)));
      }
      case op_kind::patch: {
        auto p = repo.parse_patch(patch_json(o.m, o.ch));
        if (!p) return judge(p.error());
        return judge_result(repo.update_by_id(o.id, *p));
      }
      case op_kind::replace:
        return judge_result(repo.replace_by_id(o.id, to_model<M>(o.rows[0])));
      case op_kind::remove:
        return planned([&] { return repo.plan_delete(o.id); }, [&] { return judge_result(repo.delete_by_id(o.id)); },
                       false);
      case op_kind::remove_where: {
        const std::string w = where_json(o.m, *o.where);
        return planned([&] { return repo.plan_delete_all(w); }, [&] { return judge_count(repo.delete_all(w)); }, true);
      }
      case op_kind::update_where: {
        auto p = repo.parse_patch(patch_json(o.m, o.ch));
        auto w = repo.parse_where(where_json(o.m, *o.where));
        if (!p || !w) return outcome{verdict::other, -1, "parse"};
        return judge_count(repo.update_all(*p, *w));
      }
      default:
        return constrained<M>(o);
    }
  }

  template <class M>
  outcome constrained(const op& o) {
    if constexpr (std::is_same_v<M, Region>) {
      return outcome{verdict::other, -1, "no parent"};
    } else {
      auto rel = [&] {
        if constexpr (std::is_same_v<M, Town>) {
          return db.repo<Region>().template related<"towns">(o.id);
        } else if constexpr (std::is_same_v<M, Citizen>) {
          return db.repo<Town>().template related<"citizens">(o.id);
        } else {
          return db.repo<Town>().template related<"houses">(o.id);
        }
      }();
      auto repo = db.repo<M>();
      const relstore::where<M> all{};
      switch (o.k) {
        case op_kind::c_create:
          return judge_result(rel.create(to_model<M>(o.rows[0])));
        case op_kind::c_patch: {
          auto p = repo.parse_patch(patch_json(o.m, o.ch));
          if (!p) return judge(p.error());
          if (!o.where) return judge_count(rel.patch(*p));
          return judge_count(rel.patch(*p, repo.parse_where(where_json(o.m, *o.where)).value()));
        }
        default: {
          const std::string w = o.where ? where_json(o.m, *o.where) : "{}";
          return planned([&] { return rel.plan_delete_all(w); }, [&] { return judge_count(rel.delete_all(w)); }, true);
        }
      }
    }
  }
};

}  // namespace differential
