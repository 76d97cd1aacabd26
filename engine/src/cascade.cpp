// Deletes, their cascade closure and on-delete policies.
#include "relstore/detail/cascade.hpp"

#include <algorithm>
#include <cstdint>

#include "relstore/detail/errors.hpp"

namespace relstore::detail {
namespace {

// A set of entity addresses: a linear search while small (a typical
// cascade takes a handful of children), open addressing beyond. Allocates
// only when it grows; no node per element.
class pointer_set {
 public:
  bool contains(const void* e) const {
    if (slots_.empty()) return std::find(small_.begin(), small_.end(), e) != small_.end();
    for (std::size_t i = slot_of(e);; i = (i + 1) & (slots_.size() - 1)) {
      if (slots_[i] == e) return true;
      if (slots_[i] == nullptr) return false;
    }
  }
  void reserve(std::size_t n) {
    if (n <= linear) {
      if (n > small_.capacity()) small_.reserve(std::min(linear + 1, std::max(n, 2 * small_.capacity())));
    } else if (2 * n > slots_.size()) {
      std::size_t capacity = 64;
      while (capacity < 2 * n) capacity *= 2;
      rehash(capacity);
    }
  }
  // REQUIRES: !contains(e), e != nullptr.
  void insert(const void* e) {
    if (slots_.empty()) {
      small_.push_back(e);
      if (small_.size() > linear) rehash(64);
      return;
    }
    if (2 * (size_ + 1) > slots_.size()) rehash(2 * slots_.size());
    place(e);
  }

 private:
  static constexpr std::size_t linear = 16;
  std::size_t slot_of(const void* e) const {
    auto h = static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(e));
    h *= 0x9E3779B97F4A7C15ull;  // Fibonacci hashing: the high bits mix
    return static_cast<std::size_t>(h >> 32) & (slots_.size() - 1);
  }
  void place(const void* e) {
    std::size_t i = slot_of(e);
    while (slots_[i] != nullptr) i = (i + 1) & (slots_.size() - 1);
    slots_[i] = e;
    ++size_;
  }
  void rehash(std::size_t capacity) {
    std::vector<const void*> old = std::move(slots_);
    slots_.assign(capacity, nullptr);
    size_ = 0;
    for (const void* e : old.empty() ? small_ : old) {
      if (e != nullptr) place(e);
    }
    small_.clear();
  }
  std::vector<const void*> small_;
  std::vector<const void*> slots_;  // a power of two, at most half full
  std::size_t size_ = 0;
};

// Room for `more` elements in v, growing geometrically (a deep chain adds
// one at a time).
template <class T>
void make_room(std::vector<T>& v, std::size_t more) {
  const std::size_t need = v.size() + more;
  if (need > v.capacity()) v.reserve(std::max(need, 2 * v.capacity()));
}

struct doomed_set {
  std::vector<const void*> list;
  std::vector<change_reason> why;
  pointer_set set;
  std::size_t done = 0;

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
            cd.make_room_for(found.size());
            for (const void* c : found) cd.add(c, {change_cause::cascade, r});
          }
        }
      }
    }
  };
  delete_plan plan;
  doomed[model].make_room_for(roots.size());
  for (const void* e : roots) {
    if (!doomed[model].add(e, {})) continue;
    ++plan.roots;
    close();
  }
  // Judges the end state relation by relation, in declaration order.
  for (const auto& r : reg.relations()) {
    if (!is_parent_side(r.kind) || r.policy == on_delete::cascade) continue;
    const table_base& parents = *tables[r.parent];
    const table_base& children = *tables[r.child];
    const doomed_set& cd = doomed[r.child];
    std::vector<const void*> nulls;
    for (const void* p : doomed[r.parent].list) {
      std::size_t survivors = 0;
      found.clear();
      children.append_equal(r.child_key, parents.info().fields[r.parent_key].get(p), found);
      for (const void* c : found) {
        if (cd.set.contains(c)) continue;
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
                            const std::vector<const void*>& roots) {
  delete_report out;
  auto plan = plan_delete(reg, tables, model, roots);
  if (!plan) {
    out.rejected = std::move(plan).error();
    return out;
  }
  out.count = plan->roots;
  for (const auto& [r, children] : plan->nulls) {
    const table_base& t = *tables[r->child];
    auto& s = step_for(out, t.info(), {change_cause::set_null, r});
    for (const void* c : children) s.keys.push_back(key_of(t, c));
  }
  for (std::size_t m = 0; m < plan->doomed.size(); ++m) {
    const table_base& t = *tables[m];
    for (std::size_t i = 0; i < plan->doomed[m].size(); ++i) {
      step_for(out, t.info(), plan->reasons[m][i]).keys.push_back(key_of(t, plan->doomed[m][i]));
    }
  }
  return out;
}

}  // namespace relstore::detail
