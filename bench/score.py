#!/usr/bin/env python3
"""Recall and precision of an `edgeguard scan --format json` report against the violations
gencorpus.py planted (OUT/expected.json).

    python3 bench/score.py CORPUS_DIR REPORT.json [--quiet]

A planted violation is found when a finding of the rule its kind maps to names the same file
(relative to the corpus) and the same line. Precision is per rule: of the findings of the rules
the corpus plants, how many are planted ones (the corpus's clean files hold must-not-fire
boundary cases, so anything else is a false alarm). Prints one row per kind and per rule and
a total line `recall=R precision=P`; exits 1 when recall or precision is below 100%.
"""
import collections
import json
import os
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
    findings = json.load(open(report))["findings"]
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
    false_alarms = []
    for f in findings:
        if f.get("suppressed") or f["rule"] not in planted_rules:
            continue
        path = rel(f["file"])
        if path is None:
            continue
        key = (f["rule"], path, f["line"])
        per_rule[f["rule"]] += 1
        if key in planted:
            per_rule_ok[f["rule"]] += 1
            found_keys.add(key)
        else:
            false_alarms.append(key)

    per_kind = collections.Counter()
    per_kind_found = collections.Counter()
    missed = []
    for v in expected:
        k = (v["format"], v["kind"])
        per_kind[k] += 1
        if (rule_for(v["kind"], v["format"]), v["file"], v["line"]) in found_keys:
            per_kind_found[k] += 1
        else:
            missed.append(v)

    if not quiet:
        print("| format | planted kind | rule | planted | found | recall |")
        print("|---|---|---|---|---|---|")
        for k in sorted(per_kind):
            print(f"| {k[0]} | {k[1]} | {rule_for(k[1], k[0])} | {per_kind[k]} | {per_kind_found[k]} | "
                  f"{100.0 * per_kind_found[k] / per_kind[k]:.1f}% |")
        print()
        print("| rule | findings | planted | precision |")
        print("|---|---|---|---|")
        for r in sorted(per_rule):
            print(f"| {r} | {per_rule[r]} | {per_rule_ok[r]} | {100.0 * per_rule_ok[r] / per_rule[r]:.1f}% |")
        for v in missed[:5]:
            print(f"missed: {v['file']}:{v['line']} {v['kind']} ({v.get('variant', '')})", file=sys.stderr)
        for r, p, line in false_alarms[:5]:
            print(f"false alarm: {p}:{line} {r}", file=sys.stderr)
    total = sum(per_kind.values())
    hits = sum(per_kind_found.values())
    flagged = sum(per_rule.values())
    good = sum(per_rule_ok.values())
    recall = 100.0 * hits / total if total else 100.0
    precision = 100.0 * good / flagged if flagged else 100.0
    print(f"recall={recall:.2f}% ({hits}/{total}) precision={precision:.2f}% ({good}/{flagged})")
    return 0 if hits == total and good == flagged else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
