// Where clauses: validation against a model and evaluation on an entity.
#include "relstore/detail/where.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "relstore/assert.hpp"
#include "relstore/detail/errors.hpp"
#include "relstore/detail/regexp.hpp"
#include "relstore/detail/value_ops.hpp"

namespace relstore::detail {
namespace {

bool is_number(const value& v) { return v.index() == 2 || v.index() == 3 || v.index() == 5; }

bool compatible(field_type type, const value& v) {
  switch (type) {
    case field_type::boolean:
      return v.index() == 1;
    case field_type::string:
      return v.index() == 4;
    case field_type::array:
      return v.index() == 6;
    default:
      return is_number(v);
  }
}

error bad(const model_info& m, const where_node& n, const std::string& what) {
  std::string where = m.name;
  if (n.field < m.fields.size()) where += "." + m.fields[n.field].name;
  return make_error(errc::invalid_filter,
                    "invalid where on " + where + " (" + std::string(to_string(n.kind)) + "): " + what);
}

// Three-way comparison of a non-null field value with a non-null operand of a
// compatible type: -1, 0, 1, or `unordered` (NaN).
int compare(const value_view& f, const value& o) {
  switch (f.index()) {
    case 1: {
      const int a = std::get<bool>(f), b = std::get<bool>(o);
      return a - b;
    }
    case 4: {
      int c = std::get<std::string_view>(f).compare(std::get<std::string>(o));
      return c < 0 ? -1 : c > 0 ? 1 : 0;
    }
    default:
      return compare_numbers(f, as_view(o));
  }
}

template <class T>
T load(const void* entity, std::ptrdiff_t offset) noexcept {
  T v;
  std::memcpy(&v, static_cast<const std::byte*>(entity) + offset, sizeof v);
  return v;
}

// compare(f.get(entity), o) for a field with an offset and an int64 or
// double operand, read in place; false (c untouched) where compare_numbers
// would need its exact path (an integer beyond 2^53 against a double).
bool compare_in_place(const field_info& f, const void* entity, const value& o, int& c) noexcept {
  constexpr std::int64_t exact = std::int64_t{1} << 53;
  const auto* od = std::get_if<double>(&o);
  const auto* oi = std::get_if<std::int64_t>(&o);
  if (od == nullptr && oi == nullptr) return false;
  auto as_doubles = [&](double a, double b) {
    c = std::isnan(a) || std::isnan(b) ? unordered : (a > b) - (a < b);
    return true;
  };
  return with_number_type(
      f.type,
      [&]<class T>(std::type_identity<T>) {
        if constexpr (std::is_floating_point_v<T>) {
          const auto x = static_cast<double>(load<T>(entity, f.offset));
          if (od != nullptr) return as_doubles(x, *od);
          if (*oi < -exact || *oi > exact) return false;
          return as_doubles(x, static_cast<double>(*oi));
        } else if constexpr (std::is_same_v<T, std::uint64_t>) {
          return false;  // no offset: beyond int64
        } else {
          const std::int64_t a = load<T>(entity, f.offset);
          if (oi != nullptr) {
            c = (a > *oi) - (a < *oi);
            return true;
          }
          if (a < -exact || a > exact) return false;
          return as_doubles(static_cast<double>(a), *od);
        }
      },
      [] { return false; });
}

// Whether comparison `kind` holds for c, compare()'s answer.
bool holds(op kind, int c) noexcept {
  switch (kind) {
    case op::eq:
      return c == 0;
    case op::neq:
      return c != 0;
    case op::gt:
      return c != unordered && c > 0;
    case op::gte:
      return c != unordered && c >= 0;
    case op::lt:
      return c < 0;
    case op::lte:
      return c <= 0;
    default:
      return false;
  }
}

// Arrays of the same length whose elements are equal numbers, in order.
bool equal_arrays(const array_view& a, const array_view& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (compare_numbers(a[i], b[i]) != 0) return false;
  }
  return true;
}

bool equals(const value_view& f, const value& o) {
  if (f.index() == 0 || o.index() == 0) return f.index() == 0 && o.index() == 0;
  if (const auto* a = std::get_if<array_view>(&f)) {
    const auto* b = std::get_if<array_value>(&o);
    return b != nullptr && equal_arrays(*a, b->view());
  }
  return compare(f, o) == 0;
}

// limit_exceeded for a regexp match that gave up on `entity`'s `text`.
error regexp_gave_up(const model_info& m, const where_node& n, const void* entity, std::string_view text) {
  constexpr std::size_t shown = 40;
  std::string excerpt(text.substr(0, shown));
  if (text.size() > shown) excerpt += "...";
  return make_error(errc::limit_exceeded,
                    field_label(m, n.field) + " regexp " + describe(n.operands[0]) + ": matching " +
                        describe(value(std::move(excerpt))) + " (" + std::to_string(text.size()) + " bytes) of " +
                        m.name + " " + describe(m.fields[m.primary_key].get(entity)) +
                        " exceeded Boost.Regex's complexity bound; make each choice of the pattern unambiguous, "
                        "e.g. (a+)+ -> a+");
}

}  // namespace

// The operands of an inq or nin, normalised the way equals() compares:
// integral numbers as integers, other numbers as doubles (NaN equals
// nothing). Vectors: built with a few allocations, not one per operand (a
// where built per call pays for it). Numbers are searched in a line while
// short, by halving (sorted) past `linear_max`; strings always by halving.
struct operand_set {
  std::vector<std::int64_t> ints;
  std::vector<double> doubles;
  std::vector<std::uint64_t> big;  // integers above INT64_MAX
  // Owned: a copied node shares the set, not its operands.
  std::vector<std::string> strings;
  bool has_true = false, has_false = false, has_null = false;

  explicit operand_set(const std::vector<value>& operands) {
    ints.reserve(operands.size());
    for (const value& v : operands) add(v);
    sort_unique(ints);
    sort_unique(doubles);
    sort_unique(big);
    std::sort(strings.begin(), strings.end());
    strings.erase(std::unique(strings.begin(), strings.end()), strings.end());
  }
  bool contains(const value_view& f) const {
    switch (f.index()) {
      case 0:
        return has_null;
      case 1:
        return std::get<bool>(f) ? has_true : has_false;
      case 2:
        return holds(ints, std::get<std::int64_t>(f));
      case 3: {
        const double d = std::get<double>(f);
        if (auto i = int64_of(d)) return holds(ints, *i);
        if (auto u = big_uint64_of(d)) return holds(big, *u);
        return !std::isnan(d) && holds(doubles, d);
      }
      case 5:
        return holds(big, std::get<std::uint64_t>(f));
      case 6:
        return false;  // an array equals no scalar (a set holds no array)
      default: {
        const std::string_view text = std::get<std::string_view>(f);
        const auto it = std::lower_bound(strings.begin(), strings.end(), text, std::less<>{});
        return it != strings.end() && *it == text;
      }
    }
  }

 private:
  static constexpr std::size_t linear_max = 32;
  template <class T>
  static void sort_unique(std::vector<T>& v) {
    if (v.size() <= linear_max) return;
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
  }
  template <class T>
  static bool holds(const std::vector<T>& v, T x) {
    if (v.size() <= linear_max) return std::find(v.begin(), v.end(), x) != v.end();
    return std::binary_search(v.begin(), v.end(), x);
  }
  void add(const value& v) {
    switch (v.index()) {
      case 0:
        has_null = true;
        break;
      case 1:
        (std::get<bool>(v) ? has_true : has_false) = true;
        break;
      case 2:
        ints.push_back(std::get<std::int64_t>(v));
        break;
      case 3: {
        const double d = std::get<double>(v);
        if (auto i = int64_of(d)) {
          ints.push_back(*i);
        } else if (auto u = big_uint64_of(d)) {
          big.push_back(*u);
        } else if (!std::isnan(d)) {
          doubles.push_back(d);
        }
        break;
      }
      case 5:
        big.push_back(std::get<std::uint64_t>(v));
        break;
      default:
        strings.push_back(std::get<std::string>(v));
    }
  }
};

void index_operands(where_node& n) {
  for (auto& c : n.children) index_operands(c);
  if (n.kind == op::regexp && !n.pattern && n.operands.size() == 1 && n.operands[0].index() == 4) {
    std::string why;
    n.pattern = compile_regexp(std::get<std::string>(n.operands[0]), &why);
    return;
  }
  if ((n.kind != op::inq && n.kind != op::nin) || n.operands.size() < 8) return;
  for (const value& v : n.operands) {
    if (std::holds_alternative<array_value>(v)) return;  // arrays are compared one by one
  }
  n.set = std::make_shared<operand_set>(n.operands);
}

result<void> validate_where(const model_info& m, const where_node& n) {
  if (n.kind == op::and_ || n.kind == op::or_) {
    for (const auto& c : n.children) {
      if (auto r = validate_where(m, c); !r) return r;
    }
    return {};
  }
  if (n.field >= m.fields.size()) return bad(m, n, "unknown field");
  const field_info& f = m.fields[n.field];
  auto check_operand = [&](const value& v, bool null_ok) -> result<void> {
    if (v.index() == 0) {
      if (null_ok) return {};
      return bad(m, n, "null is only allowed with eq, neq, inq and nin");
    }
    if (!compatible(f.type, v)) {
      return bad(m, n, "operand " + describe(v) + " is " + kind_name(v) + ", but the field is " + type_label(f));
    }
    if (const auto* a = std::get_if<array_value>(&v); a != nullptr && a->items.size() != f.extent) {
      return bad(m, n,
                 "operand " + describe(v) + " has " + std::to_string(a->items.size()) + " elements, but the field is " +
                     type_label(f));
    }
    return {};
  };
  // An array is compared whole, for equality only.
  if (f.type == field_type::array && n.kind != op::eq && n.kind != op::neq && n.kind != op::inq && n.kind != op::nin) {
    return bad(m, n, "an array field takes eq, neq, inq and nin only");
  }
  switch (n.kind) {
    case op::eq:
    case op::neq:
    case op::gt:
    case op::gte:
    case op::lt:
    case op::lte:
      if (n.operands.size() != 1) return bad(m, n, "needs exactly one operand");
      return check_operand(n.operands[0], n.kind == op::eq || n.kind == op::neq);
    case op::inq:
    case op::nin:
      for (const auto& v : n.operands) {
        if (auto r = check_operand(v, true); !r) return r;
      }
      return {};
    case op::between:
      if (n.operands.size() != 2) {
        return bad(m, n, "needs exactly 2 values, got " + std::to_string(n.operands.size()));
      }
      for (const auto& v : n.operands) {
        if (auto r = check_operand(v, false); !r) return r;
      }
      return {};
    case op::like:
    case op::nlike:
    case op::ilike:
    case op::nilike:
      if (f.type != field_type::string) return bad(m, n, "needs a string field");
      if (n.operands.size() != 1 || n.operands[0].index() != 4) return bad(m, n, "needs one string pattern");
      return {};
    case op::regexp: {
      if (f.type != field_type::string) return bad(m, n, "needs a string field");
      if (n.operands.size() != 1 || n.operands[0].index() != 4) return bad(m, n, "needs one string pattern");
      if (n.pattern) return {};
      std::string why;
      if (compile_regexp(std::get<std::string>(n.operands[0]), &why)) return {};
      return bad(m, n, describe(n.operands[0]) + ": " + why);
    }
    default:
      return bad(m, n, "unknown operator");
  }
}

bool evaluate(const model_info& m, const where_node& n, const void* entity) {
  switch (n.kind) {
    case op::and_:
      for (const auto& c : n.children) {
        if (!evaluate(m, c, entity)) return false;
      }
      return true;
    case op::or_:
      for (const auto& c : n.children) {
        if (evaluate(m, c, entity)) return true;
      }
      return false;
    default:
      break;
  }
  const field_info& field = m.fields[n.field];
  const bool ordering = n.kind == op::eq || n.kind == op::neq || n.kind == op::gt || n.kind == op::gte ||
                        n.kind == op::lt || n.kind == op::lte;
  if (field.offset >= 0 && ordering && n.operands.size() == 1) {
    int c = 0;
    if (compare_in_place(field, entity, n.operands[0], c)) return holds(n.kind, c);
  }
  const value_view f = field.get(entity);
  const bool is_null = f.index() == 0;
  switch (n.kind) {
    case op::eq:
      return equals(f, n.operands[0]);
    case op::neq:
      return !equals(f, n.operands[0]);
    case op::inq:
    case op::nin: {
      if (n.set) return n.set->contains(f) == (n.kind == op::inq);
      bool hit = false;
      for (const auto& o : n.operands) {
        if (equals(f, o)) {
          hit = true;
          break;
        }
      }
      return n.kind == op::inq ? hit : !hit;
    }
    case op::like:
    case op::nlike:
    case op::ilike:
    case op::nilike: {
      const bool negated = n.kind == op::nlike || n.kind == op::nilike;
      if (is_null) return negated;
      const bool fold = n.kind == op::ilike || n.kind == op::nilike;
      const bool hit = like_match(std::get<std::string_view>(f), std::get<std::string>(n.operands[0]), fold);
      return hit != negated;
    }
    case op::regexp: {
      if (is_null) return false;
      const std::string_view text = std::get<std::string_view>(f);
      RELSTORE_ASSERT(n.pattern != nullptr, "evaluate: a regexp node was not validated and prepared");
      if (auto hit = regexp_search(*n.pattern, text)) return *hit;
      throw match_aborted{regexp_gave_up(m, n, entity, text)};
    }
    default:
      break;
  }
  if (is_null) return false;
  if (n.kind == op::between) {
    const int lo = compare(f, n.operands[0]), hi = compare(f, n.operands[1]);
    return lo != unordered && hi != unordered && lo >= 0 && hi <= 0;
  }
  return holds(n.kind, compare(f, n.operands[0]));
}

// Anchored SQL LIKE: % matches any run of bytes, _ exactly one byte.
// Greedy with one backtrack point: O(|text| * |pattern|) at worst, no recursion.
bool like_match(std::string_view text, std::string_view pattern, bool fold_ascii_case) noexcept {
  std::size_t t = 0, p = 0;
  std::size_t star_p = std::string_view::npos, star_t = 0;
  auto same = [fold_ascii_case](char a, char b) {
    return a == b || (fold_ascii_case && ascii_lower(a) == ascii_lower(b));
  };
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '_' || (pattern[p] != '%' && same(pattern[p], text[t])))) {
      ++t;
      ++p;
    } else if (p < pattern.size() && pattern[p] == '%') {
      star_p = p++;
      star_t = t;
    } else if (star_p != std::string_view::npos) {
      p = star_p + 1;
      t = ++star_t;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '%') ++p;
  return p == pattern.size();
}

}  // namespace relstore::detail
