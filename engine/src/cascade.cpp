// Deletes, their cascade closure and on-delete policies.
#include "relstore/detail/cascade.hpp"

#include <unordered_set>

#include "relstore/detail/errors.hpp"

namespace relstore::detail {
namespace {

struct doomed_set {
  std::vector<const void*> list;
  std::vector<change_reason> why;
  std::unordered_set<const void*> set;
  std::size_t done = 0;

  bool add(const void* e, change_reason reason) {
    if (!set.insert(e).second) return false;
    list.push_back(e);
    why.push_back(reason);
    return true;
  }
};

}  // namespace

result<delete_plan> plan_delete(const registry& reg, const table_base* const* tables, std::size_t model,
                                const std::vector<const void*>& roots) {
  const std::size_t n = reg.model_count();
  std::vector<doomed_set> doomed(n);
  std::vector<const void*> found;
  // Adds cascade children until nothing changes. Iterative: no recursion.
  auto close = [&] {
    for (bool progress = true; progress;) {
      progress = false;
      for (std::size_t m = 0; m < n; ++m) {
        doomed_set& d = doomed[m];
        while (d.done < d.list.size()) {
          const void* e = d.list[d.done++];
          progress = true;
          for (const std::size_t ri : reg.has_many_from(m)) {
            const relation_info* r = &reg.relations()[ri];
            if (r->policy != on_delete::cascade) continue;
            const value_view key = tables[m]->info().fields[r->parent_key].get(e);
            doomed_set& cd = doomed[r->child];
            found.clear();
            tables[r->child]->append_equal(r->child_key, key, found);
            for (const void* c : found) cd.add(c, {change_cause::cascade, r});
          }
        }
      }
    }
  };
  delete_plan plan;
  for (const void* e : roots) {
    if (!doomed[model].add(e, {})) continue;
    ++plan.roots;
    close();
  }
  // Judges the end state relation by relation, in declaration order.
  for (const auto& r : reg.relations()) {
    if (r.kind != relation_kind::has_many || r.policy == on_delete::cascade) continue;
    const table_base& parents = *tables[r.parent];
    const table_base& children = *tables[r.child];
    const doomed_set& cd = doomed[r.child];
    std::vector<const void*> nulls;
    for (const void* p : doomed[r.parent].list) {
      std::size_t survivors = 0;
      found.clear();
      children.append_equal(r.child_key, parents.info().fields[r.parent_key].get(p), found);
      for (const void* c : found) {
        if (cd.set.count(c) != 0) continue;
        ++survivors;
        if (r.policy == on_delete::set_null) nulls.push_back(c);
      }
      if (r.policy == on_delete::restrict && survivors > 0) {
        return delete_restricted(reg, r, parents.info().fields[parents.info().primary_key].get(p), survivors);
      }
    }
    if (!nulls.empty()) plan.nulls.emplace_back(&r, std::move(nulls));
  }
  plan.doomed.resize(n);
  plan.reasons.resize(n);
  for (std::size_t m = 0; m < n; ++m) {
    plan.doomed[m] = std::move(doomed[m].list);
    plan.reasons[m] = std::move(doomed[m].why);
  }
  return plan;
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
