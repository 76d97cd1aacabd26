// backend: what the REST router asks of a store, by the model and relation
// indexes of its registry, with JSON in and JSON out. store_backend.hpp
// adapts a typed store<Schema>; a test may provide its own.
//
// Thread-safety: none of its own; a backend is used by one thread at a time
// (the server's owner thread: server.hpp).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "relstore/error.hpp"
#include "relstore/registry.hpp"
#include "relstore/value.hpp"

namespace relstore::rest {

// Every call returns the store's own errors (error.hpp); the router turns
// them into status codes. An `id` holds an int64 or a string, as the
// model's primary key; a `filter` or `where` is JSON text, empty for none;
// `data` is a JSON object. Results that are entities are JSON text: one
// object, or an array of them.
class backend {
 public:
  virtual ~backend() = default;

  virtual const registry& schema() const noexcept = 0;

  // ------------------------------------------------------------ one model
  virtual result<std::string> find(std::size_t model, std::string_view filter) const = 0;
  virtual result<std::size_t> count(std::size_t model, std::string_view where) const = 0;
  // The entity with key `id`, with the filter's include and fields.
  virtual result<std::string> find_by_id(std::size_t model, const value& id, std::string_view filter) const = 0;
  virtual result<std::string> create(std::size_t model, std::string_view data) = 0;
  virtual result<std::size_t> update_all(std::size_t model, std::string_view where, std::string_view data) = 0;
  virtual result<void> update_by_id(std::size_t model, const value& id, std::string_view data) = 0;
  // A full replace: fields `data` leaves out take their defaults.
  virtual result<void> replace_by_id(std::size_t model, const value& id, std::string_view data) = 0;
  virtual result<void> delete_by_id(std::size_t model, const value& id) = 0;

  // ------------------------------------------------------------ relations
  // `relation` indexes schema().relations(); `id` is the primary key of the
  // entity the relation is walked from (a customer for Customer.orders, an
  // order for Order.customer); not_found when there is none.
  //
  // related_find: a has_many's or has_many_through's children (an array),
  // a has_one's child or a belongs_to's parent (an object; not_found when
  // there is none).
  virtual result<std::string> related_find(std::size_t relation, const value& id, std::string_view filter) const = 0;
  // has_many, has_one, has_many_through (which also links the new target).
  virtual result<std::string> related_create(std::size_t relation, const value& id, std::string_view data) = 0;
  virtual result<std::size_t> related_patch(std::size_t relation, const value& id, std::string_view where,
                                            std::string_view data) = 0;
  virtual result<std::size_t> related_delete(std::size_t relation, const value& id, std::string_view where) = 0;
};

}  // namespace relstore::rest
