// The vector of a model's fields, compiled once for the program
// (model_info.hpp declares it extern).
#include "relstore/model_info.hpp"

template class std::vector<relstore::field_info>;
