// has_many_through_repository<Schema, R>: the constrained repository of one
// parent's targets under a has_many_through, the analog of LoopBack's
// patientRepo.doctors(patientId): find, create, link, unlink, patch and
// delete act only on the targets this parent's links reach.
//
// The through rows (links) are ordinary rows of the through model: their
// two keys are enforced by the has_many relations the schema declares into
// it, and each pair is linked once unless the relation allows repeated
// links (a second link is already_exists). Every write here is all or
// nothing (create makes the target and its link, or neither).
//
// A handle: invalidated when its store is destroyed or moved from.
#pragma once

#include <algorithm>
#include <cstddef>
#include <functional>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "relstore/delete_report.hpp"
#include "relstore/detail/errors.hpp"
#include "relstore/detail/json_filter.hpp"
#include "relstore/detail/where.hpp"
#include "relstore/error.hpp"
#include "relstore/filter.hpp"
#include "relstore/fwd.hpp"
#include "relstore/patch.hpp"
#include "relstore/row.hpp"
#include "relstore/store.hpp"

namespace relstore {

template <class Schema, class R>
class has_many_through_repository {
  using S = std::remove_const_t<Schema>;
  using engine = detail::engine<S>;
  using P = typename R::parent;
  using T = typename R::target;
  using L = typename R::through;
  static constexpr bool writable = !std::is_const_v<Schema>;
  using store_type = std::conditional_t<writable, store<S>, const store<S>>;
  using spec = detail::spec_access;
  // The has_many parent -> through that enforces the links' parent key.
  using from_relation = detail::relation_at<S, detail::through_from_relation<S, R>()>;

 public:
  using parent_type = P;
  using model_type = T;
  using through_type = L;
  using parent_key_type = typename R::parent_key_type;
  using target_key_type = typename R::target_key_type;

  has_many_through_repository(store_type* s, parent_key_type parent_key)
      : store_(s), parent_key_(std::move(parent_key)), from_key_(parent_key_) {}

  const parent_key_type& parent_key() const noexcept { return parent_key_; }

  // The targets this parent's links reach, each once, restricted to links
  // matching `through` (LoopBack's throughWhere), then `f` applied to the
  // targets (where, order, skip, limit, fields, include).
  result<rows<T>> find(const filter<T>& f = {}, const where<L>& through = {}) const {
    return eng().template validate<T>(spec::spec(f)).and_then([&] {
      return linked_keys(through).and_then(
          [&](const detail::where_node& mine) { return eng().template run<T>(spec::spec(f), &mine); });
    });
  }
  result<rows<T>> find(std::string_view filter_json, std::string_view through_where_json = "{}") const {
    return detail::parse_filter_json(S::registry(), index_of<T>(), filter_json).and_then([&](detail::filter_spec s) {
      return parse_through(through_where_json).and_then([&](const where<L>& w) {
        return find(spec::make<filter<T>>(std::move(s)), w);
      });
    });
  }

  result<std::size_t> count(const where<T>& w = {}, const where<L>& through = {}) const {
    return targets(w, through).transform([](const std::vector<const void*>& t) { return t.size(); });
  }

  // Creates `target` and a link to it from this parent; the link's keys are
  // filled in (another value there is constraint_violation), its other
  // fields come from `link`. Both or neither.
  template <bool W = writable>
  result<T> create(T target, L link = {}) {
    return writer<W>().atomically([&]() -> result<T> {
      auto made = writer<W>().template create<T>(std::move(target));
      if (!made) return made;
      if (auto r = claim(link, (*made).*detail::member_pointer<T, R::child_key>); !r) return std::move(r).error();
      if (auto l = writer<W>().template insert<L>(std::move(link)); !l) return std::move(l).error();
      return made;
    });
  }

  // Links existing target `id` to this parent (LoopBack's link); returns the
  // link. Errors: not_found (no such target), already_exists (the pair is
  // linked and repeated links are not allowed), foreign_key_violation (no
  // such parent), constraint_violation (`link` names other ends).
  template <bool W = writable>
  result<L> link(const target_key_type& id, L link = {}) {
    if (eng().template tab<T>().find(id) == nullptr) {
      return detail::deferred_not_found(model_info_of<T>(), detail::view_of(id));
    }
    if (auto r = claim(link, id); !r) return std::move(r).error();
    return writer<W>().template create<L>(std::move(link));
  }

  // Removes this parent's links to target `id` (LoopBack's unlink); returns
  // how many. The targets stay.
  template <bool W = writable>
  result<std::size_t> unlink(const target_key_type& id) {
    std::vector<const void*> mine;
    for_each_link([&](const L& l) {
      const auto* to = detail::key_ptr(l.*detail::member_pointer<L, R::to_key>);
      if (to != nullptr && *to == id) mine.push_back(&l);
    });
    return writer<W>().template erase<L>(mine);
  }
  // Removes every link of this parent (LoopBack's unlinkAll); returns how many.
  template <bool W = writable>
  result<std::size_t> unlink_all() {
    std::vector<const void*> mine;
    for_each_link([&](const L& l) { mine.push_back(&l); });
    return writer<W>().template erase<L>(mine);
  }

  // Patches the targets find(w, through) reaches; returns how many.
  template <bool W = writable>
  result<std::size_t> patch(const relstore::patch<T>& p, const where<T>& w = {}, const where<L>& through = {}) {
    return targets(w, through).and_then([&](const std::vector<const void*>& hit) -> result<std::size_t> {
      return writer<W>().template patch<T>(hit, spec::spec(p)).transform([&] { return hit.size(); });
    });
  }

  // Deletes the targets find(w, through) reaches, with this parent's links
  // to them first (as LoopBack does); the targets' own relations then apply
  // their policies (a target another parent still links is refused under
  // restrict). Returns how many targets it deleted itself
  // (repository::delete_all's count); all or nothing.
  template <bool W = writable>
  result<std::size_t> delete_all(const where<T>& w = {}, const where<L>& through = {}) {
    return targets(w, through).and_then([&](std::vector<const void*> hit) -> result<std::size_t> {
      std::sort(hit.begin(), hit.end(), std::less<>{});
      std::vector<const void*> links;
      for_each_link([&](const L& l) {
        const auto* to = detail::key_ptr(l.*detail::member_pointer<L, R::to_key>);
        if (to == nullptr) return;
        const T* t = eng().template tab<T>().find(*to);
        if (t != nullptr && std::binary_search(hit.begin(), hit.end(), static_cast<const void*>(t), std::less<>{})) {
          links.push_back(&l);
        }
      });
      engine::template table_t<T>::sort_keys(hit);
      return writer<W>().atomically([&]() -> result<std::size_t> {
        if (auto r = writer<W>().template erase<L>(links); !r) return std::move(r).error();
        return writer<W>().template erase<T>(hit);
      });
    });
  }

 private:
  template <class M>
  static std::size_t index_of() {
    return S::template model_index<M>;
  }
  const engine& eng() const { return detail::store_access::of(*store_); }
  template <bool W>
  engine& writer() const {
    return detail::store_access::writer<W>(store_);
  }

  result<where<L>> parse_through(std::string_view json) const {
    return detail::parse_where_json(S::registry(), index_of<L>(), json).transform([](detail::where_node n) {
      return spec::make<where<L>>(std::move(n));
    });
  }

  template <class F>
  void for_each_link(F&& fn) const {
    eng().template tab<L>().template for_each_equal<R::from_key>(from_key_, std::forward<F>(fn));
  }

  // The targets this parent's links matching `through` reach, each once.
  result<std::vector<const void*>> reached(const where<L>& through) const {
    return detail::validate_where(model_info_of<L>(), spec::spec(through), eng().bounds())
        .and_then([&] { return eng().template children_of<from_relation>(from_key_, &spec::spec(through)); })
        .transform([&](const std::vector<const void*>& links) {
          std::vector<const void*> out;
          out.reserve(links.size());
          for (const void* p : links) {
            const auto* to = detail::key_ptr(static_cast<const L*>(p)->*detail::member_pointer<L, R::to_key>);
            if (to == nullptr) continue;
            if (const T* t = eng().template tab<T>().find(*to)) out.push_back(t);
          }
          std::sort(out.begin(), out.end(), std::less<>{});
          out.erase(std::unique(out.begin(), out.end()), out.end());
          return out;
        });
  }
  // A where on T's primary key naming exactly the reached targets.
  result<detail::where_node> linked_keys(const where<L>& through) const {
    return reached(through).transform([](const std::vector<const void*>& hit) {
      detail::where_node n;
      n.kind = op::inq;
      n.field = static_cast<std::uint32_t>(R::child_key);
      n.operands.reserve(hit.size());
      for (const void* p : hit) {
        n.operands.push_back(
            detail::to_operand<target_key_type>(static_cast<const T*>(p)->*detail::member_pointer<T, R::child_key>));
      }
      detail::index_operands(n);
      return n;
    });
  }
  // The reached targets matching `w`, in key order.
  result<std::vector<const void*>> targets(const where<T>& w, const where<L>& through) const {
    return detail::validate_where(model_info_of<T>(), spec::spec(w), eng().bounds()).and_then([&] {
      return linked_keys(through).and_then([&](detail::where_node mine) {
        detail::where_node both;
        both.kind = op::and_;
        both.children = {std::move(mine), spec::spec(w)};
        return eng().template select<T>(&both);
      });
    });
  }

  // Fills in the link's two keys; rejects one naming other ends.
  result<void> claim(L& link, const target_key_type& target) const {
    auto fill = [&](auto& field, const auto& want, std::size_t index) -> result<void> {
      using K = std::remove_cvref_t<decltype(want)>;
      if constexpr (detail::is_optional_v<std::remove_cvref_t<decltype(field)>>) {
        if (field && !(*field == want)) return changed(index, detail::view_of(*field));
      } else {
        if (!(field == K{}) && !(field == want)) return changed(index, detail::view_of(field));
      }
      field = want;
      return {};
    };
    if (auto r = fill(link.*detail::member_pointer<L, R::from_key>, parent_key_, R::from_key); !r) return r;
    return fill(link.*detail::member_pointer<L, R::to_key>, target, R::to_key);
  }
  error changed(std::size_t field, const value_view& given) const {
    return detail::key_cannot_change(model_info_of<L>(), field, given, model_info_of<P>(),
                                     detail::view_of(parent_key_));
  }

  store_type* store_;
  parent_key_type parent_key_;
  detail::member_type<L, R::from_key> from_key_;  // parent_key_ as the link's key type
};

}  // namespace relstore
