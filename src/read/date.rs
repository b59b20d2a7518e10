//! Calendar dates of documents, as their formats write them: ISO 8601 (HTML meta, JSON,
//! document properties), RFC 2822 (e-mail) and PDF's `D:YYYYMMDD`.
//!
//! Only whole dates are kept: a document dated by its year alone has no date a range or
//! a timeline could place it by.

use std::fmt;

/// A calendar day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: u16,
    month: u8,
    day: u8,
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

impl Date {
    /// The date, when the day exists.
    pub fn new(year: u16, month: u8, day: u8) -> Option<Date> {
        let leap =
            (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (1000..=9999).contains(&year).then_some(())?;
        (1..=days)
            .contains(&day)
            .then_some(Date { year, month, day })
    }

    /// Reads a date written as ISO 8601 (`2024-03-05`, `2024-03-05T10:00:00Z`), as PDF
    /// writes it (`D:20240305100000`, `20240305`) or as RFC 2822 (`Tue, 5 Mar 2024
    /// 10:00:00 +0000`); the time of day is dropped.
    pub fn parse(text: &str) -> Option<Date> {
        let text = text.trim();
        iso(text)
            .or_else(|| compact(text.strip_prefix("D:").unwrap_or(text)))
            .or_else(|| rfc2822(text))
    }

    /// The date as the number `YYYYMMDD`, which sorts and ranges as the dates do: how the
    /// index stores it.
    pub fn number(self) -> u64 {
        u64::from(self.year) * 10_000 + u64::from(self.month) * 100 + u64::from(self.day)
    }

    /// The date of a number `YYYYMMDD`.
    pub fn from_number(number: u64) -> Option<Date> {
        let year = u16::try_from(number / 10_000).ok()?;
        Date::new(year, (number / 100 % 100) as u8, (number % 100) as u8)
    }

    /// The year.
    pub fn year(self) -> u16 {
        self.year
    }

    /// The month, 1 to 12.
    pub fn month(self) -> u8 {
        self.month
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

fn number<T: std::str::FromStr>(digits: &str) -> Option<T> {
    digits
        .bytes()
        .all(|b| b.is_ascii_digit())
        .then(|| digits.parse().ok())?
}

/// `2024-03-05`, followed by anything (a time, a zone).
fn iso(text: &str) -> Option<Date> {
    let head = text.get(..10)?;
    let (year, rest) = head.split_once('-')?;
    let (month, day) = rest.split_once('-')?;
    if year.len() != 4 || month.len() != 2 || day.len() != 2 {
        return None;
    }
    let tail = &text[10..];
    if !(tail.is_empty() || tail.starts_with(['T', 't', ' '])) {
        return None;
    }
    Date::new(number(year)?, number(month)?, number(day)?)
}

/// `20240305`, followed by a time.
fn compact(text: &str) -> Option<Date> {
    let head = text.get(..8)?;
    Date::new(
        number(&head[..4])?,
        number(&head[4..6])?,
        number(&head[6..8])?,
    )
}

/// `Tue, 5 Mar 2024 10:00:00 +0000` (the weekday optional).
fn rfc2822(text: &str) -> Option<Date> {
    let text = text.split_once(',').map_or(text, |(_, rest)| rest);
    let mut words = text.split_whitespace();
    let day = number(words.next()?)?;
    let month = words.next()?.to_ascii_lowercase();
    let month = MONTHS.iter().position(|m| month.starts_with(m))? as u8 + 1;
    let year = number(words.next()?)?;
    Date::new(year, month, day)
}

/// An inclusive range of days, as queries write them: `2024`, `2024-03`, `2024-03-05`, or
/// two of those joined by `..` (either end may be left open).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateRange {
    /// First day, as `Date::number`.
    pub from: u64,
    /// Last day, as `Date::number`.
    pub to: u64,
}

impl DateRange {
    /// Reads a range; None when it is not one (the caller says how to write it).
    pub fn parse(text: &str) -> Option<DateRange> {
        let text = text.trim();
        match text.split_once("..") {
            Some((from, to)) => {
                let from = match from.trim() {
                    "" => 0,
                    from => Period::parse(from)?.first,
                };
                let to = match to.trim() {
                    "" => u64::MAX,
                    to => Period::parse(to)?.last,
                };
                (from <= to && (from, to) != (0, u64::MAX)).then_some(DateRange { from, to })
            }
            None => {
                let period = Period::parse(text)?;
                Some(DateRange {
                    from: period.first,
                    to: period.last,
                })
            }
        }
    }

    /// The range from the first day of a period on (`--since`).
    pub fn since(text: &str) -> Option<DateRange> {
        DateRange::parse(&format!("{}..", text.trim()))
    }

    /// The range up to the last day of a period (`--until`).
    pub fn until(text: &str) -> Option<DateRange> {
        DateRange::parse(&format!("..{}", text.trim()))
    }

    /// How to write a range, for errors.
    pub const SYNTAX: &str = "a year (2024), a month (2024-03), a day (2024-03-05), or a range \
                              of them (2024-03-01..2024-06-30, 2024.., ..2023-12)";
}

/// A year, month or day, by its first and last day.
struct Period {
    first: u64,
    last: u64,
}

impl Period {
    fn parse(text: &str) -> Option<Period> {
        let parts: Vec<&str> = text.split('-').collect();
        let year: u16 = match parts.first() {
            Some(year) if year.len() == 4 => number(year)?,
            _ => return None,
        };
        let two = |part: &str| -> Option<u8> { (part.len() == 2).then(|| number(part))? };
        let (first, last) = match parts[1..] {
            [] => (Date::new(year, 1, 1)?, Date::new(year, 12, 31)?),
            [month] => {
                let month = two(month)?;
                let last_day = (28..=31)
                    .rev()
                    .find_map(|day| Date::new(year, month, day))?;
                (Date::new(year, month, 1)?, last_day)
            }
            [month, day] => {
                let day = Date::new(year, two(month)?, two(day)?)?;
                (day, day)
            }
            _ => return None,
        };
        Some(Period {
            first: first.number(),
            last: last.number(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> Option<String> {
        Date::parse(text).map(|d| d.to_string())
    }

    #[test]
    fn dates_are_read_as_their_formats_write_them() {
        for text in [
            "2024-03-05",
            "2024-03-05T10:00:00Z",
            "2024-03-05 10:00",
            "D:20240305100000+01'00'",
            "20240305",
            "Tue, 5 Mar 2024 10:00:00 +0000",
            "5 March 2024",
        ] {
            assert_eq!(parsed(text).as_deref(), Some("2024-03-05"), "{text}");
        }
    }

    #[test]
    fn partial_impossible_and_other_text_is_no_date() {
        for text in [
            "2024",
            "2024-03",
            "2024-02-30",
            "soon",
            "",
            "2024-03-05x",
            "D:",
        ] {
            assert_eq!(parsed(text), None, "{text}");
        }
        assert_eq!(parsed("2024-02-29").as_deref(), Some("2024-02-29"));
    }

    #[test]
    fn the_number_sorts_as_the_date_and_reads_back() {
        let date = Date::parse("2024-03-05").unwrap();
        assert_eq!(date.number(), 20_240_305);
        assert_eq!(Date::from_number(20_240_305), Some(date));
        assert_eq!(Date::from_number(20_241_305), None);
    }

    #[test]
    fn ranges_are_years_months_days_or_spans_of_them() {
        let range = |text: &str| DateRange::parse(text).map(|r| (r.from, r.to));
        assert_eq!(range("2024"), Some((20_240_101, 20_241_231)));
        assert_eq!(range("2024-02"), Some((20_240_201, 20_240_229)));
        assert_eq!(range("2023-02"), Some((20_230_201, 20_230_228)));
        assert_eq!(range("2024-03-05"), Some((20_240_305, 20_240_305)));
        assert_eq!(
            range("2024-03-01..2024-06-30"),
            Some((20_240_301, 20_240_630))
        );
        assert_eq!(range("2024-03..2024-04"), Some((20_240_301, 20_240_430)));
        assert_eq!(range("2024.."), Some((20_240_101, u64::MAX)));
        assert_eq!(range("..2023"), Some((0, 20_231_231)));
        for bad in [
            "",
            "..",
            "24",
            "2024-3",
            "2024-13",
            "2024-02-30",
            "2025..2024",
            "soon",
        ] {
            assert_eq!(range(bad), None, "{bad}");
        }
        assert_eq!(
            DateRange::since("2024-03").map(|r| (r.from, r.to)),
            Some((20_240_301, u64::MAX))
        );
        assert_eq!(
            DateRange::until("2024-03").map(|r| (r.from, r.to)),
            Some((0, 20_240_331))
        );
    }
}
