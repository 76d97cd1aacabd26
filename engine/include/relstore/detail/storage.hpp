// storage<S>: the tables of every model of schema S, typed for the engine's
// templates and type-erased (table_base) for its run-time pipelines.
// Internal.
#pragma once

#include <array>
#include <boost/mp11/algorithm.hpp>
#include <cstddef>
#include <tuple>

#include "relstore/detail/meta.hpp"
#include "relstore/detail/table.hpp"
#include "relstore/detail/table_base.hpp"

namespace relstore::detail {

template <class S>
class storage {
 public:
  using model_list = typename S::model_list;
  using relation_list = typename S::relation_list;
  static constexpr std::size_t model_count = mp::mp_size<model_list>::value;

  template <class M>
  using table_t = table<M, relation_list>;
  template <class M>
  using key_t = typename table_t<M>::key_type;
  template <class M>
  static constexpr std::size_t pk = table_t<M>::pk;

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

 private:
  using tables = mp::mp_rename<mp::mp_transform<table_t, model_list>, std::tuple>;
  tables tables_;
};

}  // namespace relstore::detail
