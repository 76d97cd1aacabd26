// Materialisation: from a query's result (query.hpp, includes resolved at
// run time) to the typed rows a find returns, copies with their includes and
// projection. Each model of the schema has one small typed maker, reached
// through a table indexed like the registry, so a find instantiates no code
// per relation. The constrained repository's child walk (children_of) stays
// typed: it is the hot path of a game's frame. Internal.
#pragma once

#include <any>
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "relstore/detail/filter_spec.hpp"
#include "relstore/detail/query.hpp"
#include "relstore/detail/storage.hpp"
#include "relstore/detail/where.hpp"
#include "relstore/row.hpp"

namespace relstore::detail {

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

template <class S>
struct materializer {
  // Rows for `result` (entities of M), with its includes and spec's fields.
  template <class M>
  static rows<M> rows_of(const query_result& result, const filter_spec& spec) {
    rows<M> out;
    out.reserve(result.entities.size());
    for (const void* e : result.entities) out.emplace_back(*static_cast<const M*>(e));
    for (const included& inc : result.includes) {
      const maker& make = maker_at(inc.target);
      for (std::size_t i = 0; i < out.size(); ++i) {
        out[i].related.push_back(
            {inc.spec->relation,
             inc.many ? make.many(inc.per_entity[i], inc.spec->scope) : make.one(inc.per_entity[i], inc.spec->scope),
             inc.many ? make.write_many : make.write_one});
      }
    }
    if (spec.fields) {
      for (auto& r : out) {
        r.fields = *spec.fields;
        project(r.value, *spec.fields);
      }
    }
    return out;
  }

  // Rows for `entities` of M: spec's includes resolved (at most
  // bounds.max_included_rows rows), then its fields. Errors: limit_exceeded.
  template <class M>
  static result<rows<M>> rows_of(const storage<S>& st, std::vector<const void*> entities, const filter_spec& spec,
                                 const limits& bounds) {
    query_result result{std::move(entities), {}};
    if (!spec.include.empty()) {
      std::size_t budget = bounds.max_included_rows;
      auto r = include_into(S::registry(), st.bases().data(), mp::mp_find<typename S::model_list, M>::value, result,
                            spec.include, budget);
      if (!r) return std::move(r).error();
    }
    return rows_of<M>(result, spec);
  }

  // R's children of the parent whose key is `key` that match `w` (null or
  // empty: all), in primary key order (`key_order` false: in the index's
  // order, for a write that needs none). One index range, never a scan.
  // Errors: as select's.
  template <class R>
  static result<std::vector<const void*>> children_of(const storage<S>& st,
                                                      const member_type<typename R::child, R::child_key>& key,
                                                      const where_node* w, bool key_order = true) try {
    using C = typename R::child;
    const model_info& cinfo = info_of<C>();
    const bool all = w == nullptr || matches_all(*w);
    std::vector<const void*> kids;
    st.template tab<C>().template append_equal_if<R::child_key>(
        key, kids, [&](const C& c) { return all || evaluate(cinfo, *w, &c); });
    if (key_order) storage<S>::template table_t<C>::sort_keys(kids);
    return kids;
  } catch (const match_aborted& a) {
    return a.error;
  }

  // Whether spec asks for every entity as stored, in key order: no where,
  // order, skip, limit, fields or include, so nothing to validate either.
  static bool asks_all_stored(const filter_spec& spec) noexcept {
    return !spec.where && spec.order.empty() && spec.skip == 0 && !spec.limit && !spec.total_limit && !spec.fields &&
           spec.include.empty();
  }

  // Calls fn(const C&) on R's children of the parent whose key is `key`, in
  // primary key order, as children_of(st, key, nullptr) lists them; returns
  // how many. A family of up to 32 is gathered on the stack: a game's visit
  // of one parent's children each frame allocates nothing. The walk notes
  // whether the family came in key order or in reverse (a hashed index's
  // group holds its newest member first), so the usual family is called in
  // that direction with no sort. REQUIRES: fn does not write to the store.
  template <class R, class Fn>
  static std::size_t visit_children(const storage<S>& st, const member_type<typename R::child, R::child_key>& key,
                                    Fn&& fn) {
    using C = typename R::child;
    constexpr auto pk = member_pointer<C, storage<S>::template table_t<C>::pk>;
    std::array<const C*, 32> near;
    std::size_t n = 0;
    std::vector<const void*> far;  // the whole family, once it outgrows `near`
    bool ascending = true;
    bool descending = true;
    const C* prev = nullptr;
    st.template tab<C>().template for_each_equal<R::child_key>(key, [&](const C& c) {
      if (prev) {
        ascending &= prev->*pk < c.*pk;
        descending &= c.*pk < prev->*pk;
      }
      prev = &c;
      if (n < near.size()) {
        near[n++] = &c;
        return;
      }
      if (far.empty()) far.assign(near.begin(), near.end());
      far.push_back(&c);
    });
    if (far.empty()) {
      if (descending) {
        for (std::size_t i = n; i-- > 0;) fn(*near[i]);
        return n;
      }
      if (ascending) {
        for (std::size_t i = 0; i < n; ++i) fn(*near[i]);
        return n;
      }
      far.assign(near.begin(), near.begin() + static_cast<std::ptrdiff_t>(n));
    }
    storage<S>::template table_t<C>::sort_keys(far);
    for (const void* c : far) fn(*static_cast<const C*>(c));
    return far.size();
  }

  // Calls fn(const C&) on R's children of the parent whose key is `key`, in
  // the foreign key index's order; returns how many. Each child is handed
  // over as the walk reaches it, nothing gathered: a large table's walk is a
  // chain of cache misses, and a walk that also gathers or sorts (as
  // visit_children must, for key order) costs about half again.
  // REQUIRES: fn does not write to the store.
  template <class R, class Fn>
  static std::size_t visit_children_unordered(const storage<S>& st,
                                              const member_type<typename R::child, R::child_key>& key, Fn&& fn) {
    using C = typename R::child;
    std::size_t n = 0;
    st.template tab<C>().template for_each_equal<R::child_key>(key, [&](const C& c) {
      fn(c);
      ++n;
    });
    return n;
  }

  // find(spec) on R's children of one parent. REQUIRES: spec validated.
  template <class R>
  static result<rows<typename R::child>> run_children(const storage<S>& st,
                                                      const member_type<typename R::child, R::child_key>& key,
                                                      const filter_spec& spec, const limits& bounds) {
    using C = typename R::child;
    return ordered_children<R>(st, key, spec).and_then([&](std::vector<const void*> kids) {
      return rows_of<C>(st, std::move(kids), spec, bounds);
    });
  }

  // The children run_children returns, in its order, not materialised.
  template <class R>
  static result<std::vector<const void*>> ordered_children(const storage<S>& st,
                                                           const member_type<typename R::child, R::child_key>& key,
                                                           const filter_spec& spec) {
    auto kids = children_of<R>(st, key, spec.where ? &*spec.where : nullptr);
    if (!kids) return std::move(kids).error();
    order_by(info_of<typename R::child>(), *kids, spec.order);
    page(*kids, spec.skip, spec.limit);
    return kids;
  }

 private:
  // What an include of model T puts into a row: its rows (has_many) or its
  // parent row (belongs_to), and how they print as JSON.
  struct maker {
    std::any (*many)(const query_result&, const filter_spec&);
    std::any (*one)(const query_result&, const filter_spec&);
    void (*write_many)(const std::any&, std::string&);
    void (*write_one)(const std::any&, std::string&);
  };

  template <class T>
  static std::any many_of(const query_result& r, const filter_spec& scope) {
    return std::any(rows_of<T>(r, scope));
  }
  template <class T>
  static std::any one_of(const query_result& r, const filter_spec& scope) {
    std::optional<row<T>> parent;
    if (!r.entities.empty()) parent = std::move(rows_of<T>(r, scope).front());
    return std::any(std::move(parent));
  }
  template <class T>
  static void write_many(const std::any& a, std::string& out) {
    relstore::append_json(*std::any_cast<rows<T>>(&a), out);
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

  template <class... Ms>
  static constexpr std::array<maker, sizeof...(Ms)> make_makers(mp::mp_list<Ms...>) {
    return {maker{&many_of<Ms>, &one_of<Ms>, &write_many<Ms>, &write_one<Ms>}...};
  }
  // The maker of model `index` of S. Out of line, after the class:
  // RELSTORE_EXTERN_TABLES compiles every model's maker once per program
  // instead of in each translation unit that finds.
  static const maker& maker_at(std::size_t index);
};

template <class S>
auto materializer<S>::maker_at(std::size_t index) -> const maker& {
  static constexpr auto makers = make_makers(typename S::model_list{});
  return makers[index];
}

}  // namespace relstore::detail
