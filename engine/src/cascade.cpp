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

// Whether deleting a parent of r deletes its children with it.
bool cascades(const relation_info& r) { return is_parent_side(r.kind) && r.policy == on_delete::cascade; }

// Model m's share of a plan being built. An entity can reach doomed[m] twice
// only from two sources (the roots and a cascade, or two cascades): a
// cascade's families are disjoint (each child has one parent) and its
// parents distinct. So the set is kept only where m has two sources.
struct doomed_ref {
  std::vector<const void*>& list;
  std::vector<change_reason>& why;
  pointer_set& set;
  bool tracked;

  // Room for `more` adds: one allocation per family instead of one per
  // doubling of each vector.
  void make_room_for(std::size_t more) {
    make_room(list, more);
    make_room(why, more);
    if (tracked) set.reserve(list.size() + more);
  }
  bool add(const void* e, change_reason reason) {
    if (tracked) {
      if (set.contains(e)) return false;
      set.insert(e);
    }
    list.push_back(e);
    why.push_back(reason);
    return true;
  }
};

// Whether a cascade that starts at `model` can come back to it (a tree of
// one model, a cycle of models): then one root's cascade may take another.
bool cascades_back(const registry& reg, std::size_t model, delete_plan& plan) {
  std::vector<std::size_t>& todo = plan.to_visit;
  plan.reached.assign(reg.model_count(), 0);
  todo.assign(1, model);
  while (!todo.empty()) {
    const std::size_t m = todo.back();
    todo.pop_back();
    for (const std::size_t ri : reg.has_many_from(m)) {
      const relation_info& r = reg.relations()[ri];
      if (!cascades(r)) continue;
      if (r.child == model) return true;
      if (!plan.reached[r.child]) {
        plan.reached[r.child] = 1;
        todo.push_back(r.child);
      }
    }
  }
  return false;
}

// Calls fn(i, family) for i in [from, to) until it returns false: family
// holds the entities of `children` whose `child_key` equals parents[i]'s
// `parent_key`, in index order. The families of up to 256 parents are
// walked together (family_walk.hpp). parents is read by index before each
// batch's calls: fn may append to it.
template <class Fn>
void for_each_family(const table_base& children, std::size_t child_key, const field_info& parent_key,
                     const std::vector<const void*>& parents, std::size_t from, std::size_t to, delete_plan& plan,
                     Fn&& fn) {
  if (to - from == 1) {
    plan.found.clear();
    children.append_equal(child_key, parent_key.get(parents[from]), plan.found);
    fn(from, std::span<const void* const>(plan.found));
    return;
  }
  constexpr std::size_t batch = 256;
  for (std::size_t at = from; at < to; at += batch) {
    const std::size_t count = std::min(batch, to - at);
    plan.keys.clear();
    for (std::size_t i = at; i < at + count; ++i) plan.keys.push_back(parent_key.get(parents[i]));
    if (plan.lists.size() < count) plan.lists.resize(count);
    children.append_equal_each(child_key, plan.keys,
                               [&](std::size_t i) -> std::vector<const void*>& { return plan.lists[i]; });
    bool more = true;
    for (std::size_t i = 0; i < count; ++i) {
      if (more) more = fn(at + i, std::span<const void* const>(plan.lists[i]));
      plan.lists[i].clear();
    }
    if (!more) return;
  }
}

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
  tracked.assign(models, 0);
  done.assign(models, 0);
  for (std::size_t m = 0; m < models; ++m) {
    clear_keeping(doomed[m], keep);
    clear_keeping(reasons[m], keep);
    seen[m].clear();
  }
  nulls.clear();
  clear_keeping(found, keep);
  keys.clear();
  std::size_t listed = 0;  // the batch lists' capacity, kept up to `keep` in all
  for (const auto& l : lists) listed += l.capacity();
  if (listed > keep) lists = {};
  for (auto& l : lists) l.clear();
  roots = 0;
}

result<void> plan_delete(const registry& reg, const table_base* const* tables, std::size_t model,
                         std::span<const void* const> roots, delete_plan& plan) {
  check_distinct_roots(roots);
  const std::size_t n = reg.model_count();
  plan.reset(n);
  {
    std::vector<unsigned char>& sources = plan.tracked;  // counted, then kept as 0 or 1
    sources[model] = 1;
    for (const auto& r : reg.relations()) {
      if (cascades(r)) ++sources[r.child];
    }
    for (auto& s : sources) s = s >= 2 ? 1 : 0;
  }
  // Only a model with a cascade into it can be reached from itself.
  const bool one_root_at_a_time = plan.tracked[model] && cascades_back(reg, model, plan);
  auto doomed = [&](std::size_t m) {
    return doomed_ref{plan.doomed[m], plan.reasons[m], plan.seen[m], plan.tracked[m] != 0};
  };
  // Adds the cascade children of doomed[m][from, to), in that order, each
  // entity's in index order.
  auto add_children = [&](std::size_t m, std::size_t from, std::size_t to) {
    for (const std::size_t ri : reg.has_many_from(m)) {
      const relation_info* r = &reg.relations()[ri];
      if (!cascades(*r)) continue;
      doomed_ref cd = doomed(r->child);
      for_each_family(*tables[r->child], r->child_key, tables[m]->info().fields[r->parent_key], plan.doomed[m], from,
                      to, plan, [&](std::size_t, std::span<const void* const> family) {
                        cd.make_room_for(family.size());
                        for (const void* c : family) cd.add(c, {change_cause::cascade, r});
                        return true;
                      });
    }
  };
  // Adds cascade children until nothing changes. Iterative: no recursion.
  // Level by level (breadth-first): a round takes what the rounds before it
  // added, every model's in declaration order, and adds the next level.
  auto close = [&] {
    std::vector<std::size_t>& level_end = plan.level_end;
    for (bool progress = true; progress;) {
      progress = false;
      level_end.clear();
      for (std::size_t m = 0; m < n; ++m) level_end.push_back(plan.doomed[m].size());
      for (std::size_t m = 0; m < n; ++m) {
        if (plan.done[m] == level_end[m]) continue;
        const std::size_t from = plan.done[m];
        plan.done[m] = level_end[m];
        progress = true;
        add_children(m, from, level_end[m]);
      }
    }
  };
  doomed(model).make_room_for(roots.size());
  if (one_root_at_a_time) {  // a root an earlier root's cascade took is not counted
    for (const void* e : roots) {
      if (!doomed(model).add(e, {})) continue;
      ++plan.roots;
      close();
    }
  } else {  // no cascade reaches `model`: the roots' families are walked together
    for (const void* e : roots) plan.roots += doomed(model).add(e, {}) ? 1 : 0;
    close();
  }
  // Judges the end state relation by relation, in declaration order.
  for (const auto& r : reg.relations()) {
    if (!is_parent_side(r.kind) || cascades(r)) continue;
    const table_base& parents = *tables[r.parent];
    const table_base& children = *tables[r.child];
    if (plan.doomed[r.parent].empty()) continue;
    if (!plan.tracked[r.child]) {  // the set of doomed children, built now
      pointer_set& set = plan.seen[r.child];
      set.reserve(plan.doomed[r.child].size());
      for (const void* c : plan.doomed[r.child]) set.insert(c);
      plan.tracked[r.child] = 1;
    }
    const pointer_set& doomed_children = plan.seen[r.child];
    const std::vector<const void*>& doomed_parents = plan.doomed[r.parent];
    std::vector<const void*> nulls;
    const void* refused = nullptr;  // the first parent a restrict keeps, with its survivors
    std::size_t refused_survivors = 0;
    for_each_family(children, r.child_key, parents.info().fields[r.parent_key], doomed_parents, 0,
                    doomed_parents.size(), plan, [&](std::size_t i, std::span<const void* const> family) {
                      std::size_t survivors = 0;
                      for (const void* c : family) {
                        if (doomed_children.contains(c)) continue;
                        ++survivors;
                        if (r.policy == on_delete::set_null) nulls.push_back(c);
                      }
                      if (r.policy != on_delete::restrict || survivors == 0) return true;
                      refused = doomed_parents[i];
                      refused_survivors = survivors;
                      return false;
                    });
    if (refused != nullptr) {
      return delete_restricted(reg, r, parents.info().fields[parents.info().primary_key].get(refused),
                               refused_survivors);
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
