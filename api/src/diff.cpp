// What changed between two datasets.
#include "relstore/diff.hpp"

#include <utility>

#include "relstore/detail/value_ops.hpp"

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

}  // namespace

result<std::vector<model_diff>> diff_datasets(const dataset& a, const dataset& b) {
  std::vector<model_diff> out;
  std::vector<std::string> names;
  for (std::size_t m = 0; m < a.model_count(); ++m) names.push_back(a.model(m).name);
  for (std::size_t m = 0; m < b.model_count(); ++m) {
    if (!a.find_model(b.model(m).name)) names.push_back(b.model(m).name);
  }
  const auto& sa = detail::dataset_access::of(a);
  const auto& sb = detail::dataset_access::of(b);
  for (const auto& name : names) {
    model_diff d;
    d.model = name;
    auto ma = a.find_model(name);
    auto mb = b.find_model(name);
    if (!ma || !mb) {
      (ma ? d.removed : d.added) = ma ? a.rows(*ma) : b.rows(*mb);
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
    std::size_t matched = 0;
    for (std::size_t r = 0; r < ta.rows(); ++r) {
      const void* other = tb.find(pb, ta.get(r, pa));
      if (other == nullptr) {
        ++d.removed;
        continue;
      }
      ++matched;
      const std::size_t s = tb.row_of(other);
      for (auto [fa, fb] : common) {
        if (!detail::same_value(ta.get(r, fa), tb.get(s, fb))) {
          ++d.changed;
          break;
        }
      }
    }
    d.added = tb.rows() - matched;
    out.push_back(d);
  }
  return out;
}

}  // namespace relstore
