#include "cli/InfoCommands.h"

#include <CLI/CLI.hpp>
#include <ostream>

#include "cli/CliDocs.h"
#include "linter/core/Embedded.h"
#include "linter/graph/Value.h"
#include "linter/report/Reporter.h"
#include "parsers/FrontEnd.h"

namespace eg::cli {

BuildInfo buildInfo(std::string_view version) {
  BuildInfo info;
  info.version = std::string(version);
  info.commit = std::string(buildCommit());
  info.policyPackSha256 = std::string(embeddedPoliciesDigest());
  info.policyPack = info.policyPackSha256.substr(0, 12);
  info.policies = embeddedPolicies().size();
  return info;
}

namespace {

// The prose of edgeguard(1) that is not an option: what the tool reads, exit status, files.
// Options and subcommands come from the parser's own definitions (CliDocs.h).
ManPageText manPageText(const std::string& version) {
  ManPageText text;
  text.version = version;
  text.description = "edgeguard is an offline linter that catches insecure Azure IoT infrastructure before it is "
                     "deployed. It reads " +
                     describeFileKinds(makeFrontEnds(), "and") +  // parsers/FrontEnd.h
                     " into one resource graph and evaluates declarative YAML policies over it, so a policy gives "
                     "the same verdict whatever the format.\n"
                     "\n"
                     "Findings are printed as path:line:column: severity RULE [name] message with the source line "
                     "under them, or written in one of the formats under OUTPUT FORMATS (scan --format, repeatable, "
                     "each with its own --output).\n"
                     "\n"
                     "A finding is suppressed by a comment on the line above the resource or attribute, or at the "
                     "end of its line: edgeguard:ignore EG005 followed by the reason.";
  std::string formats;  // from the reporter table (linter/report/Reporter.h)
  for (const ReporterInfo& r : reporters()) {
    formats.append(formats.empty() ? "" : "\n\n").append(r.name).append("  ").append(r.description);
  }
  text.sections = {
      {"Output formats", formats},
      {"Exit status",
       "0  nothing at or above --fail-on (default low) was found.\n"
       "\n"
       "1  findings at or above --fail-on (or, with --fail-on-stale, stale baseline entries).\n"
       "\n"
       "2  edgeguard could not do its job: bad usage, a bad configuration, policy or baseline file, or an "
       "input that failed to parse (every other file is still scanned and reported)."},
      {"Environment",
       "NO_COLOR  when set and not empty, text output is not coloured (--color always still colours it).\n"
       "\n"
       "TERM  dumb turns colour off.\n"
       "\n"
       "EDGEGUARD_CACHE_DIR  the directory of scan's cache of unit results (default: $XDG_CACHE_HOME/edgeguard, "
       "else ~/.cache/edgeguard).\n"
       "\n"
       "EDGEGUARD_TIMING  when 1, scan prints how many units it loaded and took from the cache, and the time of "
       "each phase, on standard error."},
      {"Files",
       ".edgeguard.yaml, .edgeguard.yml  the project configuration, found by walking up from the first scanned "
       "path (or given with --config): rule selection, severities, policy parameters, excludes, IoT Edge "
       "security groups, fail-on and policy directories. edgeguard init writes a commented starter.\n"
       "\n"
       "~/.cache/edgeguard  what scan loaded from each unit (a Terraform module, a template, a manifest), used "
       "again while the unit's files, the policies, the configuration and the options are the same; never in the "
       "scanned repository, at most 256 MB. --no-cache neither reads nor writes it; deleting it is safe."},
      {"Examples",
       "edgeguard scan infra\n"
       "\n"
       "edgeguard scan infra --format sarif --output edgeguard.sarif --format text\n"
       "\n"
       "edgeguard scan --write-baseline .edgeguard-baseline.json\n"
       "\n"
       "edgeguard explain EG005"},
      {"See also",
       "The rule pages and the README under /usr/share/doc/edgeguard (or the prefix edgeguard was installed "
       "to); edgeguard rules and edgeguard explain RULE print the same documentation."},
  };
  return text;
}

}  // namespace

struct InfoCommands::Parsed {
  std::string version;
  CLI::App* versionCmd = nullptr;
  std::string versionFormat = "text";
  CLI::App* completionCmd = nullptr;
  std::string shell;
  CLI::App* manpageCmd = nullptr;
};

InfoCommands::InfoCommands(CLI::App& app, std::string version) : parsed_(std::make_unique<Parsed>()) {
  Parsed& p = *parsed_;
  p.version = std::move(version);
  p.versionCmd = app.add_subcommand("version", "Print the version, the git commit and the policy pack version");
  p.versionCmd->add_option("--format,-f", p.versionFormat, "Output format")->check(CLI::IsMember({"text", "json"}));

  std::vector<std::string> shells;
  for (std::string_view s : completionShells()) shells.emplace_back(s);
  p.completionCmd = app.add_subcommand("completion", "Print the shell completion script for bash, zsh or fish");
  p.completionCmd->add_option("shell", p.shell, "Shell to complete in")->required()->check(CLI::IsMember(shells));

  // Hidden (empty group): the build runs it to generate the installed man page.
  p.manpageCmd = app.add_subcommand("manpage", "Print the edgeguard(1) manual page in roff")->group("");
}

InfoCommands::~InfoCommands() = default;

std::optional<int> InfoCommands::run(const CLI::App& app, std::ostream& out, std::ostream& err) const {
  const Parsed& p = *parsed_;
  // CLI11 names the app after argv[0] (a path); the documents are for the installed command.
  auto describe = [&app] {
    CliModel cli = describeCli(app);
    cli.program = "edgeguard";
    return cli;
  };
  if (*p.versionCmd) {
    BuildInfo info = buildInfo(p.version);
    if (p.versionFormat == "json") {
      Value pack = Value::object();
      pack.set("version", info.policyPack);
      pack.set("sha256", info.policyPackSha256);
      pack.set("policies", static_cast<double>(info.policies));
      Value v = Value::object();
      v.set("name", std::string("edgeguard"));
      v.set("version", info.version);
      v.set("commit", info.commit);
      v.set("policy_pack", std::move(pack));
      out << v.toJson() << '\n';
    } else {
      out << "edgeguard " << info.version << '\n'
          << "commit " << info.commit << '\n'
          << "policy pack " << info.policyPack << " (" << info.policies << " built-in policies)\n";
    }
    return 0;
  }
  if (*p.completionCmd) {
    std::string script = renderCompletion(describe(), p.shell);
    if (script.empty()) {
      err << "edgeguard: no completion for shell '" << p.shell << "'\n";
      return 2;
    }
    out << script;
    return 0;
  }
  if (*p.manpageCmd) {
    out << renderManPage(describe(), manPageText(p.version));
    return 0;
  }
  return std::nullopt;
}

}  // namespace eg::cli
