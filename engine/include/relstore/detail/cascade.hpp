// Deletes and their on-delete policies: the cascade closure is computed
// first (iteratively: chains of any depth), then a restrict rejects only if
// a child of a deleted parent would survive the whole operation, then
// set_null nulls the surviving children, and only then is anything erased.
// Nothing changes unless the whole operation is valid. Internal.
#pragma once

#include <boost/mp11/algorithm.hpp>
#include <cstddef>
#include <tuple>
#include <unordered_set>
#include <vector>

#include "relstore/assert.hpp"
#include "relstore/detail/errors.hpp"
#include "relstore/detail/integrity.hpp"
#include "relstore/detail/storage.hpp"
#include "relstore/error.hpp"
#include "relstore/registry.hpp"

namespace relstore::detail {

template <class S>
class cascade {
  using model_list = typename S::model_list;
  using relation_list = typename S::relation_list;

  template <class M>
  struct doomed {
    std::vector<const M*> list;
    std::unordered_set<const M*> set;
    std::size_t done = 0;
  };
  using doomed_sets = mp::mp_rename<mp::mp_transform<doomed, model_list>, std::tuple>;

  template <class R>
  struct null_list {
    std::vector<const typename R::child*> list;
  };
  using null_lists = mp::mp_rename<mp::mp_transform<null_list, relation_list>, std::tuple>;

 public:
  // Deletes `roots` (in key order) and whatever their relations' policies
  // reach. Returns how many roots it deleted itself: as with SQLite's change
  // count, a root that the cascade of an earlier root already took is not
  // counted.
  template <class M>
  static result<std::size_t> erase(storage<S>& st, const std::vector<const void*>& roots) {
    doomed_sets sets;
    auto& mine = std::get<doomed<M>>(sets);
    std::size_t deleted = 0;
    for (const void* p : roots) {
      const M* e = static_cast<const M*>(p);
      if (!mine.set.insert(e).second) continue;
      mine.list.push_back(e);
      ++deleted;
      close(st, sets);
    }
    null_lists nulls;
    if (auto r = check(st, sets, nulls); !r) return std::move(r).error();
    apply_nulls(st, nulls);
    mp::mp_for_each<model_list>([&](auto m) {
      using T = decltype(m);
      auto& d = std::get<doomed<T>>(sets);
      auto& items = st.template tab<T>().items;
      if (d.list.size() == items.size()) {
        items.clear();
      } else {
        for (const T* e : d.list) items.erase(items.iterator_to(*e));
      }
    });
    return deleted;
  }

 private:
  // Adds cascade children until nothing changes. Iterative: no recursion.
  static void close(const storage<S>& st, doomed_sets& sets) {
    bool progress = true;
    while (progress) {
      progress = false;
      mp::mp_for_each<model_list>([&](auto m) {
        using M = decltype(m);
        auto& d = std::get<doomed<M>>(sets);
        while (d.done < d.list.size()) {
          const M* e = d.list[d.done++];
          progress = true;
          mp::mp_for_each<relation_list>([&](auto rel) {
            using R = decltype(rel);
            if constexpr (std::is_same_v<typename R::parent, M> && R::policy == on_delete::cascade) {
              using C = typename R::child;
              using CK = member_type<C, R::child_key>;
              auto& cd = std::get<doomed<C>>(sets);
              st.template tab<C>().template for_each_equal<R::child_key>(CK(e->*member_pointer<M, R::parent_key>),
                                                                         [&](const C& c) {
                                                                           if (cd.set.insert(&c).second)
                                                                             cd.list.push_back(&c);
                                                                         });
            }
          });
        }
      });
    }
  }

  // Judges the end state: a restrict rejects only if a child of a deleted
  // parent would survive. Collects surviving set_null children.
  static result<void> check(const storage<S>& st, doomed_sets& sets, null_lists& nulls) {
    result<void> out;
    mp::mp_for_each<relation_list>([&](auto rel) {
      using R = decltype(rel);
      if constexpr (R::policy != on_delete::cascade) {
        using P = typename R::parent;
        using C = typename R::child;
        using CK = member_type<C, R::child_key>;
        if (!out) return;
        auto& pd = std::get<doomed<P>>(sets);
        auto& cd = std::get<doomed<C>>(sets);
        auto& nl = std::get<null_list<R>>(nulls).list;
        for (const P* e : pd.list) {
          std::size_t survivors = 0;
          st.template tab<C>().template for_each_equal<R::child_key>(CK(e->*member_pointer<P, R::parent_key>),
                                                                     [&](const C& c) {
                                                                       if (cd.set.count(&c)) return;
                                                                       ++survivors;
                                                                       if constexpr (R::policy == on_delete::set_null)
                                                                         nl.push_back(&c);
                                                                     });
          if constexpr (R::policy == on_delete::restrict) {
            if (survivors > 0) {
              out = delete_restricted(S::registry(), has_many_info<S, R>(),
                                      view_of(e->*member_pointer<P, storage<S>::template pk<P>>), survivors);
              return;
            }
          }
        }
      }
    });
    return out;
  }

  static void apply_nulls(storage<S>& st, null_lists& nulls) {
    mp::mp_for_each<relation_list>([&](auto rel) {
      using R = decltype(rel);
      if constexpr (R::policy == on_delete::set_null) {
        using C = typename R::child;
        auto& items = st.template tab<C>().items;
        for (const C* c : std::get<null_list<R>>(nulls).list) {
          C copy = *c;
          (copy.*member_pointer<C, R::child_key>).reset();
          const bool ok = items.replace(items.iterator_to(*c), std::move(copy));
          RELSTORE_ASSERT(ok, "relstore: set_null could not update a child");
        }
      }
    });
  }
};

}  // namespace relstore::detail
