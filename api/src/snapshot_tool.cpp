// relstore-snapshot: inspect, verify, dump, import, convert, diff and export
// any relstore snapshot, without the application's types. Command lines are
// parsed with Boost.Program_options; every command has --help.
#include "relstore/snapshot_tool.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <iostream>
#include <iterator>
#include <mutex>
#include <new>
#include <optional>
#include <ostream>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "relstore/detail/command_line.hpp"
#include "relstore/detail/file_io.hpp"
#include "relstore/snapshot.hpp"
#include "relstore/snapshot_tools.hpp"

namespace relstore {
namespace {

namespace po = boost::program_options;

constexpr int exit_ok = 0;       // success, nothing wrong
constexpr int exit_problem = 1;  // a problem found (or the operation failed); diff: the files differ
constexpr int exit_usage = 2;    // bad command line; diff: trouble

struct command {
  std::string_view name;
  std::string_view synopsis;
  std::string_view summary;
};

constexpr command commands[] = {
    {"info", "info FILE [--json]", "versions, checksum state, schema, relations, counts, sizes"},
    {"verify", "verify FILE", "envelope, checksum and full referential integrity"},
    {"dump", "dump FILE [--model M] [--filter JSON] [--format jsonl|csv|table]",
     "rows through a LoopBack filter (where, order, limit, skip, fields)"},
    {"import", "import INPUT... -o FILE (--schema SCHEMA.json | --schema-from SNAPSHOT)",
     "build a snapshot from JSON, dump's JSON Lines or CSV; nothing is written if a key dangles"},
    {"convert", "convert FILE -o OUT [--format binary|text|xml]", "rewrite a snapshot in another archive format"},
    {"diff", "diff A B [--format table|jsonl] [--unrelated]", "each added, removed and changed key; exit 1 if any"},
    {"export-sql", "export-sql FILE [--dialect sqlite|postgresql] [-o OUT]",
     "SQL that loads into sqlite3 or PostgreSQL with every key enforced"},
};

constexpr std::string_view overview =
    "Works on any relstore snapshot: the file describes its own schema.\n"
    "A FILE, A, B, INPUT, SCHEMA.json or SNAPSHOT of - is standard input (one per run);\n"
    "export-sql -o - is standard output; import and convert refuse it (a snapshot goes to a file).\n"
    "Run relstore-snapshot COMMAND --help for a command's options.\n\n"
    "exit codes: 0 good, 1 a problem found (or the operation failed; diff: the files differ),\n"
    "2 a usage error (diff: trouble)\n";

// While alive, shows "<label> 2.1 s" on stderr once a second has passed,
// refreshed ten times a second, and erases it at the end: for steps with no
// count to show (reading and writing a snapshot). Inert when `err` is null.
// Nothing else may write to `err` meanwhile.
class busy_line {
 public:
  busy_line(std::ostream* err, std::string label) : err_(err), label_(std::move(label)) {
    if (err_ != nullptr) ticker_ = std::thread([this] { tick(); });
  }
  busy_line(const busy_line&) = delete;
  busy_line& operator=(const busy_line&) = delete;
  ~busy_line() {
    if (err_ == nullptr) return;
    {
      std::lock_guard<std::mutex> lock(mu_);
      done_ = true;
    }
    cv_.notify_one();
    ticker_.join();
  }

 private:
  void tick() {
    using clock = std::chrono::steady_clock;
    const auto start = clock::now();
    bool shown = false;
    std::unique_lock<std::mutex> lock(mu_);
    while (!cv_.wait_for(lock, std::chrono::milliseconds(100), [this] { return done_; })) {
      const double s = std::chrono::duration<double>(clock::now() - start).count();
      if (s < 1.0) continue;
      char buf[32];
      std::snprintf(buf, sizeof buf, " %.1f s", s);
      *err_ << "\r" << label_ << buf << std::flush;
      shown = true;
    }
    if (shown) *err_ << "\r" << std::string(label_.size() + 12, ' ') << "\r" << std::flush;
  }

  std::ostream* err_;
  std::string label_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  std::thread ticker_;
};

class tool {
 public:
  tool(std::istream& in, std::ostream& out, std::ostream& err) : in_(in), out_(out), err_(err) {}

  int run(int argc, const char* const* argv) {
    if (argc < 2) return usage(nullptr, "no command");
    const std::string_view name = argv[1];
    std::vector<std::string> args(argv + 2, argv + argc);
    if (name == "--help" || name == "-h" || name == "help") {
      if (args.empty()) return output_checked(help());
      return output_checked(dispatch(args[0], {"--help"}));
    }
    return output_checked(dispatch(name, args));
  }

 private:
  // What a command printed must reach its reader: output lost to a full disk
  // or a closed pipe fails the command (diff: trouble, 2), whatever it found,
  // as a failed write of dump or export-sql does. An import that wrote its
  // file only reports so on stdout: a lost report is said, its status kept.
  int output_checked(int status) {
    if (out_.flush()) return status;
    if (!reported_) {
      err_ << "relstore-snapshot";
      if (command_ != nullptr) err_ << " " << command_->name;
      err_ << ": " << error(errc::io_error, "cannot write standard output") << "\n";
    }
    if (file_written_) return status;
    if (command_ != nullptr && command_->name == "diff") return exit_usage;
    return status == exit_ok ? exit_problem : status;
  }

  int dispatch(std::string_view name, const std::vector<std::string>& args) {
    for (const auto& c : commands) {
      if (c.name != name) continue;
      command_ = &c;
      if (name == "info") return info(args);
      if (name == "verify") return verify(args);
      if (name == "dump") return dump(args);
      if (name == "import") return import(args);
      if (name == "convert") return convert(args);
      if (name == "diff") return diff(args);
      return export_sql(args);
    }
    return usage(nullptr, "unknown command " + std::string(name));
  }

  int help() {
    out_ << "usage: relstore-snapshot COMMAND [ARGS]\n\ncommands:\n";
    for (const auto& c : commands) {
      out_ << "  " << c.synopsis << "\n      " << c.summary << "\n";
    }
    out_ << "  --help\n      this text\n\n" << overview;
    return exit_ok;
  }

  // One line naming the problem and one with the command's usage.
  int usage(const command* c, const std::string& why) {
    err_ << "relstore-snapshot";
    if (c != nullptr) err_ << " " << c->name;
    err_ << ": " << why << "\n";
    if (c != nullptr) {
      err_ << "usage: relstore-snapshot " << c->synopsis << "  (--help for details)\n";
    } else {
      err_ << "usage: relstore-snapshot COMMAND [ARGS]  (--help for the commands)\n";
    }
    return exit_usage;
  }

  int fail(const error& e) {
    err_ << "relstore-snapshot " << command_->name << ": " << e << "\n";
    reported_ = true;
    return exit_problem;
  }

  // diff's failure: exit 1 means the files differ, so trouble is 2, as diff(1).
  int trouble(const error& e) {
    fail(e);
    return exit_usage;
  }

  // Parses `args` against `options`. `names` are the arguments that are not
  // options, each required, in order; with `repeat_last` the last may
  // repeat. Their values go to `operands`. Returns the exit code when the
  // command must stop: 0 after --help, 2 on a usage error.
  std::optional<int> parse(const std::vector<std::string>& args, po::options_description& options,
                           std::initializer_list<const char*> names, po::variables_map& vm,
                           std::vector<std::string>& operands, bool repeat_last = false) {
    options.add_options()("help,h", "this command's help");
    try {
      operands = detail::parse_command_line(args, options, repeat_last ? args.size() : names.size(), vm);
      po::notify(vm);
    } catch (const po::error& e) {
      return usage(command_, e.what());
    }
    if (vm.count("help") != 0) {
      out_ << "usage: relstore-snapshot " << command_->synopsis << "\n\n" << command_->summary << "\n\n" << options;
      return exit_ok;
    }
    if (operands.size() < names.size())
      return usage(command_, std::string("missing ") + names.begin()[operands.size()]);
    return std::nullopt;
  }

  // Whether progress may be drawn: stderr is a terminal.
  bool on_terminal() const { return &err_ == &std::cerr && ::isatty(STDERR_FILENO) != 0; }

  // A snapshot operand: a file, or "-", standard input (stdin_once). A FIFO or
  // device by path stays refused at once: a hostile "file" must not block us.
  result<dataset> read(const std::string& file, snapshot_header* header = nullptr) {
    busy_line busy(on_terminal() ? &err_ : nullptr, "reading " + (file == "-" ? "standard input" : file));
    if (file == "-") return read_snapshot(in_, header);
    return with_fifo_hint(read_snapshot(file, header), file);
  }

  // <(zcat save.snap.gz) names a FIFO: its refusal points at -.
  template <class T>
  static result<T> with_fifo_hint(result<T> r, const std::string& path) {
    std::error_code ec;
    if (r || !std::filesystem::is_fifo(path, ec)) return r;
    return make_error(r.error().code, r.error().message() + " (pipe it to standard input, -, instead)");
  }

  // An import INPUT's path: MODEL=PATH's PATH, else the input itself.
  static std::string input_path(const std::string& input) {
    const auto eq = input.find('=');
    return eq != std::string::npos && eq > 0 ? input.substr(eq + 1) : input;
  }

  // A usage error, before anything is read, when more than one of `paths` is "-".
  std::optional<int> stdin_once(const std::vector<std::string>& paths) {
    if (std::count(paths.begin(), paths.end(), "-") <= 1) return std::nullopt;
    return usage(command_, "standard input (-) can be read once, and more than one operand names it");
  }

  // A snapshot is written to a file (renamed into place), never to standard output.
  std::optional<int> not_stdout(const std::string& out) {
    if (out != "-") return std::nullopt;
    return usage(command_, "-o - : a snapshot is written to a file, not to standard output");
  }

  result<void> write(const dataset& data, const std::string& file, save_options o = {}) {
    busy_line busy(on_terminal() ? &err_ : nullptr, "writing " + file);
    return write_snapshot(data, file, o);
  }

  // A progress bar on stderr, only when stderr is a terminal.
  progress_fn progress_bar(const char* label) {
    if (!on_terminal()) return {};
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

  int info(const std::vector<std::string>& args) {
    po::options_description o("options");
    o.add_options()("json", "the schema and counts as JSON, in the form import --schema reads");
    po::variables_map vm;
    std::vector<std::string> operands;
    if (auto stop = parse(args, o, {"FILE"}, vm, operands)) return *stop;
    const auto file = operands[0];
    snapshot_header h;
    auto ds = read(file, &h);
    if (!ds) return fail(ds.error());
    if (vm.count("json") != 0) {
      out_ << describe_snapshot_json(h, *ds) << "\n";
    } else {
      describe_snapshot(file, h, *ds, out_);
    }
    return exit_ok;
  }

  int verify(const std::vector<std::string>& args) {
    po::options_description o("options");
    po::variables_map vm;
    std::vector<std::string> operands;
    if (auto stop = parse(args, o, {"FILE"}, vm, operands)) return *stop;
    const auto file = operands[0];
    auto ds = read(file);
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

  int dump(const std::vector<std::string>& args) {
    po::options_description o("options");
    std::string model, filter, format;
    o.add_options()("model", po::value(&model)->value_name("M"), "only model M (needed by --filter and csv)")(
        "filter", po::value(&filter)->value_name("JSON"), "a LoopBack filter: where, order, limit, skip, fields")(
        "format", po::value(&format)->value_name("F")->default_value("jsonl"),
        "jsonl ({\"model\":...,\"row\":{...}} per line, as import reads), csv (one model, as import reads), or "
        "table");
    po::variables_map vm;
    std::vector<std::string> operands;
    if (auto stop = parse(args, o, {"FILE"}, vm, operands)) return *stop;
    auto f = parse_dump_format(format);
    if (!f) return usage(command_, "unknown --format " + format + " (jsonl, csv or table)");
    auto ds = read(operands[0]);
    if (!ds) return fail(ds.error());
    auto n = dump_dataset(*ds, dump_options{model, filter, *f, progress_bar("dump")}, out_);
    if (!n) return fail(n.error());
    return exit_ok;
  }

  // Reads an import input: a file, or "-" for standard input (once: stdin_once).
  result<std::string> read_input(const std::string& path) {
    if (path != "-") {
      return with_fifo_hint(
          detail::read_regular_file(default_file_system(), path).transform([](const detail::file_bytes& bytes) {
            return std::string(bytes.view());
          }),
          path);
    }
    try {
      std::string text(std::istreambuf_iterator<char>(in_), {});
      if (in_.bad()) return make_error(errc::io_error, "cannot read standard input");
      return text;
    } catch (const std::bad_alloc&) {
      return make_error(errc::io_error, "cannot read standard input: it does not fit in memory");
    }
  }

  int import(const std::vector<std::string>& args) {
    po::options_description o("options");
    std::string out, schema, schema_from;
    o.add_options()("output,o", po::value(&out)->value_name("FILE"), "the snapshot to write")(
        "schema", po::value(&schema)->value_name("SCHEMA.json"), "the schema, as info --json prints it")(
        "schema-from", po::value(&schema_from)->value_name("SNAPSHOT"), "take the schema of another snapshot");
    po::variables_map vm;
    std::vector<std::string> operands;
    if (auto stop = parse(args, o, {"INPUT"}, vm, operands, true)) return *stop;
    if (out.empty()) return usage(command_, "missing -o FILE");
    if (auto stop = not_stdout(out)) return *stop;
    if (schema.empty() == schema_from.empty()) return usage(command_, "give one of --schema and --schema-from");
    std::vector<std::string> named{schema, schema_from};
    for (const auto& input : operands) named.push_back(input_path(input));
    if (auto stop = stdin_once(named)) return *stop;
    // The inputs are text and the output a snapshot: an output that is an
    // input would replace it.
    auto is_output = [&](const std::string& path) -> std::optional<int> {
      std::error_code ec;
      if (path == "-" || !std::filesystem::equivalent(path, out, ec) || ec) return std::nullopt;
      return fail(make_error(errc::invalid_argument,
                             "-o " + out + " is the input " + path + ": the import would replace it; nothing written"));
    };
    std::string schema_text;
    if (!schema.empty()) {
      if (auto stop = is_output(schema)) return *stop;
      auto text = read_input(schema);
      if (!text) return fail(text.error());
      schema_text = std::move(*text);
    } else {
      auto other = read(schema_from);
      if (!other) return fail(other.error());
      schema_text = schema_json(*other);
    }
    // Each INPUT: a JSON document or JSON Lines file, "-" for standard input,
    // MODEL=PATH for CSV of a model, or a PATH ending in .csv, of the model
    // its name names.
    const auto& inputs = operands;
    std::vector<std::string> texts;
    texts.reserve(inputs.size());
    std::vector<import_source> sources;
    for (const auto& input : inputs) {
      import_source s;
      const std::string path = input_path(input);
      if (path != input) {
        s.format = import_source::kind::csv;
        s.model = input.substr(0, input.size() - path.size() - 1);
      } else if (path.size() > 4 && path.compare(path.size() - 4, 4, ".csv") == 0) {
        s.format = import_source::kind::csv;
        s.model = std::filesystem::path(path).stem().string();
      }
      if (auto stop = is_output(path)) return *stop;
      auto text = read_input(path);
      if (!text) return fail(text.error());
      texts.push_back(std::move(*text));
      s.name = path == "-" ? "stdin" : path;
      sources.push_back(std::move(s));
    }
    for (std::size_t i = 0; i < sources.size(); ++i) sources[i].text = texts[i];
    auto ds = import_data(schema_text, sources, progress_bar("import"));
    if (!ds) return fail(ds.error());
    if (auto r = write(*ds, out); !r) return fail(r.error());
    file_written_ = true;
    out_ << out << ": " << ds->total_rows() << " entities written\n";
    return exit_ok;
  }

  int convert(const std::vector<std::string>& args) {
    po::options_description o("options");
    std::string out, format;
    o.add_options()("output,o", po::value(&out)->value_name("OUT"), "the snapshot to write")(
        "format", po::value(&format)->value_name("F")->default_value("binary"),
        "binary (fast, this platform), text or xml (portable, for reading)");
    po::variables_map vm;
    std::vector<std::string> operands;
    if (auto stop = parse(args, o, {"FILE"}, vm, operands)) return *stop;
    if (out.empty()) return usage(command_, "missing -o OUT");
    if (auto stop = not_stdout(out)) return *stop;
    save_options s;
    if (format == "binary") {
      s.format = archive_format::binary;
    } else if (format == "text") {
      s.format = archive_format::text;
    } else if (format == "xml") {
      s.format = archive_format::xml;
    } else {
      return usage(command_, "unknown --format " + format + " (binary, text or xml)");
    }
    auto ds = read(operands[0]);
    if (!ds) return fail(ds.error());
    if (auto r = write(*ds, out, s); !r) return fail(r.error());
    return exit_ok;
  }

  int diff(const std::vector<std::string>& args) {
    po::options_description o("options");
    std::string format;
    o.add_options()("format", po::value(&format)->value_name("F")->default_value("table"),
                    "table (a line per key, then counts per model) or jsonl (an object per key)")(
        "unrelated", "compare files that share no model with the same primary key");
    po::variables_map vm;
    std::vector<std::string> operands;
    if (auto stop = parse(args, o, {"A", "B"}, vm, operands)) return *stop;
    if (auto stop = stdin_once(operands)) return *stop;
    if (format != "table" && format != "jsonl")
      return usage(command_, "unknown --format " + format + " (table or jsonl)");
    auto x = read(operands[0]);
    if (!x) return trouble(x.error());
    auto y = read(operands[1]);
    if (!y) return trouble(y.error());
    diff_options d;
    d.unrelated = vm.count("unrelated") != 0;
    d.progress = progress_bar("diff");
    d.on_schema_change = [&](const std::string& s) { err_ << "relstore-snapshot diff: schema: " << s << "\n"; };
    const bool jsonl = format == "jsonl";
    std::string line;
    d.on_row = [&](const row_change& c) {
      line.clear();
      append_row_change(c, jsonl ? diff_format::jsonl : diff_format::table, line);
      line += '\n';
      out_ << line;
    };
    auto diffs = diff_datasets(*x, *y, d);
    if (!diffs) return trouble(diffs.error());
    bool differ = false;
    for (const auto& m : *diffs) {
      differ = differ || m.added + m.removed + m.changed != 0;
      if (!jsonl) {
        out_ << m.model << ": added " << m.added << ", removed " << m.removed << ", changed " << m.changed << "\n";
      }
    }
    return differ ? exit_problem : exit_ok;
  }

  int export_sql(const std::vector<std::string>& args) {
    po::options_description o("options");
    std::string out, dialect;
    o.add_options()("output,o", po::value(&out)->value_name("OUT"), "write to OUT instead of standard output")(
        "dialect", po::value(&dialect)->value_name("D")->default_value("sqlite"),
        "sqlite (for sqlite3) or postgresql (for psql: COPY rows, then the foreign keys)");
    po::variables_map vm;
    std::vector<std::string> operands;
    if (auto stop = parse(args, o, {"FILE"}, vm, operands)) return *stop;
    auto d = parse_sql_dialect(dialect);
    if (!d) return usage(command_, "unknown --dialect " + dialect + " (sqlite or postgresql)");
    auto ds = read(operands[0]);
    if (!ds) return fail(ds.error());
    auto write = [&](std::ostream& sink) {
      return relstore::export_sql(*ds, sink, {.dialect = *d}, progress_bar("export"));
    };
    if (out.empty() || out == "-") {
      if (auto r = write(out_); !r) return fail(r.error());
      return exit_ok;
    }
    // A file (or none yet) is written as a save is: a temporary file renamed
    // over OUT, which a refusal leaves as it was. Anything else (a FIFO,
    // /dev/stdout) is written to as it is.
    std::error_code ec;
    const auto st = std::filesystem::status(out, ec);
    if (std::filesystem::exists(st) && !std::filesystem::is_regular_file(st)) {
      std::ofstream stream(out, std::ios::binary);
      if (!stream) return fail(make_error(errc::io_error, "cannot open " + out + " for writing"));
      if (auto r = write(stream); !r) return fail(r.error());
      if (!stream.flush()) return fail(make_error(errc::io_error, "cannot write " + out));
      return exit_ok;
    }
    auto r = detail::write_file_atomic_streamed(default_file_system(), out, 0, write,
                                                [](std::uint64_t, std::uint32_t) { return std::string(); });
    if (!r) return fail(r.error());
    return exit_ok;
  }

  std::istream& in_;
  std::ostream& out_;
  std::ostream& err_;
  const command* command_ = nullptr;
  bool reported_ = false;      // fail() wrote a message
  bool file_written_ = false;  // import wrote its file
};

}  // namespace

int run_snapshot_tool(int argc, const char* const* argv, std::istream& in, std::ostream& out, std::ostream& err) {
  return tool(in, out, err).run(argc, argv);
}

int run_snapshot_tool(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  return run_snapshot_tool(argc, argv, std::cin, out, err);
}

}  // namespace relstore
