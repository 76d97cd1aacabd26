// row<M>: one result of a find, with the related entities its filter included.
//
// A row owns copies; it stays valid after the store changes or is destroyed.
//
// Vocabulary header: includes only other vocabulary headers and the engine.
#pragma once

#include <any>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "relstore/assert.hpp"
#include "relstore/detail/json_write.hpp"
#include "relstore/detail/reflect.hpp"
#include "relstore/detail/relations.hpp"

namespace relstore {

template <class M>
class row;

// One included relation of a row. `data` holds std::vector<row<T>> for a
// has_many and std::optional<row<T>> for a belongs_to.
struct related_entry {
  std::string name;
  std::any data;
  void (*write_json)(const std::any& data, std::string& out) = nullptr;
};

template <class M>
class row {
 public:
  row() = default;
  explicit row(M v, std::uint64_t mask = ~std::uint64_t{0}) : value(std::move(v)), fields(mask) {}

  M value;
  std::uint64_t fields = ~std::uint64_t{0};  // bit i set: field i was selected
  std::vector<related_entry> related;

  const M& operator*() const noexcept { return value; }
  M& operator*() noexcept { return value; }
  const M* operator->() const noexcept { return &value; }
  M* operator->() noexcept { return &value; }

  bool has(std::string_view relation) const noexcept { return entry(relation) != nullptr; }

  // The children included through has_many `relation`; empty when there are none.
  // REQUIRES: the filter included `relation`, and its target model is T.
  template <class T>
  const std::vector<row<T>>& many(std::string_view relation) const {
    const related_entry* e = entry(relation);
    RELSTORE_ASSERT(e != nullptr, "relation was not included");
    const auto* v = std::any_cast<std::vector<row<T>>>(&e->data);
    RELSTORE_ASSERT(v != nullptr, "relation is not a has_many of this model");
    return *v;
  }

  // The parent included through belongs_to `relation` (nullptr for a null
  // key), or the child included through has_one `relation` (nullptr when
  // there is none). REQUIRES: the filter included `relation`, and its
  // target model is T.
  template <class T>
  const row<T>* one(std::string_view relation) const {
    const related_entry* e = entry(relation);
    RELSTORE_ASSERT(e != nullptr, "relation was not included");
    const auto* v = std::any_cast<std::optional<row<T>>>(&e->data);
    RELSTORE_ASSERT(v != nullptr, "relation is not a belongs_to or has_one of this model");
    return *v ? &**v : nullptr;
  }

  // The same, with the relation's name checked at compile time against the
  // schema RELSTORE_SCHEMA declared for M, and its target type deduced:
  // row.many<"orders">(), row.one<"customer">().
  template <detail::fixed_string Name>
  const auto& many() const {
    using found = typename detail::checked_relation<M, Name>::found;
    static_assert(!found::found || found::is_many,
                  "relstore: that relation is a belongs_to or a has_one: use one<\"name\">()");
    if constexpr (found::found && found::is_many) {
      return many<typename found::target>(Name.view());
    } else {
      return related;  // unreachable: a static_assert failed
    }
  }
  template <detail::fixed_string Name>
  auto one() const {
    using found = typename detail::checked_relation<M, Name>::found;
    static_assert(!found::found || !found::is_many, "relstore: that relation is a has_many: use many<\"name\">()");
    if constexpr (found::found && !found::is_many) {
      return one<typename found::target>(Name.view());
    } else {
      return this;  // unreachable: a static_assert failed
    }
  }

  // The row as a JSON object: selected fields, then included relations.
  std::string to_json() const {
    std::string out;
    append_json(out);
    return out;
  }
  void append_json(std::string& out) const {
    detail::write_json(detail::info_of<M>(), &value, fields, out);
    for (const auto& e : related) {
      out.pop_back();  // '}'
      if (out.back() != '{') out += ',';
      out += '"';
      out += e.name;
      out += "\":";
      e.write_json(e.data, out);
      out += '}';
    }
  }

 private:
  const related_entry* entry(std::string_view relation) const noexcept {
    for (const auto& e : related) {
      if (e.name == relation) return &e;
    }
    return nullptr;
  }
};

template <class M>
using rows = std::vector<row<M>>;

// Appends `v` as a JSON array of row::append_json's objects.
template <class M>
void append_json(const rows<M>& v, std::string& out) {
  out += '[';
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i) out += ',';
    v[i].append_json(out);
  }
  out += ']';
}

}  // namespace relstore

// Compiled once, in row.cpp (compile time only).
extern template class std::vector<relstore::related_entry>;
