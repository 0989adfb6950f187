// The man page and completion renderers over a small CLI11 app: what they read from the
// definitions (choices, value kinds, hidden subcommands) and how they quote. The real scripts
// are exercised in their shells by tests/packaging/completion-*.sh and manpage.sh.
#include <doctest/doctest.h>

#include <CLI/CLI.hpp>

#include "cli/CliDocs.h"

using namespace eg::cli;

namespace {

struct ToyCli {
  CLI::App app{"toy: a test program"};
  std::vector<std::string> paths, formats;
  std::string out, dir, level = "low";
  unsigned jobs = 0;
  bool quiet = false;
  ToyCli() {
    app.name("toy");
    app.set_version_flag("--version", "1.0");
    CLI::App* run = app.add_subcommand("run", "Run it");
    run->add_option("paths", paths, "What to run on")->type_name("PATH");
    run->add_option("--format,-f", formats, "Output format")->check(CLI::IsMember({"text", "json"}))->take_all();
    run->add_option("--output", out, "Write to FILE ('quoted') [brackets]: colon\\back")->type_name("FILE");
    run->add_option("--dir", dir, "A directory")->type_name("DIR");
    run->add_option("--level", level, "Level")->check(CLI::IsMember({"low", "high"}));
    run->add_option("--jobs,-j", jobs, "Threads")->check(CLI::Range(1u, 8u));
    run->add_flag("--quiet", quiet, ".starts with a dot - and has hyphens");
    app.add_subcommand("secret", "Hidden")->group("");
  }
};

const CliArgument* option(const CliCommand& cmd, const std::string& name) {
  for (const CliArgument& a : cmd.options) {
    for (const std::string& n : a.names) {
      if (n == name) return &a;
    }
  }
  return nullptr;
}

}  // namespace

TEST_CASE("describeCli reads options, value kinds and choices, hidden subcommands are left out") {
  ToyCli toy;
  CliModel cli = describeCli(toy.app);
  CHECK(cli.program == "toy");
  REQUIRE(cli.commands.size() == 1);
  const CliCommand& run = cli.commands[0];
  CHECK(run.name == "run");

  const CliArgument* format = option(run, "--format");
  REQUIRE(format);
  CHECK(format->names == std::vector<std::string>{"--format", "-f"});
  CHECK(format->kind == ValueKind::Choice);
  CHECK(format->choices == std::vector<std::string>{"text", "json"});
  CHECK(format->valueName == "FORMAT");
  CHECK(format->repeatable);

  CHECK(option(run, "--output")->kind == ValueKind::File);
  CHECK(option(run, "--output")->valueName == "FILE");
  CHECK(option(run, "--dir")->kind == ValueKind::Directory);
  CHECK(option(run, "--level")->choices == std::vector<std::string>{"low", "high"});
  CHECK_FALSE(option(run, "--level")->repeatable);
  CHECK(option(run, "--jobs")->kind == ValueKind::Number);
  CHECK(option(run, "--quiet")->kind == ValueKind::None);
  CHECK(option(run, "--quiet")->valueName.empty());
  REQUIRE(option(run, "--help"));

  REQUIRE(run.positionals.size() == 1);
  CHECK(run.positionals[0].valueName == "PATHS");
  CHECK(run.positionals[0].kind == ValueKind::File);
  CHECK(run.positionals[0].repeatable);

  CHECK(option(cli.global, "--version"));
  CHECK(option(cli.global, "--help"));
}

TEST_CASE("roffEscape escapes backslashes, hyphens and a leading control character") {
  CHECK(roffEscape("--format") == "\\-\\-format");
  CHECK(roffEscape("a\\b") == "a\\eb");
  CHECK(roffEscape(".TH x") == "\\&.TH x");
  CHECK(roffEscape("'quoted") == "\\&'quoted");
  CHECK(roffEscape("plain text") == "plain text");
}

TEST_CASE("the man page has the sections and every visible option, escaped") {
  ToyCli toy;
  ManPageText text{"1.0", "Toy does things.", {{"Exit status", "0 fine."}, {"Environment", "NO_COLOR  off.\n\nplain"}}};
  std::string page = renderManPage(describeCli(toy.app), text);
  CHECK(page.find(".TH TOY 1 \"\" \"toy 1.0\" \"User Commands\"\n") != std::string::npos);
  CHECK(page.find(".SH NAME\ntoy \\- a test program\n") != std::string::npos);
  CHECK(page.find(".SS \"toy run\"\n") != std::string::npos);
  CHECK(page.find("\\fB\\-\\-format\\fR \\fIFORMAT\\fR, \\fB\\-f\\fR \\fIFORMAT\\fR\n") != std::string::npos);
  CHECK(page.find("One of: \\fBtext\\fR, \\fBjson\\fR.\n") != std::string::npos);
  CHECK(page.find("\\&.starts with a dot \\- and has hyphens\n") != std::string::npos);
  CHECK(page.find("colon\\eback") != std::string::npos);
  CHECK(page.find(".SH EXIT STATUS\n0 fine.\n") != std::string::npos);
  CHECK(page.find(".SH ENVIRONMENT\n.TP\n\\fBNO_COLOR\\fR\noff.\n.PP\nplain\n") != std::string::npos);
  CHECK(page.find("secret") == std::string::npos);
  // No line of the page starts with a character roff would take as a request by mistake.
  size_t at = 0;
  while ((at = page.find('\n', at)) != std::string::npos && ++at < page.size()) {
    if (page[at] == '\'') FAIL("line starting with an apostrophe at byte " << at);
  }
}

TEST_CASE("completion scripts list subcommands, options and choices, quoted for their shell") {
  ToyCli toy;
  CliModel cli = describeCli(toy.app);
  std::string bash = renderCompletion(cli, "bash");
  CHECK(bash.find("complete -o bashdefault -o default -F _toy toy\n") != std::string::npos);
  CHECK(bash.find("--format|-f)\n") != std::string::npos);
  CHECK(bash.find("compgen -W 'text json'") != std::string::npos);
  CHECK(bash.find("compgen -W 'run'") != std::string::npos);
  CHECK(bash.find("secret") == std::string::npos);

  std::string zsh = renderCompletion(cli, "zsh");
  CHECK(zsh.rfind("#compdef toy\n", 0) == 0);
  CHECK(zsh.find("'*--format=[Output format]:format:(text json)'") != std::string::npos);
  // '[' ']' and '\\' are escaped inside a description; a quote closes and reopens the word.
  CHECK(zsh.find("Write to FILE ('\\''quoted'\\'') \\[brackets\\]: colon\\\\back") != std::string::npos);

  std::string fish = renderCompletion(cli, "fish");
  CHECK(fish.find("complete -c toy -n 'not __fish_seen_subcommand_from run' -a run -d 'Run it'\n") !=
        std::string::npos);
  CHECK(fish.find("-l format -s f -x -a 'text json'") != std::string::npos);
  CHECK(fish.find("Write to FILE (\\'quoted\\') [brackets]: colon\\\\back") != std::string::npos);

  CHECK(renderCompletion(cli, "tcsh").empty());
}
