// LoopBack's names of the where operators.
#include "relstore/op.hpp"

namespace relstore {

std::string_view to_string(op o) noexcept {
  switch (o) {
    case op::eq:
      return "eq";
    case op::neq:
      return "neq";
    case op::gt:
      return "gt";
    case op::gte:
      return "gte";
    case op::lt:
      return "lt";
    case op::lte:
      return "lte";
    case op::inq:
      return "inq";
    case op::nin:
      return "nin";
    case op::between:
      return "between";
    case op::like:
      return "like";
    case op::nlike:
      return "nlike";
    case op::ilike:
      return "ilike";
    case op::nilike:
      return "nilike";
    case op::regexp:
      return "regexp";
    case op::and_:
      return "and";
    case op::or_:
      return "or";
  }
  return "unknown";
}

}  // namespace relstore
