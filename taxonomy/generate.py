#!/usr/bin/env python3
"""Regenerate taxonomy/default.toml, dossier's built-in taxonomy.

Usage: python3 taxonomy/generate.py [--shared ../shared] [--out taxonomy/default.toml]

Inputs (nothing else, so the output is reproducible):
  taxonomy/curated.toml          hand-written companies (aliases, products, parents) and topics
  taxonomy/lexicon.toml          word lists (industry words, particles...), shared with the tagger
  SHARED/gazetteer/              public company lists: S&P 500, SEC tickers, index constituents,
                                 large caps, legal-form suffixes (see its SOURCE.md)
  SHARED/corpora/                news text, only to measure how names are used: a name that is
                                 also an ordinary word ("target", "southern") or the head of
                                 longer names ("Washington Post") is flagged common_word, so the
                                 tagger asks for evidence before it counts.
  bench/holdout/train.jsonl      the companies annotated in the tagger's training paragraphs
                                 (articles of no evaluation set), one more list of names: a
                                 company the public lists lack (a 1987 one, a private one) that
                                 a person tagged in the corpora is a company wherever it recurs.

Curated entries win: a gazetteer company whose name or alias is already curated is merged
into the curated entry's spare aliases, never duplicated. Standard library only.
"""
import argparse
import itertools
import csv
import json
import os
import re
import sys
import tomllib
from collections import Counter, defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))


def read_lexicon():
    """The word lists of taxonomy/lexicon.toml, which the tagger reads too: name -> words."""
    with open(os.path.join(HERE, "lexicon.toml"), "rb") as f:
        return {name: table["words"] for name, table in tomllib.load(f).items()}


# What each list is for is said in lexicon.toml.
LEXICON = read_lexicon()

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
LEGAL_WORDS = set(LEXICON["legal_words"])


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


# Short words the corpora write in lower case often (filled in by main from Usage): in a
# name written in capitals they are words, not acronyms.
ORDINARY_WORDS = set()


def loose_key(name):
    """The tagger's loose key (src/taxonomy.rs): letters and digits in lower case, without
    "and", "&" or a closing possessive: "Standard and Poor" is "Standard & Poor's"."""
    name = re.sub(r"['\u2019]s$", "", name.strip())
    return "".join(w for w in re.split(r"[^\w]+", name.lower()) if w and w != "and")


def tidy_case(name):
    """Title-cases a name a source wrote in capitals, keeping acronyms ('IBM', 'AT&T')."""
    if name != name.upper():
        return name

    def word(w):
        letters = [c for c in w if c.isalpha()]
        ordinary = w.lower() in ORDINARY_WORDS  # "NEW YORK TIMES": "New", not an acronym
        if (len(letters) <= 3 and not ordinary) or not VOWELS & set(letters) or "&" in w:
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


# The topics of an industry, as the gazetteer lists name industries (GICS sub-industries in
# the S&P 500 list, GICS industries in financedatabase). Industries no topic is about
# (software, airlines, drugs...) give none.
INDUSTRY_TOPICS = {
    "Integrated Telecommunication Services": "telecommunications",
    "Diversified Telecommunication Services": "telecommunications",
    "Wireless Telecommunication Services": "telecommunications",
    "Communications Equipment": "telecommunications",
    "Cable & Satellite": "media and entertainment",
    "Broadcasting": "media and entertainment",
    "Movies & Entertainment": "media and entertainment",
    "Publishing": "media and entertainment",
    "Interactive Home Entertainment": "media and entertainment",
    "Entertainment": "media and entertainment",
    "Media": "media and entertainment",
    "Automobile Manufacturers": "automotive",
    "Automotive Parts & Equipment": "automotive",
    "Automobiles": "automotive",
    "Auto Components": "automotive",
    "Broadline Retail": "retail and e-commerce",
    "Apparel Retail": "retail and e-commerce",
    "Computer & Electronics Retail": "retail and e-commerce",
    "Home Improvement Retail": "retail and e-commerce",
    "Homefurnishing Retail": "retail and e-commerce",
    "Other Specialty Retail": "retail and e-commerce",
    "Consumer Staples Merchandise Retail": "retail and e-commerce",
    "Food Retail": "retail and e-commerce",
    "Internet & Direct Marketing Retail": "retail and e-commerce",
    "Food & Staples Retailing": "retail and e-commerce",
    "Integrated Oil & Gas": "energy and oil",
    "Oil & Gas Equipment & Services": "energy and oil",
    "Oil & Gas Exploration & Production": "energy and oil",
    "Oil & Gas Refining & Marketing": "energy and oil",
    "Oil & Gas Storage & Transportation": "energy and oil",
    "Oil, Gas & Consumable Fuels": "energy and oil",
    "Energy Equipment & Services": "energy and oil",
    "Diversified Banks": "banking and finance",
    "Regional Banks": "banking and finance",
    "Investment Banking & Brokerage": "banking and finance",
    "Consumer Finance": "banking and finance",
    "Life & Health Insurance": "banking and finance",
    "Multi-line Insurance": "banking and finance",
    "Property & Casualty Insurance": "banking and finance",
    "Reinsurance": "banking and finance",
    "Transaction & Payment Processing Services": "banking and finance",
    "Banks": "banking and finance",
    "Insurance": "banking and finance",
    "Thrifts & Mortgage Finance": "banking and finance",
    "Financial Exchanges & Data": "stock market",
    "Semiconductors": "semiconductors",
    "Semiconductor Materials & Equipment": "semiconductors",
    "Semiconductors & Semiconductor Equipment": "semiconductors",
    "Technology Hardware, Storage & Peripherals": "smartphones and devices",
    "Consumer Electronics": "smartphones and devices",
}


def industry_topics(industry):
    return {INDUSTRY_TOPICS[industry]} if industry in INDUSTRY_TOPICS else set()


def gazetteer_records(shared):
    """(names, tickers, ids, topics) from every list; merge() joins them by CIK, symbol,
    ISIN and name."""
    g = os.path.join(shared, "gazetteer")
    records = []
    with open(os.path.join(g, "sec/company_tickers.json"), encoding="utf-8") as f:
        for row in json.load(f).values():
            records.append(({row["title"]}, {row["ticker"]}, {"cik:%s" % row["cik_str"]}, set()))
    with open(os.path.join(g, "sp500/constituents.csv"), encoding="utf-8") as f:
        for row in csv.DictReader(f):
            topics = industry_topics(row["GICS Sub-Industry"])
            records.append(({row["Security"]}, {row["Symbol"]}, {"cik:%s" % int(row["CIK"])}, topics))
    with open(os.path.join(g, "pytickersymbols/indices_data.json"), encoding="utf-8") as f:
        for index in json.load(f).values():
            for c in index["companies"]:
                ids = {"isin:" + i for i in c.get("isins", [])}
                ids |= {"y:" + s["yahoo"] for s in c.get("symbols", []) if s.get("yahoo")}
                records.append(({c["name"]}, set(), ids, set()))
    with open(os.path.join(g, "financedatabase/equities_large_mega_cap.csv"), encoding="utf-8") as f:
        for row in csv.DictReader(f):
            ids = {"y:" + row["symbol"]} | ({"isin:" + row["isin"]} if row["isin"] else set())
            topics = industry_topics(row["industry"])
            records.append(({row["name"]}, set(), ids, topics))
    return [r for r in records if not any(FUND_WORDS.search(n) for n in r[0])]


# Canonical names of the annotated companies that annotated_records() adds.
ANNOTATED_NAMES = set()


def annotated_records(listed, suffixes):
    """(names, tickers, ids, topics) of the companies annotated in the training paragraphs
    that no public list holds: the canonical name and the aliases that share a word with
    it (not products, parents' names or tickers, which annotators list too). A company a
    list holds keeps the list's names: joined by merge(), an annotated name could rename
    it or join two companies that share a word."""
    path = os.path.join(HERE, "..", "bench", "holdout", "train.jsonl")
    records = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            note = record.get("note", "")
            for company in record["companies"]:
                name = company["name"]
                # A judgement call (the NYSE as a rival operator, not a venue) is no
                # evidence that the name is a company's wherever it recurs.
                written = [name, company.get("evidence", name)] + company.get("aliases", [])
                if re.search(r"doubtful|borderline", note, re.IGNORECASE) and any(
                        w in note for w in written):
                    continue
                words = {w for w in key(name).split() if len(w) > 2}
                names = {name} | {a for a in company.get("aliases", [])
                                  if words & set(key(a).split())
                                  and not re.fullmatch(r"[A-Z0-9.&-]{1,5}", a)}
                if any(key(strip_suffixes(clean(n), suffixes)) in listed for n in names):
                    continue
                ANNOTATED_NAMES.add(name)
                records.append((names, set(), set(), set()))
    return records


def merge(records, suffixes):
    """Union-find over shared ids and shared short names."""
    parent = list(range(len(records)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner = {}
    for i, (names, _, ids, _) in enumerate(records):
        keys = set(ids) | {"name:" + key(strip_suffixes(clean(n), suffixes)) for n in names}
        for k in keys:
            if k in owner:
                parent[find(i)] = find(owner[k])
            else:
                owner[k] = i
    groups = defaultdict(lambda: (set(), set(), set()))
    for i, (names, tickers, _, topics) in enumerate(records):
        g = groups[find(i)]
        g[0].update(names)
        g[1].update(tickers)
        g[2].update(topics)
    return list(groups.values())


# Lower-case words inside people's and places' names: "Banca Nazionale del Lavoro".
NAME_PARTICLES = set(LEXICON["name_particles"])


class Usage:
    """How words are used in the corpora: lower case, capitalised alone, or heading a name."""

    def __init__(self, shared, suffixes):
        self.suffixes = suffixes
        self.lower = Counter()
        self.capital = Counter()
        self.heads = Counter()
        self.tails = Counter()
        # The same two with nothing but a space between the words ("Safeway Stores Inc,
        # Kroger Co" is a list, not a name ending in "Kroger"), and the words that follow
        # a word heading a name: a first name is followed by many surnames, a company's
        # name by a few words of its own ("Honeywell Bull").
        self.joined_tails = Counter()
        self.joined_heads = Counter()
        self.followers = defaultdict(set)
        self.places = Counter()
        self.lower_pairs = Counter()
        self.texts = []
        self.word_index = None
        root = os.path.join(shared, "corpora")
        for folder, _, files in os.walk(root):
            for name in files:
                if name.endswith(".txt"):
                    with open(os.path.join(folder, name), encoding="utf-8", errors="replace") as f:
                        text = f.read()
                    self.count(text)
                    self.texts.append((os.path.relpath(folder, root), text))

    def count(self, text):
        for sentence in re.split(r"(?<=[.!?\"])\s+|\n\s*\n", text):
            found = list(re.finditer(r"[A-Za-z][A-Za-z&'\-]*", sentence))
            words = [m.group() for m in found]
            joined = [False] + [sentence[a.end():b.start()].isspace()
                                for a, b in zip(found, found[1:])]
            for i, w in enumerate(words):
                if w.islower():
                    self.lower[w] += 1
                    if i + 1 < len(words) and words[i + 1].islower():
                        self.lower_pairs[w + " " + words[i + 1]] += 1
                elif i > 0 and w[0].isupper() and not w.isupper():
                    self.capital[w.lower()] += 1
                    if i > 1 and words[i - 1][0].isupper():
                        self.tails[w.lower()] += 1
                    # "Cincinnati-based Kroger", "Japan's Mitsubishi": the word before
                    # describes the name rather than starting it.
                    described = "-" in words[i - 1] or words[i - 1].endswith("'s")
                    if joined[i] and not described and (words[i - 1][0].isupper() and i > 1
                                                        or words[i - 1] in NAME_PARTICLES):
                        self.joined_tails[w.lower()] += 1
                    # "in Japan", but not "a stake in Gallaher".
                    if (words[i - 1] in ("in", "from", "to", "across")
                            and (i < 2 or words[i - 2].lower() not in NOT_PLACE_BEFORE)):
                        self.places[w.lower()] += 1
                    following = words[i + 1] if i + 1 < len(words) else ""
                    if following[:1].isupper() and following.lower() not in self.suffixes:
                        self.heads[w.lower()] += 1
                        if joined[i + 1]:
                            self.joined_heads[w.lower()] += 1
                            self.followers[w.lower()].add(following)

    def texts_with(self, word):
        """The texts that contain a word, through an index built on first use."""
        if self.word_index is None:
            self.word_index = defaultdict(list)
            for i, (_, text) in enumerate(self.texts):
                for w in set(re.findall(r"[A-Z][a-z]{4,}[A-Za-z]*", text)):
                    self.word_index[w].append(i)
        return [self.texts[i] for i in self.word_index.get(word, [])]

    def is_surname(self, name):
        """A single word found after another capitalised word as often as not: "Roper" in
        "James Roper", "Mr Roper"."""
        w = key(name)
        return " " not in w and self.tails[w] * 2 > self.capital[w]

    def is_plain_word(self, name):
        """A single word too vague to name a company alone: an ordinary word ("Target"),
        a surname ("Gates"), a first name ("Dave Jones"), a place ("in Albany") or two
        letters. A word that starts a company's longer names ("Caterpillar Tractor") is not:
        it names the company, with evidence."""
        w = key(name)
        if " " in w:
            return False
        if len(w) < 3:
            return not any(c.isdigit() for c in w)
        if not self.is_common(name):
            return False
        if self.lower[w] >= 3:
            return True
        followers = len(self.followers[w])
        # One use in ten after another name ("B.J. Cooper", "port of Santos") is enough:
        # a company's own name is rarely written so.
        return (0 < self.joined_tails[w] * 10 >= self.capital[w]
                or self.places[w] * 3 >= self.capital[w]
                or followers >= 6 and followers * 4 > self.heads[w])

    def is_common(self, name, joined=False):
        """True when the name is also an ordinary word or phrase, or usually starts a
        longer proper name: the tagger then needs evidence that it means the company.
        With `joined`, names are counted only across spaces: "Alcoa" heads no name in
        "Alcoa, Reynolds and Alcan" (the gazetteer's flags); without, across any
        punctuation (the stricter filter of corpus-mined names)."""
        words = key(name).split()
        if not words:
            return True
        if len(words) == 1:
            w = words[0]
            lower, capital = self.lower[w], self.capital[w]
            # Mostly the first word of longer names ("Southern California") or the last
            # ("Alex Ferguson"): a place or a person more often than a company.
            # "in Australia": a place.
            heads, tails = ((self.joined_heads[w], self.joined_tails[w]) if joined
                            else (self.heads[w], self.tails[w]))
            places = self.places[w]
            return lower >= 3 or (capital >= 5 and (heads + tails + places) * 5 > capital * 2)
        pairs = zip(words, words[1:])
        return all(self.lower_pairs[a + " " + b] >= 3 for a, b in pairs)


# "group" before a name is a company unless the kind of group says otherwise.
NOT_BUSINESS_GROUPS = LEXICON["not_business_groups"]
BUSINESS_GROUP = "".join(r"(?<!\b%s )" % re.escape(w) for w in NOT_BUSINESS_GROUPS) + "group"
# Phrases news text puts before a company name: "medical services firm HealthSouth",
# "market analyst Datamonitor", "shares in Tiscali", "chief executive of Panlogic".
CUE_BEFORE = (r"(?:firms?|company|companies|" + BUSINESS_GROUP + r"|giant|maker|retailer|bank|insurer|airline|"
              r"carrier|operator|chain|lender|broker|consultancy|publisher|developer|"
              r"manufacturer|supplier|provider|conglomerate|brewer|producer|rival|analysts|"
              r"accountants|shares in|shares of|stake in|takeover of|bid for|analysts? at|"
              r"economists? at|researchers at|director at|(?:chief|managing) executive of|"
              r"managing director of|chief economist at)")
# Words after a possessive name that only a business has: "Deloitte's chief economic
# advisor", "Umbro's shares".
CUE_AFTER = (r"(?:['\u2019]s (?:chief executive|chairman|boss|shares|share price|"
             r"shareholders|profits?|pre-tax|revenues?|sales|chief economist|"
             r"chief economic|subsidiary|stock|takeover|customers|founder)|"
             r" shares (?:rose|fell|jumped|slipped|dropped|closed|gained|were up|were down))")
NAME = r"((?:[A-Z][\w&'\-]*|of|and|&)(?: (?:[A-Z][\w&'\-]*|of|and|&)){0,3})"
# Words that make a name an institution, a place or an event rather than a business;
# months and days too.
NOT_BUSINESS = re.compile(
    r"\b(" + "|".join(re.escape(w) for w in LEXICON["not_business_words"]
                      + LEXICON["calendar_words"]) + r")\b")


# Capitalised words in a row, the way names are written.
CAPITALISED_RUN = re.compile(r"[A-Z][\w&'\-]*(?: (?:[A-Z][\w&'\-]*|of|and|&))*")
# "in Japan", "across Sri Lanka": a place; "stake in ITV", "shares in Umbro": a company.
PLACE_BEFORE = re.compile(r"(\w+) (?:in|across|throughout|near) $")
NOT_PLACE_BEFORE = set(LEXICON["holding_words"] + LEXICON["not_place_before"])


def is_place_context(before):
    """True when the text right before a name reads like "in" + place."""
    m = PLACE_BEFORE.search(" ".join(before.split()) + " ")
    return bool(m) and m.group(1).lower() not in NOT_PLACE_BEFORE


# Sections of the corpora where capitalised names are mostly clubs and players, or
# politicians and parties.
SPORT_SECTION = "bbc-news/articles/sport"
POLITICS_SECTION = "bbc-news/articles/politics"


class NameStats:
    """How the corpora use each capitalised phrase: how often, how often after "in" or
    "from" (a place), and how often in sport or politics articles (a club, a party)."""

    def __init__(self, texts):
        self.total = Counter()
        self.place = Counter()
        self.sport = Counter()
        self.politics = Counter()
        for section, text in texts:
            sport = section.startswith(SPORT_SECTION)
            politics = section.startswith(POLITICS_SECTION)
            for m in CAPITALISED_RUN.finditer(text):
                words = m.group(0).split(" ")
                place = is_place_context(text[max(0, m.start() - 32):m.start()])
                for n in range(1, min(len(words), 5) + 1):
                    phrase = re.sub(r"('s|\u2019s)$", "", " ".join(words[:n]))
                    self.total[phrase] += 1
                    self.place[phrase] += place
                    self.sport[phrase] += sport
                    self.politics[phrase] += politics

    def is_business_name(self, name):
        """False for names mostly used as places ("in Sri Lanka"), in sport ("Southampton")
        or all but always in politics ("UKIP"). Companies turn up in politics too ("BAA")."""
        total = self.total[name]
        place = self.place[name]
        return not (place >= 5 and place * 9 > total or self.sport[name] * 2 > total
                    or self.politics[name] * 10 > total * 9)


def split_list(name):
    """"Gizmondo and Tapwave Zodiac" after a cue names two companies; a name marked by a
    legal form ("Holt, Rinehart and Winston Inc") keeps its "and"."""
    return [part for part in name.split(" and ") if part[:1].isupper()]


# Words for a part of a company or the people in it, before "of" and the company:
# "Division of USX", "Employees of Morton Thiokol".
PART_WORDS = set(LEXICON["part_words"])


def without_person_or_part(name, usage, excluded, company_words):
    """The company of "Allan Leslie of Discount", "Ackerman of Gruntal" (a person: title-case
    words ending in a surname, a word the corpora never write in lower case) or "Division
    of USX"; other names with "of" ("Bank of America", "Benihana of Tokyo": a place after
    "of") stay whole."""
    before, sep, after = name.partition(" of ")
    if not sep or not after[:1].isupper() or key(after) in excluded:
        return name
    words = before.split()
    last = words[-1].lower()
    if last in PART_WORDS:
        return after
    title_case = all(w[:1].isupper() and w[1:].islower() and len(w) > 2 for w in words)
    # As often after another capitalised word as not: "Robert Brusca", "Brusca said".
    surname = usage.tails[last] * 2 >= usage.capital[last] > 0
    if title_case and surname and usage.lower[last] < 3 and last not in company_words:
        return after
    return name


# Words that open sentences and phrases but never a company's name ("Shares of Polaroid",
# "But Asarco", "Subsidiary Courage"): the lexicon's list, shared with the tagger.
NOT_NAME_STARTS = set(LEXICON["not_name_starts"])
QUANTIFIERS = set(LEXICON["appositive_quantifiers"])
PERSON_WORDS = {w.lower() for w in LEXICON["personal_titles"] + LEXICON["person_roles"]}


def without_sentence_words(name):
    """"Shares of Warner Communications" -> "Warner Communications", "Both Sears and
    Kellwood" -> "Sears and Kellwood": leading words the lexicon says never start a name,
    with the connectors they leave behind."""
    words = name.split(" ")
    # Only a capitalised opener: a name the pattern began at a lower-case "of" or "and"
    # ("of Italy and Hercules") was cut out of a longer one and stays rejected.
    while words and words[0][:1].isupper() and words[0].lower() in NOT_NAME_STARTS:
        if words[0].lower() in PERSON_WORDS:
            return ""  # "Chairman Jean Mantelet": a person follows
        if words[0].lower() in QUANTIFIERS and "and" in words:
            # "Both Sears and Kellwood Co": two companies; the mark is on the last
            words = words[len(words) - words[::-1].index("and"):]
            continue
        words = words[1:]
        while words and words[0] in ("and", "of", "&"):
            words = words[1:]
    return " ".join(words)


def after_inner_legal_form(name, legal):
    """"Clabir Corp and AmBrit", "Automotive Inc and Maremont": a legal form inside a name
    ends one company's name, so what follows its "and" is the marked name. (Designators
    do not: "Hycroft Resources and Development Corp" is one name.)"""
    words = name.split(" ")
    for i in range(len(words) - 2, 0, -1):
        if words[i + 1] in ("and", "&") and words[i].lower().replace(".", "") in legal:
            return " ".join(words[i + 2:])
    return name


def mine_corpus_names(usage, suffix_words, designators, suffixes, excluded):
    """Company names the corpora mark as such: with a legal form ("Tenneco Inc"), in wire
    brackets, after a company noun ("retailer Mothercare") or before words only a business
    has ("Umbro's shares"). One mark is enough: the marks are specific, and the names
    most often wrong (places, clubs, people) are filtered by how the corpora use them."""
    legal = {w.lower().replace(".", "") for w in suffix_words} & suffixes
    company_words = {w.lower() for w in itertools.chain(suffix_words, designators)}
    pattern = "|".join(sorted((re.escape(w) for w in suffix_words), key=len, reverse=True))
    marked = re.compile(NAME + r",? (?:" + pattern + r")\b")
    cued = re.compile(r"\b" + CUE_BEFORE + r" " + NAME)
    cued_after = re.compile(NAME + CUE_AFTER)
    stats = NameStats(usage.texts)
    docs = set()
    for _, text in usage.texts:
        names = set()
        for m in marked.finditer(text):
            names.add(m.group(1))
        for m in itertools.chain(cued.finditer(text), cued_after.finditer(text)):
            names.update(split_list(without_sentence_words(m.group(1))))
        for m in re.finditer(r"<([A-Z][^<>\n]{2,60})>", text):
            inner = m.group(1)
            if " " in inner or any(c.islower() for c in inner):
                names.add(strip_suffixes(inner, legal))
        for name in names:
            name = without_sentence_words(name)
            name = after_inner_legal_form(name, legal)
            name = re.sub(r"^[A-Z][\w\-]*['\u2019]s ", "", name)  # "Japan's Nippon Steel"
            name = without_person_or_part(name, usage, excluded, company_words)
            # "Amsterdam-based OneStat", "BB-plus Trinity Industries" (a rating)
            name = re.sub(r"^(?:\S+-based|[A-C]+\d?-(?:plus|minus)) ?", "", name)
            name = re.sub(r"('s|\u2019s|')$", "", name)
            name = strip_suffixes(name, legal)
            name = re.sub(r"(?: (?:of|and|&))+$", "", name).strip()
            docs.add(name)
    mined = []
    for name in docs:
        words = name.split()
        if (not words or name.isupper() and len(name) > 6
                or NOT_BUSINESS.search(name) or usage.is_common(name)
                or words[0][0].islower() or key(name) in excluded
                or not stats.is_business_name(name)
                # Initials no list vouches for are a rating ("AAA") or a body ("OECD") as
                # often as a company; a marked one is still found in its document.
                or re.fullmatch(r"[A-Z]{1,4}|[A-Z]+\d+[A-Z]?|\d.*", name)  # "DB", "G4", "P2P"
                or len(words) == 1 and re.search(r"(ian|ese|ish|ean)$", name)
                or re.search(r"['\u2019](?!s\b)", name)):
            continue
        mined.append(name)
    return sorted(mined)


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
    if c.get("topics"):
        out.append("topics = " + toml_list(c["topics"]))
    out.append("")


# Words that say what a company does, which news text drops: "Seagate Technology" is
# "Seagate", "ABN AMRO Bank" is "ABN Amro".
INDUSTRY_WORDS = set(LEXICON["industry_words"])


def first_word_name(words, usage, excluded):
    """The first word of a longer name, when the corpora write that word alone and never
    as an ordinary word, a person's name or a place: "Turkcell" of "Turkcell Iletisim
    Hizmetleri", "Surgutneftegas" of "Surgutneftegas Public Joint Stock". Written alone
    means in the middle of a sentence with no capitalised word after it, at least
    FIRST_WORD_ALONE times: a first name ("Walt" of "Walt Disney") is always followed by
    its surname, and a word the corpora never use says nothing about how news names the
    company. None when the word does not qualify."""
    first = words[0]
    w = key(first)
    alone = usage.capital[w] - usage.heads[w]
    if (len(w) < 5 or not re.fullmatch(r"[A-Z][a-z]+[A-Za-z]*", first)
            or usage.lower[w] or alone < FIRST_WORD_ALONE or w in excluded
            or w in INDUSTRY_WORDS or usage.is_common(first) or usage.is_surname(first)
            or usage.is_plain_word(first) or usage.places[w]
            or re.search(r"(ian|ese|ish|ean|ic|an)$", w)):
        return None
    # The word alone is this company when most stories that write it alone name the
    # company in full before ("Stifel Financial ... Stifel said"); stories that write it
    # alone without the full name mean something else ("the Nissan Skyline").
    full = " ".join(words)
    word = re.compile(r"\b" + re.escape(first) + r"\b(?!['\w-]* [A-Z])")

    def alone_from(text, start):
        """Whether the word stands alone from `start` on: no capitalised word right
        before it either ("Nissan Skyline")."""
        for m in word.finditer(text, start):
            before = text[max(0, m.start() - 30):m.start()]
            if not re.search(r"[A-Z][\w.&'-]* $", before):
                return True
        return False

    stories = introduced = 0
    for _, text in usage.texts_with(first):
        if alone_from(text, 0):
            stories += 1
            at = text.find(full)
            introduced += at >= 0 and alone_from(text, at + len(full))
    return first if introduced and introduced * 2 >= stories else None


# How often the corpora must write a name's first word alone (see first_word_name).
FIRST_WORD_ALONE = 2


def short_name(name, usage, excluded):
    """The name without its trailing industry words, when what is left is distinctive
    enough to name the company alone; None otherwise."""
    words = name.split()
    while len(words) > 1 and words[-1].lower() in INDUSTRY_WORDS:
        words = words[:-1]
    short = " ".join(words)
    if len(words) > 1:
        short = first_word_name(words, usage, excluded) or short
    if (short == name or len(key(short)) < 3 or usage.is_common(short) or key(short) in excluded
            or short.lower() in INDUSTRY_WORDS or usage.is_surname(short)
            or re.search(r"(ian|ese|ish|ean|ic|an)$", short)):  # "Indian", "Chinese"
        return None
    return short


def short_names(groups, usage, excluded):
    """Short names that only one company of the lists would get: "Mitsubishi" is shared by
    a dozen and so is given to none."""
    owners = defaultdict(set)
    for i, (names, _, _) in enumerate(groups):
        for n in names:
            short = short_name(clean(n), usage, excluded)
            if short:
                owners[key(short)].add(i)
    return {k for k, groups_with_it in owners.items() if len(groups_with_it) == 1}


def is_name_ticker(ticker, name):
    """True for a ticker news text also uses as the name: the name's first word ("ING" of
    ING Groep) or its initials ("UPS" of United Parcel Service)."""
    words = [w for w in re.findall(r"[A-Za-z]+", name) if w.lower() not in ("of", "and", "the")]
    initials = "".join(w[0] for w in words).upper()
    return len(ticker) >= 3 and ticker.isalpha() and (
        ticker == name.split()[0] or len(words) >= 3 and ticker == initials)


# How often the corpora must write a word in lower case or capitalised mid-sentence before
# it counts as an ordinary word ("Nov" 101 times, "Bill" 1,057) rather than initials with
# a few stray uses ("Ing." the engineer's title, "Aaa" the rating, "ups").
ORDINARY_WORD_USES = 20


def is_ticker_like(name, usage):
    """A number ("111"), or a short word in capitals that the corpora also write as an
    ordinary word ("cts", "Bill", "Nov", "top"): news text means cents, a first name or a
    month by it as often as the company, so the company is not named by it alone. It
    stays a ticker, which counts where a ticker context marks it ("<CTS>"). Initials the
    corpora only ever write in capitals ("ING", "LVMH") still name their company."""
    name = name.strip()
    if re.fullmatch(r"[\d.,]+", name):
        return True
    w = name.lower()
    return (re.fullmatch(r"[A-Z]{1,4}", name) is not None
            and usage.lower[w] + usage.capital[w] >= ORDINARY_WORD_USES)


def generated_companies(groups, suffixes, usage, taken, taken_tickers, excluded):
    unique_shorts = short_names(groups, usage, excluded)
    companies = []
    for names, tickers, topics in groups:
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
        # The name news text uses comes first: "Seagate" before "Seagate Technology".
        brief = {short_name(n, usage, excluded) for n in candidates} - {None}
        candidates = sorted((b for b in brief if key(b) in unique_shorts and key(b) not in taken),
                            key=display_rank) + candidates
        # A short name that is a plain word ("On", "Target") would be read in every text:
        # such companies go by their full name.
        plain = [n for n in candidates
                 if not usage.is_plain_word(n) and not is_ticker_like(n, usage)]
        if not plain:
            continue
        # An annotated company goes by the name its annotators gave it, the guidelines'
        # canonical one ("Jupiter Research", with "Jupiter" an alias).
        name = next((n for n in plain if n in ANNOTATED_NAMES), plain[0])
        plain = [name] + [n for n in plain if n != name]
        # "Marsh & McLennan" and "Marsh McLennan" share a key but are written differently,
        # and the tagger matches what is written.
        aliases = [n for n in plain[1:] if n != name]
        aliases += [t for t in tickers if is_name_ticker(t, name) and not is_ticker_like(t, usage)]
        aliases = list(dict.fromkeys(a for a in aliases if key(a) not in taken))
        for n in [name] + aliases:
            taken.add(key(n))
        entry = {"name": name, "aliases": aliases}
        free = sorted(t for t in tickers if t not in taken_tickers and re.fullmatch(r"[A-Z0-9.\-]{1,8}", t))
        taken_tickers.update(free)
        entry["tickers"] = free
        # An annotated name is not the short one ("Jupiter Research"): its aliases say
        # whether the company shares a name with an ordinary word ("Jupiter").
        named = [name] + (aliases if name in ANNOTATED_NAMES else [])
        entry["common_word"] = any(usage.is_common(n, joined=True) for n in named)
        entry["news_source"] = name.split()[-1] in LEXICON["newspaper_words"]
        entry["topics"] = sorted(topics)
        companies.append(entry)
    companies.sort(key=lambda c: key(c["name"]))
    return companies


def initials(name):
    words = [w for w in re.findall(r"[A-Za-z]+", name) if w.lower() not in ("of", "and", "the")]
    return "".join(w[0] for w in words).upper() if len(words) >= 2 else None


def drop_shared_initials(entries, companies, legal_suffixes):
    """"AMC" is AMC Entertainment's name on the lists, and the initials of American Motors
    Corp in the 1987 news: a short name in capitals that is the initials of another company
    the news names (curated, or marked in the corpora), with or without its legal form,
    names neither alone, and stays a ticker."""
    owners = defaultdict(set)
    suffixes = set(legal_suffixes)
    for i, c in enumerate(companies):
        for n in [c["name"]] + c.get("aliases", []):
            words = n.split()
            for form in (n, " ".join(w for w in words if w not in suffixes)):
                if initials(form):
                    owners[initials(form)].add(i)
    position = {id(c): i for i, c in enumerate(companies)}
    for c in entries:
        mine = position.get(id(c))
        # "UPS" is United Parcel Service's own initials: its name, whoever else has them.
        own = {initials(n) for n in [c["name"]] + c.get("aliases", [])}
        c["aliases"] = [a for a in c.get("aliases", [])
                        if not (re.fullmatch(r"[A-Z]{2,4}", a) and a not in own
                                and owners[a] - {mine})]


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
    ORDINARY_WORDS.update(w for w, n in usage.lower.items() if len(w) <= 3 and n >= ORDINARY_WORD_USES)
    # "Fund", "Bank", "Trust" are legal forms somewhere, but stripping them turns
    # "India Fund" into "India": only words that are not ordinary English are stripped.
    legal_words = LEGAL_WORDS | {w.lower().replace(".", "") for w in curated["legal_suffixes"]}
    suffixes = {t for t in suffixes if len(t) <= 3 or usage.lower[t] < 20 or t in legal_words}
    places = read_places(a.shared)
    excluded = read_not_companies() | places | {key(n) for n in LEXICON["institutions"]}
    records = [r for r in gazetteer_records(a.shared)
               if not any(key(strip_suffixes(clean(n), suffixes)) in excluded for n in r[0])]
    listed = {key(strip_suffixes(clean(n), suffixes)) for r in records for n in r[0]} | taken
    records += [r for r in annotated_records(listed, suffixes)
                if not any(key(strip_suffixes(clean(n), suffixes)) in excluded for n in r[0])]
    groups = merge(records, suffixes)
    generated = generated_companies(groups, suffixes, usage, taken, taken_tickers, excluded)
    known = curated["company"] + generated
    taken_names = [(i, n) for i, c in enumerate(known) for n in [c["name"]] + c.get("aliases", [])]
    mined = []
    names = [n for n in mine_corpus_names(usage, curated["legal_suffixes"], curated["designators"],
                                       suffixes, excluded)
             if key(n) not in taken]
    shorts = Counter(key(s) for s in (short_name(n, usage, excluded) for n in names) if s)
    # "Standard and Poor" is "Standard & Poor's"; "Sachs" and "Hutton" are what a story says
    # after "Goldman Sachs" and "E.F. Hutton", which the tagger reads from the story.
    # "Nomura" is "Nomura Holdings" when one listed company's name starts with it: an alias.
    taken_loose = {loose_key(n) for _, n in taken_names}
    generic = {w.lower() for w in curated["designators"] + curated["legal_suffixes"]}
    generic |= LEGAL_WORDS | INDUSTRY_WORDS
    last_words = {n.split()[-1].lower() for n in [n for _, n in taken_names] + names
                  if len(n.split()) > 1
                  and not any(w.lower() in generic for w in n.split()[:-1])}
    # Names that make a longer marked name their unit: distinctive ones, as the tagger's
    # parent_of_unit reads them (a plain word such as "Shell" needs words of a trade).
    parents = {n.lower(): known[i] for i, n in taken_names if not known[i].get("news_source")}
    designators = set(curated["designators"])

    def is_unit(name):
        """A unit of a known company, or a person or phrase around its name: "Merrill
        Lynch Capital Markets", "Clemente of Salomon Brothers", "Underwriter Merrill
        Lynch". The tagger finds the known name inside."""
        words = name.split()
        for n in range(len(words) - 1, 0, -1):
            for start in range(1, len(words) - n + 1):
                inner = parents.get(" ".join(words[start:start + n]).lower())
                if inner is not None and (n > 1 or not inner.get("common_word")):
                    return True
        for n in range(len(words) - 1, 0, -1):
            parent = parents.get(" ".join(words[:n]).lower())
            if parent is None:
                continue
            plain = n == 1 and parent.get("common_word")
            trade = all(w.lower() in INDUSTRY_WORDS or w in designators or key(w) in places
                        or "." in w and w.upper() == w for w in words[n:])
            if not plain or trade:
                return True
        return False
    first_word_owners = defaultdict(set)
    for i, n in taken_names:
        if len(n.split()) > 1:
            first_word_owners[n.split()[0].lower()].add(i)
    for name in names:
        if key(name) in taken or loose_key(name) in taken_loose:
            continue
        # "Merrill Lynch Capital Markets": a unit, which the tagger gives to its parent.
        if is_unit(name):
            continue
        owners = first_word_owners.get(name.lower(), set()) if " " not in name else set()
        if not owners and " " not in name and name.lower() in last_words:
            continue
        if len(owners) == 1:
            # A listed company goes by the name the corpora use ("Ahold", not "Ahold
            # Delhaize"); a curated one keeps its curated name.
            i = owners.pop()
            owner = known[i]
            if i < len(curated["company"]):
                owner.setdefault("aliases", []).append(name)
            else:
                owner["aliases"] = [owner["name"]] + owner.get("aliases", [])
                owner["name"] = name
            taken.add(key(name))
            continue
        taken.add(key(name))
        entry = {"name": name, "news_source": name.split()[-1] in LEXICON["newspaper_words"]}
        # "Champlin Petroleum" is "Champlin" later in the story.
        short = short_name(name, usage, excluded)
        # "EMS" of "EMS Systems" is the European Monetary System as often: initials no list
        # vouches for are no name.
        if short and re.fullmatch(r"[A-Z]{1,4}", short):
            short = None
        if short and shorts[key(short)] == 1 and key(short) not in taken:
            taken.add(key(short))
            entry["aliases"] = [short]
        mined.append(entry)
    mined.sort(key=lambda c: key(c["name"]))
    drop_shared_initials(generated + mined, curated["company"] + mined, curated["legal_suffixes"])

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
        "topic_exceptions = " + toml_list(curated["topic_exceptions"]),
        "# Countries, states and cities of the company lists' addresses (lower case): a name",
        "# found only by its marks or its neighbours that is one of these is a place.",
        "places = " + toml_list(sorted(p for p in places if len(p) > 2)),
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
        out += ["[[topic]]", "name = " + toml_string(t["name"]), "terms = " + toml_list(t["terms"])]
        if t.get("weak"):
            out.append("weak = " + toml_list(t["weak"]))
        out.append("")
    with open(a.out, "w", encoding="utf-8") as f:
        f.write("\n".join(out))
    print("wrote %s: %d curated, %d gazetteer and %d corpus companies, %d topics"
          % (a.out, len(curated["company"]), len(generated), len(mined), len(curated["topic"])),
          file=sys.stderr)


if __name__ == "__main__":
    main()
