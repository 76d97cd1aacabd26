// Between a typed store and its rows without types (a column_store): what a
// save writes and a load reads. Internal.
#pragma once

#include <algorithm>
#include <array>
#include <boost/mp11/algorithm.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <memory_resource>
#include <new>
#include <numeric>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "relstore/detail/column_store.hpp"
#include "relstore/detail/engine.hpp"
#include "relstore/detail/errors.hpp"
#include "relstore/detail/point_in_time_source.hpp"
#include "relstore/detail/schema_compat.hpp"
#include "relstore/detail/value_ops.hpp"
#include "relstore/error.hpp"

namespace relstore::detail {

template <class S>
struct snapshot_bridge {
  // Every entity of `eng`, model by model in key order. Errors: io_error
  // (out of memory while sorting).
  static result<column_store> to_columns(const engine<S>& eng);
  // Every entity of `eng` as it is now, to be read in place while the
  // store goes on (see point_in_time_source); the store may be written, and
  // even destroyed, meanwhile (the source keeps the pools).
  static std::unique_ptr<point_in_time_source> start_source(const engine<S>& eng);

  // Fills the empty `fresh` from `data` and checks every key. A model the
  // snapshot predates starts empty. Errors: schema_mismatch,
  // snapshot_corrupt (a duplicate or dangling key, a key create refuses),
  // io_error when memory runs out (`fresh` is then to be discarded).
  // `lenient` accepts what create refuses, and a snapshot whose schema
  // shares nothing with the program's or contradicts a relation of it.
  // Both out of line, after the class: RELSTORE_EXTERN_TABLES compiles them
  // (every model's column code) once per program.
  static result<void> from_columns(const column_store& data, engine<S>& fresh, bool lenient);

 private:
  // The field a model's rows are grouped by, in a file save() writes and in
  // the order a load inserts them: its first foreign key if that is an
  // int64 (optional or not), else npos.
  template <class M>
  static constexpr std::size_t group_field() {
    using defs = typename engine<S>::template table_t<M>::defs;
    using grouping = mp::mp_find_if<defs, is_foreign_key_def>;
    if constexpr (grouping::value < mp::mp_size<defs>::value) {
      constexpr std::size_t g = mp::mp_at<defs, grouping>::field;
      if constexpr (std::is_same_v<unwrap_optional_t<member_type<M, g>>, std::int64_t>) return g;
    }
    return npos;
  }

  // Appends field I of `e` to `col`: a cell, or an array's cells.
  template <class M, std::size_t I>
  static void append_cell(const M& e, column& col) {
    using T = member_type<M, I>;
    using V = unwrap_optional_t<T>;
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
  }

  // One model's rows appended to its column_table, for save().
  template <class M>
  class row_sink {
   public:
    explicit row_sink(column_table& t) : table_(t) {
      for (std::size_t i = 0; i < field_count<M>; ++i) cols_[i] = &t.at(i);  // at() drops the table's caches
    }

    void append(const M& e) {
      mp::mp_for_each<mp::mp_iota_c<field_count<M>>>([&](auto I) { append_cell<M, I>(e, *cols_[I]); });
      ++rows_;
    }

    // Sets the table to the rows appended, grouped by the model's first
    // foreign key (rows_grouped_by: nulls first, then by value) and in
    // primary key order within a group, or in primary key order if it has
    // none: the order a load inserts them in (read_table), which it can then
    // read straight through. The same store always gives the same rows in
    // the same order, whatever its history.
    void finish() {
      constexpr std::size_t g = group_field<M>();
      if constexpr (g != npos) {
        // A store a load filled holds its rows in this order already.
        if (rows_ <= UINT32_MAX && in_group_order(*cols_[g], rows_) && keys_rise_within_groups(*cols_[g])) {
          table_.set_rows(rows_);
          return;
        }
      }
      in_key_order();
      if constexpr (g != npos) {
        const column& fk = *cols_[g];
        if (rows_ <= UINT32_MAX && !in_group_order(fk, rows_)) {
          const cell_vector<std::uint32_t> grouped = rows_grouped_by(fk, rows_);  // stable: key order stays
          table_.select_rows(std::vector<std::size_t>(grouped.begin(), grouped.end()));
        }
      }
    }

   private:
    // The primary key column's cells: ints or strings.
    const auto& key_cells() const {
      constexpr std::size_t pk = engine<S>::template pk<M>;
      if constexpr (std::is_same_v<member_type<M, pk>, std::string>) {
        return cols_[pk]->strings;
      } else {
        return cols_[pk]->ints;
      }
    }

    // Whether, among rows with the same value (or null) in `fk`, the
    // primary keys rise. REQUIRES: in_group_order(fk, rows_).
    bool keys_rise_within_groups(const column& fk) const {
      const auto& keys = key_cells();
      const bool nullable = !fk.nulls.empty();
      for (std::size_t r = 1; r < rows_; ++r) {
        const bool null_here = nullable && fk.nulls[r] != 0, null_before = nullable && fk.nulls[r - 1] != 0;
        const bool same = null_here == null_before && (null_here || fk.ints[r] == fk.ints[r - 1]);
        if (same && !(keys[r - 1] < keys[r])) return false;
      }
      return true;
    }

    // Sets the table to the rows appended, in primary key order: as they
    // are if already in order (a store filled in key order), else by
    // rows_grouped_by (keys are unique: one group each, in key order; dense
    // keys without a sort), else sorted.
    void in_key_order() {
      constexpr std::size_t pk = engine<S>::template pk<M>;
      using K = member_type<M, pk>;
      static_assert(std::is_same_v<K, std::int64_t> || std::is_same_v<K, std::string>,
                    "relstore: a primary key is std::int64_t or std::string");
      const column& col = *cols_[pk];
      const auto& keys = [&]() -> const auto& {
        if constexpr (std::is_same_v<K, std::string>) {
          return col.strings;
        } else {
          return col.ints;
        }
      }
      ();
      if (std::is_sorted(keys.begin(), keys.end())) {
        table_.set_rows(rows_);
        return;
      }
      std::vector<std::size_t> order;
      if (std::is_same_v<K, std::int64_t> && rows_ <= UINT32_MAX) {
        const cell_vector<std::uint32_t> grouped = rows_grouped_by(col, rows_);
        order.assign(grouped.begin(), grouped.end());
      } else {
        order.resize(rows_);
        std::iota(order.begin(), order.end(), std::size_t{0});
        std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return keys[a] < keys[b]; });
      }
      table_.select_rows(order);
    }

    column_table& table_;
    std::size_t rows_ = 0;
    std::array<column*, field_count<M>> cols_{};
  };

  // One model read in place for a point_in_time_source: the entities it
  // has not read yet, copied before the store writes or destroys them.
  // The copies are grouped by 1024 slots, so that no map ever rehashes more
  // than 1024 of them while the game waits (one map of 200k took 10 ms),
  // and come from a pool of the reader's, freed in a few blocks (freed one
  // by one on the reader's thread, they held up the game's allocations).
  template <class M>
  class live_rows final : public model_reader {
   public:
    // A node_pool::copy_fn; self is the model_reader.
    static void copy(void* self, std::uint64_t slot, const void* e) noexcept {
      auto* r = static_cast<live_rows*>(static_cast<model_reader*>(self));
      const M& v = *static_cast<const M*>(e);
      try {
        if (r->copies_->try_emplace(slot >> 10).first->second.emplace(slot, v).second) {
          r->string_bytes_ += string_bytes(v);
          r->count_bytes();
        }
      } catch (...) {  // std::bad_alloc
        r->failed = true;
      }
    }

    // A node_pool::fields_fn: before a pass writes `fields` of every
    // entity, saves those columns whole (values at the call), but for the
    // fields the reader is done with. A pass over one float field of 1M
    // entities saves 8 MB, where copying the entities would hold all of them.
    static void fields(void* self, const node_pool& pool, std::uint64_t fields) noexcept {
      auto* r = static_cast<live_rows*>(static_cast<model_reader*>(self));
      const std::uint64_t todo = fields & ~r->saved_fields & (~std::uint64_t{0} << r->reading);
      if (todo == 0 || r->failed) return;
      try {
        r->saved.resize(field_count<M>);
        mp::mp_for_each<mp::mp_iota_c<field_count<M>>>([&](auto I) {
          if (((todo >> I) & 1) == 0) return;
          column& col = r->saved[I];
          reserve_column(col, info_of<M>().fields[I], r->live_at_call);
          std::size_t rows = 0;
          (void)r->read(pool, 0, SIZE_MAX, I, col, rows);
          r->saved_fields |= std::uint64_t{1} << I;
          r->saved_bytes_ += col.ints.capacity() * sizeof(std::int64_t) + col.doubles.capacity() * sizeof(double) +
                             col.strings.capacity() * sizeof(std::string) + col.nulls.capacity();
          for (const std::string& str : col.strings) {
            if (str.capacity() > std::string().capacity()) r->saved_bytes_ += str.capacity() + 1;
          }
        });
        r->count_bytes();
      } catch (...) {  // std::bad_alloc, or a copy missing for the same reason
        r->failed = true;
      }
    }

    std::uint64_t read(const node_pool& pool, std::uint64_t from, std::size_t max, std::size_t field, column& part,
                       std::size_t& rows) const override {
      std::uint64_t next = node_pool::watch_end;
      rows = 0;
      mp::mp_with_index<field_count<M>>(field, [&](auto I) {
        next = pool.visit_watched(static_cast<const model_reader*>(this), from, max,
                                  [&](std::uint64_t slot, const void* value) {
                                    const M* e = static_cast<const M*>(value);
                                    if (e == nullptr) e = copy_of(slot);
                                    append_cell<M, I>(*e, part);
                                    ++rows;
                                  });
      });
      return next;
    }

    void drop_copies() noexcept override {
      copies_.reset();
      arena_.release();
      copies_.emplace(&arena_);
      saved = {};
      saved_fields = 0;
      string_bytes_ = saved_bytes_ = 0;
      copy_bytes = 0;
    }

   private:
    void count_bytes() noexcept { copy_bytes = blocks_.bytes + string_bytes_ + saved_bytes_; }

    const M* copy_of(std::uint64_t slot) const {
      const auto g = copies_->find(slot >> 10);
      if (g != copies_->end()) {
        const auto it = g->second.find(slot);
        if (it != g->second.end()) return &it->second;
      }
      throw std::runtime_error("the rows of " + info_of<M>().name + " could not be copied: out of memory");
    }

    // The heap its strings hold beyond themselves.
    static std::size_t string_bytes(const M& e) {
      std::size_t n = 0;
      mp::mp_for_each<mp::mp_iota_c<field_count<M>>>([&](auto I) {
        using T = member_type<M, I>;
        if constexpr (std::is_same_v<unwrap_optional_t<T>, std::string>) {
          const T& v = e.*member_pointer<M, I>;
          const std::string* s = nullptr;
          if constexpr (is_optional_v<T>) {
            s = v ? &*v : nullptr;
          } else {
            s = &v;
          }
          if (s != nullptr && s->capacity() > std::string().capacity()) n += s->capacity() + 1;
        }
      });
      return n;
    }

    using group = std::pmr::unordered_map<std::uint64_t, M>;
    counting_resource blocks_;
    std::pmr::unsynchronized_pool_resource arena_{&blocks_};
    std::optional<std::pmr::unordered_map<std::uint64_t, group>> copies_{std::in_place, &arena_};
    std::size_t string_bytes_ = 0;  // the copies' strings' heap
    std::size_t saved_bytes_ = 0;   // the saved columns'
  };

  template <std::size_t Pk>
  struct other_unique_def {
    template <class D>
    using fn = mp::mp_bool<D::unique && D::field != Pk>;
  };

  // The entity in row `row` of `src`, whose columns `map` names by field
  // (npos: the snapshot lacks the field, which keeps its default).
  template <class M>
  static M read_row(const column_table& src, const std::vector<std::size_t>& map, std::size_t row) {
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
    return e;
  }

  // A table's rows as entities, each at its place in the grouping (see
  // read_table), in memory from allocate_block. Owns them.
  template <class M>
  class staged_rows {
   public:
    // REQUIRES: `places` is a permutation of 0 .. src.rows()-1.
    staged_rows(const column_table& src, const std::vector<std::size_t>& map, const cell_vector<std::uint32_t>& places)
        : places_(places),
          rows_(places.size()),
          data_(static_cast<M*>(allocate_block(std::max<std::size_t>(rows_, 1) * sizeof(M), alignof(M)))) {
      // Read in file order (each column streamed) and scattered to place:
      // read in grouped order instead, every cell was a cache miss.
      try {
        for (; built_ < rows_; ++built_)
          ::new (static_cast<void*>(data_ + places_[built_])) M(read_row<M>(src, map, built_));
      } catch (...) {  // a row's read threw (out of memory): no destructor runs for this object
        release();
        throw;
      }
    }
    ~staged_rows() { release(); }
    staged_rows(const staged_rows&) = delete;
    staged_rows& operator=(const staged_rows&) = delete;

    M& operator[](std::size_t i) noexcept { return data_[i]; }
    // The file row of the entity at place i. O(rows): for error messages.
    std::size_t row_of(std::size_t i) const noexcept {
      return static_cast<std::size_t>(std::find(places_.begin(), places_.end(), i) - places_.begin());
    }

   private:
    // Destroys the entities built so far (rows 0 .. built_-1, at their
    // places) and frees the block.
    void release() noexcept {
      if constexpr (!std::is_trivially_destructible_v<M>) {
        for (std::size_t r = 0; r < built_; ++r) data_[places_[r]].~M();
      }
      free_block(data_, std::max<std::size_t>(rows_, 1) * sizeof(M), alignof(M));
    }

    const cell_vector<std::uint32_t>& places_;
    std::size_t rows_;
    M* data_;
    std::size_t built_ = 0;
  };

  template <class M>
  static result<void> read_table(const column_store& data, typename engine<S>::template table_t<M>& t) {
    constexpr std::size_t pk = engine<S>::template pk<M>;
    auto at = data.schema().find_model(info_of<M>().name);
    if (!at) return {};  // a model the snapshot predates: starts empty
    const column_table& src = data.table(*at);
    auto mapping = map_fields(info_of<M>(), src.info());
    if (!mapping) return std::move(mapping).error();
    const std::vector<std::size_t>& map = *mapping;
    const auto buckets = t.reserve(src.rows());
    using defs = typename engine<S>::template table_t<M>::defs;
    // Inserted grouped by the first foreign key, as compact() leaves a table:
    // each parent's children side by side in the node pool, and the
    // foreign-key index filled bucket after bucket instead of at random.
    cell_vector<std::uint32_t> places;
    if constexpr (constexpr std::size_t g = group_field<M>(); g != npos) {
      if (map[g] != npos && src.rows() <= UINT32_MAX) places = group_places(src.at(map[g]), src.rows());
    }
    std::optional<staged_rows<M>> staged;
    if (!places.empty()) staged.emplace(src, map, places);
    // Grouped, the keys arrive in random order: each one's primary-key
    // bucket is a cache miss unless fetched ahead (at 1M rows, 100 -> 70 ms
    // for the table). Rows already grouped in the file are read in place.
    const std::int64_t* file_keys = nullptr;
    if constexpr (std::is_same_v<member_type<M, pk>, std::int64_t>) {
      if (map[pk] != npos && src.at(map[pk]).ints.size() == src.rows()) file_keys = src.at(map[pk]).ints.data();
    }
    for (std::size_t i = 0; i < src.rows(); ++i) {
      if constexpr (std::is_same_v<member_type<M, pk>, std::int64_t>) {
        if (constexpr std::size_t ahead = 8; i + ahead < src.rows()) {
          if (staged) {
            t.prefetch_pk_bucket(buckets, (*staged)[i + ahead].*member_pointer<M, pk>);
          } else if (file_keys != nullptr) {
            t.prefetch_pk_bucket(buckets, file_keys[i + ahead]);
          }
        }
      }
      M e = staged ? std::move((*staged)[i]) : read_row<M>(src, map, i);
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
        const std::size_t row = staged ? staged->row_of(i) : i;
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
  const char* failed = nullptr;
  mp::mp_for_each<typename S::model_list>([&](auto m) {
    using M = decltype(m);
    if (failed != nullptr) return;
    try {
      const auto& t = eng.template tab<M>();
      column_table& table = out.table(engine<S>::template model_index<M>);
      table.reserve(t.size());
      row_sink<M> sink(table);
      t.for_each_stored([&](const M& e) { sink.append(e); });  // storage order: each node once, in address order
      sink.finish();
    } catch (const std::bad_alloc&) {
      failed = info_of<M>().name.c_str();
    }
  });
  if (failed != nullptr) {
    return make_error(errc::io_error, std::string("the rows of ") + failed + " could not be copied: out of memory");
  }
  return out;
}

template <class S>
std::unique_ptr<point_in_time_source> snapshot_bridge<S>::start_source(const engine<S>& eng) {
  auto source = std::make_unique<point_in_time_source>(S::registry());
  mp::mp_for_each<typename S::model_list>([&](auto m) {
    using M = decltype(m);
    source->add(std::make_unique<live_rows<M>>(), eng.template tab<M>().shared_pool(), &live_rows<M>::copy,
                &live_rows<M>::fields);
  });
  return source;
}

template <class S>
result<void> snapshot_bridge<S>::from_columns(const column_store& data, engine<S>& fresh, bool lenient) {
  if (auto r = check_relations(S::registry(), data, lenient); !r) return r;
  result<void> out;
  const char* model = nullptr;
  try {
    mp::mp_for_each<typename S::model_list>([&](auto m) {
      using M = decltype(m);
      model = info_of<M>().name.c_str();
      if (out) out = read_table<M>(data, fresh.template tab<M>());
    });
    if (!out) return out;
    model = nullptr;
    if (auto r = fresh.verify_all({.keys_as_create = !lenient}); !r) {
      return make_error(errc::snapshot_corrupt, std::move(r).error().message());
    }
  } catch (const std::bad_alloc&) {  // `fresh` holds what was read, freed with it
    return make_error(errc::io_error, model != nullptr
                                          ? std::string("the rows of ") + model + " could not be loaded: out of memory"
                                          : std::string("the loaded rows could not be checked: out of memory"));
  }
  return {};
}

}  // namespace relstore::detail
