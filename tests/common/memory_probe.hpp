// What the kernel says of this process's memory: a mapping's smaps lines
// and the thread's page faults. Linux only.
#pragma once

#include <sys/resource.h>

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>

namespace test {

// The line of /proc/self/smaps that starts with `field` for the mapping
// holding p, or "".
inline std::string smaps_line_of(const void* p, const std::string& field) {
  const auto at = reinterpret_cast<std::uintptr_t>(p);
  std::ifstream smaps("/proc/self/smaps");
  bool inside = false;
  for (std::string line; std::getline(smaps, line);) {
    std::uintptr_t lo = 0;
    std::uintptr_t hi = 0;
    char dash = 0;
    std::istringstream head(line);
    if (head >> std::hex >> lo >> dash >> hi && dash == '-') {
      inside = lo <= at && at < hi;
    } else if (inside && line.rfind(field, 0) == 0) {
      return line;
    }
  }
  return "";
}

// The VmFlags of the mapping holding `p` ("" if none).
inline std::string vm_flags_of(const void* p) { return smaps_line_of(p, "VmFlags:"); }

// This thread's minor page faults so far.
inline long minor_faults() {
  rusage u{};
  getrusage(RUSAGE_THREAD, &u);
  return u.ru_minflt;
}

}  // namespace test
