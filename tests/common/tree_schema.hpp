// Schemas for cascades down trees and set_null below a cascade
// (tests/engine/cascade_test.cpp).
//
// tree:   Node --children (cascade, self)--> Node, Node --tags (restrict)--> Tag,
//         Node --notes (set_null)--> Note
// family: Parent --children (cascade)--> Child --items (set_null)--> Item
#pragma once

#include <relstore/relstore.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace chain {

struct Node {
  std::int64_t id = 0;
  std::optional<std::int64_t> parentId;
};
RELSTORE_MODEL(Node, id, parentId)
struct Tag {
  std::int64_t id = 0;
  std::int64_t nodeId = 0;
};
RELSTORE_MODEL(Tag, id, nodeId)
struct Note {
  std::int64_t id = 0;
  std::optional<std::int64_t> nodeId;
};
RELSTORE_MODEL(Note, id, nodeId)

using tree = relstore::schema<relstore::models<Node, Tag, Note>,
                              relstore::has_many<"children", Node, Node, relstore::key_to<&Node::parentId>,
                                                 relstore::inverse<"parent">, relstore::on_delete::cascade>,
                              relstore::has_many<"tags", Node, Tag>,
                              relstore::has_many<"notes", Node, Note, relstore::on_delete::set_null>>;

struct Parent {
  std::int64_t id = 0;
  std::string name;
};
RELSTORE_MODEL(Parent, id, name)
struct Child {
  std::int64_t id = 0;
  std::int64_t parentId = 0;
};
RELSTORE_MODEL(Child, id, parentId)
struct Item {
  std::int64_t id = 0;
  std::optional<std::int64_t> childId;
  std::string label;
};
RELSTORE_MODEL(Item, id, childId, label)

using family = relstore::schema<relstore::models<Parent, Child, Item>,
                                relstore::has_many<"children", Parent, Child, relstore::on_delete::cascade>,
                                relstore::has_many<"items", Child, Item, relstore::on_delete::set_null>>;

}  // namespace chain

// Compiled once, in tree_schema.cpp and tree_family.cpp, instead of in each
// test file.
RELSTORE_EXTERN_TABLES(chain::tree, chain::Node, chain::Tag, chain::Note)
RELSTORE_EXTERN_TABLES(chain::family, chain::Parent, chain::Child, chain::Item)
RELSTORE_EXTERN_MODELS(chain::Node, chain::Tag, chain::Note, chain::Parent, chain::Child, chain::Item)
