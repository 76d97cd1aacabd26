// What changed between two datasets.
#include "relstore/diff.hpp"

#include <bit>
#include <cstdint>
#include <utility>
#include <variant>

#include "relstore/detail/json_write.hpp"
#include "relstore/detail/value_ops.hpp"
#include "relstore/detail/value_text.hpp"

namespace relstore {

namespace {

// The first primary key `t` holds twice, as an error naming it and its file side.
result<void> unique_keys(const detail::column_table& t, const char* side) {
  const std::size_t pk = t.info().primary_key;
  result<void> out;
  t.for_each_duplicate(pk, [&](const void* e) {
    if (!out) return;
    out = make_error(errc::already_exists, "diff: " + std::string(side) + " has " + t.info().name + " " +
                                               t.info().fields[pk].name + " " + describe(t.info().fields[pk].get(e)) +
                                               " twice; rows cannot be matched by key");
  });
  return out;
}

std::string field_text(const field_info& f) { return detail::type_label(f) + (f.nullable ? " (optional)" : ""); }

// Whether the models have the same primary key (name and type): rows can be
// matched.
bool same_key(const model_info& a, const model_info& b) {
  const field_info& ka = a.fields[a.primary_key];
  const field_info& kb = b.fields[b.primary_key];
  return ka.name == kb.name && ka.type == kb.type;
}

// Reports each schema difference; returns whether any model can be matched.
bool compare_schemas(const dataset& a, const dataset& b, const std::function<void(const std::string&)>& note) {
  bool related = false;
  auto say = [&](const std::string& s) {
    if (note) note(s);
  };
  for (std::size_t m = 0; m < a.model_count(); ++m) {
    const model_info& ma = a.model(m);
    auto other = b.find_model(ma.name);
    if (!other) {
      say("model " + ma.name + " only in the first file");
      continue;
    }
    const model_info& mb = b.model(*other);
    if (same_key(ma, mb)) {
      related = true;
    } else {
      say("model " + ma.name + ": primary key " + ma.fields[ma.primary_key].name + " became " +
          mb.fields[mb.primary_key].name + " " + field_text(mb.fields[mb.primary_key]) + "; rows cannot be matched");
    }
    for (const auto& f : ma.fields) {
      auto g = mb.find_field(f.name);
      if (!g) {
        say("field " + ma.name + "." + f.name + " only in the first file");
      } else if (field_text(f) != field_text(mb.fields[*g])) {
        say("field " + ma.name + "." + f.name + ": " + field_text(f) + " became " + field_text(mb.fields[*g]));
      }
    }
    for (const auto& g : mb.fields) {
      if (!ma.find_field(g.name)) say("field " + ma.name + "." + g.name + " only in the second file");
    }
  }
  for (std::size_t m = 0; m < b.model_count(); ++m) {
    if (!a.find_model(b.model(m).name)) say("model " + b.model(m).name + " only in the second file");
  }
  return related;
}

// A double's bit pattern as 16 hex digits, "0x7ff8000000000001".
std::string hex_bits(double d) {
  char buf[19] = "0x";
  const auto bits = std::bit_cast<std::uint64_t>(d);
  for (int i = 0; i < 16; ++i) buf[2 + i] = "0123456789abcdef"[(bits >> (60 - 4 * i)) & 0xf];
  return std::string(buf, 18);
}

// describe(v) as field `f` shows its values: an enum's by name, a float32's
// (or a float32 array's elements) as the shortest text that reads back as
// the same float (0.1, not 0.10000000149011612).
std::string describe_as(const value_view& v, const field_info* f) {
  if (f != nullptr && f->enumeration) {
    if (const auto* e = detail::enumerator_of(*f->enumeration, v))
      return describe(value_view(std::string_view(e->name)));
  }
  if (f != nullptr && detail::cell_type(*f) == field_type::float32 && !std::holds_alternative<null_t>(v)) {
    static constexpr detail::value_spelling numbers{"null", "true", "false", "NaN", "Infinity", "-Infinity"};
    std::string out;
    detail::append_value(v, numbers, out, f);
    return out;
  }
  return describe(v);
}

std::string json_spelling(const value_view& v, const field_info* f) {
  std::string out;
  detail::write_json_value(v, out, f);
  return out;
}

// A changed field's before and after values, each spelled as its field
// shows it, or both in full when those spellings are equal: a field whose
// type changed between the files (float32 0.1 -> float64 0.1) differs in
// its digits only. `bits`: two NaNs that still spell alike (they differ in
// sign or payload) show their bits, as the diff compares them.
template <class Spell>
std::pair<std::string, std::string> spell_change(const row_change::field& f, Spell spell, bool bits = false) {
  std::pair<std::string, std::string> out{spell(f.before, f.before_field), spell(f.after, f.after_field)};
  if (out.first == out.second) out = {spell(f.before, nullptr), spell(f.after, nullptr)};
  const auto* a = std::get_if<double>(&f.before);
  const auto* b = std::get_if<double>(&f.after);
  if (bits && out.first == out.second && a != nullptr && b != nullptr) {
    out.first += " (bits " + hex_bits(*a) + ")";
    out.second += " (bits " + hex_bits(*b) + ")";
  }
  return out;
}

}  // namespace

std::string_view to_string(row_change::kind k) noexcept {
  switch (k) {
    case row_change::kind::added:
      return "added";
    case row_change::kind::removed:
      return "removed";
    case row_change::kind::changed:
      break;
  }
  return "changed";
}

result<std::vector<model_diff>> diff_datasets(const dataset& a, const dataset& b, const diff_options& o) {
  if (!compare_schemas(a, b, o.on_schema_change) && !o.unrelated && (a.model_count() != 0 || b.model_count() != 0)) {
    return make_error(errc::schema_mismatch,
                      "diff: the files share no model with the same primary key; they look unrelated (compare anyway "
                      "with --unrelated)");
  }
  std::vector<model_diff> out;
  std::vector<std::string> names;
  for (std::size_t m = 0; m < a.model_count(); ++m) names.push_back(a.model(m).name);
  for (std::size_t m = 0; m < b.model_count(); ++m) {
    if (!a.find_model(b.model(m).name)) names.push_back(b.model(m).name);
  }
  const auto& sa = detail::dataset_access::of(a);
  const auto& sb = detail::dataset_access::of(b);
  const std::size_t total = a.total_rows() + b.total_rows();
  std::size_t done = 0;
  row_change change;
  auto report = [&](row_change::kind k, std::string_view model, value_view key) {
    if (!o.on_row) return;
    change.change = k;
    change.model = model;
    change.key = key;
    o.on_row(change);
  };
  auto every_row = [&](const detail::column_table& t, row_change::kind k) {
    const std::size_t pk = t.info().primary_key;
    change.fields.clear();
    for (std::size_t r = 0; r < t.rows(); ++r) report(k, t.info().name, t.get(r, pk));
  };
  for (const auto& name : names) {
    model_diff d;
    d.model = name;
    auto ma = a.find_model(name);
    auto mb = b.find_model(name);
    if (!ma || !mb || !same_key(a.model(*ma), b.model(*mb))) {
      if (ma) {
        d.removed = a.rows(*ma);
        every_row(sa.table(*ma), row_change::kind::removed);
      }
      if (mb) {
        d.added = b.rows(*mb);
        every_row(sb.table(*mb), row_change::kind::added);
      }
      done += d.removed + d.added;
      out.push_back(d);
      continue;
    }
    const detail::column_table& ta = sa.table(*ma);
    const detail::column_table& tb = sb.table(*mb);
    if (auto r = unique_keys(ta, "the first file"); !r) return std::move(r).error();
    if (auto r = unique_keys(tb, "the second file"); !r) return std::move(r).error();
    const std::size_t pa = ta.info().primary_key;
    const std::size_t pb = tb.info().primary_key;
    // Fields compared: those both sides have, by name.
    std::vector<std::pair<std::size_t, std::size_t>> common;
    for (std::size_t f = 0; f < ta.info().fields.size(); ++f) {
      if (auto g = tb.info().find_field(ta.info().fields[f].name)) common.emplace_back(f, *g);
    }
    std::vector<bool> matched(tb.rows());
    for (std::size_t r = 0; r < ta.rows(); ++r) {
      if (o.progress && (++done & 0xFFFF) == 0) o.progress(done, total);
      const value_view key = ta.get(r, pa);
      const void* other = tb.find(pb, key);
      change.fields.clear();
      if (other == nullptr) {
        ++d.removed;
        report(row_change::kind::removed, name, key);
        continue;
      }
      const std::size_t s = tb.row_of(other);
      matched[s] = true;
      for (auto [fa, fb] : common) {
        const value_view before = ta.get(r, fa);
        const value_view after = tb.get(s, fb);
        if (!detail::same_value(before, after)) {
          change.fields.push_back(
              {ta.info().fields[fa].name, before, after, &ta.info().fields[fa], &tb.info().fields[fb]});
          if (!o.on_row) break;
        }
      }
      if (!change.fields.empty()) {
        ++d.changed;
        report(row_change::kind::changed, name, key);
      }
    }
    change.fields.clear();
    for (std::size_t s = 0; s < tb.rows(); ++s) {
      if (matched[s]) continue;
      ++d.added;
      report(row_change::kind::added, name, tb.get(s, pb));
    }
    done += tb.rows();
    out.push_back(d);
  }
  if (o.progress) o.progress(total, total);
  return out;
}

void append_row_change(const row_change& c, diff_format format, std::string& out) {
  if (format == diff_format::jsonl) {
    out.append("{\"model\":");
    detail::write_json_value(c.model, out);
    out.append(",\"key\":");
    detail::write_json_value(c.key, out);
    out.append(",\"change\":\"").append(to_string(c.change)).append("\"");
    for (std::size_t i = 0; i < c.fields.size(); ++i) {
      out.append(i == 0 ? ",\"fields\":{" : ",");
      detail::write_json_value(c.fields[i].name, out);
      const auto [before, after] = spell_change(c.fields[i], json_spelling);
      out.append(":{\"before\":").append(before).append(",\"after\":").append(after).append("}");
    }
    out.append(c.fields.empty() ? "}" : "}}");
    return;
  }
  out.append(c.model).append(" ").append(describe(c.key)).append(": ").append(to_string(c.change));
  for (std::size_t i = 0; i < c.fields.size(); ++i) {
    out.append(i == 0 ? " " : ", ").append(c.fields[i].name).append(" ");
    const auto [before, after] = spell_change(c.fields[i], describe_as, true);
    out.append(before).append(" -> ").append(after);
  }
}

}  // namespace relstore
