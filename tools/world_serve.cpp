#include "world_serve.hpp"

namespace tools {

int serve_world(world::store& db, const serve_options& o, std::chrono::milliseconds frame,
                const std::function<void()>& tick, const char* program) {
  return serve(db, o, frame, tick, program);
}

}  // namespace tools
