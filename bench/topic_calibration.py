#!/usr/bin/env python3
"""How well each topic term says its topic, measured on Reuters' own topic labels.

Usage: python3 bench/topic_calibration.py [--shared ../shared] [--out FILE]

Reuters-21578 labels each story with topics (earn, acq, crude, trade, money-fx, ...). Six
of dossier's topics match some of them (REUTERS_TOPICS below). For each term of those six,
the script counts the labelled stories that hold the term (as the tagger matches it:
case-insensitive, on word boundaries, `*` for any ending) and the share of them that carry
a matching label, and proposes a weight: 2 (a term) from STRONG up, else the curated one.
It writes the proposals as TOML (default target/topic_weights.toml) and prints them. Only
stories Reuters judged for topics (TOPICS="YES") count. Standard library only.

Measured 2026-12-02 with the proposals applied as term weights in the tagger (topic F1,
dev / tune): curated weights 0.758 / 0.681; promote at 50% and demote below 50% (weak) and
20% (dropped) 0.736 / 0.652; promote at 50% and demote to weak below 20% 0.743 / 0.684;
promote only, at 50% 0.742 / 0.681, at 70% 0.756 / 0.681. Reuters' story-level labels do
not match the guidelines' paragraph-level topics ("union" is in 0% of "jobs" stories, yet
a strike is about labour), so the tagger keeps its curated weights and this stays a
diagnostic: a term far below its topic's labels is worth a look by hand.
"""
import argparse
import csv
import os
import re
import sys
import tomllib

HERE = os.path.dirname(os.path.abspath(__file__))

# dossier topic -> the Reuters labels that mean it.
REUTERS_TOPICS = {
    "earnings and revenue": {"earn"},
    "mergers and acquisitions": {"acq"},
    "energy and oil": {"crude", "nat-gas", "gas", "fuel", "heat", "propane", "pet-chem", "jet",
                       "naphtha"},
    "banking and finance": {"money-fx", "interest", "money-supply", "dlr", "yen", "dmk",
                            "reserves", "bop"},
    "trade": {"trade"},
    "labor and jobs": {"jobs"},
}
MIN_STORIES = 20
# Share of a term's stories with a matching label: at least STRONG makes a term, at least
# WEAK a weak term, below it the term does not count.
STRONG = 0.7
WEAK = 0.2


def pattern(term):
    prefix = term.endswith("*")
    body = re.escape(term.rstrip("*").lower())
    start = r"(?<!\w)" if term[:1].isalnum() else ""
    end = r"\w*" if prefix else (r"(?!\w)" if term.rstrip("*")[-1:].isalnum() else "")
    return re.compile(start + body + end)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=os.path.join(HERE, "..", "..", "shared"))
    ap.add_argument("--out", default=os.path.join(HERE, "..", "target", "topic_weights.toml"))
    a = ap.parse_args()
    with open(os.path.join(HERE, "..", "taxonomy", "curated.toml"), "rb") as f:
        topics = {t["name"]: t for t in tomllib.load(f)["topic"]}
    root = os.path.join(a.shared, "corpora", "reuters21578")
    stories = []
    with open(os.path.join(root, "labels.tsv"), encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            if row["topics_attr"] != "YES":
                continue
            with open(os.path.join(root, "articles", row["file"]), encoding="utf-8",
                      errors="replace") as g:
                text = g.read().lower()
            stories.append((text, set(filter(None, row["topics"].split(",")))))
    out = ["# Topic term weights proposed from Reuters' topic labels by",
           "# bench/topic_calibration.py (../shared/corpora/reuters21578/labels.tsv and",
           "# taxonomy/curated.toml).",
           "# weight 2: a term; 1: a weak term; 0: the term does not count. Each line's comment:",
           "# stories holding the term, and the share of them labelled with the topic.", ""]
    report = []
    for name, labels in REUTERS_TOPICS.items():
        topic = topics[name]
        out.append("[%s]" % json_key(name))
        for term, curated in [(t, 2) for t in topic["terms"]] + [(t, 1) for t in topic["weak"]]:
            regex = pattern(term)
            found = [story_labels for text, story_labels in stories if regex.search(text)]
            if len(found) < MIN_STORIES:
                continue
            share = sum(bool(story_labels & labels) for story_labels in found) / len(found)
            weight = 2 if share >= STRONG else curated
            if weight != curated:
                out.append("%s = %d  # %d stories, %.0f%%" % (json_key(term), weight, len(found),
                                                              100 * share))
                report.append("%-28s %-20s %d -> %d (%d stories, %.0f%%)"
                              % (name, term, curated, weight, len(found), 100 * share))
        out.append("")
    with open(a.out, "w", encoding="utf-8") as f:
        f.write("\n".join(out))
    print("\n".join(report), file=sys.stderr)
    print("wrote %s: %d terms re-weighted from %d labelled stories"
          % (a.out, len(report), len(stories)), file=sys.stderr)


def json_key(s):
    import json
    return json.dumps(s, ensure_ascii=False)


if __name__ == "__main__":
    main()
