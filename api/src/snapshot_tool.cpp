// relstore-snapshot: inspect, verify, dump, import, convert, diff and export
// any relstore snapshot, without the application's types.
#include "relstore/snapshot_tool.hpp"

#include <unistd.h>

#include <iostream>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "relstore/detail/file_io.hpp"
#include "relstore/snapshot.hpp"
#include "relstore/snapshot_tools.hpp"

namespace relstore {
namespace {

constexpr int exit_ok = 0;       // success, nothing wrong
constexpr int exit_problem = 1;  // the snapshot (or input) has a problem, or an operation failed
constexpr int exit_usage = 2;    // bad command line

constexpr const char* usage_text =
    R"(usage: relstore-snapshot COMMAND [ARGS]

Works on any relstore snapshot: the file describes its own schema.

commands:
  info FILE                      versions, checksum state, schema, relations, counts, sizes
  verify FILE                    envelope, checksum and full referential integrity
  dump FILE [--model M] [--filter JSON]
                                 rows as JSON Lines on stdout (LoopBack filter: where, order,
                                 limit, skip, fields; --filter needs --model)
  import JSON -o FILE --schema SCHEMA.json
                                 build a snapshot from {"Model":[{...}],...}; integrity enforced:
                                 nothing is written if a key dangles
  convert FILE -o OUT --format binary|text|xml
  diff A B                       per model: entities added, removed and changed
  export-sql FILE                SQL for sqlite3: tables with keys, then ordered INSERTs
  --help                         this text

exit codes: 0 good, 1 problem found (or the operation failed), 2 usage error
)";

struct args {
  std::vector<std::string> positional;
  std::string out, format, model, filter, schema;
};

class tool {
 public:
  tool(std::ostream& out, std::ostream& err) : out_(out), err_(err) {}

  int run(int argc, const char* const* argv) {
    if (argc < 2) return usage("no command");
    const std::string_view cmd = argv[1];
    if (cmd == "--help" || cmd == "-h" || cmd == "help") {
      out_ << usage_text;
      return exit_ok;
    }
    args a;
    std::string why;
    if (!parse(argc, argv, 2, a, why)) return usage(why);
    const bool one_file = !a.positional.empty();
    if (cmd == "info") return one_file ? info(a.positional[0]) : usage("info needs FILE");
    if (cmd == "verify") return one_file ? verify(a.positional[0]) : usage("verify needs FILE");
    if (cmd == "dump") return one_file ? dump(a) : usage("dump needs FILE");
    if (cmd == "import") return one_file ? import(a) : usage("import needs JSON");
    if (cmd == "convert") return one_file ? convert(a) : usage("convert needs FILE");
    if (cmd == "diff") return diff(a);
    if (cmd == "export-sql") return one_file ? export_sql(a.positional[0]) : usage("export-sql needs FILE");
    return usage("unknown command " + std::string(cmd));
  }

 private:
  int usage(const std::string& why) {
    err_ << "relstore-snapshot: " << why << "\n\n" << usage_text;
    return exit_usage;
  }

  int fail(const error& e) {
    err_ << "relstore-snapshot: " << e << "\n";
    return exit_problem;
  }

  // A progress bar on stderr, only when stderr is a terminal.
  progress_fn progress_bar(const char* label) {
    if (&err_ != &std::cerr || ::isatty(STDERR_FILENO) == 0) return {};
    return [this, label, last = -1](std::size_t done, std::size_t total) mutable {
      const int pct = total == 0 ? 100 : static_cast<int>(done * 100 / total);
      if (pct == last) return;
      last = pct;
      err_ << "\r" << label << " [" << std::string(static_cast<std::size_t>(pct * 40 / 100), '#')
           << std::string(static_cast<std::size_t>(40 - pct * 40 / 100), ' ') << "] " << pct << "%";
      if (pct >= 100) err_ << "\n";
      err_.flush();
    };
  }

  static bool parse(int argc, const char* const* argv, int from, args& a, std::string& why) {
    for (int i = from; i < argc; ++i) {
      std::string_view s = argv[i];
      auto take = [&](std::string& into) {
        if (i + 1 >= argc) {
          why = std::string(s) + " needs a value";
          return false;
        }
        into = argv[++i];
        return true;
      };
      if (s == "-o" || s == "--output") {
        if (!take(a.out)) return false;
      } else if (s == "--format") {
        if (!take(a.format)) return false;
      } else if (s == "--model") {
        if (!take(a.model)) return false;
      } else if (s == "--filter") {
        if (!take(a.filter)) return false;
      } else if (s == "--schema") {
        if (!take(a.schema)) return false;
      } else if (s.size() > 1 && s[0] == '-') {
        why = "unknown option " + std::string(s);
        return false;
      } else {
        a.positional.emplace_back(s);
      }
    }
    return true;
  }

  int info(const std::string& file) {
    snapshot_header h;
    auto ds = read_snapshot(file, &h);
    if (!ds) return fail(ds.error());
    describe_snapshot(file, h, *ds, out_);
    return exit_ok;
  }

  int verify(const std::string& file) {
    auto ds = read_snapshot(file);
    if (!ds) return fail(ds.error());
    auto problems = verify_dataset(*ds, progress_bar("verify"));
    for (const auto& v : problems) {
      out_ << "violation: model " << v.model << ", key " << v.key << ", field " << v.field << " = " << v.value << ": "
           << v.message << "\n";
    }
    if (!problems.empty()) {
      out_ << file << ": " << problems.size() << " violation(s)\n";
      return exit_problem;
    }
    out_ << file << ": ok (envelope, checksum, " << ds->total_rows() << " entities, every key resolves)\n";
    return exit_ok;
  }

  int dump(const args& a) {
    auto ds = read_snapshot(a.positional[0]);
    if (!ds) return fail(ds.error());
    auto n = dump_dataset(*ds, a.model, a.filter, out_);
    if (!n) return fail(n.error());
    return exit_ok;
  }

  int import(const args& a) {
    if (a.out.empty()) return usage("import needs -o FILE");
    if (a.schema.empty()) return usage("import needs --schema SCHEMA.json");
    // Read like a snapshot: a FIFO or a folder is an error at once, never a hang.
    auto doc = detail::read_regular_file(default_file_system(), a.positional[0]);
    if (!doc) return fail(doc.error());
    auto schema = detail::read_regular_file(default_file_system(), a.schema);
    if (!schema) return fail(schema.error());
    auto ds = import_json(*doc, *schema);
    if (!ds) return fail(ds.error());
    if (auto r = write_snapshot(*ds, a.out); !r) return fail(r.error());
    out_ << a.out << ": " << ds->total_rows() << " entities written\n";
    return exit_ok;
  }

  int convert(const args& a) {
    if (a.out.empty()) return usage("convert needs -o OUT");
    save_options o;
    if (a.format == "binary") {
      o.format = archive_format::binary;
    } else if (a.format == "text") {
      o.format = archive_format::text;
    } else if (a.format == "xml") {
      o.format = archive_format::xml;
    } else {
      return usage("convert needs --format binary, text or xml");
    }
    auto ds = read_snapshot(a.positional[0]);
    if (!ds) return fail(ds.error());
    if (auto r = write_snapshot(*ds, a.out, o); !r) return fail(r.error());
    return exit_ok;
  }

  int diff(const args& a) {
    if (a.positional.size() != 2) return usage("diff needs two files");
    auto x = read_snapshot(a.positional[0]);
    if (!x) return fail(x.error());
    auto y = read_snapshot(a.positional[1]);
    if (!y) return fail(y.error());
    auto diffs = diff_datasets(*x, *y);
    if (!diffs) return fail(diffs.error());
    for (const auto& d : *diffs) {
      out_ << d.model << ": added " << d.added << ", removed " << d.removed << ", changed " << d.changed << "\n";
    }
    return exit_ok;
  }

  int export_sql(const std::string& file) {
    auto ds = read_snapshot(file);
    if (!ds) return fail(ds.error());
    if (auto r = relstore::export_sql(*ds, out_, progress_bar("export")); !r) return fail(r.error());
    return exit_ok;
  }

  std::ostream& out_;
  std::ostream& err_;
};

}  // namespace

int run_snapshot_tool(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  return tool(out, err).run(argc, argv);
}

}  // namespace relstore
