// Deletes, their cascade closure and on-delete policies.
#include "relstore/detail/cascade.hpp"

#include <algorithm>
#include <cstdint>

#include "relstore/detail/errors.hpp"

namespace relstore::detail {
namespace {

// Room for `more` elements in v, growing geometrically (a deep chain adds
// one at a time).
template <class T>
void make_room(std::vector<T>& v, std::size_t more) {
  const std::size_t need = v.size() + more;
  if (need > v.capacity()) v.reserve(std::max(need, 2 * v.capacity()));
}

// Model m's share of a plan being built.
struct doomed_ref {
  std::vector<const void*>& list;
  std::vector<change_reason>& why;
  pointer_set& set;

  // Room for `more` adds: one allocation per family instead of one per
  // doubling of each vector.
  void make_room_for(std::size_t more) {
    make_room(list, more);
    make_room(why, more);
    set.reserve(list.size() + more);
  }
  bool add(const void* e, change_reason reason) {
    if (set.contains(e)) return false;
    set.insert(e);
    list.push_back(e);
    why.push_back(reason);
    return true;
  }
};

template <class T>
void clear_keeping(std::vector<T>& v, std::size_t keep) {
  if (v.capacity() > keep) v = {};
  v.clear();
}

}  // namespace

void delete_plan::reset(std::size_t models, std::size_t keep) {
  doomed.resize(models);
  reasons.resize(models);
  seen.resize(models);
  done.assign(models, 0);
  for (std::size_t m = 0; m < models; ++m) {
    clear_keeping(doomed[m], keep);
    clear_keeping(reasons[m], keep);
    seen[m].clear();
  }
  nulls.clear();
  clear_keeping(found, keep);
  roots = 0;
}

result<void> plan_delete(const registry& reg, const table_base* const* tables, std::size_t model,
                         std::span<const void* const> roots, delete_plan& plan) {
  const std::size_t n = reg.model_count();
  plan.reset(n);
  auto doomed = [&](std::size_t m) { return doomed_ref{plan.doomed[m], plan.reasons[m], plan.seen[m]}; };
  std::vector<const void*>& found = plan.found;
  // Adds cascade children until nothing changes. Iterative: no recursion.
  auto close = [&] {
    for (bool progress = true; progress;) {
      progress = false;
      for (std::size_t m = 0; m < n; ++m) {
        while (plan.done[m] < plan.doomed[m].size()) {
          const void* e = plan.doomed[m][plan.done[m]++];
          progress = true;
          for (const std::size_t ri : reg.has_many_from(m)) {
            const relation_info* r = &reg.relations()[ri];
            if (r->policy != on_delete::cascade) continue;
            const value_view key = tables[m]->info().fields[r->parent_key].get(e);
            doomed_ref cd = doomed(r->child);
            found.clear();
            tables[r->child]->append_equal(r->child_key, key, found);
            cd.make_room_for(found.size());
            for (const void* c : found) cd.add(c, {change_cause::cascade, r});
          }
        }
      }
    }
  };
  doomed(model).make_room_for(roots.size());
  for (const void* e : roots) {
    if (!doomed(model).add(e, {})) continue;
    ++plan.roots;
    close();
  }
  // Judges the end state relation by relation, in declaration order.
  for (const auto& r : reg.relations()) {
    if (!is_parent_side(r.kind) || r.policy == on_delete::cascade) continue;
    const table_base& parents = *tables[r.parent];
    const table_base& children = *tables[r.child];
    const pointer_set& doomed_children = plan.seen[r.child];
    std::vector<const void*> nulls;
    for (const void* p : plan.doomed[r.parent]) {
      std::size_t survivors = 0;
      found.clear();
      children.append_equal(r.child_key, parents.info().fields[r.parent_key].get(p), found);
      for (const void* c : found) {
        if (doomed_children.contains(c)) continue;
        ++survivors;
        if (r.policy == on_delete::set_null) nulls.push_back(c);
      }
      if (r.policy == on_delete::restrict && survivors > 0) {
        return delete_restricted(reg, r, parents.info().fields[parents.info().primary_key].get(p), survivors);
      }
    }
    if (!nulls.empty()) plan.nulls.emplace_back(&r, std::move(nulls));
  }
  return {};
}

void apply_delete(table_base* const* tables, const delete_plan& plan) {
  for (const auto& [r, children] : plan.nulls) {
    tables[r->child]->set_null(children, r->child_key, {change_cause::set_null, r});
  }
  for (std::size_t m = 0; m < plan.doomed.size(); ++m) {
    if (!plan.doomed[m].empty()) tables[m]->erase(plan.doomed[m], &plan.reasons[m]);
  }
}

}  // namespace relstore::detail

namespace relstore::detail {
namespace {

value key_of(const table_base& t, const void* e) {
  const model_info& info = t.info();
  return to_value(info.fields[info.primary_key].get(e));
}

// The step for (model, cause, relation), appended on first use.
delete_step& step_for(delete_report& out, const model_info& model, const change_reason& why) {
  for (auto& s : out.steps) {
    if (s.model == model.name && s.cause == why.cause && s.relation == why.relation) return s;
  }
  return out.steps.emplace_back(delete_step{model.name, why.cause, why.relation, {}});
}

}  // namespace

delete_report report_delete(const registry& reg, const table_base* const* tables, std::size_t model,
                            std::span<const void* const> roots) {
  delete_report out;
  delete_plan plan;
  if (auto r = plan_delete(reg, tables, model, roots, plan); !r) {
    out.rejected = std::move(r).error();
    return out;
  }
  out.count = plan.roots;
  for (const auto& [r, children] : plan.nulls) {
    const table_base& t = *tables[r->child];
    auto& s = step_for(out, t.info(), {change_cause::set_null, r});
    for (const void* c : children) s.keys.push_back(key_of(t, c));
  }
  for (std::size_t m = 0; m < plan.doomed.size(); ++m) {
    const table_base& t = *tables[m];
    for (std::size_t i = 0; i < plan.doomed[m].size(); ++i) {
      step_for(out, t.info(), plan.reasons[m][i]).keys.push_back(key_of(t, plan.doomed[m][i]));
    }
  }
  return out;
}

}  // namespace relstore::detail
