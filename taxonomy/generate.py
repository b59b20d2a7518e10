#!/usr/bin/env python3
"""Regenerate taxonomy/default.toml, dossier's built-in taxonomy.

Usage: python3 taxonomy/generate.py [--shared ../shared] [--out taxonomy/default.toml]

Inputs (nothing else, so the output is reproducible):
  taxonomy/curated.toml          hand-written companies (aliases, products, parents) and topics
  SHARED/gazetteer/              public company lists: S&P 500, SEC tickers, index constituents,
                                 large caps, legal-form suffixes (see its SOURCE.md)
  SHARED/corpora/                news text, only to measure how names are used: a name that is
                                 also an ordinary word ("target", "southern") or the head of
                                 longer names ("Washington Post") is flagged common_word, so the
                                 tagger asks for evidence before it counts.

Curated entries win: a gazetteer company whose name or alias is already curated is merged
into the curated entry's spare aliases, never duplicated. Standard library only.
"""
import argparse
import csv
import json
import os
import re
import sys
import tomllib
from collections import Counter, defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))

# Names in the lists that are not businesses in the sense of the tagging guidelines, or
# are fund wrappers no article names as a company.
FUND_WORDS = re.compile(
    r"\b(ETF|ETN|ETP|iShares|SPDR|ProShares|Invesco QQQ|Portfolio|Index Fund|Leverage Shares|"
    r"Municipal|Muni|Closed[- ]End|Income Fund|Opportunity Fund|Acquisition Corp|Trust Units)\b",
    re.IGNORECASE,
)
# Listing noise in SEC and exchange names.
NOISE = re.compile(
    r"\s*(/[A-Z]{2,4}/?|\\[A-Z]{2,4}\\?|\(ADR\)|\bSponsored ADR\b|\bADR\b|\bADS\b|\bGDRS?\b.*|"
    r"\bDepositary receipts?\b|\bClass [A-C]\b|\bRegS\b|\(The\))\s*",
    re.IGNORECASE,
)
# Words kept upper case when a source writes a name in capitals: acronyms.
VOWELS = set("AEIOUY")


def words_of(text):
    return re.findall(r"[A-Za-z][A-Za-z'&.\-]*", text)


# Legal words kept as suffixes although news text also uses them as ordinary words.
LEGAL_WORDS = {"company", "companies", "corporation", "incorporated", "limited", "holding",
               "holdings", "group", "international", "industries", "enterprises"}


def read_suffixes(shared):
    """Legal forms and generic designators, lower case, without dots."""
    terms = set()
    path = os.path.join(shared, "gazetteer/legal_suffixes/legal_suffixes.tsv")
    with open(path, encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            if row["kind"] in ("legal_form_abbrev_or_word", "generic_designator", "listing_noise"):
                terms.add(row["term"].lower().replace(".", "").strip())
    return {t for t in terms if t}


def strip_suffixes(name, suffixes):
    """'Alibaba Group Holding Ltd' -> 'Alibaba'; never strips a name down to nothing."""
    tokens = name.replace(",", " ").split()
    while len(tokens) > 1:
        last = tokens[-1].lower().replace(".", "")
        two = " ".join(tokens[-2:]).lower().replace(".", "")
        if len(tokens) > 2 and two in suffixes:
            tokens = tokens[:-2]
        elif last in suffixes or last in ("&", "and", "the"):
            tokens = tokens[:-1]
        else:
            break
    return " ".join(tokens).strip(" ,.&-")


def tidy_case(name):
    """Title-cases a name a source wrote in capitals, keeping acronyms ('IBM', 'AT&T')."""
    if name != name.upper():
        return name

    def word(w):
        letters = [c for c in w if c.isalpha()]
        if len(letters) <= 3 or not VOWELS & set(letters) or "&" in w:
            return w
        return w.capitalize()

    words = [word(w) for w in name.split()]
    small = {"OF": "of", "AND": "and", "THE": "the", "DE": "de", "DU": "du", "DES": "des"}
    return " ".join(small.get(w, w) if i else w for i, w in enumerate(words))


def clean(name):
    name = NOISE.sub(" ", name)
    name = re.sub(r"\s+", " ", name).strip(" ,.-/")
    name = re.sub(r"^the\s+", "", name, flags=re.IGNORECASE)
    name = re.sub(r"\b([A-Za-z]+) Com\b", r"\1.com", name) if name.upper().endswith(" COM") else name
    return tidy_case(name)


def display_rank(name):
    """Prefer short names without abbreviations or brackets ('Rio Tinto', not 'Lilly (Eli)')."""
    return (bool(re.search(r"[.(]\w*|\w+\.", name.replace(".com", ""))), len(name), name)


def key(name):
    """The comparison key of a name: lower case, letters and digits only."""
    return re.sub(r"[^\w]+", " ", name.lower().replace("\u2019", "'")).strip()


def gazetteer_records(shared):
    """(names, tickers) groups from every list, merged by CIK, symbol and ISIN."""
    g = os.path.join(shared, "gazetteer")
    records = []
    with open(os.path.join(g, "sec/company_tickers.json"), encoding="utf-8") as f:
        for row in json.load(f).values():
            records.append(({row["title"]}, {row["ticker"]}, {"cik:%s" % row["cik_str"]}))
    with open(os.path.join(g, "sp500/constituents.csv"), encoding="utf-8") as f:
        for row in csv.DictReader(f):
            records.append(({row["Security"]}, {row["Symbol"]}, {"cik:%s" % int(row["CIK"])}))
    with open(os.path.join(g, "pytickersymbols/indices_data.json"), encoding="utf-8") as f:
        for index in json.load(f).values():
            for c in index["companies"]:
                ids = {"isin:" + i for i in c.get("isins", [])}
                ids |= {"y:" + s["yahoo"] for s in c.get("symbols", []) if s.get("yahoo")}
                records.append(({c["name"]}, set(), ids))
    with open(os.path.join(g, "financedatabase/equities_large_mega_cap.csv"), encoding="utf-8") as f:
        for row in csv.DictReader(f):
            ids = {"y:" + row["symbol"]} | ({"isin:" + row["isin"]} if row["isin"] else set())
            records.append(({row["name"]}, set(), ids))
    return [r for r in records if not any(FUND_WORDS.search(n) for n in r[0])]


def merge(records, suffixes):
    """Union-find over shared ids and shared short names."""
    parent = list(range(len(records)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner = {}
    for i, (names, _, ids) in enumerate(records):
        keys = set(ids) | {"name:" + key(strip_suffixes(clean(n), suffixes)) for n in names}
        for k in keys:
            if k in owner:
                parent[find(i)] = find(owner[k])
            else:
                owner[k] = i
    groups = defaultdict(lambda: (set(), set()))
    for i, (names, tickers, _) in enumerate(records):
        g = groups[find(i)]
        g[0].update(names)
        g[1].update(tickers)
    return list(groups.values())


class Usage:
    """How words are used in the corpora: lower case, capitalised alone, or heading a name."""

    def __init__(self, shared, suffixes):
        self.suffixes = suffixes
        self.lower = Counter()
        self.capital = Counter()
        self.heads = Counter()
        self.tails = Counter()
        self.places = Counter()
        self.lower_pairs = Counter()
        self.texts = []
        root = os.path.join(shared, "corpora")
        for folder, _, files in os.walk(root):
            for name in files:
                if name.endswith(".txt"):
                    with open(os.path.join(folder, name), encoding="utf-8", errors="replace") as f:
                        text = f.read()
                    self.count(text)
                    self.texts.append(text)

    def count(self, text):
        for sentence in re.split(r"(?<=[.!?\"])\s+|\n\s*\n", text):
            words = re.findall(r"[A-Za-z][A-Za-z&'\-]*", sentence)
            for i, w in enumerate(words):
                if w.islower():
                    self.lower[w] += 1
                    if i + 1 < len(words) and words[i + 1].islower():
                        self.lower_pairs[w + " " + words[i + 1]] += 1
                elif i > 0 and w[0].isupper() and not w.isupper():
                    self.capital[w.lower()] += 1
                    if i > 1 and words[i - 1][0].isupper():
                        self.tails[w.lower()] += 1
                    if words[i - 1] in ("in", "from", "to", "across"):
                        self.places[w.lower()] += 1
                    following = words[i + 1] if i + 1 < len(words) else ""
                    if following[:1].isupper() and following.lower() not in self.suffixes:
                        self.heads[w.lower()] += 1

    def is_plain_word(self, name):
        """A single short or very frequent ordinary word: too vague to name a company alone."""
        return len(key(name).split()) == 1 and self.is_common(name)

    def is_common(self, name):
        """True when the name is also an ordinary word or phrase, or usually starts a
        longer proper name: the tagger then needs evidence that it means the company."""
        words = key(name).split()
        if not words:
            return True
        if len(words) == 1:
            w = words[0]
            lower, capital = self.lower[w], self.capital[w]
            # Mostly the first word of longer names ("Southern California") or the last
            # ("Alex Ferguson"): a place or a person more often than a company.
            # "in Australia": a place.
            heads, tails, places = self.heads[w], self.tails[w], self.places[w]
            return lower >= 3 or (capital >= 5 and (heads + tails + places) * 5 > capital * 2)
        pairs = zip(words, words[1:])
        return all(self.lower_pairs[a + " " + b] >= 3 for a, b in pairs)


# Phrases news text puts before a company name: "medical services firm HealthSouth",
# "market analyst Datamonitor", "shares in Tiscali".
CUE_BEFORE = (r"(?:firm|company|group|giant|maker|retailer|bank|insurer|airline|carrier|"
              r"operator|chain|lender|broker|consultancy|publisher|developer|manufacturer|"
              r"supplier|provider|conglomerate|brewer|producer|rival|shares in|shares of|"
              r"stake in|takeover of|bid for|analysts at|analyst at|economist at)")
NAME = r"((?:[A-Z][\w&'\-]*|of|and|&)(?: (?:[A-Z][\w&'\-]*|of|and|&)){0,3})"
# Words that make a name an institution, a place or an event rather than a business.
NOT_BUSINESS = re.compile(
    r"\b(Ministry|Department|Commission|Council|University|Association|Committee|Agency|"
    r"Authority|Board|Office|Court|Party|Federal|Government|Parliament|Congress|Senate|"
    r"Institute|Foundation|Trust|Fund|Union|Club|Federation|Organisation|Organization|"
    r"Reserve|Treasury|Exchange|Index|Street|Road|City|County|State|States|Kingdom|Republic|"
    r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|"
    r"May|June|July|August|September|October|November|December|Christmas|Mr|Mrs|Ms|Dr|Sir|"
    r"Lord|President|Minister|Chancellor|Secretary|Prime|Chief|Executive|Chairman)\b")


def mine_corpus_names(usage, suffix_words, suffixes, excluded):
    """Company names the corpora mark in two documents or more: with a legal form
    ("Tenneco Inc"), in wire brackets, or after a company noun ("retailer Mothercare")."""
    legal = {w.lower().replace(".", "") for w in suffix_words} & suffixes
    pattern = "|".join(sorted((re.escape(w) for w in suffix_words), key=len, reverse=True))
    marked = re.compile(NAME + r",? (?:" + pattern + r")\b")
    cued = re.compile(r"\b" + CUE_BEFORE + r" " + NAME)
    docs = Counter()
    for text in usage.texts:
        names = set()
        for m in marked.finditer(text):
            names.add(m.group(1))
        for m in cued.finditer(text):
            names.add(m.group(1))
        for m in re.finditer(r"<([A-Z][^<>\n]{2,60})>", text):
            inner = m.group(1)
            if " " in inner or any(c.islower() for c in inner):
                names.add(strip_suffixes(inner, legal))
        for name in names:
            name = re.sub(r"^(?:The|A|An|In|On|At|For|By|Its|And|Of) ", "", name)
            name = re.sub(r"('s|\u2019s|')$", "", name)
            name = strip_suffixes(name, legal)
            name = re.sub(r"(?: (?:of|and|&))+$", "", name).strip()
            docs[name] += 1
    mined = []
    for name, count in docs.items():
        words = name.split()
        if (count < 2 or not words or name.isupper() and len(name) > 6
                or NOT_BUSINESS.search(name) or usage.is_plain_word(name)
                or usage.is_common(name) or words[0][0].islower() or key(name) in excluded
                or len(words) == 1 and re.search(r"(ian|ese|ish|ean)$", name)
                or re.search(r"['\u2019](?!s\b)", name)):
            continue
        mined.append(name)
    return mined


def toml_string(s):
    return json.dumps(s, ensure_ascii=False)


def toml_list(items):
    return "[" + ", ".join(toml_string(i) for i in items) + "]"


def write_company(out, c):
    out.append("[[company]]")
    out.append("name = " + toml_string(c["name"]))
    for field in ("aliases", "products", "tickers"):
        if c.get(field):
            out.append("%s = %s" % (field, toml_list(c[field])))
    if c.get("common_word"):
        out.append("common_word = true")
    if c.get("parent"):
        out.append("parent = " + toml_string(c["parent"]))
    if c.get("news_source"):
        out.append("news_source = true")
    out.append("")


def generated_companies(groups, suffixes, usage, taken, taken_tickers):
    companies = []
    for names, tickers in groups:
        # Names written in mixed case by some list beat those tidied from capitals.
        mixed = {clean(n) for n in names if n != n.upper()}
        cleaned = sorted(mixed or {clean(n) for n in names}, key=display_rank)
        shorts = sorted({strip_suffixes(n, suffixes) for n in cleaned}, key=display_rank)
        shorts = [s for s in shorts if len(key(s)) >= 2]
        if not shorts:
            continue
        candidates = shorts + [n for n in cleaned if n not in shorts]
        if any(key(n) in taken for n in candidates):
            continue  # a curated company: the hand-written entry says it better
        # A short name that is a plain word ("On", "Target") would be read in every text:
        # such companies go by their full name.
        plain = [n for n in candidates if not usage.is_plain_word(n)]
        if not plain:
            continue
        name = plain[0]
        aliases = [n for n in plain[1:] if key(n) != key(name)]
        aliases = list(dict.fromkeys(a for a in aliases if key(a) not in taken))
        for n in [name] + aliases:
            taken.add(key(n))
        entry = {"name": name, "aliases": aliases}
        free = sorted(t for t in tickers if t not in taken_tickers and re.fullmatch(r"[A-Z0-9.\-]{1,8}", t))
        taken_tickers.update(free)
        entry["tickers"] = free
        entry["common_word"] = usage.is_common(name)
        companies.append(entry)
    companies.sort(key=lambda c: key(c["name"]))
    return companies


def read_places(shared):
    """Countries, states and cities named in the company lists: never company names."""
    g = os.path.join(shared, "gazetteer")
    places = set()
    with open(os.path.join(g, "financedatabase/equities_large_mega_cap.csv"), encoding="utf-8") as f:
        for row in csv.DictReader(f):
            places.update(key(row[c]) for c in ("country", "state", "city") if row[c])
    with open(os.path.join(g, "pytickersymbols/indices_data.json"), encoding="utf-8") as f:
        for index in json.load(f).values():
            places.update(key(c.get("country") or "") for c in index["companies"])
    with open(os.path.join(g, "sp500/constituents.csv"), encoding="utf-8") as f:
        for row in csv.DictReader(f):
            places.update(key(part) for part in row["Headquarters Location"].split(","))
    places.discard("")
    return places


def read_not_companies():
    """Listed names that the tagging guidelines do not count as companies."""
    with open(os.path.join(HERE, "not_companies.txt"), encoding="utf-8") as f:
        lines = (line.split("#")[0].strip() for line in f)
        return {key(line) for line in lines if line}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=os.path.join(HERE, "..", "..", "shared"))
    ap.add_argument("--out", default=os.path.join(HERE, "default.toml"))
    a = ap.parse_args()
    with open(os.path.join(HERE, "curated.toml"), "rb") as f:
        curated = tomllib.load(f)
    suffixes = read_suffixes(a.shared)
    taken = set()
    taken_tickers = set()
    for c in curated.get("company", []):
        taken.update(key(n) for n in [c["name"]] + c.get("aliases", []))
        taken_tickers.update(c.get("tickers", []))
    usage = Usage(a.shared, suffixes)
    # "Fund", "Bank", "Trust" are legal forms somewhere, but stripping them turns
    # "India Fund" into "India": only words that are not ordinary English are stripped.
    suffixes = {t for t in suffixes if len(t) <= 3 or usage.lower[t] < 20 or t in LEGAL_WORDS}
    excluded = read_not_companies() | read_places(a.shared)
    records = [r for r in gazetteer_records(a.shared)
               if not any(key(strip_suffixes(clean(n), suffixes)) in excluded for n in r[0])]
    groups = merge(records, suffixes)
    generated = generated_companies(groups, suffixes, usage, taken, taken_tickers)
    mined = []
    for name in mine_corpus_names(usage, curated["legal_suffixes"], suffixes, excluded):
        if key(name) not in taken:
            taken.add(key(name))
            mined.append({"name": name})
    mined.sort(key=lambda c: key(c["name"]))

    out = [
        "# dossier's built-in taxonomy. GENERATED by taxonomy/generate.py from",
        "# taxonomy/curated.toml (hand-written) and the public lists in ../shared/gazetteer/;",
        "# edit curated.toml and re-run the script instead of editing this file.",
        "#",
        "# Field meanings are documented at the top of taxonomy/curated.toml.",
        "",
        "legal_suffixes = " + toml_list(curated["legal_suffixes"]),
        "designators = " + toml_list(curated["designators"]),
        "company_nouns = " + toml_list(curated["company_nouns"]),
        "",
        "# --- Curated companies (%d) ---" % len(curated["company"]),
        "",
    ]
    for c in curated["company"]:
        write_company(out, c)
    out += ["# --- From the gazetteer (%d) ---" % len(generated), ""]
    for c in generated:
        write_company(out, c)
    out += ["# --- Marked as companies in two or more documents of the corpora (%d) ---"
            % len(mined), ""]
    for c in mined:
        write_company(out, c)
    out += ["# --- Topics ---", ""]
    for t in curated["topic"]:
        out += ["[[topic]]", "name = " + toml_string(t["name"]), "terms = " + toml_list(t["terms"]), ""]
    with open(a.out, "w", encoding="utf-8") as f:
        f.write("\n".join(out))
    print("wrote %s: %d curated, %d gazetteer and %d corpus companies, %d topics"
          % (a.out, len(curated["company"]), len(generated), len(mined), len(curated["topic"])),
          file=sys.stderr)


if __name__ == "__main__":
    main()
