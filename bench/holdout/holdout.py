"""Shared helpers for the tagging holdout: paragraph units, hashing, pointer rebuild.

Paragraph units follow /work/shared/eval/tagging/GUIDELINES.md section 1:
- bbc-news: line 1 is the headline and is never used; every other non-blank line is a paragraph.
- reuters21578: the title and the blank line after it are skipped; a paragraph starts at the
  dateline line or at any line beginning with a space; wrapped lines are joined with single
  spaces; the closing `Reuter` line is dropped.
Standard library only. Texts are never written to the repo: only pointers and hashes.
"""
import hashlib
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))          # bench/holdout -> repo root
SHARED = os.path.normpath(os.path.join(REPO, "..", "shared"))


def sha256(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_lines(path):
    """Lines of a shared file (path relative to ../shared), without line terminators."""
    with open(os.path.join(SHARED, path), encoding="utf-8") as f:
        return f.read().split("\n")


def bbc_paragraphs(lines):
    """[(line_number, text)] for a BBC article."""
    return [(i, line.strip()) for i, line in enumerate(lines, start=1)
            if i > 1 and line.strip()]


def reuters_paragraphs(lines):
    """[(line_number, text)] for a Reuters NORM article."""
    out = []
    start = 1                                  # skip the title (index 0)
    if len(lines) > 1 and not lines[1].strip():
        start = 2                              # ... and the blank line after it (index 1)
    cur, cur_line = None, None
    for idx in range(start, len(lines)):
        raw = lines[idx]
        if not raw.strip():
            continue
        if cur is None or raw.startswith(" "):
            if cur is not None:
                out.append((cur_line, " ".join(cur)))
            cur, cur_line = [raw.strip()], idx + 1
        else:
            cur.append(raw.strip())
    if cur is not None:
        out.append((cur_line, " ".join(cur)))
    return [(n, t) for n, t in out if t.lower() != "reuter"]


def paragraphs(corpus, path):
    lines = read_lines(path)
    if corpus == "bbc-news":
        return bbc_paragraphs(lines)
    if corpus == "reuters21578":
        return reuters_paragraphs(lines)
    raise ValueError(f"unknown corpus {corpus!r}")


def paragraph_at(corpus, path, line):
    for n, t in paragraphs(corpus, path):
        if n == line:
            return t
    return None


def rebuild(rec):
    """Text of one pointer record; raises ValueError naming the pointer if it is missing or
    its sha256 does not match."""
    where = f"{rec.get('id')} ({rec.get('path')} line {rec.get('line')})"
    try:
        text = paragraph_at(rec["corpus"], rec["path"], rec["line"])
    except OSError as e:
        raise ValueError(f"pointer {where}: cannot read source file: {e}")
    if text is None:
        raise ValueError(f"pointer {where}: no paragraph starts at that line")
    got = sha256(text)
    if got != rec["sha256"]:
        raise ValueError(f"pointer {where}: sha256 mismatch (expected {rec['sha256']}, "
                         f"got {got}); the shared corpus or the unit rules changed")
    return text


def load_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(l) for l in f if l.strip()]


def die(msg):
    sys.exit(f"holdout: {msg}")
