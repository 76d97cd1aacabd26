// repository<Schema, M>: CRUD on one model, the analog of LoopBack's
// DefaultCrudRepository. Every write enforces referential integrity and is
// all-or-nothing.
//
// A repository is a cheap handle: it refers to its store and is invalidated
// when the store is destroyed or moved from. Results are copies.
//
// Writes never carry related entities: a model struct has no navigational
// property (a relation name may not be a field), and a JSON payload naming a
// relation is rejected with invalid_argument. Related data goes through the
// relation: related<"orders">(id).create(...).
#pragma once

#include <cstddef>
#include <string_view>
#include <utility>
#include <vector>

#include "relstore/error.hpp"
#include "relstore/filter.hpp"
#include "relstore/fwd.hpp"
#include "relstore/patch.hpp"
#include "relstore/query_plan.hpp"
#include "relstore/row.hpp"
#include "relstore/store.hpp"

namespace relstore {

namespace detail {
result<std::vector<std::pair<std::uint32_t, value>>> parse_object_json(const registry& reg, std::size_t model,
                                                                       std::string_view json);

template <class S, class M, fixed_string Name>
constexpr std::size_t find_has_many() {
  std::size_t found = npos, i = 0;
  mp::mp_for_each<typename S::relation_list>([&](auto rel) {
    using R = decltype(rel);
    if constexpr (std::is_same_v<typename R::parent, M>) {
      if (R::name() == Name.view()) found = i;
    }
    ++i;
  });
  return found;
}

template <class S, class M, fixed_string Name>
constexpr std::size_t find_belongs_to() {
  std::size_t found = npos, i = 0;
  mp::mp_for_each<typename S::relation_list>([&](auto rel) {
    using R = decltype(rel);
    if constexpr (std::is_same_v<typename R::child, M>) {
      if (R::inverse_name() == Name.view()) found = i;
    }
    ++i;
  });
  return found;
}
}  // namespace detail

template <class Schema, class M>
class repository {
  using engine = detail::engine<Schema>;

 public:
  using model_type = M;
  using key_type = typename engine::template key_t<M>;

  explicit repository(store<Schema>* s) : store_(s) {}

  // Creates `entity`. An int64 primary key left at 0 is assigned (increasing);
  // an explicit one is kept. Errors: already_exists, foreign_key_violation,
  // invalid_argument (an empty string key).
  result<M> create(M entity) { return eng().template create<M>(std::move(entity)); }

  // Creates all or none, in order; an element may reference an earlier one or
  // itself. The error is the first bad element's, prefixed with its index.
  result<std::vector<M>> create_all(std::vector<M> entities) {
    return eng().template create_all<M>(std::move(entities));
  }

  // Creates from a JSON object of field values. Unknown fields and
  // navigational properties are invalid_argument.
  result<M> create_json(std::string_view json) {
    auto fields = detail::parse_object_json(Schema::registry(), index(), json);
    if (!fields) return std::move(fields).error();
    patch<M> p;
    for (auto& [f, v] : *fields) p.put(f, std::move(v));
    auto e = engine::apply_patch(M{}, p);
    if (!e) return std::move(e).error();
    return create(std::move(*e));
  }

  result<rows<M>> find(const filter<M>& f = {}) const {
    if (auto r = eng().template validate<M>(f.spec()); !r) return r.error();
    return eng().template run<M>(f.spec());
  }
  result<rows<M>> find(std::string_view json) const {
    auto f = parse_filter(json);
    if (!f) return std::move(f).error();
    return find(*f);
  }

  // The first match; not_found when nothing matches.
  result<row<M>> find_one(const filter<M>& f = {}) const {
    filter<M> one = f;
    auto spec = one.spec();
    spec.limit = 1;
    auto r = find(filter<M>(std::move(spec)));
    if (!r) return std::move(r).error();
    if (r->empty())
      return make_error(errc::not_found, std::string(detail::model_name<M>()) + ": no entity matches the filter");
    return std::move(r->front());
  }

  result<M> find_by_id(const key_type& id) const {
    const M* e = eng().template tab<M>().find(id);
    if (e == nullptr) return not_found(id);
    return *e;
  }

  // With the filter's include and fields; its where, order, skip and limit
  // are ignored.
  result<row<M>> find_by_id(const key_type& id, const filter<M>& f) const {
    if (auto r = eng().template validate<M>(f.spec()); !r) return r.error();
    const M* e = eng().template tab<M>().find(id);
    if (e == nullptr) return not_found(id);
    auto spec = f.spec();
    spec.where.reset();
    spec.skip = 0;
    spec.limit.reset();
    return std::move(eng().template materialize<M>({e}, spec).front());
  }

  bool exists(const key_type& id) const { return eng().template tab<M>().find(id) != nullptr; }

  result<std::size_t> count(const where<M>& w = {}) const { return count_node(&w.node()); }
  result<std::size_t> count(std::string_view json_where) const {
    auto w = parse_where(json_where);
    if (!w) return std::move(w).error();
    return count(*w);
  }

  // How find(f) would be answered, and how many entities it examines.
  result<query_plan> explain(const filter<M>& f) const {
    if (auto r = eng().template validate<M>(f.spec()); !r) return r.error();
    query_plan plan;
    (void)eng().template select<M>(f.spec().where ? &*f.spec().where : nullptr, &plan);
    return plan;
  }

  // Patches the entity with key `id`. Errors: not_found, foreign_key_violation,
  // restrict_violation (a referenced key changes), already_exists, invalid_argument.
  result<M> update_by_id(const key_type& id, const patch<M>& p) {
    const M* e = eng().template tab<M>().find(id);
    if (e == nullptr) return not_found(id);
    auto r = eng().template update<M>({e}, [&](const M& old) { return engine::apply_patch(old, p); });
    if (!r) return std::move(r).error();
    return *r->front();
  }

  // Replaces the entity with key `id` by `entity`. A primary key left at its
  // default (0 or "") in `entity` means `id`.
  result<M> replace_by_id(const key_type& id, M entity) {
    const M* e = eng().template tab<M>().find(id);
    if (e == nullptr) return not_found(id);
    auto& k = entity.*detail::member_pointer<M, engine::template pk<M>>;
    if (k == key_type{}) k = id;
    auto r = eng().template update<M>({e}, [&](const M&) -> result<M> { return entity; });
    if (!r) return std::move(r).error();
    return *r->front();
  }

  // Patches every match; returns how many matched. All or nothing.
  result<std::size_t> update_all(const patch<M>& p, const where<M>& w = {}) {
    if (auto r = detail::validate_where(model_info_of<M>(), w.node()); !r) return r.error();
    auto targets = eng().template select<M>(&w.node());
    auto r = eng().template update<M>(targets, [&](const M& old) { return engine::apply_patch(old, p); });
    if (!r) return std::move(r).error();
    return targets.size();
  }

  // Deletes the entity and applies every relation's on_delete policy.
  // Errors: not_found, restrict_violation.
  result<void> delete_by_id(const key_type& id) {
    const M* e = eng().template tab<M>().find(id);
    if (e == nullptr) return not_found(id);
    auto r = eng().template erase<M>({e});
    if (!r) return std::move(r).error();
    return {};
  }

  // Deletes every match (all entities for an empty where); returns how many
  // matched. Cascaded and set-null rows are not counted.
  result<std::size_t> delete_all(const where<M>& w = {}) {
    if (auto r = detail::validate_where(model_info_of<M>(), w.node()); !r) return r.error();
    return eng().template erase<M>(eng().template select<M>(&w.node()));
  }
  result<std::size_t> delete_all(std::string_view json_where) {
    auto w = parse_where(json_where);
    if (!w) return std::move(w).error();
    return delete_all(*w);
  }

  result<filter<M>> parse_filter(std::string_view json) const {
    auto spec = detail::parse_filter_json(Schema::registry(), index(), json);
    if (!spec) return std::move(spec).error();
    return filter<M>(std::move(*spec));
  }
  result<where<M>> parse_where(std::string_view json) const {
    auto node = detail::parse_where_json(Schema::registry(), index(), json);
    if (!node) return std::move(node).error();
    return where<M>(std::move(*node));
  }
  // A patch from a JSON object; unknown fields and navigational properties
  // are invalid_argument, a value of the wrong type too.
  result<patch<M>> parse_patch(std::string_view json) const {
    auto fields = detail::parse_object_json(Schema::registry(), index(), json);
    if (!fields) return std::move(fields).error();
    patch<M> p;
    for (auto& [f, v] : *fields) p.put(f, std::move(v));
    if (auto e = engine::apply_patch(M{}, p); !e) return std::move(e).error();
    return p;
  }

  // The constrained repository of has_many `Name` for the parent whose key
  // (key_from) is `parent_key`: customers.related<"orders">(customer_id).
  template <detail::fixed_string Name>
  auto related(const typename boost::mp11::mp_at_c<typename Schema::relation_list,
                                                   detail::find_has_many<Schema, M, Name>()>::parent_key_type&
                   parent_key) const {
    constexpr std::size_t i = detail::find_has_many<Schema, M, Name>();
    static_assert(i != detail::npos, "relstore: no has_many relation of this model has that name");
    using R = boost::mp11::mp_at_c<typename Schema::relation_list, i>;
    return has_many_repository<Schema, R>(store_, parent_key);
  }

  // The parent of the entity with key `id` through belongs_to `Name`:
  // orders.belongs_to<"customer">(order_id). not_found if the entity does not
  // exist or its foreign key is null.
  template <detail::fixed_string Name>
  auto belongs_to(const key_type& id) const
      -> result<typename boost::mp11::mp_at_c<typename Schema::relation_list,
                                              detail::find_belongs_to<Schema, M, Name>()>::parent> {
    constexpr std::size_t i = detail::find_belongs_to<Schema, M, Name>();
    static_assert(i != detail::npos, "relstore: no belongs_to relation of this model has that name");
    using R = boost::mp11::mp_at_c<typename Schema::relation_list, i>;
    using P = typename R::parent;
    const M* e = eng().template tab<M>().find(id);
    if (e == nullptr) return not_found(id);
    const auto& fk = e->*detail::member_pointer<M, R::child_key>;
    const auto* key = key_ptr(fk);
    const auto& idx = eng().template tab<P>().template index<R::parent_key>();
    if (key != nullptr) {
      auto it = idx.find(*key);
      if (it != idx.end()) return *it;
    }
    return make_error(errc::not_found, std::string(detail::model_name<M>()) + " " +
                                           detail::key_text(detail::view_of(id)) + ": " + std::string(Name.view()) +
                                           " not found (" + detail::field_text<M, R::child_key>() + " = " +
                                           detail::key_text(detail::view_of(fk)) + ")");
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
  static std::size_t index() { return Schema::template model_index<M>; }
  engine& eng() const { return store_->engine_; }
  static error not_found(const key_type& id) {
    return make_error(errc::not_found, std::string(detail::model_name<M>()) + " with " +
                                           std::string(detail::field_names<M>()[engine::template pk<M>]) + " " +
                                           detail::key_text(detail::view_of(id)) + " not found");
  }
  result<std::size_t> count_node(const detail::where_node* w) const {
    if (auto r = detail::validate_where(model_info_of<M>(), *w); !r) return r.error();
    return eng().template select<M>(w).size();
  }

  store<Schema>* store_;
};

}  // namespace relstore

#include "relstore/has_many_repository.hpp"  // IWYU pragma: export (related() returns one)
