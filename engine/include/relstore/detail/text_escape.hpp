// Byte strings as printable UTF-8 text and back, exactly: how text and XML
// snapshots (format version 3) write strings. Layout: docs/snapshot_format.md.
// Internal.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace relstore::detail {

// The length of the well-formed UTF-8 sequence at the front of `s`, or 0 if
// it begins none (overlong forms, surrogates, code points past U+10FFFF and
// cut-short sequences are ill-formed). REQUIRES: !s.empty().
std::size_t utf8_sequence(std::string_view s) noexcept;

// The offset of the first byte of `s` that does not begin a well-formed
// UTF-8 sequence, or npos when `s` is valid UTF-8.
std::size_t invalid_utf8_at(std::string_view s) noexcept;

// `s` with each byte that begins no well-formed UTF-8 sequence replaced by
// U+FFFD, as a JSON writer must (JSON text is UTF-8).
std::string with_replacement_characters(std::string_view s);

// `bytes` as text: well-formed UTF-8 other than C0 controls and DEL is kept
// as it is; a backslash becomes `\\`, newline, tab and carriage return `\n`,
// `\t`, `\r`, and every other byte (controls, NUL, bytes of ill-formed UTF-8)
// `\xHH` (lowercase hex). The result is well-formed UTF-8 without controls.
std::string escape_text(std::string_view bytes);

// The bytes that escape_text turned into `text`; nullopt if an escape in it
// is unknown or cut short. Unescaped bytes are taken as they are.
std::optional<std::string> unescape_text(std::string_view text);

}  // namespace relstore::detail
