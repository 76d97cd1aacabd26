// Writing the snapshot payload, in Boost.Serialization's binary, text and XML
// archives, from rows pulled column by column.
#include "relstore/detail/encoder.hpp"

#include <boost/archive/binary_oarchive.hpp>
#include <boost/archive/text_oarchive.hpp>
#include <boost/archive/xml_oarchive.hpp>
#include <boost/serialization/array_wrapper.hpp>
#include <boost/serialization/nvp.hpp>
#include <boost/serialization/string.hpp>
#include <boost/serialization/wrapper.hpp>
#include <cstring>
#include <exception>
#include <ostream>
#include <span>
#include <stdexcept>
#include <streambuf>
#include <type_traits>
#include <vector>

#include "relstore/detail/text_escape.hpp"
#include "relstore/detail/value_ops.hpp"

namespace relstore::detail {
namespace {

using boost::serialization::make_array;
using boost::serialization::make_nvp;

// An output streambuf appending to a string reserved up front, so a large
// payload is written once instead of copied at every doubling.
class string_sink : public std::streambuf {
 public:
  explicit string_sink(std::size_t expected) { out_.reserve(expected); }
  std::string take() { return std::move(out_); }

 protected:
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    out_.append(s, static_cast<std::size_t>(n));
    return n;
  }
  int_type overflow(int_type c) override {
    if (!traits_type::eq_int_type(c, traits_type::eof())) out_.push_back(traits_type::to_char_type(c));
    return traits_type::not_eof(c);
  }

 private:
  std::string out_;
};

// One array element of a text or XML archive whose items are written by
// `write` as they come: what make_array writes in these archives (an
// "item" per value, no class information), without the values in one
// buffer.
struct streamed_items : boost::serialization::wrapper_traits<const streamed_items> {
  function_ref<void()> write;
  template <class Archive>
  void serialize(Archive&, unsigned) {
    write();
  }
};

// Text and XML archives (format version 3) write every string, name or cell,
// as escape_text's text in Boost's own std::string form: in a text archive
// its length, a space and its characters; in XML the element's content.
// Binary archives write a u64 length and the bytes, and a string column as
// its lengths and one blob.
template <class Ar>
struct payload_writer {
  Ar& ar;
  row_source& src;
  static constexpr bool readable = !std::is_same_v<Ar, boost::archive::binary_oarchive>;  // text or XML
  std::vector<std::uint64_t> scratch{};                                                   // a part's bits or lengths
  std::string blob{};                                                                     // a part's string bytes

  template <class T>
  void item(const char* name, const T& v) {
    ar << make_nvp(name, v);
  }
  void text(const char* name, const std::string& s) {
    if (readable) {
      const std::string escaped = escape_text(s);
      ar << make_nvp(name, escaped);
      return;
    }
    const std::uint64_t n = s.size();
    ar << make_nvp(name, n);
    if (n) ar << make_nvp("bytes", make_array(s.data(), s.size()));
  }

  // Writes `count` values as one array named `name` (none when count is 0),
  // taken part by part from column `field` of `model` by cells(part), a
  // span. Throws std::logic_error if the parts hold another count.
  template <class Cells>
  void cells(const char* name, std::size_t model, std::size_t field, std::uint64_t count, Cells&& cells_of) {
    if (count == 0) return;
    std::uint64_t written = 0;
    if constexpr (readable) {
      const auto write = [&] {
        src.read_column(model, field, [&](const column& part) {
          const auto s = cells_of(part);
          for (const auto& x : s) ar << make_nvp("item", x);
          written += s.size();
        });
      };
      streamed_items items{{}, write};
      ar << make_nvp(name, items);
    } else {
      src.read_column(model, field, [&](const column& part) {
        const auto s = cells_of(part);
        if (!s.empty()) ar << make_nvp(name, make_array(s.data(), s.size()));
        written += s.size();
      });
    }
    if (written != count) {
      throw std::logic_error("the rows of " + src.schema().model(model).name + "." +
                             src.schema().model(model).fields[field].name + " changed while being written");
    }
  }

  void write_schema(const registry& reg) {
    item("models", static_cast<std::uint32_t>(reg.model_count()));
    for (std::size_t m = 0; m < reg.model_count(); ++m) {
      const model_info& info = reg.model(m);
      text("name", info.name);
      item("primary_key", static_cast<std::uint32_t>(info.primary_key));
      item("fields", static_cast<std::uint32_t>(info.fields.size()));
      for (const auto& f : info.fields) {
        text("field", f.name);
        item("type", static_cast<std::uint8_t>(static_cast<unsigned>(f.type) | (f.enumeration ? enum_type_flag : 0u)));
        item("nullable", static_cast<std::uint8_t>(f.nullable ? 1 : 0));
        if (f.type == field_type::array) {
          item("element", static_cast<std::uint8_t>(f.element));
          item("extent", f.extent);
        }
        if (f.enumeration) {
          text("enum", f.enumeration->name);
          item("enumerators", static_cast<std::uint32_t>(f.enumeration->enumerators.size()));
          for (const auto& e : f.enumeration->enumerators) {
            text("enumerator", e.name);
            item("value", e.value);
          }
        }
      }
    }
    std::uint32_t relations = 0;
    for (const auto& r : reg.relations()) relations += is_parent_side(r.kind) ? 1 : 0;
    item("relations", relations);
    for (const auto& r : reg.relations()) {
      if (!is_parent_side(r.kind)) continue;
      text("name", r.name);
      text("inverse", reg.relations()[r.inverse].name);
      item("parent", static_cast<std::uint32_t>(r.parent));
      item("child", static_cast<std::uint32_t>(r.child));
      item("parent_key", static_cast<std::uint32_t>(r.parent_key));
      item("child_key", static_cast<std::uint32_t>(r.child_key));
      item("policy", static_cast<std::uint8_t>(r.policy));
      item("kind", static_cast<std::uint8_t>(r.kind));  // since format version 2
    }
    // Since format version 2: the has_many_through relations, after the
    // relations they need.
    std::uint32_t throughs = 0;
    for (const auto& r : reg.relations()) throughs += r.kind == relation_kind::has_many_through ? 1 : 0;
    item("through_relations", throughs);
    for (const auto& r : reg.relations()) {
      if (r.kind != relation_kind::has_many_through) continue;
      text("name", r.name);
      item("parent", static_cast<std::uint32_t>(r.parent));
      item("child", static_cast<std::uint32_t>(r.child));
      item("through", static_cast<std::uint32_t>(r.through));
      item("through_from", static_cast<std::uint32_t>(r.through_from));
      item("through_to", static_cast<std::uint32_t>(r.through_to));
      item("repeated_links", static_cast<std::uint8_t>(r.repeated_links ? 1 : 0));
    }
  }

  void write_strings(std::size_t m, std::size_t i, std::uint64_t rows) {
    if (readable) {
      std::uint64_t written = 0;
      src.read_column(m, i, [&](const column& part) {
        for (const auto& s : part.strings) text("string", s);
        written += part.strings.size();
      });
      if (written != rows) throw std::logic_error("the rows of " + src.schema().model(m).name + " changed");
      return;
    }
    std::uint64_t total = 0;
    cells("lengths", m, i, rows, [&](const column& part) {
      scratch.resize(part.strings.size());
      for (std::size_t k = 0; k < scratch.size(); ++k) {
        scratch[k] = part.strings[k].size();
        total += scratch[k];
      }
      return std::span<const std::uint64_t>(scratch);
    });
    item("blob_size", total);
    if (total == 0) return;
    std::uint64_t bytes = 0;
    src.read_column(m, i, [&](const column& part) {
      blob.clear();
      for (const auto& s : part.strings) blob += s;
      if (!blob.empty()) ar << make_nvp("blob", make_array(blob.data(), blob.size()));
      bytes += blob.size();
    });
    if (bytes != total) throw std::logic_error("the strings of " + src.schema().model(m).name + " changed");
  }

  void write() {
    const registry& reg = src.schema();
    write_schema(reg);
    for (std::size_t m = 0; m < reg.model_count(); ++m) {
      const model_info& info = reg.model(m);
      const std::uint64_t rows = src.rows(m);
      item("rows", rows);
      for (std::size_t i = 0; i < info.fields.size(); ++i) {
        const field_info& f = info.fields[i];
        if (f.nullable) {
          cells("nulls", m, i, rows, [](const column& part) { return std::span<const std::uint8_t>(part.nulls); });
        }
        const std::uint64_t count = rows * cells_of(f);  // an array field: `extent` cells a row, in row order
        switch (cell_type(f)) {
          case field_type::float64:
          case field_type::float32:  // a float as the double equal to it
            // Bit patterns: exact for -0.0 and NaN in every archive format.
            cells("doubles", m, i, count, [&](const column& part) {
              scratch.resize(part.doubles.size());
              if (!scratch.empty()) std::memcpy(scratch.data(), part.doubles.data(), scratch.size() * sizeof(double));
              return std::span<const std::uint64_t>(scratch);
            });
            break;
          case field_type::string:
            write_strings(m, i, rows);
            break;
          default:
            cells("ints", m, i, count, [](const column& part) { return std::span<const std::int64_t>(part.ints); });
            break;
        }
      }
      src.model_done(m);
    }
  }
};

// The binary payload's size, near enough: 8 bytes a cell, the string bytes,
// a null flag a nullable cell, and a little for the schema.
std::size_t expected_payload_size(const column_store& ds) {
  std::size_t n = 4096;
  for (std::size_t m = 0; m < ds.model_count(); ++m) {
    const column_table& t = ds.table(m);
    n += 256 + t.info().fields.size() * 64;
    for (std::size_t i = 0; i < t.info().fields.size(); ++i) {
      const column& c = t.at(i);
      n += (c.ints.size() + c.doubles.size() + c.strings.size()) * 8 + c.nulls.size();
      for (const auto& str : c.strings) n += str.size();
    }
  }
  return n;
}

template <class Ar>
void write_with(row_source& rows, std::ostream& os) {
  Ar ar(os, boost::archive::no_header);
  payload_writer<Ar>{ar, rows}.write();
}

}  // namespace

result<void> encode_to(row_source& rows, archive_format format, std::ostream& out) {
  try {
    switch (format) {
      case archive_format::text:
        write_with<boost::archive::text_oarchive>(rows, out);
        break;
      case archive_format::xml:
        write_with<boost::archive::xml_oarchive>(rows, out);
        break;
      default:
        write_with<boost::archive::binary_oarchive>(rows, out);
    }
  } catch (const std::exception& e) {
    rows.finished();
    return make_error(errc::io_error, std::string("cannot encode the snapshot: ") + e.what());
  }
  rows.finished();
  out.flush();
  if (!out) return make_error(errc::io_error, "cannot encode the snapshot: the output stream failed");
  return {};
}

result<void> encode_to(const column_store& data, archive_format format, std::ostream& out) {
  column_store_rows rows(data);
  return encode_to(rows, format, out);
}

result<std::string> encode(const column_store& data, archive_format format) {
  string_sink sink(expected_payload_size(data));
  std::ostream os(&sink);
  return encode_to(data, format, os).transform([&] { return sink.take(); });
}

}  // namespace relstore::detail
