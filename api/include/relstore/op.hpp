// The operators of a where clause and the directions of an order, as LoopBack
// names them.
//
// Vocabulary header: includes only other vocabulary headers.
#pragma once

#include <cstdint>
#include <string_view>

namespace relstore {

enum class op : std::uint8_t {
  eq,
  neq,
  gt,
  gte,
  lt,
  lte,
  inq,
  nin,
  between,
  like,
  nlike,
  ilike,
  nilike,
  and_,
  or_,
  regexp,  // appended: the values above are stable
};

// LoopBack's name of `o`: "eq", "inq", ..., "and", "or".
std::string_view to_string(op o) noexcept;

enum class direction : std::uint8_t { asc, desc };
inline constexpr direction asc = direction::asc;
inline constexpr direction desc = direction::desc;

}  // namespace relstore
