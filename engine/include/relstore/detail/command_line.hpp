// The command-line rules of relstore's programs (relstore-snapshot, the demo,
// the benchmark), on Boost.Program_options. Internal: only programs and
// compiled code include it.
#pragma once

#include <boost/program_options.hpp>
#include <cstddef>
#include <string>
#include <vector>

namespace relstore::detail {

// Parses `args` (without the program name) against `options` into `vm`: long
// options never guessed from a prefix (--form is not --format), and at most
// `max_operands` arguments that are not options, returned in order.
// Throws boost::program_options::error, with a one-line message, on an
// unknown option, a missing or repeated value, or one argument too many
// ("unexpected argument 'x'"). Does not call notify().
std::vector<std::string> parse_command_line(const std::vector<std::string>& args,
                                            const boost::program_options::options_description& options,
                                            std::size_t max_operands, boost::program_options::variables_map& vm);

}  // namespace relstore::detail
