// Background saves: the process-wide set of files being saved, and the
// handle's side of a forked save.
#include "relstore/background_save.hpp"

#include <mutex>
#include <set>
#include <system_error>
#include <utility>

namespace relstore {
namespace {

std::mutex targets_mutex;
std::set<std::string>& running_targets() {
  static std::set<std::string> targets;
  return targets;
}

}  // namespace

background_save::background_save(background_save&& other) noexcept
    : job_(std::move(other.job_)), target_(std::exchange(other.target_, {})) {}

background_save& background_save::operator=(background_save&& other) noexcept {
  if (this != &other) {
    if (running()) (void)wait();
    job_ = std::move(other.job_);
    target_ = std::exchange(other.target_, {});
  }
  return *this;
}

background_save::~background_save() {
  if (running()) (void)wait();
}

std::optional<result<void>> background_save::poll() {
  std::optional<result<void>> r = job_.poll();
  if (r) release();
  return r;
}

result<void> background_save::wait() {
  result<void> r = job_.wait();
  release();
  return r;
}

void background_save::release() noexcept {
  if (target_.empty()) return;
  std::lock_guard lock(targets_mutex);
  running_targets().erase(target_);
  target_.clear();
}

namespace detail {

result<background_save> start_background_save(const std::filesystem::path& path, function_ref<result<void>()> job) {
  std::error_code ec;
  std::string target = std::filesystem::absolute(path, ec).lexically_normal().string();
  if (ec) target = path.lexically_normal().string();
  {
    std::lock_guard lock(targets_mutex);
    if (!running_targets().insert(target).second) {
      return make_error(errc::busy, "a background save of " + target + " is still running");
    }
  }
  result<child_job> started = child_job::start(job);
  if (!started) {
    std::lock_guard lock(targets_mutex);
    running_targets().erase(target);
    return std::move(started).error();
  }
  background_save s;
  s.job_ = std::move(*started);
  s.target_ = std::move(target);
  return s;
}

}  // namespace detail
}  // namespace relstore
