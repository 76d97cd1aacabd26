// Forward declarations of relstore's public types.
#pragma once

#include <cstdint>

namespace relstore {

template <class T>
class result;
class error;
enum class errc : int;
enum class on_delete : std::uint8_t;
enum class relation_kind : std::uint8_t;
enum class field_type : std::uint8_t;
enum class op : std::uint8_t;
enum class direction : std::uint8_t;
struct model_info;
struct field_info;
struct relation_info;
class registry;
template <class... Models>
struct models;
template <class Models, class... Relations>
struct schema;
template <class Schema>
class store;
template <class Schema, class Model>
class repository;
template <class Schema, class Relation>
class has_many_repository;
template <class Schema, class Relation>
class has_one_repository;
template <class Schema, class Relation>
class has_many_through_repository;
template <class Model>
class filter;
template <class Model>
class entity_view;
template <class Model>
class where;
template <class Model>
class patch;
template <class Model>
class row;
struct query_plan;
template <class Schema>
class transaction;
template <class Schema>
class savepoint;
class subscription;
template <class Model>
struct event;
struct limits;
struct violation;
class dataset;

}  // namespace relstore
