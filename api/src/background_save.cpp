// Background saves: the process-wide set of files being saved, the
// encoding run in the game thread's polls, and the thread that writes the
// file.
#include "relstore/background_save.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <system_error>
#include <thread>
#include <utility>

#include "relstore/detail/byte_pipe.hpp"
#include "relstore/detail/snapshot_file.hpp"

namespace relstore {
namespace {

std::mutex targets_mutex;
std::set<std::string>& running_targets() {
  static std::set<std::string> targets;
  return targets;
}

// One spelling per file: absolute first, since weakly_canonical leaves a
// relative path relative when none of it exists yet ("x.snap").
std::string target_key(const std::filesystem::path& path) {
  std::error_code ec;
  const std::filesystem::path absolute = std::filesystem::absolute(path, ec);
  if (ec) return path.lexically_normal().string();
  const std::filesystem::path p = std::filesystem::weakly_canonical(absolute, ec);
  return (ec ? absolute : p).lexically_normal().string();
}

}  // namespace

// The rows are the game thread's: the encoding reads them in a fiber the
// game's polls resume, and hands the bytes to the writer thread through
// `bytes`. `outcome` is the writer's until `written`.
struct background_save::job {
  std::unique_ptr<detail::point_in_time_source> rows;
  std::filesystem::path path;  // absolute
  save_options options;
  std::string target;  // in the set of running targets until collected
  // Full (the disk lags): the encoder gives its turn back.
  detail::byte_pipe bytes{[this] {
    if (!rows->turns().give_back()) bytes.wait_for_room();
  }};
  std::thread writer;
  std::atomic<bool> written{false};
  result<void> outcome;
  std::size_t copy_bytes = 0;
  bool collected = true;  // false once the target is claimed and the rows taken

  ~job() { finish(); }

  file_system& fs() const { return options.fs != nullptr ? *options.fs : default_file_system(); }

  // Encodes what is left here, then waits for the file.
  void finish() noexcept {
    while (rows != nullptr && rows->turns().lend(std::chrono::steady_clock::time_point::max())) {
      bytes.wait_for_room();  // it gave its turn back for want of room
    }
    if (writer.joinable()) writer.join();
    if (rows != nullptr) copy_bytes = rows->peak_copy_bytes();
  }

  error failed(const std::exception& e) const {
    return make_error(errc::io_error, std::string("background save of ") + path.string() + ": " + e.what());
  }

  // In the fiber, in the game's turns.
  void encode() noexcept {
    result<void> r;
    try {
      r = detail::encode_to(*rows, options.format, bytes.stream());
    } catch (...) {  // encode_to reports std::exception itself
      r = make_error(errc::io_error, "background save of " + path.string() + ": the encoder failed");
      try {
        rows->release();  // the watches end whatever happened
      } catch (...) {
      }
    }
    bytes.close(std::move(r));
  }

  // On the writer thread.
  void write() noexcept {
    try {
      outcome = detail::write_snapshot_file(bytes, path, options.format, fs());
    } catch (const std::exception& e) {
      outcome = failed(e);
    }
    bytes.drain_rest();  // the encoder's bytes and tasks left after a failure, until it is done
    written.store(true, std::memory_order_release);
  }

  void start_writer() {
    try {
      rows->turns().start([this] { encode(); });
      rows->free_copies_with([this](std::function<void()> task) { bytes.post(std::move(task)); });
      writer = std::thread([this] { write(); });
      return;
    } catch (const std::exception&) {  // no stack or no thread
      rows->turns().cancel();
      rows->free_copies_with(nullptr);
    }
    try {  // the whole save here, now
      outcome = detail::write_snapshot_file(*rows, path, options.format, fs());
    } catch (const std::exception& e) {
      outcome = failed(e);
    }
    rows->release();  // after an error the watches are left
    written.store(true, std::memory_order_release);
  }

  // Lets the encoding read the store until `until`.
  void lend(std::chrono::steady_clock::time_point until) { (void)rows->turns().lend(until); }
};

background_save::background_save() noexcept = default;
background_save::background_save(background_save&& other) noexcept = default;

background_save& background_save::operator=(background_save&& other) noexcept {
  if (this != &other) {
    if (running()) (void)wait();
    job_ = std::move(other.job_);
  }
  return *this;
}

background_save::~background_save() {
  if (running()) (void)wait();
}

bool background_save::running() const noexcept { return job_ != nullptr && !job_->collected; }

std::optional<result<void>> background_save::poll(std::chrono::microseconds budget) {
  RELSTORE_ASSERT(running(), "relstore: poll() of a background save that is not running");
  job_->lend(std::chrono::steady_clock::now() + budget);
  if (!job_->written.load(std::memory_order_acquire)) return std::nullopt;
  return wait();
}

result<void> background_save::wait() noexcept {
  RELSTORE_ASSERT(running(), "relstore: wait() of a background save that is not running");
  job_->finish();
  job_->collected = true;
  {
    std::lock_guard lock(targets_mutex);
    running_targets().erase(job_->target);
  }
  return std::move(job_->outcome);
}

std::size_t background_save::pending() const noexcept {
  return job_ != nullptr && !job_->collected && !job_->written.load(std::memory_order_acquire) ? job_->rows->pending()
                                                                                               : 0;
}

std::size_t background_save::copy_bytes() const noexcept {
  return job_ != nullptr && job_->collected ? job_->copy_bytes : 0;
}

namespace detail {

result<background_save> start_background_save(const std::filesystem::path& path, const save_options& options,
                                              function_ref<std::unique_ptr<point_in_time_source>()> start) {
  std::string target;
  try {
    target = target_key(path);
    std::lock_guard lock(targets_mutex);
    if (!running_targets().insert(target).second) {
      return make_error(errc::busy, "a background save of " + target + " is still running");
    }
  } catch (const std::bad_alloc&) {
    return make_error(errc::io_error, "a background save of " + path.string() + " could not start: out of memory");
  }
  try {
    background_save s;
    s.job_ = std::make_unique<background_save::job>();
    std::error_code ec;
    s.job_->path = std::filesystem::absolute(path, ec);  // as save() would name it now, whatever chdir follows
    if (ec) s.job_->path = path;
    s.job_->options = options;
    s.job_->target = target;
    s.job_->rows = start();
    s.job_->collected = false;
    s.job_->start_writer();
    return s;
  } catch (const std::bad_alloc&) {
    std::lock_guard lock(targets_mutex);
    running_targets().erase(target);
    return make_error(errc::io_error, "a background save of " + target + " could not start: out of memory");
  }
}

bool background_save_running(const std::filesystem::path& path) {
  const std::string target = target_key(path);
  std::lock_guard lock(targets_mutex);
  return running_targets().count(target) > 0;
}

}  // namespace detail
}  // namespace relstore
