// relstore-server: serves a store over LoopBack 4's REST routes
// (relstore::rest) until SIGINT or SIGTERM, then saves it.
//
//   relstore-server --schema shop --populate 10000 --port 3000
//   curl localhost:3000/customers/1/orders
#include <relstore/relstore.hpp>
#include <relstore/snapshot.hpp>

#include <relstore/detail/command_line.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "schemas/shop.hpp"
#include "schemas/world.hpp"
#include "serve.hpp"
#include "world_serve.hpp"

namespace {

namespace po = boost::program_options;

constexpr const char* usage_line = "usage: relstore-server [OPTIONS]";

struct options {
  std::string schema = "world";
  std::int64_t populate = 0;
  tools::serve_options serve;
};

std::optional<int> parse_options(int argc, char** argv, options& o) {
  po::options_description desc("Options");
  auto add = desc.add_options();
  add("help,h", "show this help and exit");
  add("schema", po::value<std::string>(&o.schema)->value_name("S")->default_value(o.schema),
      "the schema served: world (the demo's game world) or shop (customers and orders)");
  add("snapshot", po::value<std::string>(&o.serve.snapshot)->value_name("PATH"),
      "loaded at start if it exists; saved by POST /snapshot and on SIGINT/SIGTERM (never with --read-only)");
  add("populate", po::value<std::string>()->value_name("N")->default_value("0"),
      "start with N orders (shop: over N/100 customers) or N players (world)");
  tools::add_serve_options(desc, o.serve);
  try {
    po::variables_map vm;
    (void)relstore::detail::parse_command_line(std::vector<std::string>(argv + 1, argv + argc), desc, 0, vm);
    if (vm.count("help") != 0) {
      std::cout << usage_line << "\nServes a relstore store over REST (LoopBack 4's routes).\n\n" << desc;
      return 0;
    }
    po::notify(vm);
    o.populate =
        tools::whole_number("populate", vm["populate"].as<std::string>(), std::int64_t{0}, std::int64_t{100'000'000});
    tools::read_serve_options(vm, o.serve);
    if (vm.count("snapshot") != 0 && o.serve.snapshot.empty())
      throw po::error("--snapshot expects a file path, not an empty string");
    if (o.schema != "world" && o.schema != "shop")
      throw po::error("--schema expects world or shop, not '" + o.schema + "'");
  } catch (const po::error& e) {
    std::fprintf(stderr, "relstore-server: %s\n%s  (--help for details)\n", e.what(), usage_line);
    return 2;
  }
  return std::nullopt;
}

// The key of the entity `r` created, or nullopt after saying on stderr
// why the create was refused.
template <class M>
std::optional<std::int64_t> created(const relstore::result<M>& r) {
  if (r) return r->id;
  std::fprintf(stderr, "relstore-server: --populate: %s\n", r.error().message().c_str());
  return std::nullopt;
}

// Adds `n` entities of M named prefix-1 .. prefix-n and appends their keys
// to `keys`. False if a create was refused.
template <class M, class Store>
bool add_named(Store& db, std::int64_t n, const std::string& prefix, std::vector<std::int64_t>& keys) {
  for (std::int64_t k = 1; k <= n; ++k) {
    const auto id = created(db.template repo<M>().create({.name = prefix + "-" + std::to_string(k)}));
    if (!id) return false;
    keys.push_back(*id);
  }
  return true;
}

// Adds `orders` orders, spread over the customers it adds (a loaded
// snapshot's keys are left alone). False if a create was refused.
bool populate(shop::store& db, std::int64_t orders) {
  if (orders == 0) return true;
  std::vector<std::int64_t> customers;
  if (!add_named<shop::Customer>(db, std::max<std::int64_t>(1, orders / 100), "customer", customers)) return false;
  for (std::int64_t i = 0; i < orders; ++i) {
    const std::int64_t owner = customers[static_cast<std::size_t>(i) % customers.size()];
    if (!created(db.repo<shop::Order>().create(
            {.customerId = owner, .total = static_cast<double>(i % 100), .note = "order"})))
      return false;
  }
  return true;
}

// Adds `players` players with a sword each, in 20 zones and 10 guilds it
// adds. False if a create was refused.
bool populate(world::store& db, std::int64_t players) {
  if (players == 0) return true;
  std::vector<std::int64_t> zones, guilds;
  if (!add_named<world::Zone>(db, 20, "zone", zones) || !add_named<world::Guild>(db, 10, "guild", guilds)) return false;
  for (std::int64_t p = 0; p < players; ++p) {
    const auto i = static_cast<std::size_t>(p);
    const auto id = created(db.repo<world::Player>().create({.zoneId = zones[i % zones.size()],
                                                             .guildId = guilds[i % guilds.size()],
                                                             .name = "player-" + std::to_string(p)}));
    if (!id || !created(db.repo<world::Player>().related<"items">(*id).create({.kind = "sword", .power = 10})))
      return false;
  }
  return true;
}

template <class Store>
int run(const options& o) {
  Store db;
  if (!o.serve.snapshot.empty() && std::filesystem::exists(o.serve.snapshot)) {
    if (auto r = relstore::load(db, o.serve.snapshot); !r) {
      std::fprintf(stderr, "relstore-server: cannot load %s: %s\n", o.serve.snapshot.c_str(),
                   r.error().message().c_str());
      return 1;
    }
  }
  if (!populate(db, o.populate)) return 1;
  const auto frame = std::chrono::milliseconds(100);
  if constexpr (std::is_same_v<Store, world::store>) {
    return tools::serve_world(
        db, o.serve, frame, [] {}, "relstore-server");
  } else {
    return tools::serve(
        db, o.serve, frame, [] {}, "relstore-server");
  }
}

}  // namespace

int main(int argc, char** argv) {
  options o;
  if (const auto status = parse_options(argc, argv, o)) return *status;
  return o.schema == "shop" ? run<shop::store>(o) : run<world::store>(o);
}
