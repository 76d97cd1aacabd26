// The command-line rules of relstore's programs.
#include "relstore/detail/command_line.hpp"

namespace relstore::detail {

namespace po = boost::program_options;

std::vector<std::string> parse_command_line(const std::vector<std::string>& args,
                                            const po::options_description& options, std::size_t max_operands,
                                            po::variables_map& vm) {
  const auto style = po::command_line_style::unix_style & ~po::command_line_style::allow_guessing;
  const po::parsed_options parsed = po::command_line_parser(args).options(options).style(style).run();
  // No positional options are declared: the parser hands operands back unnamed.
  std::vector<std::string> operands;
  for (const auto& opt : parsed.options) {
    if (!opt.string_key.empty()) continue;
    if (operands.size() == max_operands) throw po::error("unexpected argument '" + opt.original_tokens.front() + "'");
    operands.push_back(opt.original_tokens.front());
  }
  po::store(parsed, vm);
  return operands;
}

}  // namespace relstore::detail
