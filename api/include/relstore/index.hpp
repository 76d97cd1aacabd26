// Secondary indexes declared by the user, listed in the schema beside the
// relations:
//
//   using schema = relstore::schema<relstore::models<Player, Guild>, guild_members,
//                                   relstore::index<&Player::score, relstore::ordered>,
//                                   relstore::index<&Player::handle, relstore::unique>>;
//
// Kinds:
//   ordered  a sorted index (equal values in primary key order). A where with
//            a range (gt, gte, lt, lte, between) on the field walks the range,
//            and an order by the field alone with a limit walks the index
//            until the page is full: a top-10 leaderboard costs about ten
//            steps, not a scan. explain() names the index and the walk.
//   ordered_desc
//            ordered, stored highest value first (SQL's CREATE INDEX ... DESC),
//            equal values still in primary key order. It answers the same
//            filters with the same results; an order by the field descending
//            is then its plain forward walk (a leaderboard), and ascending
//            the walk that steps back run by run. Declare the direction the
//            hot page reads.
//   hashed   an equality index: eq and inq on the field are lookups. Not on
//            a floating-point field (a compile error): use ordered.
//   unique   hashed and enforced: a create or update that repeats a value is
//            already_exists naming the index. Not on an optional field (a
//            compile error): Boost's unique index would hold one null only.
// No kind of index may be on an array field, and a field takes one ordered
// index, ordered or ordered_desc (compile errors).
//
// Indexes are the program's, not the snapshot's: a load rebuilds them, so an
// index added or removed needs nothing from the file (a unique index that
// the loaded data breaks refuses the load, snapshot_corrupt). A field behind
// an index cannot be written in place by update_each.
#pragma once

#include <cstddef>
#include <type_traits>

#include "relstore/detail/meta.hpp"
#include "relstore/detail/reflect.hpp"

namespace relstore {

struct ordered {};
struct ordered_desc {};
struct hashed {};
struct unique {};

template <auto Member, class Kind = ordered>
struct index {
  static_assert(std::is_member_object_pointer_v<decltype(Member)>,
                "relstore: index<&Model::field, kind> names a data member of a model");
  static_assert(std::is_same_v<Kind, ordered> || std::is_same_v<Kind, ordered_desc> || std::is_same_v<Kind, hashed> ||
                    std::is_same_v<Kind, unique>,
                "relstore: an index's kind is relstore::ordered, relstore::ordered_desc, relstore::hashed or "
                "relstore::unique");

  using model = typename detail::member_pointer_traits<decltype(Member)>::class_type;
  static constexpr bool is_index = true;
  static constexpr bool is_ordered = std::is_same_v<Kind, ordered> || std::is_same_v<Kind, ordered_desc>;
  static constexpr bool is_descending = std::is_same_v<Kind, ordered_desc>;
  static constexpr bool is_unique = std::is_same_v<Kind, unique>;
  static constexpr std::size_t field = detail::member_index<model, Member>();
  static_assert(field != detail::npos, "relstore: an index names a field the model describes in RELSTORE_MODEL");
  using value_type = typename detail::member_pointer_traits<decltype(Member)>::value_type;
  static_assert(!detail::is_std_array_v<detail::unwrap_optional_t<value_type>>,
                "relstore: an array field cannot be indexed (arrays take eq, neq, inq and nin only)");
  static_assert(!is_unique || !detail::is_optional_v<value_type>,
                "relstore: a unique index needs a required field, not an optional one");
  static_assert(is_ordered || !std::is_floating_point_v<detail::unwrap_optional_t<value_type>>,
                "relstore: a hashed or unique index cannot be on a floating-point field (-0.0 and NaN do not hash "
                "as they compare); use relstore::ordered");
};

namespace detail {
template <class T, class = void>
struct is_index : std::false_type {};
template <class T>
struct is_index<T, std::enable_if_t<T::is_index>> : std::true_type {};
}  // namespace detail

}  // namespace relstore
