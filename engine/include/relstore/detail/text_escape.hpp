// Byte strings as printable UTF-8 text and back, exactly: how text and XML
// snapshots (format version 3) write strings. Layout: docs/snapshot_format.md.
// Internal.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace relstore::detail {

// `bytes` as text: well-formed UTF-8 other than C0 controls and DEL is kept
// as it is; a backslash becomes `\\`, newline, tab and carriage return `\n`,
// `\t`, `\r`, and every other byte (controls, NUL, bytes of ill-formed UTF-8)
// `\xHH` (lowercase hex). The result is well-formed UTF-8 without controls.
std::string escape_text(std::string_view bytes);

// The bytes that escape_text turned into `text`; nullopt if an escape in it
// is unknown or cut short. Unescaped bytes are taken as they are.
std::optional<std::string> unescape_text(std::string_view text);

}  // namespace relstore::detail
