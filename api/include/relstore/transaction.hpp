// Transactions: several writes through any repositories, kept or undone
// together.
//
//   auto tx = db.begin();                 // or db.begin({.deferred_foreign_keys = true})
//   ... writes through any repository of db ...
//   if (auto r = tx.commit(); !r) ...     // destroyed uncommitted: rolled back
//
// Guarantees: every write made while the transaction is open belongs to it,
// whichever repository made it; after a rollback the store equals, field for
// field (and in its automatic keys), what it was at begin; reads inside see
// the transaction's own writes; events are delivered only after commit. The
// cost is an undo log of the writes (O(k) for k writes), never a copy of the
// store.
//
// Savepoints nest inside it (SQLite's SAVEPOINT / ROLLBACK TO / RELEASE):
// rollback() undoes the writes since the savepoint and keeps it open;
// release() keeps them; destroyed open, it rolls back and ends.
//
// With deferred foreign keys (SQLite's DEFERRABLE INITIALLY DEFERRED), a
// child may be written before its parent and a parent key may change under
// its children; commit checks every foreign key and, if one dangles, rolls
// everything back and fails with foreign_key_violation naming the first
// offending row. Unique keys and on-delete policies still apply at each write.
//
// Misuse is a RELSTORE_ASSERT: beginning a second transaction on a store,
// using a handle after commit or rollback, using a savepoint after its
// transaction ended or an outer savepoint was rolled back or released,
// moving or destroying the store while a transaction is open.
// Thread-safety: as the store's.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>

#include "relstore/assert.hpp"
#include "relstore/detail/store_access.hpp"
#include "relstore/error.hpp"
#include "relstore/fwd.hpp"

namespace relstore {

struct transaction_options {
  bool deferred_foreign_keys = false;
};

template <class Schema>
class savepoint;

template <class Schema>
class transaction {
 public:
  // Opens a transaction on `db`. REQUIRES: none is open on it.
  explicit transaction(store<Schema>& db, transaction_options options = {})
      : db_(&db), id_(engine().begin(options.deferred_foreign_keys)) {}
  transaction(const transaction&) = delete;
  transaction& operator=(const transaction&) = delete;
  transaction(transaction&& other) noexcept : db_(std::exchange(other.db_, nullptr)), id_(other.id_) {}
  transaction& operator=(transaction&&) = delete;
  // Rolls back if still open.
  ~transaction() {
    if (open()) engine().rollback();
  }

  // Whether this transaction (not a later one on the same store) is open.
  bool open() const noexcept { return db_ != nullptr && engine().transaction_id() == id_; }

  // Keeps every write, then delivers their events. With deferred foreign
  // keys, checks them first (foreign_key_violation rolls everything back).
  // REQUIRES: open().
  result<void> commit() {
    RELSTORE_ASSERT(open(), "relstore: commit on a transaction that has ended");
    return engine().commit();
  }
  // Undoes every write made since begin. REQUIRES: open().
  void rollback() {
    RELSTORE_ASSERT(open(), "relstore: rollback on a transaction that has ended");
    engine().rollback();
  }

  // A nested scope that can roll back to here. REQUIRES: open().
  relstore::savepoint<Schema> savepoint();

  // A repository of the store; its writes belong to this transaction, as do
  // those of every other repository of the store while it is open.
  template <class M>
  auto repo() {
    return db_->template repo<M>();
  }

 private:
  friend class relstore::savepoint<Schema>;
  auto& engine() const { return detail::store_access::of(*db_); }
  store<Schema>* db_;
  std::uint64_t id_ = 0;
};

template <class Schema>
class savepoint {
 public:
  savepoint(const savepoint&) = delete;
  savepoint& operator=(const savepoint&) = delete;
  savepoint(savepoint&& other) noexcept : db_(std::exchange(other.db_, nullptr)), id_(other.id_) {}
  savepoint& operator=(savepoint&&) = delete;
  // Rolls back to here and ends, if neither done yet nor ended with an
  // outer savepoint or the transaction.
  ~savepoint() {
    if (open()) {
      engine().rollback_to(id_);
      engine().release(id_);
    }
  }

  bool open() const noexcept { return db_ != nullptr && engine().savepoint_open(id_); }

  // Undoes the writes made since the savepoint, which stays open (ROLLBACK TO).
  // REQUIRES: open().
  void rollback() {
    RELSTORE_ASSERT(open(), "relstore: rollback on a savepoint that has ended");
    engine().rollback_to(id_);
  }
  // Keeps the writes made since the savepoint in the transaction and ends
  // it, with every savepoint opened after it (RELEASE). REQUIRES: open().
  void release() {
    RELSTORE_ASSERT(open(), "relstore: release on a savepoint that has ended");
    engine().release(id_);
  }

 private:
  friend class transaction<Schema>;
  savepoint(store<Schema>* db, std::uint64_t id) : db_(db), id_(id) {}
  auto& engine() const { return detail::store_access::of(*db_); }
  store<Schema>* db_;
  std::uint64_t id_;
};

template <class Schema>
savepoint<Schema> transaction<Schema>::savepoint() {
  RELSTORE_ASSERT(open(), "relstore: savepoint on a transaction that has ended");
  return relstore::savepoint<Schema>(db_, engine().open_savepoint());
}

}  // namespace relstore
