//! HTML and XHTML through html5ever (by way of scraper), the parser browsers' rules are
//! written for: block elements become paragraphs, h1 to h6 sections, and the page's own
//! chrome (scripts, navigation, headers, footers, asides, forms) is dropped.
//!
//! The tree is walked without recursion, so markup nested a hundred thousand deep costs
//! time, not the stack.

use ego_tree::iter::Edge;
use scraper::{Html, Node};

use super::text::lenient;
use super::{Block, Body, Date, Document, Reason, squeeze};

/// Elements whose text is not the document's: code, styling, and a page's chrome.
const DROPPED: &[&str] = &[
    "script", "style", "nav", "header", "footer", "aside", "form", "noscript", "template", "head",
    "svg", "button", "select", "iframe", "object",
];

/// Elements that start and end a paragraph. A div's own text between nested blocks is a
/// paragraph too; cells of a table row join into the row's.
const BLOCKS: &[&str] = &[
    "p",
    "li",
    "blockquote",
    "pre",
    "tr",
    "div",
    "dd",
    "dt",
    "figcaption",
    "caption",
    "section",
    "article",
    "main",
    "body",
    "ul",
    "ol",
    "dl",
    "table",
    "address",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "center",
    "details",
    "summary",
    "fieldset",
];

/// Meta names and properties that hold a page's publication date, most telling first.
const DATE_METAS: &[&str] = &[
    "article:published_time",
    "og:published_time",
    "datepublished",
    "citation_publication_date",
    "dc.date.issued",
    "dcterms.date",
    "dcterms.issued",
    "dc.date",
    "date",
    "pubdate",
    "publish-date",
    "parsely-pub-date",
    "sailthru.date",
    "dcterms.created",
];

/// Reads an HTML page as one document.
pub(super) fn read(bytes: &[u8], path: &str) -> Result<Document, Reason> {
    let source = decode(bytes);
    let page = parse(&source)?;
    Ok(Document {
        path: path.to_string(),
        title: page.title,
        date: page.date,
        body: Body::Blocks(page.blocks),
        ..Document::default()
    })
}

/// How far into a page its `<meta charset>` is looked for (HTML5 says 1024 bytes).
const CHARSET_PROBE_BYTES: usize = 1024;

/// A page's text: in the encoding its `<meta charset>` (or `http-equiv` content type)
/// names, else UTF-8, else Windows-1252.
fn decode(bytes: &[u8]) -> String {
    let head = &bytes[..bytes.len().min(CHARSET_PROBE_BYTES)];
    let declared = head
        .windows(8)
        .position(|w| w.eq_ignore_ascii_case(b"charset="))
        .and_then(|at| {
            let label: Vec<u8> = head[at + 8..]
                .iter()
                .skip_while(|&&b| b == b'"' || b == b'\'')
                .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b':'))
                .copied()
                .collect();
            encoding_rs::Encoding::for_label(&label)
        });
    match declared {
        // UTF-8 (or a label that is wrong for the bytes) goes the lenient way.
        Some(encoding) if encoding != encoding_rs::UTF_8 => {
            encoding.decode_without_bom_handling(bytes).0.into_owned()
        }
        _ => lenient(bytes),
    }
}

/// What a page holds.
#[derive(Debug, Default)]
pub(super) struct Page {
    /// `<title>`, else the first h1.
    pub title: Option<String>,
    /// The publication date its meta tags or first `<time datetime>` give.
    pub date: Option<Date>,
    /// Its paragraphs.
    pub blocks: Vec<Block>,
}

/// Deeper nesting than this is refused: the HTML5 tree builder looks through the open
/// elements for each new one, so a page nested a hundred thousand deep takes minutes.
/// Browsers stop nesting at 512; no real page comes near this.
const MAX_DEPTH: usize = 4096;

/// Elements that never hold others, or whose end tag may be left out (so counting their
/// start tags would overstate the depth of a sound page).
const NOT_NESTING: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "thead",
    "tbody", "tfoot", "colgroup", "rp", "rt", "html", "head", "body",
];

/// The deepest nesting of elements, counted from the tags without parsing (a page that
/// leaves out end tags other than the optional ones only overstates it).
fn nesting_depth(source: &str) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    let mut rest = source;
    while let Some(found) = rest.find('<') {
        rest = &rest[found + 1..];
        if let Some(closing) = rest.strip_prefix('/') {
            if closing.starts_with(|c: char| c.is_ascii_alphabetic()) {
                depth = depth.saturating_sub(1);
            }
            continue;
        }
        if !rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
            continue;
        }
        let end = rest
            .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
            .unwrap_or(rest.len());
        let name = rest[..end].to_ascii_lowercase();
        let self_closing = rest[end..]
            .find('>')
            .is_some_and(|close| rest[..end + close].ends_with('/'));
        if !self_closing && !NOT_NESTING.contains(&name.as_str()) {
            depth += 1;
            deepest = deepest.max(depth);
        }
    }
    deepest
}

/// Parses HTML source into its title, date and paragraphs; markup nested deeper than
/// browsers go is refused.
pub(super) fn parse(source: &str) -> Result<Page, Reason> {
    let depth = nesting_depth(source);
    if depth > MAX_DEPTH {
        return Err(format!(
            "nests elements {depth} deep, more than the {MAX_DEPTH} dossier reads; skipped it"
        ));
    }
    let html = Html::parse_document(source);
    let mut walker = Walker {
        lines: LineFinder::new(source),
        ..Walker::default()
    };
    let mut meta_dates: Vec<(usize, Date)> = Vec::new();
    let mut time_date = None;
    let mut head_title = None;
    for edge in html.tree.root().traverse() {
        match edge {
            Edge::Open(node) => match node.value() {
                Node::Element(element) => {
                    let name = element.name();
                    if name == "title" && head_title.is_none() {
                        head_title = Some(squeeze(&text_of(node)));
                    }
                    if name == "meta" {
                        meta_dates.extend(meta_date(element));
                    }
                    if name == "time" && time_date.is_none() {
                        time_date = element.attr("datetime").and_then(Date::parse);
                    }
                    walker.open(name);
                }
                Node::Text(text) => walker.text(text),
                _ => {}
            },
            Edge::Close(node) => {
                if let Node::Element(element) = node.value() {
                    walker.close(element.name());
                }
            }
        }
    }
    walker.flush();
    meta_dates.sort_by_key(|(rank, _)| *rank);
    Ok(Page {
        title: head_title.filter(|t| !t.is_empty()).or(walker.first_h1),
        date: meta_dates.first().map(|(_, date)| *date).or(time_date),
        blocks: walker.blocks,
    })
}

/// The text of a node's subtree (for `<title>`, which holds text only).
fn text_of(node: ego_tree::NodeRef<'_, Node>) -> String {
    node.descendants()
        .filter_map(|n| n.value().as_text().map(|t| t.to_string()))
        .collect()
}

/// A date meta tag's rank among `DATE_METAS` and its date.
fn meta_date(element: &scraper::node::Element) -> Option<(usize, Date)> {
    let key = ["property", "name", "itemprop"]
        .iter()
        .find_map(|a| element.attr(a))?
        .to_ascii_lowercase();
    let rank = DATE_METAS.iter().position(|m| *m == key)?;
    let content = element
        .attr("content")
        .or_else(|| element.attr("datetime"))?;
    Some((rank, Date::parse(content)?))
}

/// Turns the open, text and close events of the walk into paragraphs.
#[derive(Default)]
struct Walker<'a> {
    lines: LineFinder<'a>,
    /// How many dropped elements are open: their text is left out.
    dropped: usize,
    /// Text of the paragraph being gathered.
    current: String,
    /// The heading being read, when inside h1 to h6 (its level).
    heading: Option<u8>,
    section: Option<String>,
    first_h1: Option<String>,
    blocks: Vec<Block>,
}

impl Walker<'_> {
    fn open(&mut self, name: &str) {
        if DROPPED.contains(&name) {
            self.dropped += 1;
            return;
        }
        if self.dropped > 0 {
            return;
        }
        if BLOCKS.contains(&name) {
            self.flush();
            self.heading = heading_level(name);
        } else if matches!(name, "br" | "td" | "th" | "img") {
            // Words either side of a break or in neighbouring cells are not one word.
            self.current.push(' ');
        }
    }

    fn close(&mut self, name: &str) {
        if DROPPED.contains(&name) {
            self.dropped = self.dropped.saturating_sub(1);
            return;
        }
        if self.dropped == 0 && BLOCKS.contains(&name) {
            self.flush();
        }
    }

    fn text(&mut self, text: &str) {
        if self.dropped == 0 {
            self.current.push_str(text);
        }
    }

    /// Ends the paragraph being gathered: a heading sets the section, other text is a
    /// paragraph at the line where its first word is.
    fn flush(&mut self) {
        let text = squeeze(&self.current);
        self.current.clear();
        let heading = self.heading.take();
        if text.is_empty() {
            return;
        }
        let line = self.lines.line_of(&text);
        match heading {
            Some(level) => {
                if level == 1 && self.first_h1.is_none() {
                    self.first_h1 = Some(text.clone());
                }
                self.section = Some(text);
            }
            None => self.blocks.push(Block {
                text,
                line,
                page: None,
                section: self.section.clone(),
            }),
        }
    }
}

fn heading_level(name: &str) -> Option<u8> {
    match name.as_bytes() {
        [b'h', level @ b'1'..=b'6'] => Some(level - b'0'),
        _ => None,
    }
}

/// Finds the source line of each paragraph, in document order. html5ever's tree keeps no
/// positions, so the paragraph's first word is looked for in the source after the
/// previous paragraph's: entities and tags rarely sit inside a first word.
#[derive(Default)]
struct LineFinder<'a> {
    source: &'a str,
    /// Byte offset looked from, and the line it is on.
    offset: usize,
    line: usize,
}

impl<'a> LineFinder<'a> {
    fn new(source: &'a str) -> LineFinder<'a> {
        // The body's text comes after the head, which may repeat it (title, meta).
        let body = find_ascii_case_insensitive(source, "<body").unwrap_or(0);
        LineFinder {
            source,
            offset: body,
            line: 1 + source[..body].matches('\n').count(),
        }
    }

    /// The line of the paragraph `text`: where its first words (up to four, as long as
    /// they are plain words) next appear in the source, whatever whitespace or line
    /// breaks sit between them; the line of the last paragraph when they do not. The
    /// search goes on from there, so a paragraph that starts like the one before it is
    /// found after it.
    fn line_of(&mut self, text: &str) -> usize {
        let words = leading_words(text);
        // Fewer words when tags sit between them (table cells): the first alone at last.
        for count in (1..=words.len()).rev() {
            if let Some(line) = self.find(&words[..count]) {
                return line;
            }
        }
        self.line
    }

    fn find(&mut self, words: &[&str]) -> Option<usize> {
        let first = words.first()?;
        let mut from = self.offset;
        while let Some(found) = self.source[from..].find(first) {
            let start = from + found;
            let after = start + first.len();
            if let Some(length) = followed_by(&self.source[after..], &words[1..]) {
                self.line += self.source[self.offset..start].matches('\n').count();
                self.offset = after + length;
                return Some(self.line);
            }
            from = after;
        }
        None
    }
}

/// The first words of a paragraph that are letters and digits only (so they appear in the
/// source as written), at most four.
fn leading_words(text: &str) -> Vec<&str> {
    let mut words = Vec::new();
    for token in text.split(' ').take(4) {
        if !token.is_empty() && token.chars().all(char::is_alphanumeric) {
            words.push(token);
        } else {
            // A word with punctuation ends the plain run; its letters may still lead.
            if words.is_empty() {
                words.extend(
                    token
                        .split(|c: char| !c.is_alphanumeric())
                        .find(|w| !w.is_empty()),
                );
            }
            break;
        }
    }
    words
}

/// The length of `source`'s start that holds `words`, each after some whitespace; None
/// when it does not start so.
fn followed_by(source: &str, words: &[&str]) -> Option<usize> {
    let mut at = 0;
    for word in words {
        let rest = &source[at..];
        let trimmed = rest.trim_start();
        if trimmed.len() == rest.len() || !trimmed.starts_with(word) {
            return None;
        }
        at += rest.len() - trimmed.len() + word.len();
    }
    Some(at)
}

fn find_ascii_case_insensitive(haystack: &str, needle: &str) -> Option<usize> {
    haystack
        .as_bytes()
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "<!DOCTYPE html>\n<html><head><title>Copper &amp; Tin</title>\n\
        <meta property=\"article:published_time\" content=\"2024-03-05T08:00:00Z\">\n\
        <script>var x = 'Hidden';</script></head>\n<body>\n\
        <nav><a href=\"/\">Home</a></nav>\n\
        <h1>Markets</h1>\n\
        <p>Copper rose &gt; 3%\n on Tuesday.</p>\n\
        <div>Loose text<p>Inner</p>tail</div>\n\
        <h2>Tables</h2>\n\
        <table><tr><td>Zinc</td><td>up</td></tr></table>\n\
        <ul><li>one</li><li>two</li></ul>\n\
        <footer>Copyright</footer></body></html>\n";

    #[test]
    fn blocks_sections_title_and_date_come_from_the_markup() {
        let page = parse(PAGE).unwrap();
        assert_eq!(page.title.as_deref(), Some("Copper & Tin"));
        assert_eq!(
            page.date.map(|d| d.to_string()).as_deref(),
            Some("2024-03-05")
        );
        let found: Vec<(&str, usize, Option<&str>)> = page
            .blocks
            .iter()
            .map(|b| (b.text.as_str(), b.line, b.section.as_deref()))
            .collect();
        assert_eq!(
            found,
            [
                ("Copper rose > 3% on Tuesday.", 8, Some("Markets")),
                ("Loose text", 10, Some("Markets")),
                ("Inner", 10, Some("Markets")),
                ("tail", 10, Some("Markets")),
                ("Zinc up", 12, Some("Tables")),
                ("one", 13, Some("Tables")),
                ("two", 13, Some("Tables")),
            ]
        );
    }

    #[test]
    fn paragraphs_that_start_alike_get_their_own_lines() {
        let source = "<body>\n<p>He said\nso.</p>\n<p>He said\n no.</p>\n<p>He is <b>here</b>.</p>";
        let page = parse(source).unwrap();
        let lines: Vec<usize> = page.blocks.iter().map(|b| b.line).collect();
        assert_eq!(lines, [2, 4, 6]);
    }

    #[test]
    fn a_declared_charset_is_honoured() {
        let latin =
            b"<html><head><meta charset=\"iso-8859-1\"></head><body><p>Caf\xe9</p></body></html>";
        assert!(decode(latin).contains("Caf\u{e9}"));
        let cyrillic = b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1251\"><p>\xcc\xee\xf1\xea\xe2\xe0</p>";
        assert!(decode(cyrillic).contains("\u{41c}\u{43e}\u{441}\u{43a}\u{432}\u{430}"));
        assert!(decode("<p>caf\u{e9}</p>".as_bytes()).contains("caf\u{e9}"));
    }

    #[test]
    fn the_first_h1_is_the_title_without_a_title_element_and_time_gives_a_date() {
        let page = parse(
            "<h1>Annual report</h1><p><time datetime=\"2023-12-31\">new year's eve</time></p>",
        )
        .unwrap();
        assert_eq!(page.title.as_deref(), Some("Annual report"));
        assert_eq!(
            page.date.map(|d| d.to_string()).as_deref(),
            Some("2023-12-31")
        );
    }

    #[test]
    fn markup_nested_deeper_than_browsers_go_is_refused_at_once() {
        let depth = 100_000;
        let source = format!(
            "{}deep words{}",
            "<div>".repeat(depth),
            "</div>".repeat(depth)
        );
        let started = std::time::Instant::now();
        let reason = parse(&source).unwrap_err();
        assert_eq!(
            reason,
            "nests elements 100000 deep, more than the 4096 dossier reads; skipped it"
        );
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
        let shallow = format!(
            "{}deep words{}",
            "<span>".repeat(4000),
            "</span>".repeat(4000)
        );
        assert_eq!(parse(&shallow).unwrap().blocks[0].text, "deep words");
    }

    #[test]
    fn optional_end_tags_and_void_elements_do_not_count_as_nesting() {
        let page = "<ul>".to_string() + &"<li>item<br><img src=x><p>para".repeat(10_000) + "</ul>";
        assert_eq!(nesting_depth(&page), 1);
        assert_eq!(nesting_depth("<a><b/></a><c></c>"), 1);
    }
}
