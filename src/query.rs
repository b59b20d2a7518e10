//! The query language of `dossier search`, parsed into a tree before anything is looked
//! up, so that a mistake is reported at its column with a fix.
//!
//! ```text
//! apple pie                every word (or, with --any, any word)
//! "exact phrase"           the words in this order
//! -excluded  NOT excluded  paragraphs without it
//! +required                required even with --any
//! tea OR coffee            either; binds tighter than the space between words
//! tea AND coffee           both, even with --any
//! (tea OR coffee) cake     groups
//! comput*                  words starting with "comput"
//! alibabba~1               words within 1 typo (0 to 2; `~` alone is 1)
//! company:Apple  topic:"cloud computing"  path:reuters/*  section:markets
//! title:results  id:doc-17 field filters; flags such as --company mean the same
//! ```

use std::fmt;

use crate::read::DateRange;

/// A parsed query: items side by side, each with how it must match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    /// The items in the order written.
    pub items: Vec<Item>,
}

/// One item of a sequence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// Whether the item must, may or must not match.
    pub mark: Mark,
    /// What it matches.
    pub expr: Expr,
}

/// How an item of a sequence takes part in the match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// As the search mode says: required by default, optional with `--any`.
    Default,
    /// `+item`: required in every mode.
    Required,
    /// `-item` or `NOT item`: matching paragraphs are left out.
    Excluded,
}

/// What an item matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expr {
    /// A word, stemmed and in any case.
    Word(String),
    /// Words starting with these letters: `comput*`.
    Prefix(String),
    /// Words within `distance` edits (a transposition counts one): `alibabba~1`.
    Fuzzy {
        /// The word as typed.
        word: String,
        /// Most edits, 0 to 2.
        distance: u8,
    },
    /// Words in this order: `"exact phrase"`.
    Phrase(String),
    /// A field filter: `company:Apple`, `path:reuters/*`.
    Filter {
        /// The field.
        field: FilterField,
        /// The value, without quotes.
        value: String,
    },
    /// Any of these: `a OR b`.
    AnyOf(Vec<Expr>),
    /// All of these: `a AND b`.
    AllOf(Vec<Expr>),
    /// A parenthesised sequence.
    Group(Vec<Item>),
}

impl Expr {
    /// True for a field filter, or an `OR`/`AND` of field filters only: these narrow the
    /// hits and are required even with `--any`.
    pub fn is_filter(&self) -> bool {
        match self {
            Expr::Filter { .. } => true,
            Expr::AnyOf(exprs) | Expr::AllOf(exprs) => exprs.iter().all(Expr::is_filter),
            _ => false,
        }
    }
}

/// The fields a query can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterField {
    /// Paragraphs tagged with a company or one of its units.
    Company,
    /// Paragraphs tagged with a topic.
    Topic,
    /// Documents whose path matches a glob (`*`, `?`), or that lie under a folder.
    Path,
    /// Paragraphs under a heading with these words.
    Section,
    /// Documents whose title has these words.
    Title,
    /// The JSON Lines document with this id.
    Id,
    /// Documents dated in a year, month, day or range of them.
    Date,
}

/// The field names, as typed, in the order error messages list them.
const FIELDS: [(&str, FilterField); 7] = [
    ("company", FilterField::Company),
    ("topic", FilterField::Topic),
    ("path", FilterField::Path),
    ("section", FilterField::Section),
    ("title", FilterField::Title),
    ("id", FilterField::Id),
    ("date", FilterField::Date),
];

/// Most edits a fuzzy word may allow; more would match almost anything.
const MAX_FUZZY_DISTANCE: u8 = 2;

/// A mistake in a query: what is wrong, where, and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryError {
    /// The query as given.
    pub query: String,
    /// 0-based character column of the mistake.
    pub column: usize,
    /// What is wrong.
    pub problem: String,
    /// How to fix it.
    pub fix: String,
}

/// Most characters of the query an error message shows: a longer query is cut to this
/// many around the mistake, so a 17 KB query does not fill the terminal.
const SHOWN_CHARS: usize = 80;

impl QueryError {
    /// The part of the query shown under the message (control characters as spaces, `…`
    /// where it was cut) and the column of the caret under it.
    fn window(&self) -> (String, usize) {
        let chars: Vec<char> = self
            .query
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        let start = if chars.len() <= SHOWN_CHARS {
            0
        } else {
            self.column
                .saturating_sub(SHOWN_CHARS / 2)
                .min(chars.len() - SHOWN_CHARS)
        };
        let end = chars.len().min(start + SHOWN_CHARS);
        let mut shown = String::new();
        if start > 0 {
            shown.push('…');
        }
        shown.extend(&chars[start..end]);
        if end < chars.len() {
            shown.push('…');
        }
        let caret = self.column.saturating_sub(start) + usize::from(start > 0);
        (shown, caret)
    }
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (shown, caret) = self.window();
        write!(
            f,
            "cannot understand the query: {} (column {}); {}\n  {shown}\n  {}^",
            self.problem,
            self.column + 1,
            self.fix,
            " ".repeat(caret)
        )
    }
}

impl std::error::Error for QueryError {}

/// What a `--since` or `--until` value (and the API's `since` and `until`) must be.
pub const DATE_BOUND_HELP: &str = "give a day (2024-03-05), a month (2024-03) or a year (2024)";

/// A `--since` day, month or year as the `date:` range it stands for (`2024-03..`); None
/// when it is none of these.
pub fn since_range(text: &str) -> Option<String> {
    date_bound(format!("{}..", text.trim()))
}

/// An `--until` day, month or year as the `date:` range it stands for (`..2024-03`).
pub fn until_range(text: &str) -> Option<String> {
    date_bound(format!("..{}", text.trim()))
}

fn date_bound(range: String) -> Option<String> {
    (range.matches("..").count() == 1 && DateRange::parse(&range).is_some()).then_some(range)
}

/// Parses a query; the error names the column of the first mistake.
pub fn parse(query: &str) -> Result<Query, QueryError> {
    let tokens = lex(query)?;
    let mut parser = Parser {
        query,
        tokens,
        next: 0,
    };
    let items = parser.sequence()?;
    if let Some(token) = parser.peek() {
        // A sequence stops only at the end or at a `)`.
        return Err(parser.error(
            token.start,
            "this ) has no ( before it",
            "remove it, or add a ( where the group starts",
        ));
    }
    Ok(Query { items })
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    Open,
    Close,
    Phrase(String),
    Word(String),
    Required,
    Excluded,
    Or,
    And,
}

#[derive(Debug, Clone)]
struct Token {
    kind: Kind,
    /// Character columns, end exclusive.
    start: usize,
    end: usize,
}

fn is_separator(c: char) -> bool {
    c.is_whitespace() || c.is_control()
}

fn lex(query: &str) -> Result<Vec<Token>, QueryError> {
    let chars: Vec<char> = query.chars().collect();
    let mut tokens = Vec::new();
    let mut at = 0;
    while at < chars.len() {
        let c = chars[at];
        let start = at;
        if is_separator(c) {
            at += 1;
            continue;
        }
        let kind = match c {
            '(' => {
                at += 1;
                Kind::Open
            }
            ')' => {
                at += 1;
                Kind::Close
            }
            '"' => {
                let Some(length) = chars[at + 1..].iter().position(|&c| c == '"') else {
                    return Err(error_at(
                        query,
                        start,
                        "this quote is never closed",
                        "add a closing \" where the phrase ends, or remove this one",
                    ));
                };
                let phrase: String = chars[at + 1..at + 1 + length].iter().collect();
                at += length + 2;
                Kind::Phrase(phrase)
            }
            '-' | '+'
                if chars
                    .get(at + 1)
                    .is_some_and(|&n| !is_separator(n) && n != ')') =>
            {
                at += 1;
                if c == '-' {
                    Kind::Excluded
                } else {
                    Kind::Required
                }
            }
            _ => {
                while at < chars.len() && !is_separator(chars[at]) && !"()\"".contains(chars[at]) {
                    at += 1;
                }
                let word: String = chars[start..at].iter().collect();
                match word.as_str() {
                    "OR" => Kind::Or,
                    "AND" => Kind::And,
                    "NOT" => Kind::Excluded,
                    _ => Kind::Word(word),
                }
            }
        };
        tokens.push(Token {
            kind,
            start,
            end: at,
        });
    }
    Ok(tokens)
}

fn error_at(query: &str, column: usize, problem: &str, fix: &str) -> QueryError {
    QueryError {
        query: query.to_string(),
        column,
        problem: problem.to_string(),
        fix: fix.to_string(),
    }
}

struct Parser<'q> {
    query: &'q str,
    tokens: Vec<Token>,
    next: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.next)
    }

    fn take(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.next).cloned();
        self.next += 1;
        token
    }

    fn error(&self, column: usize, problem: &str, fix: &str) -> QueryError {
        error_at(self.query, column, problem, fix)
    }

    /// Items up to the end or a `)`, which is left for the caller.
    fn sequence(&mut self) -> Result<Vec<Item>, QueryError> {
        let mut items = Vec::new();
        while let Some(token) = self.peek() {
            if token.kind == Kind::Close {
                break;
            }
            let mark = match token.kind {
                Kind::Required => Mark::Required,
                Kind::Excluded => Mark::Excluded,
                _ => Mark::Default,
            };
            if mark != Mark::Default {
                let marker = self.take();
                if self.peek().is_none_or(|t| t.kind == Kind::Close) {
                    let column = marker.map_or(0, |t| t.start);
                    return Err(self.error(
                        column,
                        "nothing follows this exclusion",
                        "add the word to leave out after it, or remove it",
                    ));
                }
            }
            let expr = self.any_of()?;
            items.push(Item { mark, expr });
        }
        Ok(items)
    }

    fn any_of(&mut self) -> Result<Expr, QueryError> {
        let mut exprs = vec![self.all_of()?];
        while self.peek().is_some_and(|t| t.kind == Kind::Or) {
            let or = self.take();
            exprs.push(self.operand(or, "OR")?);
        }
        Ok(single_or(exprs, Expr::AnyOf))
    }

    fn all_of(&mut self) -> Result<Expr, QueryError> {
        let mut exprs = vec![self.atom()?];
        while self.peek().is_some_and(|t| t.kind == Kind::And) {
            let and = self.take();
            exprs.push(self.operand(and, "AND")?);
        }
        Ok(single_or(exprs, Expr::AllOf))
    }

    /// The right-hand side of an `OR` or `AND`.
    fn operand(&mut self, operator: Option<Token>, name: &str) -> Result<Expr, QueryError> {
        let column = operator.map_or(0, |t| t.start);
        match self.peek().map(|t| &t.kind) {
            None | Some(Kind::Close | Kind::Or | Kind::And) => Err(self.error(
                column,
                &format!("{name} needs a word after it"),
                &format!("add one, or remove the {name}"),
            )),
            Some(Kind::Required | Kind::Excluded) => Err(self.error(
                column,
                &format!("{name} cannot be followed by an exclusion or a +"),
                "put the excluded word outside the OR/AND",
            )),
            _ => {
                if name == "OR" {
                    self.all_of()
                } else {
                    self.atom()
                }
            }
        }
    }

    fn atom(&mut self) -> Result<Expr, QueryError> {
        let Some(token) = self.take() else {
            return Err(self.error(
                self.query.chars().count(),
                "the query ends too early",
                "add a word",
            ));
        };
        match token.kind {
            Kind::Open => {
                let items = self.sequence()?;
                if self.take().is_none_or(|t| t.kind != Kind::Close) {
                    return Err(self.error(
                        token.start,
                        "this ( is never closed",
                        "add a ) where the group ends, or remove this one",
                    ));
                }
                if items.is_empty() {
                    return Err(self.error(
                        token.start,
                        "these parentheses are empty",
                        "put words inside, or remove them",
                    ));
                }
                Ok(Expr::Group(items))
            }
            Kind::Phrase(phrase) => Ok(Expr::Phrase(phrase)),
            Kind::Word(ref word) => self.word(word, &token),
            Kind::Or | Kind::And => {
                let name = if token.kind == Kind::Or { "OR" } else { "AND" };
                Err(self.error(
                    token.start,
                    &format!("{name} needs a word before it"),
                    &format!(
                        "add one, or write {} to search for the word",
                        name.to_lowercase()
                    ),
                ))
            }
            Kind::Close => Err(self.error(
                token.start,
                "this ) has no ( before it",
                "remove it, or add a ( where the group starts",
            )),
            Kind::Required | Kind::Excluded => Err(self.error(
                token.start,
                "an exclusion or + cannot stand here",
                "put it before a word outside OR and AND",
            )),
        }
    }

    fn word(&mut self, word: &str, token: &Token) -> Result<Expr, QueryError> {
        if let Some((name, value)) = word.split_once(':')
            && !name.is_empty()
            && name.chars().all(|c| c.is_ascii_alphabetic())
        {
            return self.filter(name, value, token);
        }
        if let Some(stem) = word.strip_suffix('*') {
            let stem = stem.trim_end_matches('*');
            if stem.is_empty() {
                return Err(self.error(
                    token.start,
                    "a * alone would match every word",
                    "give the first letters of the word, like comput*",
                ));
            }
            return Ok(Expr::Prefix(stem.to_string()));
        }
        if let Some((stem, distance)) = word.rsplit_once('~')
            && distance.chars().all(|c| c.is_ascii_digit())
        {
            return self.fuzzy(stem, distance, token);
        }
        Ok(Expr::Word(word.to_string()))
    }

    fn fuzzy(&self, word: &str, distance: &str, token: &Token) -> Result<Expr, QueryError> {
        let tilde = token.end - distance.chars().count() - 1;
        if word.is_empty() {
            return Err(self.error(
                tilde,
                "a ~ needs a word before it",
                "write the word then ~1, like alibabba~1",
            ));
        }
        let distance = match distance {
            "" => 1,
            digits => match digits.parse::<u8>() {
                Ok(n) if n <= MAX_FUZZY_DISTANCE => n,
                _ => {
                    return Err(self.error(
                        tilde + 1,
                        "the typo allowance after ~ must be 0, 1 or 2",
                        "write ~1 or ~2",
                    ));
                }
            },
        };
        Ok(Expr::Fuzzy {
            word: word.to_string(),
            distance,
        })
    }

    fn filter(&mut self, name: &str, value: &str, token: &Token) -> Result<Expr, QueryError> {
        let Some(field) = FIELDS
            .iter()
            .find(|(known, _)| known.eq_ignore_ascii_case(name))
            .map(|(_, field)| *field)
        else {
            let fields: Vec<&str> = FIELDS.iter().map(|(known, _)| *known).collect();
            return Err(self.error(
                token.start,
                &format!("there is no field {name:?}"),
                &format!(
                    "the fields are {}; to search for the text itself, put it in quotes: \"{name}:{value}\"",
                    fields.join(", ")
                ),
            ));
        };
        let value = if !value.is_empty() {
            value.to_string()
        } else {
            match self.peek() {
                Some(Token {
                    kind: Kind::Phrase(phrase),
                    start,
                    ..
                }) if *start == token.end && !phrase.trim().is_empty() => {
                    let phrase = phrase.clone();
                    self.take();
                    phrase
                }
                _ => {
                    return Err(self.error(
                        token.end,
                        &format!("{name}: needs a value"),
                        &format!(
                            "write it right after the colon, like {name}:word or {name}:\"two words\""
                        ),
                    ));
                }
            }
        };
        if field == FilterField::Date && DateRange::parse(&value).is_none() {
            return Err(self.error(
                token.start,
                &format!("date:{value} is not a date or a range of dates"),
                &format!("write {}", DateRange::SYNTAX),
            ));
        }
        Ok(Expr::Filter { field, value })
    }
}

fn single_or(mut exprs: Vec<Expr>, combine: fn(Vec<Expr>) -> Expr) -> Expr {
    if exprs.len() == 1 {
        exprs.remove(0)
    } else {
        combine(exprs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(text: &str) -> Expr {
        Expr::Word(text.to_string())
    }

    fn item(mark: Mark, expr: Expr) -> Item {
        Item { mark, expr }
    }

    fn items(query: &str) -> Vec<Item> {
        parse(query).expect("query parses").items
    }

    fn failure(query: &str) -> QueryError {
        parse(query).expect_err("query is rejected")
    }

    #[test]
    fn words_phrases_and_marks() {
        assert_eq!(
            items("Apple's  \"iPhone sales\" -pie +Qwen NOT tart"),
            vec![
                item(Mark::Default, word("Apple's")),
                item(Mark::Default, Expr::Phrase("iPhone sales".into())),
                item(Mark::Excluded, word("pie")),
                item(Mark::Required, word("Qwen")),
                item(Mark::Excluded, word("tart")),
            ]
        );
        assert_eq!(
            items("e-commerce - 10:30"),
            vec![
                item(Mark::Default, word("e-commerce")),
                item(Mark::Default, word("-")),
                item(Mark::Default, word("10:30")),
            ]
        );
    }

    #[test]
    fn or_binds_tighter_than_the_space_and_groups_nest() {
        assert_eq!(
            items("tea OR coffee cake"),
            vec![
                item(
                    Mark::Default,
                    Expr::AnyOf(vec![word("tea"), word("coffee")])
                ),
                item(Mark::Default, word("cake")),
            ]
        );
        assert_eq!(
            items("-(tea OR coffee) a AND b"),
            vec![
                item(
                    Mark::Excluded,
                    Expr::Group(vec![item(
                        Mark::Default,
                        Expr::AnyOf(vec![word("tea"), word("coffee")])
                    )])
                ),
                item(Mark::Default, Expr::AllOf(vec![word("a"), word("b")])),
            ]
        );
    }

    #[test]
    fn prefixes_fuzzy_words_and_filters() {
        assert_eq!(
            items(
                "comput* alibabba~ tencnet~2 company:Apple topic:\"cloud computing\" path:reuters/*"
            ),
            vec![
                item(Mark::Default, Expr::Prefix("comput".into())),
                item(
                    Mark::Default,
                    Expr::Fuzzy {
                        word: "alibabba".into(),
                        distance: 1
                    }
                ),
                item(
                    Mark::Default,
                    Expr::Fuzzy {
                        word: "tencnet".into(),
                        distance: 2
                    }
                ),
                item(
                    Mark::Default,
                    Expr::Filter {
                        field: FilterField::Company,
                        value: "Apple".into()
                    }
                ),
                item(
                    Mark::Default,
                    Expr::Filter {
                        field: FilterField::Topic,
                        value: "cloud computing".into()
                    }
                ),
                item(
                    Mark::Default,
                    Expr::Filter {
                        field: FilterField::Path,
                        value: "reuters/*".into()
                    }
                ),
            ]
        );
        assert!(Expr::AnyOf(vec![items("id:a")[0].expr.clone()]).is_filter());
        assert!(!Expr::AnyOf(vec![word("a"), items("id:a")[0].expr.clone()]).is_filter());
    }

    #[test]
    fn mistakes_are_reported_at_their_column_with_a_fix() {
        let cases = [
            ("apple \"pie", 6, "quote is never closed"),
            ("(apple pie", 0, "( is never closed"),
            ("apple pie)", 9, ") has no ( before it"),
            ("apple ()", 6, "parentheses are empty"),
            ("apple OR", 6, "OR needs a word after it"),
            ("OR apple", 0, "OR needs a word before it"),
            ("apple NOT", 6, "nothing follows"),
            ("colour:red", 0, "there is no field \"colour\""),
            ("a company:", 10, "company: needs a value"),
            ("a company: Apple", 10, "company: needs a value"),
            ("*", 0, "a * alone"),
            ("qwen~3", 5, "must be 0, 1 or 2"),
            ("a OR -b", 2, "OR cannot be followed by an exclusion"),
        ];
        for (query, column, problem) in cases {
            let error = failure(query);
            assert_eq!(error.column, column, "{query}: {error}");
            assert!(error.problem.contains(problem), "{query}: {error}");
            assert!(!error.fix.is_empty());
        }
    }

    #[test]
    fn the_error_message_points_at_the_column_with_a_caret() {
        let message = failure("Qwen (cloud").to_string();
        assert_eq!(
            message.lines().skip(1).collect::<Vec<_>>(),
            ["  Qwen (cloud", "       ^"]
        );
        assert!(
            message.starts_with("cannot understand the query: this ( is never closed (column 6)")
        );
    }

    #[test]
    fn a_long_query_is_shown_as_a_window_around_the_mistake() {
        // The mistake in the middle, at the start and at the end of a 17 KB query.
        let middle = format!("{} (cloud {}", "word ".repeat(1700), "more ".repeat(1700));
        let start = format!("(cloud {}", "word ".repeat(3400));
        let end = format!("{}\"cloud", "word ".repeat(3400));
        for query in [middle, start, end] {
            let error = failure(&query);
            let message = error.to_string();
            let lines: Vec<&str> = message.lines().collect();
            assert_eq!(lines.len(), 3, "{message}");
            let shown: Vec<char> = lines[1].chars().skip(2).collect();
            assert!(shown.len() <= SHOWN_CHARS + 2, "{}", lines[1]);
            let caret = lines[2].len() - 3;
            let marked = shown[caret];
            assert_eq!(
                marked,
                query.chars().nth(error.column).unwrap(),
                "{message}"
            );
            let cut_before = error.column > SHOWN_CHARS / 2;
            assert_eq!(shown[0] == '…', cut_before, "{}", lines[1]);
        }
    }

    #[test]
    fn control_characters_separate_words_and_long_queries_parse() {
        assert_eq!(items("a\u{7}b\tc").len(), 3);
        let long = "word ".repeat(2000);
        assert_eq!(items(&long).len(), 2000);
    }
}
