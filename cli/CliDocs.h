// The man page edgeguard(1) and the bash, zsh and fish completion scripts, rendered from the
// CLI11 definitions of the running binary, so options, value choices and subcommands in them
// are exactly what the parser accepts. The build runs `edgeguard manpage` and
// `edgeguard completion SHELL` and installs the results (CMakeLists.txt, install rules).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace CLI {
class App;
}

namespace eg::cli {

// What kind of word an option value or a positional argument is, for completion.
enum class ValueKind { None, Choice, File, Directory, Number, Text };

// One option or positional argument, as the documents need it.
struct CliArgument {
  std::vector<std::string> names;    // "--format", "-f" (long names first); empty for a positional
  std::string valueName;             // "FORMAT", "FILE", "N"; empty for a flag
  std::vector<std::string> choices;  // the accepted values (IsMember), when a closed set
  ValueKind kind = ValueKind::None;
  bool repeatable = false;
  bool required = false;
  std::string description;
};

struct CliCommand {
  std::string name;  // empty for the program itself
  std::string description;
  std::vector<CliArgument> options;
  std::vector<CliArgument> positionals;
};

// The program: its own options (help, version) and its visible subcommands, in definition order.
// Subcommands in the empty group (CLI11's "hidden") are left out.
struct CliModel {
  std::string program;
  std::string description;
  std::string footer;
  CliCommand global;
  std::vector<CliCommand> commands;
};

CliModel describeCli(const CLI::App& app);

struct ManPageText {
  std::string version;      // "0.1.0", in the page's footer
  std::string description;  // DESCRIPTION paragraphs, separated by blank lines
  std::vector<std::pair<std::string, std::string>> sections;  // extra sections: title, paragraphs
};

// man(7) roff for section 1.
std::string renderManPage(const CliModel& cli, const ManPageText& text);

// Shells completion scripts exist for.
const std::vector<std::string_view>& completionShells();
// The completion script for `shell` (one of completionShells()); empty for any other name.
std::string renderCompletion(const CliModel& cli, std::string_view shell);

// Escapes text for a roff line: backslashes, hyphens, and a leading dot or apostrophe.
std::string roffEscape(std::string_view text);

}  // namespace eg::cli
