// Shared models for the compile-fail tests.
#pragma once

#include <relstore/relstore.hpp>

#include <cstdint>
#include <optional>
#include <string>

struct Customer {
  std::int64_t id = 0;
  std::string name;
};
RELSTORE_MODEL(Customer, id, name)

struct Order {
  std::int64_t id = 0;
  std::int64_t customerId = 0;
  std::string note;
};
RELSTORE_MODEL(Order, id, customerId, note)

struct Invoice {
  std::int64_t id = 0;
  std::int64_t buyer = 0;
};
RELSTORE_MODEL(Invoice, id, buyer)
