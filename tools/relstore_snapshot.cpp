// relstore-snapshot: inspect, verify, dump, import, convert, diff and export
// any relstore snapshot, without the application's types.
#include <unistd.h>
#include <relstore/snapshot.hpp>
#include <relstore/snapshot_tools.hpp>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

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

int usage(const std::string& why) {
  std::fprintf(stderr, "relstore-snapshot: %s\n\n%s", why.c_str(), usage_text);
  return exit_usage;
}

int fail(const relstore::error& e) {
  std::fprintf(stderr, "relstore-snapshot: %s: %s\n", std::string(relstore::to_string(e.code)).c_str(),
               e.message.c_str());
  return exit_problem;
}

// A progress bar on stderr, only when stderr is a terminal.
relstore::progress_fn progress_bar(const char* label) {
  if (::isatty(STDERR_FILENO) == 0) return {};
  return [label, last = -1](std::size_t done, std::size_t total) mutable {
    const int pct = total == 0 ? 100 : static_cast<int>(done * 100 / total);
    if (pct == last) return;
    last = pct;
    std::fprintf(stderr, "\r%s [%-40s] %3d%%", label,
                 std::string(static_cast<std::size_t>(pct * 40 / 100), '#').c_str(), pct);
    if (pct >= 100) std::fputc('\n', stderr);
  };
}

struct args {
  std::vector<std::string> positional;
  std::string out, format, model, filter, schema;
};

bool parse(int argc, char** argv, int from, args& a, std::string& why) {
  for (int i = from; i < argc; ++i) {
    std::string_view s = argv[i];
    auto value = [&](std::string& into) {
      if (i + 1 >= argc) {
        why = std::string(s) + " needs a value";
        return false;
      }
      into = argv[++i];
      return true;
    };
    if (s == "-o" || s == "--output") {
      if (!value(a.out)) return false;
    } else if (s == "--format") {
      if (!value(a.format)) return false;
    } else if (s == "--model") {
      if (!value(a.model)) return false;
    } else if (s == "--filter") {
      if (!value(a.filter)) return false;
    } else if (s == "--schema") {
      if (!value(a.schema)) return false;
    } else if (s.size() > 1 && s[0] == '-') {
      why = "unknown option " + std::string(s);
      return false;
    } else {
      a.positional.emplace_back(s);
    }
  }
  return true;
}

bool read_text(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  out = std::move(ss).str();
  return true;
}

int cmd_info(const std::string& file) {
  relstore::snapshot_header h;
  auto ds = relstore::read_snapshot(file, &h);
  if (!ds) return fail(ds.error());
  std::printf("file: %s\n", file.c_str());
  std::printf("format: relstore snapshot version %u, %s archive, Boost archive version %u\n", h.format_version,
              std::string(relstore::to_string(h.format)).c_str(), h.boost_archive_version);
  std::printf("platform: %s-endian, sizeof int/long/long long/double/size_t/wchar_t/bool = %u/%u/%u/%u/%u/%u/%u\n",
              h.little_endian ? "little" : "big", h.sizes[0], h.sizes[1], h.sizes[2], h.sizes[3], h.sizes[4],
              h.sizes[5], h.sizes[6]);
  std::printf("checksum: CRC32C %08x, ok\n", h.payload_crc);
  std::printf("size: %llu bytes (%zu header + %llu payload)\n",
              static_cast<unsigned long long>(h.payload_length + relstore::snapshot_header_size),
              relstore::snapshot_header_size, static_cast<unsigned long long>(h.payload_length));
  std::printf("models:\n");
  for (const auto& m : ds->models) {
    std::printf("  %s: %zu entities, primary key %s\n", m.info.name.c_str(), m.rows,
                m.info.fields[m.info.primary_key].name.c_str());
    for (const auto& f : m.info.fields) {
      std::printf("    %s %s%s\n", f.name.c_str(), std::string(relstore::to_string(f.type)).c_str(),
                  f.nullable ? " (optional)" : "");
    }
  }
  std::printf("relations:\n");
  for (const auto& r : ds->relations) {
    const auto& p = ds->models[r.parent].info;
    const auto& c = ds->models[r.child].info;
    std::printf("  %s.%s: has_many %s (%s.%s -> %s.%s), inverse %s.%s, on_delete %s\n", p.name.c_str(), r.name.c_str(),
                c.name.c_str(), c.name.c_str(), c.fields[r.child_key].name.c_str(), p.name.c_str(),
                p.fields[r.parent_key].name.c_str(), c.name.c_str(), r.inverse.c_str(),
                std::string(relstore::to_string(r.policy)).c_str());
  }
  return exit_ok;
}

int cmd_verify(const std::string& file) {
  auto ds = relstore::read_snapshot(file);
  if (!ds) return fail(ds.error());
  auto problems = relstore::verify_dataset(*ds, progress_bar("verify"));
  for (const auto& v : problems) {
    std::printf("violation: model %s, key %s, field %s = %s: %s\n", v.model.c_str(), v.key.c_str(), v.field.c_str(),
                v.value.c_str(), v.message.c_str());
  }
  if (!problems.empty()) {
    std::printf("%s: %zu violation(s)\n", file.c_str(), problems.size());
    return exit_problem;
  }
  std::printf("%s: ok (envelope, checksum, %zu entities, every key resolves)\n", file.c_str(), ds->total_rows());
  return exit_ok;
}

int cmd_dump(const args& a) {
  auto ds = relstore::read_snapshot(a.positional[0]);
  if (!ds) return fail(ds.error());
  auto n = relstore::dump_dataset(*ds, a.model, a.filter, std::cout);
  if (!n) return fail(n.error());
  return exit_ok;
}

int cmd_import(const args& a) {
  if (a.out.empty()) return usage("import needs -o FILE");
  if (a.schema.empty()) return usage("import needs --schema SCHEMA.json");
  std::string doc, schema;
  if (!read_text(a.positional[0], doc)) return fail({relstore::errc::io_error, "cannot read " + a.positional[0]});
  if (!read_text(a.schema, schema)) return fail({relstore::errc::io_error, "cannot read " + a.schema});
  auto ds = relstore::import_json(doc, schema);
  if (!ds) return fail(ds.error());
  if (auto r = relstore::write_snapshot(*ds, a.out); !r) return fail(r.error());
  std::printf("%s: %zu entities written\n", a.out.c_str(), ds->total_rows());
  return exit_ok;
}

int cmd_convert(const args& a) {
  if (a.out.empty()) return usage("convert needs -o OUT");
  relstore::save_options o;
  if (a.format == "binary") {
    o.format = relstore::archive_format::binary;
  } else if (a.format == "text") {
    o.format = relstore::archive_format::text;
  } else if (a.format == "xml") {
    o.format = relstore::archive_format::xml;
  } else {
    return usage("convert needs --format binary, text or xml");
  }
  auto ds = relstore::read_snapshot(a.positional[0]);
  if (!ds) return fail(ds.error());
  if (auto r = relstore::write_snapshot(*ds, a.out, o); !r) return fail(r.error());
  return exit_ok;
}

int cmd_diff(const args& a) {
  if (a.positional.size() != 2) return usage("diff needs two files");
  auto x = relstore::read_snapshot(a.positional[0]);
  if (!x) return fail(x.error());
  auto y = relstore::read_snapshot(a.positional[1]);
  if (!y) return fail(y.error());
  for (const auto& d : relstore::diff_datasets(*x, *y)) {
    std::printf("%s: added %zu, removed %zu, changed %zu\n", d.model.c_str(), d.added, d.removed, d.changed);
  }
  return exit_ok;
}

int cmd_export_sql(const std::string& file) {
  auto ds = relstore::read_snapshot(file);
  if (!ds) return fail(ds.error());
  if (auto r = relstore::export_sql(*ds, std::cout, progress_bar("export")); !r) return fail(r.error());
  return exit_ok;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage("no command");
  const std::string_view cmd = argv[1];
  if (cmd == "--help" || cmd == "-h" || cmd == "help") {
    std::fputs(usage_text, stdout);
    return exit_ok;
  }
  args a;
  std::string why;
  if (!parse(argc, argv, 2, a, why)) return usage(why);
  const bool one_file = !a.positional.empty();
  if (cmd == "info") return one_file ? cmd_info(a.positional[0]) : usage("info needs FILE");
  if (cmd == "verify") return one_file ? cmd_verify(a.positional[0]) : usage("verify needs FILE");
  if (cmd == "dump") return one_file ? cmd_dump(a) : usage("dump needs FILE");
  if (cmd == "import") return one_file ? cmd_import(a) : usage("import needs JSON");
  if (cmd == "convert") return one_file ? cmd_convert(a) : usage("convert needs FILE");
  if (cmd == "diff") return cmd_diff(a);
  if (cmd == "export-sql") return one_file ? cmd_export_sql(a.positional[0]) : usage("export-sql needs FILE");
  return usage("unknown command " + std::string(cmd));
}
