// The server's threading contract: client threads hammer it while the owner
// thread polls and writes to the store itself between polls. Every request
// runs on the owner thread, so the store needs no lock.
#include <relstore/rest/router.hpp>
#include <relstore/rest/server.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <boost/system/system_error.hpp>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "common/shop_schema.hpp"
#include "rest/http_client.hpp"
#include "rest/shop_backend.hpp"

namespace server_test {

namespace {

using shop::Customer;
using shop::Order;

TEST(RestServer, ClientsHammerWhileTheOwnerWrites) {
  shop::store db;
  const auto ada = db.repo<Customer>().create({.name = "Ada"}).value();
  relstore::rest::store_backend<shop::schema> backend(db);
  relstore::rest::router routes(backend);
  relstore::rest::server server(routes, {.threads = 2});
  ASSERT_TRUE(server.start().has_value());
  ASSERT_NE(server.port(), 0);

  constexpr int clients = 4, requests = 150;
  std::atomic<int> done{0}, wrong{0};
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      test::http_client conn(server.port());
      for (int i = 0; i < requests; ++i) {
        std::string body;
        if (i % 3 == 0) {
          if (conn.call("POST", "/customers/1/orders", R"({"total":)" + std::to_string(c) + "}") != 201) ++wrong;
        } else if (i % 3 == 1) {
          if (conn.call("GET", "/customers/1/orders?filter[limit]=3", {}, &body) != 200 || body[0] != '[') {
            ++wrong;
          }
        } else if (conn.call("GET", "/customers/99") != 404) {
          ++wrong;
        }
      }
      ++done;
    });
  }
  // The owner: polls like a game frame, and writes between polls.
  int own_writes = 0;
  std::size_t served = 0;
  while (done.load() < clients) {
    (void)server.wait(std::chrono::milliseconds(5));
    served += server.poll();
    if (db.repo<Customer>().related<"orders">(ada.id).create({.total = -1.0})) ++own_writes;
  }
  for (auto& t : threads) t.join();
  server.stop();

  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(served, static_cast<std::size_t>(clients * requests));
  const std::size_t posted = clients * ((requests + 2) / 3);
  EXPECT_EQ(db.size<Order>(), posted + static_cast<std::size_t>(own_writes));
}

TEST(RestServer, UnpolledRequestsAreDroppedAtStop) {
  shop::store db;
  relstore::rest::store_backend<shop::schema> backend(db);
  relstore::rest::router routes(backend);
  auto server = std::make_unique<relstore::rest::server>(routes);
  ASSERT_TRUE(server->start().has_value());
  std::thread t([port = server->port()] {
    test::http_client conn(port);
    EXPECT_THROW((void)conn.call("GET", "/customers"), boost::system::system_error);
  });
  ASSERT_TRUE(server->wait(std::chrono::seconds(5)));
  server.reset();  // stop() with one request queued
  t.join();
}

TEST(RestServer, BadAddressAndTakenPort) {
  shop::store db;
  relstore::rest::store_backend<shop::schema> backend(db);
  relstore::rest::router routes(backend);
  relstore::rest::server bad(routes, {.address = "not an address"});
  auto r = bad.start();
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, relstore::errc::io_error);
  relstore::rest::server first(routes);
  ASSERT_TRUE(first.start().has_value());
  relstore::rest::server second(routes, {.port = first.port()});
  EXPECT_FALSE(second.start().has_value());
}

}  // namespace

}  // namespace server_test
