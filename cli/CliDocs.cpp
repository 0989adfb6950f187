#include "cli/CliDocs.h"

#include <CLI/CLI.hpp>
#include <cctype>
#include <sstream>

namespace eg::cli {
namespace {

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::vector<std::string> splitList(std::string_view s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find(sep, start);
    if (end == std::string_view::npos) end = s.size();
    out.emplace_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// CLI11's type name is the value's name (TEXT, UINT, or what type_name() set: FILE, DIR,
// NAME=VALUE), then ":" and each validator's description: IsMember gives "{a,b,c}",
// ExistingFile "FILE", ExistingDirectory "DIR", Range "INT in [1 - 256]".
void describeValue(const CLI::Option& opt, CliArgument& arg) {
  std::vector<std::string> parts = splitList(opt.get_type_name(), ':');
  std::string base = parts.empty() ? "TEXT" : parts.front();
  bool file = base == "FILE" || base == "PATH", dir = base == "DIR";
  for (size_t i = 1; i < parts.size(); ++i) {
    const std::string& p = parts[i];
    if (p.size() >= 2 && p.front() == '{' && p.back() == '}') {
      for (std::string& c : splitList(std::string_view(p).substr(1, p.size() - 2), ',')) {
        if (!c.empty()) arg.choices.push_back(std::move(c));
      }
    } else if (p == "FILE") {
      file = true;
    } else if (p == "DIR") {
      dir = true;
    }
  }
  bool number = base == "INT" || base == "UINT" || base == "FLOAT" || base == "NUMBER" || base == "N";
  std::string longName = opt.get_lnames().empty() ? opt.get_name(true) : opt.get_lnames().front();
  if (!arg.choices.empty()) {
    arg.kind = ValueKind::Choice;
    arg.valueName = upper(longName);
  } else if (dir) {
    arg.kind = ValueKind::Directory;
    arg.valueName = "DIR";
  } else if (file) {
    arg.kind = ValueKind::File;
    arg.valueName = base == "PATH" ? "PATH" : "FILE";
  } else if (number) {
    arg.kind = ValueKind::Number;
    arg.valueName = base == "INT" || base == "UINT" || base == "FLOAT" ? "N" : base;
  } else {
    arg.kind = ValueKind::Text;
    arg.valueName = base == "TEXT" ? upper(longName) : base;
  }
}

CliArgument describeOption(const CLI::Option& opt) {
  CliArgument arg;
  for (const std::string& l : opt.get_lnames()) arg.names.push_back("--" + l);
  for (const std::string& s : opt.get_snames()) arg.names.push_back("-" + s);
  arg.description = opt.get_description();
  arg.required = opt.get_required();
  if (opt.get_items_expected_max() > 0) {  // flags expect no value
    describeValue(opt, arg);
    arg.repeatable = opt.get_expected_max() > 1;
  }
  return arg;
}

CliCommand describeCommand(const CLI::App& app) {
  CliCommand cmd;
  cmd.name = app.get_name();
  cmd.description = app.get_description();
  for (const CLI::Option* opt : app.get_options()) {
    if (opt->get_group().empty()) continue;  // hidden
    if (opt->nonpositional()) {
      cmd.options.push_back(describeOption(*opt));
    } else {
      CliArgument arg = describeOption(*opt);
      arg.valueName = upper(opt->get_name(true));
      arg.repeatable = opt->get_items_expected_max() > 1;
      cmd.positionals.push_back(std::move(arg));
    }
  }
  return cmd;
}

// --- roff ---------------------------------------------------------------------------------

std::string roffText(std::string_view text) {
  // Each line of a paragraph is escaped on its own; blank lines become paragraph breaks.
  std::string out;
  for (const std::string& line : splitList(text, '\n')) {
    if (line.empty()) {
      if (!out.empty() && out != ".PP\n" && out.substr(out.size() - 4) != ".PP\n") out += ".PP\n";
      continue;
    }
    out += roffEscape(line);
    out += '\n';
  }
  while (out.size() >= 4 && out.substr(out.size() - 4) == ".PP\n") out.erase(out.size() - 4);
  return out;
}

// A section's body: paragraphs separated by blank lines; a paragraph "TERM  text" (two spaces
// after the term) becomes a tagged paragraph with the term in bold.
std::string roffSection(std::string_view body) {
  std::string out;
  std::string text(body);
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find("\n\n", start);
    if (end == std::string::npos) end = text.size();
    std::string paragraph = text.substr(start, end - start);
    start = end + 2;
    if (paragraph.empty()) continue;
    size_t gap = paragraph.find("  ");
    if (gap != std::string::npos && gap > 0 && paragraph.find('\n') > gap) {
      out += ".TP\n\\fB" + roffEscape(paragraph.substr(0, gap)) + "\\fR\n";
      size_t rest = paragraph.find_first_not_of(' ', gap);
      out += roffText(paragraph.substr(rest));
    } else {
      out += (out.empty() ? "" : ".PP\n") + roffText(paragraph);
    }
  }
  return out;
}

std::string roffBold(std::string_view s) { return "\\fB" + roffEscape(s) + "\\fR"; }
std::string roffItalic(std::string_view s) { return "\\fI" + roffEscape(s) + "\\fR"; }

std::string synopsis(const CliModel& cli, const CliCommand& cmd) {
  std::string s = roffBold(cli.program);
  if (!cmd.name.empty()) s += " " + roffBold(cmd.name);
  if (!cmd.options.empty()) s += " [" + roffItalic("OPTIONS") + "]";
  for (const CliArgument& p : cmd.positionals) {
    std::string word = roffItalic(p.valueName) + (p.repeatable ? "\\&..." : "");
    s += p.required ? " " + word : " [" + word + "]";
  }
  return s;
}

void renderOptionItems(const std::vector<CliArgument>& args, bool positional, std::ostringstream& out) {
  for (const CliArgument& a : args) {
    out << ".TP\n";
    if (positional) {
      out << roffItalic(a.valueName) << (a.repeatable ? "\\&..." : "") << '\n';
    } else {
      for (size_t i = 0; i < a.names.size(); ++i) {
        out << (i ? ", " : "") << roffBold(a.names[i]);
        if (!a.valueName.empty()) out << " " << roffItalic(a.valueName);
      }
      out << '\n';
    }
    std::string description = a.description;
    if (!description.empty() && description.back() != '.' && (!a.choices.empty() || a.repeatable || a.required)) {
      description += '.';
    }
    out << roffText(description);
    if (!a.choices.empty()) {
      out << "One of: ";
      for (size_t i = 0; i < a.choices.size(); ++i) out << (i ? ", " : "") << roffBold(a.choices[i]);
      out << ".\n";
    }
    if (!positional && a.repeatable) out << "May be given more than once.\n";
    if (a.required) out << "Required.\n";
  }
}

// --- shell quoting ------------------------------------------------------------------------

// A single-quoted word for bash and zsh.
std::string shQuote(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out + "'";
}

// A single-quoted word for fish (backslash and quote are escaped inside).
std::string fishQuote(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

std::string firstLine(std::string_view s) {
  size_t nl = s.find('\n');
  return std::string(s.substr(0, nl));
}

std::string join(const std::vector<std::string>& words, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < words.size(); ++i) out.append(i ? sep : "").append(words[i]);
  return out;
}

// Shell function names cannot hold every character a program name can.
std::string identifier(std::string_view s) {
  std::string out;
  for (char c : s) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return out;
}

// --- bash ---------------------------------------------------------------------------------

// The `case "$prev"` arms that complete an option's value.
void bashValueArms(const std::vector<CliArgument>& options, std::ostringstream& out, const std::string& indent) {
  for (const CliArgument& a : options) {
    if (a.valueName.empty()) continue;
    out << indent << join(a.names, "|") << ")\n";
    switch (a.kind) {
      case ValueKind::Choice:
        out << indent << "  COMPREPLY=($(compgen -W " << shQuote(join(a.choices, " ")) << " -- \"$cur\"))\n";
        break;
      case ValueKind::Directory:
        out << indent << "  compopt -o filenames 2>/dev/null\n";
        out << indent << "  local IFS=$'\\n'\n";
        out << indent << "  COMPREPLY=($(compgen -d -- \"$cur\"))\n";
        break;
      case ValueKind::File:
        out << indent << "  compopt -o filenames 2>/dev/null\n";
        out << indent << "  local IFS=$'\\n'\n";
        out << indent << "  COMPREPLY=($(compgen -f -- \"$cur\"))\n";
        break;
      case ValueKind::Number:
      case ValueKind::Text:
      case ValueKind::None:
        // Nothing to offer, and no fallback to file names either (complete -o default).
        out << indent << "  compopt +o default +o bashdefault 2>/dev/null\n";
        out << indent << "  COMPREPLY=()\n";
        break;
    }
    out << indent << "  return 0 ;;\n";
  }
}

// A command's option names (CLI11 gives every subcommand its own --help).
std::vector<std::string> optionWords(const CliCommand& cmd) {
  std::vector<std::string> words;
  for (const CliArgument& a : cmd.options) {
    for (const std::string& n : a.names) words.push_back(n);
  }
  return words;
}

std::string renderBash(const CliModel& cli) {
  std::string fn = "_" + identifier(cli.program);
  std::vector<std::string> commandNames;
  for (const CliCommand& c : cli.commands) commandNames.push_back(c.name);
  std::ostringstream out;
  out << "# bash completion for " << cli.program << "                -*- shell-script -*-\n"
      << "# Generated by `" << cli.program << " completion bash` from the command-line definitions; do not edit.\n"
      << fn << "() {\n"
      << "  local cur prev cmd i\n"
      << "  COMPREPLY=()\n"
      << "  cur=${COMP_WORDS[COMP_CWORD]}\n"
      << "  prev=\n"
      << "  ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}\n"
      << "  # --opt=value: readline splits words at '=' (COMP_WORDBREAKS).\n"
      << "  if [[ $cur == = ]]; then\n"
      << "    cur=\n"
      << "  elif [[ $prev == = ]] && ((COMP_CWORD > 1)); then\n"
      << "    prev=${COMP_WORDS[COMP_CWORD - 2]}\n"
      << "  fi\n"
      << "  cmd=\n"
      << "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
      << "    case ${COMP_WORDS[i]} in\n"
      << "      " << join(commandNames, "|") << ") cmd=${COMP_WORDS[i]}; break ;;\n"
      << "    esac\n"
      << "  done\n"
      << "  case $cmd in\n";
  auto arm = [&](const std::string& label, const CliCommand& cmd) {
    out << "    " << label << ")\n"
        << "      case $prev in\n";
    bashValueArms(cmd.options, out, "        ");
    out << "      esac\n"
        << "      if [[ $cur == -* ]]; then\n"
        << "        COMPREPLY=($(compgen -W " << shQuote(join(optionWords(cmd), " ")) << " -- \"$cur\"))\n"
        << "        return 0\n"
        << "      fi\n";
    if (cmd.name.empty()) {
      out << "      COMPREPLY=($(compgen -W " << shQuote(join(commandNames, " ")) << " -- \"$cur\"))\n";
    } else if (!cmd.positionals.empty()) {
      const CliArgument& p = cmd.positionals.front();
      if (p.kind == ValueKind::Directory) {
        out << "      compopt -o filenames 2>/dev/null\n"
            << "      local IFS=$'\\n'\n"
            << "      COMPREPLY=($(compgen -d -- \"$cur\"))\n";
      } else if (p.kind == ValueKind::Choice) {
        out << "      COMPREPLY=($(compgen -W " << shQuote(join(p.choices, " ")) << " -- \"$cur\"))\n";
      } else if (p.kind == ValueKind::File) {
        out << "      compopt -o filenames 2>/dev/null\n"
            << "      local IFS=$'\\n'\n"
            << "      COMPREPLY=($(compgen -f -- \"$cur\"))\n";
      }
    }
    out << "      return 0 ;;\n";
  };
  arm("\"\"", cli.global);
  for (const CliCommand& c : cli.commands) arm(c.name, c);
  out << "  esac\n"
      << "}\n"
      << "complete -o bashdefault -o default -F " << fn << " " << cli.program << "\n";
  return out.str();
}

// --- zsh ----------------------------------------------------------------------------------

// Text inside an _arguments "[description]": brackets and backslashes are escaped.
std::string zshDescription(std::string_view s) {
  std::string out;
  for (char c : firstLine(s)) {
    if (c == '[' || c == ']' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

std::string zshAction(const CliArgument& a) {
  std::string message = a.valueName;
  for (char& c : message) c = c == ':' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  switch (a.kind) {
    case ValueKind::Choice: return ":" + message + ":(" + join(a.choices, " ") + ")";
    case ValueKind::Directory: return ":" + message + ":_files -/";
    case ValueKind::File: return ":" + message + ":_files";
    case ValueKind::Number:
    case ValueKind::Text: return ":" + message + ": ";
    case ValueKind::None: break;
  }
  return "";
}

void zshOptionSpecs(const CliCommand& cmd, std::ostringstream& out, const std::string& indent) {
  for (const CliArgument& a : cmd.options) {
    std::string exclusive;
    if (a.names.size() > 1) exclusive = "(" + join(a.names, " ") + ")";
    if (a.repeatable || a.names.front() == "--help") exclusive = a.repeatable ? "*" : "(- *)";
    for (const std::string& n : a.names) {
      std::string spec = exclusive + n;
      if (!a.valueName.empty() && n.rfind("--", 0) == 0) spec += "=";  // --opt=value and --opt value
      spec += "[" + zshDescription(a.description) + "]" + zshAction(a);
      out << indent << shQuote(spec) << " \\\n";
    }
  }
}

std::string renderZsh(const CliModel& cli) {
  std::string fn = "_" + identifier(cli.program);
  std::ostringstream out;
  out << "#compdef " << cli.program << "\n"
      << "# zsh completion for " << cli.program << "; generated by `" << cli.program
      << " completion zsh` from the command-line definitions; do not edit.\n\n"
      << fn << "() {\n"
      << "  local curcontext=$curcontext state line ret=1\n"
      << "  typeset -A opt_args\n"
      << "  _arguments -C -s \\\n";
  for (const CliArgument& a : cli.global.options) {
    for (const std::string& n : a.names) {
      out << "    " << shQuote("(- *)" + n + "[" + zshDescription(a.description) + "]") << " \\\n";
    }
  }
  out << "    '1: :->command' \\\n"
      << "    '*:: :->args' && ret=0\n"
      << "  case $state in\n"
      << "    command)\n"
      << "      local -a commands=(\n";
  for (const CliCommand& c : cli.commands) {
    std::string name;  // _describe splits "name:description" at the first unescaped colon
    for (char ch : c.name) name.append(ch == ':' || ch == '\\' ? "\\" : "").push_back(ch);
    out << "        " << shQuote(name + ":" + firstLine(c.description)) << "\n";
  }
  out << "      )\n"
      << "      _describe -t commands " << shQuote(cli.program + " command") << " commands && ret=0 ;;\n"
      << "    args)\n"
      << "      curcontext=${curcontext%:*:*}:" << cli.program << "-$words[1]:\n"
      << "      case $words[1] in\n";
  for (const CliCommand& c : cli.commands) {
    out << "        " << c.name << ")\n"
        << "          _arguments -s \\\n";
    zshOptionSpecs(c, out, "            ");
    size_t position = 1;
    for (const CliArgument& p : c.positionals) {
      std::string spec = p.repeatable ? "*" : std::to_string(position++);
      std::string action = zshAction(p);
      if (action.empty()) action = ": ";
      out << "            " << shQuote(spec + action) << " \\\n";
    }
    out << "            && ret=0 ;;\n";
  }
  out << "      esac ;;\n"
      << "  esac\n"
      << "  return ret\n"
      << "}\n\n"
      << fn << " \"$@\"\n";
  return out.str();
}

// --- fish ---------------------------------------------------------------------------------

std::string renderFish(const CliModel& cli) {
  std::vector<std::string> commandNames;
  for (const CliCommand& c : cli.commands) commandNames.push_back(c.name);
  std::string prog = cli.program;
  std::string noCommand = "not __fish_seen_subcommand_from " + join(commandNames, " ");
  std::ostringstream out;
  out << "# fish completion for " << prog << "; generated by `" << prog
      << " completion fish` from the command-line definitions; do not edit.\n"
      << "complete -c " << prog << " -f\n";
  auto optionLine = [&](const CliArgument& a, const std::string& condition) {
    out << "complete -c " << prog << " -n " << fishQuote(condition);
    for (const std::string& n : a.names) {
      if (n.rfind("--", 0) == 0) out << " -l " << n.substr(2);
      else if (n.size() == 2) out << " -s " << n.substr(1);
      else out << " -o " << n.substr(1);
    }
    switch (a.kind) {
      case ValueKind::Choice: out << " -x -a " << fishQuote(join(a.choices, " ")); break;
      case ValueKind::Directory: out << " -x -a '(__fish_complete_directories)'"; break;
      case ValueKind::File: out << " -r -F"; break;
      case ValueKind::Number:
      case ValueKind::Text: out << " -x"; break;
      case ValueKind::None: break;
    }
    out << " -d " << fishQuote(firstLine(a.description)) << "\n";
  };
  for (const CliArgument& a : cli.global.options) optionLine(a, noCommand);
  for (const CliCommand& c : cli.commands) {
    out << "complete -c " << prog << " -n " << fishQuote(noCommand) << " -a " << c.name << " -d "
        << fishQuote(firstLine(c.description)) << "\n";
  }
  for (const CliCommand& c : cli.commands) {
    std::string condition = "__fish_seen_subcommand_from " + c.name;
    for (const CliArgument& a : c.options) optionLine(a, condition);
    if (!c.positionals.empty()) {
      const CliArgument& p = c.positionals.front();
      out << "complete -c " << prog << " -n " << fishQuote(condition);
      if (p.kind == ValueKind::Directory) out << " -a '(__fish_complete_directories)'";
      else if (p.kind == ValueKind::Choice) out << " -a " << fishQuote(join(p.choices, " "));
      else if (p.kind == ValueKind::File) out << " -F";
      out << " -d " << fishQuote(firstLine(p.description)) << "\n";
    }
  }
  return out.str();
}

}  // namespace

std::string roffEscape(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\\') out += "\\e";
    else if (c == '-') out += "\\-";
    else out += c;
  }
  if (!out.empty() && (out.front() == '.' || out.front() == '\'')) out.insert(0, "\\&");
  return out;
}

CliModel describeCli(const CLI::App& app) {
  CliModel cli;
  cli.program = app.get_name();
  cli.description = app.get_description();
  cli.footer = app.get_footer();
  cli.global = describeCommand(app);
  cli.global.name.clear();
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    if (sub->get_group().empty()) continue;  // hidden
    cli.commands.push_back(describeCommand(*sub));
  }
  return cli;
}

std::string renderManPage(const CliModel& cli, const ManPageText& text) {
  std::ostringstream out;
  std::string title = upper(cli.program);
  std::string summary = cli.description;
  if (summary.rfind(cli.program + ": ", 0) == 0) summary.erase(0, cli.program.size() + 2);
  out << ".\\\" Generated by `" << cli.program << " manpage` from the command-line definitions; do not edit.\n"
      << ".TH " << title << " 1 \"\" \"" << roffEscape(cli.program + " " + text.version) << "\" \"User Commands\"\n"
      << ".SH NAME\n"
      << roffEscape(cli.program) << " \\- " << roffEscape(summary) << "\n"
      << ".SH SYNOPSIS\n";
  for (size_t i = 0; i < cli.commands.size(); ++i) {
    out << (i ? ".br\n" : "") << synopsis(cli, cli.commands[i]) << '\n';
  }
  if (!text.description.empty()) out << ".SH DESCRIPTION\n" << roffText(text.description);
  out << ".SH OPTIONS\n";
  renderOptionItems(cli.global.options, false, out);
  out << ".SH COMMANDS\n";
  for (const CliCommand& c : cli.commands) {
    out << ".SS \"" << roffEscape(cli.program + " " + c.name) << "\"\n"
        << synopsis(cli, c) << "\n.PP\n"
        << roffText(c.description);
    renderOptionItems(c.positionals, true, out);
    renderOptionItems(c.options, false, out);
  }
  for (const auto& [heading, body] : text.sections) out << ".SH " << roffEscape(upper(heading)) << '\n' << roffSection(body);
  return out.str();
}

const std::vector<std::string_view>& completionShells() {
  static const std::vector<std::string_view> shells{"bash", "zsh", "fish"};
  return shells;
}

std::string renderCompletion(const CliModel& cli, std::string_view shell) {
  if (shell == "bash") return renderBash(cli);
  if (shell == "zsh") return renderZsh(cli);
  if (shell == "fish") return renderFish(cli);
  return {};
}

}  // namespace eg::cli
