// A keep-alive HTTP/1.1 client on one connection, for the server tests.
// Beast stays in http_client.cpp, compiled once.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace test {

class http_client {
 public:
  // Connects to 127.0.0.1:port. Throws boost::system::system_error on failure.
  explicit http_client(std::uint16_t port);
  ~http_client();
  http_client(const http_client&) = delete;
  http_client& operator=(const http_client&) = delete;

  // Sends `method` ("GET", "POST", ...) to `target` with `body` as JSON when
  // not empty; returns the status and, when `out` is given, stores the
  // response body there. Throws boost::system::system_error when the
  // connection fails or is closed.
  unsigned call(std::string_view method, const std::string& target, const std::string& body = {},
                std::string* out = nullptr);

  // Sends `bytes` as they are and returns every byte the server sends back
  // until it closes the connection. Throws boost::system::system_error on
  // a failure other than the close.
  std::string exchange(std::string_view bytes);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace test
