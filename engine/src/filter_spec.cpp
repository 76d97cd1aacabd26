// The vectors of a filter's parts, compiled once for the
// program (filter_spec.hpp declares them extern).
#include "relstore/detail/filter_spec.hpp"

template class std::vector<relstore::detail::where_node>;
template class std::vector<relstore::detail::order_key>;
template class std::vector<relstore::detail::include_spec>;
