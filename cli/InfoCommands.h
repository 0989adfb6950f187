// The subcommands that describe edgeguard itself rather than scan anything:
//   version [--format text|json]   version, git commit and built-in policy pack version
//   completion bash|zsh|fish       a shell completion script (installed by `cmake --install`)
//   manpage                        edgeguard(1) in roff (hidden; the build generates the page)
// Registered on the CLI11 app before parsing; run() handles whichever of them was given.
#pragma once

#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace CLI {
class App;
}

namespace eg::cli {

// What `edgeguard version` reports. The commit comes from the build (cmake/BuildCommit.cmake);
// the policy pack version is the first 12 hex digits of the SHA-256 of the built-in policies'
// `sha256sum` listing (cmake/Embed.cmake), so it changes exactly when a policy file does.
struct BuildInfo {
  std::string version;
  std::string commit;       // abbreviated git commit, or "unknown"
  std::string policyPack;   // 12 hex digits
  std::string policyPackSha256;
  size_t policies = 0;      // built-in policy files
};
BuildInfo buildInfo(std::string_view version);
std::string_view buildCommit();  // cli/BuildCommit.cpp

class InfoCommands {
 public:
  // Adds the subcommands to `app`; `version` is the program version to report.
  InfoCommands(CLI::App& app, std::string version);
  ~InfoCommands();
  // After parsing: the exit status when one of these subcommands was given.
  std::optional<int> run(const CLI::App& app, std::ostream& out, std::ostream& err) const;

 private:
  struct Parsed;
  std::unique_ptr<Parsed> parsed_;
};

}  // namespace eg::cli
