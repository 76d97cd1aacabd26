// Fuzz target: bytes as a sequence of REST requests, one per line
// ("METHOD TARGET BODY", split at the first two spaces), sent to the router
// of a small store. A first line "#clinic" or "#supplier" picks that schema
// (has-many-through, has-one); any other input runs on the shop schema.
// Besides not crashing, the router must keep its contract:
// - no request is a 5xx (status_of: no user error is a 500; nothing here
//   does I/O);
// - a body is JSON (empty for 204), and an error body is LoopBack's, with
//   the response's status in it; a 405 names the methods it takes;
// - a request answered 4xx leaves the store exactly as it was;
// - after the last request, the store's snapshot reads back and verifies
//   clean.
#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>

#include <relstore/rest/router.hpp>
#include <relstore/snapshot.hpp>
#include <relstore/verify.hpp>

#include "fuzz/fuzz_targets.hpp"
#include "rest/clinic_backend.hpp"
#include "rest/shop_backend.hpp"
#include "rest/supplier_backend.hpp"

namespace rest_fuzzer {
namespace {

// At most this many requests per input: a longer one says no more.
constexpr int max_requests = 16;

// Stops the program, saying which rule the request broke (the request is
// empty for the store's final check).
void expect(bool ok, const char* rule, std::string_view request = {}) {
  if (ok) return;
  std::fprintf(stderr, "rest_fuzzer: %s: %.*s\n", rule, static_cast<int>(request.size()), request.data());
  std::abort();
}

// Whether r keeps the router's contract; else the rule it breaks.
const char* broken_rule(const relstore::rest::response& r) {
  if (r.status < 200 || r.status >= 500) return "a status outside 2xx-4xx";
  if (r.status == 204) return r.body.empty() ? nullptr : "a 204 with a body";
  if (r.status == 405 && r.allow.empty()) return "a 405 without the methods allowed";
  boost::system::error_code ec;
  const boost::json::value v = boost::json::parse(r.body, ec);
  if (ec) return "a body that is no JSON";
  if (r.status < 400) return nullptr;
  const auto* e = v.is_object() ? v.as_object().if_contains("error") : nullptr;
  if (e == nullptr || !e->is_object()) return "an error body without an error object";
  const auto* code = e->as_object().if_contains("statusCode");
  if (code == nullptr || !code->is_int64() || code->as_int64() != static_cast<std::int64_t>(r.status)) {
    return "an error body whose statusCode is not the status";
  }
  const auto* message = e->as_object().if_contains("message");
  if (message == nullptr || !message->is_string()) return "an error body without a message";
  return nullptr;
}

// The store's snapshot reads back and has no dangling key or duplicate.
template <class Schema>
void check_store(const relstore::store<Schema>& db) {
  std::stringstream bytes;
  expect(relstore::save(db, bytes).has_value(), "the store does not save");
  auto data = relstore::read_snapshot(bytes);
  expect(data.has_value(), "the store's snapshot does not read back");
  expect(relstore::verify_dataset(*data).empty(), "the store's snapshot does not verify");
}

// The part of `s` before the first `sep` (all of it if none); `s` keeps
// what follows the separator.
std::string_view take_until(std::string_view& s, char sep) {
  const std::size_t at = s.find(sep);
  const std::string_view head = s.substr(0, at);
  s = at == std::string_view::npos ? std::string_view{} : s.substr(at + 1);
  return head;
}

// A schema's world, built once, and the store, backend and router the
// requests go to: the store is reset to the world before each input (the
// router's route table and OpenAPI document are built once).
template <class Schema>
struct harness {
  const relstore::store<Schema> world;
  relstore::store<Schema> db = world;
  relstore::rest::store_backend<Schema> backend{db};
  relstore::rest::router routes{backend};

  explicit harness(relstore::store<Schema> w) : world(std::move(w)) {}

  // One request per line until the input or max_requests ends.
  void serve(std::string_view input) {
    db = world;
    for (int n = 0; n < max_requests && !input.empty(); ++n) {
      const std::string_view line = take_until(input, '\n');
      if (line.starts_with('#')) continue;
      std::string_view rest = line;
      const std::string_view method = take_until(rest, ' ');
      const std::string_view target = take_until(rest, ' ');
      const relstore::store<Schema> before = db;
      const relstore::rest::response r = routes.handle({method, target, rest});
      const char* rule = broken_rule(r);
      expect(rule == nullptr, rule, line);
      expect(r.status < 400 || db == before, "a 4xx that changed the store", line);
    }
    check_store(db);
  }
};

shop::store shop_world() {
  using namespace shop;
  store db;
  auto ada = db.repo<Customer>().create({.name = "Ada", .email = "ada@x"}).value();
  (void)db.repo<Customer>().create({.name = "Bob"}).value();
  auto coupon = db.repo<Coupon>().create({.label = "C"}).value();
  auto orders = db.repo<Customer>().related<"orders">(ada.id);
  auto o1 = orders.create({.total = 1.5, .note = "first", .couponId = coupon.id}).value();
  (void)orders.create({.total = 2, .note = "second"}).value();
  (void)db.repo<Order>().related<"lines">(o1.id).create({.sku = "a", .qty = 2}).value();
  auto boss = db.repo<Employee>().create({.name = "Boss"}).value();
  (void)db.repo<Employee>().create({.name = "Staff", .managerId = boss.id}).value();
  (void)db.repo<Account>().create({.code = "A"}).value();
  (void)db.repo<Session>().create({.token = "t 1", .accountCode = "A", .active = true}).value();
  return db;
}

clinic::store clinic_world() {
  using namespace clinic;
  store db;
  auto p = db.repo<Patient>().create({.name = "Pat"}).value();
  auto d = db.repo<Doctor>().create({.name = "Doc", .rank = 2}).value();
  (void)db.repo<Doctor>().create({.name = "Spare"}).value();
  (void)db.repo<Appointment>().create({.patientId = p.id, .doctorId = d.id, .day = "mon"}).value();
  auto w = db.repo<Ward>().create({.name = "W"}).value();
  auto n = db.repo<Nurse>().create({.name = "N"}).value();
  (void)db.repo<Visit>().create({.wardId = w.id, .nurseId = n.id}).value();
  return db;
}

suppliers::store supplier_world() {
  using namespace suppliers;
  store db;
  auto s = db.repo<Supplier>().create({.name = "S"}).value();
  (void)db.repo<Supplier>().create({.name = "T"}).value();
  auto a = db.repo<Account>().create({.supplierId = s.id, .balance = 10}).value();
  (void)db.repo<Ledger>().create({.accountId = a.id, .note = "l"}).value();
  (void)db.repo<Badge>().create({.supplierId = s.id, .label = "b"}).value();
  return db;
}

}  // namespace
}  // namespace rest_fuzzer

int fuzz::rest(const std::uint8_t* data, std::size_t size) {
  using namespace rest_fuzzer;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  if (input.starts_with("#clinic\n")) {
    static harness<clinic::schema> h{clinic_world()};
    h.serve(input);
  } else if (input.starts_with("#supplier\n")) {
    static harness<suppliers::schema> h{supplier_world()};
    h.serve(input);
  } else {
    static harness<shop::schema> h{shop_world()};
    h.serve(input);
  }
  return 0;
}

RELSTORE_FUZZ_ENTRY(rest)
