#!/usr/bin/env bash
# Reading throughput per format (MB/s, and pages/s for PDF) of the release build on a
# folder of generated documents: the text of ../shared/corpora/ BBC articles (or generated
# sentences when that folder is absent) made into HTML, DOCX, ODT and EPUB by pandoc, PDF
# by Ghostscript, e-mail and mailboxes by Python's e-mail library, and .txt.gz by gzip.
# Usage: bench/formats.sh [DOCS]   (DOCS documents per format, default 40; the folder is
# kept in target/bench/formats/ and made again only when DOCS changes)
# Needs: pandoc, ghostscript, python3 (apt-get install -y pandoc ghostscript).
set -euo pipefail
cd "$(dirname "$0")/.."
docs=${1:-40}
out=target/bench/formats
if [ "$(cat "$out/.docs" 2>/dev/null)" != "$docs" ]; then
  rm -rf "$out"
  mkdir -p "$out/src"
  python3 - "$docs" "$out" <<'PY'
import email.message, glob, gzip, mailbox, os, random, sys, textwrap

docs, out = int(sys.argv[1]), sys.argv[2]
articles = sorted(glob.glob("../shared/corpora/bbc-news/articles/*/*.txt"))
random.seed(20)
if articles:
    texts = [open(p, encoding="utf-8", errors="replace").read() for p in articles]
else:
    words = "market shares rose fell company profit quarter growth bank oil price".split()
    texts = ["\n\n".join(" ".join(random.choice(words) for _ in range(60)) + "."
                         for _ in range(8)) for _ in range(400)]
# A document is 25 articles: about 60 KB of text.
for n in range(docs):
    chosen = random.sample(texts, 25)
    body = []
    for text in chosen:
        lines = [l.strip() for l in text.strip().splitlines() if l.strip()]
        body.append("# " + lines[0])
        body.extend(lines[1:])
    md = f"---\ntitle: Document {n}\ndate: 2024-{n % 12 + 1:02d}-15\n---\n\n" + "\n\n".join(body) + "\n"
    open(f"{out}/src/doc{n:03d}.md", "w", encoding="utf-8").write(md)
    plain = "\n\n".join(body)
    with gzip.open(f"{out}/doc{n:03d}.txt.gz", "wt", encoding="utf-8") as f:
        f.write(plain)
    # PostScript for Ghostscript: Helvetica 10 pt, 60 lines a page, 95 characters a line.
    lines = []
    for paragraph in body:
        lines.extend(textwrap.wrap(paragraph.lstrip("# "), 95) or [""])
        lines.append("")
    ps = ["%!PS", "/Helvetica findfont 10 scalefont setfont"]
    for start in range(0, len(lines), 60):
        y = 760
        for line in lines[start:start + 60]:
            safe = line.encode("latin-1", "replace").decode("latin-1")
            safe = safe.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            ps.append(f"72 {y} moveto ({safe}) show")
            y -= 12
        ps.append("showpage")
    open(f"{out}/src/doc{n:03d}.ps", "w", encoding="latin-1").write("\n".join(ps) + "\n")
    m = email.message.EmailMessage()
    m["From"] = "desk@example.com"
    m["To"] = "team@example.com"
    m["Subject"] = f"Document {n}"
    m["Date"] = f"Mon, 15 Jan 2024 10:{n % 60:02d}:00 +0000"
    m.set_content(plain)
    open(f"{out}/doc{n:03d}.eml", "wb").write(bytes(m))
box = mailbox.mbox(f"{out}/all.mbox")
for n in range(docs):
    box.add(mailbox.mboxMessage(open(f"{out}/doc{n:03d}.eml", "rb").read()))
box.flush()
box.close()
PY
  for md in "$out"/src/*.md; do
    name=$(basename "$md" .md)
    pandoc --standalone "$md" -o "$out/$name.html"
    pandoc "$md" -o "$out/$name.docx"
    pandoc "$md" -o "$out/$name.odt"
    pandoc "$md" -o "$out/$name.epub"
    gs -q -dSAFER -dBATCH -dNOPAUSE -sDEVICE=pdfwrite -o "$out/$name.pdf" "$out/src/$name.ps"
  done
  rm -rf "$out/src"
  echo "$docs" > "$out/.docs"
fi
cargo build --release --quiet --example read_formats
target/release/examples/read_formats "$out" 3
