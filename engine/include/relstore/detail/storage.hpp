// storage<S>: the tables of every model of schema S, typed for the engine's
// templates and type-erased (table_base) for its run-time pipelines.
// Internal.
#pragma once

#include <array>
#include <boost/mp11/algorithm.hpp>
#include <cstddef>
#include <tuple>

#include "relstore/assert.hpp"
#include "relstore/detail/journal.hpp"
#include "relstore/detail/meta.hpp"
#include "relstore/detail/table.hpp"
#include "relstore/detail/table_base.hpp"

namespace relstore::detail {

template <class S>
class storage {
 public:
  using model_list = typename S::model_list;
  using relation_list = typename S::relation_list;
  using index_list = typename S::index_list;
  static constexpr std::size_t model_count = mp::mp_size<model_list>::value;

  template <class M>
  using table_t = table<M, relation_list, index_list>;
  template <class M>
  using key_t = typename table_t<M>::key_type;
  template <class M>
  static constexpr std::size_t pk = table_t<M>::pk;

  // Out of line, after the class: RELSTORE_EXTERN_TABLES compiles them
  // (and every table's) once per program.
  storage();
  // A copy has the entities only: no journal entry, event or subscriber.
  storage(const storage& other);
  storage& operator=(const storage& other);
  storage(storage&& other) noexcept;
  storage& operator=(storage&& other) noexcept;
  ~storage();

  template <class M>
  table_t<M>& tab() {
    return std::get<table_t<M>>(tables_);
  }
  template <class M>
  const table_t<M>& tab() const {
    return std::get<table_t<M>>(tables_);
  }

  // Every table, indexed like the schema's registry (the model list's order).
  // Pointers are invalidated when the storage is moved or destroyed.
  std::array<const table_base*, model_count> bases() const {
    std::array<const table_base*, model_count> out{};
    mp::mp_for_each<mp::mp_iota_c<model_count>>([&](auto I) { out[I] = &std::get<decltype(I)::value>(tables_); });
    return out;
  }
  std::array<table_base*, model_count> mutable_bases() {
    std::array<table_base*, model_count> out{};
    mp::mp_for_each<mp::mp_iota_c<model_count>>([&](auto I) { out[I] = &std::get<decltype(I)::value>(tables_); });
    return out;
  }

  // ------------------------------------------------------------ journal

  journal& log() noexcept { return journal_; }
  const journal& log() const noexcept { return journal_; }

  // The journal's present point; with the key counters when asked.
  journal_mark mark(bool with_keys) const {
    journal_mark m{journal_.undo.size(), journal_.events.size(), {}};
    if (with_keys) {
      for (const table_base* t : bases()) m.keys.push_back(t->keys());
    }
    return m;
  }

  // A guarded write's way back: the journal's mark and every key counter
  // (copied without allocating: the hot path of every write).
  struct write_mark {
    journal_mark journal;
    std::array<key_counter, model_count> keys;
  };
  write_mark mark_write() {
    write_mark w{mark(false), {}};
    auto tables = mutable_bases();
    for (std::size_t i = 0; i < model_count; ++i) w.keys[i] = tables[i]->keys();
    return w;
  }
  void undo_write(const write_mark& w) {
    undo_to(w.journal);
    auto tables = mutable_bases();
    for (std::size_t i = 0; i < model_count; ++i) tables[i]->keys() = w.keys[i];
  }

  // Removes every entity; automatic keys start again at 1.
  void clear() noexcept {
    mp::mp_for_each<mp::mp_iota_c<model_count>>([&](auto I) {
      auto& t = std::get<decltype(I)::value>(tables_);
      t.clear_entities();
      t.keys().reset();
    });
  }

  // Undoes every change made since `m`, newest first, drops their events,
  // and restores the key counters `m` holds.
  void undo_to(const journal_mark& m) {
    auto tables = mutable_bases();
    while (journal_.undo.size() > m.undo) {
      const std::uint16_t t = journal_.undo.back();
      journal_.undo.pop_back();
      tables[t]->undo_last();
    }
    while (journal_.events.size() > m.events) {
      const std::uint16_t t = journal_.events.back();
      journal_.events.pop_back();
      tables[t]->drop_last_event();
    }
    for (std::size_t i = 0; i < m.keys.size(); ++i) tables[i]->keys() = m.keys[i];
  }

  // The changes so far are final: forgets their undo entries and, unless a
  // delivery is already running (it will reach them), delivers their events.
  // Whether commit_changes() has anything to do: undo entries to forget or
  // events to deliver (a plain write with no subscriber has neither).
  bool has_changes_to_commit() const noexcept { return !journal_.undo.empty() || !journal_.events.empty(); }
  void commit_changes() {
    auto tables = mutable_bases();
    for (const std::uint16_t t : journal_.undo) tables[t]->forget_undo();  // a table more than once is fine
    journal_.undo.clear();
    if (journal_.delivering) return;
    journal_.delivering = true;
    journal_.delivered = 0;
    try {
      // By index: a callback's own writes append their events to this queue.
      while (journal_.delivered < journal_.events.size()) {
        tables[journal_.events[journal_.delivered++]]->deliver_first_event();
        // The loop would deliver the open transaction's events before its
        // commit, and clear the queue under its marks.
        RELSTORE_ASSERT(
            !journal_.in_transaction,
            "relstore: a callback returned with a transaction it began still open; end it before returning");
      }
    } catch (...) {
      // The events not delivered are dropped with the queue; the exception goes on.
      while (journal_.events.size() > journal_.delivered) {
        tables[journal_.events.back()]->drop_last_event();
        journal_.events.pop_back();
      }
      journal_.events.clear();
      journal_.delivered = 0;
      journal_.delivering = false;
      throw;
    }
    journal_.events.clear();
    journal_.delivered = 0;
    journal_.delivering = false;
  }

 private:
  // An assignment replaces the entities and key counters only. The queue of
  // events not yet delivered, and whether a delivery runs, stay: a callback
  // that assigns the store it observes is still the one running, and the
  // events after its own are still delivered, by it. There is no undo entry
  // to keep: no transaction is open (asserted).
  void keep_journal_across_assignment() noexcept {
    journal_.undo.clear();
    attach();
  }
  void attach() noexcept {
    mp::mp_for_each<mp::mp_iota_c<model_count>>([&](auto I) {
      std::get<decltype(I)::value>(tables_).attach(&journal_, static_cast<std::uint16_t>(decltype(I)::value));
    });
  }

  using table_tuple = mp::mp_rename<mp::mp_transform<table_t, model_list>, std::tuple>;
  table_tuple tables_;
  journal journal_;
};

template <class S>
storage<S>::storage() {
  attach();
}

template <class S>
storage<S>::storage(const storage& other) : tables_(other.tables_) {
  attach();
}

// REQUIRES (both assignments): no transaction is open on either side: it
// would end without a rollback, or its marks would point into other tables.
template <class S>
auto storage<S>::operator=(const storage& other) -> storage& {
  RELSTORE_ASSERT(!journal_.in_transaction && !other.journal_.in_transaction,
                  "relstore: a store is assigned (or loaded) while a transaction is open on it");
  tables_ = other.tables_;
  keep_journal_across_assignment();
  return *this;
}

template <class S>
storage<S>::storage(storage&& other) noexcept : tables_(std::move(other.tables_)), journal_(std::move(other.journal_)) {
  // Moved from inside other's callback: other's delivery ends (its queue is
  // now empty), and the events it had not reached, which moved here with the
  // subscriptions, are delivered by this store's next commit.
  if (journal_.delivering) {
    const auto reached = static_cast<std::ptrdiff_t>(journal_.delivered);
    journal_.events.erase(journal_.events.begin(), journal_.events.begin() + reached);
    journal_.delivered = 0;
    journal_.delivering = false;
    other.journal_.events.clear();  // what other's loop delivers from here on is new
    other.journal_.delivered = 0;
  }
  attach();
}

template <class S>
auto storage<S>::operator=(storage&& other) noexcept -> storage& {
  RELSTORE_ASSERT(!journal_.in_transaction && !other.journal_.in_transaction,
                  "relstore: a store is assigned (or loaded) while a transaction is open on it");
  tables_ = std::move(other.tables_);
  keep_journal_across_assignment();
  return *this;
}

template <class S>
storage<S>::~storage() = default;

}  // namespace relstore::detail
