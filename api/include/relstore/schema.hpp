// A schema: the models of a store and the relations between them.
//
//   using schema = relstore::schema<relstore::models<Customer, Order>, customer_orders>;
#pragma once

#include <boost/mp11/algorithm.hpp>
#include <string>
#include <type_traits>

#include "relstore/detail/reflect.hpp"
#include "relstore/index.hpp"
#include "relstore/registry.hpp"
#include "relstore/relation.hpp"

// Declares `Schema` as the schema of its models, so that relation names given
// as template arguments (filter::include<"orders">(), row::many<"orders">())
// are checked at compile time. Put it at namespace scope in the models'
// namespace, after the schema's alias; a model may belong to one declared
// schema.
#define RELSTORE_SCHEMA(Schema)                                                                                     \
  template <class RelstoreModel>                                                                                    \
  requires ::boost::mp11::mp_contains<typename Schema::model_list, RelstoreModel>::value Schema relstore_schema_of( \
      const RelstoreModel*);

namespace relstore {

template <class... Models>
struct models {};

namespace detail {
template <class R>
using is_through_relation = boost::mp11::mp_bool<R::is_through>;

// Whether relation R, if a has_many_through, has the has_many (or has_one)
// relations in List that enforce its through model's two keys.
template <class List, class R>
constexpr bool through_is_backed() {
  if constexpr (!R::is_through) {
    return true;
  } else {
    bool from = false, to = false;
    boost::mp11::mp_for_each<List>([&](auto rel) {
      using B = decltype(rel);
      if constexpr (std::is_same_v<typename B::child, typename R::through>) {
        if constexpr (std::is_same_v<typename B::parent, typename R::parent>) {
          from = from || (B::child_key == R::from_key && B::parent_key == R::parent_key);
        }
        if constexpr (std::is_same_v<typename B::parent, typename R::target>) {
          to = to || (B::child_key == R::to_key && B::parent_key == R::child_key);
        }
      }
    });
    return from && to;
  }
}
}  // namespace detail

template <class Models, class... Relations>
struct schema;

template <class... Models, class... Relations>
struct schema<models<Models...>, Relations...> {
  // Each model's own checks come first (each failing one is a static_assert
  // of its own): an undescribed model is reported as such, before anything
  // reads its fields.
  static_assert(((sizeof(detail::model_checks<Models>) > 0) && ...));

  using model_list = boost::mp11::mp_list<Models...>;
  // The user's secondary indexes (index.hpp), and everything else: the
  // foreign key relations (has_many, has_one) and the has_many_through
  // relations walked over them.
  using index_list = boost::mp11::mp_copy_if<boost::mp11::mp_list<Relations...>, detail::is_index>;
  using any_relation_list = boost::mp11::mp_remove_if<boost::mp11::mp_list<Relations...>, detail::is_index>;
  using relation_list = boost::mp11::mp_remove_if<any_relation_list, detail::is_through_relation>;
  using through_list = boost::mp11::mp_copy_if<any_relation_list, detail::is_through_relation>;

  template <class R>
  using parent_listed = boost::mp11::mp_contains<model_list, typename R::parent>;
  template <class R>
  using child_listed = boost::mp11::mp_contains<model_list, typename R::child>;
  template <class I>
  using index_model_listed = boost::mp11::mp_contains<model_list, typename I::model>;
  template <class I>
  using ordered_field_of = boost::mp11::mp_list<typename I::model, boost::mp11::mp_size_t<I::field>>;
  template <class I>
  using is_ordered_index = boost::mp11::mp_bool<I::is_ordered>;
  template <class R>
  using through_backed = boost::mp11::mp_bool<detail::through_is_backed<relation_list, R>()>;

  static_assert(sizeof...(Models) > 0, "relstore: a schema has at least one model");
  static_assert(boost::mp11::mp_is_set<model_list>::value, "relstore: a model is listed twice");
  static_assert(boost::mp11::mp_all_of<any_relation_list, parent_listed>::value,
                "relstore: a relation's parent model is not in the schema");
  static_assert(boost::mp11::mp_all_of<any_relation_list, child_listed>::value,
                "relstore: a relation's target model is not in the schema");
  static_assert(boost::mp11::mp_all_of<index_list, index_model_listed>::value,
                "relstore: an index's model is not in the schema");
  static_assert(boost::mp11::mp_is_set<index_list>::value, "relstore: an index is listed twice");
  static_assert(
      boost::mp11::mp_is_set<
          boost::mp11::mp_transform<ordered_field_of, boost::mp11::mp_copy_if<index_list, is_ordered_index>>>::value,
      "relstore: a field has one ordered index, ordered or ordered_desc: either answers both directions");
  static_assert(boost::mp11::mp_all_of<any_relation_list, through_backed>::value,
                "relstore: a has_many_through needs has_many relations from both ends to the through model, on its "
                "two keys: they enforce the keys and say what deleting an end does to its links");

  template <class M>
  static constexpr std::size_t model_index = boost::mp11::mp_find<model_list, M>::value;

  // The registry of this schema; built once, immutable, thread-safe.
  // Relation i of relation_list is registered as relations()[2 * i] (has_many)
  // and relations()[2 * i + 1] (its belongs_to inverse); relation j of
  // through_list as relations()[2 * size(relation_list) + j].
  static const relstore::registry& registry();
};

namespace detail {
// Builds the registry: the compile-time schema goes through the same checks
// as any other. A definition error here is one the compile-time checks could
// not see (duplicate relation names), reported by RELSTORE_ASSERT.
template <class S>
struct registry_builder;

template <class... Models, class... Relations>
struct registry_builder<schema<models<Models...>, Relations...>> {
  using S = schema<models<Models...>, Relations...>;
  static void build(registry& reg) {
    (check(reg.add_static_model(info_of<Models>())), ...);
    mp::mp_for_each<typename S::relation_list>([&](auto r) { add<decltype(r)>(reg); });
    mp::mp_for_each<typename S::through_list>([&](auto r) { add_through<decltype(r)>(reg); });
  }
  template <class R>
  static void add_through(registry& reg) {
    const model_info& t = info_of<typename R::through>();
    has_many_through_options o;
    o.key_from = t.fields[R::from_key].name;
    o.key_to = t.fields[R::to_key].name;
    o.repeated_links = R::repeated;
    check(reg.add_has_many_through(R::name(), info_of<typename R::parent>().name, info_of<typename R::target>().name,
                                   t.name, o));
  }
  static void check(const result<std::size_t>& r) {
    RELSTORE_ASSERT(r.has_value(), r.has_value() ? "" : r.error().message().c_str());
  }
  template <class R>
  static void add(registry& reg) {
    const model_info& p = info_of<typename R::parent>();
    const model_info& c = info_of<typename R::child>();
    has_many_options o;
    o.key_to = c.fields[R::child_key].name;
    o.key_from = p.fields[R::parent_key].name;
    o.inverse = std::string(R::inverse_name());
    o.policy = R::policy;
    check(reg.add_relation(R::unique ? relation_kind::has_one : relation_kind::has_many, R::name(), p.name, c.name, o));
  }
};
}  // namespace detail

template <class... Models, class... Relations>
const registry& schema<models<Models...>, Relations...>::registry() {
  static const relstore::registry& reg = []() -> const relstore::registry& {
    static relstore::registry r;
    try {
      detail::registry_builder<schema>::build(r);
    } catch (...) {  // std::bad_alloc: the next call builds it again, from empty
      r = relstore::registry{};
      throw;
    }
    return r;
  }();
  return reg;
}

}  // namespace relstore
