#!/usr/bin/env python3
"""Recall and precision of an `edgeguard scan --format json` report against the violations
gencorpus.py planted (OUT/expected.json).

    python3 bench/score.py CORPUS_DIR REPORT.json [--rules-run EG001,EG002,...] [--quiet]

A planted violation is found when a finding of the rule its kind maps to names the same file
(relative to the corpus) and the same line. Precision is per rule: of the findings of the rules
the corpus plants, how many are planted ones (the corpus's clean files hold must-not-fire
boundary cases, so anything else is a false alarm). Prints one row per kind and per rule and
a total line `recall=R precision=P`; exits 1 when recall or precision is below 100%.

Two further columns, printed next to the raw ones and never instead of them (bench/ACCURACY.md
gives the evidence for both):
- precision on the resources gencorpus tests for a rule: findings on resource kinds that
  gencorpus never plants for that rule are left out (EG005 reports Device Provisioning
  Services, which gencorpus generates but never plants on);
- recall on the planted violations that take effect: an IP filter setting (kinds
  iothub_network_default_allow and iothub_ip_rule_wide) planted on an IoT Hub whose public
  network access is disabled is left out, because Microsoft documents that all IP filter rules
  are ignored then; and so is every planted violation of a rule the scan did not run
  (`--rules-run`: the ids of the rules of the preset the scan used, e.g. EG009 is in `strict`,
  not in the default preset; without it, or a `rules` list of ids in the report, every rule
  counts as run).
"""
import collections
import json
import os
import re
import sys

# gencorpus kind (and format) -> edgeguard rule. An ACR admin user is EG201 in the
# infrastructure formats; in an edge manifest it is a registry credential whose username is the
# registry's name (the admin account), which EG003 reports.
RULES = {
    "iothub_network_default_allow": "EG005",
    "iothub_ip_rule_wide": "EG006",
    "iothub_min_tls": "EG004",
    "acr_admin_enabled": "EG201",
    "edge_privileged_module": "EG002",
    "edge_logconfig": "EG009",
    "edgehub_all_protocols": "EG008",
    "duplicate_device_credentials": "EG001",
}


# The resource kinds gencorpus plants each rule's violations on (the kind field of a finding).
# Findings of the rule on other kinds are outside what the corpus tests.
TESTED_KINDS = {
    "EG001": {"IoTEdge/module"},
    "EG002": {"IoTEdge/module"},
    "EG003": {"IoTEdge/registryCredential"},
    "EG004": {"Microsoft.Devices/IotHubs"},
    "EG005": {"Microsoft.Devices/IotHubs"},
    "EG006": {"Microsoft.Devices/IotHubs"},
    "EG008": {"IoTEdge/edgeHub"},
    "EG009": {"IoTEdge/module"},
    "EG201": {"Microsoft.ContainerRegistry/registries"},
}

# Planted kinds that are IP filter settings: without effect when public network access is off.
IP_FILTER_KINDS = {"iothub_network_default_allow", "iothub_ip_rule_wide"}
PUBLIC_ACCESS_OFF = re.compile(r'public_network_access_enabled\s*=\s*false|publicNetworkAccess"?\s*:\s*[\'"]Disabled[\'"]')


def resource_lines(lines, line, fmt):
    """The lines of the resource that holds 1-based `line`, in gencorpus's layout: Terraform
    and Bicep resources open with `resource` and close with `}` in column 0; ARM resources are
    the objects of the top-level `resources` array (json.dumps indent 2: `    {` ... `    }`)."""
    i = line - 1
    if fmt in ("tf", "bicep"):
        while i > 0 and not lines[i].startswith("resource "):
            i -= 1
        j = line - 1
        while j < len(lines) and lines[j] != "}":
            j += 1
    else:
        while i > 0 and lines[i] != "    {":
            i -= 1
        j = line - 1
        while j < len(lines) and not lines[j].startswith("    }"):
            j += 1
    return lines[i:j + 1]


def takes_effect(corpus, v, cache):
    """False for an IP filter setting planted on a hub with public network access disabled."""
    if v["kind"] not in IP_FILTER_KINDS:
        return True
    if v["file"] not in cache:
        with open(os.path.join(corpus, v["file"])) as f:
            cache[v["file"]] = f.read().split("\n")
    body = resource_lines(cache[v["file"]], v["line"], v["format"])
    return not any(PUBLIC_ACCESS_OFF.search(l) for l in body)


def pct(n, d):
    return 100.0 * n / d if d else 100.0


def cell(n, d):
    return f"{pct(n, d):.1f}%" if d else "–"


def rule_for(kind, fmt):
    if kind == "acr_admin_enabled" and fmt == "edge":
        return "EG003"
    return RULES[kind]


def main(argv):
    if len(argv) < 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    corpus, report = argv[1], argv[2]
    quiet = "--quiet" in argv
    expected = json.load(open(os.path.join(corpus, "expected.json")))["violations"]
    document = json.load(open(report))
    findings = document["findings"]
    rules_run = None  # None: every rule ran
    if "--rules-run" in argv and argv.index("--rules-run") + 1 < len(argv):
        rules_run = {r for r in argv[argv.index("--rules-run") + 1].split(",") if r}
    elif isinstance(document.get("rules"), list):
        rules_run = {r["id"] if isinstance(r, dict) else r for r in document["rules"]}
    root = os.path.realpath(corpus)

    def rel(path):
        p = os.path.realpath(path)
        return os.path.relpath(p, root) if p.startswith(root + os.sep) else None

    planted = collections.defaultdict(list)  # (rule, file, line) -> expected entries
    planted_rules = set()
    for v in expected:
        r = rule_for(v["kind"], v["format"])
        planted_rules.add(r)
        planted[(r, v["file"], v["line"])].append(v)

    found_keys = set()
    per_rule = collections.Counter()
    per_rule_ok = collections.Counter()
    per_rule_tested = collections.Counter()  # findings on the resource kinds gencorpus tests
    per_rule_tested_ok = collections.Counter()
    false_alarms = []
    for f in findings:
        if f.get("suppressed") or f["rule"] not in planted_rules:
            continue
        path = rel(f["file"])
        if path is None:
            continue
        key = (f["rule"], path, f["line"])
        per_rule[f["rule"]] += 1
        tested = f.get("kind") in TESTED_KINDS.get(f["rule"], ())
        per_rule_tested[f["rule"]] += tested
        if key in planted:
            per_rule_ok[f["rule"]] += 1
            per_rule_tested_ok[f["rule"]] += tested
            found_keys.add(key)
        else:
            false_alarms.append(key)

    per_kind = collections.Counter()
    per_kind_found = collections.Counter()
    per_kind_effective = collections.Counter()
    per_kind_effective_found = collections.Counter()
    missed = []
    cache = {}
    for v in expected:
        k = (v["format"], v["kind"])
        per_kind[k] += 1
        ran = rules_run is None or rule_for(v["kind"], v["format"]) in rules_run
        effective = ran and takes_effect(corpus, v, cache)
        per_kind_effective[k] += effective
        if (rule_for(v["kind"], v["format"]), v["file"], v["line"]) in found_keys:
            per_kind_found[k] += 1
            per_kind_effective_found[k] += effective
        else:
            missed.append(v)

    if not quiet:
        print("| format | planted kind | rule | planted | found | recall | planted, in effect | found | recall in effect |")
        print("|---|---|---|---|---|---|---|---|---|")
        for k in sorted(per_kind):
            print(f"| {k[0]} | {k[1]} | {rule_for(k[1], k[0])} | {per_kind[k]} | {per_kind_found[k]} | "
                  f"{pct(per_kind_found[k], per_kind[k]):.1f}% | {per_kind_effective[k]} | "
                  f"{per_kind_effective_found[k]} | {pct(per_kind_effective_found[k], per_kind_effective[k]):.1f}% |")
        print()
        print("| rule | findings | planted | precision | findings on tested kinds | planted | precision on tested kinds |")
        print("|---|---|---|---|---|---|---|")
        for r in sorted(per_rule):
            print(f"| {r} | {per_rule[r]} | {per_rule_ok[r]} | {pct(per_rule_ok[r], per_rule[r]):.1f}% | "
                  f"{per_rule_tested[r]} | {per_rule_tested_ok[r]} | "
                  f"{cell(per_rule_tested_ok[r], per_rule_tested[r])} |")
        if rules_run is not None:
            not_run = sorted({rule_for(k[1], k[0]) for k in per_kind} - rules_run)
            if not_run:
                print()
                print(f"Not run by the scan (not in its preset), so not in effect: {', '.join(not_run)}.")
        for v in missed[:5]:
            print(f"missed: {v['file']}:{v['line']} {v['kind']} ({v.get('variant', '')})", file=sys.stderr)
        for r, p, line in false_alarms[:5]:
            print(f"false alarm: {p}:{line} {r}", file=sys.stderr)
    total = sum(per_kind.values())
    hits = sum(per_kind_found.values())
    flagged = sum(per_rule.values())
    good = sum(per_rule_ok.values())
    recall = pct(hits, total)
    precision = pct(good, flagged)
    eff_total = sum(per_kind_effective.values())
    eff_hits = sum(per_kind_effective_found.values())
    t_flagged = sum(per_rule_tested.values())
    t_good = sum(per_rule_tested_ok.values())
    # The raw line comes last: bench/run.sh reads it with `tail -n 1`.
    print(f"in effect / tested kinds: recall {pct(eff_hits, eff_total):.2f}% ({eff_hits}/{eff_total}), "
          f"precision {pct(t_good, t_flagged):.2f}% ({t_good}/{t_flagged})")
    print(f"recall={recall:.2f}% ({hits}/{total}) precision={precision:.2f}% ({good}/{flagged})")
    return 0 if hits == total and good == flagged else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
