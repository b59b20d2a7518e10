//! Query strings read into typed values, with a 400 naming the parameter for anything
//! else: unknown names, repeated single values, numbers out of range, overlong text.

use std::fmt::Display;
use std::ops::RangeInclusive;
use std::str::FromStr;

use super::error::ApiError;

/// Longest text of one parameter, in characters: a query, a company, a path.
pub(super) const MAX_TEXT_CHARS: usize = 1000;
/// Most values of a repeatable parameter (`company`, `topic`).
pub(super) const MAX_REPEATS: usize = 10;
/// Longest company or topic name, in characters (the taxonomy's longest is 80). With
/// these caps the longest query string allowed, percent-encoded, stays under hyper's
/// 64 KB limit on a request line, so the API, not the HTTP layer, refuses what is wrong.
pub(super) const MAX_NAME_CHARS: usize = 150;

/// The parameters of one request, decoded, in order.
pub(super) struct Params {
    pairs: Vec<(String, String)>,
}

impl Params {
    /// Decodes a query string, refusing names not in `known`.
    pub(super) fn parse(query: Option<&str>, known: &[&str]) -> Result<Params, ApiError> {
        let pairs: Vec<(String, String)> = form_urlencoded::parse(query.unwrap_or("").as_bytes())
            .map(|(name, value)| (name.into_owned(), value.into_owned()))
            .collect();
        if let Some((name, _)) = pairs
            .iter()
            .find(|(name, _)| !known.contains(&name.as_str()))
        {
            let known = if known.is_empty() {
                "no parameters".to_string()
            } else {
                known.join(", ")
            };
            return Err(ApiError::bad_request(format!(
                "unknown parameter {name:?}; this endpoint takes {known}"
            )));
        }
        for (name, value) in &pairs {
            if value.chars().count() > MAX_TEXT_CHARS {
                return Err(ApiError::bad_request(format!(
                    "{name} is longer than {MAX_TEXT_CHARS} characters; shorten it"
                )));
            }
        }
        Ok(Params { pairs })
    }

    /// Every value of `name`, at most `MAX_REPEATS`, each a name of at most
    /// `MAX_NAME_CHARS`.
    pub(super) fn names(&self, name: &str) -> Result<Vec<String>, ApiError> {
        let values = self.all(name)?;
        if let Some(long) = values.iter().find(|v| v.chars().count() > MAX_NAME_CHARS) {
            let shown: String = long.chars().take(20).collect();
            return Err(ApiError::bad_request(format!(
                "{name} {shown:?}... is longer than {MAX_NAME_CHARS} characters; no {name} is"
            )));
        }
        Ok(values)
    }

    /// Every value of `name`, at most `MAX_REPEATS`.
    pub(super) fn all(&self, name: &str) -> Result<Vec<String>, ApiError> {
        let values: Vec<String> = self
            .pairs
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, value)| value.clone())
            .collect();
        if values.len() > MAX_REPEATS {
            return Err(ApiError::bad_request(format!(
                "{name} is given {} times; give it at most {MAX_REPEATS} times",
                values.len()
            )));
        }
        Ok(values)
    }

    /// The value of `name`, given at most once.
    pub(super) fn one(&self, name: &str) -> Result<Option<&str>, ApiError> {
        let mut values = self.pairs.iter().filter(|(n, _)| n == name);
        let first = values.next().map(|(_, value)| value.as_str());
        if values.next().is_some() {
            return Err(ApiError::bad_request(format!(
                "{name} is given more than once; give it once"
            )));
        }
        Ok(first)
    }

    /// The value of `name`, which must be given.
    pub(super) fn required(&self, name: &str) -> Result<&str, ApiError> {
        self.one(name)?
            .ok_or_else(|| ApiError::bad_request(format!("{name} is missing; give {name}=...")))
    }

    /// A whole number in `range`; `default` when not given.
    pub(super) fn number<T>(
        &self,
        name: &str,
        default: T,
        range: RangeInclusive<T>,
    ) -> Result<T, ApiError>
    where
        T: FromStr + PartialOrd + Display + Copy,
    {
        match self.optional_number(name, range)? {
            Some(value) => Ok(value),
            None => Ok(default),
        }
    }

    /// A whole number in `range`, when given.
    pub(super) fn optional_number<T>(
        &self,
        name: &str,
        range: RangeInclusive<T>,
    ) -> Result<Option<T>, ApiError>
    where
        T: FromStr + PartialOrd + Display + Copy,
    {
        let Some(text) = self.one(name)? else {
            return Ok(None);
        };
        let out_of_range = || {
            ApiError::bad_request(format!(
                "{name} must be a whole number from {} to {}, not {text:?}",
                range.start(),
                range.end()
            ))
        };
        let value: T = text.trim().parse().map_err(|_| out_of_range())?;
        if !range.contains(&value) {
            return Err(out_of_range());
        }
        Ok(Some(value))
    }

    /// A yes or no: `true`, `1` or nothing (`?any`) for yes, `false` or `0` for no.
    pub(super) fn flag(&self, name: &str) -> Result<bool, ApiError> {
        match self.one(name)? {
            None => Ok(false),
            Some("" | "true" | "1") => Ok(true),
            Some("false" | "0") => Ok(false),
            Some(other) => Err(ApiError::bad_request(format!(
                "{name} must be true or false, not {other:?}"
            ))),
        }
    }

    /// One of `choices`; the first when not given.
    pub(super) fn choice<'a>(&self, name: &str, choices: &[&'a str]) -> Result<&'a str, ApiError> {
        match self.one(name)? {
            None => Ok(choices[0]),
            Some(value) => choices
                .iter()
                .find(|choice| **choice == value)
                .copied()
                .ok_or_else(|| {
                    ApiError::bad_request(format!(
                        "{name} must be one of {}, not {value:?}",
                        choices.join(", ")
                    ))
                }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_decoded_and_repeated_names_collected() {
        let params = Params::parse(
            Some("q=a+b%20c&company=Apple&company=IBM"),
            &["q", "company"],
        )
        .unwrap();
        assert_eq!(params.required("q").unwrap(), "a b c");
        assert_eq!(params.all("company").unwrap(), ["Apple", "IBM"]);
        assert!(params.one("company").is_err());
    }

    #[test]
    fn unknown_names_and_bad_numbers_are_refused() {
        assert!(Params::parse(Some("qq=a"), &["q"]).is_err());
        let params = Params::parse(
            Some("limit=0&offset=x&any=maybe"),
            &["limit", "offset", "any"],
        )
        .unwrap();
        assert!(params.number("limit", 10usize, 1..=100).is_err());
        assert!(params.number("offset", 0usize, 0..=10).is_err());
        assert!(params.flag("any").is_err());
        let long = format!("q={}", "a".repeat(MAX_TEXT_CHARS + 1));
        assert!(Params::parse(Some(&long), &["q"]).is_err());
        let name = format!("company={}", "a".repeat(MAX_NAME_CHARS + 1));
        let params = Params::parse(Some(&name), &["company"]).unwrap();
        assert!(params.names("company").is_err());
        let many = "company=a&".repeat(MAX_REPEATS + 1);
        let params = Params::parse(Some(&many), &["company"]).unwrap();
        assert!(params.names("company").is_err());
    }
}
