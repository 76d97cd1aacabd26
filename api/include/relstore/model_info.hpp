// model_info: a model's fields as seen at run time, by JSON filters, the
// registry, snapshots and tools.
//
// Vocabulary header: includes only other vocabulary headers.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "relstore/value.hpp"

namespace relstore {

// The largest number of fields a model may have (projection masks are 64 bits).
inline constexpr std::size_t max_fields = 64;

// The enumerators of an enum field: an enum described with
// BOOST_DESCRIBE_ENUM, held as its underlying integer type. Shown by name
// in JSON, dumps and SQL; the names are kept in snapshots.
struct enum_info {
  struct enumerator {
    std::string name;
    std::int64_t value = 0;  // a uint64 enumerator as the int64 with its bits
  };
  std::string name;                     // the enum's name, without its namespaces
  std::vector<enumerator> enumerators;  // in declaration order

  // The enumerator called `n`, or null.
  const enumerator* find(std::string_view n) const noexcept {
    for (const auto& e : enumerators) {
      if (e.name == n) return &e;
    }
    return nullptr;
  }
  // The first enumerator whose value has the bits `bits`, or null.
  const enumerator* find(std::int64_t bits) const noexcept {
    for (const auto& e : enumerators) {
      if (e.value == bits) return &e;
    }
    return nullptr;
  }
};

// One field of a model. The accessors read and write an entity of the
// model's storage: a C++ object for a typed store, a row of a dataset.
struct field_info {
  std::string name;
  field_type type = field_type::int64;
  bool nullable = false;
  // REQUIRES: entity points to an entity of the model's storage.
  value_view (*get)(const void* entity) = nullptr;
  // Sets the field from `v`. On a type or range mismatch leaves the entity
  // unchanged, stores the reason in *why and returns false. Null for a
  // model whose entities are written another way (a dataset's).
  bool (*set)(void* entity, const value& v, std::string* why) = nullptr;
  // A JSON create must name it (model_settings::required).
  bool required = false;
  // Set for an enum field, whose `type` is the enum's underlying integer type.
  std::shared_ptr<const enum_info> enumeration;
  // For an array field (type == field_type::array): the element type (a
  // number type: int8 ... uint64, float32, float64) and the length, 1 to
  // max_extent.
  field_type element = field_type::int64;
  std::uint32_t extent = 0;
  // For a typed model's field that is always a number (int8 ... int64,
  // uint8 ... uint32, float32, float64; not nullable, not an enum): where
  // the value sits in an entity, in bytes, so a where clause reads it there
  // instead of through `get`. -1 for every other field, and for every
  // field of a dataset (even one made from a typed schema's registry).
  std::ptrdiff_t offset = -1;
};

// A model's settings, LoopBack's model and property settings, declared
// after RELSTORE_MODEL with
//   RELSTORE_MODEL_SETTINGS(Order, .generated_key = true, .required = {"total"})
struct model_settings {
  // LoopBack's `generated` with `forceId`: the store assigns every key. A
  // create that names a key, or an update that changes one, is
  // invalid_argument. Loading a snapshot keeps its keys.
  // REQUIRES: an int64 primary key (checked at compile time).
  bool generated_key = false;
  // Fields a JSON create must name (LoopBack's `required: true`); others
  // may be left out and keep their C++ defaults. Checked at compile time
  // against the model's fields.
  std::array<std::string_view, max_fields> required{};
};

// A model's run-time description.
struct model_info {
  std::string name;
  std::vector<field_info> fields;
  std::size_t primary_key = 0;  // index into fields
  bool generated_key = false;   // model_settings::generated_key

  // Returns the index of the field called `field`, or nullopt.
  std::optional<std::size_t> find_field(std::string_view field) const noexcept {
    for (std::size_t i = 0; i < fields.size(); ++i) {
      if (fields[i].name == field) return i;
    }
    return std::nullopt;
  }
};

}  // namespace relstore

// Compiled once, in model_info.cpp (compile time only).
extern template class std::vector<relstore::field_info>;
