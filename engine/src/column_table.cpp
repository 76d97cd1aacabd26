// Rows without C++ types, column by column, with indexes built on demand.
#include "relstore/detail/column_table.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <numeric>
#include <type_traits>
#include <unordered_map>
#include <utility>

#include "relstore/assert.hpp"
#include "relstore/detail/meta.hpp"
#include "relstore/detail/value_ops.hpp"

namespace relstore::detail {

namespace {

// An index key: null, a boolean, an integer or a string (viewing the column).
struct ikey {
  std::uint8_t kind = 0;  // 0 null, 1 bool, 2 integer, 3 string
  std::int64_t i = 0;
  std::string_view s;
  friend bool operator==(const ikey& a, const ikey& b) noexcept { return a.kind == b.kind && a.i == b.i && a.s == b.s; }
};

struct ikey_hash {
  std::size_t operator()(const ikey& k) const noexcept {
    return k.kind == 3 ? std::hash<std::string_view>{}(k.s) : std::hash<std::int64_t>{}(k.i) ^ k.kind;
  }
};

// The index key equal to `v`, or nullopt when no stored key can equal it
// (a non-integral number, a NaN: doubles are never keys).
std::optional<ikey> key_of(const value_view& v) {
  switch (v.index()) {
    case 0:
      return ikey{};
    case 1:
      return ikey{1, std::get<bool>(v) ? 1 : 0, {}};
    case 2:
      return ikey{2, std::get<std::int64_t>(v), {}};
    case 3: {
      const auto i = int64_of(std::get<double>(v));
      if (!i) return std::nullopt;
      return ikey{2, *i, {}};
    }
    case 5:
    case 6:
      return std::nullopt;  // above INT64_MAX, an array: keys are int64 or strings
    default:
      return ikey{3, 0, std::get<std::string_view>(v)};
  }
}

template <std::size_t I>
value_view get_cell(const void* p) {
  const auto* ref = static_cast<const column_table::row_ref*>(p);
  return ref->table->get(ref->row, I);
}

template <std::size_t... I>
constexpr std::array<value_view (*)(const void*), sizeof...(I)> make_getters(std::index_sequence<I...>) {
  return {&get_cell<I>...};
}
constexpr auto getters = make_getters(std::make_index_sequence<max_fields>{});

}  // namespace

// Rows of equal keys are chained in row order: first[key] -> next[row] -> ...
struct column_table::index {
  struct span {
    std::size_t first;
    std::size_t last;
  };
  std::unordered_map<ikey, span, ikey_hash> groups;
  std::vector<std::size_t> next;
  std::vector<std::size_t> duplicates;  // rows whose unique key an earlier row holds
};

column_table::column_table(const model_info& info)
    : table_base(info), columns_(info.fields.size()), indexed_(info.fields.size(), 0), indexes_(info.fields.size()) {
  indexed_[info.primary_key] = 1;
}

column_table::column_table(column_table&& other) noexcept
    : table_base(other),
      columns_(std::move(other.columns_)),
      rows_(other.rows_),
      indexed_(std::move(other.indexed_)),
      indexes_(std::move(other.indexes_)) {
  other.rows_ = 0;
  other.changed();
}

column_table& column_table::operator=(column_table&& other) noexcept {
  table_base::operator=(other);
  columns_ = std::move(other.columns_);
  rows_ = other.rows_;
  indexed_ = std::move(other.indexed_);
  indexes_ = std::move(other.indexes_);
  other.rows_ = 0;
  refs_.reset();
  other.changed();
  return *this;
}

column_table::~column_table() = default;

model_info column_table::with_column_accessors(model_info info) {
  for (std::size_t i = 0; i < info.fields.size() && i < max_fields; ++i) {
    info.fields[i].get = getters[i];
    info.fields[i].set = nullptr;
    info.fields[i].offset = -1;  // a row is no C++ object: read through get
  }
  return info;
}

void column_table::changed() noexcept {
  refs_.reset();
  for (auto& i : indexes_) i.reset();
}

void column_table::changed(std::size_t field) noexcept { indexes_[field].reset(); }

value_view column_table::get(std::size_t row, std::size_t field) const {
  const field_info& f = info().fields[field];
  const column& c = columns_[field];
  if (f.nullable && c.nulls[row]) return null;
  switch (f.type) {
    case field_type::boolean:
      return c.ints[row] != 0;
    case field_type::float64:
    case field_type::float32:
      return c.doubles[row];
    case field_type::string:
      return std::string_view(c.strings[row]);
    case field_type::uint64:  // held as its bit pattern
      return integer_view(static_cast<std::uint64_t>(c.ints[row]));
    case field_type::array: {  // `extent` cells from row * extent
      const std::size_t at = row * f.extent;
      if (in_doubles(f.element)) return array_view(c.doubles.data() + at, field_type::float64, f.extent);
      return array_view(c.ints.data() + at, f.element == field_type::uint64 ? field_type::uint64 : field_type::int64,
                        f.extent);
    }
    default:
      return c.ints[row];
  }
}

namespace {
template <class T, class Put>
bool set_cell(const value& v, const field_info& f, bool* is_null, std::string* why, Put put) {
  T x{};
  if (!convert_value(v, f.type, f.nullable, &x, is_null, why)) return false;
  if (!*is_null) put(std::move(x));
  return true;
}
}  // namespace

bool column_table::set(std::size_t row, std::size_t field, const value& v, std::string* why) {
  const field_info& f = info().fields[field];
  column& c = columns_[field];
  bool is_null = false;
  auto to_int = [&](auto x) { c.ints[row] = static_cast<std::int64_t>(x); };
  value named;  // an enum field's value: a name resolved, an integer checked
  if (f.enumeration && !resolve_enum(*f.enumeration, f.type, v, &named, why)) return false;
  const value& in = f.enumeration ? named : v;
  bool ok = false;
  switch (f.type) {
    case field_type::string:
      ok = set_cell<std::string>(in, f, &is_null, why, [&](std::string x) { c.strings[row] = std::move(x); });
      break;
    case field_type::boolean:
      ok = set_cell<bool>(in, f, &is_null, why, to_int);
      break;
    case field_type::array: {
      alignas(8) unsigned char buf[max_extent * 8];
      ok = convert_array(in, f.element, f.extent, f.nullable, buf, &is_null, why);
      if (!ok || is_null) break;
      const array_view a(buf, f.element, f.extent);
      for (std::size_t i = 0; i < f.extent; ++i) {
        const value_view e = a[i];
        const std::size_t at = row * f.extent + i;
        if (in_doubles(f.element)) {
          c.doubles[at] = std::get<double>(e);
        } else if (const auto* u = std::get_if<std::uint64_t>(&e)) {
          c.ints[at] = static_cast<std::int64_t>(*u);
        } else {
          c.ints[at] = std::get<std::int64_t>(e);
        }
      }
      break;
    }
    default:  // a number: a float in `doubles`, an integer in `ints` (a uint64 as its two's complement bits)
      ok = with_number_type(
          f.type,
          [&]<class T>(std::type_identity<T>) {
            return set_cell<T>(in, f, &is_null, why, [&](T x) {
              if constexpr (std::is_floating_point_v<T>) {
                c.doubles[row] = x;
              } else {
                to_int(x);
              }
            });
          },
          [] { return false; });
  }
  if (!ok) return false;
  if (f.nullable) c.nulls[row] = is_null ? 1 : 0;
  changed(field);
  return true;
}

std::size_t column_table::add_row() {
  const auto& fields = info().fields;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const field_info& f = fields[i];
    column& c = columns_[i];
    if (f.nullable) c.nulls.push_back(1);
    switch (cell_type(f)) {
      case field_type::float64:
      case field_type::float32:
        c.doubles.resize(c.doubles.size() + cells_of(f), 0.0);
        break;
      case field_type::string:
        c.strings.emplace_back();
        break;
      default:
        c.ints.resize(c.ints.size() + cells_of(f), 0);
    }
  }
  changed();
  return rows_++;
}

void column_table::set_rows(std::size_t rows) {
  rows_ = rows;
  changed();
}

void reserve_column(column& c, const field_info& f, std::size_t rows) {
  if (f.nullable) c.nulls.reserve(rows);
  switch (cell_type(f)) {
    case field_type::float64:
    case field_type::float32:
      c.doubles.reserve(rows * cells_of(f));
      break;
    case field_type::string:
      c.strings.reserve(rows);
      break;
    default:
      c.ints.reserve(rows * cells_of(f));
  }
}

void column_table::reserve(std::size_t rows) {
  const auto& fields = info().fields;
  for (std::size_t i = 0; i < fields.size(); ++i) reserve_column(columns_[i], fields[i], rows);
  changed();
}

const void* column_table::entity(std::size_t row) const {
  if (!refs_) {
    refs_ = std::make_unique<row_ref[]>(rows_);
    for (std::size_t r = 0; r < rows_; ++r) refs_[r] = {this, r};
  }
  return &refs_[row];
}

std::size_t column_table::row_of(const void* entity) const noexcept { return static_cast<const row_ref*>(entity)->row; }

void column_table::for_each(visitor fn) const {
  for (std::size_t r = 0; r < rows_; ++r) fn(entity(r));
}

void column_table::sort_by_key(std::vector<const void*>& entities) const {
  const std::size_t pk = info().primary_key;
  // Rows that share a key (a damaged file) by row: one row's repeats meet.
  std::sort(entities.begin(), entities.end(), [&](const void* a, const void* b) {
    const int c = compare_for_order(get(row_of(a), pk), get(row_of(b), pk));
    return c < 0 || (c == 0 && row_of(a) < row_of(b));
  });
}

result<void> column_table::check() const {
  const auto& fields = info().fields;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const field_info& f = fields[i];
    const column& c = columns_[i];
    const std::string label = info().name + "." + f.name;
    auto bad = [&](const std::string& what) { return make_error(errc::snapshot_corrupt, label + ": " + what); };
    const field_type type = cell_type(f);
    const std::size_t cells = rows_ * cells_of(f);
    const bool doubles = in_doubles(type);
    const std::size_t want_ints = doubles || f.type == field_type::string ? 0 : cells;
    if (c.ints.size() != want_ints || c.doubles.size() != (doubles ? cells : 0) ||
        c.strings.size() != (f.type == field_type::string ? rows_ : 0) || c.nulls.size() != (f.nullable ? rows_ : 0)) {
      return bad("the column does not hold one value per row");
    }
    for (std::size_t r = 0; r < c.nulls.size(); ++r) {
      if (c.nulls[r] > 1) return bad("bad null flag at row " + std::to_string(r));
    }
    if (type != field_type::int64 && type != field_type::uint64) {
      // Narrower integers and booleans are checked against their range
      // (a uint64 uses every bit pattern of its int64).
      const integer_range range = integer_range_of(type).value_or(integer_range{0, 1});
      for (std::size_t r = 0; r < c.ints.size(); ++r) {
        const std::int64_t v = c.ints[r];
        if (!range.contains(v)) {
          return bad("value " + std::to_string(v) + " at row " + std::to_string(r / cells_of(f)) +
                     " is out of range for " + std::string(to_string(type)));
        }
      }
    }
    if (type == field_type::float32) {
      for (std::size_t r = 0; r < c.doubles.size(); ++r) {
        const double d = c.doubles[r];
        const auto x = nearest_float(d);
        if (!std::isnan(d) && (!x || std::memcmp(&*x, &d, sizeof d) != 0)) {
          return bad("value " + describe(value(d)) + " at row " + std::to_string(r / cells_of(f)) +
                     " is not a float32");
        }
      }
    }
  }
  return {};
}

void column_table::add_index(std::size_t field, bool unique) {
  if (indexed_[field] == 1) return;  // a unique index answers for a non-unique one too
  indexed_[field] = unique ? 1 : 2;
  indexes_[field].reset();
}

index_kind column_table::index_on(std::size_t field) const noexcept {
  if (field >= indexed_.size()) return index_kind::none;
  switch (indexed_[field]) {
    case 1:
      return index_kind::unique;
    case 2:
      return index_kind::non_unique;
    default:
      return index_kind::none;
  }
}

const column_table::index& column_table::built(std::size_t field) const {
  RELSTORE_ASSERT(index_on(field) != index_kind::none, "column_table: no index on this field");
  if (!indexes_[field]) {
    auto ix = std::make_unique<index>();
    ix->groups.reserve(rows_);
    ix->next.assign(rows_, npos);
    const bool unique = indexed_[field] == 1;
    for (std::size_t r = 0; r < rows_; ++r) {
      const auto k = key_of(get(r, field));
      if (!k) continue;
      auto [it, fresh] = ix->groups.try_emplace(*k, index::span{r, r});
      if (fresh) continue;
      ix->next[it->second.last] = r;
      it->second.last = r;
      if (unique && k->kind != 0) ix->duplicates.push_back(r);
    }
    indexes_[field] = std::move(ix);
  }
  return *indexes_[field];
}

void column_table::for_each_equal(std::size_t field, const value_view& key, visitor fn) const {
  const auto k = key_of(key);
  if (!k) return;
  const index& ix = built(field);
  auto it = ix.groups.find(*k);
  if (it == ix.groups.end()) return;
  for (std::size_t r = it->second.first; r != npos; r = ix.next[r]) fn(entity(r));
}

void column_table::append_equal(std::size_t field, const value_view& key, std::vector<const void*>& out) const {
  for_each_equal(field, key, [&](const void* e) { out.push_back(e); });
}

const void* column_table::find(std::size_t field, const value_view& key) const {
  const auto k = key_of(key);
  if (!k) return nullptr;
  const index& ix = built(field);
  auto it = ix.groups.find(*k);
  return it == ix.groups.end() ? nullptr : entity(it->second.first);
}

void column_table::for_each_distinct(std::size_t field, visitor fn) const {
  const index& ix = built(field);
  for (std::size_t r = 0; r < rows_; ++r) {
    const auto k = key_of(get(r, field));
    if (!k || k->kind == 0) continue;
    const auto it = ix.groups.find(*k);
    if (it == ix.groups.end() || it->second.first == r) fn(entity(r));  // end: a stale index (see at())
  }
}

void column_table::for_each_duplicate(std::size_t field, visitor fn) const {
  if (index_on(field) != index_kind::unique) return;
  for (std::size_t r : built(field).duplicates) fn(entity(r));
}

}  // namespace relstore::detail

namespace relstore::detail {

bool in_group_order(const column& c, std::size_t rows) noexcept {
  const bool nullable = !c.nulls.empty();
  std::size_t r = 0;
  while (r < rows && nullable && c.nulls[r] != 0) ++r;
  for (std::int64_t last = INT64_MIN; r < rows; ++r) {
    if ((nullable && c.nulls[r] != 0) || c.ints[r] < last) return false;
    last = c.ints[r];
  }
  return true;
}

cell_vector<std::uint32_t> group_places(const column& c, std::size_t rows) {
  RELSTORE_ASSERT(c.ints.size() == rows && rows <= UINT32_MAX, "group_places: not one int64 cell per row");
  const bool nullable = !c.nulls.empty();
  auto is_null = [&](std::size_t r) { return nullable && c.nulls[r] != 0; };
  if (in_group_order(c, rows)) return {};
  cell_vector<std::uint32_t> places(rows);
  std::uint32_t nulls = 0;  // they come first, in row order
  std::int64_t lo = INT64_MAX, hi = INT64_MIN;
  for (std::size_t r = 0; r < rows; ++r) {
    if (is_null(r)) {
      places[r] = nulls++;
    } else {
      lo = std::min(lo, c.ints[r]);
      hi = std::max(hi, c.ints[r]);
    }
  }
  if (nulls == rows) return places;
  const std::uint64_t span = static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo);
  if (span < 4 * static_cast<std::uint64_t>(rows)) {  // dense: a counting sort
    auto slot = [&](std::size_t r) {
      return static_cast<std::size_t>(static_cast<std::uint64_t>(c.ints[r]) - static_cast<std::uint64_t>(lo));
    };
    cell_vector<std::uint32_t> next(static_cast<std::size_t>(span) + 1, 0);  // per value: a count, then its next place
    for (std::size_t r = 0; r < rows; ++r) {
      if (!is_null(r)) ++next[slot(r)];
    }
    std::uint32_t at = nulls;
    for (std::uint32_t& n : next) {
      const std::uint32_t count = n;
      n = at;
      at += count;
    }
    for (std::size_t r = 0; r < rows; ++r) {
      if (!is_null(r)) places[r] = next[slot(r)]++;
    }
    return places;
  }
  std::vector<std::pair<std::int64_t, std::uint32_t>> keyed;
  keyed.reserve(rows - nulls);
  for (std::size_t r = 0; r < rows; ++r) {
    if (!is_null(r)) keyed.emplace_back(c.ints[r], static_cast<std::uint32_t>(r));
  }
  std::sort(keyed.begin(), keyed.end());
  for (std::size_t i = 0; i < keyed.size(); ++i) places[keyed[i].second] = nulls + static_cast<std::uint32_t>(i);
  return places;
}

cell_vector<std::uint32_t> rows_grouped_by(const column& c, std::size_t rows) {
  const cell_vector<std::uint32_t> places = group_places(c, rows);
  cell_vector<std::uint32_t> out(rows);
  if (places.empty()) {
    std::iota(out.begin(), out.end(), std::uint32_t{0});
    return out;
  }
  for (std::size_t r = 0; r < rows; ++r) out[places[r]] = static_cast<std::uint32_t>(r);
  return out;
}

void column_table::undo_last() { RELSTORE_ASSERT(false, "column_table: a dataset keeps no journal"); }

void column_table::erase(const std::vector<const void*>& entities, const std::vector<change_reason>*) {
  std::vector<std::uint8_t> gone(rows_, 0);
  for (const void* e : entities) gone[row_of(e)] = 1;
  std::vector<std::size_t> kept;
  kept.reserve(rows_);
  for (std::size_t r = 0; r < rows_; ++r) {
    if (!gone[r]) kept.push_back(r);
  }
  select_rows(kept);
}

void column_table::select_rows(const std::vector<std::size_t>& order) {
  // Each row is `per` cells of v (an array field's length, else 1).
  auto gather = [&](auto& v, std::size_t per = 1) {
    if (v.empty()) return;
    std::remove_reference_t<decltype(v)> out;
    out.reserve(order.size() * per);
    constexpr std::size_t ahead = 16;  // rows are read at random: each fetched ahead
    for (std::size_t i = 0; i < order.size(); ++i) {
      if (i + ahead < order.size()) __builtin_prefetch(&v[order[i + ahead] * per]);
      const std::size_t r = order[i];
      for (std::size_t k = 0; k < per; ++k) out.push_back(std::move(v[r * per + k]));
    }
    v.swap(out);
  };
  for (std::size_t f = 0; f < columns_.size(); ++f) {
    column& c = columns_[f];
    const std::size_t per = cells_of(info().fields[f]);
    gather(c.ints, per);
    gather(c.doubles, per);
    gather(c.strings);
    gather(c.nulls);
  }
  rows_ = order.size();
  changed();
}

void column_table::set_null(const std::vector<const void*>& entities, std::size_t field, change_reason) {
  RELSTORE_ASSERT(info().fields[field].nullable, "column_table::set_null: the field is not nullable");
  for (const void* e : entities) columns_[field].nulls[row_of(e)] = 1;
  changed(field);  // entities keep their addresses, as table_base says
}

}  // namespace relstore::detail
