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
// like/nlike use % (any run of bytes) and _ (one byte), anchored at both ends.
// Results are ordered by `order`, then by primary key.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "relstore/error.hpp"
#include "relstore/model.hpp"
#include "relstore/registry.hpp"
#include "relstore/value.hpp"

namespace relstore {

enum class op : std::uint8_t { eq, neq, gt, gte, lt, lte, inq, nin, between, like, nlike, and_, or_ };

std::string_view to_string(op o) noexcept;

enum class direction : std::uint8_t { asc, desc };
inline constexpr direction asc = direction::asc;
inline constexpr direction desc = direction::desc;

namespace detail {

struct where_node {
  op kind = op::and_;
  std::uint32_t field = 0;           // for comparisons
  std::vector<value> operands;       // for comparisons
  std::vector<where_node> children;  // for and_ / or_
};

struct order_key {
  std::uint32_t field = 0;
  bool descending = false;
};

struct include_spec;

struct filter_spec {
  const model_info* model = nullptr;  // null: not yet bound (an include scope)
  std::optional<where_node> where;
  std::vector<order_key> order;
  std::optional<std::int64_t> limit;
  std::int64_t skip = 0;
  std::optional<std::uint64_t> fields;  // projection mask; nullopt = all
  std::vector<include_spec> include;
};

struct include_spec {
  std::string relation;
  filter_spec scope;
};

// Checks operand types and arity against `model`.
result<void> validate_where(const model_info& model, const where_node& node);
bool evaluate(const model_info& model, const where_node& node, const void* entity);
bool like_match(std::string_view text, std::string_view pattern) noexcept;

// Parses LoopBack-shaped JSON. REQUIRES: model < reg.model_count().
result<filter_spec> parse_filter_json(const registry& reg, std::size_t model, std::string_view json);
result<where_node> parse_where_json(const registry& reg, std::size_t model, std::string_view json);

template <class M, class T>
std::uint32_t field_of(T M::*member) {
  std::uint32_t found = static_cast<std::uint32_t>(-1), i = 0;
  mp::mp_for_each<members<M>>([&](auto d) {
    if constexpr (std::is_same_v<std::remove_cv_t<decltype(d.pointer)>, T M::*>) {
      if (d.pointer == member) found = i;
    }
    ++i;
  });
  RELSTORE_ASSERT(found != static_cast<std::uint32_t>(-1), "member is not described by RELSTORE_MODEL");
  return found;
}

// The run-time value of operand `v` for a field whose scalar type is S.
// Numbers keep their own kind and width (1.5 stays 1.5 for an integer field,
// 2^32 + 1 is not wrapped to an int32), so comparisons are numeric and a patch
// that does not fit the field is rejected, never truncated.
template <class S, class U>
value to_operand(U&& v) {
  using V = std::remove_cvref_t<U>;
  if constexpr (std::is_same_v<V, null_t> || std::is_same_v<V, std::nullopt_t>) {
    return null;
  } else if constexpr (std::is_same_v<S, std::string>) {
    return std::string(std::forward<U>(v));
  } else if constexpr (std::is_same_v<S, bool> || std::is_same_v<V, bool>) {
    return static_cast<bool>(v);
  } else if constexpr (std::is_floating_point_v<V>) {
    return static_cast<double>(v);
  } else if constexpr (std::is_integral_v<V>) {
    return static_cast<std::int64_t>(v);
  } else if constexpr (std::is_integral_v<S>) {
    return static_cast<std::int64_t>(static_cast<S>(v));
  } else {
    return static_cast<double>(v);
  }
}

}  // namespace detail

// A where clause over model M. Combine with && and ||.
template <class M>
class where {
 public:
  where() = default;
  explicit where(detail::where_node node) : node_(std::move(node)) {}

  friend where operator&&(where a, where b) { return combine(op::and_, std::move(a), std::move(b)); }
  friend where operator||(where a, where b) { return combine(op::or_, std::move(a), std::move(b)); }

  const detail::where_node& node() const noexcept { return node_; }

 private:
  static where combine(op kind, where a, where b) {
    detail::where_node n;
    n.kind = kind;
    for (where* w : {&a, &b}) {
      if (w->node_.kind == kind) {
        for (auto& c : w->node_.children) n.children.push_back(std::move(c));
      } else {
        n.children.push_back(std::move(w->node_));
      }
    }
    return where(std::move(n));
  }
  detail::where_node node_;  // an empty and_ matches everything
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
    return cmp(op::lt, std::forward<U>(v));
  }
  template <class U>
  where<M> operator<=(U&& v) const {
    return cmp(op::lte, std::forward<U>(v));
  }
  template <class U>
  where<M> operator>(U&& v) const {
    return cmp(op::gt, std::forward<U>(v));
  }
  template <class U>
  where<M> operator>=(U&& v) const {
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
    detail::where_node n{op::between, index_, {detail::to_operand<scalar>(lo), detail::to_operand<scalar>(hi)}, {}};
    return where<M>(std::move(n));
  }
  where<M> like(std::string pattern) const {
    static_assert(std::is_same_v<scalar, std::string>, "relstore: like needs a string field");
    return where<M>(detail::where_node{op::like, index_, {std::move(pattern)}, {}});
  }
  where<M> nlike(std::string pattern) const {
    static_assert(std::is_same_v<scalar, std::string>, "relstore: nlike needs a string field");
    return where<M>(detail::where_node{op::nlike, index_, {std::move(pattern)}, {}});
  }
  where<M> is_null() const { return where<M>(detail::where_node{op::eq, index_, {null}, {}}); }
  where<M> is_not_null() const { return where<M>(detail::where_node{op::neq, index_, {null}, {}}); }

 private:
  template <class U>
  where<M> cmp(op kind, U&& v) const {
    using V = std::remove_cvref_t<U>;
    constexpr bool is_null_operand = std::is_same_v<V, null_t> || std::is_same_v<V, std::nullopt_t>;
    static_assert(is_null_operand || std::is_convertible_v<U, scalar>,
                  "relstore: the operand's type does not match the field's type");
    return where<M>(detail::where_node{kind, index_, {detail::to_operand<scalar>(std::forward<U>(v))}, {}});
  }
  template <class Range>
  where<M> list(op kind, const Range& vs) const {
    detail::where_node n{kind, index_, {}, {}};
    for (const auto& v : vs) n.operands.push_back(detail::to_operand<scalar>(v));
    return where<M>(std::move(n));
  }
  std::uint32_t index_;
};

// field(&Order::total): a typed handle on a described field.
template <class M, class T>
field_ref<M, T> field(T M::*member) {
  return field_ref<M, T>(detail::field_of(member));
}

// A filter over model M. Copyable value type; cheap to reuse across frames.
template <class M>
class filter {
 public:
  filter() { spec_.model = &model_info_of<M>(); }
  explicit filter(detail::filter_spec spec) : spec_(std::move(spec)) {}

  filter& where(relstore::where<M> w) & {
    spec_.where = w.node();
    return *this;
  }
  filter&& where(relstore::where<M> w) && { return std::move(this->where(std::move(w))); }

  template <class T>
  filter& order(T M::*member, direction d = asc) & {
    spec_.order.push_back({detail::field_of(member), d == desc});
    return *this;
  }
  template <class T>
  filter&& order(T M::*member, direction d = asc) && {
    return std::move(this->order(member, d));
  }

  filter& limit(std::size_t n) & {
    spec_.limit = static_cast<std::int64_t>(n);
    return *this;
  }
  filter&& limit(std::size_t n) && { return std::move(this->limit(n)); }
  filter& skip(std::size_t n) & {
    spec_.skip = static_cast<std::int64_t>(n);
    return *this;
  }
  filter&& skip(std::size_t n) && { return std::move(this->skip(n)); }

  // Projection: only these fields are filled in; the others are value-initialised.
  template <class... T>
  filter& fields(T M::*... member) & {
    std::uint64_t mask = 0;
    ((mask |= std::uint64_t{1} << detail::field_of(member)), ...);
    spec_.fields = mask;
    return *this;
  }
  template <class... T>
  filter&& fields(T M::*... member) && {
    return std::move(this->fields(member...));
  }

  // Includes relation `relation` (has_many or belongs_to) of M. An unknown name
  // or a scope of the wrong model is invalid_filter when the filter is run.
  filter& include(std::string relation) & {
    spec_.include.push_back({std::move(relation), {}});
    return *this;
  }
  filter&& include(std::string relation) && { return std::move(this->include(std::move(relation))); }
  template <class T>
  filter& include(std::string relation, const filter<T>& scope) & {
    spec_.include.push_back({std::move(relation), scope.spec()});
    return *this;
  }
  template <class T>
  filter&& include(std::string relation, const filter<T>& scope) && {
    return std::move(this->include(std::move(relation), scope));
  }

  const detail::filter_spec& spec() const noexcept { return spec_; }

 private:
  detail::filter_spec spec_;
};

}  // namespace relstore
