// entity_view<M>: the entities a find matched, as a range of const M&, with
// no copy: what repository::view and has_many_repository::view return.
//
// Lifetime: a view points into its store. It is invalidated by any write to
// the store (a create, update, delete, rollback or clear, through any
// repository) and by the store's destruction or move; Debug builds
// (without NDEBUG) check begin(), operator[] and front() against writes
// made since the view was taken, through RELSTORE_ASSERT. Not synchronised:
// reading views is safe while nobody writes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <utility>
#include <vector>

#include "relstore/assert.hpp"

namespace relstore {

namespace detail {
struct entity_view_access;
}  // namespace detail

template <class M>
class entity_view {
  using base = std::vector<const void*>::const_iterator;

 public:
  class iterator {
   public:
    using iterator_category = std::random_access_iterator_tag;
    using value_type = M;
    using difference_type = std::ptrdiff_t;
    using pointer = const M*;
    using reference = const M&;

    iterator() = default;
    reference operator*() const { return *static_cast<const M*>(*it_); }
    pointer operator->() const { return static_cast<const M*>(*it_); }
    reference operator[](difference_type n) const { return *static_cast<const M*>(it_[n]); }
    iterator& operator++() {
      ++it_;
      return *this;
    }
    iterator operator++(int) { return iterator(it_++); }
    iterator& operator--() {
      --it_;
      return *this;
    }
    iterator operator--(int) { return iterator(it_--); }
    iterator& operator+=(difference_type n) {
      it_ += n;
      return *this;
    }
    iterator& operator-=(difference_type n) {
      it_ -= n;
      return *this;
    }
    friend iterator operator+(iterator i, difference_type n) { return i += n; }
    friend iterator operator+(difference_type n, iterator i) { return i += n; }
    friend iterator operator-(iterator i, difference_type n) { return i -= n; }
    friend difference_type operator-(const iterator& a, const iterator& b) { return a.it_ - b.it_; }
    friend bool operator==(const iterator& a, const iterator& b) { return a.it_ == b.it_; }
    friend auto operator<=>(const iterator& a, const iterator& b) { return a.it_ <=> b.it_; }

   private:
    friend class entity_view;
    explicit iterator(base it) : it_(it) {}
    base it_{};
  };

  entity_view() = default;

  std::size_t size() const noexcept { return hits_.size(); }
  bool empty() const noexcept { return hits_.empty(); }
  iterator begin() const {
    check();
    return iterator(hits_.begin());
  }
  iterator end() const { return iterator(hits_.end()); }
  // REQUIRES: i < size().
  const M& operator[](std::size_t i) const {
    check();
    return *static_cast<const M*>(hits_[i]);
  }
  // REQUIRES: !empty().
  const M& front() const {
    RELSTORE_ASSERT(!hits_.empty(), "relstore: front() of an empty entity_view");
    return (*this)[0];
  }

 private:
  friend struct detail::entity_view_access;
  entity_view(std::vector<const void*> hits, const std::uint64_t* writes)
      : hits_(std::move(hits)), writes_(writes), taken_at_(writes != nullptr ? *writes : 0) {}

  void check() const {
#ifndef NDEBUG
    RELSTORE_ASSERT(writes_ == nullptr || *writes_ == taken_at_,
                    "relstore: an entity_view was used after a write to its store");
#endif
  }

  std::vector<const void*> hits_;
  const std::uint64_t* writes_ = nullptr;  // the store's write count
  std::uint64_t taken_at_ = 0;
};

namespace detail {
struct entity_view_access {
  // `hits` are entities of M; `writes` is the store's write count.
  template <class M>
  static entity_view<M> make(std::vector<const void*> hits, const std::uint64_t* writes) {
    return entity_view<M>(std::move(hits), writes);
  }
};
}  // namespace detail

}  // namespace relstore
