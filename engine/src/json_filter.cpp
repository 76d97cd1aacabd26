// LoopBack-shaped JSON filters, where clauses and entity payloads.
#include "relstore/detail/json_filter.hpp"

#include <algorithm>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <cctype>
#include <string>
#include <utility>

#include "relstore/detail/errors.hpp"
#include "relstore/detail/json_value.hpp"
#include "relstore/detail/value_ops.hpp"
#include "relstore/detail/where.hpp"

namespace relstore::detail {
namespace {

namespace json = boost::json;

error bad_filter(const model_info& m, const std::string& what) {
  return make_error(errc::invalid_filter, "invalid filter on " + m.name + ": " + what);
}

std::string kind_of(const json::value& v) {
  switch (v.kind()) {
    case json::kind::null:
      return "null";
    case json::kind::bool_:
      return "a boolean";
    case json::kind::int64:
    case json::kind::uint64:
      return "an integer";
    case json::kind::double_:
      return "a number";
    case json::kind::string:
      return "a string";
    case json::kind::array:
      return "an array";
    case json::kind::object:
      return "an object";
  }
  return "unknown";
}

std::string text_of(const json::value& v) { return json_text(v); }

std::optional<op> operator_named(std::string_view s) {
  static constexpr op ops[] = {op::eq,  op::neq,     op::gt,   op::gte,   op::lt,    op::lte,    op::inq,
                               op::nin, op::between, op::like, op::nlike, op::ilike, op::nilike, op::regexp};
  for (op o : ops) {
    if (to_string(o) == s) return o;
  }
  return std::nullopt;
}

result<where_node> parse_where_value(const model_info& m, const json::value& v);

result<where_node> parse_comparison(const model_info& m, std::uint32_t field, op kind, const json::value& operand) {
  where_node n;
  n.kind = kind;
  n.field = field;
  const std::string where = m.fields[field].name + " " + std::string(to_string(kind));
  if (kind == op::inq || kind == op::nin || kind == op::between) {
    if (!operand.is_array()) {
      return bad_filter(m, where + " needs an array, got " + kind_of(operand) + " " + text_of(operand));
    }
    for (const auto& e : operand.get_array()) {
      std::string why;
      auto s = json_scalar(e, &why);
      if (!s) return bad_filter(m, where + ": element " + text_of(e) + " " + why);
      n.operands.push_back(std::move(*s));
    }
  } else {
    std::string why;
    auto s = json_scalar(operand, &why);
    if (!s) return bad_filter(m, where + ": operand " + text_of(operand) + " " + why);
    n.operands.push_back(std::move(*s));
  }
  const field_info& f = m.fields[field];
  if (f.type == field_type::float32) {
    for (value& o : n.operands) o = float_operand(o);
  }
  if (f.type == field_type::array && f.element == field_type::float32) {
    for (value& o : n.operands) {
      if (auto* a = std::get_if<array_value>(&o)) {
        for (value_view& e : a->items) e = as_view(float_operand(to_value(e)));
      }
    }
  }
  // An enum field's operands may be names; a pattern is refused below (an
  // enum is no string field).
  const bool pattern =
      kind == op::like || kind == op::nlike || kind == op::ilike || kind == op::nilike || kind == op::regexp;
  for (value& o : n.operands) {
    if (!f.enumeration || pattern || !std::holds_alternative<std::string>(o)) continue;
    std::string why;
    if (!resolve_enum(*f.enumeration, f.type, value(o), &o, &why)) return bad_filter(m, where + ": " + why);
  }
  index_operands(n);  // first: validate_where then finds a regexp compiled
  if (auto r = validate_where(m, n); !r) return r.error();
  return n;
}

result<where_node> parse_where_value(const model_info& m, const json::value& v) {
  if (!v.is_object()) return bad_filter(m, "where must be an object, got " + kind_of(v));
  where_node all;
  all.kind = op::and_;
  for (const auto& [key, val] : v.get_object()) {
    const std::string_view k(key.data(), key.size());
    if (k == "and" || k == "or") {
      if (!val.is_array()) return bad_filter(m, std::string(k) + " needs an array of where objects");
      where_node group;
      group.kind = k == "and" ? op::and_ : op::or_;
      for (const auto& c : val.get_array()) {
        auto child = parse_where_value(m, c);
        if (!child) return child;
        group.children.push_back(std::move(*child));
      }
      all.children.push_back(std::move(group));
      continue;
    }
    auto f = m.find_field(k);
    if (!f) return bad_filter(m, "unknown field \"" + std::string(k) + "\"");
    const auto field = static_cast<std::uint32_t>(*f);
    if (val.is_object()) {
      if (val.get_object().empty()) return bad_filter(m, std::string(k) + ": empty condition object");
      for (const auto& [ok, ov] : val.get_object()) {
        auto o = operator_named(std::string_view(ok.data(), ok.size()));
        if (!o) return bad_filter(m, std::string(k) + ": unknown operator \"" + std::string(ok) + "\"");
        auto c = parse_comparison(m, field, *o, ov);
        if (!c) return c;
        all.children.push_back(std::move(*c));
      }
    } else {
      auto c = parse_comparison(m, field, op::eq, val);
      if (!c) return c;
      all.children.push_back(std::move(*c));
    }
  }
  if (all.children.size() == 1) return std::move(all.children.front());
  return all;
}

result<std::int64_t> non_negative(const model_info& m, std::string_view name, const json::value& v) {
  auto bad = [&](const std::string& why) { return bad_filter(m, std::string(name) + " " + text_of(v) + " " + why); };
  auto too_large = [&] { return bad("is larger than " + std::to_string(INT64_MAX) + ", the largest supported"); };
  if (v.is_int64()) {
    if (v.get_int64() < 0) return bad("must not be negative");
    return v.get_int64();
  }
  if (v.is_uint64()) return too_large();  // above INT64_MAX
  if (v.is_double()) {
    const double d = v.get_double();
    if (d < 0) return bad("must not be negative");
    if (std::floor(d) != d) return bad("must be a whole number");
    // 2^63 as a double is the first value above INT64_MAX.
    if (!(d < 9223372036854775808.0)) return too_large();
    return static_cast<std::int64_t>(d);
  }
  return bad("must be a non-negative integer, not " + kind_of(v));
}

// one(v) for a single entry, or one(e) for each entry of an array, until
// one fails (order and include take either form, as LoopBack does).
template <class One>
result<void> one_or_each(const json::value& v, One&& one) {
  if (!v.is_array()) return one(v);
  for (const auto& e : v.get_array()) {
    if (auto r = one(e); !r) return r;
  }
  return {};
}

result<void> parse_order(const model_info& m, const json::value& v, filter_spec& out) {
  auto one = [&](const json::value& e) -> result<void> {
    if (!e.is_string()) return bad_filter(m, "order entries must be strings like \"total DESC\", got " + text_of(e));
    const std::string_view s(e.get_string().data(), e.get_string().size());
    // "name", "name dir": words between spaces.
    auto word = [&](std::size_t& i) {
      while (i < s.size() && s[i] == ' ') ++i;
      const std::size_t from = i;
      while (i < s.size() && s[i] != ' ') ++i;
      return s.substr(from, i - from);
    };
    std::size_t i = 0;
    const std::string_view name = word(i), dir = word(i);
    while (i < s.size() && s[i] == ' ') ++i;
    if (i != s.size()) return bad_filter(m, "order \"" + std::string(s) + "\" has extra words");
    auto f = m.find_field(name);
    if (!f) return bad_filter(m, "order names unknown field \"" + std::string(name) + "\"");
    auto is = [&](std::string_view d) {
      return std::equal(dir.begin(), dir.end(), d.begin(), d.end(),
                        [](char a, char b) { return std::toupper(static_cast<unsigned char>(a)) == b; });
    };
    const bool descending = is("DESC");
    if (!dir.empty() && !descending && !is("ASC")) {
      return bad_filter(m, "order \"" + std::string(s) + "\": direction must be ASC or DESC");
    }
    out.order.push_back({static_cast<std::uint32_t>(*f), descending});
    return {};
  };
  return one_or_each(v, one);
}

result<void> parse_fields(const model_info& m, const json::value& v, filter_spec& out) {
  auto bit = [&](std::string_view name) -> result<std::uint64_t> {
    auto f = m.find_field(name);
    if (!f) return bad_filter(m, "fields names unknown field \"" + std::string(name) + "\"");
    return std::uint64_t{1} << *f;
  };
  std::uint64_t mask = 0;
  if (v.is_array()) {
    for (const auto& e : v.get_array()) {
      if (!e.is_string()) return bad_filter(m, "fields entries must be field names, got " + text_of(e));
      auto b = bit(std::string_view(e.get_string().data(), e.get_string().size()));
      if (!b) return b.error();
      mask |= *b;
    }
  } else if (v.is_object()) {
    std::uint64_t on = 0, off = 0;
    for (const auto& [k, e] : v.get_object()) {
      if (!e.is_bool()) return bad_filter(m, "fields values must be true or false, got " + text_of(e));
      auto b = bit(std::string_view(k.data(), k.size()));
      if (!b) return b.error();
      (e.get_bool() ? on : off) |= *b;
    }
    const std::uint64_t all = m.fields.size() >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << m.fields.size()) - 1;
    mask = on != 0 ? on : (all & ~off);
  } else {
    return bad_filter(m, "fields must be an array or an object, got " + kind_of(v));
  }
  out.fields = mask;
  return {};
}

result<filter_spec> parse_filter_value(const registry& reg, std::size_t model, const json::value& v);

result<void> parse_include(const registry& reg, std::size_t model, const json::value& v, filter_spec& out) {
  const model_info& m = reg.model(model);
  auto one = [&](const json::value& e) -> result<void> {
    std::string name;
    const json::value* scope = nullptr;
    if (e.is_string()) {
      name = std::string(e.get_string());
    } else if (e.is_object()) {
      const auto& o = e.get_object();
      for (const auto& [k, x] : o) {
        if (k != "relation" && k != "scope") {
          return bad_filter(m, "Invalid \"filter.include\" entries: unknown key \"" + std::string(k) + "\"");
        }
      }
      const auto* r = o.if_contains("relation");
      if (r == nullptr || !r->is_string()) {
        return bad_filter(m, "Invalid \"filter.include\" entries: " + text_of(e) + " has no relation name");
      }
      name = std::string(r->get_string());
      scope = o.if_contains("scope");
    } else {
      return bad_filter(m, "Invalid \"filter.include\" entries: " + text_of(e));
    }
    const relation_info* rel = reg.find_relation(model, name);
    if (rel == nullptr) {
      return bad_filter(m, "Invalid \"filter.include\" entries: \"" + name + "\" is not a relation of model " + m.name);
    }
    const std::size_t target = target_of(*rel);
    include_spec inc;
    inc.relation = name;
    if (scope != nullptr) {
      auto s = parse_filter_value(reg, target, *scope);
      if (!s) return s.error();
      inc.scope = std::move(*s);
    } else {
      inc.scope.model = &reg.model(target);
    }
    out.include.push_back(std::move(inc));
    return {};
  };
  return one_or_each(v, one);
}

result<filter_spec> parse_filter_value(const registry& reg, std::size_t model, const json::value& v) {
  const model_info& m = reg.model(model);
  if (!v.is_object()) return bad_filter(m, "a filter must be a JSON object, got " + kind_of(v));
  filter_spec spec;
  spec.model = &m;
  bool skipped = false;
  for (const auto& [key, val] : v.get_object()) {
    const std::string_view k(key.data(), key.size());
    if (k == "where") {
      auto w = parse_where_value(m, val);
      if (!w) return w.error();
      spec.where = std::move(*w);
    } else if (k == "order") {
      if (auto r = parse_order(m, val, spec); !r) return r.error();
    } else if (k == "limit") {
      auto n = non_negative(m, "limit", val);
      if (!n) return n.error();
      spec.limit = *n;
    } else if (k == "totalLimit") {
      auto n = non_negative(m, "totalLimit", val);
      if (!n) return n.error();
      spec.total_limit = *n;
    } else if (k == "skip" || k == "offset") {
      auto n = non_negative(m, k, val);
      if (!n) return n.error();
      // Both may come (LoopBack's explorer fills in both), if they agree.
      if (skipped && *n != spec.skip) {
        return bad_filter(
            m, "skip and offset mean the same and differ: " + std::to_string(spec.skip) + " and " + std::to_string(*n));
      }
      skipped = true;
      spec.skip = *n;
    } else if (k == "fields") {
      if (auto r = parse_fields(m, val, spec); !r) return r.error();
    } else if (k == "include") {
      if (auto r = parse_include(reg, model, val, spec); !r) return r.error();
    } else {
      return bad_filter(m, "unknown filter key \"" + std::string(k) + "\"");
    }
  }
  return spec;
}

result<field_changes> parse_object_value(const registry& reg, std::size_t model, const json::value& v) {
  const model_info& m = reg.model(model);
  if (!v.is_object()) return make_error(errc::invalid_argument, "data for " + m.name + " must be a JSON object");
  field_changes out;
  for (const auto& [key, val] : v.get_object()) {
    const std::string_view k(key.data(), key.size());
    auto f = m.find_field(k);
    if (!f) {
      if (reg.find_relation(model, k) != nullptr) {
        return make_error(errc::invalid_argument, "Navigational properties are not allowed in model data (model \"" +
                                                      m.name + "\" property \"" + std::string(k) + "\")");
      }
      return make_error(errc::invalid_argument, m.name + " has no field \"" + std::string(k) + "\"");
    }
    std::string why;
    auto s = json_scalar(val, &why);
    if (!s) return make_error(errc::invalid_argument, m.name + "." + std::string(k) + ": " + text_of(val) + " " + why);
    out.push_back({static_cast<std::uint32_t>(*f), std::move(*s)});
  }
  return out;
}

// Parses `text` into memory on the stack (while the document is small) and
// returns read(document), or the parse's error. Nothing read from the
// document may keep pointers into it: it dies with the call.
template <class Read>
auto with_document(std::string_view text, errc code, function_ref<std::string()> what, Read&& read)
    -> decltype(read(std::declval<const json::value&>())) {
  unsigned char buffer[2048];
  json::monotonic_resource memory(buffer, sizeof buffer);
  auto v = parse_json(text, code, what, &memory);
  if (!v) return std::move(v).error();
  return read(*v);
}

}  // namespace

result<filter_spec> parse_filter_json(const registry& reg, std::size_t model, std::string_view text) {
  return with_document(
      text, errc::invalid_filter, [&] { return "filter for " + reg.model(model).name; },
      [&](const json::value& v) { return parse_filter_value(reg, model, v); });
}

result<where_node> parse_where_json(const registry& reg, std::size_t model, std::string_view text) {
  return with_document(
      text, errc::invalid_filter, [&] { return "where for " + reg.model(model).name; },
      [&](const json::value& v) { return parse_where_value(reg.model(model), v); });
}

result<field_changes> parse_object_json(const registry& reg, std::size_t model, std::string_view text) {
  return with_document(
      text, errc::invalid_argument, [&] { return "data for " + reg.model(model).name; },
      [&](const json::value& v) { return parse_object_value(reg, model, v); });
}

}  // namespace relstore::detail
