// The vector of a row's included relations, compiled once for the program
// (row.hpp declares it extern).
#include "relstore/row.hpp"

template class std::vector<relstore::related_entry>;
