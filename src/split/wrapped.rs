//! Paragraphs of hard-wrapped text as a reader sees them: READMEs, man pages rendered to
//! text, changelogs, notes.
//!
//! Consecutive lines of prose at one indentation are one paragraph. A paragraph ends at a
//! blank line, a change of indentation, a list bullet, a heading (`# Markdown`, a line
//! underlined with `===` or `---`, a man page's `SECTION` in capitals, a lead-in such as
//! `Exit status:` over indented lines, a short line alone between blank lines) or a code
//! fence. Two indentations make one paragraph when the first line is a term and the rest
//! its description (a hanging indent: `-a, --all` over `do not ignore entries...`) or the
//! first line is indented and the rest are not (a first-line indent), and a list item
//! takes the lines indented under it. Underlines and fences never become
//! paragraphs; a fenced code block is one paragraph. A word hyphenated at a line end is
//! joined (see `hyphen`).

use std::borrow::Cow;

use super::hyphen::{Vocabulary, append_line};
use super::line::{
    Line, LineKind, fence, is_all_capitals, is_lead_in, is_rule, looks_like_heading,
};
use super::{ManPage, Paragraphs, SplitDocument};

/// Splits wrapped text; a man page's header and footer are left out, and in a file of
/// fields (a Debian copyright file) each field is a paragraph.
pub(super) fn split(lines: &[Line], man_page: Option<ManPage>, fields: bool) -> SplitDocument {
    let mut splitter = Splitter {
        lines,
        man_page,
        fields,
        out: Paragraphs::default(),
        open: None,
        fence: None,
        vocabulary: Vocabulary::new(lines),
    };
    if let Some(man_page) = &splitter.man_page {
        splitter.out.title = Some(man_page.title.clone());
    }
    for index in 0..lines.len() {
        splitter.line(index);
    }
    splitter.close();
    splitter.out.finish()
}

/// The paragraph being built.
struct Open {
    /// 1-based line where it starts.
    line: usize,
    text: String,
    /// Lines joined so far.
    lines: usize,
    /// Indentation of its first line.
    first_indent: usize,
    /// Indentation its next line must have to continue it.
    indent: usize,
    /// A list item takes every line indented deeper than its bullet.
    item: bool,
}

struct Splitter<'a> {
    lines: &'a [Line<'a>],
    man_page: Option<ManPage>,
    /// Each flush-left line starts a field, which the indented lines under it continue.
    fields: bool,
    out: Paragraphs,
    open: Option<Open>,
    /// Inside a fenced code block: the marker that closes it.
    fence: Option<&'static str>,
    vocabulary: Vocabulary<'a>,
}

impl<'a> Splitter<'a> {
    fn line(&mut self, index: usize) {
        let line = self.lines[index];
        let trimmed = line.trimmed;
        let number = index + 1;
        if let Some(marker) = self.fence {
            if trimmed.starts_with(marker) {
                self.close();
                self.fence = None;
            } else if !trimmed.is_empty() {
                self.append_code(number, trimmed);
            }
            return;
        }
        if let Some(marker) = fence(trimmed) {
            self.close();
            self.fence = Some(if marker.starts_with('`') {
                "```"
            } else {
                "~~~"
            });
            return;
        }
        if self
            .man_page
            .as_ref()
            .is_some_and(|page| page.header == index || page.footer == Some(index))
        {
            self.close();
            return;
        }
        match line.kind {
            // ` .` is a blank line inside a Debian copyright file's field.
            LineKind::Blank => self.close(),
            _ if trimmed == "." && line.indent > 0 => self.close(),
            LineKind::TableRow => {
                self.close();
                self.out.emit(number, trimmed.to_string());
            }
            _ if is_rule(trimmed) => self.rule(number),
            LineKind::TableSeparator => self.close(),
            LineKind::ListItem => {
                self.close();
                let indent = line.indent;
                self.open = Some(Open {
                    line: number,
                    text: self.clean(trimmed).into_owned(),
                    lines: 1,
                    first_indent: indent,
                    indent: indent + 1,
                    item: true,
                });
            }
            // A comment line of a changelog or script ("# Older entries were removed.")
            // is text, not a heading.
            LineKind::MarkedHeading if !trimmed.ends_with('.') => {
                self.close();
                self.out
                    .heading(number, trimmed.trim_start_matches('#').trim());
            }
            LineKind::MarkedHeading | LineKind::Prose => self.prose(index),
        }
    }

    /// An underline makes the one line above it a heading; any other rule only ends the
    /// paragraph. Either way the rule itself is not text.
    fn rule(&mut self, number: usize) {
        match self.open.take() {
            Some(open) if open.lines == 1 && !open.item && open.line + 1 == number => {
                self.out.heading(open.line, &open.text);
            }
            open => {
                self.open = open;
                self.close();
            }
        }
    }

    fn prose(&mut self, index: usize) {
        let line = self.lines[index];
        let number = index + 1;
        let indent = line.indent;
        let text = self.clean(line.trimmed);
        if let Some(open) = &mut self.open {
            let continues = if self.fields {
                indent > 0
            } else if open.item {
                indent > open.first_indent
            } else if open.lines == 1 && indent > open.first_indent {
                // A hanging indent: a term over its description. A line ending with a
                // colon introduces what follows instead.
                !open.text.ends_with(':')
            } else if open.lines == 1 && indent < open.first_indent {
                // A first-line indent, as typeset paragraphs and wire copy have.
                true
            } else {
                indent == open.indent
            };
            if continues {
                if open.lines == 1 && !open.item {
                    open.indent = indent;
                }
                open.lines += 1;
                append_line(&mut open.text, &text, &mut self.vocabulary);
                return;
            }
            self.close();
        }
        if let Some(heading) = self.heading(index).filter(|_| !self.fields) {
            self.out.heading(number, heading);
            return;
        }
        self.open = Some(Open {
            line: number,
            text: text.into_owned(),
            lines: 1,
            first_indent: indent,
            indent,
            item: false,
        });
    }

    /// The heading a line (that starts no paragraph yet) is, if it is one: a title-like
    /// line alone between blank lines, a man page section in capitals over indented text,
    /// or a lead-in over deeper lines (`Exit status:`).
    fn heading(&self, index: usize) -> Option<&'a str> {
        let line = self.lines[index];
        let trimmed: &'a str = line.trimmed;
        let blank_at =
            |i: Option<usize>| i.and_then(|i| self.lines.get(i)).is_none_or(Line::is_blank);
        let after_blank = blank_at(index.checked_sub(1));
        let next_deeper = self
            .lines
            .get(index + 1)
            .is_some_and(|next| !next.is_blank() && next.indent > line.indent);
        if looks_like_heading(trimmed) {
            let alone = after_blank && blank_at(Some(index + 1));
            let section = line.indent == 0 && is_all_capitals(trimmed) && next_deeper;
            if alone || section {
                return Some(trimmed);
            }
        }
        (after_blank && next_deeper && is_lead_in(trimmed)).then(|| trimmed.trim_end_matches(':'))
    }

    fn append_code(&mut self, number: usize, trimmed: &str) {
        match &mut self.open {
            Some(open) => {
                open.text.push(' ');
                open.text.push_str(trimmed);
            }
            None => {
                self.open = Some(Open {
                    line: number,
                    text: trimmed.to_string(),
                    lines: 1,
                    first_indent: 0,
                    indent: 0,
                    item: false,
                });
            }
        }
    }

    /// A line's text: a man page's justified spacing is squeezed to single spaces; other
    /// text keeps its spacing (wire copy's double spaces after a sentence are part of the
    /// text evaluation sets quote).
    fn clean(&self, trimmed: &'a str) -> Cow<'a, str> {
        if self.man_page.is_some() {
            Cow::Owned(crate::read::squeeze(trimmed))
        } else {
            Cow::Borrowed(trimmed)
        }
    }

    fn close(&mut self) {
        if let Some(open) = self.open.take() {
            self.out.emit(open.line, open.text);
        }
    }
}
