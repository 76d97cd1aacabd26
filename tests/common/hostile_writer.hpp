// A payload in the snapshot layout, written field by field so that tests can
// lie in it, then sealed behind a valid envelope.
#pragma once

#include <boost/archive/binary_oarchive.hpp>
#include <boost/serialization/array_wrapper.hpp>
#include <cstdint>
#include <sstream>
#include <string>

#include "relstore/detail/envelope.hpp"

namespace test {

// customer_schema() writes one model "Customer" with fields id:int64,
// name:string, and no relation. The layout is format version 1's unless
// sealed(2) (version 2 adds each relation's kind and the through relations).
class hostile_writer {
 public:
  hostile_writer() : ar_(os_, boost::archive::no_header) {}
  template <class T>
  hostile_writer& put(T v) {
    ar_ << v;
    return *this;
  }
  hostile_writer& text(const std::string& s) {
    put<std::uint64_t>(s.size());
    if (!s.empty()) ar_ << boost::serialization::make_array(s.data(), s.size());
    return *this;
  }
  hostile_writer& customer_schema() {
    put<std::uint32_t>(1).text("Customer").put<std::uint32_t>(0).put<std::uint32_t>(2);
    text("id").put<std::uint8_t>(2).put<std::uint8_t>(0);
    text("name").put<std::uint8_t>(5).put<std::uint8_t>(0);
    return put<std::uint32_t>(0);  // relations
  }
  std::string sealed(std::uint32_t version = 1) {
    return relstore::detail::seal_snapshot(os_.str(), relstore::archive_format::binary, version);
  }

 private:
  std::ostringstream os_;
  boost::archive::binary_oarchive ar_;
};

}  // namespace test
