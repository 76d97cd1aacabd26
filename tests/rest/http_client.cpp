// A keep-alive HTTP/1.1 client on one connection, for the server tests.
#include "rest/http_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

struct http_client::impl {
  asio::io_context ioc;
  asio::ip::tcp::socket socket{ioc};
  beast::flat_buffer buffer;
};

http_client::http_client(std::uint16_t port) : impl_(std::make_unique<impl>()) {
  impl_->socket.connect({asio::ip::make_address("127.0.0.1"), port});
}

http_client::~http_client() = default;

unsigned http_client::call(std::string_view method, const std::string& target, const std::string& body,
                           std::string* out) {
  http::request<http::string_body> req{http::string_to_verb(method), target, 11};
  req.set(http::field::host, "127.0.0.1");
  req.keep_alive(true);
  if (!body.empty()) {
    req.set(http::field::content_type, "application/json");
    req.body() = body;
  }
  req.prepare_payload();
  http::write(impl_->socket, req);
  http::response<http::string_body> res;
  http::read(impl_->socket, impl_->buffer, res);
  if (out != nullptr) *out = res.body();
  return res.result_int();
}

std::string http_client::exchange(std::string_view bytes) {
  asio::write(impl_->socket, asio::buffer(bytes.data(), bytes.size()));
  std::string out;
  char chunk[4096];
  for (;;) {
    boost::system::error_code ec;
    const std::size_t n = impl_->socket.read_some(asio::buffer(chunk), ec);
    out.append(chunk, n);
    if (ec == asio::error::eof || ec == asio::error::connection_reset) return out;
    if (ec) throw boost::system::system_error(ec);
  }
}

}  // namespace test
