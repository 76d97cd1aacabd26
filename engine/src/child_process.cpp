// Forked jobs: the child's side writes [int32 code][message] to a pipe and
// leaves; the parent's side reads until end of file, then reaps the child.
#include "relstore/detail/child_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <exception>
#include <utility>

namespace relstore::detail {
namespace {

error os_error(const char* what, int err) {
  return make_error(errc::io_error, std::string("background job: ") + what + ": " + std::strerror(err));
}

void write_all(int fd, const char* p, std::size_t n) {
  while (n > 0) {
    const ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return;  // the parent is gone: nobody to tell
    p += w;
    n -= static_cast<std::size_t>(w);
  }
}

// The result a complete report [int32 code][message] stands for.
// REQUIRES: report.size() >= sizeof(std::int32_t).
result<void> decode_report(const std::string& report) {
  std::int32_t code = 0;
  std::memcpy(&code, report.data(), sizeof code);
  if (code == 0) return {};
  return make_error(static_cast<errc>(code), report.substr(sizeof code));
}

[[noreturn]] void run_child(int fd, function_ref<result<void>()> job) {
  std::int32_t code = 0;
  std::string message;
  try {
    if (result<void> r = job(); !r) {
      code = static_cast<std::int32_t>(r.error().code);
      message = r.error().message();
    }
  } catch (const std::exception& e) {
    code = static_cast<std::int32_t>(errc::io_error);
    message = std::string("background job failed: ") + e.what();
  } catch (...) {
    code = static_cast<std::int32_t>(errc::io_error);
    message = "background job failed with an unknown exception";
  }
  char head[sizeof code];
  std::memcpy(head, &code, sizeof code);
  write_all(fd, head, sizeof head);
  write_all(fd, message.data(), message.size());
  ::_exit(0);
}

}  // namespace

child_job::child_job(child_job&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)),
      fd_(std::exchange(other.fd_, -1)),
      report_(std::move(other.report_)),
      peak_rss_(other.peak_rss_) {}

child_job& child_job::operator=(child_job&& other) noexcept {
  if (this != &other) {
    if (running()) (void)wait();
    pid_ = std::exchange(other.pid_, -1);
    fd_ = std::exchange(other.fd_, -1);
    report_ = std::move(other.report_);
    peak_rss_ = other.peak_rss_;
  }
  return *this;
}

child_job::~child_job() {
  if (running()) (void)wait();
}

result<child_job> child_job::start(function_ref<result<void>()> job) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return os_error("cannot create a pipe", errno);
  const pid_t pid = ::fork();
  if (pid < 0) {
    const int err = errno;
    ::close(fds[0]);
    ::close(fds[1]);
    return os_error("cannot fork", err);
  }
  if (pid == 0) {
    ::close(fds[0]);
    // The game's handlers are not the saver's: a Ctrl-C or SIGTERM sent to
    // the process group ends the saver (the temporary file is left, the
    // snapshot untouched) instead of running the game's shutdown in it.
    for (int sig = 1; sig < NSIG; ++sig) {
      struct sigaction old {};
      if (::sigaction(sig, nullptr, &old) == 0 && old.sa_handler != SIG_IGN && old.sa_handler != SIG_DFL) {
        ::signal(sig, SIG_DFL);
      }
    }
    run_child(fds[1], job);
  }
  ::close(fds[1]);
  ::fcntl(fds[0], F_SETFL, ::fcntl(fds[0], F_GETFL) | O_NONBLOCK);
  child_job j;
  j.pid_ = pid;
  j.fd_ = fds[0];
  return j;
}

bool child_job::drain(bool block) {
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(fd_, buf, sizeof buf);
    if (n > 0) {
      report_.append(buf, static_cast<std::size_t>(n));
      continue;
    }
    if (n == 0) return true;
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) return true;  // treat as closed: reap tells
    if (!block) return false;
    pollfd p{fd_, POLLIN, 0};
    (void)::poll(&p, 1, -1);
  }
}

std::optional<result<void>> child_job::poll() {
  if (!drain(false)) return std::nullopt;
  return reap();
}

result<void> child_job::wait() {
  drain(true);
  return reap();
}

result<void> child_job::reap() {
  int status = 0;
  rusage usage{};
  pid_t r;
  do {
    r = ::wait4(pid_, &status, 0, &usage);
  } while (r < 0 && errno == EINTR);
  const int err = errno;
  const pid_t pid = pid_;
  std::string report = std::move(report_);
  reset();
  const bool reported = report.size() >= sizeof(std::int32_t);
  if (r < 0) {
    // Reaped elsewhere (SIGCHLD ignored, or a handler that waits): the
    // child's own report, if complete, is the result.
    if (err == ECHILD && reported) return decode_report(report);
    return os_error("cannot wait for the process", err);
  }
  peak_rss_ = static_cast<std::size_t>(usage.ru_maxrss) * 1024;  // Linux: KiB
  if (WIFSIGNALED(status)) {
    return make_error(errc::io_error, "background job: process " + std::to_string(pid) + " was killed by signal " +
                                          std::to_string(WTERMSIG(status)) + " (" + ::strsignal(WTERMSIG(status)) +
                                          ")");
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || !reported) {
    return make_error(errc::io_error, "background job: process " + std::to_string(pid) +
                                          " ended without reporting (exit status " +
                                          std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) + ")");
  }
  return decode_report(report);
}

void child_job::reset() noexcept {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  pid_ = -1;
}

}  // namespace relstore::detail
