// engine<S>: the relation engine behind store<S>, a thin facade over its
// jobs, each in its own header:
//   storage.hpp      the typed tables (Boost.MultiIndex) and their type-erased view
//   query.hpp        planning, where, order, paging (run-time, shared with datasets)
//   materialize.hpp  rows, includes and projection
//   write.hpp        creates and updates
//   integrity.hpp    the checks of one write; verify.hpp the checks of a whole store
//   cascade.hpp      deletes and their on-delete policies
// Internal: reached only through store and repositories.
#pragma once

#include <boost/mp11/algorithm.hpp>
#include <cstddef>
#include <utility>
#include <vector>

#include "relstore/detail/cascade.hpp"
#include "relstore/detail/materialize.hpp"
#include "relstore/detail/query.hpp"
#include "relstore/detail/storage.hpp"
#include "relstore/detail/verify.hpp"
#include "relstore/detail/write.hpp"
#include "relstore/error.hpp"
#include "relstore/limits.hpp"
#include "relstore/registry.hpp"
#include "relstore/row.hpp"

namespace relstore::detail {

template <class S>
class engine {
 public:
  using model_list = typename S::model_list;
  template <class M>
  using table_t = typename storage<S>::template table_t<M>;
  template <class M>
  using key_t = typename storage<S>::template key_t<M>;
  template <class M>
  static constexpr std::size_t pk = storage<S>::template pk<M>;
  template <class M>
  static constexpr std::size_t model_index = mp::mp_find<model_list, M>::value;

  static const registry& schema() { return S::registry(); }

  storage<S>& tables() noexcept { return st_; }
  const storage<S>& tables() const noexcept { return st_; }
  template <class M>
  table_t<M>& tab() {
    return st_.template tab<M>();
  }
  template <class M>
  const table_t<M>& tab() const {
    return st_.template tab<M>();
  }

  // ------------------------------------------------------------------ reads

  const limits& bounds() const noexcept { return limits_; }
  void set_bounds(const limits& l) noexcept { limits_ = l; }

  template <class M>
  result<void> validate(const filter_spec& spec) const {
    return validate_filter(schema(), model_index<M>, spec, limits_);
  }
  // REQUIRES: w validated.
  template <class M>
  std::vector<const void*> select(const where_node* w, query_plan* plan = nullptr) const {
    return detail::select(tab<M>(), w, plan);
  }
  // REQUIRES: spec validated.
  template <class M>
  result<rows<M>> run(const filter_spec& spec, const where_node* extra = nullptr) const {
    return rows_of<M>(run_query(tab<M>(), spec, extra), spec);
  }
  template <class M>
  result<rows<M>> rows_of(std::vector<const void*> hits, const filter_spec& spec) const {
    return materializer<S>::template rows_of<M>(st_, std::move(hits), spec, limits_);
  }
  template <class R>
  std::vector<const void*> children_of(const member_type<typename R::child, R::child_key>& key,
                                       const where_node* w) const {
    return materializer<S>::template children_of<R>(st_, key, w);
  }
  template <class R>
  result<rows<typename R::child>> run_children(const member_type<typename R::child, R::child_key>& key,
                                               const filter_spec& spec) const {
    return materializer<S>::template run_children<R>(st_, key, spec, limits_);
  }

  // ----------------------------------------------------------------- writes

  template <class M>
  result<M> create(M&& e) {
    return detail::create(st_, std::move(e));
  }
  template <class M>
  result<std::vector<M>> create_all(std::vector<M> es) {
    return detail::create_all(st_, std::move(es));
  }
  template <class M, class Make>
  result<void> update(const std::vector<const void*>& targets, Make&& make) {
    return detail::update<M>(st_, targets, std::forward<Make>(make));
  }
  // Deletes `roots` (entities of M) and applies every relation's policy;
  // returns how many roots the call deleted itself.
  template <class M>
  result<std::size_t> erase(const std::vector<const void*>& roots) {
    auto bases = st_.bases();
    auto plan = plan_delete(schema(), bases.data(), model_index<M>, roots);
    if (!plan) return std::move(plan).error();
    apply_delete(st_.mutable_bases().data(), *plan);
    return plan->roots;
  }

  // Removes every entity; automatic keys start again at 1.
  void clear() noexcept {
    mp::mp_for_each<model_list>([&](auto m) {
      auto& t = tab<decltype(m)>();
      t.items.clear();
      t.keys().reset();
    });
  }

  // -------------------------------------------------------------- integrity

  // Every key unique, every foreign key resolved: the check a load runs.
  result<void> verify_all(const verify_options& options = {}) const {
    return verify_first(schema(), st_.bases().data(), options);
  }

  // Same entities, field by field (doubles compared bit for bit).
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
  storage<S> st_;
  limits limits_;
};

}  // namespace relstore::detail
