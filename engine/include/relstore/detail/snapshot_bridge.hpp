// Between a typed store and its rows without types (a column_store): what a
// save writes and a load reads. Internal.
#pragma once

#include <algorithm>
#include <array>
#include <boost/mp11/algorithm.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "relstore/detail/column_store.hpp"
#include "relstore/detail/engine.hpp"
#include "relstore/detail/errors.hpp"
#include "relstore/detail/point_in_time_copy.hpp"
#include "relstore/detail/schema_compat.hpp"
#include "relstore/detail/value_ops.hpp"
#include "relstore/error.hpp"

namespace relstore::detail {

template <class S>
struct snapshot_bridge {
  // Every entity of `eng`, model by model in key order. Errors: io_error
  // (out of memory while sorting).
  static result<column_store> to_columns(const engine<S>& eng);
  // Starts a point-in-time copy of every entity of `eng` (see
  // point_in_time_copy): the store may be written, and even destroyed,
  // while it is completed (the copy keeps the pools). REQUIRES: copy_some
  // runs on the thread that writes the store.
  static std::unique_ptr<point_in_time_copy> start_copy(const engine<S>& eng);

  // Fills the empty `fresh` from `data` and checks every key. A model the
  // snapshot predates starts empty. Errors: schema_mismatch,
  // snapshot_corrupt (a duplicate or dangling key, a key create refuses).
  // `lenient` accepts what create refuses, and a snapshot whose schema
  // shares nothing with the program's or contradicts a relation of it.
  // Both out of line, after the class: RELSTORE_EXTERN_TABLES compiles them
  // (every model's column code) once per program.
  static result<void> from_columns(const column_store& data, engine<S>& fresh, bool lenient);

 private:
  // One model's rows appended to its column_table, for save() and for a
  // point-in-time copy.
  template <class M>
  class row_sink final : public copy_sink {
   public:
    explicit row_sink(column_table& t) : copy_sink(t) {
      for (std::size_t i = 0; i < field_count<M>; ++i) cols_[i] = &t.at(i);  // at() drops the table's caches
    }

    void append(const M& e) {
      mp::mp_for_each<mp::mp_iota_c<field_count<M>>>([&](auto I) {
        using T = member_type<M, I>;
        using V = unwrap_optional_t<T>;
        column& col = *cols_[I];
        const T& v = e.*member_pointer<M, I>;
        const V* p = nullptr;
        static const V empty{};
        if constexpr (is_optional_v<T>) {
          col.nulls.push_back(v ? 0 : 1);
          p = v ? &*v : &empty;
        } else {
          p = &v;
        }
        if constexpr (std::is_same_v<V, std::string>) {
          col.strings.push_back(*p);
        } else if constexpr (is_std_array_v<V>) {  // one cell per element, row by row
          for (const auto& x : *p) {
            if constexpr (std::is_floating_point_v<typename V::value_type>) {
              col.doubles.push_back(x);
            } else {
              col.ints.push_back(static_cast<std::int64_t>(x));
            }
          }
        } else if constexpr (std::is_floating_point_v<V>) {
          col.doubles.push_back(*p);
        } else {
          col.ints.push_back(static_cast<std::int64_t>(*p));
        }
      });
      ++rows;
    }

    // A node_pool::copy_fn: self is a row_sink<M>, e an M.
    static void copy(void* self, const void* e) noexcept {
      auto* s = static_cast<row_sink*>(self);
      if (s->failed) return;
      try {
        s->append(*static_cast<const M*>(e));
      } catch (...) {  // std::bad_alloc: the save reports it
        s->failed = true;
      }
    }

    std::vector<std::size_t> key_order() const override {
      constexpr std::size_t pk = engine<S>::template pk<M>;
      using K = member_type<M, pk>;
      std::vector<std::size_t> order(rows);
      for (std::size_t i = 0; i < rows; ++i) order[i] = i;
      if constexpr (std::is_same_v<K, std::string>) {
        const auto& keys = cols_[pk]->strings;
        std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return keys[a] < keys[b]; });
      } else {
        static_assert(std::is_integral_v<K>, "relstore: a primary key is an integer or a string");
        std::vector<std::pair<K, std::size_t>> keyed(rows);
        for (std::size_t i = 0; i < rows; ++i) keyed[i] = {static_cast<K>(cols_[pk]->ints[i]), i};
        const auto less = [](const auto& a, const auto& b) { return a.first < b.first; };
        if (!std::is_sorted(keyed.begin(), keyed.end(), less)) std::sort(keyed.begin(), keyed.end(), less);
        for (std::size_t i = 0; i < rows; ++i) order[i] = keyed[i].second;
      }
      return order;
    }

   private:
    std::array<column*, field_count<M>> cols_{};
  };

  template <std::size_t Pk>
  struct other_unique_def {
    template <class D>
    using fn = mp::mp_bool<D::unique && D::field != Pk>;
  };

  // The address of each field's first cell in `row` (null where a field
  // has no column), for read_table to prefetch; null flags are not fetched.
  // Columns hold one value per row (column_table::check), so every address
  // is inside its column. A pure function: the prefetch instruction is in
  // read_table's loop itself, since GCC dropped a call that only prefetched.
  template <class M>
  static std::array<const void*, field_count<M>> row_cells(const column_table& src, const std::vector<std::size_t>& map,
                                                           std::size_t row) {
    std::array<const void*, field_count<M>> out{};
    mp::mp_for_each<mp::mp_iota_c<field_count<M>>>([&](auto I) {
      const std::size_t c = map[I];
      if (c == npos) return;
      using V = unwrap_optional_t<member_type<M, I>>;
      const column& col = src.at(c);
      if constexpr (std::is_same_v<V, std::string>) {
        out[I] = &col.strings[row];
      } else if constexpr (is_std_array_v<V>) {
        if constexpr (std::is_floating_point_v<typename V::value_type>) {
          out[I] = &col.doubles[row * std::tuple_size_v<V>];
        } else {
          out[I] = &col.ints[row * std::tuple_size_v<V>];
        }
      } else if constexpr (std::is_floating_point_v<V>) {
        out[I] = &col.doubles[row];
      } else {
        out[I] = &col.ints[row];
      }
    });
    return out;
  }

  template <class M>
  static result<void> read_table(const column_store& data, typename engine<S>::template table_t<M>& t) {
    constexpr std::size_t pk = engine<S>::template pk<M>;
    auto at = data.schema().find_model(info_of<M>().name);
    if (!at) return {};  // a model the snapshot predates: starts empty
    const column_table& src = data.table(*at);
    auto mapping = map_fields(info_of<M>(), src.info());
    if (!mapping) return std::move(mapping).error();
    const std::vector<std::size_t>& map = *mapping;
    t.reserve(src.rows());
    using defs = typename engine<S>::template table_t<M>::defs;
    // Inserted grouped by the first foreign key, as compact() leaves a table:
    // each parent's children side by side in the node pool, and the
    // foreign-key index filled bucket after bucket instead of at random.
    std::vector<std::uint32_t> order;
    using grouping = mp::mp_find_if<defs, is_foreign_key_def>;
    if constexpr (grouping::value < mp::mp_size<defs>::value) {
      constexpr std::size_t g = mp::mp_at<defs, grouping>::field;
      if constexpr (std::is_same_v<unwrap_optional_t<member_type<M, g>>, std::int64_t>) {
        if (map[g] != npos && src.rows() <= UINT32_MAX) order = rows_grouped_by(src.at(map[g]), src.rows());
      }
    }
    for (std::size_t i = 0; i < src.rows(); ++i) {
      const std::size_t row = order.empty() ? i : order[i];
      // Grouped, the rows are read out of file order: each cell a cache miss
      // unless fetched ahead (the load's largest cost at 1M rows without).
#if defined(__GNUC__)
      if (constexpr std::size_t ahead = 16; !order.empty() && i + ahead < order.size()) {
        for (const void* cell : row_cells<M>(src, map, order[i + ahead])) {
          if (cell != nullptr) __builtin_prefetch(cell);
        }
      }
#endif
      M e{};
      mp::mp_for_each<mp::mp_iota_c<field_count<M>>>([&](auto I) {
        const std::size_t c = map[I];
        if (c == npos) return;
        using T = member_type<M, I>;
        using V = unwrap_optional_t<T>;
        const column& col = src.at(c);
        T& dst = e.*member_pointer<M, I>;
        if constexpr (is_optional_v<T>) {
          if (!col.nulls.empty() && col.nulls[row]) {
            dst.reset();
            return;
          }
        }
        if constexpr (std::is_same_v<V, std::string>) {
          dst = col.strings[row];
        } else if constexpr (is_std_array_v<V>) {  // map_fields checked the length
          using E = typename V::value_type;
          V a{};
          for (std::size_t k = 0; k < a.size(); ++k) {
            if constexpr (std::is_floating_point_v<E>) {
              a[k] = static_cast<E>(col.doubles[row * a.size() + k]);
            } else {
              a[k] = static_cast<E>(col.ints[row * a.size() + k]);
            }
          }
          dst = a;
        } else if constexpr (std::is_floating_point_v<V>) {
          dst = static_cast<V>(col.doubles[row]);
        } else {
          dst = static_cast<V>(col.ints[row]);
        }
      });
      // With unique keys besides the primary key, a copy tells which one a
      // refused insert repeated.
      constexpr bool other_unique = mp::mp_count_if_q<defs, other_unique_def<pk>>::value > 0;
      std::optional<M> copy;
      if constexpr (other_unique) copy = e;
      const auto [it, inserted] = t.items.insert(std::move(e));
      const M& held = *it;  // the new entity, or the one it collided with
      const auto& key = held.*member_pointer<M, pk>;
      if (!inserted) {
        std::string what = duplicate_key(info_of<M>(), pk, view_of(key)).message();
        if constexpr (other_unique) {
          if (!((*copy).*member_pointer<M, pk> == key)) {
            mp::mp_for_each<defs>([&](auto d) {
              using D = decltype(d);
              if constexpr (D::unique && D::field != pk) {
                const auto& k = (*copy).*member_pointer<M, D::field>;
                if (held.*member_pointer<M, D::field> == k)
                  what = duplicate_key(info_of<M>(), D::field, view_of(k)).message();
              }
            });
          }
        }
        // Rows go in grouped, not in file order: name the later of the two
        // rows in the file, as verify does.
        std::size_t later = row;
        if (map[pk] != npos) {
          for (std::size_t r = 0; r < src.rows(); ++r) {
            if (r != row && same_value(src.get(r, map[pk]), view_of(key))) {
              later = std::max(row, r);
              break;
            }
          }
        }
        return make_error(errc::snapshot_corrupt,
                          "duplicate key in " + info_of<M>().name + " at row " + std::to_string(later) + ": " + what);
      }
      if constexpr (std::is_same_v<member_type<M, pk>, std::int64_t>) t.keys().observe(key);
    }
    return {};
  }
};

template <class S>
result<column_store> snapshot_bridge<S>::to_columns(const engine<S>& eng) {
  column_store out = column_store::like(S::registry());
  std::vector<std::unique_ptr<copy_sink>> sinks;
  mp::mp_for_each<typename S::model_list>([&](auto m) {
    using M = decltype(m);
    const auto& t = eng.template tab<M>();
    auto sink = std::make_unique<row_sink<M>>(out.table(engine<S>::template model_index<M>));
    sink->table().reserve(t.size());
    t.for_each_stored([&](const M& e) { sink->append(e); });  // storage order: each node once, in address order
    sinks.push_back(std::move(sink));
  });
  if (auto r = finish_rows(sinks); !r) return std::move(r).error();
  return out;
}

template <class S>
std::unique_ptr<point_in_time_copy> snapshot_bridge<S>::start_copy(const engine<S>& eng) {
  auto copy = std::make_unique<point_in_time_copy>(column_store::like(S::registry()));
  mp::mp_for_each<typename S::model_list>([&](auto m) {
    using M = decltype(m);
    const auto& t = eng.template tab<M>();
    auto sink = std::make_unique<row_sink<M>>(copy->data().table(engine<S>::template model_index<M>));
    copy->add(std::move(sink), t.shared_pool(), &row_sink<M>::copy);
  });
  return copy;
}

template <class S>
result<void> snapshot_bridge<S>::from_columns(const column_store& data, engine<S>& fresh, bool lenient) {
  if (auto r = check_relations(S::registry(), data, lenient); !r) return r;
  result<void> out;
  mp::mp_for_each<typename S::model_list>([&](auto m) {
    using M = decltype(m);
    if (out) out = read_table<M>(data, fresh.template tab<M>());
  });
  if (!out) return out;
  if (auto r = fresh.verify_all({.keys_as_create = !lenient}); !r) {
    return make_error(errc::snapshot_corrupt, std::move(r).error().message());
  }
  return {};
}

}  // namespace relstore::detail
