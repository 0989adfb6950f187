// The engine's own codes (EG9xx): errors, notes and internal findings that come from edgeguard
// itself, not from a policy. This is the only place a code is spelled: code elsewhere uses the
// constants, `edgeguard explain EG9xx` prints the table, and README.md's list of engine codes is
// rendered from it (renderEngineCodesMarkdown; tests/unit/core/engine_codes_tests.cpp fails when
// README.md differs and prints the block to paste). A new code: one constant and one row here,
// then the README block.
#pragma once

#include <string>
#include <string_view>

namespace eg {

inline constexpr const char* kInputErrorCode = "EG901";         // input could not be read or parsed
inline constexpr const char* kNotFollowedCode = "EG902";        // a module or referenced file was not followed
inline constexpr const char* kPolicyFailedCode = "EG903";       // a policy failed to evaluate
inline constexpr const char* kPolicyErrorCode = "EG904";        // invalid policy file
inline constexpr const char* kConfigErrorCode = "EG905";        // invalid configuration
inline constexpr const char* kSuppressionErrorCode = "EG906";   // suppression without a reason
inline constexpr const char* kDuplicateDeclarationCode = "EG907";
inline constexpr const char* kBudgetErrorCode = "EG908";        // over a time, memory or depth budget
inline constexpr const char* kBaselineErrorCode = "EG909";      // invalid baseline file
inline constexpr const char* kModuleNotOnDiskCode = "EG910";    // a note
inline constexpr const char* kLenientJsonCode = "EG911";        // a note
inline constexpr const char* kFindingsCappedCode = "EG912";     // a note

struct EngineCode {
  std::string_view code;   // "EG906"
  std::string_view name;   // "suppression-without-reason" (findings with this code carry it)
  std::string_view title;  // one line: what happened
  std::string_view text;   // what it means and what to do
  bool notice = false;     // a note: does not change the exit status (Error::notice)
};

inline constexpr EngineCode kEngineCodes[] = {
    {kInputErrorCode, "input-error", "input could not be read or parsed",
     "A file could not be read (missing, unreadable, binary, not UTF-8, over --max-file-size) or does not parse. "
     "The message gives the position; the rest of the scan goes on. The exit status is 2."},
    {kNotFollowedCode, "reference-not-followed", "a module or referenced file was not followed",
     "A module source, module call or referenced file could not be followed: not found, a cycle, nested too "
     "deep, too many module instances, or outside the project root (set --root to widen it)."},
    {kPolicyFailedCode, "policy-evaluation-failed", "a policy failed to evaluate",
     "A policy raised an error while it was evaluated (a value too long for `matches`, ...); its other findings "
     "are kept. Reported as a high finding so that it is not missed."},
    {kPolicyErrorCode, "invalid-policy", "invalid policy file",
     "A policy file (built-in or from --policy-dir / policy-dirs) does not load."},
    {kConfigErrorCode, "invalid-configuration", "invalid configuration",
     "The configuration file (.edgeguard.yaml) or a command-line rule selection is invalid, or names a policy "
     "directory outside the project root."},
    {kSuppressionErrorCode, "suppression-without-reason", "suppression without a reason",
     "An `edgeguard:ignore` comment has no reason, or only a placeholder (TODO, FIXME, xxx, \"reason\", a single "
     "word); a suppression must say why the finding does not apply."},
    {kDuplicateDeclarationCode, "duplicate-declaration", "duplicate declaration",
     "Two declarations with the same name in one module or template (Terraform rejects this); both are checked."},
    {kBudgetErrorCode, "over-budget", "over a budget",
     "A unit went over its time (--parse-timeout) or memory (--parse-memory) budget and is not scanned, or its "
     "values are nested or chained deeper than 1,000 levels (what depends on the rest is unknown)."},
    {kBaselineErrorCode, "invalid-baseline", "invalid baseline file", "The --baseline file does not load."},
    {kModuleNotOnDiskCode, "module-not-on-disk", "module not on disk",
     "A Terraform registry or git module that `terraform init` has not installed, or a Bicep registry module not "
     "in the local cache (`bicep restore`): what it deploys is not checked. Does not change the exit status.",
     true},
    {kLenientJsonCode, "create-options-not-strict-json", "createOptions is not strict JSON",
     "The IoT Edge agent (Json.NET) accepts it and it is checked as the agent reads it. Does not change the exit "
     "status.",
     true},
    {kFindingsCappedCode, "too-many-findings", "too many findings for one rule",
     "One rule found more than 10,000 findings; the first 10,000 are reported. Does not change the exit status.",
     true},
};

// The code with this id or name (ASCII case-insensitive), or nullptr.
const EngineCode* findEngineCode(std::string_view idOrName);

// "EG901-EG912": the range the table covers, for messages.
std::string engineCodeRange();

// The README's list of engine codes (a Markdown table), between its
// <!-- engine-codes --> and <!-- /engine-codes --> markers.
std::string renderEngineCodesMarkdown();

}  // namespace eg
