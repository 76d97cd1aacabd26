// store_backend<Schema>: the backend (backend.hpp) of a typed store. It
// dispatches a model or relation index of Schema's registry to the typed
// repository of that model or relation at run time (one switch per call,
// boost::mp11::mp_with_index), so every route runs the same checked code as
// a C++ caller: repository, has_many_repository, has_one_repository,
// has_many_through_repository.
//
// A handle: refers to its store, which must outlive it. Thread-safety: as
// the store's (store.hpp): writes need exclusive access.
#pragma once

#include <boost/mp11/algorithm.hpp>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "relstore/detail/json_filter.hpp"
#include "relstore/detail/write.hpp"
#include "relstore/relstore.hpp"
#include "relstore/rest/backend.hpp"

namespace relstore::rest {

template <class Schema>
class store_backend final : public backend {
  using model_list = typename Schema::model_list;
  using relation_list = typename Schema::relation_list;
  using through_list = typename Schema::through_list;
  static constexpr std::size_t relation_count = boost::mp11::mp_size<relation_list>::value;
  static constexpr std::size_t through_count = boost::mp11::mp_size<through_list>::value;

  // Which way relation R is walked: from the parent (has_many, has_one),
  // from the child (belongs_to), or through a link model.
  enum class way { parent_side, belongs_to, through };
  template <class R, way W>
  struct walk {
    using type = R;
    static constexpr way direction = W;
  };

 public:
  explicit store_backend(store<Schema>& db) : db_(&db) {}

  const registry& schema() const noexcept override { return Schema::registry(); }

  result<std::string> find(std::size_t model, std::string_view filter) const override {
    return with_model(model, [&]<class M>(M*) { return find_json<M>(db_->template repo<M>(), filter); });
  }

  result<std::size_t> count(std::size_t model, std::string_view where) const override {
    return with_model(model, [&]<class M>(M*) {
      auto r = db_->template repo<M>();
      return where.empty() ? r.count() : r.count(where);
    });
  }

  result<std::string> find_by_id(std::size_t model, const value& id, std::string_view filter) const override {
    return with_model(model, [&]<class M>(M*) -> result<std::string> {
      auto r = db_->template repo<M>();
      return key_of<M>(id).and_then([&](const auto& key) -> result<std::string> {
        if (filter.empty()) return r.find_by_id(key).transform(object_json<M>);
        return r.parse_filter(filter).and_then(
            [&](const relstore::filter<M>& f) { return r.find_by_id(key, f).transform(row_json<M>); });
      });
    });
  }

  result<std::string> create(std::size_t model, std::string_view data) override {
    return with_model(model,
                      [&]<class M>(M*) { return db_->template repo<M>().create_json(data).transform(object_json<M>); });
  }

  result<std::size_t> update_all(std::size_t model, std::string_view where, std::string_view data) override {
    return with_model(model, [&]<class M>(M*) {
      auto r = db_->template repo<M>();
      return r.parse_patch(data).and_then([&](const patch<M>& p) {
        return where_of<M>(where).and_then([&](const relstore::where<M>& w) { return r.update_all(p, w); });
      });
    });
  }

  result<void> update_by_id(std::size_t model, const value& id, std::string_view data) override {
    return with_model(model, [&]<class M>(M*) {
      auto r = db_->template repo<M>();
      return key_of<M>(id)
          .and_then([&](const auto& key) {
            return r.parse_patch(data).and_then([&](const patch<M>& p) { return r.update_by_id(key, p); });
          })
          .transform([](const M&) {});
    });
  }

  result<void> replace_by_id(std::size_t model, const value& id, std::string_view data) override {
    return with_model(model, [&]<class M>(M*) {
      auto r = db_->template repo<M>();
      return key_of<M>(id)
          .and_then([&](const auto& key) {
            return entity_of<M>(data).and_then([&](M e) -> result<M> {
              const auto& k = e.*detail::member_pointer<M, model_pk<M>()>;
              if (k != std::remove_cvref_t<decltype(key)>{} && k != key) {
                return make_error(errc::invalid_argument, model_info_of<M>().name + ": the body's key " +
                                                              describe(detail::view_of(k)) + " is not the path's " +
                                                              describe(detail::view_of(key)));
              }
              return r.replace_by_id(key, std::move(e));
            });
          })
          .transform([](const M&) {});
    });
  }

  result<void> delete_by_id(std::size_t model, const value& id) override {
    return with_model(model, [&]<class M>(M*) {
      return key_of<M>(id).and_then([&](const auto& key) { return db_->template repo<M>().delete_by_id(key); });
    });
  }

  result<std::string> related_find(std::size_t relation, const value& id, std::string_view filter) const override {
    return with_relation<std::string>(relation, [&]<class R, way W>(walk<R, W>) -> result<std::string> {
      using C = typename R::child;
      if constexpr (W == way::belongs_to) {
        if (!filter.empty()) {
          return make_error(errc::invalid_filter, "a belongsTo route takes no filter: " + std::string(filter));
        }
        return key_of<C>(id).and_then([&](const key_t<C>& key) {
          return db_->template repo<C>().template parent_by<R>(key).transform(object_json<typename R::parent>);
        });
      } else {
        return parent_key<R>(id).and_then([&](const auto& key) -> result<std::string> {
          auto rel = constrained<R>(key);
          if constexpr (W == way::parent_side && R::unique) {
            return (filter.empty() ? rel.get() : rel.get(filter)).transform(row_json<C>);
          } else if constexpr (W == way::through) {
            return (filter.empty() ? rel.find() : rel.find(filter)).transform(array_json<C>);
          } else {
            return find_json<C>(rel, filter);
          }
        });
      }
    });
  }

  result<std::string> related_create(std::size_t relation, const value& id, std::string_view data) override {
    return with_relation<std::string>(relation, [&]<class R, way W>(walk<R, W>) -> result<std::string> {
      using C = typename R::child;
      if constexpr (W == way::belongs_to) {
        return not_walkable(R::inverse_name(), "create");
      } else {
        return parent_key<R>(id).and_then([&](const auto& key) -> result<std::string> {
          auto rel = constrained<R>(key);
          if constexpr (W == way::through) {
            return entity_of<C>(data).and_then([&](C e) { return rel.create(std::move(e)); }).transform(object_json<C>);
          } else {
            return rel.create_json(data).transform(object_json<C>);
          }
        });
      }
    });
  }

  result<std::size_t> related_patch(std::size_t relation, const value& id, std::string_view where,
                                    std::string_view data) override {
    return with_relation<std::size_t>(relation, [&]<class R, way W>(walk<R, W>) -> result<std::size_t> {
      using C = typename R::child;
      if constexpr (W == way::belongs_to) {
        return not_walkable(R::inverse_name(), "patch");
      } else {
        return parent_key<R>(id).and_then([&](const auto& key) {
          auto rel = constrained<R>(key);
          return db_->template repo<C>().parse_patch(data).and_then([&](const patch<C>& p) {
            return where_of<C>(where).and_then([&](const relstore::where<C>& w) { return rel.patch(p, w); });
          });
        });
      }
    });
  }

  result<std::size_t> related_delete(std::size_t relation, const value& id, std::string_view where) override {
    return with_relation<std::size_t>(relation, [&]<class R, way W>(walk<R, W>) -> result<std::size_t> {
      using C = typename R::child;
      if constexpr (W == way::belongs_to) {
        return not_walkable(R::inverse_name(), "delete");
      } else {
        return parent_key<R>(id).and_then([&](const auto& key) {
          auto rel = constrained<R>(key);
          return where_of<C>(where).and_then([&](const relstore::where<C>& w) { return rel.delete_all(w); });
        });
      }
    });
  }

 private:
  template <class M>
  static constexpr std::size_t model_pk() {
    return detail::engine<Schema>::template pk<M>;
  }
  template <class M>
  using key_t = typename repository<Schema, M>::key_type;

  // Calls f(static_cast<M*>(nullptr)) for model `index`.
  template <class F>
  static auto with_model(std::size_t index, F&& f) {
    RELSTORE_ASSERT(index < boost::mp11::mp_size<model_list>::value, "store_backend: no such model");
    return boost::mp11::mp_with_index<boost::mp11::mp_size<model_list>::value>(
        index, [&](auto i) { return f(static_cast<boost::mp11::mp_at_c<model_list, i>*>(nullptr)); });
  }

  // Calls f(walk<R, way>{}) for relation `index` of the registry: relation i
  // of relation_list is relations()[2 i] (from the parent) and [2 i + 1]
  // (its belongs_to), through j is [2 size(relation_list) + j] (schema.hpp).
  template <class T, class F>
  static result<T> with_relation(std::size_t index, F&& f) {
    if (index < 2 * relation_count) {
      if constexpr (relation_count > 0) {
        return boost::mp11::mp_with_index<relation_count>(index / 2, [&](auto i) -> result<T> {
          using R = boost::mp11::mp_at_c<relation_list, i>;
          if (index % 2 == 0) return f(walk<R, way::parent_side>{});
          return f(walk<R, way::belongs_to>{});
        });
      }
    } else if (index < 2 * relation_count + through_count) {
      if constexpr (through_count > 0) {
        return boost::mp11::mp_with_index<through_count>(index - 2 * relation_count, [&](auto i) -> result<T> {
          return f(walk<boost::mp11::mp_at_c<through_list, i>, way::through>{});
        });
      }
    }
    return make_error(errc::not_found, "store_backend: no relation " + std::to_string(index));
  }

  template <class M>
  static result<key_t<M>> key_of(const value& id) {
    using K = key_t<M>;
    if constexpr (std::is_same_v<K, std::string>) {
      if (const auto* s = std::get_if<std::string>(&id)) return *s;
    } else {
      if (const auto* i = std::get_if<std::int64_t>(&id)) return static_cast<K>(*i);
    }
    return make_error(errc::invalid_argument, model_info_of<M>().name + ": " + describe(id) + " is not a key");
  }

  // The key_from value of the parent (the source) with primary key `id`.
  template <class R>
  result<typename R::parent_key_type> parent_key(const value& id) const {
    using P = typename R::parent;
    return key_of<P>(id).and_then([&](const key_t<P>& key) {
      return db_->template repo<P>().find_by_id(key).transform(
          [](const P& p) { return typename R::parent_key_type(p.*detail::member_pointer<P, R::parent_key>); });
    });
  }

  template <class R, class K>
  auto constrained(const K& key) const {
    if constexpr (R::is_through) {
      return has_many_through_repository<Schema, R>(db_, key);
    } else if constexpr (R::unique) {
      return has_one_repository<Schema, R>(db_, key);
    } else {
      return has_many_repository<Schema, R>(db_, key);
    }
  }

  template <class M>
  result<relstore::where<M>> where_of(std::string_view json) const {
    if (json.empty()) return relstore::where<M>{};
    return db_->template repo<M>().parse_where(json);
  }

  // A whole entity from a JSON object (a create's rules: required fields,
  // generated keys; fields left out keep M's defaults).
  template <class M>
  static result<M> entity_of(std::string_view json) {
    return detail::parse_object_json(Schema::registry(), Schema::template model_index<M>, json)
        .and_then([](const detail::field_changes& c) { return detail::entity_from<M>(c); });
  }

  static error not_walkable(std::string_view relation, const char* what) {
    return make_error(errc::invalid_argument,
                      "cannot " + std::string(what) + " through belongs_to " + std::string(relation));
  }

  template <class M>
  static std::string array_json(const rows<M>& r) {
    std::string out;
    append_json(r, out);
    return out;
  }
  // Every field of `e`, appended to `out` as a JSON object.
  template <class M>
  static void append_object(const M& e, std::string& out) {
    detail::write_json(detail::info_of<M>(), &e, ~std::uint64_t{0}, out);
  }
  template <class M>
  static std::string object_json(const M& e) {
    std::string out;
    append_object(e, out);
    return out;
  }
  template <class M>
  static std::string row_json(const row<M>& r) {
    return r.to_json();
  }

  // What repo.find(json) finds, as a JSON array. Without include or fields
  // the entities are written where they are stored (repo.view), uncopied:
  // the hot path of GET /customers/1/orders.
  template <class M, class Repo>
  result<std::string> find_json(const Repo& repo, std::string_view json) const {
    auto parsed =
        json.empty() ? result<relstore::filter<M>>(relstore::filter<M>{}) : db_->template repo<M>().parse_filter(json);
    return std::move(parsed).and_then([&](const relstore::filter<M>& f) -> result<std::string> {
      const detail::filter_spec& s = detail::spec_access::spec(f);
      if (!s.include.empty() || s.fields) return repo.find(f).transform(array_json<M>);
      return repo.view(f).transform([](const entity_view<M>& v) {
        std::string out = "[";
        for (const M& e : v) {
          append_object(e, out);
          out += ',';
        }
        if (out.size() > 1) out.pop_back();
        out += ']';
        return out;
      });
    });
  }

  store<Schema>* db_;
};

}  // namespace relstore::rest
