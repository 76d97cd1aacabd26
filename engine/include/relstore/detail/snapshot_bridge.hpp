// Converts between a typed store and a dataset (the self-described form a
// snapshot holds). Internal.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "relstore/dataset.hpp"
#include "relstore/detail/engine.hpp"
#include "relstore/fwd.hpp"

namespace relstore::detail {

error schema_mismatch(std::string message);
error snapshot_corrupt(std::string message);

// Maps each program field of `program` to a column of `snap` (npos: absent,
// keeps its default). Fails with schema_mismatch on an incompatible change.
result<std::vector<std::size_t>> map_fields(const model_info& program, const dataset_model& snap);
// Checks that the snapshot's relations exist in the program and the
// program's relations find their key fields in the snapshot.
result<void> check_relations(const registry& program, const dataset& snap);

template <class Schema>
struct snapshot_bridge {
  using engine_t = engine<Schema>;

  static dataset to_dataset(const store<Schema>& db) {
    dataset ds;
    const registry& reg = Schema::registry();
    mp::mp_for_each<typename Schema::model_list>([&](auto m) {
      using M = decltype(m);
      ds.models.push_back(model_columns<M>(db.engine_.template tab<M>()));
    });
    for (const auto& r : reg.relations()) {
      if (r.kind != relation_kind::has_many) continue;
      ds.relations.push_back(
          {r.name, reg.relations()[r.inverse].name, r.parent, r.child, r.parent_key, r.child_key, r.policy});
    }
    return ds;
  }

  static result<void> from_dataset(const dataset& ds, store<Schema>& db) {
    if (auto r = check_relations(Schema::registry(), ds); !r) return r;
    store<Schema> fresh;
    result<void> out;
    mp::mp_for_each<typename Schema::model_list>([&](auto m) {
      using M = decltype(m);
      if (!out) return;
      out = fill<M>(ds, fresh.engine_.template tab<M>());
    });
    if (!out) return out;
    if (auto r = fresh.engine_.verify_all(); !r) return snapshot_corrupt(r.error().message);
    db = std::move(fresh);
    return {};
  }

 private:
  template <class M>
  static dataset_model model_columns(const typename engine_t::template table_t<M>& t) {
    dataset_model dm;
    dm.info = model_info_of<M>();
    for (auto& f : dm.info.fields) {
      f.get = nullptr;
      f.set = nullptr;
    }
    const std::vector<const M*> order = t.in_key_order();  // snapshots list rows in key order
    dm.rows = order.size();
    dm.columns.resize(field_count<M>);
    mp::mp_for_each<mp::mp_iota_c<field_count<M>>>([&](auto I) {
      using T = member_type<M, I>;
      using S = unwrap_optional_t<T>;
      column& col = dm.columns[I];
      if constexpr (is_optional_v<T>) col.nulls.reserve(dm.rows);
      if constexpr (std::is_same_v<S, std::string>) {
        col.strings.reserve(dm.rows);
      } else if constexpr (std::is_same_v<S, double>) {
        col.doubles.reserve(dm.rows);
      } else {
        col.ints.reserve(dm.rows);
      }
    });
    // One pass over the rows: each entity is read once, for all its fields.
    for (const M* e : order) {
      mp::mp_for_each<mp::mp_iota_c<field_count<M>>>([&](auto I) {
        using T = member_type<M, I>;
        using S = unwrap_optional_t<T>;
        column& col = dm.columns[I];
        const T& v = e->*member_pointer<M, I>;
        const S* p = nullptr;
        static const S empty{};
        if constexpr (is_optional_v<T>) {
          col.nulls.push_back(v ? 0 : 1);
          p = v ? &*v : &empty;
        } else {
          p = &v;
        }
        if constexpr (std::is_same_v<S, std::string>) {
          col.strings.push_back(*p);
        } else if constexpr (std::is_same_v<S, double>) {
          col.doubles.push_back(*p);
        } else {
          col.ints.push_back(static_cast<std::int64_t>(*p));
        }
      });
    }
    return dm;
  }

  template <class M>
  static result<void> fill(const dataset& ds, typename engine_t::template table_t<M>& t) {
    auto at = ds.find_model(model_name<M>());
    if (!at) return {};  // a model the snapshot predates: starts empty
    const dataset_model& dm = ds.models[*at];
    auto mapping = map_fields(model_info_of<M>(), dm);
    if (!mapping) return std::move(mapping).error();
    const std::vector<std::size_t>& map = *mapping;
    auto& items = t.items;
    t.reserve(dm.rows);
    for (std::size_t row = 0; row < dm.rows; ++row) {
      M e{};
      mp::mp_for_each<mp::mp_iota_c<field_count<M>>>([&](auto I) {
        const std::size_t c = map[I];
        if (c == npos) return;
        using T = member_type<M, I>;
        using S = unwrap_optional_t<T>;
        const column& col = dm.columns[c];
        T& dst = e.*member_pointer<M, I>;
        if constexpr (is_optional_v<T>) {
          if (!col.nulls.empty() && col.nulls[row]) {
            dst.reset();
            return;
          }
        }
        if constexpr (std::is_same_v<S, std::string>) {
          dst = col.strings[row];
        } else if constexpr (std::is_same_v<S, double>) {
          dst = col.doubles[row];
        } else {
          dst = static_cast<S>(col.ints[row]);
        }
      });
      auto [it, inserted] = items.insert(std::move(e));
      if (!inserted) {
        return snapshot_corrupt("duplicate key in " + std::string(model_name<M>()) + " at row " + std::to_string(row) +
                                " (" + field_text<M, engine_t::template pk<M>>() + " = " +
                                key_text(view_of((*it).*member_pointer<M, engine_t::template pk<M>>)) + ")");
      }
      if constexpr (engine_t::template table_t<M>::auto_key) {
        const auto k = (*it).*member_pointer<M, engine_t::template pk<M>>;
        if (k >= t.next_id) t.next_id = k + 1;
      }
    }
    return {};
  }
};

}  // namespace relstore::detail
