// Filters: LoopBack's where/order/limit/skip/fields/include, in two forms with
// one meaning: a typed C++ builder and a JSON string in LoopBack's shape.
//
//   using relstore::field;
//   auto f = relstore::filter<Order>{}
//                .where(field(&Order::total) > 10.0 && field(&Order::note).like("gift%"))
//                .order(&Order::total, relstore::desc)
//                .limit(5);
//   // same as R"({"where":{"total":{"gt":10},"note":{"like":"gift%"}},
//   //            "order":["total DESC"],"limit":5})"
//
// Semantics: null only equals null; every comparison other than eq/neq/inq/nin
// with a null field is false, and neq/nin/nlike are the negations of eq/inq/like.
// like/nlike use % (any run of bytes) and _ (one byte), anchored at both ends;
// ilike/nilike also match ASCII letters in either case. regexp searches a
// JavaScript-style pattern (see field_ref::regexp); a null field matches nothing.
// Results are ordered by `order`, then by primary key.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <type_traits>
#include <utility>

#include "relstore/detail/filter_spec.hpp"
#include "relstore/detail/meta.hpp"
#include "relstore/detail/relations.hpp"
#include "relstore/model.hpp"
#include "relstore/op.hpp"
#include "relstore/value.hpp"

namespace relstore {

// A where clause over model M. Combine with && and ||. The default one
// matches everything.
template <class M>
class where {
 public:
  where() = default;

  friend where operator&&(where a, where b) { return combine(op::and_, std::move(a), std::move(b)); }
  friend where operator||(where a, where b) { return combine(op::or_, std::move(a), std::move(b)); }

 private:
  friend struct detail::spec_access;
  template <class, class>
  friend class field_ref;
  template <class>
  friend class filter;

  static where of(detail::where_node n) {
    where w;
    w.spec_ = std::move(n);
    return w;
  }
  static where combine(op kind, where a, where b) {
    detail::where_node n;
    n.kind = kind;
    for (where* w : {&a, &b}) {
      if (w->spec_.kind == kind) {
        for (auto& c : w->spec_.children) n.children.push_back(std::move(c));
      } else {
        n.children.push_back(std::move(w->spec_));
      }
    }
    return of(std::move(n));
  }
  detail::where_node spec_;  // an empty and_ matches everything
};

// A typed reference to field T of M, from which where clauses are built.
template <class M, class T>
class field_ref {
 public:
  using scalar = detail::unwrap_optional_t<T>;

  explicit field_ref(std::uint32_t index) : index_(index) {}

  template <class U>
  where<M> operator==(U&& v) const {
    return cmp(op::eq, std::forward<U>(v));
  }
  template <class U>
  where<M> operator!=(U&& v) const {
    return cmp(op::neq, std::forward<U>(v));
  }
  template <class U>
  where<M> operator<(U&& v) const {
    static_assert(!detail::is_std_array_v<scalar>, "relstore: an array field takes ==, !=, inq and nin only");
    return cmp(op::lt, std::forward<U>(v));
  }
  template <class U>
  where<M> operator<=(U&& v) const {
    static_assert(!detail::is_std_array_v<scalar>, "relstore: an array field takes ==, !=, inq and nin only");
    return cmp(op::lte, std::forward<U>(v));
  }
  template <class U>
  where<M> operator>(U&& v) const {
    static_assert(!detail::is_std_array_v<scalar>, "relstore: an array field takes ==, !=, inq and nin only");
    return cmp(op::gt, std::forward<U>(v));
  }
  template <class U>
  where<M> operator>=(U&& v) const {
    static_assert(!detail::is_std_array_v<scalar>, "relstore: an array field takes ==, !=, inq and nin only");
    return cmp(op::gte, std::forward<U>(v));
  }

  where<M> inq(std::initializer_list<scalar> vs) const { return list(op::inq, vs); }
  where<M> nin(std::initializer_list<scalar> vs) const { return list(op::nin, vs); }
  template <class Range>
  where<M> inq(const Range& vs) const {
    return list(op::inq, vs);
  }
  template <class Range>
  where<M> nin(const Range& vs) const {
    return list(op::nin, vs);
  }
  where<M> between(const scalar& lo, const scalar& hi) const {
    static_assert(!detail::is_std_array_v<scalar>, "relstore: an array field takes ==, !=, inq and nin only");
    std::vector<value> operands(2);  // see cmp
    operands[0] = detail::to_operand<scalar>(lo);
    operands[1] = detail::to_operand<scalar>(hi);
    return node(op::between, std::move(operands));
  }
  where<M> like(std::string pattern) const { return pattern_node(op::like, std::move(pattern)); }
  where<M> nlike(std::string pattern) const { return pattern_node(op::nlike, std::move(pattern)); }
  // like / nlike with ASCII letters matched in either case (SQLite's default
  // LIKE); other bytes, UTF-8 included, must match exactly.
  where<M> ilike(std::string pattern) const { return pattern_node(op::ilike, std::move(pattern)); }
  where<M> nilike(std::string pattern) const { return pattern_node(op::nilike, std::move(pattern)); }
  // LoopBack's regexp: a JavaScript-style pattern searched for anywhere in
  // the field, bare ("^gift") or with flags ("/^gift/i"; i, m, g). Boost.Regex,
  // bounded per row: a match that gives up is limit_exceeded, a pattern that
  // does not compile is invalid_filter (both reported by the query).
  where<M> regexp(std::string pattern) const {
    static_assert(std::is_same_v<scalar, std::string>, "relstore: regexp needs a string field");
    detail::where_node n{op::regexp, index_, {value(std::move(pattern))}, {}, {}};
    detail::index_operands(n);
    return where<M>::of(std::move(n));
  }
  where<M> is_null() const { return node(op::eq, {value(null)}); }
  where<M> is_not_null() const { return node(op::neq, {value(null)}); }

 private:
  where<M> pattern_node(op o, std::string pattern) const {
    static_assert(std::is_same_v<scalar, std::string>, "relstore: like, nlike, ilike and nilike need a string field");
    return node(o, {value(std::move(pattern))});
  }
  where<M> node(op kind, std::vector<value> operands) const {
    return where<M>::of(detail::where_node{kind, index_, std::move(operands), {}, {}});
  }
  template <class U>
  where<M> cmp(op kind, U&& v) const {
    using V = std::remove_cvref_t<U>;
    constexpr bool is_null_operand = std::is_same_v<V, null_t> || std::is_same_v<V, std::nullopt_t>;
    static_assert(is_null_operand || std::is_convertible_v<U, scalar>,
                  "relstore: the operand's type does not match the field's type");
    // Assigned, not listed in braces: copying a value out of an
    // initializer_list trips GCC 12's -Wmaybe-uninitialized (a false
    // positive in std::variant).
    std::vector<value> operands(1);
    operands[0] = detail::to_operand<scalar>(std::forward<U>(v));
    return node(kind, std::move(operands));
  }
  template <class Range>
  where<M> list(op kind, const Range& vs) const {
    detail::where_node n{kind, index_, {}, {}, {}};
    for (const auto& v : vs) n.operands.push_back(detail::to_operand<scalar>(v));
    detail::index_operands(n);
    return where<M>::of(std::move(n));
  }
  std::uint32_t index_;
};

// field(&Order::total): a typed handle on a described field.
template <class M, class T>
field_ref<M, T> field(T M::*member) {
  return field_ref<M, T>(detail::field_of(member));
}

// A filter over model M. Copyable value type; cheap to reuse across frames.
// A moved-from filter is the empty filter (it matches every entity).
template <class M>
class filter {
 public:
  filter() { spec_.model = &model_info_of<M>(); }
  filter(const filter&) = default;
  filter& operator=(const filter&) = default;
  filter(filter&& o) noexcept : spec_(std::move(o.spec_)) { o.clear(); }
  filter& operator=(filter&& o) noexcept {
    if (this != &o) {
      spec_ = std::move(o.spec_);
      o.clear();
    }
    return *this;
  }
  ~filter() = default;

  filter& where(relstore::where<M> w) & {
    edit().where = std::move(w.spec_);
    return *this;
  }
  filter&& where(relstore::where<M> w) && { return std::move(this->where(std::move(w))); }

  template <class T>
  filter& order(T M::*member, direction d = asc) & {
    static_assert(!detail::is_std_array_v<detail::unwrap_optional_t<T>>, "relstore: an array field has no order");
    edit().order.push_back({detail::field_of(member), d == desc});
    return *this;
  }
  template <class T>
  filter&& order(T M::*member, direction d = asc) && {
    return std::move(this->order(member, d));
  }

  // At most n rows; a count above INT64_MAX (SIZE_MAX, say) means no limit.
  filter& limit(std::size_t n) & {
    edit().limit = static_cast<std::int64_t>(std::min<std::size_t>(n, INT64_MAX));
    return *this;
  }
  filter&& limit(std::size_t n) && { return std::move(this->limit(n)); }
  // LoopBack's totalLimit, for a hasMany include's scope only: at most n
  // children over all parents, the first in the scope's order (then key
  // order), after each parent's own where, skip and limit. Elsewhere it is
  // invalid_filter.
  filter& total_limit(std::size_t n) & {
    edit().total_limit = static_cast<std::int64_t>(std::min<std::size_t>(n, INT64_MAX));
    return *this;
  }
  filter&& total_limit(std::size_t n) && { return std::move(this->total_limit(n)); }
  filter& skip(std::size_t n) & {
    edit().skip = static_cast<std::int64_t>(std::min<std::size_t>(n, INT64_MAX));
    return *this;
  }
  filter&& skip(std::size_t n) && { return std::move(this->skip(n)); }

  // Projection: only these fields are filled in; the others are value-initialised.
  template <class... T>
  filter& fields(T M::*... member) & {
    std::uint64_t mask = 0;
    ((mask |= std::uint64_t{1} << detail::field_of(member)), ...);
    edit().fields = mask;
    return *this;
  }
  template <class... T>
  filter&& fields(T M::*... member) && {
    return std::move(this->fields(member...));
  }

  // Includes relation `relation` (has_many or belongs_to) of M. An unknown name
  // or a scope of the wrong model is invalid_filter when the filter is run.
  filter& include(std::string relation) & {
    edit().include.push_back({std::move(relation), {}});
    return *this;
  }
  filter&& include(std::string relation) && { return std::move(this->include(std::move(relation))); }
  template <class T>
  filter& include(std::string relation, const filter<T>& scope) & {
    edit().include.push_back({std::move(relation), scope.spec_});
    return *this;
  }
  template <class T>
  filter&& include(std::string relation, const filter<T>& scope) && {
    return std::move(this->include(std::move(relation), scope));
  }

  // As include(name), with the name checked at compile time against the
  // schema RELSTORE_SCHEMA declared for M: include<"orders">().
  template <detail::fixed_string Name>
  filter& include() & {
    (void)detail::checked_relation<M, Name>::ok;
    return include(std::string(Name.view()));
  }
  template <detail::fixed_string Name>
  filter&& include() && {
    return std::move(this->template include<Name>());
  }
  // With a scope, which must be a filter of the relation's target model.
  template <detail::fixed_string Name, class T>
  filter& include(const filter<T>& scope) & {
    using target = typename detail::checked_relation<M, Name>::found::target;
    static_assert(std::is_void_v<target> || std::is_same_v<target, T>,
                  "relstore: the scope's model is not the relation's target model");
    return include(std::string(Name.view()), scope);
  }
  template <detail::fixed_string Name, class T>
  filter&& include(const filter<T>& scope) && {
    return std::move(this->template include<Name>(scope));
  }

 private:
  friend struct detail::spec_access;
  template <class>
  friend class filter;
  template <class, class>
  friend class repository;

  // Every change goes through here: a prepared filter that changes is
  // checked again when it runs.
  detail::filter_spec& edit() noexcept {
    spec_.validated = 0;
    return spec_;
  }
  void clear() noexcept {
    const model_info* model = spec_.model;  // a move copies the pointer and leaves it
    spec_ = detail::filter_spec{};
    spec_.model = model;
  }

  detail::filter_spec spec_;
};

}  // namespace relstore
