// The vectors of a filter's parts, compiled once for the program
// (filter_spec.hpp declares them extern), and the checks on a whole spec.
#include "relstore/detail/filter_spec.hpp"

#include <string>

template class std::vector<relstore::detail::where_node>;
template class std::vector<relstore::detail::order_key>;
template class std::vector<relstore::detail::include_spec>;

namespace relstore::detail {

namespace {

result<void> check_viewable_at(const filter_spec& spec, const std::string& where) {
  if (spec.fields) {
    return make_error(errc::invalid_filter, where + ": a view or visit gives whole stored entities; fields need find");
  }
  for (const include_spec& i : spec.include) {
    if (auto r = check_viewable_at(i.scope, where + ", include " + i.relation); !r) return r;
  }
  return {};
}

}  // namespace

result<void> check_viewable_deep(const filter_spec& spec, const model_info& model) {
  return check_viewable_at(spec, model.name);
}

}  // namespace relstore::detail
