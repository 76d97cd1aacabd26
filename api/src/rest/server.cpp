#include "relstore/rest/server.hpp"

#include <array>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace relstore::rest {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {
class session;

std::string_view view(beast::string_view s) { return {s.data(), s.size()}; }

// Compares in time that depends on the lengths only.
bool same_secret(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}
// Whether a body sent as `content_type` (a Content-Type value, parameters
// such as charset ignored) is JSON: application/json or a +json type
// (RFC 6839). A body sent without a type counts as JSON.
bool json_media_type(std::string_view content_type) {
  const auto blank = [](char c) { return c == ' ' || c == '\t'; };
  std::string_view type = content_type.substr(0, content_type.find(';'));
  while (!type.empty() && blank(type.front())) type.remove_prefix(1);
  while (!type.empty() && blank(type.back())) type.remove_suffix(1);
  constexpr std::string_view suffix = "+json";
  return type.empty() || beast::iequals(type, "application/json") ||
         (type.size() > suffix.size() && beast::iequals(type.substr(type.size() - suffix.size()), suffix));
}
}  // namespace

struct server::impl {
  impl(router& r, server_options o) : routes(&r), options(std::move(o)) {}

  void accept();
  void enqueue(std::shared_ptr<session> s) {
    {
      std::lock_guard<std::mutex> lock(mu);
      queue.push_back(std::move(s));
    }
    cv.notify_one();
  }

  router* routes;
  server_options options;
  std::uint16_t bound = 0;
  asio::io_context ioc;
  tcp::acceptor acceptor{ioc};
  asio::steady_timer accept_pause{ioc};  // used by accept() only, one wait at a time
  std::vector<std::thread> threads;
  std::mutex mu;
  std::condition_variable cv;
  std::deque<std::shared_ptr<session>> queue;  // guarded by mu
  // Responses poll() handed back whose writes have not ended: stop() lets
  // them finish (stop_grace at most), so a request that ran is answered.
  std::atomic<std::size_t> owed{0};
};

namespace {

using http_response = http::response<http::string_body>;

// The HTTP response to `req` answering `r`: Content-Type only with a body,
// Allow when r has one (a 405, with HEAD wherever GET is: the server answers
// it), the connection kept alive as req asks. A 204 has no Content-Length;
// a response to HEAD has GET's headers and no body (RFC 9110).
http_response to_http(response r, const http::request<http::string_body>& req) {
  http_response res{static_cast<http::status>(r.status), req.version() == 10 ? 10u : 11u};
  res.set(http::field::server, "relstore");
  if (!r.body.empty()) res.set(http::field::content_type, "application/json");
  if (r.allow.starts_with("GET")) r.allow.insert(3, ", HEAD");
  if (!r.allow.empty()) res.set(http::field::allow, r.allow);
  res.keep_alive(req.keep_alive());
  if (r.status != 204) res.content_length(r.body.size());
  if (req.method() != http::verb::head) res.body() = std::move(r.body);
  return res;
}

// The method the router sees: HEAD is answered as GET (without its body).
std::string_view routed_method(const http::request<http::string_body>& req) {
  return req.method() == http::verb::head ? std::string_view("GET") : view(req.method_string());
}

// One connection. Runs on its strand; the owner thread only reads `request`
// while the session waits in the queue, and hands the response back through
// reply(), which posts to the strand.
class session : public std::enable_shared_from_this<session> {
 public:
  session(tcp::socket socket, server::impl& owner)
      : stream_(std::move(socket)), owner_(owner), deadline_(stream_.get_executor()) {}

  // On the session's strand, as every later step (accept runs on the io_context).
  void start() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read(); });
  }

  const http::request<http::string_body>& request() const { return request_; }

  // From any thread: writes `res` on the session's strand.
  void reply(http_response res) {
    ++owner_.owed;
    asio::post(stream_.get_executor(), [self = shared_from_this(), res = std::move(res)]() mutable {
      self->owed_ = true;
      self->write(std::move(res));
    });
  }

 private:
  void read() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(owner_.options.header_limit));
    parser_->body_limit(owner_.options.body_limit);
    request_ = {};
    origin_.clear();
    start_deadline();
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_header(ec); });
  }

  // A client that sent "Expect: 100-continue" waits for a 100 before its
  // body (or for its own timeout, a second for many); a body over the limit
  // is refused by then, from its Content-Length. A request without the
  // token is refused before its body is read, and the connection closed.
  void on_header(beast::error_code ec) {
    // A body over the limit is refused from its Content-Length once every
    // header is read: its 413 goes to the allowed origin too.
    if (!ec || ec == http::error::body_limit) origin_ = view(parser_->get()[http::field::origin]);
    if (ec || parser_->is_done()) {
      on_read(ec);
      return;
    }
    if (!authorized(parser_->get())) {
      unauthorized(parser_->get(), false);
      return;
    }
    if (beast::iequals(parser_->get()[http::field::expect], "100-continue")) {
      continue_ = http::response<http::empty_body>(http::status::continue_, parser_->get().version());
      http::async_write(stream_, continue_, [self = shared_from_this()](beast::error_code wec, std::size_t) {
        if (wec == asio::error::operation_aborted && self->timed_out_) {
          self->on_read(wec);  // a request begun: 408
          return;
        }
        if (wec) {
          self->close();
          return;
        }
        self->read_body();
      });
      return;
    }
    read_body();
  }

  void read_body() {
    // The deadline may have passed between the header's read and this one,
    // with no read to cancel: nothing would time this one out.
    if (timed_out_) {
      on_read(asio::error::operation_aborted);
      return;
    }
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  // The request must be read within idle_timeout. The stream's own timeout
  // would close the socket, leaving no way to answer; this one cancels the
  // read, and on_read answers 408 if the client had begun a request.
  void start_deadline() {
    stream_.expires_never();
    timed_out_ = false;
    deadline_.expires_after(owner_.options.idle_timeout);
    deadline_.async_wait([weak = weak_from_this()](beast::error_code ec) {
      const auto self = weak.lock();
      // Cancelled (the request was read, the connection closed), or queued
      // already when it was stopped: a stopped deadline lies in the future.
      if (ec || !self || self->deadline_.expiry() > asio::steady_timer::clock_type::now()) return;
      self->timed_out_ = true;
      beast::error_code ignored;
      self->stream_.socket().cancel(ignored);
    });
  }

  // Cancels the wait, and makes a handler that was queued already see a
  // deadline still to come (cancel() cannot take it back).
  void stop_deadline() { deadline_.expires_at(asio::steady_timer::time_point::max()); }

  void on_read(beast::error_code ec) {
    if (ec == asio::error::operation_aborted && timed_out_) {
      // An idle keep-alive connection is closed without a word (RFC 9112, 9.6).
      if (buffer_.size() == 0 && !parser_->got_some()) {
        close();
        return;
      }
      refuse(408, "the request was not received within the server's idle timeout", "REQUEST_TIMEOUT");
      return;
    }
    if (ec == http::error::end_of_stream || ec == asio::error::operation_aborted ||
        ec == asio::error::connection_reset || ec == asio::error::eof) {
      close();
      return;
    }
    if (ec == http::error::body_limit) {
      refuse(413, "the request's body is larger than the server's limit", "PAYLOAD_TOO_LARGE");
      return;
    }
    if (ec == http::error::header_limit) {  // RFC 6585: the start line counts (a long URL)
      refuse(431, "the request's start line and headers are larger than the server's limit", "HEADER_FIELDS_TOO_LARGE");
      return;
    }
    if (ec) {
      refuse(400, "malformed HTTP request: " + ec.message(), "MALFORMED_REQUEST");
      return;
    }
    request_ = parser_->release();
    stop_deadline();  // read: the owner's poll is not the client's slowness
    if (request_.method() == http::verb::options && request_.count(http::field::access_control_request_method) != 0 &&
        allowed_origin()) {
      write(preflight());
      return;
    }
    if (!authorized(request_)) {
      unauthorized(request_, true);
      return;
    }
    if (const std::string_view type = view(request_[http::field::content_type]);
        !request_.body().empty() && !json_media_type(type)) {
      // As LoopBack: a body the route cannot read is 415, before the store sees it.
      constexpr std::size_t shown = 100;
      const std::string message = "the request's body is sent as Content-Type " + std::string(type.substr(0, shown)) +
                                  (type.size() > shown ? "..." : "") + "; relstore reads application/json";
      write(to_http(error_response(415, message, "UNSUPPORTED_MEDIA_TYPE"), request_));
      return;
    }
    owner_.enqueue(shared_from_this());
  }

  bool authorized(const http::request<http::string_body>& req) const {
    const std::string& token = owner_.options.bearer_token;
    if (token.empty()) return true;
    const auto it = req.find(http::field::authorization);
    const std::string_view given = it == req.end() ? std::string_view() : view(it->value());
    // The scheme's name is case-insensitive (RFC 9110, 11.1).
    return given.size() >= 7 && beast::iequals(given.substr(0, 7), "Bearer ") && same_secret(given.substr(7), token);
  }

  // 401; the connection stays open only if the whole request was read.
  void unauthorized(const http::request<http::string_body>& req, bool read_whole) {
    http_response res = to_http(error_response(401, "a valid bearer token is required", "UNAUTHORIZED"), req);
    res.set(http::field::www_authenticate, "Bearer");
    if (!read_whole) {
      res.keep_alive(false);
      unread_ = true;
    }
    write(std::move(res));
  }

  // Whether the request being answered comes from the origin
  // server_options::cors_origin allows (known once its headers are read).
  bool allowed_origin() const {
    const std::string& allowed = owner_.options.cors_origin;
    return !allowed.empty() && !origin_.empty() && (allowed == "*" || origin_ == allowed);
  }

  // The answer to a CORS preflight from the allowed origin: what it may send.
  http_response preflight() const {
    response r;
    r.status = 204;
    http_response res = to_http(std::move(r), request_);
    res.set(http::field::access_control_allow_methods, "GET, HEAD, POST, PATCH, PUT, DELETE");
    res.set(http::field::access_control_allow_headers, "Authorization, Content-Type");
    res.set(http::field::access_control_max_age, "600");
    return res;
  }

  void write(http_response res) {
    stop_deadline();  // the request is read, or refused
    // "*" answers every request alike; a named origin's header depends on
    // the request's Origin, which every answer then says (for caches).
    if (const std::string& allowed = owner_.options.cors_origin; allowed == "*") {
      res.set(http::field::access_control_allow_origin, allowed);
    } else if (!allowed.empty()) {
      res.set(http::field::vary, "Origin");
      if (allowed_origin()) res.set(http::field::access_control_allow_origin, origin_);
    }
    response_ = std::move(res);
    stream_.expires_after(owner_.options.idle_timeout);
    http::async_write(stream_, response_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (std::exchange(self->owed_, false)) --self->owner_.owed;
      if (ec || !self->response_.keep_alive()) {
        if (!ec && self->unread_) {
          self->linger();
        } else {
          self->close();
        }
        return;
      }
      self->read();
    });
  }

  // Answers a request that cannot be served (its body, or part of it, not
  // read) and closes the connection.
  void refuse(unsigned status, const std::string& message, std::string_view code) {
    http_response res = to_http(error_response(status, message, code), request_);
    res.keep_alive(false);
    unread_ = true;
    write(std::move(res));
  }

  // Closing with unread bytes in the socket sends a reset, which can reach
  // the client before the response it has not read yet. So: stop sending,
  // and read and drop what the client still sends, for a second at most.
  void linger() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(std::chrono::seconds(1));
    drain();
  }
  void drain() {
    stream_.async_read_some(asio::buffer(drained_), [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) {
        self->close();
        return;
      }
      self->drain();
    });
  }

  void close() {
    stop_deadline();
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
  }

  beast::tcp_stream stream_;
  server::impl& owner_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::request<http::string_body> request_;
  std::string origin_;  // the Origin header of the request being read or answered
  http_response response_;
  http::response<http::empty_body> continue_;
  asio::steady_timer deadline_;  // to read the request (start_deadline)
  bool timed_out_ = false;       // deadline_ expired and cancelled the read
  bool unread_ = false;          // the client may still be sending the refused request
  bool owed_ = false;            // the response being written is one impl::owed counts
  std::array<char, 4096> drained_;
};

}  // namespace

// A failed accept (out of file descriptors: the connection stays in the
// backlog, so an immediate retry fails again) is retried after a pause,
// not at once: the loop would spin a core until descriptors free up.
void server::impl::accept() {
  acceptor.async_accept(asio::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
    if (ec) {
      accept_pause.expires_after(std::chrono::milliseconds(50));
      accept_pause.async_wait([this](beast::error_code wec) {
        if (!wec && acceptor.is_open()) accept();
      });
      return;
    }
    beast::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    std::make_shared<session>(std::move(socket), *this)->start();
    accept();
  });
}

server::server(router& routes, server_options options) : impl_(std::make_unique<impl>(routes, std::move(options))) {}

server::~server() { stop(); }

result<void> server::start() {
  impl& s = *impl_;
  beast::error_code ec;
  const auto address = asio::ip::make_address(s.options.address, ec);
  if (ec) return make_error(errc::io_error, "relstore::rest::server: bad address " + s.options.address);
  const tcp::endpoint at(address, s.options.port);
  auto failed = [&](const char* what) {
    return make_error(errc::io_error, std::string("relstore::rest::server: cannot ") + what + " " + s.options.address +
                                          ":" + std::to_string(s.options.port) + ": " + ec.message());
  };
  if (s.acceptor.open(at.protocol(), ec); ec) return failed("open");
  if (s.acceptor.set_option(asio::socket_base::reuse_address(true), ec); ec) return failed("configure");
  if (s.acceptor.bind(at, ec); ec) return failed("bind");
  if (s.acceptor.listen(asio::socket_base::max_listen_connections, ec); ec) return failed("listen on");
  s.bound = s.acceptor.local_endpoint(ec).port();
  s.accept();
  const unsigned n = s.options.threads == 0 ? 1 : s.options.threads;
  for (unsigned i = 0; i < n; ++i) s.threads.emplace_back([&s] { s.ioc.run(); });
  return {};
}

std::uint16_t server::port() const noexcept { return impl_->bound; }

std::size_t server::poll(std::size_t max_requests) {
  impl& s = *impl_;
  std::deque<std::shared_ptr<session>> work;
  {
    std::lock_guard<std::mutex> lock(s.mu);
    if (s.queue.size() <= max_requests) {
      work.swap(s.queue);
    } else {
      for (std::size_t i = 0; i < max_requests; ++i) {
        work.push_back(std::move(s.queue.front()));
        s.queue.pop_front();
      }
    }
  }
  for (const auto& job : work) {
    const auto& req = job->request();
    job->reply(to_http(s.routes->handle({routed_method(req), view(req.target()), req.body()}), req));
  }
  return work.size();
}

bool server::wait(std::chrono::milliseconds timeout) {
  impl& s = *impl_;
  std::unique_lock<std::mutex> lock(s.mu);
  return s.cv.wait_for(lock, timeout, [&] { return !s.queue.empty(); });
}

void server::stop() {
  impl& s = *impl_;
  if (s.threads.empty()) return;
  const auto give_up = std::chrono::steady_clock::now() + s.options.stop_grace;
  while (s.owed.load() != 0 && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  s.ioc.stop();
  for (auto& t : s.threads) t.join();
  s.threads.clear();
  beast::error_code ignored;
  s.acceptor.close(ignored);  // no thread runs the io_context now; a post could be skipped by stop()
  std::lock_guard<std::mutex> lock(s.mu);
  s.queue.clear();
}

}  // namespace relstore::rest
