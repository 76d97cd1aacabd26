// Materialisation: from selected entities to the rows a find returns,
// copies with their includes and projection. Includes walk a relation's
// foreign key index per parent (never a scan), with the scope's where, order,
// skip and limit applied per parent through the query pipeline. Internal.
#pragma once

#include <any>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "relstore/detail/filter_spec.hpp"
#include "relstore/detail/integrity.hpp"
#include "relstore/detail/query.hpp"
#include "relstore/detail/relations.hpp"
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
  // Rows for `hits` (entities of M), with spec's include and fields.
  // REQUIRES: spec validated.
  template <class M>
  static rows<M> rows_of(const storage<S>& st, const std::vector<const void*>& hits, const filter_spec& spec) {
    rows<M> out;
    out.reserve(hits.size());
    for (const void* e : hits) out.emplace_back(*static_cast<const M*>(e));
    include_into<M>(st, out, spec.include);
    if (spec.fields) {
      for (auto& r : out) {
        r.fields = *spec.fields;
        project(r.value, *spec.fields);
      }
    }
    return out;
  }

  // R's children of the parent whose key is `key` that match `w` (null or
  // empty: all), in primary key order. One index range, never a scan.
  template <class R>
  static std::vector<const void*> children_of(const storage<S>& st,
                                              const member_type<typename R::child, R::child_key>& key,
                                              const where_node* w) {
    using C = typename R::child;
    const model_info& cinfo = info_of<C>();
    const bool all = w == nullptr || (w->kind == op::and_ && w->children.empty());
    std::vector<const void*> kids;
    st.template tab<C>().template for_each_equal<R::child_key>(key, [&](const C& c) {
      if (all || evaluate(cinfo, *w, &c)) kids.push_back(&c);
    });
    storage<S>::template table_t<C>::sort_keys(kids);
    return kids;
  }

  // find(spec) on R's children of one parent. REQUIRES: spec validated.
  template <class R>
  static rows<typename R::child> run_children(const storage<S>& st,
                                              const member_type<typename R::child, R::child_key>& key,
                                              const filter_spec& spec) {
    using C = typename R::child;
    std::vector<const void*> kids = children_of<R>(st, key, spec.where ? &*spec.where : nullptr);
    order_by(info_of<C>(), kids, spec.order);
    page(kids, spec.skip, spec.limit);
    return rows_of<C>(st, kids, spec);
  }

 private:
  template <class M>
  static void include_into(const storage<S>& st, rows<M>& parents, const std::vector<include_spec>& incs) {
    for (const auto& inc : incs) {
      visit_relation<S, M>(inc.relation, [&](auto rel, auto is_many) {
        using R = decltype(rel);
        if constexpr (decltype(is_many)::value) {
          include_many<R>(st, parents, inc);
        } else {
          include_one<R>(st, parents, inc);
        }
      });
    }
  }

  // One indexed pass per parent; the scope's skip and limit apply per parent.
  template <class R>
  static void include_many(const storage<S>& st, rows<typename R::parent>& parents, const include_spec& inc) {
    using P = typename R::parent;
    using C = typename R::child;
    using CK = member_type<C, R::child_key>;
    for (auto& p : parents) {
      p.related.push_back({inc.relation,
                           std::any(run_children<R>(st, CK(p.value.*member_pointer<P, R::parent_key>), inc.scope)),
                           &write_many<C>});
    }
  }

  template <class R>
  static void include_one(const storage<S>& st, rows<typename R::child>& children, const include_spec& inc) {
    using P = typename R::parent;
    using C = typename R::child;
    const model_info& pinfo = info_of<P>();
    const filter_spec& scope = inc.scope;
    for (auto& c : children) {
      std::optional<row<P>> parent;
      if (const auto* key = key_ptr(c.value.*member_pointer<C, R::child_key>)) {
        const auto& idx = st.template tab<P>().template index<R::parent_key>();
        auto it = idx.find(*key);
        if (it != idx.end() && (!scope.where || evaluate(pinfo, *scope.where, &*it))) {
          parent = std::move(rows_of<P>(st, {&*it}, scope).front());
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
};

}  // namespace relstore::detail
