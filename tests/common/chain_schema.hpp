// Schemas for cascade chains and their interplay with restrict and set_null
// (tests/engine/integrity_test.cpp and tests/engine/cascade_test.cpp).
//
// deep:   A --cascade--> B --cascade--> C --restrict--> D
// mixed:  the semantics.md "cascade meets restrict" example, with
//         A = P, B = Q, C = R:
//         P --cascade--> Q, P --cascade--> R, Q --restrict--> R
// tree:   Node --children (cascade, self)--> Node, Node --tags (restrict)--> Tag,
//         Node --notes (set_null)--> Note
// family: Parent --children (cascade)--> Child --items (set_null)--> Item
#pragma once

#include <relstore/relstore.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace chain {

struct A {
  std::int64_t id = 0;
};
RELSTORE_MODEL(A, id)
struct B {
  std::int64_t id = 0;
  std::int64_t aId = 0;
};
RELSTORE_MODEL(B, id, aId)
struct C {
  std::int64_t id = 0;
  std::int64_t bId = 0;
};
RELSTORE_MODEL(C, id, bId)
struct D {
  std::int64_t id = 0;
  std::int64_t cId = 0;
};
RELSTORE_MODEL(D, id, cId)

using deep =
    relstore::schema<relstore::models<A, B, C, D>, relstore::has_many<"bs", A, B, relstore::on_delete::cascade>,
                     relstore::has_many<"cs", B, C, relstore::on_delete::cascade>, relstore::has_many<"ds", C, D>>;

struct P {
  std::int64_t id = 0;
};
RELSTORE_MODEL(P, id)
struct Q {
  std::int64_t id = 0;
  std::int64_t pId = 0;
};
RELSTORE_MODEL(Q, id, pId)
struct R {
  std::int64_t id = 0;
  std::int64_t pId = 0;
  std::int64_t qId = 0;
};
RELSTORE_MODEL(R, id, pId, qId)

using mixed = relstore::schema<relstore::models<P, Q, R>, relstore::has_many<"qs", P, Q, relstore::on_delete::cascade>,
                               relstore::has_many<"rs", P, R, relstore::on_delete::cascade>,
                               relstore::has_many<"rs", Q, R, relstore::on_delete::restrict>>;

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
