// Schemas for cascade chains and their interplay with restrict
// (tests/engine/cascade_meets_restrict_test.cpp).
//
// deep:   A --cascade--> B --cascade--> C --restrict--> D
// mixed:  the semantics.md "cascade meets restrict" example, with
//         A = P, B = Q, C = R:
//         P --cascade--> Q, P --cascade--> R, Q --restrict--> R
// diamond: as mixed, with Q --cascade--> R
// levels:  two cascade paths of different depths into one model (below)
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

// diamond: P --cascade--> Q, P --cascade--> R, Q --cascade--> R: one delete
// can reach an R twice.
using diamond =
    relstore::schema<relstore::models<P, Q, R>, relstore::has_many<"qs", P, Q, relstore::on_delete::cascade>,
                     relstore::has_many<"rs", P, R, relstore::on_delete::cascade>,
                     relstore::has_many<"rs", Q, R, relstore::on_delete::cascade>>;

// levels: Top --cascade--> Mid --cascade--> Low --cascade--> Leaf, and
// Top --cascade--> Side --cascade--> Leaf, declared so that the deep path's
// models come first: a Leaf is two levels below Top through Side, three
// through Mid and Low.
struct Top {
  std::int64_t id = 0;
};
RELSTORE_MODEL(Top, id)
struct Mid {
  std::int64_t id = 0;
  std::int64_t topId = 0;
};
RELSTORE_MODEL(Mid, id, topId)
struct Low {
  std::int64_t id = 0;
  std::int64_t midId = 0;
};
RELSTORE_MODEL(Low, id, midId)
struct Side {
  std::int64_t id = 0;
  std::int64_t topId = 0;
};
RELSTORE_MODEL(Side, id, topId)
struct Leaf {
  std::int64_t id = 0;
  std::int64_t lowId = 0;
  std::int64_t sideId = 0;
};
RELSTORE_MODEL(Leaf, id, lowId, sideId)

using levels = relstore::schema<
    relstore::models<Top, Mid, Low, Side, Leaf>, relstore::has_many<"mids", Top, Mid, relstore::on_delete::cascade>,
    relstore::has_many<"lows", Mid, Low, relstore::on_delete::cascade>,
    relstore::has_many<"leaves", Low, Leaf, relstore::key_to<&Leaf::lowId>, relstore::on_delete::cascade>,
    relstore::has_many<"sides", Top, Side, relstore::on_delete::cascade>,
    relstore::has_many<"leaves", Side, Leaf, relstore::key_to<&Leaf::sideId>, relstore::on_delete::cascade>>;

}  // namespace chain

// Compiled once, in chain_schema.cpp and chain_mixed.cpp, instead of in each
// test file.
RELSTORE_EXTERN_TABLES(chain::deep, chain::A, chain::B, chain::C, chain::D)
RELSTORE_EXTERN_TABLES(chain::mixed, chain::P, chain::Q, chain::R)
RELSTORE_EXTERN_MODELS(chain::A, chain::B, chain::C, chain::D, chain::P, chain::Q, chain::R)
