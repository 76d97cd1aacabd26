// The integrity check of a dataset.
#include "relstore/verify.hpp"

#include "relstore/detail/verify.hpp"

namespace relstore {

std::vector<violation> verify_dataset(const dataset& data, const progress_fn& progress) {
  std::vector<violation> out;
  const auto& store = detail::dataset_access::of(data);
  detail::verify(
      store.schema(), store.bases().data(),
      [&](const violation& v) {
        out.push_back(v);
        return true;
      },
      progress);
  return out;
}

}  // namespace relstore
