// The messages of the engine's errors, built in one place from the run-time
// schema, so that a typed store, a dataset and a tool word the same rule the
// same way. Each names the model, field, key and value. Internal.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "relstore/error.hpp"
#include "relstore/model_info.hpp"
#include "relstore/registry.hpp"
#include "relstore/value.hpp"

namespace relstore::detail {

// already_exists: "Customer with id 7 already exists" (primary key) or
// "Account.code = \"A\" already exists" (a key_from).
error duplicate_key(const model_info& model, std::size_t field, const value_view& key);

// foreign_key_violation: "Order.customerId = 9: no Customer with id 9 (relation Customer.orders)".
error dangling_key(const registry& reg, const relation_info& has_many, const value_view& key);

// restrict_violation: a referenced parent key would change.
error key_change_blocked(const registry& reg, const relation_info& has_many, const value_view& from,
                         const value_view& to, std::size_t children);

// restrict_violation: "cannot delete Customer with id 1: relation Customer.orders (on_delete restrict)
// has 2 Order referencing it".
error delete_restricted(const registry& reg, const relation_info& has_many, const value_view& parent_pk,
                        std::size_t children);

// not_found: "Customer with id 7 not found".
error not_found(const model_info& model, const value_view& key);

// not_found: "Order with id 7 not found under Customer 2".
error not_found_under(const model_info& child, const value_view& key, const model_info& parent,
                      const value_view& parent_key);

// not_found: "Order 5: customer not found (Order.customerId = 7)", a
// belongs_to whose parent is missing or whose key is null.
error parent_not_found(const model_info& child, const value_view& key, std::string_view relation, std::size_t fk,
                       const value_view& fk_value);

// constraint_violation: LoopBack's "Property \"customerId\" cannot be changed!".
error key_cannot_change(const model_info& child, std::size_t field);

// invalid_argument: "Customer.id: the primary key must not be empty".
error empty_key(const model_info& model);

// key_space_exhausted: no automatic key is left above the largest one.
error keys_exhausted(const model_info& model);

// The same error with "create_all: element i rejected, nothing created: " in front.
error in_batch(error e, std::size_t element);

// "Customer.id", for messages.
std::string field_label(const model_info& model, std::size_t field);

}  // namespace relstore::detail
