// The integrity check over whole tables.
#include "relstore/detail/verify.hpp"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <variant>
#include <vector>

#include "relstore/detail/errors.hpp"

namespace relstore::detail {
namespace {

violation at(const table_base& t, const void* entity, std::size_t field, error e) {
  const model_info& m = t.info();
  violation v;
  v.code = e.code;
  v.model = m.name;
  v.key = describe(m.fields[m.primary_key].get(entity));
  v.field = m.fields[field].name;
  v.value = describe(m.fields[field].get(entity));
  v.message = m.name + " " + m.fields[m.primary_key].name + " " + v.key + ": " + e.message();
  return v;
}

// A set of int64 keys, open addressing with linear probing: a lookup reads
// one or two adjacent slots of a flat array instead of a hash index's nodes.
class int_key_set {
 public:
  explicit int_key_set(std::size_t count) : slots_(std::bit_ceil(std::max<std::size_t>(16, count * 2)), empty) {
    shift_ = 64 - std::countr_zero(slots_.size());
  }
  void insert(std::int64_t k) {
    if (k == empty) {
      has_empty_ = true;
      return;
    }
    for (std::size_t i = slot(k);; i = (i + 1) & (slots_.size() - 1)) {
      if (slots_[i] == k) return;
      if (slots_[i] == empty) {
        slots_[i] = k;
        return;
      }
    }
  }
  bool contains(std::int64_t k) const noexcept {
    if (k == empty) return has_empty_;
    for (std::size_t i = slot(k);; i = (i + 1) & (slots_.size() - 1)) {
      if (slots_[i] == k) return true;
      if (slots_[i] == empty) return false;
    }
  }

 private:
  static constexpr std::int64_t empty = std::numeric_limits<std::int64_t>::min();
  std::size_t slot(std::int64_t k) const noexcept {
    return static_cast<std::size_t>((static_cast<std::uint64_t>(k) * 0x9E3779B97F4A7C15ull) >> shift_);
  }
  std::vector<std::int64_t> slots_;
  int shift_ = 0;
  bool has_empty_ = false;
};

// A key value as bytes that tell every two values apart (keys are int64 or
// strings): describe() cuts long strings short.
std::string exact_key(const value_view& v) {
  std::string out(1, static_cast<char>('0' + v.index()));
  if (const auto* s = std::get_if<std::string_view>(&v)) return out.append(*s);
  if (const auto* i = std::get_if<std::int64_t>(&v)) return out.append(std::to_string(*i));
  return out.append(describe(v));
}

// Whether every non-null `fk` of `child` is a `key` of `parent`, when both are
// int64: one pass over each table in storage order, no index walked (a walk
// of a large hash index in bucket order reads its entities in random order).
// nullopt for string keys. A quick answer for the common case; the caller
// walks the index to report what does not resolve.
std::optional<bool> all_resolve(const table_base& child, std::size_t fk, const table_base& parent, std::size_t key) {
  const field_info& k = parent.info().fields[key];
  const field_info& f = child.info().fields[fk];
  if (k.type != field_type::int64 || f.type != field_type::int64) return std::nullopt;
  int_key_set keys(parent.size());
  (void)parent.for_each_int64_run(key, [&](std::int64_t v) {
    keys.insert(v);
    return true;
  });
  // A loaded or compacted table keeps each parent's children side by side:
  // one lookup per run of equal keys.
  return child.for_each_int64_run(fk, [&](std::int64_t v) { return keys.contains(v); });
}

}  // namespace

void verify(const registry& reg, const table_base* const* tables, function_ref<bool(const violation&)> sink,
            const progress_fn& progress, const verify_options& options) {
  // Distinct checks: (child, child key, parent, parent key) -> the first relation that asks for it.
  std::set<std::tuple<std::size_t, std::size_t, std::size_t, std::size_t>> seen;
  std::vector<const relation_info*> checks;
  for (const auto& r : reg.relations()) {
    if (is_parent_side(r.kind) && seen.emplace(r.child, r.child_key, r.parent, r.parent_key).second) {
      checks.push_back(&r);
    }
  }
  std::size_t total = 0, done = 0;
  for (std::size_t m = 0; m < reg.model_count(); ++m) total += tables[m]->size();
  for (const relation_info* r : checks) total += tables[r->child]->size();
  auto tick = [&](std::size_t n) {
    done += n;
    if (progress) progress(done, total);
  };

  bool go_on = true;
  for (std::size_t m = 0; m < reg.model_count() && go_on; ++m) {
    const table_base& t = *tables[m];
    if (options.keys_as_create) {
      const std::size_t pk = t.info().primary_key;
      const bool is_int = t.info().fields[pk].type == field_type::int64;
      const value_view refused = is_int ? value_view(std::int64_t{0}) : value_view(std::string_view());
      if (const void* e = t.find(pk, refused)) {
        go_on = sink(at(
            t, e, pk,
            make_error(errc::invalid_argument,
                       field_label(t.info(), pk) + (is_int ? " is 0, a key create never stores (it assigns one instead)"
                                                           : " is empty, a key create refuses"))));
      }
    }
    for (std::size_t f = 0; f < t.info().fields.size() && go_on; ++f) {
      if (t.index_on(f) != index_kind::unique) continue;
      t.for_each_duplicate(f, [&](const void* e) {
        if (go_on) go_on = sink(at(t, e, f, duplicate_key(t.info(), f, t.info().fields[f].get(e))));
      });
    }
    tick(t.size());
  }
  // Relations over the same fields (both directions of a through, two
  // has_one on one key) make one check: each violation is reported once.
  std::set<std::tuple<std::size_t, std::size_t, std::size_t>> checked;
  for (const relation_info& r : reg.relations()) {
    if (!go_on) break;
    if (r.kind != relation_kind::has_one || !checked.emplace(r.child, r.child_key, std::size_t(-1)).second) continue;
    // At most one child per parent key: the first in key order holds it.
    const table_base& child = *tables[r.child];
    const field_info& fk = child.info().fields[r.child_key];
    const field_info& pk = child.info().fields[child.info().primary_key];
    std::vector<const void*> same;
    child.for_each_distinct(r.child_key, [&](const void* e) {
      if (!go_on) return;
      const value_view key = fk.get(e);
      same.clear();
      child.append_equal(r.child_key, key, same);
      if (same.size() < 2) return;
      child.sort_by_key(same);
      for (std::size_t i = 1; i < same.size() && go_on; ++i) {
        go_on = sink(at(child, same[i], r.child_key, second_child(reg, r, key, pk.get(same[0]), pk.get(same[i]))));
      }
    });
  }
  for (const relation_info& r : reg.relations()) {
    if (!go_on) break;
    if (r.kind != relation_kind::has_many_through || r.repeated_links) continue;
    if (!checked.emplace(r.through, std::min(r.through_from, r.through_to), std::max(r.through_from, r.through_to))
             .second) {
      continue;
    }
    // Each (from, to) pair once: the first link in key order holds it.
    const table_base& t = *tables[r.through];
    const field_info& from = t.info().fields[r.through_from];
    const field_info& to = t.info().fields[r.through_to];
    const field_info& pk = t.info().fields[t.info().primary_key];
    std::vector<const void*> links;
    std::map<std::string, const void*> held;  // exact_key(to) -> the link holding it
    t.for_each_distinct(r.through_from, [&](const void* e) {
      if (!go_on) return;
      links.clear();
      held.clear();
      t.append_equal(r.through_from, from.get(e), links);
      if (links.size() < 2) return;
      t.sort_by_key(links);
      for (const void* l : links) {
        const value_view v = to.get(l);
        if (std::holds_alternative<null_t>(v)) continue;
        auto [it, fresh] = held.emplace(exact_key(v), l);
        if (!fresh && go_on) {
          go_on = sink(at(t, l, r.through_to, repeated_link(reg, r, from.get(l), v, pk.get(it->second), pk.get(l))));
        }
      }
    });
  }
  for (const relation_info* r : checks) {
    if (!go_on) break;
    const table_base& child = *tables[r->child];
    const table_base& parent = *tables[r->parent];
    const field_info& fk = child.info().fields[r->child_key];
    if (all_resolve(child, r->child_key, parent, r->parent_key).value_or(false)) {
      tick(child.size());
      continue;
    }
    // One parent lookup per distinct key: equal keys share the answer.
    child.for_each_distinct(r->child_key, [&](const void* e) {
      if (!go_on) return;
      const value_view key = fk.get(e);
      if (parent.find(r->parent_key, key) != nullptr) return;
      child.for_each_equal(r->child_key, key, [&](const void* c) {
        if (go_on) go_on = sink(at(child, c, r->child_key, dangling_key(reg, *r, key)));
      });
    });
    tick(child.size());
  }
  if (progress) progress(total, total);
}

result<void> verify_first(const registry& reg, const table_base* const* tables, const verify_options& options) {
  result<void> out;
  verify(
      reg, tables,
      [&](const violation& v) {
        out = make_error(v.code, v.message);
        return false;
      },
      {}, options);
  return out;
}

}  // namespace relstore::detail
