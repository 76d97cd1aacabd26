#include "relstore/rest/router.hpp"

#include <boost/json.hpp>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <exception>
#include <new>
#include <optional>
#include <string>
#include <utility>

#include "relstore/detail/json_value.hpp"
#include "relstore/detail/json_write.hpp"
#include "relstore/rest/openapi.hpp"
#include "relstore/rest/paths.hpp"

namespace relstore::rest {

namespace json = boost::json;

// ------------------------------------------------------------------ statuses

unsigned status_of(const error& e) {
  switch (e.code) {
    case errc::not_found:
      return 404;
    case errc::already_exists:
    case errc::restrict_violation:
    case errc::key_space_exhausted:
    case errc::busy:
      return 409;
    case errc::foreign_key_violation:
    case errc::constraint_violation:
    case errc::invalid_argument:
      return 422;
    case errc::invalid_filter:
    case errc::limit_exceeded:
      return 400;
    default:
      return 500;
  }
}

std::string_view status_name(unsigned status) {
  switch (status) {
    case 400:
      return "BadRequestError";
    case 401:
      return "UnauthorizedError";
    case 403:
      return "ForbiddenError";
    case 404:
      return "NotFoundError";
    case 405:
      return "MethodNotAllowedError";
    case 408:
      return "RequestTimeoutError";
    case 409:
      return "ConflictError";
    case 413:
      return "PayloadTooLargeError";
    case 415:
      return "UnsupportedMediaTypeError";
    case 431:
      return "RequestHeaderFieldsTooLargeError";
    case 422:
      return "UnprocessableEntityError";
    default:
      return "InternalServerError";
  }
}

response error_response(unsigned status, std::string_view message, std::string_view code) {
  response r;
  r.status = status;
  r.body = "{\"error\":{\"statusCode\":" + std::to_string(status) + ",\"name\":\"";
  r.body += status_name(status);
  r.body += "\",\"message\":";
  detail::write_json_value(value_view(message), r.body);
  r.body += ",\"code\":";
  detail::write_json_value(value_view(code), r.body);
  r.body += "}}";
  return r;
}

response error_response(const error& e, std::string_view body) {
  std::string code(to_string(e.code));
  for (char& c : code) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  // Decided by the body, never by the message, which can quote it.
  const bool malformed = e.code == errc::invalid_argument && !body.empty() && !detail::is_json_object(body);
  return error_response(malformed ? 400 : status_of(e), e.message(), code);
}

// ------------------------------------------------------------------ targets

namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decodes `in` ('+' is a space in a query); nullopt on a bad escape.
std::optional<std::string> decode(std::string_view in, bool query) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '%') {
      if (i + 2 >= in.size()) return std::nullopt;
      const int hi = hex_digit(in[i + 1]), lo = hex_digit(in[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (query && in[i] == '+') {
      out += ' ';
    } else {
      out += in[i];
    }
  }
  return out;
}

// A bracket-form value: a JSON number, true, false or null if it reads as
// one, else a string. A number past a double's range reads as infinity,
// which JSON cannot spell: json_param refuses it.
json::value scalar_of(const std::string& text) {
  if (text == "true") return true;
  if (text == "false") return false;
  if (text == "null") return nullptr;
  if (!text.empty() && (std::isdigit(static_cast<unsigned char>(text[0])) != 0 || text[0] == '-')) {
    // relstore's parse: a double is the nearest to its digits, as in the JSON form.
    auto v = detail::parse_json(text, errc::invalid_filter, [] { return std::string(); });
    if (v && v->is_number()) return std::move(*v);
  }
  return json::string(text);
}

// Objects whose keys are exactly "0".."n-1" become arrays
// (filter[order][0]=total DESC).
void arrays_from_indexes(json::value& v) {
  if (v.is_array()) {
    for (auto& e : v.get_array()) arrays_from_indexes(e);
    return;
  }
  if (!v.is_object()) return;
  auto& o = v.get_object();
  for (auto& kv : o) arrays_from_indexes(kv.value());
  if (o.empty()) return;
  for (std::size_t i = 0; i < o.size(); ++i) {
    if (!o.contains(std::to_string(i))) return;
  }
  json::array a;
  for (std::size_t i = 0; i < o.size(); ++i) a.push_back(o.at(std::to_string(i)));
  v = std::move(a);
}

}  // namespace

struct router::parsed {
  std::string_view method;
  std::string_view target;
  std::string_view body;
  std::vector<std::string> segments;
  std::vector<std::pair<std::string, std::string>> params;

  // Refuses a condition the route would not read: `filter` or `where`
  // (in either form) other than `name` ("" for a route that reads neither),
  // and a near miss of either (`Where`, `where` with a blank or a control
  // byte), which a route would otherwise ignore. Errors: invalid_filter.
  result<void> reads_only(std::string_view name) const {
    for (const auto& kv : params) {
      const std::string& key = kv.first;
      const std::string_view base = std::string_view(key).substr(0, key.find('['));
      std::string folded;  // letters in lower case, digits and _: a blank or control byte is a near miss
      for (char c : base) {
        const auto u = static_cast<unsigned char>(c);
        if (std::isalnum(u) != 0 && u < 0x80) folded += static_cast<char>(std::tolower(u));
        if (c == '_') folded += c;
      }
      if (folded != "where" && folded != "filter") continue;
      if (base != folded) {
        return make_error(errc::invalid_filter,
                          "query parameter " + key + " is not " + folded + ": names are in lower case, without blanks");
      }
      if (base != name) {
        return make_error(errc::invalid_filter,
                          "query parameter " + key + " is not read by this route" +
                              (name.empty() ? std::string() : ", which takes " + std::string(name)));
      }
    }
    return {};
  }

  // reads_only(name)'s refusal as a 400, or nullopt.
  std::optional<response> unread(std::string_view name = {}) const {
    if (auto r = reads_only(name); !r) return error_response(r.error());
    return std::nullopt;
  }

  // The JSON of query parameter `name`: its value, or the object its
  // bracket form (name[a][b]=v) spells, or "" when absent. A parameter
  // given twice, in both forms, or as a value and as an object (name[a]=1
  // and name[a][b]=2) is invalid_filter: no condition is dropped unseen.
  result<std::string> json_param(std::string_view name) const {
    json::value tree = json::object();
    const std::string* plain = nullptr;
    std::string first_bracketed;
    const auto refuse = [&](const std::string& key, std::string_view why) -> result<std::string> {
      return make_error(errc::invalid_filter, "query parameter " + key + " " + std::string(why));
    };
    if (auto r = reads_only(name); !r) return std::move(r).error();
    for (const auto& [key, val] : params) {
      if (key == name) {
        if (plain != nullptr) return refuse(key, "is given more than once");
        // Empty: absent on a read, as LoopBack reads it; on a write, refused
        // (it would write every row).
        if (val.empty() && method != "GET" && method != "HEAD") return refuse(key, "is empty");
        plain = &val;
        continue;
      }
      if (!key.starts_with(name) || key.size() <= name.size() || key[name.size()] != '[') continue;
      if (first_bracketed.empty()) first_bracketed = key;
      const json::value scalar = scalar_of(val);
      if (scalar.is_double() && !std::isfinite(scalar.get_double())) {
        return refuse(key, "= " + val + " " + std::string(detail::beyond_double_range));
      }
      json::value* at = &tree;
      std::size_t pos = name.size();
      bool appended = false, fresh = false;
      while (pos < key.size()) {
        const std::size_t close = key.find(']', pos);
        if (key[pos] != '[' || close == std::string::npos) return refuse(key, "is not in bracket form");
        const std::string part = key.substr(pos + 1, close - pos - 1);
        pos = close + 1;
        if (part.empty()) {  // name[fields][]=id appends
          if (pos != key.size()) return refuse(key, ": [] must come last");
          if (fresh) *at = json::array();
          if (!at->is_array()) return refuse(key, "appends to what an earlier parameter set to a value");
          at->get_array().push_back(scalar);
          appended = true;
          break;
        }
        if (fresh) *at = json::object();
        if (!at->is_object()) return refuse(key, "names a part of what an earlier parameter set to a value");
        fresh = !at->get_object().contains(part);  // a null value is there, not missing
        at = &at->get_object()[part];
      }
      if (appended) continue;
      if (fresh) {
        *at = scalar;
      } else if (at->is_array()) {  // repeated: name[inq]=1&name[inq]=2
        at->get_array().push_back(scalar);
      } else if (at->is_object()) {
        return refuse(key, "sets a value where an earlier parameter has parts");
      } else {
        json::array a{*at, scalar};
        *at = std::move(a);
      }
    }
    if (plain != nullptr && !first_bracketed.empty()) {
      return refuse(first_bracketed, "repeats " + std::string(name) + ", given as JSON too");
    }
    if (plain != nullptr) return *plain;
    if (first_bracketed.empty()) return std::string();
    arrays_from_indexes(tree);
    return json::serialize(tree);
  }
};

// ------------------------------------------------------------------ routes

namespace {

response json_ok(unsigned status, std::string body) {
  response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

// `body`: the request's, for a write that reads one (error_response).
response count_of(const result<std::size_t>& n, std::string_view body = {}) {
  if (!n) return error_response(n.error(), body);
  return json_ok(200, "{\"count\":" + std::to_string(*n) + "}");
}

response entity(unsigned status, result<std::string> r, std::string_view body = {}) {
  if (!r) return error_response(r.error(), body);
  return json_ok(status, std::move(*r));
}

response no_content(const result<void>& r, std::string_view body = {}) {
  if (!r) return error_response(r.error(), body);
  response out;
  out.status = 204;
  return out;
}

}  // namespace

// ------------------------------------------------------------------ router

router::router(backend& b, router_options options) : backend_(&b), options_(std::move(options)) {
  const registry& reg = b.schema();
  for (std::size_t m = 0; m < reg.model_count(); ++m) models_.emplace(path_of(reg.model(m).name), m);
  openapi_ = openapi_document(reg, options_.title, static_cast<bool>(options_.save), options_.save_starts);
}

namespace {

response method_not_allowed(std::string_view method, std::string_view target, std::string allow) {
  response out = error_response(405, "Method " + std::string(method) + " is not allowed on " + std::string(target),
                                "METHOD_NOT_ALLOWED");
  out.allow = std::move(allow);
  return out;
}

response endpoint_not_found(const request& r) {
  return error_response(404, "Endpoint \"" + std::string(r.method) + " " + std::string(r.target) + "\" not found.",
                        "ENDPOINT_NOT_FOUND");
}

}  // namespace

response router::handle(const request& r) {
  try {
    return dispatch(r);
  } catch (const std::bad_alloc&) {
    throw;  // as every write does (README, Errors)
  } catch (const std::exception& e) {
    return error_response(500, std::string("relstore: ") + e.what(), "INTERNAL_ERROR");
  }
}

response router::dispatch(const request& r) {
  parsed p;
  p.method = r.method;
  p.target = r.target;
  p.body = r.body;
  const std::string_view target = r.target;
  const std::size_t q = target.find('?');
  const std::string_view path = target.substr(0, q);
  if (path.empty() || path[0] != '/') return error_response(400, "the target must start with '/'", "MALFORMED_URL");
  for (std::size_t pos = 1; pos <= path.size();) {
    std::size_t end = path.find('/', pos);
    if (end == std::string_view::npos) end = path.size();
    if (end > pos || end < path.size()) {  // a trailing '/' adds no segment
      auto seg = decode(path.substr(pos, end - pos), false);
      if (!seg) return error_response(400, "bad percent-escape in the path", "MALFORMED_URL");
      p.segments.push_back(std::move(*seg));
    }
    pos = end + 1;
  }
  if (q != std::string_view::npos) {
    std::string_view query = target.substr(q + 1);
    while (!query.empty()) {
      const std::size_t amp = query.find('&');
      const std::string_view item = query.substr(0, amp);
      query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
      if (item.empty()) continue;
      const std::size_t eq = item.find('=');
      auto key = decode(item.substr(0, eq), true);
      auto val = decode(eq == std::string_view::npos ? std::string_view() : item.substr(eq + 1), true);
      if (!key || !val) return error_response(400, "bad percent-escape in the query", "MALFORMED_URL");
      p.params.emplace_back(std::move(*key), std::move(*val));
    }
  }

  const auto& s = p.segments;
  if (s.size() == 1 && s[0] == "openapi.json") {
    if (r.method != "GET") return method_not_allowed(r.method, r.target, "GET");
    if (auto no = p.unread()) return *no;
    return json_ok(200, openapi_);
  }
  if (s.size() == 1 && s[0] == "snapshot" && options_.save) {
    if (r.method != "POST") return method_not_allowed(r.method, r.target, "POST");
    if (options_.read_only) return error_response(403, "the server is read-only", "READ_ONLY");
    if (auto no = p.unread()) return *no;
    auto saved = options_.save();
    if (!saved) return error_response(saved.error());
    std::string body = options_.save_starts ? "{\"saving\":" : "{\"saved\":";
    detail::write_json_value(value_view(std::string_view(*saved)), body);
    return json_ok(options_.save_starts ? 202 : 200, body + "}");
  }
  if (s.empty() || s.size() > 3) return endpoint_not_found(r);
  const auto model = models_.find(s[0]);
  if (model == models_.end()) return endpoint_not_found(r);
  if (s.size() == 1) return model_route(p, model->second);
  if (s.size() == 2 && s[1] == "count") {
    if (r.method != "GET") return method_not_allowed(r.method, r.target, "GET");
    return count_of(p.json_param("where").and_then(
        [&](const std::string& where) { return backend_->count(model->second, where); }));
  }
  // The id, as the primary key's type.
  const model_info& info = backend_->schema().model(model->second);
  value id;
  if (info.fields[info.primary_key].type == field_type::string) {
    id = s[1];
  } else {
    std::int64_t n = 0;
    const auto [end, ec] = std::from_chars(s[1].data(), s[1].data() + s[1].size(), n);
    if (ec != std::errc{} || end != s[1].data() + s[1].size()) {
      return error_response(400, info.name + " id must be an integer, not \"" + s[1] + "\"", "INVALID_PARAMETER_VALUE");
    }
    id = n;
  }
  if (s.size() == 2) return item_route(p, model->second, id);
  const relation_info* rel = backend_->schema().find_relation(model->second, s[2]);
  if (rel == nullptr) return endpoint_not_found(r);
  return relation_route(p, id, static_cast<std::size_t>(rel - backend_->schema().relations().data()));
}

namespace {
// 403 in read-only mode, 400 without a body when one is needed. Called for
// writes only (POST, PATCH, PUT, DELETE).
std::optional<response> refuse(bool read_only, std::string_view method, std::string_view body, bool needs_body) {
  if (read_only) {
    return error_response(403, "the server is read-only: " + std::string(method) + " is refused", "READ_ONLY");
  }
  if (needs_body && body.empty()) return error_response(400, "the request needs a JSON object body", "MISSING_BODY");
  return std::nullopt;
}
}  // namespace

response router::model_route(const parsed& p, std::size_t model) {
  if (p.method == "GET") {
    return entity(
        200, p.json_param("filter").and_then([&](const std::string& filter) { return backend_->find(model, filter); }));
  }
  if (p.method == "POST") {
    if (auto no = refuse(options_.read_only, p.method, p.body, true)) return *no;
    if (auto no = p.unread()) return *no;
    return entity(201, backend_->create(model, p.body), p.body);
  }
  if (p.method == "PATCH") {
    if (auto no = refuse(options_.read_only, p.method, p.body, true)) return *no;
    return count_of(p.json_param("where").and_then(
                        [&](const std::string& where) { return backend_->update_all(model, where, p.body); }),
                    p.body);
  }
  return method_not_allowed(p.method, p.target, "GET, POST, PATCH");
}

response router::item_route(const parsed& p, std::size_t model, const value& id) {
  if (p.method == "GET") {
    return entity(200, p.json_param("filter").and_then(
                           [&](const std::string& filter) { return backend_->find_by_id(model, id, filter); }));
  }
  if (p.method == "PATCH" || p.method == "PUT" || p.method == "DELETE") {
    if (auto no = refuse(options_.read_only, p.method, p.body, p.method != "DELETE")) return *no;
    if (auto no = p.unread()) return *no;
    if (p.method == "PATCH") return no_content(backend_->update_by_id(model, id, p.body), p.body);
    if (p.method == "PUT") return no_content(backend_->replace_by_id(model, id, p.body), p.body);
    return no_content(backend_->delete_by_id(model, id));
  }
  return method_not_allowed(p.method, p.target, "GET, PATCH, PUT, DELETE");
}

response router::relation_route(const parsed& p, const value& id, std::size_t relation) {
  const relation_info& rel = backend_->schema().relations()[relation];
  if (p.method == "GET") {
    // LoopBack's belongsTo route takes no filter (json_param checks the others).
    if (rel.kind == relation_kind::belongs_to) {
      if (auto no = p.unread()) return *no;
    }
    return entity(200, p.json_param("filter").and_then(
                           [&](const std::string& filter) { return backend_->related_find(relation, id, filter); }));
  }
  if (rel.kind == relation_kind::belongs_to) return method_not_allowed(p.method, p.target, "GET");
  if (p.method == "POST") {
    if (auto no = refuse(options_.read_only, p.method, p.body, true)) return *no;
    if (auto no = p.unread()) return *no;
    return entity(201, backend_->related_create(relation, id, p.body), p.body);
  }
  if (p.method == "PATCH" || p.method == "DELETE") {
    if (auto no = refuse(options_.read_only, p.method, p.body, p.method == "PATCH")) return *no;
    return count_of(p.json_param("where").and_then([&](const std::string& where) {
      if (p.method == "PATCH") return backend_->related_patch(relation, id, where, p.body);
      return backend_->related_delete(relation, id, where);
    }),
                    p.method == "PATCH" ? std::string_view(p.body) : std::string_view());
  }
  return method_not_allowed(p.method, p.target, "GET, POST, PATCH, DELETE");
}

}  // namespace relstore::rest
