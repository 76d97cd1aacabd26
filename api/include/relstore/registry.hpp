// The run-time registry: every model and relation of a schema, with keys and
// on-delete policies. It is the one run-time schema model: typed stores build
// theirs from schema<...>, a snapshot's is read from the file, and a tool that
// has no C++ types builds one with add_model() and add_has_many(). All of them
// pass the same checks.
//
// Vocabulary header: includes only other vocabulary headers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "relstore/error.hpp"
#include "relstore/model_info.hpp"

namespace relstore {

// What deleting a parent does to its children.
enum class on_delete : std::uint8_t {
  restrict = 0,  // reject the delete while a child would survive it (the default)
  cascade = 1,   // delete the children, down chains of any depth
  set_null = 2,  // keep the children with a null foreign key (needs an optional key)
};

std::string_view to_string(on_delete policy) noexcept;

// has_many and has_one are walked from the parent; belongs_to from the child.
// A has_one is a has_many whose foreign key is unique among non-null values:
// every rule of has_many (keys, policies, cascades) holds for it too. A
// has_many_through (LoopBack's hasManyThrough) holds no key of its own: it
// walks from a parent through the rows of a through model that has a
// foreign key to each end, each enforced by a has_many (or has_one) of its
// own.
enum class relation_kind : std::uint8_t { has_many = 0, belongs_to = 1, has_one = 2, has_many_through = 3 };

std::string_view to_string(relation_kind kind) noexcept;

// Whether a relation of `kind` is a foreign key walked from the parent to
// its children (has_many, has_one).
constexpr bool is_parent_side(relation_kind kind) noexcept {
  return kind == relation_kind::has_many || kind == relation_kind::has_one;
}

// One direction of a relation. A has_many (or has_one) declaration registers
// two: the has_many from the parent (Customer.orders) and its belongs_to
// inverse (Order.customer). Both share keys and policy.
struct relation_info {
  std::string name;  // "orders", or "customer" for the inverse
  relation_kind kind = relation_kind::has_many;
  std::size_t source = 0;      // the model the relation is walked from
  std::size_t parent = 0;      // the "one" side (Customer)
  std::size_t child = 0;       // the "many" side (Order)
  std::size_t parent_key = 0;  // keyFrom: field of the parent, unique
  std::size_t child_key = 0;   // keyTo: the foreign key field of the child
  on_delete policy = on_delete::restrict;
  std::size_t inverse = 0;  // index of the other direction (a has_many_through's own)
  // has_many_through only: parent Patient, child Doctor (the target; keys
  // are both primary keys), through Appointment with Appointment.patientId
  // (through_from) naming the parent and Appointment.doctorId (through_to)
  // the target. repeated_links: a pair may be linked more than once.
  std::size_t through = 0;
  std::size_t through_from = 0;
  std::size_t through_to = 0;
  bool repeated_links = false;
};

// The model a relation leads to: the child, or the parent for a belongs_to.
constexpr std::size_t target_of(const relation_info& r) noexcept {
  return r.kind == relation_kind::belongs_to ? r.parent : r.child;
}

// How a has_many is declared, by field and relation names (LoopBack's
// @hasMany options). Empty names take LoopBack's defaults.
struct has_many_options {
  std::string key_to;    // empty: camelCase(parent) + "Id"
  std::string key_from;  // empty: the parent's primary key
  std::string inverse;   // empty: camelCase(parent)
  on_delete policy = on_delete::restrict;
};

// How a has_many_through is declared (LoopBack's `through` options). Empty
// names take LoopBack's defaults.
struct has_many_through_options {
  std::string key_from;  // through field naming the parent; empty: camelCase(parent) + "Id"
  std::string key_to;    // through field naming the target; empty: camelCase(target) + "Id"
  bool repeated_links = false;
};

// The most has_many relations one model may be the target of. It bounds the
// work of checking a model's foreign keys (verify) to a constant times its
// rows, whatever a file declares.
inline constexpr std::size_t max_incoming_relations = 64;

// Thread-safety: const member functions may be called concurrently; adding
// models or relations needs exclusive access. Returned pointers and references
// are invalidated by nothing but the registry's destruction (a move keeps
// them valid: they then belong to the registry moved to).
class registry {
 public:
  registry() = default;
  registry(const registry&) = delete;
  registry& operator=(const registry&) = delete;
  registry(registry&&) noexcept = default;
  registry& operator=(registry&&) noexcept = default;

  // Adds a model. Fails with schema_error on an empty or duplicate name, no
  // fields or more than max_fields, an empty or repeated field name, a name
  // with a control character, or a primary key that is out of range,
  // optional, or not int64 or string.
  result<std::size_t> add_model(model_info model);

  // Declares `parent` has many `child` through `name`, following LoopBack's
  // key inference, and its belongs_to inverse. Fails with schema_error naming
  // the model and field (also for a name with a control character, or a
  // target already in max_incoming_relations relations), e.g.
  // "target model Order is missing definition of foreign key customerId".
  // Returns the index of the has_many; the inverse is the next one.
  result<std::size_t> add_has_many(std::string_view name, std::string_view parent, std::string_view child,
                                   const has_many_options& options = {});
  // Declares `parent` has one `child` (LoopBack's @hasOne): as add_has_many,
  // with the same defaults and checks, and the foreign key unique among
  // non-null values (a second child of one parent is already_exists).
  result<std::size_t> add_has_one(std::string_view name, std::string_view parent, std::string_view child,
                                  const has_many_options& options = {});
  // Declares `parent` has many `target` through `through` (LoopBack's
  // hasManyThrough). The through model's two keys must already be foreign
  // keys of relations parent -> through and target -> through (has_many or
  // has_one on the ends' primary keys): those enforce them and say what
  // deleting an end does to its links. Unless options.repeated_links, a pair
  // may be linked once (a second link is already_exists). Fails with
  // schema_error naming what is missing.
  result<std::size_t> add_has_many_through(std::string_view name, std::string_view parent, std::string_view target,
                                           std::string_view through, const has_many_through_options& options = {});
  // add_has_many or add_has_one by `kind`; a belongs_to or has_many_through
  // is schema_error (declared by its parent side, or by add_has_many_through).
  result<std::size_t> add_relation(relation_kind kind, std::string_view name, std::string_view parent,
                                   std::string_view child, const has_many_options& options = {});

  std::size_t model_count() const noexcept { return models_.size(); }
  // REQUIRES: index < model_count().
  const model_info& model(std::size_t index) const { return *models_[index]; }
  std::optional<std::size_t> find_model(std::string_view name) const noexcept;

  const std::vector<relation_info>& relations() const noexcept { return relations_; }
  // The relation called `name` walked from model `source`, if any.
  const relation_info* find_relation(std::size_t source, std::string_view name) const noexcept;
  // The parent-side relations (has_many and has_one; indexes into
  // relations()) whose parent, or whose child, is `model`, in declaration
  // order. REQUIRES: model < model_count().
  const std::vector<std::size_t>& has_many_from(std::size_t model) const noexcept { return from_[model]; }
  const std::vector<std::size_t>& has_many_into(std::size_t model) const noexcept { return into_[model]; }
  // How parent-side relation `index` was declared, with every name spelled out.
  // REQUIRES: is_parent_side(relations()[index].kind).
  has_many_options declaration(std::size_t index) const;
  // How has_many_through `index` was declared, with every name spelled out.
  // REQUIRES: relations()[index].kind == relation_kind::has_many_through.
  has_many_through_options through_declaration(std::size_t index) const;

  // REQUIRES: `model` outlives the registry. Used for compile-time schemas.
  result<std::size_t> add_static_model(const model_info& model);

 private:
  struct name_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  using name_map = std::unordered_map<std::string, std::size_t, name_hash, std::equal_to<>>;

  // Each apart, so a model's address never changes; and a registry (a
  // snapshot's columns hold one) moves without allocating, as its noexcept
  // move promises (std::deque's move allocates in libstdc++).
  std::vector<std::unique_ptr<model_info>> owned_;
  std::vector<const model_info*> models_;
  std::vector<relation_info> relations_;
  name_map model_index_;
  std::vector<name_map> relation_index_;        // per source model: relation name -> index
  std::vector<std::vector<std::size_t>> from_;  // per model: has_many relations it is the parent of
  std::vector<std::vector<std::size_t>> into_;  // per model: has_many relations it is the child of
};

}  // namespace relstore
