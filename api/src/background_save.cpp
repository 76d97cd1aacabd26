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
// True in a saving process: its own save is not refused as busy.
bool in_saver = false;

std::string target_key(const std::filesystem::path& path) {
  std::error_code ec;
  std::filesystem::path p = std::filesystem::weakly_canonical(path, ec);
  if (ec) p = std::filesystem::absolute(path, ec);
  return (ec ? path : p).lexically_normal().string();
}

}  // namespace

background_save::background_save(background_save&& other) noexcept
    : job_(std::move(other.job_)),
      target_(std::exchange(other.target_, {})),
      path_(std::move(other.path_)),
      pid_(std::exchange(other.pid_, -1)) {}

background_save& background_save::operator=(background_save&& other) noexcept {
  if (this != &other) {
    if (running()) (void)wait();
    job_ = std::move(other.job_);
    target_ = std::exchange(other.target_, {});
    path_ = std::move(other.path_);
    pid_ = std::exchange(other.pid_, -1);
  }
  return *this;
}

background_save::~background_save() {
  if (running()) (void)wait();
}

std::optional<result<void>> background_save::poll() {
  std::optional<result<void>> r = job_.poll();
  if (r) finish(*r);
  return r;
}

result<void> background_save::wait() {
  result<void> r = job_.wait();
  finish(r);
  return r;
}

void background_save::finish(const result<void>& r) {
  // A saver that was killed leaves its temporary file ("NAME.tmp.PID.N").
  if (!r && pid_ > 0) {
    const std::string prefix = path_.filename().string() + ".tmp." + std::to_string(pid_) + ".";
    std::filesystem::path dir = path_.parent_path();
    if (dir.empty()) dir = ".";
    std::error_code ec;
    for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      if (it->path().filename().string().rfind(prefix, 0) == 0) std::filesystem::remove(it->path(), ec);
    }
  }
  release();
}

void background_save::release() noexcept {
  if (target_.empty()) return;
  std::lock_guard lock(targets_mutex);
  running_targets().erase(target_);
  target_.clear();
}

namespace detail {

result<background_save> start_background_save(const std::filesystem::path& path, function_ref<result<void>()> job) {
  std::string target = target_key(path);
  {
    std::lock_guard lock(targets_mutex);
    if (!running_targets().insert(target).second) {
      return make_error(errc::busy, "a background save of " + target + " is still running");
    }
  }
  auto saver = [&]() -> result<void> {
    in_saver = true;
    return job();
  };
  result<child_job> started = child_job::start(saver);
  if (!started) {
    std::lock_guard lock(targets_mutex);
    running_targets().erase(target);
    return std::move(started).error();
  }
  background_save s;
  s.job_ = std::move(*started);
  s.target_ = std::move(target);
  s.pid_ = s.job_.pid();
  s.path_ = path;
  return s;
}

bool background_save_running(const std::filesystem::path& path) {
  if (in_saver) return false;
  const std::string target = target_key(path);
  std::lock_guard lock(targets_mutex);
  return running_targets().count(target) > 0;
}

}  // namespace detail
}  // namespace relstore
