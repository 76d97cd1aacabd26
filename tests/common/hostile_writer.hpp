// A payload in the snapshot layout, written field by field so that tests can
// lie in it, then sealed behind a valid envelope.
#pragma once

#include <boost/archive/binary_oarchive.hpp>
#include <boost/archive/text_oarchive.hpp>
#include <boost/serialization/array_wrapper.hpp>
#include <boost/serialization/string.hpp>
#include <cstdint>
#include <sstream>
#include <string>
#include <type_traits>

#include "relstore/detail/envelope.hpp"
#include "relstore/detail/text_escape.hpp"

namespace test {

// customer_schema() writes one model "Customer" with fields id:int64,
// name:string, and no relation. The layout is format version 1's unless
// sealed(2) (version 2 adds each relation's kind and the through relations)
// or sealed(3) (a text archive's strings, with escaped_strings, are Boost's
// std::string of escape_text's text; binary payloads are version 2's).
template <class Ar>
class archive_writer {
 public:
  explicit archive_writer(bool escaped_strings = false)
      : ar_(os_, boost::archive::no_header), escaped_(escaped_strings) {}
  template <class T>
  archive_writer& put(T v) {
    ar_ << v;
    return *this;
  }
  archive_writer& text(const std::string& s) {
    if (escaped_) return put(relstore::detail::escape_text(s));
    put(std::uint64_t{s.size()});
    if (!s.empty()) ar_ << boost::serialization::make_array(s.data(), s.size());
    return *this;
  }
  archive_writer& customer_schema() {
    put(std::uint32_t{1}).text("Customer").put(std::uint32_t{0}).put(std::uint32_t{2});
    text("id").put(std::uint8_t{2}).put(std::uint8_t{0});
    text("name").put(std::uint8_t{5}).put(std::uint8_t{0});
    return put(std::uint32_t{0});  // relations
  }
  std::string sealed(std::uint32_t version = 1) {
    constexpr auto format = std::is_same_v<Ar, boost::archive::text_oarchive> ? relstore::archive_format::text
                                                                              : relstore::archive_format::binary;
    return relstore::detail::seal_snapshot(os_.str(), format, version);
  }

 private:
  std::ostringstream os_;
  Ar ar_;
  bool escaped_;
};

using hostile_writer = archive_writer<boost::archive::binary_oarchive>;
using text_writer = archive_writer<boost::archive::text_oarchive>;

}  // namespace test
