// Shared models for the compile-fail tests: each test file must fail to
// compile with exactly one relstore static_assert; control_ok.cpp uses the
// same constructs correctly and must compile.
#pragma once

#include <relstore/relstore.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace cf {

struct Customer {
  std::int64_t id = 0;
  std::string name;
};
RELSTORE_MODEL(Customer, id, name)

struct Order {
  std::int64_t id = 0;
  std::int64_t customerId = 0;
  std::optional<std::int64_t> giftFor;
  std::string note;
};
RELSTORE_MODEL(Order, id, customerId, giftFor, note)

// Has no customerId: LoopBack's rule finds no key for Customer.invoices.
struct Invoice {
  std::int64_t id = 0;
  std::int64_t buyer = 0;
};
RELSTORE_MODEL(Invoice, id, buyer)

// Narrow integer fields, for the patch_* tests of constants that must fit.
struct Gauge {
  std::int64_t id = 0;
  std::uint8_t level = 0;
  std::int16_t height = 0;
  std::optional<std::uint64_t> serial;
};
RELSTORE_MODEL(Gauge, id, level, height, serial)

}  // namespace cf
