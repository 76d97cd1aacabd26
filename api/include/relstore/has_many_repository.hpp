// has_many_repository<Schema, R>: the constrained repository of one parent's
// children, the analog of LoopBack's customerRepo.orders(customerId).
//
// Every operation acts only on children whose foreign key equals the parent
// key given at construction; none ever widens to the whole table (the key is a
// value, never "undefined"). Writes enforce referential integrity as the
// child's own repository does. With a const Schema (from a read-only
// repository) it reads only: its writes do not compile.
//
// A handle: invalidated when its store is destroyed or moved from.
#pragma once

#include <algorithm>
#include <concepts>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "relstore/delete_report.hpp"
#include "relstore/detail/errors.hpp"
#include "relstore/detail/json_filter.hpp"
#include "relstore/detail/key_batch.hpp"
#include "relstore/detail/where.hpp"
#include "relstore/entity_view.hpp"
#include "relstore/error.hpp"
#include "relstore/filter.hpp"
#include "relstore/fwd.hpp"
#include "relstore/patch.hpp"
#include "relstore/row.hpp"
#include "relstore/store.hpp"

namespace relstore {

template <class Schema, class R>
class has_many_repository {
  using S = std::remove_const_t<Schema>;
  using engine = detail::engine<S>;
  using P = typename R::parent;
  using C = typename R::child;
  using child_key_type = typename R::child_key_type;
  static constexpr bool writable = !std::is_const_v<Schema>;
  using store_type = std::conditional_t<writable, store<S>, const store<S>>;
  using spec = detail::spec_access;

 public:
  using parent_type = P;
  using model_type = C;
  using parent_key_type = typename R::parent_key_type;
  using key_type = typename engine::template key_t<C>;

  has_many_repository(store_type* s, parent_key_type parent_key)
      : store_(s), parent_key_(std::move(parent_key)), child_key_(parent_key_) {}

  const parent_key_type& parent_key() const noexcept { return parent_key_; }

  // Creates a child of this parent. The foreign key is filled in; a payload
  // carrying another value is constraint_violation, a missing parent is
  // foreign_key_violation.
  template <bool W = writable>
  result<C> create(C data) {
    return claim(data).and_then([&] { return writer<W>().template create<C>(std::move(data)); });
  }
  // As create(data), returning only the child's key: no copy comes back.
  template <bool W = writable>
  result<key_type> insert(C data) {
    return claim(data).and_then([&] { return writer<W>().template insert<C>(std::move(data)); });
  }

  // Creates a child from the fields `fields` sets; the others keep C's
  // defaults. Unlike create(C), a field set to null or 0 counts as given, as
  // in LoopBack: a foreign key given with any value but this parent's key,
  // null included, is constraint_violation. Required fields and generated
  // keys follow check_create's rule (model_settings).
  // (A template, so that create({}) still means create(C{}).)
  template <class Fields, bool W = writable>
  requires std::is_same_v<Fields, relstore::patch<C>> result<C> create(const Fields& fields) {
    return create_from<W>(spec::spec(fields));
  }
  // The same from a JSON object: {"customerId": null} is given, {} is not.
  template <bool W = writable>
  result<C> create_json(std::string_view json) {
    return detail::parse_object_json(S::registry(), child_index(), json).and_then([&](const detail::field_changes& c) {
      return create_from<W>(c);
    });
  }

  template <bool W = writable>
  result<std::vector<C>> create_all(std::vector<C> data) {
    return claim_all(data).and_then([&] { return writer<W>().template create_all<C>(std::move(data)); });
  }
  // As create_all(data), returning only the children's keys, in order.
  template <bool W = writable>
  result<std::vector<key_type>> insert_all(std::vector<C> data) {
    return claim_all(data).and_then([&] { return writer<W>().template insert_all<C>(std::move(data)); });
  }

  // The user's where is ANDed with the constraint.
  result<rows<C>> find(const filter<C>& f = {}) const {
    return eng().template validate<C>(spec::spec(f)).and_then([&] {
      return eng().template run_children<R>(child_key_, spec::spec(f));
    });
  }
  result<rows<C>> find(std::string_view json) const {
    return parse_filter(json).and_then([&](const filter<C>& f) { return find(f); });
  }

  // This parent's children find(f) returns, in its order, uncopied; as
  // repository::view (the view is invalidated by any write to the store).
  result<entity_view<C>> view(const filter<C>& f = {}) const {
    return eng().template validate<C>(spec::spec(f)).and_then([&] {
      return eng().template child_entities<R>(child_key_, spec::spec(f)).transform([&](detail::query_result hits) {
        return detail::entity_view_access::make<C>(std::move(hits), &eng().write_count());
      });
    });
  }
  // (Templates, so that view({}) and visit({}, fn) still take a filter.)
  template <class Json>
  requires std::is_convertible_v<const Json&, std::string_view> result<entity_view<C>> view(const Json& json)
  const {
    return parse_filter(json).and_then([&](const filter<C>& f) { return view(f); });
  }
  // Calls fn(const C&) on each child view(f) holds; returns how many.
  // REQUIRES: fn does not write to the store (checked in Debug builds).
  template <class Fn>
  requires std::invocable<Fn&, const C&> result<std::size_t> visit(const filter<C>& f, Fn&& fn)
  const {
    auto checked = eng().reading(fn);
    if (auto all = eng().template visit_all_children<R>(child_key_, spec::spec(f), checked)) return *all;
    return eng().template visitable<C>(spec::spec(f)).and_then([&] {
      return view(f).transform([&](const entity_view<C>& v) {
        for (const C& e : v) checked(e);
        return v.size();
      });
    });
  }
  template <class Json, class Fn>
  requires std::is_convertible_v<const Json&, std::string_view> && std::invocable<Fn&, const C&> result<std::size_t>
  visit(const Json& json, Fn&& fn)
  const {
    return parse_filter(json).and_then([&](const filter<C>& f) { return visit(f, fn); });
  }

  // Calls fn(const C&) on each of this parent's children in the order its
  // foreign key index holds them, which any write may change (visit gives
  // key order); returns how many. The fastest read of a family: one walk of
  // the index range, each child handed over as it is reached, no sort and
  // nothing gathered. REQUIRES: fn does not write to the store (checked in
  // Debug builds).
  template <class Fn>
  requires std::invocable<Fn&, const C&> std::size_t for_each_unordered(Fn&& fn)
  const { return eng().template visit_children_unordered<R>(child_key_, eng().reading(fn)); }

  // repository::visit_by_ids on this parent's children: a key naming no
  // child of this parent (another parent's, or nothing) is passed over.
  // REQUIRES: fn does not write to the store (checked in Debug builds).
  template <class Fn>
  requires std::invocable<Fn&, const C&> std::size_t visit_by_ids(std::span<const key_type> ids, Fn&& fn)
  const {
    return detail::visit_keys<C>(
        ids, [&](const key_type& k) { return mine(k); }, eng().reading(fn));
  }

  // not_found if there is no such child of this parent.
  result<C> find_by_id(const key_type& id) const {
    const C* e = mine(id);
    if (e == nullptr) return not_found(id);
    return *e;
  }
  bool exists(const key_type& id) const { return mine(id) != nullptr; }

  result<std::size_t> count(const where<C>& w = {}) const {
    return matching(w).transform([](const std::vector<const void*>& hits) { return hits.size(); });
  }
  result<std::size_t> count(std::string_view json_where) const {
    return parse_where(json_where).and_then([&](const where<C>& w) { return count(w); });
  }

  // Patches this parent's matching children; returns how many matched.
  // Changing the foreign key is constraint_violation.
  template <bool W = writable>
  result<std::size_t> patch(const relstore::patch<C>& p, const where<C>& w = {}) {
    if (const value* v = p.find(R::child_key)) {
      if (*v != detail::to_operand<parent_key_type>(parent_key_)) return changed(detail::as_view(*v));
    }
    if (detail::matches_all(spec::spec(w))) {
      if (auto done = writer<W>().template patch_children_in_place<R>(child_key_, spec::spec(p), spec::typed(p)))
        return *done;
    }
    const bool any_order = eng().template patches_in_place<C>(spec::spec(p));
    return matching(w, !any_order).and_then([&](const std::vector<const void*>& targets) -> result<std::size_t> {
      return writer<W>().template patch<C>(targets, spec::spec(p), spec::typed(p)).transform([&] {
        return targets.size();
      });
    });
  }

  // repository::update_each on this parent's matching children. The foreign
  // key is indexed, so fn cannot move a child to another parent.
  template <class Fn, bool W = writable>
  requires std::is_invocable_v<Fn&, C&> result<std::size_t> update_each(const where<C>& w, Fn&& fn) {
    return matching(w, false).and_then(
        [&](std::vector<const void*> targets) { return writer<W>().template update_each<C>(targets, fn); });
  }
  template <auto... Members, class Fn, bool W = writable>
  result<std::size_t> update_each(const where<C>& w, writes_t<Members...>, Fn&& fn) {
    return matching(w, false).and_then([&](std::vector<const void*> targets) {
      return writer<W>().template update_fields<C, Members...>(targets, fn);
    });
  }

  // Deletes this parent's matching children (policies apply); returns how
  // many it deleted itself (repository::delete_all's count). Another
  // parent's children are never touched.
  template <bool W = writable>
  result<std::size_t> delete_all(const where<C>& w = {}) {
    return matching(w).and_then(
        [&](const std::vector<const void*>& hits) { return writer<W>().template erase<C>(hits); });
  }
  template <bool W = writable>
  result<std::size_t> delete_all(std::string_view json_where) {
    return parse_where(json_where).and_then([&](const where<C>& w) { return delete_all<W>(w); });
  }

  // What delete_all(w) would do, without changing anything.
  result<delete_report> plan_delete_all(const where<C>& w = {}) const {
    return matching(w).transform(
        [&](const std::vector<const void*>& hits) { return eng().template plan_erase<C>(hits); });
  }
  result<delete_report> plan_delete_all(std::string_view json_where) const {
    return parse_where(json_where).and_then([&](const where<C>& w) { return plan_delete_all(w); });
  }

 private:
  static std::size_t child_index() { return S::template model_index<C>; }
  result<filter<C>> parse_filter(std::string_view json) const {
    return detail::parse_filter_json(S::registry(), child_index(), json).transform([](detail::filter_spec s) {
      return spec::make<filter<C>>(std::move(s));
    });
  }
  const engine& eng() const { return detail::store_access::of(*store_); }
  template <bool W>
  engine& writer() const {
    return detail::store_access::writer<W>(store_);
  }

  result<where<C>> parse_where(std::string_view json) const {
    return detail::parse_where_json(S::registry(), child_index(), json).transform([](detail::where_node n) {
      return spec::make<where<C>>(std::move(n));
    });
  }
  result<void> checked(const where<C>& w) const {
    return detail::validate_where(model_info_of<C>(), spec::spec(w), eng().bounds());
  }
  // This parent's children `w` matches, in key order (key_order false: in no
  // given order). Errors: invalid_filter, limit_exceeded.
  result<std::vector<const void*>> matching(const where<C>& w, bool key_order = true) const {
    return checked(w).and_then([&] { return eng().template children_of<R>(child_key_, &spec::spec(w), key_order); });
  }

  const C* mine(const key_type& id) const {
    const C* e = eng().template tab<C>().find(id);
    if (e == nullptr) return nullptr;
    const auto& fk = e->*detail::member_pointer<C, R::child_key>;
    if constexpr (R::child_key_nullable) {
      return fk && *fk == parent_key_ ? e : nullptr;
    } else {
      return fk == parent_key_ ? e : nullptr;
    }
  }

  // Fills in the foreign key; rejects a payload naming another parent. A
  // typed entity cannot say "given": an empty optional or a 0 means left out.
  result<void> claim(C& data) const {
    auto& fk = data.*detail::member_pointer<C, R::child_key>;
    if constexpr (R::child_key_nullable) {
      if (fk && *fk != parent_key_) return changed(detail::view_of(fk));
    } else {
      if (fk != parent_key_type{} && fk != parent_key_) return changed(detail::view_of(fk));
    }
    fk = parent_key_;
    return {};
  }
  result<void> claim_all(std::vector<C>& data) const {
    for (auto& d : data) {
      if (auto r = claim(d); !r) return r;
    }
    return {};
  }

  // Types first: a foreign key of the wrong type ("5", 5.0) is
  // invalid_argument as on any other route; a key given that names another
  // parent (0 and null included) is constraint_violation.
  template <bool W>
  result<C> create_from(const detail::field_changes& fields) {
    return detail::entity_from<C>(fields).and_then([&](C e) -> result<C> {
      const auto& fk = e.*detail::member_pointer<C, R::child_key>;
      const bool given =
          std::any_of(fields.begin(), fields.end(), [](const auto& c) { return c.field == R::child_key; });
      if (given && !(fk == parent_key_)) return changed(detail::view_of(fk));
      return create<W>(std::move(e));
    });
  }

  error changed(const value_view& given) const {
    return detail::key_cannot_change(model_info_of<C>(), R::child_key, given, model_info_of<P>(),
                                     detail::view_of(parent_key_));
  }
  error not_found(const key_type& id) const {
    return detail::not_found_under(model_info_of<C>(), detail::view_of(id), model_info_of<P>(),
                                   detail::view_of(parent_key_));
  }

  store_type* store_;
  parent_key_type parent_key_;
  detail::member_type<C, R::child_key> child_key_;  // parent_key_ as the foreign key's type
};

}  // namespace relstore
