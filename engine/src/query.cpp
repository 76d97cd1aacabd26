// The query pipeline: validation, access choice, where, order and paging.
#include "relstore/detail/query.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "relstore/detail/key_batch.hpp"
#include "relstore/detail/value_ops.hpp"
#include "relstore/detail/where.hpp"

namespace relstore::detail {

namespace {

std::size_t terms_of(const where_node& n) {
  std::size_t t = 1 + n.operands.size();
  for (const auto& c : n.children) t += terms_of(c);
  return t;
}

error too_much(const std::string& what, std::size_t limit, const char* name) {
  return make_error(errc::limit_exceeded, what + " exceeds limits::" + name + " (" + std::to_string(limit) + ")");
}

error too_many_terms(const limits& bounds) {
  return too_much("a filter of more than " + std::to_string(bounds.max_filter_terms) + " terms",
                  bounds.max_filter_terms, "max_filter_terms");
}

result<void> validate_level(const registry& reg, std::size_t model, const filter_spec& spec, const limits& bounds,
                            std::size_t depth, std::size_t& terms) {
  const model_info& info = reg.model(model);
  if (spec.model != nullptr && spec.model != &info && spec.model->name != info.name) {
    return make_error(errc::invalid_filter, "filter for model " + spec.model->name + " used on " + info.name);
  }
  terms += (spec.where ? terms_of(*spec.where) : 0) + spec.order.size() + spec.include.size() + (spec.fields ? 1 : 0);
  if (terms > bounds.max_filter_terms) return too_many_terms(bounds);
  if (spec.where) {
    if (auto r = validate_where(info, *spec.where); !r) return r;
  }
  std::uint64_t ordered = 0;
  for (const auto& o : spec.order) {
    if (o.field >= info.fields.size()) return make_error(errc::invalid_filter, "order names no field of " + info.name);
    const std::uint64_t bit = std::uint64_t{1} << o.field;
    if (ordered & bit) {
      return make_error(errc::invalid_filter, info.name + ": order names " + info.fields[o.field].name + " twice");
    }
    ordered |= bit;
    if (info.fields[o.field].type == field_type::array) {
      return make_error(errc::invalid_filter,
                        info.name + ": order by " + info.fields[o.field].name + ": an array field has no order");
    }
  }
  if (spec.limit && *spec.limit < 0) {
    return make_error(errc::invalid_filter,
                      info.name + ": limit must not be negative, got " + std::to_string(*spec.limit));
  }
  if (spec.skip < 0) {
    return make_error(errc::invalid_filter,
                      info.name + ": skip must not be negative, got " + std::to_string(spec.skip));
  }
  if (spec.total_limit && *spec.total_limit < 0) {
    return make_error(errc::invalid_filter,
                      info.name + ": totalLimit must not be negative, got " + std::to_string(*spec.total_limit));
  }
  if (!spec.include.empty() && depth + 1 > bounds.max_include_depth) {
    return too_much("include depth " + std::to_string(depth + 1), bounds.max_include_depth, "max_include_depth");
  }
  for (std::size_t i = 0; i < spec.include.size(); ++i) {
    const include_spec& inc = spec.include[i];
    const relation_info* rel = reg.find_relation(model, inc.relation);
    if (rel == nullptr) {
      return make_error(errc::invalid_filter, "Invalid \"filter.include\" entries: \"" + inc.relation +
                                                  "\" is not a relation of model " + info.name);
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (spec.include[j].relation == inc.relation) {
        return make_error(errc::invalid_filter, "Invalid \"filter.include\" entries: \"" + inc.relation +
                                                    "\" is included twice in one filter of " + info.name);
      }
    }
    const std::size_t target = target_of(*rel);
    if (inc.scope.total_limit && rel->kind != relation_kind::has_many) {
      return make_error(errc::invalid_filter,
                        "Invalid \"filter.include\" entries: totalLimit applies to a hasMany "
                        "include; \"" +
                            inc.relation + "\" of " + info.name + " brings one row per " + info.name);
    }
    if (auto r = validate_level(reg, target, inc.scope, bounds, depth + 1, terms); !r) return r;
  }
  return {};
}

}  // namespace

result<void> validate_where(const model_info& model, const where_node& node, const limits& bounds) {
  if (terms_of(node) > bounds.max_filter_terms) return too_many_terms(bounds);
  return validate_where(model, node);
}

std::uint64_t next_validation_stamp() noexcept {
  static std::atomic<std::uint64_t> last{0};
  return last.fetch_add(1, std::memory_order_relaxed) + 1;
}

result<void> validate_filter(const registry& reg, std::size_t model, const filter_spec& spec, const limits& bounds) {
  if (spec.total_limit) {
    return make_error(errc::invalid_filter,
                      reg.model(model).name + ": totalLimit belongs in a hasMany include's scope; use limit here");
  }
  std::size_t terms = 0;
  return validate_level(reg, model, spec, bounds, 0, terms);
}

namespace {

// The conjunct of `w` best served by an index of `t`, or null for a scan.
const where_node* choose_access(const table_base& t, const where_node* w) {
  if (w == nullptr) return nullptr;
  const std::size_t pk = t.info().primary_key;
  const where_node* best = nullptr;
  int best_rank = 100;
  auto rank_of = [&](const where_node& n) -> int {
    const index_kind kind = t.index_on(n.field);
    if (kind == index_kind::none) return 100;
    switch (n.kind) {
      case op::eq:
        return n.field == pk ? 0 : kind == index_kind::unique ? 1 : 2;
      case op::inq:
        return 3;
      default:
        return 100;  // a hashed index answers only equality
    }
  };
  auto consider = [&](const where_node& n) {
    if (n.kind == op::and_ || n.kind == op::or_) return;
    const int r = rank_of(n);
    if (r < best_rank) {
      best_rank = r;
      best = &n;
    }
  };
  if (w->kind == op::and_) {
    for (const auto& c : w->children) consider(c);
  } else {
    consider(*w);
  }
  return best;
}

// Whether an equality walk of an index on `f` meets exactly the entities
// an eq or inq on f accepts: keys compared as they are stored (integers,
// enums, booleans, strings). Not for floating point, where -0.0 and NaN
// make the two differ, nor arrays.
bool index_decides(const field_info& f) {
  return f.type != field_type::float64 && f.type != field_type::float32 && f.type != field_type::array;
}

// `operands` as views, sorted and each distinct value once (by
// compare_for_order). Integers, the usual keys, are sorted as integers:
// views are copied once, after the sort.
void sorted_keys(const std::vector<value>& operands, std::vector<value_view>& keys) {
  const bool ints = std::all_of(operands.begin(), operands.end(),
                                [](const value& v) { return std::holds_alternative<std::int64_t>(v); });
  if (ints) {
    std::array<std::int64_t, 64> local;  // a short list sorts without allocating
    std::vector<std::int64_t> heap;
    const auto get = [&](std::size_t i) { return std::get<std::int64_t>(operands[i]); };
    for (const std::int64_t k : sorted_distinct(operands.size(), get, local, heap)) {
      keys.emplace_back(std::in_place_type<std::int64_t>, k);
    }
    return;
  }
  for (const value& v : operands) keys.push_back(as_view(v));
  const auto less = [](const value_view& a, const value_view& b) { return compare_for_order(a, b) < 0; };
  const auto same = [](const value_view& a, const value_view& b) { return compare_for_order(a, b) == 0; };
  std::sort(keys.begin(), keys.end(), less);
  keys.erase(std::unique(keys.begin(), keys.end(), same), keys.end());
}

// A range of an ordered index that every entity `w` accepts lies in: bounds
// from the conjuncts of `w` on one ordered field (eq, gt, gte, lt, lte,
// between). Inclusive, so the where clause still decides each entity.
struct range_access {
  std::uint32_t field = 0;
  const value* lo = nullptr;
  const value* hi = nullptr;
};

// Whether `v` is ordered among `f`'s values as the where clause compares
// them: a number (not NaN) for a numeric field, a string for a string one.
bool ranges_with(const field_info& f, const value& v) {
  if (f.type == field_type::string) return std::holds_alternative<std::string>(v);
  if (f.type == field_type::boolean) return false;
  if (const auto* d = std::get_if<double>(&v)) return !std::isnan(*d);
  return std::holds_alternative<std::int64_t>(v) || std::holds_alternative<std::uint64_t>(v);
}

std::optional<range_access> choose_range(const table_base& t, const where_node* w,
                                         std::optional<std::uint32_t> only_field = std::nullopt) {
  if (w == nullptr) return std::nullopt;
  std::optional<range_access> r;
  auto tighter = [](const value*& bound, const value& v, int sign) {
    if (bound == nullptr || sign * compare_for_order(as_view(v), as_view(*bound)) > 0) bound = &v;
  };
  auto consider = [&](const where_node& n) {
    if (n.operands.empty() || !t.ordered_on(n.field)) return;
    if (only_field && n.field != *only_field) return;
    if (r && n.field != r->field) return;
    const field_info& f = t.info().fields[n.field];
    if (!std::all_of(n.operands.begin(), n.operands.end(), [&](const value& v) { return ranges_with(f, v); })) return;
    const bool low = n.kind == op::eq || n.kind == op::gt || n.kind == op::gte || n.kind == op::between;
    const bool high = n.kind == op::eq || n.kind == op::lt || n.kind == op::lte || n.kind == op::between;
    if (!low && !high) return;
    if (n.kind == op::between && n.operands.size() != 2) return;
    if (!r) r = range_access{n.field, nullptr, nullptr};
    if (low) tighter(r->lo, n.operands.front(), 1);
    if (high) tighter(r->hi, n.operands.back(), -1);
  };
  if (w->kind == op::and_) {
    for (const auto& c : w->children) consider(c);
  } else if (w->kind != op::or_) {
    consider(*w);
  }
  return r;
}

// Walks the range `r` (or the whole ordered index on `field`), calling fn
// on each entity until it returns false.
void walk(const table_base& t, std::uint32_t field, const std::optional<range_access>& r, bool descending,
          function_ref<bool(const void*)> fn) {
  std::optional<value_view> lo, hi;
  if (r && r->lo != nullptr) lo = as_view(*r->lo);
  if (r && r->hi != nullptr) hi = as_view(*r->hi);
  t.walk_ordered(field, lo ? &*lo : nullptr, hi ? &*hi : nullptr, descending, fn);
}

}  // namespace

result<std::vector<const void*>> select(const table_base& t, const where_node* w, query_plan* plan,
                                        bool key_order) try {
  const model_info& info = t.info();
  if (w != nullptr && matches_all(*w)) w = nullptr;
  std::vector<const void*> out;
  std::size_t examined = 0;
  const where_node* best = choose_access(t, w);
  // What each entity met is tested against: nothing when w is the access
  // term alone on a field whose index finds exactly what it accepts.
  const where_node* test = w;
  if (best != nullptr && (best == w || w->children.size() == 1) && index_decides(info.fields[best->field])) {
    test = nullptr;
  }
  auto consider = [&](const void* e) {
    ++examined;
    if (test == nullptr || evaluate(info, *test, e)) out.push_back(e);
  };
  const std::optional<range_access> range = best == nullptr ? choose_range(t, w) : std::nullopt;
  if (best != nullptr) {
    // Each distinct operand once: an inq repeating one value walks its
    // entities once, not once per repeat.
    if (best->operands.size() == 1) {
      t.for_each_equal(best->field, as_view(best->operands.front()), consider);
    } else {
      std::vector<value_view> keys;
      keys.reserve(best->operands.size());
      sorted_keys(best->operands, keys);
      // The keys' families walked together (append_equal_each), into the
      // result, then tested: sorted by key below when key order is asked.
      t.append_equal_each(best->field, keys, [&](std::size_t) -> std::vector<const void*>& { return out; });
      examined = out.size();
      if (test != nullptr) std::erase_if(out, [&](const void* e) { return !evaluate(info, *test, e); });
    }
  } else if (range) {
    // In the index's own direction: the forward walk, whatever order is asked.
    walk(t, range->field, range, t.stored_descending(range->field), [&](const void* e) {
      consider(e);
      return true;
    });
  } else {
    if (w == nullptr) out.reserve(t.size());  // every entity matches: no regrowth
    t.for_each(consider);
  }
  // No entity is listed twice: an inq walks each distinct operand once, and
  // operands that differ (by compare_for_order) name different keys of the
  // field (with_lookup_key), so each entity sits in one walked run. Sorted
  // only when key order is asked (hits already in order cost one pass).
  if (key_order && (best == nullptr || best->kind != op::eq || best->field != info.primary_key)) t.sort_by_key(out);
  if (plan != nullptr) {
    plan->model = info.name;
    plan->index = best != nullptr ? info.fields[best->field].name
                  : range         ? info.fields[range->field].name
                                  : std::string();
    plan->access = best != nullptr     ? best->kind == op::eq ? access_kind::index_equal : access_kind::index_in
                   : range.has_value() ? access_kind::index_range
                                       : access_kind::full_scan;
    plan->examined = examined;
    plan->matched = out.size();
  }
  return out;
} catch (const match_aborted& a) {
  return a.error;
}

void order_by(const model_info& model, std::vector<const void*>& v, const std::vector<order_key>& order) {
  if (order.empty()) return;  // select() returns key order
  auto before = [&](const void* a, const void* b) {
    for (const auto& o : order) {
      const field_info& f = model.fields[o.field];
      const int c = compare_for_order(f.get(a), f.get(b));
      if (c != 0) return o.descending ? c > 0 : c < 0;
    }
    return false;
  };
  // Stable either way; a relation's few hits sort without a merge buffer.
  if (v.size() <= 16) {
    for (std::size_t i = 1; i < v.size(); ++i) {
      const void* e = v[i];
      std::size_t j = i;
      for (; j > 0 && before(e, v[j - 1]); --j) v[j] = v[j - 1];
      v[j] = e;
    }
    return;
  }
  std::stable_sort(v.begin(), v.end(), before);
}

void page(std::vector<const void*>& v, std::int64_t skip_count, const std::optional<std::int64_t>& limit) {
  const auto skip = static_cast<std::size_t>(skip_count);
  if (skip >= v.size()) {
    v.clear();
    return;
  }
  v.erase(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(skip));
  if (limit && static_cast<std::size_t>(*limit) < v.size()) v.resize(static_cast<std::size_t>(*limit));
}

namespace {

// Calls sink on the page of `spec` (skip, then at most limit entities in
// its order, one key on an ordered index) that `w` accepts: a walk of that
// index, stopped when the page is full. Returns how many sink took.
result<std::size_t> walk_in_order(const table_base& t, const filter_spec& spec, const where_node* w, query_plan* plan,
                                  function_ref<void(const void*)> sink) try {
  const order_key& o = spec.order.front();
  page_counter page(static_cast<std::size_t>(spec.skip), static_cast<std::size_t>(*spec.limit));
  std::size_t examined = 0;
  if (page.more()) {
    walk(t, o.field, choose_range(t, w, o.field), o.descending, [&](const void* e) {
      ++examined;
      if ((w == nullptr || evaluate(t.info(), *w, e)) && page.take()) sink(e);
      return page.more();
    });
  }
  if (plan != nullptr) {
    plan->model = t.info().name;
    plan->index = t.info().fields[o.field].name;
    plan->access = access_kind::index_order;
    plan->examined = examined;
    plan->matched = page.accepted();
  }
  return page.given();
} catch (const match_aborted& a) {
  return a.error;
}

// The where clause a query runs: spec's ANDed with `extra` (either may be
// null; `merged` holds the conjunction), or null when it accepts everything.
const where_node* effective_where(const filter_spec& spec, const where_node* extra, where_node& merged) {
  const where_node* w = spec.where ? &*spec.where : nullptr;
  if (extra != nullptr && w != nullptr) {
    merged.kind = op::and_;
    merged.children = {*extra, *w};
    w = &merged;
  } else if (extra != nullptr) {
    w = extra;
  }
  return w != nullptr && matches_all(*w) ? nullptr : w;
}

// An order by one ordered field with a limit walks that index, unless an
// equality index narrows the search first.
bool walks_in_order(const table_base& t, const filter_spec& spec, const where_node* w) {
  return spec.limit && spec.order.size() == 1 && t.ordered_on(spec.order.front().field) &&
         choose_access(t, w) == nullptr;
}

// Whether evaluating `w` can give up (a regexp match at its bound).
bool may_give_up(const where_node& w) {
  if (w.kind == op::regexp) return true;
  return std::any_of(w.children.begin(), w.children.end(), [](const where_node& c) { return may_give_up(c); });
}

}  // namespace

result<std::vector<const void*>> run_query(const table_base& t, const filter_spec& spec, const where_node* extra,
                                           query_plan* plan) {
  where_node merged;
  const where_node* w = effective_where(spec, extra, merged);
  if (walks_in_order(t, spec, w)) {
    std::vector<const void*> out;
    const auto want = static_cast<std::size_t>(*spec.limit);
    out.reserve(std::min({want, t.size(), std::size_t{256}}));  // a page grows once at most
    auto walked = walk_in_order(t, spec, w, plan, [&](const void* e) { out.push_back(e); });
    if (!walked) return std::move(walked).error();
    return out;
  }
  auto hits = select(t, w, plan);
  if (!hits) return hits;
  order_by(t.info(), *hits, spec.order);
  page(*hits, spec.skip, spec.limit);
  return hits;
}

bool is_index_page(const table_base& t, const filter_spec& spec) {
  return (!spec.where || matches_all(*spec.where)) && walks_in_order(t, spec, nullptr);
}

result<std::size_t> visit_query(const table_base& t, const filter_spec& spec, function_ref<void(const void*)> fn) {
  where_node merged;
  const where_node* w = effective_where(spec, nullptr, merged);
  // A walk hands each entity over as it goes, unless the where clause could
  // give up half way: a visit is all or nothing.
  if (walks_in_order(t, spec, w) && (w == nullptr || !may_give_up(*w))) return walk_in_order(t, spec, w, nullptr, fn);
  return run_query(t, spec).transform([&](const std::vector<const void*>& hits) {
    for (const void* e : hits) fn(e);
    return hits.size();
  });
}

namespace {
error rows_exceeded() {
  return make_error(errc::limit_exceeded,
                    "the includes of one find bring more rows than limits::max_included_rows allows");
}

// Keeps, over all parents of a hasMany include, the first n children in
// `order` then key order; each parent's list keeps its own order.
void keep_first(const table_base& to, included& inc, const std::vector<order_key>& order, std::size_t n) {
  std::vector<const void*> all;
  for (const query_result& r : inc.per_entity) all.insert(all.end(), r.entities.begin(), r.entities.end());
  if (all.size() <= n) return;
  to.sort_by_key(all);
  order_by(to.info(), all, order);
  all.resize(n);
  std::sort(all.begin(), all.end(), std::less<>{});  // a hasMany child has one parent: no repeats
  for (query_result& r : inc.per_entity) {
    std::erase_if(r.entities,
                  [&](const void* c) { return !std::binary_search(all.begin(), all.end(), c, std::less<>{}); });
  }
}

result<void> include_level(const registry& reg, const table_base* const* tables, std::size_t model,
                           query_result& result, const std::vector<include_spec>& includes, std::size_t& budget) {
  for (const include_spec& inc : includes) {
    const relation_info* rel = reg.find_relation(model, inc.relation);
    if (rel == nullptr) continue;  // REQUIRES said validated
    included out;
    out.spec = &inc;
    // has_many and has_one walk down to children (a has_one finds at most
    // one), belongs_to up to the parent, has_many_through across its links.
    const bool down = is_parent_side(rel->kind);
    const bool via = rel->kind == relation_kind::has_many_through;
    out.many = rel->kind == relation_kind::has_many || via;
    out.target = target_of(*rel);
    out.relation = inc.relation;
    const table_base& from = *tables[model];
    const table_base& to = *tables[out.target];
    out.target_model = to.info().name;
    const field_info& key = from.info().fields[down || via ? rel->parent_key : rel->child_key];
    std::vector<const void*> links;
    const where_node* w = inc.scope.where ? &*inc.scope.where : nullptr;
    if (w != nullptr && matches_all(*w)) w = nullptr;
    out.per_entity.resize(result.entities.size());
    const auto shape = [&](std::vector<const void*>& found) -> relstore::result<void> {
      if (w != nullptr) {
        std::erase_if(found, [&](const void* c) { return !evaluate(to.info(), *w, c); });
      }
      to.sort_by_key(found);
      order_by(to.info(), found, inc.scope.order);
      page(found, inc.scope.skip, inc.scope.limit);
      if (found.size() > budget) return rows_exceeded();
      budget -= found.size();
      return {};
    };
    if (down && !via) {
      // The families of a run of parents are walked together
      // (append_equal_each) into lists kept from run to run, then each is
      // shaped and copied out at its final size.
      constexpr std::size_t run = 256;
      std::vector<value_view> keys;
      std::vector<std::vector<const void*>> found(std::min(run, result.entities.size()));
      for (std::size_t at = 0; at < result.entities.size(); at += run) {
        const std::size_t end = std::min(result.entities.size(), at + run);
        keys.clear();
        for (std::size_t i = at; i < end; ++i) keys.push_back(key.get(result.entities[i]));
        for (auto& f : found) f.clear();
        to.append_equal_each(rel->child_key, keys,
                             [&](std::size_t i) -> std::vector<const void*>& { return found[i]; });
        for (std::size_t i = at; i < end; ++i) {
          auto& family = found[i - at];
          if (auto ok = shape(family); !ok) return ok;
          out.per_entity[i].entities.assign(family.begin(), family.end());
        }
      }
    } else {
      for (std::size_t i = 0; i < result.entities.size(); ++i) {
        query_result& r = out.per_entity[i];
        const value_view k = key.get(result.entities[i]);
        if (via) {
          links.clear();
          tables[rel->through]->append_equal(rel->through_from, k, links);
          const field_info& link_to = tables[rel->through]->info().fields[rel->through_to];
          for (const void* l : links) {
            const value_view t = link_to.get(l);
            if (std::holds_alternative<null_t>(t)) continue;
            if (const void* e = to.find(rel->child_key, t)) r.entities.push_back(e);
          }
          if (rel->repeated_links) {  // a target linked twice is listed once
            std::sort(r.entities.begin(), r.entities.end(), std::less<>{});
            r.entities.erase(std::unique(r.entities.begin(), r.entities.end()), r.entities.end());
          }
          if (auto ok = shape(r.entities); !ok) return ok;
        } else if (k.index() != 0) {
          const void* p = to.find(rel->parent_key, k);
          if (p != nullptr && (w == nullptr || evaluate(to.info(), *w, p))) {
            if (budget == 0) return rows_exceeded();
            --budget;
            r.entities.push_back(p);
          }
        }
      }
    }
    if (inc.scope.total_limit) keep_first(to, out, inc.scope.order, static_cast<std::size_t>(*inc.scope.total_limit));
    if (!inc.scope.include.empty()) {
      for (query_result& r : out.per_entity) {
        if (auto nested = include_level(reg, tables, out.target, r, inc.scope.include, budget); !nested) return nested;
      }
    }
    result.includes.push_back(std::move(out));
  }
  return {};
}

}  // namespace

result<void> include_into(const registry& reg, const table_base* const* tables, std::size_t model, query_result& result,
                          const std::vector<include_spec>& includes, std::size_t& budget) try {
  return include_level(reg, tables, model, result, includes, budget);
} catch (const match_aborted& a) {
  return a.error;
}

}  // namespace relstore::detail
