// Reading the snapshot payload, in Boost.Serialization's binary, text and XML archives.
#include "relstore/detail/codec.hpp"

#include <algorithm>
#include <boost/archive/archive_exception.hpp>
#include <boost/archive/binary_iarchive.hpp>
#include <boost/archive/text_iarchive.hpp>
#include <boost/archive/xml_archive_exception.hpp>
#include <boost/archive/xml_iarchive.hpp>
#include <boost/serialization/array_wrapper.hpp>
#include <boost/serialization/nvp.hpp>
#include <boost/serialization/string.hpp>
#include <cstring>
#include <istream>
#include <new>
#include <streambuf>
#include <string_view>
#include <type_traits>
#include <vector>

#include "relstore/detail/text_escape.hpp"
#include "relstore/detail/value_ops.hpp"

namespace relstore::detail {
namespace {

using boost::serialization::make_array;
using boost::serialization::make_nvp;

// A read-only streambuf over a byte range that can tell its position.
class span_buf : public std::streambuf {
 public:
  span_buf(const char* data, std::size_t size) {
    char* p = const_cast<char*>(data);
    setg(p, p, p + size);
  }
  std::size_t remaining() const { return static_cast<std::size_t>(egptr() - gptr()); }
  // The next `n` bytes (fewer at the end), consumed.
  std::string_view take(std::size_t n) {
    n = std::min(n, remaining());
    const std::string_view out(gptr(), n);
    setg(eback(), gptr() + n, egptr());
    return out;
  }

 protected:
  pos_type seekoff(off_type off, std::ios_base::seekdir dir, std::ios_base::openmode) override {
    if (off != 0 || dir != std::ios_base::cur) return pos_type(off_type(-1));
    return pos_type(static_cast<off_type>(gptr() - eback()));
  }
};

struct corrupt_payload {
  std::string message;
};

template <class Ar>
struct payload_reader {
  Ar& ar;
  span_buf& buf;
  bool binary;
  std::uint32_t version;  // the envelope's format version
  std::string& at;        // what is being read, for an archive's own error

  [[noreturn]] static void fail(std::string message) { throw corrupt_payload{std::move(message)}; }

  // Each element takes at least `size` bytes in a binary archive and at
  // least one character in a text one: a count beyond that is a lie.
  void bound(std::uint64_t count, std::size_t size, const char* what) const {
    const std::uint64_t per = binary ? size : 1;
    if (count > buf.remaining() / per) {
      fail(std::string(what) + ": count " + std::to_string(count) + " exceeds the " + std::to_string(buf.remaining()) +
           " bytes left in the payload");
    }
  }
  template <class T>
  T item(const char* name) {
    T v{};
    ar >> make_nvp(name, v);
    return v;
  }
  // Strings are escaped text since version 3 in text and XML archives.
  bool readable() const { return !binary && version >= 3; }
  std::string text(const char* name) {
    if (readable()) {
      auto s = unescape_text(escaped(name));
      if (!s) fail(std::string(name) + ": a malformed escape in a string");
      return std::move(*s);
    }
    const auto n = item<std::uint64_t>(name);
    bound(n, 1, name);
    std::string s(static_cast<std::size_t>(n), '\0');
    if (n) ar >> make_nvp("bytes", make_array(s.data(), s.size()));
    return s;
  }
  // A string as written: read here in a text archive, whose own load would
  // allocate whatever length the file declares; an XML element's content is
  // as long as the payload at most.
  std::string escaped(const char* name) {
    if constexpr (std::is_same_v<Ar, boost::archive::text_iarchive>) {
      const auto n = item<std::uint64_t>(name);
      bound(n, 1, name);
      if (buf.take(1) != " ") fail(std::string(name) + ": no space after a string's length");
      const std::string_view chars = buf.take(static_cast<std::size_t>(n));
      if (chars.size() != n) fail(std::string(name) + ": a string is cut short");
      return std::string(chars);
    } else {
      std::string s;
      ar >> make_nvp(name, s);
      return s;
    }
  }
  // Reads `n` cells written as Stored, a type of T's size (a double is
  // written as its bits), into v. A binary archive's cells are raw bytes in
  // the payload, copied into v whole, never one by one.
  template <class Stored, class T, class A>
  void cells_as(const char* name, std::vector<T, A>& v, std::uint64_t n) {
    static_assert(sizeof(Stored) == sizeof(T) && std::is_trivially_copyable_v<T>);
    bound(n, sizeof(Stored), name);
    if (binary) {
      const std::string_view bytes = buf.take(static_cast<std::size_t>(n) * sizeof(T));
      v.resize(static_cast<std::size_t>(n));
      if (n) std::memcpy(v.data(), bytes.data(), bytes.size());
      return;
    }
    if constexpr (std::is_same_v<Stored, T>) {
      v.resize(static_cast<std::size_t>(n));
      if (n) ar >> make_nvp(name, make_array(v.data(), v.size()));
    } else {
      std::vector<Stored> stored;
      cells_as<Stored>(name, stored, n);
      v.resize(stored.size());
      if (!stored.empty()) std::memcpy(v.data(), stored.data(), stored.size() * sizeof(T));
    }
  }
  template <class T, class A>
  void array(const char* name, std::vector<T, A>& v, std::uint64_t n) {
    cells_as<T>(name, v, n);
  }
  template <class T>
  T must(result<T> r, const char* what) {
    if (!r) fail(std::string("its ") + what + " is refused: " + r.error().message());
    return std::move(*r);
  }

  // The enumerators of an enum field of integer type `type`.
  std::shared_ptr<const enum_info> read_enum(const std::string& field, field_type type) {
    const auto range = integer_range_of(type);
    if (!range) fail("field " + field + " is an enum over " + std::string(to_string(type)) + ", not an integer");
    auto e = std::make_shared<enum_info>();
    e->name = text("enum");
    const auto count = item<std::uint32_t>("enumerators");
    bound(count, 2, "enumerators");
    for (std::uint32_t i = 0; i < count; ++i) {
      std::string name = text("enumerator");
      const auto v = item<std::int64_t>("value");
      // A uint64 enumerator is held as its bits: any int64 is one.
      const bool fits = type == field_type::uint64 || range->contains(v);
      if (name.empty() || e->find(name) != nullptr || !fits) {
        fail("field " + field + ": enumerator " + describe(value(name)) + " = " + std::to_string(v) +
             " is empty, repeated or out of range");
      }
      e->enumerators.push_back({std::move(name), v});
    }
    return e;
  }

  column_store read() {
    column_store ds;
    at = "the schema";
    const auto model_count = item<std::uint32_t>("models");
    if (model_count > max_snapshot_models) fail("model count " + std::to_string(model_count) + " is absurd");
    bound(model_count, 4, "models");
    for (std::uint32_t m = 0; m < model_count; ++m) {
      model_info info;
      info.name = text("name");
      info.primary_key = item<std::uint32_t>("primary_key");
      const auto field_count = item<std::uint32_t>("fields");
      if (field_count == 0 || field_count > max_fields) {
        fail("model " + info.name + " has " + std::to_string(field_count) + " fields (1 to 64 allowed)");
      }
      info.fields.resize(field_count);
      for (auto& f : info.fields) {
        f.name = text("field");
        const auto code = item<std::uint8_t>("type");
        const auto type = static_cast<std::uint8_t>(code & ~enum_type_flag);
        if (type > static_cast<std::uint8_t>(field_type::array)) {
          fail("field " + info.name + "." + f.name + " has unknown type " + std::to_string(code));
        }
        f.type = static_cast<field_type>(type);
        const auto nullable = item<std::uint8_t>("nullable");
        if (nullable > 1) fail("field " + info.name + "." + f.name + ": bad nullable flag");
        f.nullable = nullable == 1;
        if (f.type == field_type::array) {  // since the array type: its element type and length
          if (code & enum_type_flag) fail("field " + info.name + "." + f.name + " is an array and an enum");
          const auto element = item<std::uint8_t>("element");
          f.element = static_cast<field_type>(element);
          if (!is_number_type(f.element)) {
            fail("field " + info.name + "." + f.name + " is an array of unknown element type " +
                 std::to_string(element));
          }
          f.extent = item<std::uint32_t>("extent");
          if (f.extent == 0 || f.extent > max_extent) {
            fail("field " + info.name + "." + f.name + " is an array of " + std::to_string(f.extent) +
                 " elements (1 to 64 allowed)");
          }
        }
        if (code & enum_type_flag) f.enumeration = read_enum(info.name + "." + f.name, f.type);
      }
      (void)must(ds.add_model(std::move(info)), "schema");
    }
    const registry& reg = ds.schema();
    const auto relation_count = item<std::uint32_t>("relations");
    if (relation_count > max_snapshot_relations)
      fail("relation count " + std::to_string(relation_count) + " is absurd");
    bound(relation_count, 4, "relations");
    for (std::uint32_t i = 0; i < relation_count; ++i) {
      const std::string name = text("name");
      has_many_options o;
      o.inverse = text("inverse");
      const auto parent = item<std::uint32_t>("parent");
      const auto child = item<std::uint32_t>("child");
      const auto parent_key = item<std::uint32_t>("parent_key");
      const auto child_key = item<std::uint32_t>("child_key");
      const auto policy = item<std::uint8_t>("policy");
      // Version 1 knew has_many only.
      const auto kind = version >= 2 ? item<std::uint8_t>("kind") : static_cast<std::uint8_t>(relation_kind::has_many);
      if (kind != static_cast<std::uint8_t>(relation_kind::has_many) &&
          kind != static_cast<std::uint8_t>(relation_kind::has_one)) {
        fail("relation " + name + ": unknown kind " + std::to_string(kind));
      }
      if (parent >= reg.model_count() || child >= reg.model_count()) {
        fail("relation " + name + " names a model that does not exist");
      }
      if (parent_key >= reg.model(parent).fields.size() || child_key >= reg.model(child).fields.size()) {
        fail("relation " + reg.model(parent).name + "." + name + " names a key field that does not exist");
      }
      if (policy > static_cast<std::uint8_t>(on_delete::set_null)) fail("relation " + name + ": unknown policy");
      o.policy = static_cast<on_delete>(policy);
      o.key_from = reg.model(parent).fields[parent_key].name;
      o.key_to = reg.model(child).fields[child_key].name;
      // An empty inverse would mean "infer it": the file must name it.
      if (o.inverse.empty()) fail("relation " + reg.model(parent).name + "." + name + " has an empty inverse name");
      (void)must(
          ds.add_relation(static_cast<relation_kind>(kind), name, reg.model(parent).name, reg.model(child).name, o),
          "schema");
    }
    if (version >= 2) {
      const auto through_count = item<std::uint32_t>("through_relations");
      if (through_count > max_snapshot_relations) {
        fail("through relation count " + std::to_string(through_count) + " is absurd");
      }
      bound(through_count, 4, "through_relations");
      for (std::uint32_t i = 0; i < through_count; ++i) {
        const std::string name = text("name");
        const auto parent = item<std::uint32_t>("parent");
        const auto child = item<std::uint32_t>("child");
        const auto through = item<std::uint32_t>("through");
        const auto from = item<std::uint32_t>("through_from");
        const auto to = item<std::uint32_t>("through_to");
        const auto repeated = item<std::uint8_t>("repeated_links");
        if (parent >= reg.model_count() || child >= reg.model_count() || through >= reg.model_count()) {
          fail("relation " + name + " names a model that does not exist");
        }
        const model_info& t = reg.model(through);
        if (from >= t.fields.size() || to >= t.fields.size()) {
          fail("relation " + reg.model(parent).name + "." + name + " names a key field that does not exist");
        }
        if (repeated > 1) fail("relation " + name + ": bad repeated_links flag");
        has_many_through_options o{t.fields[from].name, t.fields[to].name, repeated == 1};
        (void)must(ds.add_has_many_through(name, reg.model(parent).name, reg.model(child).name, t.name, o), "schema");
      }
    }
    for (std::size_t m = 0; m < ds.model_count(); ++m) {
      column_table& t = ds.table(m);
      at = "the rows of " + t.info().name;
      const auto rows = item<std::uint64_t>("rows");
      bound(rows, 1, "rows");
      for (std::size_t i = 0; i < t.info().fields.size(); ++i) {
        const field_info& f = t.info().fields[i];
        column& c = t.at(i);
        at = "field " + t.info().name + "." + f.name;
        if (f.nullable) array("nulls", c.nulls, rows);
        // An array field holds `extent` cells a row, in row order.
        const std::uint64_t cells = rows * cells_of(f);
        switch (cell_type(f)) {
          case field_type::float64:
          case field_type::float32: {  // a float as the double equal to it
            cells_as<std::uint64_t>("doubles", c.doubles, cells);
            break;
          }
          case field_type::string: {
            if (readable()) {  // no reserve: each string takes a few characters, a std::string 32 bytes
              for (std::uint64_t r = 0; r < rows; ++r) c.strings.push_back(text("string"));
              break;
            }
            std::vector<std::uint64_t> lengths;
            array("lengths", lengths, rows);
            const auto blob_size = item<std::uint64_t>("blob_size");
            bound(blob_size, 1, "string bytes");
            std::uint64_t total = 0;
            for (auto n : lengths) {
              if (n > blob_size - total)
                fail("string lengths of " + t.info().name + "." + f.name + " exceed its bytes");
              total += n;
            }
            if (total != blob_size)
              fail("string lengths of " + t.info().name + "." + f.name + " disagree with its bytes");
            std::string copy;
            std::string_view blob;
            if (binary) {
              blob = buf.take(static_cast<std::size_t>(blob_size));
            } else {
              copy.assign(static_cast<std::size_t>(blob_size), '\0');
              if (blob_size) ar >> make_nvp("blob", make_array(copy.data(), copy.size()));
              blob = copy;
            }
            c.strings.reserve(lengths.size());
            std::size_t offset = 0;
            for (auto n : lengths) {
              c.strings.emplace_back(blob, offset, static_cast<std::size_t>(n));
              offset += static_cast<std::size_t>(n);
            }
            break;
          }
          default:
            array("ints", c.ints, cells);
            break;
        }
      }
      t.set_rows(static_cast<std::size_t>(rows));
      if (auto r = t.check(); !r) fail(r.error().message());
    }
    return ds;
  }
};

template <class Ar>
column_store read_with(std::string_view payload, bool binary, std::uint32_t version, std::string& at) {
  span_buf buf(payload.data(), payload.size());
  std::istream is(&buf);
  // no_xml_tag_checking: Boost 1.81's end-tag check reads past the expected
  // name when the file's tag is longer (found by the fuzzer; see
  // tests/fuzz/regressions). The payload is validated field by field anyway.
  Ar ar(is, boost::archive::no_header | boost::archive::no_xml_tag_checking);
  return payload_reader<Ar>{ar, buf, binary, version, at}.read();
}

std::string archive_problem(const boost::archive::archive_exception& e) {
  switch (e.code) {
    case boost::archive::archive_exception::input_stream_error:
      return "it ends early, or a value in it is malformed";
    case boost::archive::archive_exception::array_size_too_short:
      return "an array is longer than its buffer";
    case boost::archive::archive_exception::invalid_signature:
    case boost::archive::archive_exception::unsupported_version:
      return "its archive header is not Boost's";
    default:
      if (dynamic_cast<const boost::archive::xml_archive_exception*>(&e) != nullptr) return "its XML is malformed";
      return "Boost.Serialization error " + std::to_string(static_cast<int>(e.code));
  }
}

}  // namespace

result<column_store> decode(std::string_view payload, archive_format format, std::uint32_t version) {
  std::string at;
  try {
    switch (format) {
      case archive_format::text:
        return read_with<boost::archive::text_iarchive>(payload, false, version, at);
      case archive_format::xml:
        return read_with<boost::archive::xml_iarchive>(payload, false, version, at);
      default:
        return read_with<boost::archive::binary_iarchive>(payload, true, version, at);
    }
  } catch (const corrupt_payload& e) {
    return make_error(errc::snapshot_corrupt, "the snapshot payload is damaged: " + e.message);
  } catch (const boost::archive::archive_exception& e) {
    // Its what() may end in an errno text that says nothing here ("-Success").
    return make_error(errc::snapshot_corrupt, "the snapshot payload cannot be read as a " +
                                                  std::string(to_string(format)) + " archive: " + archive_problem(e) +
                                                  (at.empty() ? "" : " (in " + at + ")"));
  } catch (const std::bad_alloc&) {
    // Lengths are bounded by the bytes that remain: this is the machine's
    // memory, not a damaged file.
    return make_error(errc::io_error, "the snapshot payload cannot be read: out of memory");
  } catch (const std::exception& e) {
    return make_error(errc::snapshot_corrupt, std::string("the snapshot payload cannot be read: ") + e.what());
  }
}

}  // namespace relstore::detail
