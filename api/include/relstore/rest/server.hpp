// server: serves a router (router.hpp) over HTTP/1.1 with Boost.Beast, so a
// program can expose its live store to tools (an editor, a dashboard, a
// test driver) without sharing the store across threads.
//
//   relstore::rest::store_backend<schema> backend(db);
//   relstore::rest::router routes(backend);
//   relstore::rest::server http(routes, {.port = 3000});
//   if (auto r = http.start(); !r) ...;
//   while (running) {  // the game loop, on the thread that owns db
//     simulate(db);
//     http.poll();     // runs the requests that arrived, here, on this thread
//   }
//
// Threading contract:
//  * The server's threads (server_options::threads) accept connections,
//    read and parse requests, check the bearer token and the size limits,
//    and write responses. They never call the router: they never touch the
//    store.
//  * poll() runs the requests queued since the last poll through the router
//    on the calling thread, the owner (the thread that writes to the store),
//    and hands each response back to its connection. Between polls the
//    store is the owner's alone; no lock is ever taken on it.
//  * start(), poll(), wait(), stop() and the destructor are called by the
//    owner, one at a time. port() may be called from any thread after start().
//  * A connection has one request in flight: the next is read once the
//    response is written, so pipelined requests are answered in order.
//  * Requests left unpolled at stop() are dropped with their connections;
//    a request poll() ran is answered first (stop_grace at most), so a
//    client never loses the answer to a write that was made.
//
// Safety: binds 127.0.0.1 unless told otherwise; with a bearer token a
// request without "Authorization: Bearer <token>" is 401 (before its body
// is read); a body beyond its limit is 413, a start line and headers beyond
// theirs 431, and either closes the connection; a request not received
// within idle_timeout is 408 and closes the connection (an idle one is
// closed without a word); malformed HTTP is
// answered 400 and closes that connection only; a body sent as another
// Content-Type than JSON is 415 (a malformed JSON body is the router's 400).
// No browser page from another origin may call it unless
// server_options::cors_origin names that origin. Read-only mode is the
// router's (router_options::read_only).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>

#include "relstore/error.hpp"
#include "relstore/rest/router.hpp"

namespace relstore::rest {

struct server_options {
  std::string address = "127.0.0.1";               // the interface to bind; "0.0.0.0" for every one
  std::uint16_t port = 0;                          // 0: a free port, which port() tells
  std::string bearer_token;                        // empty: no authentication
  std::size_t body_limit = 1 << 20;                // bytes of one request's body
  std::size_t header_limit = 8 << 10;              // bytes of one request's start line and headers
  std::chrono::milliseconds idle_timeout{30'000};  // to read one request, or to write one response
  unsigned threads = 1;                            // network threads
  std::chrono::milliseconds stop_grace{1'000};     // stop() waits this long at most for polled requests' answers
  // The origin whose pages a browser lets call the server (CORS): an exact
  // origin ("http://localhost:8080"), "*" for any, or empty for none. A
  // request from it is answered with Access-Control-Allow-Origin (with "*",
  // every request is; with an origin, every answer says Vary: Origin), and
  // its preflight (OPTIONS with Access-Control-Request-Method and no body)
  // with 204 and the methods and headers allowed, before the token is asked
  // for (a browser sends none with it). Empty: no CORS header, a preflight
  // is 405.
  std::string cors_origin;
};

class server {
 public:
  // REQUIRES: `routes` outlives the server.
  server(router& routes, server_options options = {});
  ~server();  // stop()
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  // Binds, listens and starts the network threads. Errors: io_error (an
  // address that does not parse, a port taken). REQUIRES: not started.
  result<void> start();

  // The port bound (the one chosen when options.port was 0).
  std::uint16_t port() const noexcept;

  // Runs up to `max_requests` queued requests on this thread; returns how
  // many ran. Never blocks on the network.
  std::size_t poll(std::size_t max_requests = std::numeric_limits<std::size_t>::max());

  // Blocks until a request is queued or `timeout` passes; returns whether
  // one is queued. For a program with no frame loop of its own:
  //   while (running) { http.wait(100ms); http.poll(); }
  bool wait(std::chrono::milliseconds timeout);

  // Closes the listener and every connection and joins the network threads.
  void stop();

  struct impl;  // server.cpp's; named here so its connections can reach it

 private:
  std::unique_ptr<impl> impl_;
};

}  // namespace relstore::rest
