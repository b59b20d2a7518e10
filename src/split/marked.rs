//! Paragraphs of text that marks them line by line: one line per paragraph (BBC News,
//! unwrapped notes) or hard-wrapped wire copy whose paragraphs start with an indented line
//! (Reuters).
//!
//! Evaluation sets point at these corpora's paragraphs by path and line, so this splitter
//! must keep cutting them exactly as it always has (tests/corpora.rs pins that): change
//! it only with the pinned figures in view.

use super::line::{Line, LineKind, is_title_case, looks_like_heading};
use super::{Layout, Paragraphs, SplitDocument};

pub(super) fn split(lines: &[Line], layout: Layout) -> SplitDocument {
    let mut splitter = Splitter {
        lines,
        layout,
        out: Paragraphs::default(),
        open: None,
    };
    for (index, line) in lines.iter().enumerate() {
        splitter.line(index, line);
    }
    splitter.close();
    splitter.out.finish()
}

struct Splitter<'a> {
    lines: &'a [Line<'a>],
    layout: Layout,
    out: Paragraphs,
    /// The paragraph being built: start line and its text so far.
    open: Option<(usize, String)>,
}

impl Splitter<'_> {
    fn line(&mut self, index: usize, line: &Line) {
        let trimmed = line.trimmed;
        let number = index + 1;
        match line.kind {
            LineKind::Blank | LineKind::TableSeparator => self.close(),
            LineKind::TableRow => {
                self.close();
                self.out.emit(number, trimmed.to_string());
            }
            LineKind::ListItem => {
                self.close();
                if self.layout == Layout::LinePerParagraph {
                    self.out.emit(number, trimmed.to_string());
                } else {
                    self.open = Some((number, trimmed.to_string()));
                }
            }
            LineKind::MarkedHeading => {
                self.close();
                self.out
                    .heading(number, trimmed.trim_start_matches('#').trim());
            }
            LineKind::Prose => self.prose(index, line),
        }
    }

    fn prose(&mut self, index: usize, line: &Line) {
        let trimmed = line.trimmed;
        let number = index + 1;
        if self.is_heading(index) {
            self.close();
            self.out.heading(number, trimmed);
            return;
        }
        if self.layout == Layout::IndentedWire {
            if line.is_indented() {
                self.close();
            }
            if self.open.is_none() && self.is_wire_signoff(index) {
                return;
            }
            self.append(number, trimmed);
        } else {
            self.close();
            self.out.emit(number, trimmed.to_string());
        }
    }

    /// A heading stands alone between blank lines, or is title-cased when lines are
    /// paragraphs of their own.
    fn is_heading(&self, index: usize) -> bool {
        let line = &self.lines[index];
        let trimmed = line.trimmed;
        if self.open.is_some() || !looks_like_heading(trimmed) {
            return false;
        }
        let blank_at =
            |i: Option<usize>| i.and_then(|i| self.lines.get(i)).is_none_or(Line::is_blank);
        let alone = blank_at(index.checked_sub(1)) && blank_at(Some(index + 1));
        if self.layout == Layout::IndentedWire && line.is_indented() {
            return false;
        }
        alone || (self.layout == Layout::LinePerParagraph && is_title_case(trimmed))
    }

    /// The closing ` Reuter` line of a wire story, alone in the last block.
    fn is_wire_signoff(&self, index: usize) -> bool {
        self.lines[index].trimmed == "Reuter" && self.lines[index + 1..].iter().all(Line::is_blank)
    }

    fn append(&mut self, line: usize, trimmed: &str) {
        match &mut self.open {
            Some((_, text)) => {
                text.push(' ');
                text.push_str(trimmed);
            }
            None => self.open = Some((line, trimmed.to_string())),
        }
    }

    fn close(&mut self) {
        if let Some((line, text)) = self.open.take() {
            self.out.emit(line, text);
        }
    }
}
