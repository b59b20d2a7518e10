//! PDF: the text layer, page by page, read with lopdf. Text is laid out from its
//! positions: a move down starts a line and a larger one a paragraph. Words hyphenated
//! across a line break are joined, lines repeated at the top or bottom of most pages
//! (running headers, footers, page numbers) are dropped, and each page is split into
//! paragraphs that name their page.
//!
//! Text comes in content-stream order, except on a page of two columns (a vertical gap
//! down the middle that almost no text crosses), where the left column is read before
//! the right whatever order the producer drew them in. Text inside form objects is not
//! read.
//!
//! A PDF with no text layer (a scan) or one that needs a password is refused with a reason
//! that says so, rather than indexed as an empty success.

use std::collections::{BTreeMap, HashMap};

use lopdf::content::Content;
use lopdf::{Document as Pdf, Encoding, Object, ObjectId};

use super::{Block, Body, Date, Document, Reason};
use crate::split::split;

/// How many lines at the top and at the bottom of a page may be running headers or
/// footers.
const RUNNING_LINES: usize = 3;

/// Reads a PDF's text layer as one document whose paragraphs name their pages.
pub(super) fn read(bytes: &[u8], path: &str) -> Result<Document, Reason> {
    let encrypted = || "is encrypted; skipped it (save a copy without a password to index it)";
    let pdf = Pdf::load_mem(bytes).map_err(|err| {
        if contains(bytes, b"/Encrypt") {
            encrypted().to_string()
        } else {
            format!("is not a readable PDF ({err}); skipped it")
        }
    })?;
    if pdf.is_encrypted() {
        return Err(encrypted().to_string());
    }
    let mut pages = Vec::new();
    for (&number, &id) in &pdf.get_pages() {
        let text = page_text(&pdf, id).map_err(|err| {
            format!("has a page {number} that cannot be read ({err}); skipped it")
        })?;
        pages.push((number, text));
    }
    if pages.is_empty() {
        return Err("is not a readable PDF (it has no pages); skipped it".to_string());
    }
    if pages.iter().all(|(_, text)| text.trim().is_empty()) {
        return Err(if contains(bytes, b"/Encrypt") {
            encrypted().to_string()
        } else {
            "has no text layer (a scan?); skipped it (run OCR on it to index it)".to_string()
        });
    }
    let texts: Vec<String> = pages.iter().map(|(_, text)| text.clone()).collect();
    let kept = drop_running_lines(&texts);
    let mut blocks = Vec::new();
    for ((number, _), text) in pages.iter().zip(kept) {
        let joined = join_hyphens(&text);
        blocks.extend(split(&joined).paragraphs.into_iter().map(|p| Block {
            text: p.text,
            line: p.line,
            page: Some(*number),
            section: p.section,
        }));
    }
    let info = info(&pdf);
    Ok(Document {
        path: path.to_string(),
        title: info.title,
        date: info.date,
        body: Body::Blocks(blocks),
        ..Document::default()
    })
}

/// A 2D affine transform `[a b c d e f]`, as PDF writes them (row vectors).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Matrix([f64; 6]);

impl Matrix {
    const IDENTITY: Matrix = Matrix([1.0, 0.0, 0.0, 1.0, 0.0, 0.0]);

    fn translation(x: f64, y: f64) -> Matrix {
        Matrix([1.0, 0.0, 0.0, 1.0, x, y])
    }

    /// `self` then `then`.
    fn then(self, then: Matrix) -> Matrix {
        let [a, b, c, d, e, f] = self.0;
        let [a2, b2, c2, d2, e2, f2] = then.0;
        Matrix([
            a * a2 + b * c2,
            a * b2 + b * d2,
            c * a2 + d * c2,
            c * b2 + d * d2,
            e * a2 + f * c2 + e2,
            e * b2 + f * d2 + f2,
        ])
    }

    fn of(operands: &[Object]) -> Option<Matrix> {
        let numbers: Vec<f64> = operands.iter().filter_map(number).collect();
        <[f64; 6]>::try_from(numbers).ok().map(Matrix)
    }
}

fn number(object: &Object) -> Option<f64> {
    match object {
        Object::Integer(i) => Some(*i as f64),
        Object::Real(r) => Some(f64::from(*r)),
        _ => None,
    }
}

/// Lays a page's text out from where it is drawn: a move down of more than half a line
/// starts a new line, of more than a line and a half a new paragraph; a gap along a line
/// (or a wide TJ adjustment) is a space.
struct Layout {
    text: String,
    /// Where the last text drawn started (device space) and the size of its font.
    last: Option<(f64, f64, f64)>,
    /// Estimated end of the last text drawn on the line.
    end_x: f64,
}

impl Layout {
    /// Text drawn at (x, y) in a font of `size`, ending at `end_x` (all device space).
    fn show(&mut self, x: f64, y: f64, size: f64, end_x: f64, text: &str) {
        let size = size.abs().max(1.0);
        if let Some((_, last_y, last_size)) = self.last {
            let down = (last_y - y).abs();
            let line = last_size.max(size);
            if down > line * 1.6 {
                self.text.push_str("\n\n");
            } else if down > line * 0.5 {
                self.text.push('\n');
            } else if x > self.end_x + size * 0.15 && !self.text.ends_with([' ', '\n']) {
                self.text.push(' ');
            }
        }
        self.text.push_str(text);
        self.end_x = end_x;
        self.last = Some((x, y, size));
    }
}

/// A piece of text drawn in one go, in device space (y grows up the page).
#[derive(Debug, Clone, PartialEq)]
struct Run {
    x: f64,
    end_x: f64,
    y: f64,
    size: f64,
    text: String,
}

/// A TJ adjustment this large (thousandths of an em, three ems) jumps to other text, not
/// a next word.
const COLUMN_JUMP: f64 = 3000.0;

/// The narrowest gap between two columns, in points.
const MIN_GUTTER: f64 = 8.0;

/// The runs in reading order: stream order, except on a page of two columns, where the
/// left column's runs come before the right one's (each in stream order), after the text
/// above them that spans both (a title) and before the text below (a footer). Producers
/// that write a two-column page line by line across both columns are read right this way.
fn reading_order(runs: Vec<Run>) -> Vec<Run> {
    let Some(gutter) = gutter(&runs) else {
        return runs;
    };
    let (mut left, mut right, mut spanning) = (Vec::new(), Vec::new(), Vec::new());
    for run in runs {
        if run.end_x <= gutter {
            left.push(run);
        } else if run.x >= gutter {
            right.push(run);
        } else {
            spanning.push(run);
        }
    }
    let columns_top = left
        .iter()
        .chain(&right)
        .map(|r| r.y)
        .fold(f64::MIN, f64::max);
    let (above, below): (Vec<Run>, Vec<Run>) =
        spanning.into_iter().partition(|r| r.y > columns_top);
    above
        .into_iter()
        .chain(left)
        .chain(right)
        .chain(below)
        .collect()
}

/// The x of the gap between two columns, when the page has two: a vertical strip in the
/// middle two fifths of the text that at most one run in twenty (or two) crosses, with
/// text on five lines or more on both sides.
fn gutter(runs: &[Run]) -> Option<f64> {
    if runs.len() < 10 {
        return None;
    }
    let left_edge = runs.iter().map(|r| r.x).fold(f64::MAX, f64::min);
    let right_edge = runs.iter().map(|r| r.end_x).fold(f64::MIN, f64::max);
    let width = right_edge - left_edge;
    if !(100.0..=20_000.0).contains(&width) {
        return None;
    }
    // How many runs cover each point of the width, by a sweep over their ends.
    let points = width.ceil() as usize + 2;
    let mut change = vec![0i64; points + 1];
    for run in runs {
        let from = ((run.x - left_edge).max(0.0) as usize).min(points);
        let to = ((run.end_x - left_edge).max(0.0).ceil() as usize).min(points);
        if to > from {
            change[from] += 1;
            change[to] -= 1;
        }
    }
    let mut covered = Vec::with_capacity(points);
    let mut count = 0;
    for delta in &change[..points] {
        count += delta;
        covered.push(count);
    }
    // A title above and a page number below cross any gutter.
    let allowed = (runs.len() / 20).max(2) as i64;
    let (low, high) = ((width * 0.3) as usize, (width * 0.7) as usize);
    // The widest stretch of the middle that few runs cross.
    let (mut best, mut start) = (None::<(usize, usize)>, None);
    let high = high.min(points - 1);
    for (at, &count) in covered.iter().enumerate().take(high + 1).skip(low) {
        match (count <= allowed, start) {
            (true, None) => start = Some(at),
            (false, Some(from)) => {
                if best.is_none_or(|(a, b)| at - from > b - a) {
                    best = Some((from, at));
                }
                start = None;
            }
            _ => {}
        }
    }
    if let Some(from) = start
        && best.is_none_or(|(a, b)| high - from > b - a)
    {
        best = Some((from, high));
    }
    let (from, to) = best?;
    if ((to - from) as f64) < MIN_GUTTER {
        return None;
    }
    let gutter = left_edge + (from + to) as f64 / 2.0;
    let lines = |side: &dyn Fn(&Run) -> bool| {
        let mut ys: Vec<i64> = runs
            .iter()
            .filter(|r| side(r))
            .map(|r| r.y as i64)
            .collect();
        ys.sort_unstable();
        ys.dedup();
        ys.len()
    };
    let enough = 5;
    (lines(&|r| r.end_x <= gutter) >= enough && lines(&|r| r.x >= gutter) >= enough)
        .then_some(gutter)
}

/// Glyph widths of a font, in thousandths of an em, by character code.
enum Widths {
    /// A simple font: one byte a code, `/Widths` from `/FirstChar`.
    Simple { first: u32, widths: Vec<f64> },
    /// A composite (Type0) font with two-byte codes: its descendant's `/W`, else `/DW`.
    Composite {
        widths: HashMap<u32, f64>,
        default: f64,
    },
}

/// Without widths, half an em is a fair average for text fonts.
const DEFAULT_WIDTH: f64 = 500.0;

impl Widths {
    fn of(pdf: &Pdf, font: &lopdf::Dictionary) -> Widths {
        let resolve = |object: &Object| -> Option<Object> {
            pdf.dereference(object).ok().map(|(_, o)| o.clone())
        };
        let get = |dict: &lopdf::Dictionary, key: &[u8]| dict.get(key).ok().and_then(resolve);
        let numbers = |object: Option<Object>| -> Vec<f64> {
            match object {
                Some(Object::Array(items)) => items
                    .iter()
                    .filter_map(|i| resolve(i).as_ref().and_then(number))
                    .collect(),
                _ => Vec::new(),
            }
        };
        let subtype = font
            .get(b"Subtype")
            .and_then(Object::as_name)
            .unwrap_or(&[]);
        if subtype != b"Type0" {
            let first = get(font, b"FirstChar")
                .as_ref()
                .and_then(number)
                .unwrap_or(0.0);
            return Widths::Simple {
                first: first.max(0.0) as u32,
                widths: numbers(get(font, b"Widths")),
            };
        }
        let descendant = match get(font, b"DescendantFonts") {
            Some(Object::Array(items)) => items.first().and_then(resolve),
            _ => None,
        };
        let Some(Object::Dictionary(descendant)) = descendant else {
            return Widths::Composite {
                widths: HashMap::new(),
                default: 1000.0,
            };
        };
        let default = get(&descendant, b"DW")
            .as_ref()
            .and_then(number)
            .unwrap_or(1000.0);
        let mut widths = HashMap::new();
        if let Some(Object::Array(items)) = get(&descendant, b"W") {
            // [c [w1 w2 ...]] gives codes c, c+1, ...; [c1 c2 w] gives c1 to c2 one width.
            let items: Vec<Object> = items.iter().filter_map(resolve).collect();
            let mut at = 0;
            while at + 1 < items.len() {
                let Some(start) = number(&items[at]) else {
                    break;
                };
                let start = start.max(0.0) as u32;
                if let Object::Array(list) = &items[at + 1] {
                    for (offset, width) in (0..).zip(list.iter().filter_map(number)) {
                        widths.insert(start + offset, width);
                    }
                    at += 2;
                } else if let (Some(end), Some(width)) =
                    (number(&items[at + 1]), items.get(at + 2).and_then(number))
                {
                    // A hostile range must not make the map huge.
                    for code in start..=(end.max(0.0) as u32).min(start + 65_535) {
                        widths.insert(code, width);
                    }
                    at += 3;
                } else {
                    break;
                }
            }
        }
        Widths::Composite { widths, default }
    }

    /// The width of the glyphs of a string, in thousandths of an em.
    fn of_string(&self, bytes: &[u8]) -> f64 {
        match self {
            Widths::Simple { first, widths } => bytes
                .iter()
                .map(|&b| {
                    u32::from(b)
                        .checked_sub(*first)
                        .and_then(|i| widths.get(i as usize))
                        .copied()
                        .filter(|w| *w > 0.0)
                        .unwrap_or(DEFAULT_WIDTH)
                })
                .sum(),
            Widths::Composite { widths, default } => bytes
                .chunks(2)
                .map(|pair| {
                    let code = pair.iter().fold(0u32, |code, &b| code << 8 | u32::from(b));
                    widths.get(&code).copied().unwrap_or(*default)
                })
                .sum(),
        }
    }
}

/// The text of one page, laid out in lines and paragraphs.
fn page_text(pdf: &Pdf, page: ObjectId) -> lopdf::Result<String> {
    let fonts = pdf.get_page_fonts(page)?;
    let encodings: BTreeMap<Vec<u8>, (Encoding<'_>, Widths)> = fonts
        .into_iter()
        .filter_map(|(name, font)| {
            let encoding = font.get_font_encoding(pdf).ok()?;
            Some((name, (encoding, Widths::of(pdf, font))))
        })
        .collect();
    let content = Content::decode(&pdf.get_page_content(page)?)?;
    let mut runs: Vec<Run> = Vec::new();
    let mut ctm = Matrix::IDENTITY;
    let mut saved: Vec<Matrix> = Vec::new();
    let (mut tm, mut line_start) = (Matrix::IDENTITY, Matrix::IDENTITY);
    let mut leading = 0.0;
    let mut size = 0.0;
    let mut font: Option<&(Encoding<'_>, Widths)> = None;
    for operation in &content.operations {
        let operands = &operation.operands;
        let first = || operands.first().and_then(number).unwrap_or(0.0);
        let mut shown: Vec<&Object> = Vec::new();
        match operation.operator.as_str() {
            "q" => saved.push(ctm),
            "Q" => ctm = saved.pop().unwrap_or(Matrix::IDENTITY),
            "cm" => ctm = Matrix::of(operands).map_or(ctm, |m| m.then(ctm)),
            "BT" => (tm, line_start) = (Matrix::IDENTITY, Matrix::IDENTITY),
            "Tf" => {
                font = operands
                    .first()
                    .and_then(|name| name.as_name().ok())
                    .and_then(|name| encodings.get(name));
                size = operands.get(1).and_then(number).unwrap_or(0.0);
            }
            "TL" => leading = first(),
            "Tm" => {
                tm = Matrix::of(operands).unwrap_or(tm);
                line_start = tm;
            }
            "Td" | "TD" => {
                let ty = operands.get(1).and_then(number).unwrap_or(0.0);
                if operation.operator == "TD" {
                    leading = -ty;
                }
                line_start = Matrix::translation(first(), ty).then(line_start);
                tm = line_start;
            }
            "T*" => {
                line_start = Matrix::translation(0.0, -leading).then(line_start);
                tm = line_start;
            }
            "Tj" | "TJ" => shown.extend(operands.first()),
            "'" | "\"" => {
                line_start = Matrix::translation(0.0, -leading).then(line_start);
                tm = line_start;
                shown.extend(operands.last());
            }
            _ => {}
        }
        let Some((encoding, widths)) = font else {
            continue;
        };
        for object in shown {
            let scale = tm.then(ctm).0[3].abs().max(f64::EPSILON);
            let mut pieces = vec![object];
            if let Object::Array(items) = object {
                pieces = items.iter().collect();
            }
            // How far the text has moved the pen, in thousandths of an em, and where the
            // run being gathered started.
            let mut advance = 0.0;
            let (mut text, mut started) = (String::new(), 0.0);
            let at = |advance: f64| {
                Matrix::translation(advance / 1000.0 * size, 0.0)
                    .then(tm)
                    .then(ctm)
            };
            let mut flush = |text: &mut String, from: f64, to: f64| {
                let gathered: String = text.chars().filter(|c| !c.is_control()).collect();
                text.clear();
                if gathered.trim().is_empty() {
                    // A drawn space belongs to the run before it.
                    if let Some(last) = runs.last_mut().filter(|_| !gathered.is_empty()) {
                        last.text.push(' ');
                    }
                    return;
                }
                let (start, end) = (at(from).0, at(to).0);
                runs.push(Run {
                    x: start[4],
                    end_x: end[4],
                    y: start[5],
                    size: size * scale,
                    text: gathered,
                });
            };
            for piece in pieces {
                match piece {
                    Object::String(bytes, _) => {
                        text.push_str(&Pdf::decode_text(encoding, bytes).unwrap_or_default());
                        advance += widths.of_string(bytes);
                    }
                    other => {
                        let adjustment = number(other).unwrap_or(0.0);
                        if adjustment < -COLUMN_JUMP {
                            // Far along the line: the text after is a run of its own (the
                            // next column, a table cell).
                            flush(&mut text, started, advance);
                            started = advance - adjustment;
                        } else if adjustment < -200.0 {
                            // A fifth of an em or more is a word space.
                            text.push(' ');
                        }
                        advance -= adjustment;
                    }
                }
            }
            flush(&mut text, started, advance);
            tm = Matrix::translation(advance / 1000.0 * size, 0.0).then(tm);
        }
    }
    let mut layout = Layout {
        text: String::new(),
        last: None,
        end_x: 0.0,
    };
    for run in reading_order(runs) {
        layout.show(run.x, run.y, run.size, run.end_x, &run.text);
    }
    Ok(layout.text)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// What the document information dictionary says.
#[derive(Default)]
struct Info {
    title: Option<String>,
    date: Option<Date>,
}

fn info(pdf: &Pdf) -> Info {
    let dictionary = pdf.trailer.get(b"Info").ok().and_then(|info| match info {
        Object::Reference(id) => pdf.get_dictionary(*id).ok(),
        Object::Dictionary(dictionary) => Some(dictionary),
        _ => None,
    });
    let Some(dictionary) = dictionary else {
        return Info::default();
    };
    let string = |key: &[u8]| match dictionary.get(key) {
        Ok(Object::String(bytes, _)) => Some(text_string(bytes)),
        Ok(Object::Reference(id)) => match pdf.get_object(*id) {
            Ok(Object::String(bytes, _)) => Some(text_string(bytes)),
            _ => None,
        },
        _ => None,
    };
    Info {
        title: string(b"Title")
            .map(|t| super::squeeze(&t))
            .filter(|t| !t.is_empty()),
        date: string(b"CreationDate").and_then(|d| Date::parse(&d)),
    }
}

/// A PDF text string: UTF-16 with a byte-order mark, else PDFDocEncoding (read as
/// Latin-1, which it matches for letters).
fn text_string(bytes: &[u8]) -> String {
    match bytes.strip_prefix(&[0xFE, 0xFF]) {
        Some(utf16) => {
            let units: Vec<u16> = utf16
                .chunks_exact(2)
                .map(|pair| u16::from_be_bytes([pair[0], pair[1]]))
                .collect();
            String::from_utf16_lossy(&units)
        }
        None => bytes.iter().map(|&b| char::from(b)).collect(),
    }
}

/// A line as running headers repeat it: digits (page numbers) and spacing do not count.
fn running_key(line: &str) -> String {
    line.split_whitespace()
        .collect::<String>()
        .chars()
        .map(|c| if c.is_ascii_digit() { '#' } else { c })
        .collect()
}

/// The pages without the lines that sit among the first or last few lines of more than
/// half of the pages: running headers and footers. A document of one or two pages has
/// none that can be told from text.
fn drop_running_lines(pages: &[String]) -> Vec<String> {
    if pages.len() < 2 {
        return pages.to_vec();
    }
    let edges = |page: &str| -> Vec<String> {
        let lines: Vec<&str> = page.lines().filter(|l| !l.trim().is_empty()).collect();
        let top = lines.iter().take(RUNNING_LINES);
        let bottom = lines.iter().rev().take(RUNNING_LINES);
        let mut keys: Vec<String> = top.chain(bottom).map(|l| running_key(l)).collect();
        keys.sort();
        keys.dedup();
        keys
    };
    let mut counts: HashMap<String, usize> = HashMap::new();
    for page in pages {
        for key in edges(page) {
            *counts.entry(key).or_default() += 1;
        }
    }
    let running = |line: &str| {
        counts
            .get(&running_key(line))
            .is_some_and(|&count| count * 2 > pages.len())
    };
    pages
        .iter()
        .map(|page| {
            let edge_keys = edges(page);
            page.lines()
                .map(|line| {
                    let key = running_key(line);
                    // Only a line at the page's edge goes: the same words in the body stay.
                    if !line.trim().is_empty() && edge_keys.contains(&key) && running(line) {
                        ""
                    } else {
                        line
                    }
                })
                .collect::<Vec<_>>()
                .join("\n")
        })
        .collect()
}

/// Joins words hyphenated across a line break ("ex-\nample" -> "example\n"), keeping the
/// line count, so lines still match the page's.
fn join_hyphens(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = String::with_capacity(text.len());
    let mut carried = String::new();
    for (index, line) in lines.iter().enumerate() {
        let line = if carried.is_empty() {
            line.to_string()
        } else {
            // The rest of the broken word moves up to the line before.
            let trimmed = line.trim_start();
            let end = trimmed.find(char::is_whitespace).unwrap_or(trimmed.len());
            out.push_str(&trimmed[..end]);
            carried.clear();
            trimmed[end..].trim_start().to_string()
        };
        if index > 0 {
            out.push('\n');
        }
        let next_starts_lower = lines
            .get(index + 1)
            .and_then(|next| next.trim_start().chars().next())
            .is_some_and(char::is_lowercase);
        let trimmed = line.trim_end();
        let before_hyphen = trimmed
            .strip_suffix('-')
            .and_then(|rest| rest.chars().last());
        if next_starts_lower && before_hyphen.is_some_and(char::is_alphabetic) {
            out.push_str(&trimmed[..trimmed.len() - 1]);
            carried.push('-');
        } else {
            out.push_str(&line);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hyphenated_words_are_joined_and_lines_kept() {
        let text = "The pro-\nposal was well-\nKnown and long\ndone.";
        // Moved up: "posal" joins "pro"; "well-" before a capital stays.
        assert_eq!(
            join_hyphens(text),
            "The proposal\nwas well-\nKnown and long\ndone."
        );
    }

    #[test]
    fn running_headers_and_page_numbers_are_dropped() {
        let pages = [
            "ACME Annual Report\n\nFirst page text.\n\nPage 1",
            "ACME Annual Report\n\nSecond page text mentions ACME Annual Report.\n\nPage 2",
            "ACME Annual Report\n\nThird.\n\nPage 3",
        ]
        .map(str::to_string);
        let kept = drop_running_lines(&pages);
        assert_eq!(kept[0], "\n\nFirst page text.\n\n");
        assert!(kept[1].contains("Second page text mentions ACME Annual Report."));
        assert!(!kept[2].contains("Page 3"));
    }

    fn run(x: f64, end_x: f64, y: f64, text: &str) -> Run {
        Run {
            x,
            end_x,
            y,
            size: 10.0,
            text: text.to_string(),
        }
    }

    #[test]
    fn two_columns_written_line_by_line_are_read_column_by_column() {
        let mut runs = vec![run(72.0, 520.0, 760.0, "Title across both")];
        for line in 0..8 {
            let y = 700.0 - 12.0 * f64::from(line);
            runs.push(run(72.0, 280.0, y, &format!("left {line}")));
            runs.push(run(310.0, 520.0, y, &format!("right {line}")));
        }
        runs.push(run(280.0, 320.0, 50.0, "Page 1"));
        let order: Vec<String> = reading_order(runs).into_iter().map(|r| r.text).collect();
        let expected: Vec<String> = std::iter::once("Title across both".to_string())
            .chain((0..8).map(|l| format!("left {l}")))
            .chain((0..8).map(|l| format!("right {l}")))
            .chain(std::iter::once("Page 1".to_string()))
            .collect();
        assert_eq!(order, expected);
    }

    #[test]
    fn one_column_keeps_stream_order() {
        let runs: Vec<Run> = (0..20)
            .map(|line| {
                run(
                    72.0,
                    500.0,
                    700.0 - 12.0 * f64::from(line),
                    &line.to_string(),
                )
            })
            .collect();
        assert_eq!(reading_order(runs.clone()), runs);
    }

    #[test]
    fn broken_bytes_are_a_reason() {
        let reason = read(b"%PDF-1.4\n1 0 obj\n<<", "x.pdf").unwrap_err();
        assert!(reason.starts_with("is not a readable PDF ("), "{reason}");
        // Sound syntax, but a catalog whose page tree holds nothing.
        let mut pdf = b"%PDF-1.4\n".to_vec();
        let objects = [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [] /Count 0 >>",
        ];
        let mut offsets = Vec::new();
        for (number, object) in (1..).zip(objects) {
            offsets.push(pdf.len());
            pdf.extend(format!("{number} 0 obj\n{object}\nendobj\n").bytes());
        }
        let xref = pdf.len();
        pdf.extend(b"xref\n0 3\n0000000000 65535 f \n");
        for offset in offsets {
            pdf.extend(format!("{offset:010} 00000 n \n").bytes());
        }
        pdf.extend(
            format!("trailer\n<< /Size 3 /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n").bytes(),
        );
        assert_eq!(
            read(&pdf, "empty.pdf").unwrap_err(),
            "is not a readable PDF (it has no pages); skipped it"
        );
    }
}
