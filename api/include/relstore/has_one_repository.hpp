// has_one_repository<Schema, R>: the constrained repository of one parent's
// child under a has_one, the analog of LoopBack's supplierRepo.account(id):
// get, create, patch and delete act only on that child.
//
// It is a has_many_repository of the same relation (every rule of a
// constrained view holds: the foreign key is filled in, another value is
// constraint_violation, nothing ever widens to the whole table), plus the
// has_one rule the engine enforces on every write: a second child of the
// parent is already_exists, naming both.
//
// A handle: invalidated when its store is destroyed or moved from.
#pragma once

#include <cstddef>
#include <string_view>
#include <type_traits>
#include <utility>

#include "relstore/delete_report.hpp"
#include "relstore/error.hpp"
#include "relstore/filter.hpp"
#include "relstore/fwd.hpp"
#include "relstore/has_many_repository.hpp"
#include "relstore/patch.hpp"
#include "relstore/row.hpp"

namespace relstore {

template <class Schema, class R>
class has_one_repository {
  using C = typename R::child;
  using view = has_many_repository<Schema, R>;
  static constexpr bool writable = !std::is_const_v<Schema>;
  using store_type =
      std::conditional_t<writable, store<std::remove_const_t<Schema>>, const store<std::remove_const_t<Schema>>>;

 public:
  using parent_type = typename R::parent;
  using model_type = C;
  using parent_key_type = typename R::parent_key_type;

  has_one_repository(store_type* s, parent_key_type parent_key) : view_(s, std::move(parent_key)) {}

  const parent_key_type& parent_key() const noexcept { return view_.parent_key(); }

  // The child, with the filter's where (ANDed with the constraint), fields
  // and include. not_found when the parent has none (or none matches).
  result<row<C>> get(const filter<C>& f = {}) const { return only(view_.find(f)); }
  result<row<C>> get(std::string_view json) const { return only(view_.find(json)); }
  bool exists() const { return view_.count().value_or(0) != 0; }

  // Creates the parent's child; the foreign key is filled in. Errors:
  // already_exists when it has one, constraint_violation for another
  // parent's key, foreign_key_violation for a missing parent.
  template <bool W = writable>
  result<C> create(C data) {
    return view_.template create<W>(std::move(data));
  }
  // As create(data), returning only the child's key: no copy comes back.
  template <bool W = writable>
  result<typename view::key_type> insert(C data) {
    return view_.template insert<W>(std::move(data));
  }
  // (A template, so that create({}) still means create(C{}).)
  template <class Fields, bool W = writable>
  requires std::is_same_v<Fields, relstore::patch<C>> result<C> create(const Fields& fields) {
    return view_.template create<Fields, W>(fields);
  }
  template <bool W = writable>
  result<C> create_json(std::string_view json) {
    return view_.template create_json<W>(json);
  }

  // Patches the child if it matches `w`; returns how many were patched (0
  // or 1), as LoopBack's patch. Changing the foreign key is
  // constraint_violation.
  template <bool W = writable>
  result<std::size_t> patch(const relstore::patch<C>& p, const where<C>& w = {}) {
    return view_.template patch<W>(p, w);
  }

  // Deletes the child if it matches `w` (its own relations' policies
  // apply); returns 0 or 1.
  template <bool W = writable>
  result<std::size_t> delete_all(const where<C>& w = {}) {
    return view_.template delete_all<W>(w);
  }
  // What delete_all(w) would do, without changing anything.
  result<delete_report> plan_delete_all(const where<C>& w = {}) const { return view_.plan_delete_all(w); }

 private:
  // The child a find of the view found, or not_found.
  result<row<C>> only(result<rows<C>> found) const {
    return std::move(found).and_then([&](rows<C> r) -> result<row<C>> {
      if (r.empty()) return none();
      return std::move(r.front());
    });
  }
  error none() const {
    return make_error(errc::not_found, model_info_of<parent_type>().name + " " +
                                           describe(detail::view_of(parent_key())) + " has no " +
                                           std::string(R::name()) + " (" + model_info_of<C>().name + ")");
  }

  view view_;
};

}  // namespace relstore
