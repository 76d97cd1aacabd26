// Background saves: the process-wide set of files being saved, the copy's
// slices on the game's thread, and the thread that writes the file.
#include "relstore/background_save.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <set>
#include <string>
#include <system_error>
#include <thread>
#include <utility>

#include "relstore/detail/snapshot_file.hpp"

namespace relstore {
namespace {

std::mutex targets_mutex;
std::set<std::string>& running_targets() {
  static std::set<std::string> targets;
  return targets;
}

std::string target_key(const std::filesystem::path& path) {
  std::error_code ec;
  std::filesystem::path p = std::filesystem::weakly_canonical(path, ec);
  if (ec) p = std::filesystem::absolute(path, ec);
  return (ec ? path : p).lexically_normal().string();
}

// Entities copied between two looks at the clock: a few microseconds.
constexpr std::size_t slice_rows = 256;

std::size_t bytes_of(const detail::column_store& data) {
  std::size_t n = 0;
  for (std::size_t m = 0; m < data.model_count(); ++m) {
    const detail::column_table& t = data.table(m);
    for (std::size_t f = 0; f < t.info().fields.size(); ++f) {
      const detail::column& c = t.at(f);
      n += c.ints.capacity() * sizeof(std::int64_t) + c.doubles.capacity() * sizeof(double) +
           c.strings.capacity() * sizeof(std::string) + c.nulls.capacity();
      for (const std::string& s : c.strings) n += s.capacity() > std::string().capacity() ? s.capacity() + 1 : 0;
    }
  }
  return n;
}

}  // namespace

// The copy is the game thread's; once it is complete, the writer thread
// owns it and `outcome`, published by `written`.
struct background_save::job {
  std::unique_ptr<detail::point_in_time_copy> copy;
  std::filesystem::path path;  // absolute
  save_options options;
  std::string target;  // in the set of running targets until collected
  std::thread writer;
  std::atomic<bool> written{false};
  result<void> outcome;
  std::size_t copy_bytes = 0;
  bool collected = true;  // false once the target is claimed and the copy begun

  ~job() {
    if (writer.joinable()) writer.join();
  }

  // The rows sorted by key, then the file; on the writer thread.
  void write() noexcept {
    try {
      copy_bytes = bytes_of(copy->data());
      result<detail::column_store> rows = std::move(*copy).finish();
      if (!rows) {
        outcome = std::move(rows).error();
      } else {
        outcome = detail::write_snapshot_file(*rows, path, options.format,
                                              options.fs != nullptr ? *options.fs : default_file_system());
      }
    } catch (const std::exception& e) {
      outcome = make_error(errc::io_error, std::string("background save of ") + path.string() + ": " + e.what());
    }
    copy.reset();
    written.store(true, std::memory_order_release);
  }

  // True until the copy is complete and handed to the writer.
  bool copying() const noexcept { return !writer.joinable() && !written.load(std::memory_order_acquire); }

  // REQUIRES: copying(), nothing pending.
  void start_writer() {
    try {
      writer = std::thread([this] { write(); });
    } catch (...) {
      write();  // no thread to be had: the file is written here
    }
  }

  // Copies until `until`, in slices; starts the writer once nothing is left.
  void copy_until(std::chrono::steady_clock::time_point until) {
    if (!copying()) return;
    while (copy->copy_some(slice_rows) != 0) {
      if (std::chrono::steady_clock::now() >= until) return;
    }
    start_writer();
  }
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
  job_->copy_until(std::chrono::steady_clock::now() + budget);
  if (!job_->written.load(std::memory_order_acquire)) return std::nullopt;
  return wait();
}

result<void> background_save::wait() noexcept {
  RELSTORE_ASSERT(running(), "relstore: wait() of a background save that is not running");
  job_->copy_until(std::chrono::steady_clock::time_point::max());
  // join() throws only for a thread that is not joinable or joins itself.
  if (job_->writer.joinable()) job_->writer.join();
  job_->collected = true;
  {
    std::lock_guard lock(targets_mutex);
    running_targets().erase(job_->target);
  }
  return std::move(job_->outcome);
}

std::size_t background_save::pending() const noexcept {
  return job_ != nullptr && !job_->collected && job_->copying() ? job_->copy->pending() : 0;
}

std::size_t background_save::copy_bytes() const noexcept {
  return job_ != nullptr && job_->collected ? job_->copy_bytes : 0;
}

namespace detail {

result<background_save> start_background_save(const std::filesystem::path& path, const save_options& options,
                                              function_ref<std::unique_ptr<point_in_time_copy>()> start) {
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
    s.job_->copy = start();
    s.job_->collected = false;
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
