// The relation engine behind store<S>: storage, query planning, includes and
// referential integrity. Internal: reached only through store and repositories.
//
// Every write validates completely or undoes what it did, so a rejected write
// leaves the store exactly as it was (the strong guarantee).
#pragma once

#include <algorithm>
#include <boost/mp11/algorithm.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <unordered_set>
#include <utility>
#include <vector>

#include "relstore/assert.hpp"
#include "relstore/detail/meta.hpp"
#include "relstore/detail/table.hpp"
#include "relstore/error.hpp"
#include "relstore/filter.hpp"
#include "relstore/patch.hpp"
#include "relstore/query_plan.hpp"
#include "relstore/row.hpp"

namespace relstore::detail {

// Orders two field values: null first, then numbers, strings, booleans by value;
// NaN after every other number. Returns <0, 0 or >0.
int compare_for_order(const value_view& a, const value_view& b) noexcept;
// Bitwise equality of two field values (NaN equals NaN, -0.0 differs from 0.0).
bool same_value(const value_view& a, const value_view& b) noexcept;
std::string key_text(const value_view& v);
// "an integer", "a string", ... for error messages.
const char* kind_name(const value& v) noexcept;

template <class M>
bool same_entity(const M& a, const M& b) {
  bool same = true;
  mp::mp_for_each<members<M>>([&](auto d) {
    using D = decltype(d);
    same = same && same_value(view_of(a.*(D::pointer)), view_of(b.*(D::pointer)));
  });
  return same;
}

template <class M>
void project(M& e, std::uint64_t mask) {
  std::size_t i = 0;
  mp::mp_for_each<members<M>>([&](auto d) {
    using D = decltype(d);
    using T = typename member_pointer_traits<decltype(D::pointer)>::value_type;
    if (!(mask & (std::uint64_t{1} << i))) e.*(D::pointer) = T{};
    ++i;
  });
}

template <class M, std::size_t F>
std::string field_text() {
  return std::string(model_name<M>()) + "." + std::string(field_names<M>()[F]);
}

template <class S>
class engine {
 public:
  using model_list = typename S::model_list;
  using relation_list = typename S::relation_list;
  static constexpr std::size_t model_count = mp::mp_size<model_list>::value;
  static constexpr std::size_t relation_count = mp::mp_size<relation_list>::value;

  template <class M>
  using table_t = table<M, relation_list>;
  template <class M>
  using key_t = typename table_t<M>::key_type;
  template <class M>
  static constexpr std::size_t pk = table_t<M>::pk;

  template <class M>
  table_t<M>& tab() {
    return std::get<table_t<M>>(tables_);
  }
  template <class M>
  const table_t<M>& tab() const {
    return std::get<table_t<M>>(tables_);
  }

  // ---------------------------------------------------------------- reads

  template <class M>
  result<void> validate(const filter_spec& spec) const {
    const model_info& info = model_info_of<M>();
    if (spec.model != nullptr && spec.model->name != info.name) {
      return make_error(errc::invalid_filter, "filter for model " + spec.model->name + " used on " + info.name);
    }
    if (spec.where) {
      if (auto r = validate_where(info, *spec.where); !r) return r;
    }
    for (const auto& o : spec.order) {
      if (o.field >= info.fields.size())
        return make_error(errc::invalid_filter, "order names no field of " + info.name);
    }
    if (spec.limit && *spec.limit < 0) {
      return make_error(errc::invalid_filter,
                        info.name + ": limit must not be negative, got " + std::to_string(*spec.limit));
    }
    if (spec.skip < 0) {
      return make_error(errc::invalid_filter,
                        info.name + ": skip must not be negative, got " + std::to_string(spec.skip));
    }
    for (const auto& inc : spec.include) {
      result<void> r = make_error(errc::invalid_filter, "Invalid \"filter.include\" entries: \"" + inc.relation +
                                                            "\" is not a relation of model " + info.name);
      visit_relation<M>(inc.relation, [&](auto rel, auto is_many) {
        using R = decltype(rel);
        using T = std::conditional_t<decltype(is_many)::value, typename R::child, typename R::parent>;
        r = validate<T>(inc.scope);
      });
      if (!r) return r;
    }
    return {};
  }

  // Calls fn(R{}, std::true_type) for has_many `name` of M, or fn(R{}, std::false_type)
  // for belongs_to `name` of M. Returns whether a relation matched.
  template <class M, class Fn>
  static bool visit_relation(std::string_view name, Fn&& fn) {
    bool found = false;
    mp::mp_for_each<relation_list>([&](auto rel) {
      using R = decltype(rel);
      if constexpr (std::is_same_v<typename R::parent, M>) {
        if (!found && R::name() == name) {
          found = true;
          fn(rel, std::true_type{});
        }
      }
      if constexpr (std::is_same_v<typename R::child, M>) {
        if (!found && R::inverse_name() == name) {
          found = true;
          fn(rel, std::false_type{});
        }
      }
    });
    return found;
  }

  // Collects the entities matching `w` (null: all) in key order, using the
  // best index. REQUIRES: w was validated.
  template <class M>
  std::vector<const M*> select(const where_node* w, query_plan* plan = nullptr) const {
    const model_info& info = model_info_of<M>();
    const auto& t = tab<M>();
    std::vector<const M*> out;
    std::size_t examined = 0;
    auto consider = [&](const M& e) {
      ++examined;
      if (w == nullptr || evaluate(info, *w, &e)) out.push_back(&e);
    };
    const where_node* best = choose_access<M>(w);
    bool used_index = false;
    if (best != nullptr) {
      mp::mp_for_each<typename table_t<M>::defs>([&](auto d) {
        using D = decltype(d);
        if (D::field != best->field || used_index) return;
        scan_index<M, D::field>(*best, consider);
        used_index = true;
      });
    }
    if (!used_index) {
      for (const M& e : t.items) consider(e);
    }
    if (!used_index || best->kind != op::eq || best->field != pk<M>) {
      table_t<M>::sort_by_key(out);
      if (used_index) out.erase(std::unique(out.begin(), out.end()), out.end());  // inq may repeat a value
    }
    if (plan != nullptr) {
      plan->model = info.name;
      plan->index = used_index ? info.fields[best->field].name : std::string();
      plan->access = !used_index            ? access_kind::full_scan
                     : best->kind == op::eq ? access_kind::index_equal
                                            : access_kind::index_in;
      plan->examined = examined;
      plan->matched = out.size();
    }
    return out;
  }

  template <class M>
  void order_rows(std::vector<const M*>& v, const std::vector<order_key>& order) const {
    if (order.empty()) return;  // select() returns key order
    const model_info& info = model_info_of<M>();
    std::stable_sort(v.begin(), v.end(), [&](const M* a, const M* b) {
      for (const auto& o : order) {
        const field_info& f = info.fields[o.field];
        int c = compare_for_order(f.get(a), f.get(b));
        if (c != 0) return o.descending ? c > 0 : c < 0;
      }
      return false;
    });
  }

  template <class M>
  static void page(std::vector<const M*>& v, const filter_spec& spec) {
    const auto skip = static_cast<std::size_t>(spec.skip);
    if (skip >= v.size()) {
      v.clear();
      return;
    }
    v.erase(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(skip));
    if (spec.limit && static_cast<std::size_t>(*spec.limit) < v.size()) {
      v.resize(static_cast<std::size_t>(*spec.limit));
    }
  }

  // REQUIRES: spec validated.
  template <class M>
  rows<M> run(const filter_spec& spec, const where_node* extra = nullptr) const {
    where_node merged;
    const where_node* w = merge(extra, spec.where ? &*spec.where : nullptr, merged);
    std::vector<const M*> hits = select<M>(w);
    order_rows<M>(hits, spec.order);
    page<M>(hits, spec);
    return materialize<M>(hits, spec);
  }

  template <class M>
  rows<M> materialize(const std::vector<const M*>& hits, const filter_spec& spec) const {
    rows<M> out;
    out.reserve(hits.size());
    for (const M* e : hits) out.emplace_back(*e);
    include_into<M>(out, spec.include);
    if (spec.fields) {
      for (auto& r : out) {
        r.fields = *spec.fields;
        project(r.value, *spec.fields);
      }
    }
    return out;
  }

  template <class M>
  void include_into(rows<M>& parents, const std::vector<include_spec>& incs) const {
    for (const auto& inc : incs) {
      visit_relation<M>(inc.relation, [&](auto rel, auto is_many) {
        using R = decltype(rel);
        if constexpr (decltype(is_many)::value) {
          include_many<R>(parents, inc);
        } else {
          include_one<R>(parents, inc);
        }
      });
    }
  }

  // One indexed pass per parent; the scope's skip and limit apply per parent.
  template <class R>
  void include_many(rows<typename R::parent>& parents, const include_spec& inc) const {
    using P = typename R::parent;
    using C = typename R::child;
    using CK = member_type<C, R::child_key>;
    for (auto& p : parents) {
      p.related.push_back({inc.relation,
                           std::any(run_children<R>(CK(p.value.*member_pointer<P, R::parent_key>), inc.scope)),
                           &write_many<C>});
    }
  }

  // R's children of the parent whose key is `key` that match `w` (null or
  // empty: all), in primary key order. One index range, never a scan.
  template <class R>
  std::vector<const typename R::child*> children_of(const member_type<typename R::child, R::child_key>& key,
                                                    const where_node* w) const {
    using C = typename R::child;
    const model_info& cinfo = model_info_of<C>();
    const bool all = w == nullptr || (w->kind == op::and_ && w->children.empty());
    std::vector<const C*> kids;
    tab<C>().template for_each_equal<R::child_key>(key, [&](const C& c) {
      if (all || evaluate(cinfo, *w, &c)) kids.push_back(&c);
    });
    table_t<C>::sort_by_key(kids);
    return kids;
  }

  // find(spec) on R's children of one parent. REQUIRES: spec validated.
  template <class R>
  rows<typename R::child> run_children(const member_type<typename R::child, R::child_key>& key,
                                       const filter_spec& spec) const {
    using C = typename R::child;
    std::vector<const C*> kids = children_of<R>(key, spec.where ? &*spec.where : nullptr);
    order_rows<C>(kids, spec.order);
    page<C>(kids, spec);
    return materialize<C>(kids, spec);
  }

  template <class R>
  void include_one(rows<typename R::child>& children, const include_spec& inc) const {
    using P = typename R::parent;
    using C = typename R::child;
    using PK = member_type<P, R::parent_key>;
    const model_info& pinfo = model_info_of<P>();
    const filter_spec& scope = inc.scope;
    for (auto& c : children) {
      std::optional<row<P>> parent;
      const auto& fk = c.value.*member_pointer<C, R::child_key>;
      if (const PK* key = key_ptr(fk)) {
        const auto& idx = tab<P>().template index<R::parent_key>();
        auto it = idx.find(*key);
        if (it != idx.end() && (!scope.where || evaluate(pinfo, *scope.where, &*it))) {
          std::vector<const P*> one{&*it};
          parent = std::move(materialize<P>(one, scope).front());
        }
      }
      c.related.push_back({inc.relation, std::any(std::move(parent)), &write_one<P>});
    }
  }

  template <class T>
  static void write_many(const std::any& a, std::string& out) {
    const auto& v = *std::any_cast<rows<T>>(&a);
    out += '[';
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (i) out += ',';
      v[i].append_json(out);
    }
    out += ']';
  }
  template <class T>
  static void write_one(const std::any& a, std::string& out) {
    const auto& v = *std::any_cast<std::optional<row<T>>>(&a);
    if (v) {
      v->append_json(out);
    } else {
      out += "null";
    }
  }

  // ---------------------------------------------------------------- writes

  // Inserts one entity after assigning its key; checks keys and parents
  // before anything is linked, so a rejected insert allocates nothing.
  // On failure nothing is inserted (next_id may advance; callers restore it).
  template <class M>
  result<const M*> insert_one(M e) {
    auto& t = tab<M>();
    auto& key = e.*member_pointer<M, pk<M>>;
    bool assigned = false;  // an assigned key is above every present key: no lookup
    if constexpr (table_t<M>::auto_key) {
      if (key == 0) {
        key = t.next_id++;
        assigned = true;
      }
    } else {
      if (key.empty()) {
        return make_error(errc::invalid_argument, field_text<M, pk<M>>() + ": the primary key must not be empty");
      }
    }
    if (auto r = assigned ? check_unique_keys<M>(e, nullptr) : check_unique_conflict<M>(e, nullptr); !r) {
      return r.error();
    }
    if (auto r = check_parents<M>(e); !r) return r.error();
    auto [it, inserted] = t.items.insert(std::move(e));
    RELSTORE_ASSERT(inserted, "relstore: an insert collided after its keys were checked");
    if constexpr (table_t<M>::auto_key) {
      if ((*it).*member_pointer<M, pk<M>> >= t.next_id) t.next_id = (*it).*member_pointer<M, pk<M>> + 1;
    }
    return &*it;
  }

  template <class M>
  static error duplicate_key(const key_t<M>& key) {
    return make_error(errc::already_exists, std::string(model_name<M>()) + " with " +
                                                std::string(field_names<M>()[pk<M>]) + " " + key_text(view_of(key)) +
                                                " already exists");
  }

  template <class M>
  result<M> create(M e) {
    const std::int64_t saved = tab<M>().next_id;
    auto r = insert_one<M>(std::move(e));
    if (!r) {
      tab<M>().next_id = saved;
      return std::move(r).error();
    }
    return **r;
  }

  // All or nothing, in order: an element may reference an earlier one or itself.
  template <class M>
  result<std::vector<M>> create_all(std::vector<M> es) {
    auto& t = tab<M>();
    const std::int64_t saved = t.next_id;
    std::vector<const M*> done;
    done.reserve(es.size());
    for (std::size_t i = 0; i < es.size(); ++i) {
      auto r = insert_one<M>(std::move(es[i]));
      if (!r) {
        for (auto it = done.rbegin(); it != done.rend(); ++it) t.items.erase(t.items.iterator_to(**it));
        t.next_id = saved;
        error err = std::move(r).error();
        err.message = "create_all: element " + std::to_string(i) + " rejected, nothing created: " + err.message;
        return err;
      }
      done.push_back(*r);
    }
    std::vector<M> out;
    out.reserve(done.size());
    for (const M* p : done) out.push_back(*p);
    return out;
  }

  // Replaces each target with make(old). Validates key changes against
  // children in the state before, and every foreign key in the state after;
  // undoes everything on any failure.
  template <class M, class Make>
  result<std::vector<const M*>> update(const std::vector<const M*>& targets, Make&& make) {
    auto& t = tab<M>();
    std::vector<M> fresh;
    fresh.reserve(targets.size());
    for (const M* old : targets) {
      result<M> n = make(*old);
      if (!n) return std::move(n).error();
      // A taken key is reported before children that block the change, as SQLite does.
      if (auto r = check_unique_conflict<M>(*n, old); !r) return r.error();
      if (auto r = check_key_change<M>(*old, *n); !r) return r.error();
      fresh.push_back(std::move(*n));
    }
    std::vector<std::pair<const M*, M>> undo;  // (node, old value)
    undo.reserve(targets.size());
    auto rollback = [&] {
      for (auto it = undo.rbegin(); it != undo.rend(); ++it) {
        bool ok = t.items.replace(t.items.iterator_to(*it->first), it->second);
        RELSTORE_ASSERT(ok, "relstore: rollback could not restore an entity");
      }
    };
    for (std::size_t i = 0; i < targets.size(); ++i) {
      const M* node = targets[i];
      if (same_entity(*node, fresh[i])) continue;
      M before = *node;
      if (auto r = check_unique_conflict<M>(fresh[i], node); !r) {
        rollback();
        return r.error();
      }
      if (!t.items.replace(t.items.iterator_to(*node), fresh[i])) {
        rollback();
        return make_error(errc::already_exists, std::string(model_name<M>()) + ": a unique key is already taken");
      }
      undo.emplace_back(node, std::move(before));
    }
    for (const auto& u : undo) {
      if (auto r = check_parents<M>(*u.first, &u.second); !r) {
        rollback();
        return r.error();
      }
    }
    if constexpr (table_t<M>::auto_key) {
      for (const auto& u : undo) {
        const auto k = u.first->*member_pointer<M, pk<M>>;
        if (k >= t.next_id) t.next_id = k + 1;
      }
    }
    return targets;
  }

  template <class M>
  static result<M> apply_patch(const M& old, const patch<M>& p) {
    M n = old;
    const model_info& info = model_info_of<M>();
    for (const auto& c : p.changes()) {
      std::string why;
      if (!info.fields[c.field].set(&n, c.value, &why)) {
        return make_error(errc::invalid_argument, info.name + "." + info.fields[c.field].name + ": " + why);
      }
    }
    return n;
  }

  // Deletes `roots` (in key order) and whatever their relations' policies
  // reach. Returns how many roots it deleted itself: as with SQLite's change
  // count, a root that the cascade of an earlier root already took is not
  // counted. Nothing changes unless the whole operation is valid.
  template <class M>
  result<std::size_t> erase(const std::vector<const M*>& roots) {
    doomed_sets sets;
    auto& mine = std::get<doomed<M>>(sets);
    std::size_t deleted = 0;
    for (const M* e : roots) {
      if (!mine.set.insert(e).second) continue;
      mine.list.push_back(e);
      ++deleted;
      close_cascades(sets);
    }
    null_lists nulls;
    if (auto r = check_deletes(sets, nulls); !r) return r.error();
    apply_nulls(nulls);
    mp::mp_for_each<model_list>([&](auto m) {
      using T = decltype(m);
      auto& d = std::get<doomed<T>>(sets);
      auto& items = tab<T>().items;
      if (d.list.size() == items.size()) {
        items.clear();
      } else {
        for (const T* e : d.list) items.erase(items.iterator_to(*e));
      }
    });
    return deleted;
  }

  // Every foreign key names a parent. Walks each foreign key index group by
  // group (equal keys are adjacent in it), so a parent is looked up once
  // however many children name it.
  result<void> verify_all() const {
    result<void> out;
    mp::mp_for_each<relation_list>([&](auto rel) {
      using R = decltype(rel);
      using C = typename R::child;
      if (!out) return;
      const auto& parents = tab<typename R::parent>().template index<R::parent_key>();
      const member_type<C, R::child_key>* group = nullptr;
      for (const C& c : tab<C>().template index<R::child_key>()) {
        const auto& fk = c.*member_pointer<C, R::child_key>;
        if (group != nullptr && *group == fk) continue;
        group = &fk;
        const auto* key = key_ptr(fk);
        if (key == nullptr || parents.find(*key) != parents.end()) continue;
        auto r = check_parents<C>(c);
        RELSTORE_ASSERT(!r, "relstore: a dangling key passed check_parents");
        out = make_error(r.error().code, "dangling foreign key in " + std::string(model_name<C>()) + " " +
                                             std::string(field_names<C>()[pk<C>]) + " " +
                                             key_text(view_of(c.*member_pointer<C, pk<C>>)) + ": " + r.error().message);
        return;
      }
    });
    return out;
  }

  bool operator==(const engine& other) const {
    bool same = true;
    mp::mp_for_each<model_list>([&](auto m) {
      using T = decltype(m);
      const auto& a = tab<T>().items;
      const auto& b = other.template tab<T>();
      same = same && a.size() == b.items.size();
      for (auto it = a.begin(); same && it != a.end(); ++it) {
        const T* y = b.find((*it).*member_pointer<T, pk<T>>);
        same = y != nullptr && same_entity(*it, *y);
      }
    });
    return same;
  }

 private:
  template <class K>
  static const K* key_ptr(const K& k) {
    return &k;
  }
  template <class K>
  static const K* key_ptr(const std::optional<K>& k) {
    return k ? &*k : nullptr;
  }

  static const where_node* merge(const where_node* a, const where_node* b, where_node& storage) {
    if (a == nullptr) return b;
    if (b == nullptr) return a;
    storage.kind = op::and_;
    storage.children = {*a, *b};
    return &storage;
  }

  // The conjunct of `w` best served by an index, or null for a scan.
  template <class M>
  static const where_node* choose_access(const where_node* w) {
    if (w == nullptr) return nullptr;
    const where_node* best = nullptr;
    int best_rank = 100;
    auto rank_of = [](const where_node& n) -> int {
      bool indexed = false, unique = false;
      mp::mp_for_each<typename table_t<M>::defs>([&](auto d) {
        using D = decltype(d);
        if (D::field == n.field) {
          indexed = true;
          unique = D::unique;
        }
      });
      if (!indexed) return 100;
      switch (n.kind) {
        case op::eq:
          return n.field == pk<M> ? 0 : unique ? 1 : 2;
        case op::inq:
          return 3;
        default:
          return 100;  // a hashed index answers only equality
      }
    };
    auto consider = [&](const where_node& n) {
      if (n.kind == op::and_ || n.kind == op::or_) return;
      int r = rank_of(n);
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

  // Feeds `consider` the candidates of index F for an eq or inq conjunct n.
  // An operand that cannot be a key of F matches nothing.
  template <class M, std::size_t F, class Consider>
  void scan_index(const where_node& n, Consider& consider) const {
    using K = member_type<M, F>;
    const auto& idx = tab<M>().template index<F>();
    std::vector<K> keys;
    for (const auto& v : n.operands) {
      if (auto k = key_from_value<K>(v)) keys.push_back(std::move(*k));
    }
    for (const auto& k : keys) {
      auto [first, last] = idx.equal_range(k);
      for (; first != last; ++first) consider(*first);
    }
  }

  // Every foreign key of e names an existing parent (or is null). A key
  // naming e itself (a self relation) counts as present, whether or not e is
  // linked yet. With `before`, a foreign key it already held is not looked
  // up again: its parent is there, since referenced keys cannot change.
  template <class M>
  result<void> check_parents(const M& e, const M* before = nullptr) const {
    result<void> out;
    mp::mp_for_each<relation_list>([&](auto rel) {
      using R = decltype(rel);
      if constexpr (std::is_same_v<typename R::child, M>) {
        using P = typename R::parent;
        if (!out) return;
        const auto& fk = e.*member_pointer<M, R::child_key>;
        if (before != nullptr && fk == before->*member_pointer<M, R::child_key>) return;
        const auto* key = key_ptr(fk);
        if (key == nullptr) return;
        if constexpr (std::is_same_v<P, M>) {
          if (*key == e.*member_pointer<M, R::parent_key>) return;
        }
        const auto& idx = tab<P>().template index<R::parent_key>();
        if (idx.find(*key) == idx.end()) {
          // Built in one buffer: a rejected write costs one allocation here.
          const std::string k = key_text(view_of(*key));
          std::string m;
          m.reserve(96 + 2 * k.size());
          m.append(model_name<M>()).append(".").append(field_names<M>()[R::child_key]).append(" = ").append(k);
          m.append(": no ").append(model_name<P>()).append(" with ").append(field_names<P>()[R::parent_key]);
          m.append(" ").append(k).append(" (relation ").append(model_name<P>()).append(".").append(R::name());
          m.append(")");
          out = make_error(errc::foreign_key_violation, std::move(m));
        }
      }
    });
    return out;
  }

  // Unique parent keys (key_from other than the primary key) are free.
  // `self` is the entity being replaced, which may keep its own key.
  template <class M>
  result<void> check_unique_keys(const M& e, const M* self) const {
    result<void> out;
    mp::mp_for_each<typename table_t<M>::defs>([&](auto d) {
      using D = decltype(d);
      if constexpr (D::unique && D::field != pk<M>) {
        if (!out) return;
        if (self != nullptr && e.*member_pointer<M, D::field> == self->*member_pointer<M, D::field>) return;
        const auto& idx = tab<M>().template index<D::field>();
        if (idx.find(e.*member_pointer<M, D::field>) != idx.end()) {
          out = make_error(errc::already_exists, field_text<M, D::field>() + " = " +
                                                     key_text(view_of(e.*member_pointer<M, D::field>)) +
                                                     " already exists");
        }
      }
    });
    return out;
  }

  // No other entity holds e's primary or unique keys. `self` is the entity
  // e replaces; a key it already holds is not looked up.
  template <class M>
  result<void> check_unique_conflict(const M& e, const M* self) const {
    const auto& key = e.*member_pointer<M, pk<M>>;
    if ((self == nullptr || key != self->*member_pointer<M, pk<M>>)&&tab<M>().find(key) != nullptr) {
      return duplicate_key<M>(key);
    }
    return check_unique_keys<M>(e, self);
  }

  // A parent key that children reference cannot change (a self-parented row
  // counts as its own child). Setting it to its current value is no change.
  template <class M>
  result<void> check_key_change(const M& old, const M& n) const {
    result<void> out;
    mp::mp_for_each<relation_list>([&](auto rel) {
      using R = decltype(rel);
      if constexpr (std::is_same_v<typename R::parent, M>) {
        using C = typename R::child;
        using CK = member_type<C, R::child_key>;
        if (!out) return;
        const auto& before = old.*member_pointer<M, R::parent_key>;
        const auto& after = n.*member_pointer<M, R::parent_key>;
        if (before == after) return;
        const std::size_t kids = tab<C>().template count_equal<R::child_key>(CK(before));
        if (kids > 0) {
          out = make_error(errc::restrict_violation,
                           "cannot change " + field_text<M, R::parent_key>() + " from " + key_text(view_of(before)) +
                               " to " + key_text(view_of(after)) + ": " + std::to_string(kids) + " " +
                               std::string(model_name<C>()) + " reference it through relation " +
                               std::string(model_name<M>()) + "." + std::string(R::name()));
        }
      }
    });
    return out;
  }

  template <class M>
  struct doomed {
    std::vector<const M*> list;
    std::unordered_set<const M*> set;
    std::size_t done = 0;
  };
  using doomed_sets = mp::mp_rename<mp::mp_transform<doomed, model_list>, std::tuple>;

  template <class R>
  struct null_list {
    std::vector<const typename R::child*> list;
  };
  using null_lists = mp::mp_rename<mp::mp_transform<null_list, relation_list>, std::tuple>;

  // Adds cascade children until nothing changes. Iterative: no recursion, so
  // chains of any depth are fine.
  void close_cascades(doomed_sets& sets) const {
    bool progress = true;
    while (progress) {
      progress = false;
      mp::mp_for_each<model_list>([&](auto m) {
        using M = decltype(m);
        auto& d = std::get<doomed<M>>(sets);
        while (d.done < d.list.size()) {
          const M* e = d.list[d.done++];
          progress = true;
          mp::mp_for_each<relation_list>([&](auto rel) {
            using R = decltype(rel);
            if constexpr (std::is_same_v<typename R::parent, M> && R::policy == on_delete::cascade) {
              using C = typename R::child;
              using CK = member_type<C, R::child_key>;
              auto& cd = std::get<doomed<C>>(sets);
              tab<C>().template for_each_equal<R::child_key>(CK(e->*member_pointer<M, R::parent_key>), [&](const C& c) {
                if (cd.set.insert(&c).second) cd.list.push_back(&c);
              });
            }
          });
        }
      });
    }
  }

  // Judges the end state: a restrict rejects only if a child of a deleted
  // parent would survive. Collects surviving set_null children.
  result<void> check_deletes(doomed_sets& sets, null_lists& nulls) const {
    result<void> out;
    mp::mp_for_each<relation_list>([&](auto rel) {
      using R = decltype(rel);
      if constexpr (R::policy != on_delete::cascade) {
        using P = typename R::parent;
        using C = typename R::child;
        using CK = member_type<C, R::child_key>;
        if (!out) return;
        auto& pd = std::get<doomed<P>>(sets);
        auto& cd = std::get<doomed<C>>(sets);
        auto& nl = std::get<null_list<R>>(nulls).list;
        for (const P* e : pd.list) {
          std::size_t survivors = 0;
          tab<C>().template for_each_equal<R::child_key>(CK(e->*member_pointer<P, R::parent_key>), [&](const C& c) {
            if (cd.set.count(&c)) return;
            ++survivors;
            if constexpr (R::policy == on_delete::set_null) nl.push_back(&c);
          });
          if constexpr (R::policy == on_delete::restrict) {
            if (survivors > 0) {
              out = make_error(
                  errc::restrict_violation,
                  "cannot delete " + std::string(model_name<P>()) + " with " + std::string(field_names<P>()[pk<P>]) +
                      " " + key_text(view_of(e->*member_pointer<P, pk<P>>)) + ": relation " +
                      std::string(model_name<P>()) + "." + std::string(R::name()) + " (on_delete restrict) has " +
                      std::to_string(survivors) + " " + std::string(model_name<C>()) + " referencing it");
              return;
            }
          }
        }
      }
    });
    return out;
  }

  void apply_nulls(null_lists& nulls) {
    mp::mp_for_each<relation_list>([&](auto rel) {
      using R = decltype(rel);
      if constexpr (R::policy == on_delete::set_null) {
        using C = typename R::child;
        auto& items = tab<C>().items;
        for (const C* c : std::get<null_list<R>>(nulls).list) {
          C copy = *c;
          (copy.*member_pointer<C, R::child_key>).reset();
          bool ok = items.replace(items.iterator_to(*c), std::move(copy));
          RELSTORE_ASSERT(ok, "relstore: set_null could not update a child");
        }
      }
    });
  }

  using tables = mp::mp_rename<mp::mp_transform<table_t, model_list>, std::tuple>;
  tables tables_;
};

}  // namespace relstore::detail
