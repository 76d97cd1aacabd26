// table<M>: the storage of one model, a Boost.MultiIndex container
// (table_layout.hpp) with a unique hashed index on the primary key, a unique
// hashed index on every other parent key (key_from) and a non-unique hashed
// index on every foreign key a relation uses. Relations and lookups ask keys
// only for equality: a hash answers in one or two cache misses, a 1M-node
// tree in twenty; key order comes from sorting the (few) matches. The
// entities live in a node_pool; a full pass walks it in address order.
//
// As a table_base, the run-time pipelines (queries, verify, snapshots) reach
// it without its type. Internal: no type from here is in a public signature.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <iterator>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "relstore/assert.hpp"
#include "relstore/detail/entity_order.hpp"
#include "relstore/detail/family_walk.hpp"
#include "relstore/detail/lookup_key.hpp"
#include "relstore/detail/meta.hpp"
#include "relstore/detail/reflect.hpp"
#include "relstore/detail/subscribers.hpp"
#include "relstore/detail/table_base.hpp"
#include "relstore/detail/table_layout.hpp"
#include "relstore/detail/table_scan.hpp"
#include "relstore/detail/value_ops.hpp"

namespace relstore::detail {

// One model's entities. Owned by the store.
template <class M, class Relations, class Indexes = mp::mp_list<>>
class table final : public table_base {
 public:
  using layout = table_layout<M, Relations, Indexes>;
  using container = typename layout::container;
  using defs = typename layout::defs;
  using ordered_defs = typename layout::ordered_defs;
  using indexed_defs = typename layout::indexed_defs;
  static constexpr std::size_t pk = layout::pk;
  using key_type = member_type<M, pk>;
  static constexpr bool auto_key = std::is_same_v<key_type, std::int64_t>;

  // Defined after the class: RELSTORE_EXTERN_TABLES then compiles them (and
  // the code they pull in) once per program, not once per translation unit.
  table();
  // A copy has the entities; no journal entry, pending event or subscriber.
  // An assignment replaces the entities and keeps this table's subscribers
  // and waiting events (they belong to the store object; a load assigns).
  table(const table& other);
  table& operator=(const table& other);
  // Swaps the containers: move construction would share the node pool
  // with the moved-from table (node_pool.hpp). A move-constructed table
  // takes the subscribers. A moved-from table is empty.
  table(table&& other) noexcept;
  table& operator=(table&& other) noexcept;
  ~table();

  template <std::size_t F>
  auto& index() {
    return items.template get<field_tag<F>>();
  }
  template <std::size_t F>
  const auto& index() const {
    return items.template get<field_tag<F>>();
  }

  const M* find(const key_type& key) const {
    const auto& idx = index<pk>();
    auto it = idx.find(key);
    return it == idx.end() ? nullptr : &*it;
  }

  // Calls fn(const M&) for each entity whose field F equals `key`.
  template <std::size_t F, class K, class Fn>
  void for_each_equal(const K& key, Fn&& fn) const {
    auto [first, last] = index<F>().equal_range(key);
    for (; first != last; ++first) fn(*first);
  }

  // Appends to `out` each entity whose field F equals `key` and that
  // keep(const M&) accepts. One walk of the range: each node is a cache miss
  // in a large table, so the range is not counted first.
  template <std::size_t F, class K, class Keep>
  void append_equal_if(const K& key, std::vector<const void*>& out, Keep&& keep) const {
    auto [first, last] = index<F>().equal_range(key);
    reserve_family(out, first, last);
    for (; first != last; ++first) {
      if (keep(*first)) out.push_back(&*first);
    }
  }

  // Where the primary-key index's buckets lie, for prefetch_pk_bucket;
  // null if unknown. Valid until that index next rehashes.
  struct bucket_hint {
    const std::byte* base = nullptr;
  };

  // Sizes every hashed index for `n` entities, so a bulk load never rehashes.
  // Returns where the primary-key index's buckets now lie: the block the
  // pool saw allocated when that index rehashed, if its size is the bucket
  // array's (Boost's buckets are one pointer each, plus an end sentinel).
  bucket_hint reserve(std::size_t n) {
    bucket_hint out;
    mp::mp_for_each<defs>([&](auto d) {
      auto& idx = index<decltype(d)::field>();
      const std::size_t before = idx.bucket_count();
      idx.reserve(n);
      if constexpr (decltype(d)::field == pk) {
        const auto [block, bytes] = items.get_allocator().pool().last_block();
        if (idx.bucket_count() != before && bytes == (idx.bucket_count() + 1) * sizeof(void*)) {
          out.base = static_cast<const std::byte*>(block);
        }
      }
    });
    return out;
  }

  // Asks for the cache line of the primary-key bucket `key` falls in, ahead
  // of inserting it: a bulk load that inserts out of key order otherwise
  // waits on a cache miss there for every entity. Only a hint: with a wrong
  // or stale `h` it fetches a useless line (a prefetch never faults).
  void prefetch_pk_bucket(const bucket_hint& h, const key_type& key) const {
#if defined(__GNUC__)
    if (h.base != nullptr) __builtin_prefetch(h.base + index<pk>().bucket(key) * sizeof(void*), 1);
#else
    (void)h;
    (void)key;
#endif
  }

  // Number of entities whose field F equals `key`.
  template <std::size_t F, class K>
  std::size_t count_equal(const K& key) const {
    return index<F>().count(key);
  }

  // Calls fn(const M&) for every entity in storage order: the node pool's
  // address order, which any write may change. REQUIRES: fn does not write.
  template <class Fn>
  void for_each_stored(Fn&& fn) const {
    items.get_allocator().pool().for_each_value([&](const void* e) { fn(*static_cast<const M*>(e)); });
  }

  // Every entity, in primary key order.
  std::vector<const void*> in_key_order() const {
    std::vector<const void*> out;
    out.reserve(items.size());
    for_each_stored([&](const M& e) { out.push_back(&e); });
    sort_keys(out);
    return out;
  }

  // Destroys every entity, freeing their slots at once (node_pool's bulk free).
  void clear_entities() noexcept {
    node_pool& pool = items.get_allocator().watchable_pool();
    const bool bulk = pool.begin_bulk_free();
    items.clear();
    if (bulk) pool.end_bulk_free();
  }
  // Copies the entities into a new, packed pool, each parent's children side
  // by side (by the first foreign key, if M has one), and frees the old one.
  // Invalidates every pointer to an entity of M, unless it throws
  // (bad_alloc): then the table keeps its entities where they were.
  void compact() {
    container old;
    old.swap(items);  // items now has a fresh, empty pool
    repool();
    try {
      reserve(old.size());
      layout::copy_grouped(old, items);
    } catch (...) {
      items.swap(old);  // the partial copy dies with `old`
      repool();
      throw;
    }
    old.get_allocator().watchable_pool().retire();
  }

  // Sorts entities of M by primary key (sort_by_member).
  static void sort_keys(std::span<const void*> v) { sort_by_member<M, member_pointer<M, pk>>(v); }

  // ------------------------------------------------ journaled writes
  // Every change to `items` goes through these, so that it can be undone
  // exactly (a failed write, a rolled back transaction) and observed.

  // Links `e`. REQUIRES: its unique keys are free (checked by the caller).
  const M* insert(M&& e, change_reason why = {}) {
    std::optional<key_type> key;  // its undo entry's, copied before it links
    const bool keep = journal_->recording || observed(event_kind::created);
    if (keep) [[unlikely]] {
      if (journal_->recording) key = e.*member_pointer<M, pk>;
      make_room(event_kind::created);
    }
    auto [it, inserted] = items.insert(std::move(e));
    RELSTORE_ASSERT(inserted, "relstore: an insert collided after its keys were checked");
    const M* node = &*it;
    if (keep) [[unlikely]]
      record(undo_kind::inserted, event_kind::created, key, std::optional<M>{}, node, why);
    return node;
  }

  // Replaces `node`'s value by `v`, keeping the node. False, with nothing
  // changed, when one of v's unique keys is another entity's.
  bool replace(const M* node, M v, change_reason why = {}) {
    const std::int64_t was = int64_key<pk>(*node);  // 0 for a string key
    const bool keep = journal_->recording || observed(event_kind::updated);
    std::optional<M> before;
    std::optional<key_type> key;  // its undo entry's: the key after the change
    if (keep) {
      before = *node;
      if (journal_->recording) key = v.*member_pointer<M, pk>;
      make_room(event_kind::updated);
    }
    will_write(node);
    // replace() leaves the element untouched on a collision (modify() would erase it).
    if (!items.replace(items.iterator_to(*node), std::move(v))) return false;
    if (keep) record(undo_kind::replaced, event_kind::updated, key, std::move(before), node, why);
    if (int64_key<pk>(*node) != was) key_gone(was);
    return true;
  }

  void erase(const M* node, change_reason why = {}) {
    const std::int64_t gone = int64_key<pk>(*node);  // 0 for a string key
    if (!journal_->recording && !observed(event_kind::deleted)) {
      items.erase(items.iterator_to(*node));  // nothing to keep: no copy
    } else {
      M before = *node;
      std::optional<key_type> key;  // its undo entry's
      if (journal_->recording) key = before.*member_pointer<M, pk>;
      make_room(event_kind::deleted);
      items.erase(items.iterator_to(*node));
      record(undo_kind::erased, event_kind::deleted, key, std::move(before), nullptr, why);
    }
    key_gone(gone);
  }

  // The stored entity `node`, writable where it is (no index moves).
  // Boost.MultiIndex hands out elements const to protect its index keys; the
  // node's value itself is not a const object. REQUIRES: the caller changes
  // no indexed field (defs) of it, or restores each before the container is
  // used again, and records the change itself (undo, events) if it must.
  M& stored(const void* node) noexcept { return const_cast<M&>(*static_cast<const M*>(node)); }

  // Whether a background save watches the entities (see will_write).
  bool watched() { return pool().watched(); }
  // Tells a running background save (node_pool's watch) that these stored
  // entities are about to be written in place, so it copies them first.
  // REQUIRES: called before every write through stored() or replace.
  void will_write(const void* node) { pool().before_write(node); }
  void will_write(std::span<const void* const> nodes) {
    if (!watched()) return;
    for (const void* p : nodes) pool_->before_write(p);
  }
  // Before a write to fields `fields` (bit i: field i) of every entity.
  void will_write_fields(std::uint64_t fields) { pool().before_write_fields(fields); }
  // The pool of this table's entities, to watch it (node_pool::watch).
  std::shared_ptr<node_pool> shared_pool() const { return items.get_allocator().shared_pool(); }
  // Whether a subscriber wants events of kind `k`.
  bool observed(event_kind k) const noexcept { return subs_ && (subs_->mask & static_cast<event_mask>(k)); }

  // The subscribers to this model's changes, created on first use.
  subscriber_list<M>& subscribers() {
    if (!subs_) subs_ = std::make_shared<subscriber_list<M>>();
    return *subs_;
  }
  std::weak_ptr<subscriber_list<M>> subscribers_handle() { return (subscribers(), subs_); }
  // ------------------------------------------------------------ table_base

  std::size_t size() const noexcept override { return items.size(); }
  void for_each(visitor fn) const override {
    for_each_stored([&](const M& e) { fn(&e); });
  }

  bool for_each_int64_run(std::size_t field, function_ref<bool(std::int64_t)> fn) const override {
    const auto typed = int64_runs<M>(
        field, [&](auto&& each) { for_each_stored(each); }, fn);
    return typed ? *typed : table_base::for_each_int64_run(field, fn);
  }

  void sort_by_key(std::vector<const void*>& entities) const override { sort_keys(entities); }
  index_kind index_on(std::size_t field) const noexcept override {
    index_kind kind = index_kind::none;
    mp::mp_for_each<defs>([&](auto d) {
      using D = decltype(d);
      if (D::field == field) kind = D::unique ? index_kind::unique : index_kind::non_unique;
    });
    return kind;
  }

  void for_each_equal(std::size_t field, const value_view& key, visitor fn) const override {
    with_index(field, [&](const auto& idx, auto d) {
      using K = member_type<M, decltype(d)::field>;
      with_lookup_key<K>(key, [&](const auto& k, const auto& hash, const auto& eq) {
        auto [first, last] = idx.equal_range(k, hash, eq);
        for (; first != last; ++first) fn(&*first);
      });
    });
  }

  void append_equal(std::size_t field, const value_view& key, std::vector<const void*>& out) const override {
    with_index(field, [&](const auto& idx, auto d) {
      using K = member_type<M, decltype(d)::field>;
      with_lookup_key<K>(key, [&](const auto& k, const auto& hash, const auto& eq) {
        auto [first, last] = idx.equal_range(k, hash, eq);
        reserve_family(out, first, last);
        for (; first != last; ++first) out.push_back(&*first);
      });
    });
  }

  void append_equal_each(std::size_t field, std::span<const value_view> keys, family_out out) const override {
    with_index(field,
               [&](const auto& idx, auto d) { append_runs<member_type<M, decltype(d)::field>>(idx, keys, out, d); });
  }

  const void* find(std::size_t field, const value_view& key) const override {
    const void* found = nullptr;
    with_index(field, [&](const auto& idx, auto d) {
      using K = member_type<M, decltype(d)::field>;
      with_lookup_key<K>(key, [&](const auto& k, const auto& hash, const auto& eq) {
        auto it = idx.find(k, hash, eq);
        if (it != idx.end()) found = &*it;
      });
    });
    return found;
  }

  void for_each_distinct(std::size_t field, visitor fn) const override {
    with_index(field, [&](const auto& idx, auto d) {
      constexpr std::size_t F = decltype(d)::field;
      using K = member_type<M, F>;
      const K* group = nullptr;  // equal keys are adjacent in a hashed index
      for (const M& e : idx) {
        const K& k = e.*member_pointer<M, F>;
        if (group != nullptr && *group == k) continue;
        group = &k;
        if constexpr (is_optional_v<K>) {
          if (!k) continue;
        }
        fn(&e);
      }
    });
  }

  void for_each_duplicate(std::size_t, visitor) const override {}  // unique indexes refuse duplicates

  bool ordered_on(std::size_t field) const noexcept override {
    bool found = false;
    mp::mp_for_each<ordered_defs>([&](auto d) { found = found || decltype(d)::field == field; });
    return found;
  }
  bool stored_descending(std::size_t field) const noexcept override {
    bool found = false;
    mp::mp_for_each<ordered_defs>(
        [&](auto d) { found = found || (decltype(d)::field == field && decltype(d)::descending); });
    return found;
  }

  void walk_ordered(std::size_t field, const value_view* lo, const value_view* hi, bool descending,
                    function_ref<bool(const void*)> fn) const override {
    mp::mp_for_each<ordered_defs>([&](auto d) {
      using D = decltype(d);
      if (D::field == field) {
        walk_ordered_range<M, D::field, pk, D::descending>(items.template get<ordered_tag<D::field>>(), lo, hi,
                                                           descending, fn);
      }
    });
  }

  // fn(const M&) on entities skip + 1 .. skip + limit of the whole ordered
  // index on `field`, in walk_ordered's order; returns how many. The typed
  // twin of a page walk_in_order takes with no where clause, for visits.
  // REQUIRES: ordered_on(field).
  template <class Fn>
  std::size_t walk_page(std::size_t field, bool descending, std::size_t skip, std::size_t limit, Fn&& fn) const {
    page_counter page(skip, limit);
    if (!page.more()) return 0;
    mp::mp_for_each<ordered_defs>([&](auto d) {
      using D = decltype(d);
      if (D::field != field) return;
      walk_ordered_range<M, D::field, pk, D::descending>(items.template get<ordered_tag<D::field>>(), nullptr, nullptr,
                                                         descending, [&](const void* e) {
                                                           if (page.take()) fn(*static_cast<const M*>(e));
                                                           return page.more();
                                                         });
    });
    return page.given();
  }

  void erase(const std::vector<const void*>& entities, const std::vector<change_reason>* reasons) override {
    for (std::size_t i = 0; i < entities.size(); ++i) {
      erase(static_cast<const M*>(entities[i]), reasons != nullptr ? (*reasons)[i] : change_reason{});
    }
  }

  void set_null(const std::vector<const void*>& entities, std::size_t field, change_reason why) override {
    // Only the foreign keys of set_null relations are ever nulled.
    mp::mp_for_each<Relations>([&](auto rel) {
      using R = decltype(rel);
      if constexpr (std::is_same_v<typename R::child, M> && R::policy == on_delete::set_null) {
        if (R::child_key != field) return;
        for (const void* p : entities) {
          const M* e = static_cast<const M*>(p);
          M copy = *e;
          (copy.*member_pointer<M, R::child_key>).reset();
          // It cannot collide: a null foreign key takes part in no unique index.
          const bool ok = replace(e, std::move(copy), why);
          RELSTORE_ASSERT(ok, "relstore: set_null could not update an entity");
        }
      }
    });
  }

  void undo_last() override {
    undo_entry u = std::move(undo_.back());
    undo_.pop_back();
    auto& idx = index<pk>();
    switch (u.kind) {
      case undo_kind::inserted: {
        auto it = idx.find(u.key);
        RELSTORE_ASSERT(it != idx.end(), "relstore: undo found no inserted entity");
        idx.erase(it);
        break;
      }
      case undo_kind::replaced: {
        auto it = idx.find(u.key);
        RELSTORE_ASSERT(it != idx.end(), "relstore: undo found no replaced entity");
        will_write(&*it);
        const bool ok = items.replace(items.template project<0>(it), std::move(*u.before));
        RELSTORE_ASSERT(ok, "relstore: undo could not restore an entity");
        break;
      }
      case undo_kind::erased: {
        const bool ok = items.insert(std::move(*u.before)).second;
        RELSTORE_ASSERT(ok, "relstore: undo could not restore an erased entity");
        break;
      }
    }
  }

  void forget_undo() noexcept override { undo_.clear(); }

  void deliver_first_event() override {
    pending p = std::move(events_.front());
    events_.pop_front();
    if (!subs_) return;
    const event<M> ev{p.kind, p.before ? &*p.before : nullptr, p.after ? &*p.after : nullptr, p.why.cause,
                      p.why.relation};
    auto keep = subs_;  // a callback may drop the last subscription
    keep->deliver(ev, p.serial);
  }

  void drop_last_event() noexcept override { events_.pop_back(); }

  container items;

 private:
  // items' pool, without copying its allocator (a shared_ptr) on each
  // write. Refreshed wherever items may change pools: construction,
  // moves, compact().
  node_pool& pool() noexcept {
#ifndef NDEBUG
    RELSTORE_ASSERT(pool_ == &items.get_allocator().watchable_pool(), "relstore: a table's pool went stale");
#endif
    return *pool_;
  }
  void repool() noexcept { pool_ = &items.get_allocator().watchable_pool(); }
  node_pool* pool_ = nullptr;

  // Tells the key counter that no entity holds `key` any more.
  void key_gone(std::int64_t key) {
    keys().erased(key, [&] { return largest_int64_key<pk>(items); });
  }

  enum class undo_kind : std::uint8_t { inserted, replaced, erased };
  struct undo_entry {
    undo_kind kind;
    key_type key;             // the entity's key after the change (before it, for erased)
    std::optional<M> before;  // its value before (replaced, erased)
  };
  struct pending {
    event_kind kind;
    std::optional<M> before;
    std::optional<M> after;
    change_reason why;
    std::uint64_t serial;  // subscriber_list::recorded when it was recorded
  };

  // Room for the undo entry and the journal's event entry of a change of
  // kind k, made before the change: recording it then cannot fail, so a
  // recorded write that throws (std::bad_alloc) is undone exactly. (The
  // event, queued after its undo entry, may still throw: then it is absent.)
  void make_room(event_kind k) {
    auto grow = [](auto& v) {
      if (v.size() == v.capacity()) v.reserve(2 * v.size() + 8);
    };
    if (journal_->recording) {
      grow(undo_);
      grow(journal_->undo);
    }
    if (observed(k)) grow(journal_->events);
  }
  // After a change of kind k (undo kind u): its undo entry when recording,
  // then its event when observed, each with its journal entry. The undo
  // entry comes first: the event's copies may throw, and the change is then
  // undone. REQUIRES: make_room(k) before the change; `key` holds the undo
  // entry's key (the entity's after the change) when recording.
  void record(undo_kind u, event_kind k, std::optional<key_type>& key, std::optional<M>&& before, const M* after,
              change_reason why) {
    if (journal_->recording) {
      undo_.push_back({u, std::move(*key), std::move(before)});
      journal_->undo.push_back(index_);
    }
    if (observed(k)) {
      std::optional<M> was = journal_->recording ? undo_.back().before : std::move(before);
      events_.push_back(
          {k, std::move(was), after != nullptr ? std::optional<M>(*after) : std::nullopt, why, subs_->recorded++});
      journal_->events.push_back(index_);
    }
  }

  std::vector<undo_entry> undo_;
  std::deque<pending> events_;
  std::shared_ptr<subscriber_list<M>> subs_;

  // Calls fn(index, index_def) for the index on `field`, if there is one.
  template <class Fn>
  void with_index(std::size_t field, Fn&& fn) const {
    mp::mp_for_each<defs>([&](auto d) {
      if (decltype(d)::field == field) fn(index<decltype(d)::field>(), d);
    });
  }
};

template <class M, class Relations, class Indexes>
table<M, Relations, Indexes>::table() : table_base(info_of<M>()) {
  repool();
}

template <class M, class Relations, class Indexes>
table<M, Relations, Indexes>::table(const table& other) : table_base(other), items(other.items) {
  journal_ = nullptr;
  repool();
}

template <class M, class Relations, class Indexes>
auto table<M, Relations, Indexes>::operator=(const table& other) -> table& {
  if (this != &other) {
    items = other.items;
    keys() = other.keys();
    undo_.clear();
    repool();
  }
  return *this;
}

template <class M, class Relations, class Indexes>
table<M, Relations, Indexes>::table(table&& other) noexcept
    : table_base(other),
      undo_(std::move(other.undo_)),
      events_(std::move(other.events_)),
      subs_(std::move(other.subs_)) {
  items.swap(other.items);
  other.keys().reset();  // a moved-from table is empty
  journal_ = nullptr;
  repool();
  other.repool();
}

template <class M, class Relations, class Indexes>
auto table<M, Relations, Indexes>::operator=(table&& other) noexcept -> table& {
  if (this == &other) return *this;
  items.swap(other.items);
  keys() = std::exchange(other.keys(), key_counter{});
  other.clear_entities();  // this table's old entities: a moved-from table is empty
  undo_.clear();           // events_ stay, as in a copy; other's stay with other
  repool();
  other.repool();
  return *this;
}

template <class M, class Relations, class Indexes>
table<M, Relations, Indexes>::~table() {
  items.get_allocator().watchable_pool().retire();
}

}  // namespace relstore::detail
