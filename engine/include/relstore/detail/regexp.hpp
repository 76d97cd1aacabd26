// LoopBack's `regexp` operator on Boost.Regex. Internal.
//
// The operand is a JavaScript-style pattern, searched for anywhere in the
// text (RegExp.test), either bare ("^gift") or delimited with flags
// ("/^gift/i"): i folds ASCII letters, m lets ^ and $ match at line breaks,
// g is accepted and changes nothing. As in JavaScript, . does not match a
// line break.
//
// Boost.Regex backtracks, so a match is bounded, not linear: it gives up
// after regexp_state_bound(S, N) machine states (N text bytes, S pattern
// bytes) and regexp_search reports that as nullopt. A catastrophic pattern
// such as (a+)+$ thus costs at most that bound per row instead of
// exponential time.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace relstore::detail {

struct regexp;

// The longest pattern accepted, in bytes.
inline constexpr std::size_t max_regexp_bytes = 4096;

// Compiles `operand`. On a syntax error, an unknown flag or a pattern longer
// than max_regexp_bytes returns null and stores the reason in *why.
std::shared_ptr<const regexp> compile_regexp(std::string_view operand, std::string* why);

// The most machine states one match of a pattern of `pattern_bytes` on a
// text of `text_bytes` may visit: Boost.Regex's own bound,
// max(N*S*S + 1e5, min(N*N + 1e5, 1e8)), capped at 1e8. Boost alone lets a
// long pattern reach N*S*S: 3e10 states (minutes) for a 4,096-byte pattern
// on a 2,000-byte text.
std::size_t regexp_state_bound(std::size_t pattern_bytes, std::size_t text_bytes) noexcept;

// Whether `re` matches somewhere in `text`; nullopt when the match gave up at
// the bound above. Thread-safety: a compiled regexp may be shared by threads.
std::optional<bool> regexp_search(const regexp& re, std::string_view text) noexcept;

}  // namespace relstore::detail
