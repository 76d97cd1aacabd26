// A dataset's rows as JSON Lines.
#include "relstore/dump.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "relstore/detail/json_filter.hpp"
#include "relstore/detail/json_write.hpp"
#include "relstore/detail/query.hpp"

namespace relstore {

result<std::size_t> dump_dataset(const dataset& data, std::string_view model, std::string_view filter_json,
                                 std::ostream& out) {
  const auto& store = detail::dataset_access::of(data);
  const registry& reg = store.schema();
  std::vector<std::size_t> models;
  if (model.empty()) {
    for (std::size_t i = 0; i < reg.model_count(); ++i) models.push_back(i);
  } else {
    auto m = reg.find_model(model);
    if (!m) return make_error(errc::invalid_argument, "the snapshot has no model " + std::string(model));
    models.push_back(*m);
  }
  if (!filter_json.empty() && models.size() != 1) {
    return make_error(errc::invalid_argument, "a filter needs --model: fields differ between models");
  }
  std::size_t written = 0;
  std::string line;
  for (std::size_t m : models) {
    detail::filter_spec spec;
    if (!filter_json.empty()) {
      auto parsed = detail::parse_filter_json(reg, m, filter_json);
      if (!parsed) return std::move(parsed).error();
      spec = std::move(*parsed);
      if (!spec.include.empty()) return make_error(errc::invalid_filter, "dump does not support include");
      if (auto r = detail::validate_filter(reg, m, spec); !r) return std::move(r).error();
    }
    const model_info& info = reg.model(m);
    const std::string name = boost::json::serialize(boost::json::string(info.name));
    const std::uint64_t mask = spec.fields.value_or(~std::uint64_t{0});
    auto hits = detail::run_query(store.table(m), spec);
    if (!hits) return std::move(hits).error();
    for (const void* e : *hits) {
      line.clear();
      line.append("{\"model\":").append(name).append(",\"row\":");
      detail::write_json(info, e, mask, line);
      line += "}\n";
      out << line;
      ++written;
    }
  }
  if (!out) return make_error(errc::io_error, "cannot write the dump");
  return written;
}

}  // namespace relstore
