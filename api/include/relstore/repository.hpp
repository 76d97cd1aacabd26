// repository<Schema, M>: CRUD on one model, the analog of LoopBack's
// DefaultCrudRepository. Every write enforces referential integrity and is
// all-or-nothing.
//
// A repository is a cheap handle: it refers to its store and is invalidated
// when the store is destroyed or moved from. Results are copies, except
// view and visit, which read the stored entities in place. A
// repository of a const store (repository<const Schema, M>) reads only: its
// writes do not compile.
//
// Writes never carry related entities: a model struct has no navigational
// property (a relation name may not be a field), and a JSON payload naming a
// relation is rejected with invalid_argument. Related data goes through the
// relation: related<"orders">(id).create(...).
#pragma once

#include <concepts>
#include <cstddef>
#include <span>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "relstore/delete_report.hpp"
#include "relstore/detail/errors.hpp"
#include "relstore/detail/json_filter.hpp"
#include "relstore/detail/key_batch.hpp"
#include "relstore/detail/relations.hpp"
#include "relstore/detail/where.hpp"
#include "relstore/entity_view.hpp"
#include "relstore/error.hpp"
#include "relstore/filter.hpp"
#include "relstore/fwd.hpp"
#include "relstore/has_many_repository.hpp"
#include "relstore/has_many_through_repository.hpp"
#include "relstore/has_one_repository.hpp"
#include "relstore/patch.hpp"
#include "relstore/query_plan.hpp"
#include "relstore/row.hpp"
#include "relstore/store.hpp"

namespace relstore {

template <class Schema, class M>
class repository {
  using S = std::remove_const_t<Schema>;
  using engine = detail::engine<S>;
  static constexpr bool writable = !std::is_const_v<Schema>;
  using store_type = std::conditional_t<writable, store<S>, const store<S>>;
  using spec = detail::spec_access;

 public:
  using model_type = M;
  using key_type = typename engine::template key_t<M>;

  explicit repository(store_type* s) : store_(s) {}

  // Creates `entity`. An int64 primary key left at 0 is assigned (increasing);
  // an explicit one is kept. Errors: already_exists, foreign_key_violation,
  // invalid_argument (an empty string key), key_space_exhausted.
  template <bool W = writable>
  result<M> create(M entity) {
    return writer<W>().template create<M>(std::move(entity));
  }
  // As create(entity), returning only the key it was stored under: no copy
  // of the stored entity (its strings and vectors) comes back.
  template <bool W = writable>
  result<key_type> insert(M entity) {
    return writer<W>().template insert<M>(std::move(entity));
  }

  // Creates all or none, in order; an element may reference an earlier one or
  // itself. The error is the first bad element's, prefixed with its index.
  template <bool W = writable>
  result<std::vector<M>> create_all(std::vector<M> entities) {
    return writer<W>().template create_all<M>(std::move(entities));
  }
  // As create_all, returning only the keys, in order.
  template <bool W = writable>
  result<std::vector<key_type>> insert_all(std::vector<M> entities) {
    return writer<W>().template insert_all<M>(std::move(entities));
  }

  // Creates from the fields `fields` sets; the others keep M's defaults. A
  // required field left out, or a generated key given (0 included), is
  // invalid_argument (model_settings).
  // (A template, so that create({}) still means create(M{}).)
  template <class Fields, bool W = writable>
  requires std::is_same_v<Fields, patch<M>> result<M> create(const Fields& fields) {
    return create_from<W>(spec::spec(fields));
  }

  // Creates from a JSON object of field values. Unknown fields,
  // navigational properties and a required field left out are
  // invalid_argument.
  template <bool W = writable>
  result<M> create_json(std::string_view json) {
    return detail::parse_object_json(S::registry(), index(), json).and_then([&](const detail::field_changes& c) {
      return create_from<W>(c);
    });
  }

  result<rows<M>> find(const filter<M>& f = {}) const {
    return eng().template validate<M>(spec::spec(f)).and_then([&] { return eng().template run<M>(spec::spec(f)); });
  }
  result<rows<M>> find(std::string_view json) const {
    return parse_filter(json).and_then([&](const filter<M>& f) { return find(f); });
  }

  // The entities find(f) returns, in its order, as const M& with no copy,
  // and what f's includes brought each (entity_view::included). The view is
  // invalidated by any write to the store (entity_view.hpp). Errors: find's,
  // and invalid_filter for fields (a view gives whole stored entities).
  result<entity_view<M>> view(const filter<M>& f = {}) const {
    return eng().template validate<M>(spec::spec(f)).and_then([&] {
      return eng().template entities<M>(spec::spec(f)).transform([&](detail::query_result hits) {
        return detail::entity_view_access::make<M>(std::move(hits), &eng().write_count());
      });
    });
  }
  result<entity_view<M>> view(std::string_view json) const {
    return parse_filter(json).and_then([&](const filter<M>& f) { return view(f); });
  }

  // Calls fn(const M&) on each entity view(f) holds, in order; returns how
  // many. A page walked in index order is handed over as the walk goes,
  // without a list. On an error fn was not called. Errors: view's, and
  // invalid_filter for an include (use view). REQUIRES: fn does not write
  // to the store (checked in Debug builds).
  template <class Fn>
  requires std::invocable<Fn&, const M&> result<std::size_t> visit(const filter<M>& f, Fn&& fn)
  const {
    const detail::filter_spec& sp = spec::spec(f);
    return eng().template visitable<M>(sp).and_then([&] { return eng().template validate<M>(sp); }).and_then([&] {
      return eng().template visit_entities<M>(sp, eng().reading(fn));
    });
  }
  template <class Fn>
  requires std::invocable<Fn&, const M&> result<std::size_t> visit(std::string_view json, Fn&& fn)
  const {
    return parse_filter(json).and_then([&](const filter<M>& f) { return visit(f, fn); });
  }

  // Calls fn(const M&) on the entity of each key of `ids` that names one,
  // each entity once however often its key is listed, in key order; returns
  // how many. The rows visit(field(&M::id).inq(ids)) gives, without a
  // filter to build or check: the lookups overlap, the fastest read of many
  // keys. A key naming nothing is passed over. REQUIRES: fn does not write
  // to the store (checked in Debug builds).
  template <class Fn>
  requires std::invocable<Fn&, const M&> std::size_t visit_by_ids(std::span<const key_type> ids, Fn&& fn)
  const {
    const auto& t = eng().template tab<M>();
    return detail::visit_keys<M>(
        ids, [&](const key_type& k) { return t.find(k); }, eng().reading(fn));
  }

  // A filter parsed (from JSON) and checked once, to run many times with
  // find, view, visit or find_one on this store: no JSON is read and
  // nothing is checked again. Changing the returned filter, or the store's
  // limits, makes the next run check it again, as does running it on another
  // store. Errors: invalid_filter, limit_exceeded.
  result<filter<M>> prepare(std::string_view json) const {
    return parse_filter(json).and_then([&](filter<M> f) { return prepare(std::move(f)); });
  }
  result<filter<M>> prepare(filter<M> f) const {
    if (auto r = eng().template validate<M>(spec::spec(f)); !r) return std::move(r).error();
    return spec::validated(std::move(f), eng().stamp());
  }

  // The first match; not_found when nothing matches.
  result<row<M>> find_one(const filter<M>& f = {}) const {
    detail::filter_spec one = spec::spec(f);
    one.limit = 1;
    return find(spec::make<filter<M>>(std::move(one))).and_then([](rows<M> r) -> result<row<M>> {
      if (r.empty()) return make_error(errc::not_found, model_info_of<M>().name + ": no entity matches the filter");
      return std::move(r.front());
    });
  }

  result<M> find_by_id(const key_type& id) const {
    const M* e = eng().template tab<M>().find(id);
    if (e == nullptr) return not_found(id);
    return *e;
  }

  // With the filter's include and fields; its order, skip and limit are
  // ignored. A where is invalid_filter, as LoopBack's findById excludes it:
  // the entity returned might not match it.
  result<row<M>> find_by_id(const key_type& id, const filter<M>& f) const {
    if (auto r = eng().template validate<M>(spec::spec(f)); !r) return std::move(r).error();
    if (spec::spec(f).where && !detail::matches_all(*spec::spec(f).where)) {
      return make_error(errc::invalid_filter,
                        model_info_of<M>().name + ": find by id takes no where (only fields and include)");
    }
    const M* e = eng().template tab<M>().find(id);
    if (e == nullptr) return not_found(id);
    detail::filter_spec s = spec::spec(f);
    s.where.reset();
    s.skip = 0;
    s.limit.reset();
    return eng().template rows_of<M>({e}, s).transform([](rows<M> r) { return std::move(r.front()); });
  }

  bool exists(const key_type& id) const { return eng().template tab<M>().find(id) != nullptr; }

  result<std::size_t> count(const where<M>& w = {}) const {
    return matching(w).transform([](const std::vector<const void*>& hits) { return hits.size(); });
  }
  result<std::size_t> count(std::string_view json_where) const {
    return parse_where(json_where).and_then([&](const where<M>& w) { return count(w); });
  }

  // How find(f) would be answered (the index and how it was walked), and
  // how many entities it examines.
  result<query_plan> explain(const filter<M>& f) const {
    return eng().template validate<M>(spec::spec(f)).and_then([&]() -> result<query_plan> {
      query_plan plan;
      const auto& s = spec::spec(f);
      if (auto hits = eng().template plan<M>(s, &plan); !hits) {
        return std::move(hits).error();
      }
      return plan;
    });
  }

  // Patches the entity with key `id`. Errors: not_found, foreign_key_violation,
  // restrict_violation (a referenced key changes), already_exists, invalid_argument.
  template <bool W = writable>
  result<M> update_by_id(const key_type& id, const patch<M>& p) {
    const M* e = eng().template tab<M>().find(id);
    if (e == nullptr) return not_found(id);
    const void* const target = e;
    auto& w = writer<W>();
    return w.write_then_read(e, [&] { return w.template patch<M>({&target, 1}, spec::spec(p), spec::typed(p)); });
  }

  // Replaces the entity with key `id` by `entity`. A primary key left at its
  // default (0 or "") in `entity` means `id`.
  template <bool W = writable>
  result<M> replace_by_id(const key_type& id, M entity) {
    const M* e = eng().template tab<M>().find(id);
    if (e == nullptr) return not_found(id);
    auto& k = entity.*detail::member_pointer<M, engine::template pk<M>>;
    if (k == key_type{}) k = id;
    return update_one<W>(e, [&](const M&) -> result<M> { return entity; });
  }

  // Patches every match; returns how many matched. All or nothing.
  template <bool W = writable>
  result<std::size_t> update_all(const patch<M>& p, const where<M>& w = {}) {
    const bool any_order = eng().template patches_in_place<M>(spec::spec(p));
    return matching(w, !any_order).and_then([&](const std::vector<const void*>& targets) -> result<std::size_t> {
      return writer<W>().template patch<M>(targets, spec::spec(p), spec::typed(p)).transform([&] {
        return targets.size();
      });
    });
  }

  // Runs fn(M&) on every entity `w` matches, where it is stored; returns how
  // many matched. All or nothing. fn may change any field but a primary key,
  // a foreign key or another indexed field (a key_from): if it changes one,
  // the call is invalid_argument ("Order 5: update_each changed
  // Order.customerId (1 -> 2); ...") and every entity is as it was, so each
  // is copied before fn runs (writes<...> below copies nothing). Observers
  // get an update event for each entity fn changed; a transaction rolls it
  // back; with either, fn runs on a copy and the update is journaled as
  // update_all's. Entities are visited in no given order.
  // REQUIRES: fn neither throws (but std::bad_alloc, after which every entity
  // is as it was) nor uses the store. The M& is valid only during the call.
  template <class Fn, bool W = writable>
  requires std::is_invocable_v<Fn&, M&> result<std::size_t> update_each(const where<M>& w, Fn&& fn) {
    return matching(w, false).and_then(
        [&](std::vector<const void*> targets) { return writer<W>().template update_each<M>(targets, fn); });
  }
  // The same, fn getting only the fields named, in order:
  //   orders.update_each(w, writes<&Order::total>, [](double& t) { t += 1.0; });
  // Naming a key, a foreign key or an indexed field does not compile; the
  // call copies nothing (it cannot fail once the where is valid) unless it
  // names a field that may run out of memory (a string): each entity is then
  // copied first, as above. With number fields only, fn must not throw at all.
  template <auto... Members, class Fn, bool W = writable>
  result<std::size_t> update_each(const where<M>& w, writes_t<Members...>, Fn&& fn) {
    if (detail::matches_all(spec::spec(w))) return writer<W>().template update_fields_all<M, Members...>(fn);
    return matching(w, false).and_then([&](std::vector<const void*> targets) {
      return writer<W>().template update_fields<M, Members...>(targets, fn);
    });
  }

  // Deletes the entity and applies every relation's on_delete policy.
  // Errors: not_found, restrict_violation.
  template <bool W = writable>
  result<void> delete_by_id(const key_type& id) {
    const M* e = eng().template tab<M>().find(id);
    if (e == nullptr) return not_found(id);
    const void* const root = e;
    return writer<W>().template erase<M>(std::span(&root, 1)).transform([](std::size_t) {});
  }

  // Deletes every match (all entities for an empty where); returns how many
  // matches it deleted itself, in key order, as SQLite counts changes:
  // cascaded and set-null rows, and a match an earlier match's cascade
  // already took, are not counted.
  template <bool W = writable>
  result<std::size_t> delete_all(const where<M>& w = {}) {
    return matching(w).and_then(
        [&](const std::vector<const void*>& hits) { return writer<W>().template erase<M>(hits); });
  }
  template <bool W = writable>
  result<std::size_t> delete_all(std::string_view json_where) {
    return parse_where(json_where).and_then([&](const where<M>& w) { return delete_all<W>(w); });
  }

  // What delete_by_id(id) would do, without changing anything: the rows
  // it would delete and null, or the restrict that would reject it.
  // Errors: not_found.
  result<delete_report> plan_delete(const key_type& id) const {
    const M* e = eng().template tab<M>().find(id);
    if (e == nullptr) return not_found(id);
    const void* const root = e;
    return eng().template plan_erase<M>(std::span(&root, 1));
  }
  // What delete_all(w) would do, without changing anything.
  // Errors: invalid_filter.
  result<delete_report> plan_delete_all(const where<M>& w = {}) const {
    return matching(w).transform(
        [&](const std::vector<const void*>& hits) { return eng().template plan_erase<M>(hits); });
  }
  result<delete_report> plan_delete_all(std::string_view json_where) const {
    return parse_where(json_where).and_then([&](const where<M>& w) { return plan_delete_all(w); });
  }

  result<filter<M>> parse_filter(std::string_view json) const {
    return detail::parse_filter_json(S::registry(), index(), json).transform([](detail::filter_spec s) {
      return spec::make<filter<M>>(std::move(s));
    });
  }
  result<where<M>> parse_where(std::string_view json) const {
    return detail::parse_where_json(S::registry(), index(), json).transform([](detail::where_node n) {
      return spec::make<where<M>>(std::move(n));
    });
  }
  // A patch from a JSON object; unknown fields and navigational properties
  // are invalid_argument, a value of the wrong type too.
  result<patch<M>> parse_patch(std::string_view json) const {
    return detail::parse_object_json(S::registry(), index(), json).and_then([](detail::field_changes c) {
      return detail::apply_changes(M{}, c).transform([&](const M&) { return spec::make<patch<M>>(std::move(c)); });
    });
  }

  // The constrained repository of has_many, has_one or has_many_through
  // `Name` for the parent whose key (key_from) is `parent_key`:
  // customers.related<"orders">(id) is a has_many_repository,
  // suppliers.related<"account">(id) a has_one_repository and
  // patients.related<"doctors">(id) a has_many_through_repository. A
  // read-only repository gives a read-only one.
  template <detail::fixed_string Name>
  auto related(const typename detail::related_named<S, M, Name>::type::parent_key_type& parent_key) const {
    using found = detail::related_named<S, M, Name>;
    if constexpr (!found::found) {
      return 0;  // the static_assert in related_named has said why
    } else if constexpr (found::type::is_through) {
      return has_many_through_repository<Schema, typename found::type>(store_, parent_key);
    } else if constexpr (found::type::unique) {
      return has_one_repository<Schema, typename found::type>(store_, parent_key);
    } else {
      return has_many_repository<Schema, typename found::type>(store_, parent_key);
    }
  }

  // The parent of the entity with key `id` through belongs_to `Name`:
  // orders.belongs_to<"customer">(order_id). not_found if the entity does not
  // exist or its foreign key is null.
  template <detail::fixed_string Name>
  auto belongs_to(const key_type& id) const {
    using found = detail::belongs_to_named<S, M, Name>;
    if constexpr (found::index == detail::npos) {
      return 0;  // the static_assert in belongs_to_named has said why
    } else {
      return parent_by<typename found::type>(id);
    }
  }

  // belongs_to, by relation type rather than name: the parent through R (a
  // relation of the schema whose child is M) of the entity with key `id`,
  // one lookup in the parent's key index. For callers that hold R, as
  // rest::store_backend. Errors: as belongs_to's, naming R::inverse_name().
  template <class R>
  result<typename R::parent> parent_by(const key_type& id) const {
    static_assert(std::is_same_v<typename R::child, M>, "relstore: parent_by needs a relation whose child is M");
    using P = typename R::parent;
    const M* e = eng().template tab<M>().find(id);
    if (e == nullptr) return not_found(id);
    const auto& fk = e->*detail::member_pointer<M, R::child_key>;
    if (const auto* key = detail::key_ptr(fk)) {
      const auto& idx = eng().template tab<P>().template index<R::parent_key>();
      auto it = idx.find(*key);
      if (it != idx.end()) return *it;
    }
    return detail::parent_not_found(model_info_of<M>(), detail::view_of(id), R::inverse_name(), R::child_key,
                                    detail::view_of(fk));
  }

 private:
  static std::size_t index() { return S::template model_index<M>; }
  const engine& eng() const { return detail::store_access::of(*store_); }
  template <bool W>
  engine& writer() const {
    return detail::store_access::writer<W>(store_);
  }
  // Deferred (a number key's message is worded when read): model_info_of is static.
  static error not_found(const key_type& id) {
    return detail::deferred_not_found(model_info_of<M>(), detail::view_of(id));
  }
  result<void> checked(const where<M>& w) const {
    return detail::validate_where(model_info_of<M>(), spec::spec(w), eng().bounds());
  }
  // The entities `w` matches, in key order (key_order false: in no given
  // order). Errors: invalid_filter, limit_exceeded.
  result<std::vector<const void*>> matching(const where<M>& w, bool key_order = true) const {
    return checked(w).and_then([&] { return eng().template select<M>(&spec::spec(w), nullptr, key_order); });
  }
  // Replaces stored entity `e` with make(*e), checked as any update (no
  // allocation for the one target); returns the entity as stored after.
  template <bool W, class Make>
  result<M> update_one(const M* e, Make&& make) {
    const void* const target = e;
    auto& w = writer<W>();
    return w.write_then_read(e, [&] { return w.template update<M>({&target, 1}, std::forward<Make>(make)); });
  }

  template <bool W>
  result<M> create_from(const detail::field_changes& fields) {
    return detail::entity_from<M>(fields).and_then([&](M e) { return create<W>(std::move(e)); });
  }

  store_type* store_;
};

}  // namespace relstore
