// relstore-demo: a small game world run for some ticks through relstore.
//
// Zones hold players (restrict: a zone with players cannot close), guilds
// have members (set_null: a disbanded guild's members stay guildless), and a
// player's items and their enchantments form a cascade chain (a player who
// leaves the game takes them along). Every write goes through a repository
// or a constrained repository; rejected writes are counted and the first of
// each kind is shown. Trades run in transactions (an item one way, gold the
// other; a buyer who cannot pay rolls the whole trade back), and observers
// count what the cascades removed.
#include <relstore/relstore.hpp>
#include <relstore/snapshot.hpp>

#include "schemas/world.hpp"
#include "whole_number.hpp"
#ifdef RELSTORE_DEMO_SERVE
#include "world_serve.hpp"
#endif

#include <relstore/detail/command_line.hpp>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <limits>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <system_error>
#include <vector>

namespace {

using namespace world;
using relstore::field;

struct options {
  int ticks = 200;
  std::uint64_t seed = 42;
  std::string snapshot = (std::filesystem::temp_directory_path() / "relstore-demo.snap").string();
  int zones = 20;
  int guilds = 100;
  int players = 2000;
#ifdef RELSTORE_DEMO_SERVE
  bool serve = false;  // --serve: tick forever, serving the world over REST
  tools::serve_options http;
#endif
};

namespace po = boost::program_options;
using tools::whole_number;

constexpr const char* usage_line = "usage: relstore-demo [OPTIONS]";

// Parses the command line into o. Returns the exit status when the program
// should stop right away: 0 after --help, 2 after a usage error (one line
// naming the problem and the usage line, on stderr).
std::optional<int> parse_options(int argc, char** argv, options& o) {
  constexpr int int_max = std::numeric_limits<int>::max();
  po::options_description desc("Options");
  // Numbers arrive as text and are converted by whole_number: checked ranges
  // and messages that say what was expected.
  auto add = desc.add_options();
  add("help,h", "show this help and exit");
  add("ticks", po::value<std::string>()->value_name("N")->default_value(std::to_string(o.ticks)),
      "ticks to run, 0 or more");
  add("seed", po::value<std::string>()->value_name("S")->default_value(std::to_string(o.seed)),
      "seed of the random world, 0 or more");
  add("players", po::value<std::string>()->value_name("N")->default_value(std::to_string(o.players)),
      "players at the start, 1 or more (each tick's traffic scales with it)");
  add("snapshot", po::value<std::string>(&o.snapshot)->value_name("PATH")->default_value(o.snapshot),
      "where the world is saved at the end, then loaded back and compared");
#ifdef RELSTORE_DEMO_SERVE
  add("serve", po::bool_switch(&o.serve),
      "serve the world over REST while it runs, a tick every 100 ms, until SIGINT or SIGTERM (then save to "
      "--snapshot, unless --read-only)");
  tools::add_serve_options(desc, o.http);
#endif
  try {
    po::variables_map vm;
    (void)relstore::detail::parse_command_line(std::vector<std::string>(argv + 1, argv + argc), desc, 0, vm);
    if (vm.count("help") != 0) {
      std::cout << usage_line << "\nRuns a small game world through relstore and prints a summary.\n\n" << desc;
      return 0;
    }
    po::notify(vm);
    o.ticks = whole_number("ticks", vm["ticks"].as<std::string>(), 0, int_max);
    o.seed =
        whole_number("seed", vm["seed"].as<std::string>(), std::uint64_t{0}, std::numeric_limits<std::uint64_t>::max());
    o.players = whole_number("players", vm["players"].as<std::string>(), 1, int_max);
    if (o.snapshot.empty()) throw po::error("--snapshot expects a file path, not an empty string");
#ifdef RELSTORE_DEMO_SERVE
    tools::read_serve_options(vm, o.http);
    o.http.snapshot = o.snapshot;
#endif
  } catch (const po::error& e) {
    std::fprintf(stderr, "relstore-demo: %s\n%s  (--help for details)\n", e.what(), usage_line);
    return 2;
  }
  return std::nullopt;
}

class simulation {
 public:
  explicit simulation(const options& o) : opt_(o), rng_(o.seed) {
    // Observers: told once each write has committed, cascades included.
    items_gone_ = db_.on<Item>(relstore::on_delete_event, [this](const relstore::event<Item>& e) {
      ++(e.cause == relstore::change_cause::cascade ? items_cascaded_ : items_deleted_);
    });
    enchantments_gone_ = db_.on<Enchantment>(relstore::on_delete_event, [this](const relstore::event<Enchantment>& e) {
      if (e.cause == relstore::change_cause::cascade) ++enchantments_cascaded_;
    });
  }

  void populate() {
    auto zones = db_.repo<Zone>();
    for (int z = 0; z < opt_.zones; ++z) keep(zones.insert({.name = "zone-" + std::to_string(z)}));
    auto guilds = db_.repo<Guild>();
    for (int g = 0; g < opt_.guilds; ++g) keep(guilds.insert({.name = "guild-" + std::to_string(g)}));
    for (int p = 0; p < opt_.players; ++p) spawn_player();
  }

  void tick() {
    for (int i = 0; i < opt_.players / 100 + 1; ++i) spawn_player();
    loot();
    move_players();
    level_up_guild();
    trade();
    retire_players();
    if (pick(0, 9) == 0) disband_and_refound_guild();
    attempt_bad_writes();
  }

  void report(const std::vector<double>& tick_us) {
    std::vector<double> sorted = tick_us;
    std::sort(sorted.begin(), sorted.end());
    double total = 0;
    for (double t : tick_us) total += t;
    std::printf("\nsummary after %zu ticks (seed %llu)\n", tick_us.size(), static_cast<unsigned long long>(opt_.seed));
    std::printf("  zones %zu, guilds %zu, players %zu, items %zu, enchantments %zu\n", db_.size<Zone>(),
                db_.size<Guild>(), db_.size<Player>(), db_.size<Item>(), db_.size<Enchantment>());
    auto guildless = db_.repo<Player>().count(field(&Player::guildId).is_null());
    std::printf("  guildless players %zu\n", guildless.value_or(0));
    std::printf("  writes accepted %llu, rejected %llu\n", static_cast<unsigned long long>(accepted_),
                static_cast<unsigned long long>(rejected_total()));
    for (const auto& [code, n] : rejected_) {
      std::printf("    rejected %-22s %llu\n", std::string(relstore::to_string(code)).c_str(),
                  static_cast<unsigned long long>(n));
    }
    std::printf("  trades committed %llu, rolled back %llu (buyer could not pay)\n",
                static_cast<unsigned long long>(trades_done_), static_cast<unsigned long long>(trades_undone_));
    std::printf("  observers: retiring players cascaded to %llu items and %llu enchantments\n",
                static_cast<unsigned long long>(items_cascaded_),
                static_cast<unsigned long long>(enchantments_cascaded_));
    if (!sorted.empty()) {
      std::printf("  time per tick: median %.1f us, p90 %.1f us, mean %.1f us\n", sorted[sorted.size() / 2],
                  sorted[sorted.size() * 9 / 10], total / static_cast<double>(sorted.size()));
    }
  }

  // Saves the world, loads it into a fresh store and compares.
  bool save_and_reload(const std::string& path) {
    using clock = std::chrono::steady_clock;
    const auto t0 = clock::now();
    if (auto r = relstore::save(db_, path); !r) {
      std::printf("  snapshot save failed: %s\n", r.error().message().c_str());
      return false;
    }
    const auto t1 = clock::now();
    store loaded;
    if (auto r = relstore::load(loaded, path); !r) {
      std::printf("  snapshot load failed: %s\n", r.error().message().c_str());
      return false;
    }
    const auto t2 = clock::now();
    const bool same = loaded == db_;
    std::error_code ec;
    const auto bytes = std::filesystem::file_size(path, ec);
    std::printf("  snapshot %s: %llu bytes, save %.2f ms, load %.2f ms, reloaded world %s\n", path.c_str(),
                static_cast<unsigned long long>(bytes), std::chrono::duration<double, std::milli>(t1 - t0).count(),
                std::chrono::duration<double, std::milli>(t2 - t1).count(), same ? "equal" : "DIFFERENT");
    return same;
  }

  bool consistent() {
    // Every foreign key names an existing parent: checked through belongs_to.
    bool ok = true;
    db_.for_each<Item>([&](const Item& it) { ok = ok && db_.repo<Player>().exists(it.playerId); });
    db_.for_each<Player>([&](const Player& p) {
      ok = ok && db_.repo<Zone>().exists(p.zoneId) && (!p.guildId || db_.repo<Guild>().exists(*p.guildId));
    });
    return ok;
  }

 private:
  int pick(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }

  template <class T>
  std::optional<T> keep(relstore::result<T> r) {
    if (r) {
      ++accepted_;
      return std::move(*r);
    }
    note(r.error());
    return std::nullopt;
  }

  void note(const relstore::error& e) {
    if (rejected_[e.code]++ == 0) {
      std::printf("rejected (%s): %s\n", std::string(relstore::to_string(e.code)).c_str(), e.message().c_str());
    }
  }

  std::uint64_t rejected_total() const {
    std::uint64_t n = 0;
    for (const auto& kv : rejected_) n += kv.second;
    return n;
  }

  // A key in [1, high] (1 if high < 1). High may be any key a REST client
  // gave, up to INT64_MAX.
  std::int64_t random_id(std::int64_t high) {
    return std::uniform_int_distribution<std::int64_t>(1, std::max<std::int64_t>(1, high))(rng_);
  }

  void spawn_player() {
    const std::int64_t zone = pick(1, opt_.zones);
    std::optional<std::int64_t> guild;
    if (pick(0, 3) != 0) guild = random_id(guild_high_);
    if (guild && !db_.repo<Guild>().exists(*guild)) guild.reset();
    auto p = keep(db_.repo<Zone>().related<"players">(zone).insert(
        {.guildId = guild, .name = "player-" + std::to_string(++spawned_), .level = 1, .gold = 10}));
    if (p) player_high_ = std::max(player_high_, *p);
  }

  void loot() {
    for (int i = 0; i < opt_.players / 50 + 1; ++i) {
      const std::int64_t pid = random_id(player_high_);
      if (!db_.repo<Player>().exists(pid)) continue;
      auto item = keep(
          db_.repo<Player>().related<"items">(pid).create({.kind = i % 2 ? "sword" : "shield", .power = pick(1, 100)}));
      if (item && item->power > 50) {
        (void)keep(db_.repo<Item>().related<"enchantments">(item->id).create({.rune = "fire"}));
      }
    }
  }

  void move_players() {
    for (int i = 0; i < opt_.players / 100 + 1; ++i) {
      const std::int64_t pid = random_id(player_high_);
      if (!db_.repo<Player>().exists(pid)) continue;
      (void)keep(
          db_.repo<Player>().update_by_id(pid, relstore::patch<Player>{}.set(&Player::zoneId, pick(1, opt_.zones))));
    }
  }

  void level_up_guild() {
    const std::int64_t gid = random_id(guild_high_);
    auto members = db_.repo<Guild>().related<"members">(gid);
    auto n = members.patch(relstore::patch<Player>{}.set(&Player::level, 2), field(&Player::level) < 2);
    if (n) accepted_ += *n;
  }

  // A trade: the seller's first item goes to the buyer, its price in gold to
  // the seller. Four writes, one transaction: a buyer left in debt fails the
  // check and the whole trade rolls back.
  void trade() {
    const std::int64_t seller = random_id(player_high_), buyer = random_id(player_high_);
    auto sellers_items = db_.repo<Player>().related<"items">(seller).find(relstore::filter<Item>{}.limit(1));
    if (seller == buyer || !db_.repo<Player>().exists(buyer) || !sellers_items || sellers_items->empty()) return;
    const Item item = (*sellers_items)[0].value;
    const double price = item.power;
    auto done = db_.transaction([&](auto& tx) -> relstore::result<void> {
      auto players = tx.template repo<Player>();
      auto moved = tx.template repo<Item>().update_by_id(item.id, relstore::patch<Item>{}.set(&Item::playerId, buyer));
      if (!moved) return moved.error();
      auto b = players.find_by_id(buyer);
      auto s = players.find_by_id(seller);
      if (!b || !s) return relstore::make_error(relstore::errc::not_found, "a trader left");
      auto paid = players.update_by_id(buyer, relstore::patch<Player>{}.set(&Player::gold, b->gold - price));
      if (!paid) return paid.error();
      auto got = players.update_by_id(seller, relstore::patch<Player>{}.set(&Player::gold, s->gold + price));
      if (!got) return got.error();
      if (b->gold - price < 0) {
        char why[128];
        std::snprintf(why, sizeof why, "Player %lld cannot pay %.0f gold for Item %lld (has %.0f)",
                      static_cast<long long>(buyer), price, static_cast<long long>(item.id), b->gold);
        return relstore::make_error(relstore::errc::constraint_violation, why);
      }
      return {};
    });
    if (done) {
      ++trades_done_;
      accepted_ += 3;
    } else {
      if (trades_undone_++ == 0) std::printf("trade rolled back: %s\n", done.error().message().c_str());
    }
  }

  void retire_players() {
    for (int i = 0; i < opt_.players / 100 + 1; ++i) {
      const std::int64_t pid = random_id(player_high_);
      if (!db_.repo<Player>().exists(pid)) continue;
      if (auto r = db_.repo<Player>().delete_by_id(pid); r) {
        ++accepted_;
      } else {
        note(r.error());
      }
    }
  }

  void disband_and_refound_guild() {
    const std::int64_t gid = random_id(guild_high_);
    if (auto r = db_.repo<Guild>().delete_by_id(gid); !r) note(r.error());
    auto g = keep(db_.repo<Guild>().insert({.name = "guild-new-" + std::to_string(gid)}));
    if (g) guild_high_ = std::max(guild_high_, *g);
  }

  void attempt_bad_writes() {
    // A player spawned into a zone that does not exist.
    (void)keep(db_.repo<Zone>().related<"players">(opt_.zones + 1000).create({.name = "ghost"}));
    // Closing a zone that still has players.
    const std::int64_t zone = pick(1, opt_.zones);
    if (auto r = db_.repo<Zone>().delete_by_id(zone); !r) note(r.error());
    // Handing an item to another player through the owner's constrained repository.
    db_.for_each<Item>([&](const Item& it) {
      if (handed_) return;
      handed_ = true;
      auto r = db_.repo<Player>()
                   .related<"items">(it.playerId)
                   .patch(relstore::patch<Item>{}.set(&Item::playerId, it.playerId + 1), field(&Item::id) == it.id);
      if (!r) note(r.error());
    });
    handed_ = false;
    // A malformed filter from a mod script.
    if (auto r = db_.repo<Player>().find(R"({"where":{"level":{"gt":"high"}}})"); !r) note(r.error());
  }

  options opt_;
  std::mt19937_64 rng_;
  store db_;
  std::int64_t player_high_ = 0;
  std::int64_t guild_high_ = 1;
  std::uint64_t spawned_ = 0;
  std::uint64_t accepted_ = 0;
  bool handed_ = false;
  std::map<relstore::errc, std::uint64_t> rejected_;
  std::uint64_t trades_done_ = 0, trades_undone_ = 0;
  std::uint64_t items_cascaded_ = 0, items_deleted_ = 0, enchantments_cascaded_ = 0;
  relstore::subscription items_gone_, enchantments_gone_;

 public:
  void set_guild_high(std::int64_t g) { guild_high_ = g; }
  store& world() { return db_; }
};

}  // namespace

int main(int argc, char** argv) {
  options opt;
  if (const auto status = parse_options(argc, argv, opt)) return *status;
  simulation sim(opt);
  sim.set_guild_high(opt.guilds);
  sim.populate();
#ifdef RELSTORE_DEMO_SERVE
  if (opt.serve) {
    std::printf("relstore-demo: %d zones, %d guilds, %d players; serving, a tick every 100 ms\n", opt.zones, opt.guilds,
                opt.players);
    return tools::serve_world(
        sim.world(), opt.http, std::chrono::milliseconds(100), [&] { sim.tick(); }, "relstore-demo");
  }
#endif
  std::printf("relstore-demo: %d zones, %d guilds, %d players; running %d ticks\n", opt.zones, opt.guilds, opt.players,
              opt.ticks);
  std::vector<double> tick_us;
  tick_us.reserve(static_cast<std::size_t>(opt.ticks));
  for (int t = 0; t < opt.ticks; ++t) {
    const auto start = std::chrono::steady_clock::now();
    sim.tick();
    const auto end = std::chrono::steady_clock::now();
    tick_us.push_back(std::chrono::duration<double, std::micro>(end - start).count());
  }
  sim.report(tick_us);
  if (!sim.consistent()) {
    std::printf("integrity check FAILED\n");
    return 1;
  }
  std::printf("  integrity check: every foreign key names an existing parent\n");
  return sim.save_and_reload(opt.snapshot) ? 0 : 1;
}
