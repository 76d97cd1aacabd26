// The demo's world served over REST, compiled once (world_serve.cpp) for
// relstore-demo --serve and relstore-server --schema world: serve<> and the
// world's REST backend are the largest instantiations of either program.
#pragma once

#include <chrono>
#include <functional>

#include "schemas/world.hpp"
#include "serve.hpp"

namespace tools {

// serve() (serve.hpp) on the world's store: same contract, with `tick`
// called every `frame` on this thread.
int serve_world(world::store& db, const serve_options& o, std::chrono::milliseconds frame,
                const std::function<void()>& tick, const char* program);

}  // namespace tools
