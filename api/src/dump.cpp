// A dataset's rows as JSON Lines, CSV or a table.
#include "relstore/dump.hpp"

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>
#include <ostream>
#include <string>
#include <variant>
#include <vector>

#include "relstore/detail/csv.hpp"
#include "relstore/detail/json_filter.hpp"
#include "relstore/detail/json_write.hpp"
#include "relstore/detail/query.hpp"
#include "relstore/detail/text_escape.hpp"
#include "relstore/detail/value_ops.hpp"

namespace relstore {
namespace {

constexpr std::size_t max_table_cell = 40;

// The number of characters (UTF-8 code points) in `s`.
std::size_t width_of(std::string_view s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// A cell as a person reads it: control characters escaped, long text cut.
std::string table_cell(const value_view& v, const field_info* field) {
  if (v.index() == 0) return "null";
  if (field != nullptr && field->enumeration) {  // by name, as text is shown
    if (const auto* e = detail::enumerator_of(*field->enumeration, v)) return e->name;
  }
  if (v.index() != 4) {
    std::string s;
    if (std::holds_alternative<array_view>(v)) {
      detail::write_json_value(v, s, field);  // [1,2.5,3]: its JSON text, as CSV writes it but unquoted
    } else {
      detail::append_csv_value(v, s, field);
    }
    return s;
  }
  std::string out;
  std::size_t chars = 0;
  for (char c : std::get<std::string_view>(v)) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80 && ++chars > max_table_cell) {
      out += "...";
      break;
    }
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += '?';
    } else {
      out += c;
    }
  }
  return out;
}

// Writes rows of one model in one format.
class row_writer {
 public:
  row_writer(const model_info& info, std::uint64_t mask, dump_format format, std::ostream& out)
      : info_(info),
        format_(format),
        out_(out),
        name_(boost::json::serialize(boost::json::string(info.name))),
        mask_(mask) {
    for (std::size_t f = 0; f < info.fields.size(); ++f) {
      if (mask & (std::uint64_t{1} << f)) fields_.push_back(f);
    }
    if (format_ == dump_format::csv) {
      line_.clear();
      for (std::size_t i = 0; i < fields_.size(); ++i) {
        if (i != 0) line_ += ',';
        detail::append_csv_name(info.fields[fields_[i]].name, line_);
      }
      line_ += '\n';
      out_ << line_;
    }
  }

  void add(const void* e) {
    line_.clear();
    switch (format_) {
      case dump_format::jsonl:
        line_.append("{\"model\":").append(name_).append(",\"row\":");
        detail::write_json(info_, e, mask_, line_);
        line_ += "}\n";
        out_ << line_;
        return;
      case dump_format::csv:
        for (std::size_t i = 0; i < fields_.size(); ++i) {
          if (i != 0) line_ += ',';
          const field_info& fi = info_.fields[fields_[i]];
          detail::append_csv_value(fi.get(e), line_, &fi);
        }
        line_ += '\n';
        out_ << line_;
        return;
      case dump_format::table: {
        std::vector<std::string> cells;
        for (std::size_t f : fields_) {
          cells.push_back(table_cell(info_.fields[f].get(e), &info_.fields[f]));
        }
        cells_.push_back(std::move(cells));
        return;
      }
    }
  }

  // Writes what the table format held back.
  void finish() {
    if (format_ != dump_format::table) return;
    std::vector<std::size_t> width(fields_.size());
    std::vector<bool> right(fields_.size());
    for (std::size_t i = 0; i < fields_.size(); ++i) {
      const field_info& fi = info_.fields[fields_[i]];
      width[i] = width_of(fi.name);
      right[i] = fi.type != field_type::string && fi.type != field_type::boolean && fi.type != field_type::array &&
                 !fi.enumeration;
    }
    for (const auto& row : cells_) {
      for (std::size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], width_of(row[i]));
    }
    auto put_row = [&](auto&& cell_at) {
      line_.clear();
      for (std::size_t i = 0; i < fields_.size(); ++i) {
        const std::string_view c = cell_at(i);
        const std::string pad(width[i] - width_of(c), ' ');
        if (i != 0) line_ += "  ";
        if (right[i]) line_ += pad;
        line_ += c;
        if (!right[i] && i + 1 != fields_.size()) line_ += pad;
      }
      line_ += '\n';
      out_ << line_;
    };
    out_ << info_.name << " (" << cells_.size() << (cells_.size() == 1 ? " row)\n" : " rows)\n");
    put_row([&](std::size_t i) -> std::string_view { return info_.fields[fields_[i]].name; });
    put_row([&](std::size_t i) -> std::string_view {
      rule_.assign(width[i], '-');
      return rule_;
    });
    for (const auto& row : cells_) put_row([&](std::size_t i) -> std::string_view { return row[i]; });
    out_ << '\n';
  }

 private:
  const model_info& info_;
  dump_format format_;
  std::ostream& out_;
  std::string name_;
  std::uint64_t mask_ = 0;
  std::vector<std::size_t> fields_;
  std::vector<std::vector<std::string>> cells_;
  std::string line_;
  std::string rule_;
};

// What JSON Lines cannot carry so that import reads it back: a string
// field (of those in `mask`) holding bytes that are not UTF-8 (JSON text is
// UTF-8), and a NaN or infinity (JSON has none: it would come back as null,
// or be refused for a field that is not optional). Refused before anything
// is written, naming the row, field and value.
result<void> check_json_text(const model_info& info, const std::vector<const void*>& rows, std::uint64_t mask) {
  const auto refuse = [&](std::size_t f, const void* e, const std::string& why) -> result<void> {
    return make_error(errc::invalid_argument, info.name + "." + info.fields[f].name + " of " + info.name + " " +
                                                  describe(info.fields[info.primary_key].get(e)) + " " + why +
                                                  ", which JSON cannot hold; --format csv writes it as it is");
  };
  for (std::size_t f = 0; f < info.fields.size(); ++f) {
    const field_type type = detail::cell_type(info.fields[f]);
    const bool text = type == field_type::string;
    const bool reals = type == field_type::float64 || type == field_type::float32;
    if ((!text && !reals) || !(mask & (std::uint64_t{1} << f))) continue;
    for (const void* e : rows) {
      const value_view v = info.fields[f].get(e);
      if (reals) {
        if (detail::holds_non_finite(v)) return refuse(f, e, "is " + describe(v));
        continue;
      }
      const auto* s = std::get_if<std::string_view>(&v);
      if (s == nullptr) continue;
      if (const std::size_t at = detail::invalid_utf8_at(*s); at != std::string_view::npos) {
        return refuse(f, e, "is not UTF-8 (at byte " + std::to_string(at) + ")");
      }
    }
  }
  return {};
}

}  // namespace

std::optional<dump_format> parse_dump_format(std::string_view name) noexcept {
  if (name == "jsonl") return dump_format::jsonl;
  if (name == "csv") return dump_format::csv;
  if (name == "table") return dump_format::table;
  return std::nullopt;
}

result<std::size_t> dump_dataset(const dataset& data, const dump_options& o, std::ostream& out) {
  const auto& store = detail::dataset_access::of(data);
  const registry& reg = store.schema();
  std::vector<std::size_t> models;
  if (o.model.empty()) {
    for (std::size_t i = 0; i < reg.model_count(); ++i) models.push_back(i);
  } else {
    auto m = reg.find_model(o.model);
    if (!m) return make_error(errc::invalid_argument, "the snapshot has no model " + std::string(o.model));
    models.push_back(*m);
  }
  if (!o.filter_json.empty() && models.size() != 1) {
    return make_error(errc::invalid_argument, "a filter needs --model: fields differ between models");
  }
  if (o.format == dump_format::csv && models.size() != 1) {
    return make_error(errc::invalid_argument, "csv needs --model: a CSV file holds one model");
  }
  std::size_t total = 0;
  for (std::size_t m : models) total += data.rows(m);
  // Every model's rows are found, and checked, before anything is written.
  detail::filter_spec spec;
  std::vector<std::vector<const void*>> found;
  for (std::size_t m : models) {
    if (!o.filter_json.empty()) {
      auto parsed = detail::parse_filter_json(reg, m, o.filter_json);
      if (!parsed) return std::move(parsed).error();
      spec = std::move(*parsed);
      if (!spec.include.empty()) return make_error(errc::invalid_filter, "dump does not support include");
      if (auto r = detail::validate_filter(reg, m, spec); !r) return std::move(r).error();
    }
    auto hits = detail::run_query(store.table(m), spec);
    if (!hits) return std::move(hits).error();
    if (o.format == dump_format::jsonl) {
      if (auto r = check_json_text(reg.model(m), *hits, spec.fields.value_or(~std::uint64_t{0})); !r) return r.error();
    }
    found.push_back(std::move(*hits));
  }
  std::size_t written = 0;
  std::size_t seen = 0;
  for (std::size_t k = 0; k < models.size(); ++k) {
    const std::vector<const void*>& hits = found[k];
    row_writer w(reg.model(models[k]), spec.fields.value_or(~std::uint64_t{0}), o.format, out);
    for (std::size_t i = 0; i < hits.size(); ++i) {
      w.add(hits[i]);
      if (o.progress && (i & 0xFFFF) == 0xFFFF) o.progress(seen + i, total);
    }
    w.finish();
    written += hits.size();
    seen += data.rows(models[k]);
  }
  if (o.progress) o.progress(total, total);
  if (!out) return make_error(errc::io_error, "cannot write the dump");
  return written;
}

}  // namespace relstore
