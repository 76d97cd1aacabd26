// The differential-test schema: four models, five relations, every policy,
// a self relation and a three-deep cascade chain.
//
//   Region --towns (cascade)--> Town --houses (cascade)--> House
//   Town --citizens (restrict)--> Citizen
//   Citizen --apprentices (cascade, self, optional mentorId)--> Citizen
//   Citizen --home (has_one, set_null, optional ownerId)--> House
#pragma once

#include <relstore/relstore.hpp>

#include <cstdint>
#include <optional>

namespace town {

struct Region {
  std::int64_t id = 0;
  std::int64_t score = 0;
  friend bool operator==(const Region&, const Region&) = default;
};
RELSTORE_MODEL(Region, id, score)

struct Town {
  std::int64_t id = 0;
  std::int64_t regionId = 0;
  std::int64_t score = 0;
  friend bool operator==(const Town&, const Town&) = default;
};
RELSTORE_MODEL(Town, id, regionId, score)

struct Citizen {
  std::int64_t id = 0;
  std::int64_t townId = 0;
  std::optional<std::int64_t> mentorId;
  std::int64_t score = 0;
  friend bool operator==(const Citizen&, const Citizen&) = default;
};
RELSTORE_MODEL(Citizen, id, townId, mentorId, score)

struct House {
  std::int64_t id = 0;
  std::int64_t townId = 0;
  std::optional<std::int64_t> ownerId;
  std::int64_t score = 0;
  friend bool operator==(const House&, const House&) = default;
};
RELSTORE_MODEL(House, id, townId, ownerId, score)

using schema =
    relstore::schema<relstore::models<Region, Town, Citizen, House>,
                     relstore::has_many<"towns", Region, Town, relstore::on_delete::cascade>,
                     relstore::has_many<"houses", Town, House, relstore::on_delete::cascade>,
                     relstore::has_many<"citizens", Town, Citizen, relstore::on_delete::restrict>,
                     relstore::has_many<"apprentices", Citizen, Citizen, relstore::key_to<&Citizen::mentorId>,
                                        relstore::inverse<"mentor">, relstore::on_delete::cascade>,
                     relstore::has_one<"home", Citizen, House, relstore::key_to<&House::ownerId>,
                                       relstore::inverse<"owner">, relstore::on_delete::set_null>>;
using store = relstore::store<schema>;

}  // namespace town

// Compiled once, in town_schema.cpp, instead of in each test file.
RELSTORE_EXTERN_TABLES(town::schema, town::Region, town::Town, town::Citizen, town::House)
RELSTORE_EXTERN_MODELS(town::Region, town::Town, town::Citizen, town::House)
