// has_many_repository<Schema, R>: the constrained repository of one parent's
// children, the analog of LoopBack's customerRepo.orders(customerId).
//
// Every operation acts only on children whose foreign key equals the parent
// key given at construction; none ever widens to the whole table (the key is a
// value, never "undefined"). Writes enforce referential integrity as the
// child's own repository does.
//
// A handle: invalidated when its store is destroyed or moved from.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "relstore/error.hpp"
#include "relstore/filter.hpp"
#include "relstore/patch.hpp"
#include "relstore/repository.hpp"
#include "relstore/row.hpp"
#include "relstore/store.hpp"

namespace relstore {

template <class Schema, class R>
class has_many_repository {
  using engine = detail::engine<Schema>;
  using P = typename R::parent;
  using C = typename R::child;
  using child_key_type = typename R::child_key_type;

 public:
  using parent_type = P;
  using model_type = C;
  using parent_key_type = typename R::parent_key_type;
  using key_type = typename engine::template key_t<C>;

  has_many_repository(store<Schema>* s, parent_key_type parent_key)
      : store_(s), parent_key_(std::move(parent_key)), child_key_(parent_key_) {}

  const parent_key_type& parent_key() const noexcept { return parent_key_; }

  // Creates a child of this parent. The foreign key is filled in; a payload
  // carrying another value is constraint_violation, a missing parent is
  // foreign_key_violation.
  result<C> create(C data) {
    if (auto r = claim(data); !r) return r.error();
    return repo().create(std::move(data));
  }

  result<std::vector<C>> create_all(std::vector<C> data) {
    for (auto& d : data) {
      if (auto r = claim(d); !r) return r.error();
    }
    return repo().create_all(std::move(data));
  }

  // The user's where is ANDed with the constraint.
  result<rows<C>> find(const filter<C>& f = {}) const {
    if (auto r = eng().template validate<C>(f.spec()); !r) return r.error();
    return eng().template run_children<R>(child_key_, f.spec());
  }
  result<rows<C>> find(std::string_view json) const {
    auto f = repo().parse_filter(json);
    if (!f) return std::move(f).error();
    return find(*f);
  }

  // not_found if there is no such child of this parent.
  result<C> find_by_id(const key_type& id) const {
    const C* e = mine(id);
    if (e == nullptr) return not_found(id);
    return *e;
  }
  bool exists(const key_type& id) const { return mine(id) != nullptr; }

  result<std::size_t> count(const where<C>& w = {}) const {
    if (auto r = detail::validate_where(model_info_of<C>(), w.node()); !r) return r.error();
    return select(w).size();
  }
  result<std::size_t> count(std::string_view json_where) const {
    auto w = repo().parse_where(json_where);
    if (!w) return std::move(w).error();
    return count(*w);
  }

  // Patches this parent's matching children; returns how many matched.
  // Changing the foreign key is constraint_violation.
  result<std::size_t> patch(const relstore::patch<C>& p, const where<C>& w = {}) {
    if (const value* v = p.find(R::child_key)) {
      if (*v != detail::to_operand<parent_key_type>(parent_key_)) return changed();
    }
    if (auto r = detail::validate_where(model_info_of<C>(), w.node()); !r) return r.error();
    auto targets = select(w);
    auto r = eng().template update<C>(targets, [&](const C& old) { return engine::apply_patch(old, p); });
    if (!r) return std::move(r).error();
    return targets.size();
  }

  // Deletes this parent's matching children (policies apply); returns how
  // many matched. Another parent's children are never touched.
  result<std::size_t> delete_all(const where<C>& w = {}) {
    if (auto r = detail::validate_where(model_info_of<C>(), w.node()); !r) return r.error();
    return eng().template erase<C>(select(w));
  }
  result<std::size_t> delete_all(std::string_view json_where) {
    auto w = repo().parse_where(json_where);
    if (!w) return std::move(w).error();
    return delete_all(*w);
  }

 private:
  repository<Schema, C> repo() const { return repository<Schema, C>(store_); }
  engine& eng() const { return store_->engine_; }

  std::vector<const C*> select(const where<C>& w) const { return eng().template children_of<R>(child_key_, &w.node()); }

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

  // Fills in the foreign key; rejects a payload naming another parent.
  result<void> claim(C& data) const {
    auto& fk = data.*detail::member_pointer<C, R::child_key>;
    if constexpr (R::child_key_nullable) {
      if (fk && *fk != parent_key_) return changed();
    } else {
      if (fk != parent_key_type{} && fk != parent_key_) return changed();
    }
    fk = parent_key_;
    return {};
  }

  static error changed() {
    return make_error(errc::constraint_violation,
                      "Property \"" + std::string(detail::field_names<C>()[R::child_key]) + "\" cannot be changed!");
  }
  error not_found(const key_type& id) const {
    return make_error(errc::not_found, std::string(detail::model_name<C>()) + " with " +
                                           std::string(detail::field_names<C>()[engine::template pk<C>]) + " " +
                                           detail::key_text(detail::view_of(id)) + " not found under " +
                                           std::string(detail::model_name<P>()) + " " +
                                           detail::key_text(detail::view_of(parent_key_)));
  }

  store<Schema>* store_;
  parent_key_type parent_key_;
  detail::member_type<C, R::child_key> child_key_;  // parent_key_ as the foreign key's type
};

}  // namespace relstore
