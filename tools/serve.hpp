// Serving a store over REST from a program's main loop: the options
// relstore-server and relstore-demo --serve share, and the loop that polls
// the server on the thread owning the store (server.hpp's contract).
#pragma once

#include <relstore/background_save.hpp>
#include <relstore/rest/router.hpp>
#include <relstore/rest/server.hpp>
#include <relstore/rest/store_backend.hpp>
#include <relstore/snapshot.hpp>

#include <boost/program_options.hpp>
#include <chrono>
#include <csignal>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>

#include "whole_number.hpp"

namespace tools {

struct serve_options {
  std::string address = "127.0.0.1";
  std::uint16_t port = 3000;
  bool read_only = false;
  std::string token;     // --token, else $RELSTORE_TOKEN; empty: none
  std::string snapshot;  // saved by POST /snapshot and on SIGINT/SIGTERM unless read_only; empty: no saving
  unsigned threads = 1;
  std::size_t body_limit = 1 << 20;
  std::uint32_t idle_timeout_ms = 30'000;
  std::string cors_origin;  // --cors-origin; empty: none
};

// Declares --address, --port, --read-only, --token, --threads, --body-limit,
// --idle-timeout and --cors-origin in `desc`.
inline void add_serve_options(boost::program_options::options_description& desc, serve_options& o) {
  namespace po = boost::program_options;
  auto add = desc.add_options();
  add("address", po::value<std::string>(&o.address)->value_name("IP")->default_value(o.address),
      "the interface to listen on");
  add("port", po::value<std::string>()->value_name("N")->default_value(std::to_string(o.port)),
      "the port to listen on; 0 picks a free one (printed)");
  add("read-only", po::bool_switch(&o.read_only), "refuse every write with 403");
  add("token", po::value<std::string>(&o.token)->value_name("T"),
      "require 'Authorization: Bearer T' (default: $RELSTORE_TOKEN, if set)");
  add("threads", po::value<std::string>()->value_name("N")->default_value(std::to_string(o.threads)),
      "network threads, 1 to 64");
  add("body-limit", po::value<std::string>()->value_name("BYTES")->default_value(std::to_string(o.body_limit)),
      "largest request body; a larger one is 413");
  add("idle-timeout", po::value<std::string>()->value_name("MS")->default_value(std::to_string(o.idle_timeout_ms)),
      "close a connection idle (or sending one request) this long");
  add("cors-origin", po::value<std::string>(&o.cors_origin)->value_name("ORIGIN"),
      "let browser pages from ORIGIN (e.g. http://localhost:8080, or '*' for any) call the server");
}

// Reads the options add_serve_options declared. Throws po::error.
inline void read_serve_options(const boost::program_options::variables_map& vm, serve_options& o) {
  o.port = whole_number("port", vm["port"].as<std::string>(), std::uint16_t{0}, std::uint16_t{65535});
  o.threads = whole_number("threads", vm["threads"].as<std::string>(), 1u, 64u);
  o.body_limit = whole_number("body-limit", vm["body-limit"].as<std::string>(), std::size_t{1}, std::size_t{1} << 30);
  o.idle_timeout_ms =
      whole_number("idle-timeout", vm["idle-timeout"].as<std::string>(), std::uint32_t{10}, std::uint32_t{3'600'000});
  if (o.token.empty()) {
    if (const char* t = std::getenv("RELSTORE_TOKEN")) o.token = t;
  }
}

namespace detail {
inline volatile std::sig_atomic_t stop_requested = 0;
inline void request_stop(int) { stop_requested = 1; }
}  // namespace detail

// Serves `db` until SIGINT or SIGTERM, then saves it to o.snapshot (if
// set and not o.read_only). Every `frame` it calls tick() (a game's frame; a no-op for a plain
// server); in between it sleeps until a request arrives and runs it at once
// through poll(), on this thread. POST /snapshot starts a background save,
// which reads the store a slice at a time between frames: the loop does not
// stall for it. Returns the exit status.
template <class Schema, class Tick>
int serve(relstore::store<Schema>& db, const serve_options& o, std::chrono::milliseconds frame, Tick&& tick,
          const char* program) {
  relstore::rest::store_backend<Schema> backend(db);
  relstore::rest::router_options ro;
  ro.read_only = o.read_only;
  ro.title = program;
  std::optional<relstore::background_save> saving;  // the one POST /snapshot started last
  const auto report = [&](const relstore::result<void>& r) {
    if (r) {
      std::printf("%s: saved %s\n", program, o.snapshot.c_str());
    } else {
      std::fprintf(stderr, "%s: saving %s failed: %s\n", program, o.snapshot.c_str(), r.error().message().c_str());
    }
    std::fflush(stdout);
    return static_cast<bool>(r);
  };
  if (!o.snapshot.empty()) {
    ro.save = [&]() -> relstore::result<std::string> {
      auto started = relstore::save_in_background(db, o.snapshot);  // busy while the last one runs
      if (!started) return std::move(started).error();
      saving = std::move(*started);
      return o.snapshot;
    };
    ro.save_starts = true;
  }
  relstore::rest::router routes(backend, std::move(ro));
  relstore::rest::server http(routes, {.address = o.address,
                                       .port = o.port,
                                       .bearer_token = o.token,
                                       .body_limit = o.body_limit,
                                       .idle_timeout = std::chrono::milliseconds(o.idle_timeout_ms),
                                       .threads = o.threads,
                                       .cors_origin = o.cors_origin});
  if (auto r = http.start(); !r) {
    std::fprintf(stderr, "%s: %s\n", program, r.error().message().c_str());
    return 1;
  }
  std::signal(SIGINT, detail::request_stop);
  std::signal(SIGTERM, detail::request_stop);
  const std::string host = o.address.find(':') == std::string::npos ? o.address : "[" + o.address + "]";  // IPv6
  std::printf("%s: listening on http://%s:%u%s%s\n", program, host.c_str(), static_cast<unsigned>(http.port()),
              o.read_only ? " (read-only)" : "", o.token.empty() ? "" : " (bearer token required)");
  std::fflush(stdout);
  using clock = std::chrono::steady_clock;
  auto next_frame = clock::now() + frame;
  // A bounded wait, so a signal is seen within 100 ms whatever the frame.
  const auto slice = std::min(frame, std::chrono::milliseconds(100));
  // While a save runs, it gets a 2 ms slice at most every 10 ms of wall
  // clock, however many requests wake the loop.
  auto next_slice = clock::now();
  const auto save_running = [&] { return saving && saving->running(); };
  while (detail::stop_requested == 0) {
    const auto now = clock::now();
    if (now >= next_frame) {
      tick();
      next_frame = now + frame;
    }
    if (save_running() && clock::now() >= next_slice) {
      if (auto done = saving->poll(std::chrono::milliseconds(2))) report(*done);
      next_slice = clock::now() + std::chrono::milliseconds(8);
    }
    auto until = std::min(next_frame, clock::now() + slice);
    if (save_running()) until = std::min(until, next_slice);
    http.wait(std::max(std::chrono::milliseconds(0),
                       std::chrono::duration_cast<std::chrono::milliseconds>(until - clock::now())));
    http.poll();
  }
  http.stop();
  if (save_running()) report(saving->wait());
  // A read-only server only reads its snapshot: another program may have
  // saved a newer one there since.
  if (!o.snapshot.empty() && !o.read_only && !report(relstore::save(db, o.snapshot))) return 1;
  std::printf("%s: stopped\n", program);
  return 0;
}

}  // namespace tools
