// Runs of equal keys in a hashed index (a family of children): many walked
// together, the hot path of an include over many parents, and one's first
// entity loaded ahead of a create that joins it. Walked alone, a family
// chases one pointer per node, and in a table larger than the cache each
// node is a miss that the next step waits for. Walked in lanes, one step of
// each family in turn, the misses of different families overlap. Internal.
#pragma once

#include <array>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "relstore/detail/lookup_key.hpp"
#include "relstore/detail/meta.hpp"
#include "relstore/value.hpp"

namespace relstore::detail {

// How many families are walked at once: enough to keep the core's misses in
// flight, few enough that each lane's next node is still in cache when its
// turn comes again.
inline constexpr std::size_t family_lanes = 8;

// Starts loading the first entity of `key`'s run in hashed index `idx`, so
// that linking an entity into that run soon after waits less on memory.
// Changes nothing.
template <class Index, class K>
void prefetch_run(const Index& idx, const K& key) {
  const auto bucket = idx.bucket(key);
  const auto it = idx.begin(bucket);
  if (it != idx.end(bucket)) __builtin_prefetch(&*it);
}

// For each i, appends to out(i) (a std::vector<const void*>&) the entities
// of hashed index `idx`, on a field of type K, whose key equals keys[i] as
// with_lookup_key<K> converts it: the entities equal_range would give, in
// its order. out(i) is called only for a key that has some; a list that
// was empty gets room for a typical family once it holds two. Def is the
// index's table_layout index_def: for a unique one, whose runs hold one
// entity, a find per key and no step after it (the next node is another
// key's, a miss for nothing); that loop is short, so the processor overlaps
// the finds' misses.
template <class K, class Index, class Out, class Def>
void append_runs(const Index& idx, std::span<const value_view> keys, Out&& out, Def) {
  if constexpr (Def::unique) {
    for (std::size_t i = 0; i < keys.size(); ++i) {
      with_lookup_key<K>(keys[i], [&](const auto& k, const auto& hash, const auto& eq) {
        const auto it = idx.find(k, hash, eq);
        if (it != idx.end()) out(i).push_back(&*it);
      });
    }
    return;
  }
  // A string key is probed as a string_view into keys[i], alive for the call.
  using probe = std::conditional_t<std::is_same_v<unwrap_optional_t<K>, std::string>, std::string_view, K>;
  struct lane {
    typename Index::const_iterator at;
    probe key{};
    std::vector<const void*>* list = nullptr;
  };
  std::array<lane, family_lanes> lanes;
  std::size_t live = 0;
  std::size_t next = 0;
  const auto& key_of = idx.key_extractor();
  // Points `l` at the first entity of the next key that has one; false when
  // no key is left. Hashed find() gives a run's first entity.
  auto start = [&](lane& l) {
    while (next < keys.size()) {
      const std::size_t i = next++;
      bool found = false;
      with_lookup_key<K>(keys[i], [&](const auto& k, const auto& hash, const auto& eq) {
        if constexpr (std::is_convertible_v<const std::remove_cvref_t<decltype(k)>&, probe>) {
          auto it = idx.find(k, hash, eq);
          if (it == idx.end()) return;
          __builtin_prefetch(&*it);
          l = {it, probe(k), &out(i)};
          found = true;
        } else {  // a null optional<std::string>: walked alone
          auto [first, last] = idx.equal_range(k, hash, eq);
          if (first == last) return;
          auto& list = out(i);
          for (; first != last; ++first) list.push_back(&*first);
        }
      });
      if (found) return true;
    }
    return false;
  };
  while (live < lanes.size() && start(lanes[live])) ++live;
  while (live > 0) {
    for (std::size_t j = 0; j < live;) {
      lane& l = lanes[j];
      l.list->push_back(&*l.at);
      ++l.at;
      if (l.at != idx.end() && loose_equal{}(l.key, key_of(*l.at))) {
        if (l.list->size() == 1 && l.list->capacity() < 16) l.list->reserve(16);
        __builtin_prefetch(&*l.at);
        ++j;
      } else if (start(l)) {
        ++j;
      } else {
        l = lanes[--live];  // the last lane moves here and takes its step next
      }
    }
  }
}

}  // namespace relstore::detail
