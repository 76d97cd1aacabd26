// subscription: an observer's registration; destroying it unsubscribes.
//
// Thread-safety: as the store's; subscribe, unsubscribe and write from the
// thread that owns the store.
#pragma once

#include <cstdint>
#include <memory>
#include <utility>

namespace relstore {

class subscription {
 public:
  subscription() = default;
  subscription(const subscription&) = delete;
  subscription& operator=(const subscription&) = delete;
  subscription(subscription&& other) noexcept { *this = std::move(other); }
  subscription& operator=(subscription&& other) noexcept {
    if (this != &other) {
      reset();
      list_ = std::move(other.list_);
      id_ = std::exchange(other.id_, 0);
      remove_ = std::exchange(other.remove_, nullptr);
    }
    return *this;
  }
  ~subscription() { reset(); }

  // Unsubscribes now; the callback is not called again. Safe after the
  // store is gone, and from inside the callback itself.
  void reset() noexcept {
    if (auto list = list_.lock(); list && remove_ != nullptr) remove_(list.get(), id_);
    list_.reset();
    remove_ = nullptr;
  }
  bool active() const noexcept { return remove_ != nullptr && !list_.expired(); }

  // For store::on: `list` is the subscriber list, `remove(list, id)` removes entry `id`.
  subscription(std::weak_ptr<void> list, std::uint64_t id, void (*remove)(void*, std::uint64_t)) noexcept
      : list_(std::move(list)), id_(id), remove_(remove) {}

 private:
  std::weak_ptr<void> list_;
  std::uint64_t id_ = 0;
  void (*remove_)(void*, std::uint64_t) = nullptr;
};

}  // namespace relstore
