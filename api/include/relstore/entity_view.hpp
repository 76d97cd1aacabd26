// entity_view<M>: the entities a find matched, as a range of const M&, with
// no copy: what repository::view and has_many_repository::view return. The
// filter's includes come as views too: included<T>(i, "orders").
//
// Lifetime: a view points into its store. It is invalidated by any write to
// the store (a create, update, delete, rollback or clear, through any
// repository) and by the store's destruction or move; so are its
// iterators. Debug builds (without NDEBUG) check begin(), operator[],
// front() and every dereference of an iterator against writes made since
// the view was taken, through RELSTORE_ASSERT: a loop over a view that
// writes the store is caught at the next entity it reads. Not synchronised:
// reading views is safe while nobody writes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

#include "relstore/assert.hpp"
#include "relstore/detail/query_result.hpp"
#include "relstore/detail/reflect.hpp"

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
    reference operator*() const {
      check_valid(writes_, taken_at_);
      return *static_cast<const M*>(*it_);
    }
    pointer operator->() const {
      check_valid(writes_, taken_at_);
      return static_cast<const M*>(*it_);
    }
    reference operator[](difference_type n) const {
      check_valid(writes_, taken_at_);
      return *static_cast<const M*>(it_[n]);
    }
    iterator& operator++() {
      ++it_;
      return *this;
    }
    iterator operator++(int) {
      iterator was = *this;
      ++it_;
      return was;
    }
    iterator& operator--() {
      --it_;
      return *this;
    }
    iterator operator--(int) {
      iterator was = *this;
      --it_;
      return was;
    }
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
    iterator(base it, const std::uint64_t* writes, std::uint64_t taken_at)
        : it_(it), writes_(writes), taken_at_(taken_at) {}
    base it_{};
    // The view's: kept in every build, so the layout does not depend on
    // NDEBUG; only Debug builds read them.
    const std::uint64_t* writes_ = nullptr;
    std::uint64_t taken_at_ = 0;
  };

  entity_view() = default;

  std::size_t size() const noexcept { return hits_.size(); }
  bool empty() const noexcept { return hits_.empty(); }
  iterator begin() const {
    check();
    return iterator(hits_.begin(), writes_, taken_at_);
  }
  iterator end() const { return iterator(hits_.end(), writes_, taken_at_); }
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

  // What the filter's include of `relation` brought the i-th entity: its
  // children (has_many, has_many_through: the include's where, order, skip
  // and limit applied), or its parent or has_one child (none or one), with
  // their own includes; no copy, and the same lifetime as this view.
  // REQUIRES: i < size(); the filter included `relation`, which leads to T.
  template <class T>
  entity_view<T> included(std::size_t i, std::string_view relation) const {
    check();
    RELSTORE_ASSERT(i < hits_.size(), "relstore: included() past the end of an entity_view");
    std::string_view target;
    const detail::query_result* sub = node_ ? detail::included_result(*node_, i, relation, &target) : nullptr;
    RELSTORE_ASSERT(sub != nullptr, "relstore: included(): the view's filter did not include that relation");
    RELSTORE_ASSERT(target == detail::info_of<T>().name,
                    "relstore: included<T>(): the relation leads to another model");
    return entity_view<T>(sub->entities, std::shared_ptr<const detail::query_result>(node_, sub), writes_, taken_at_);
  }

 private:
  template <class>
  friend class entity_view;
  friend struct detail::entity_view_access;
  // `node`: what the includes brought (null without includes).
  entity_view(std::vector<const void*> hits, std::shared_ptr<const detail::query_result> node,
              const std::uint64_t* writes, std::uint64_t taken_at)
      : hits_(std::move(hits)), node_(std::move(node)), writes_(writes), taken_at_(taken_at) {}

  void check() const { check_valid(writes_, taken_at_); }
  static void check_valid([[maybe_unused]] const std::uint64_t* writes, [[maybe_unused]] std::uint64_t taken_at) {
#ifndef NDEBUG
    RELSTORE_ASSERT(writes == nullptr || *writes == taken_at,
                    "relstore: an entity_view was used after a write to its store");
#endif
  }

  std::vector<const void*> hits_;
  std::shared_ptr<const detail::query_result> node_;
  const std::uint64_t* writes_ = nullptr;  // the store's write count
  std::uint64_t taken_at_ = 0;
};

namespace detail {
struct entity_view_access {
  // `r` holds entities of M; `writes` is the store's write count.
  template <class M>
  static entity_view<M> make(query_result r, const std::uint64_t* writes) {
    std::vector<const void*> hits = std::move(r.entities);
    std::shared_ptr<const query_result> node;
    if (!r.includes.empty()) node = std::make_shared<const query_result>(std::move(r));
    return entity_view<M>(std::move(hits), std::move(node), writes, writes != nullptr ? *writes : 0);
  }
};
}  // namespace detail

}  // namespace relstore
