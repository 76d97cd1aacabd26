// relstore-snapshot as a library call: the tool's main is one line over it,
// and tests run its commands in-process.
#pragma once

#include <iosfwd>

namespace relstore {

// Runs `relstore-snapshot argv[1] ...` with its output on `out` and its
// messages on `err`. Returns the exit code: 0 good, 1 a problem found (or
// the operation failed), 2 a usage error.
// diff exits 1 when the files differ and 2 on trouble, as diff(1). `in` is
// what an input of "-" reads (import).
int run_snapshot_tool(int argc, const char* const* argv, std::istream& in, std::ostream& out, std::ostream& err);
// The same, reading std::cin.
int run_snapshot_tool(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

}  // namespace relstore
