//! The taxonomy: companies (with aliases, products, tickers and parents) and topics (with
//! their terms), loaded from TOML and validated before anything is tagged.
//!
//! This module only holds data and checks it; matching text against it is `tag`'s job.

use rustc_hash::FxHashMap as HashMap;
use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

/// The taxonomy compiled into the binary, used when the user gives none.
pub const DEFAULT_TAXONOMY: &str = include_str!("../taxonomy/default.toml");
/// The same taxonomy converted to JSON by build.rs, which loads several times faster.
const DEFAULT_TAXONOMY_JSON: &str =
    include_str!(concat!(env!("OUT_DIR"), "/default-taxonomy.json"));

/// A company as written in the taxonomy file.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Company {
    /// Canonical name: what `--company` matches and what output shows.
    pub name: String,
    /// Other names of the company: legal names, short forms, other scripts.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Product or service names that imply the company ("Qwen" means Alibaba).
    #[serde(default)]
    pub products: Vec<String>,
    /// Stock tickers, recognised when written in wire style as `<TICKER>`.
    #[serde(default)]
    pub tickers: Vec<String>,
    /// The name is also an ordinary word ("Apple", "Shell"): tag it only with evidence.
    #[serde(default)]
    pub common_word: bool,
    /// Canonical name of the company this one is a unit of ("Alibaba Cloud" -> "Alibaba").
    pub parent: Option<String>,
    /// A news organisation that articles cite as a source ("told Reuters"): such citations
    /// are not mentions of the business.
    #[serde(default)]
    pub news_source: bool,
    /// Topics of the company's business ("telecommunications" for Vodafone): a passage
    /// about the company leans to them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub topics: Vec<String>,
}

/// A topic as written in the taxonomy file.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Topic {
    /// Topic name: what `--topic` matches and what output shows.
    pub name: String,
    /// Words and phrases that signal the topic, matched case-insensitively on word
    /// boundaries; a trailing `*` matches any ending ("regulat*").
    pub terms: Vec<String>,
    /// Words often used in passing ("staff", "deal"), which weigh half as much as terms.
    #[serde(default)]
    pub weak: Vec<String>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct TaxonomyFile {
    #[serde(default)]
    legal_suffixes: Vec<String>,
    #[serde(default)]
    designators: Vec<String>,
    #[serde(default)]
    company_nouns: Vec<String>,
    #[serde(default)]
    topic_exceptions: Vec<String>,
    #[serde(default)]
    places: Vec<String>,
    #[serde(default)]
    company: Vec<Company>,
    #[serde(default)]
    topic: Vec<Topic>,
}

/// A validated taxonomy: every name unique, every parent known, no parent cycles.
#[derive(Debug, Clone)]
pub struct Taxonomy {
    /// The companies, in file order.
    pub companies: Vec<Company>,
    /// The topics, in file order.
    pub topics: Vec<Topic>,
    /// Legal forms that mark a company name and are dropped from it ("Inc", "Plc").
    pub legal_suffixes: Vec<String>,
    /// Words that mark a company name and stay in it ("Group", "Holdings").
    pub designators: Vec<String>,
    /// Lower-case nouns that introduce a company name ("retailer Mothercare").
    pub company_nouns: Vec<String>,
    /// Phrases that contain a topic term but are not about its topic ("fiscal year",
    /// "World Bank", "trade union"): they count for no topic.
    pub topic_exceptions: Vec<String>,
    /// Countries, states and cities: a name found only by its marks or its company (a
    /// list, a possessive) that is one of these is a place, not a company.
    pub places: Vec<String>,
    /// For each company, the index of its parent company.
    parents: Vec<Option<usize>>,
    /// Lower-cased names and aliases of companies -> company index.
    company_lookup: HashMap<String, usize>,
    /// [`loose_key`] of names and aliases -> the first company with it.
    loose_lookup: HashMap<String, usize>,
}

/// A name's letters and digits in lower case, without "and", "&", a closing possessive or
/// any punctuation and space: the ways news text writes one name differently.
pub fn loose_key(name: &str) -> String {
    let name = name.trim();
    let name = name
        .strip_suffix("'s")
        .or_else(|| name.strip_suffix("\u{2019}s"))
        .unwrap_or(name);
    name.split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty() && !word.eq_ignore_ascii_case("and"))
        .flat_map(|word| word.chars().flat_map(char::to_lowercase))
        .collect()
}

impl Taxonomy {
    /// The built-in taxonomy.
    pub fn builtin() -> Result<Taxonomy> {
        Taxonomy::from_json(DEFAULT_TAXONOMY_JSON).context("the built-in taxonomy is invalid")
    }

    /// Parses and validates a taxonomy saved by [`Taxonomy::to_json`].
    pub fn from_json(text: &str) -> Result<Taxonomy> {
        let file: TaxonomyFile = serde_json::from_str(text)?;
        Taxonomy::validate(file)
    }

    /// The taxonomy as JSON, which [`Taxonomy::from_json`] reads back several times faster
    /// than TOML: an index keeps this form for its searches.
    pub fn to_json(&self) -> Result<String> {
        let file = TaxonomyFile {
            legal_suffixes: self.legal_suffixes.clone(),
            designators: self.designators.clone(),
            company_nouns: self.company_nouns.clone(),
            topic_exceptions: self.topic_exceptions.clone(),
            places: self.places.clone(),
            company: self.companies.clone(),
            topic: self.topics.clone(),
        };
        Ok(serde_json::to_string(&file)?)
    }

    /// Reads and validates a taxonomy file; errors name the file, line and problem.
    pub fn from_path(path: &Path) -> Result<Taxonomy> {
        Taxonomy::read(path).map(|(taxonomy, _)| taxonomy)
    }

    /// Like [`Taxonomy::from_path`], also returning the file's text (an index keeps a copy).
    pub fn read(path: &Path) -> Result<(Taxonomy, String)> {
        let text = Taxonomy::read_text(path)?;
        let taxonomy = Taxonomy::from_file_text(path, &text)?;
        Ok((taxonomy, text))
    }

    /// The text of the taxonomy file at `path`, with an error naming the file.
    pub fn read_text(path: &Path) -> Result<String> {
        std::fs::read_to_string(path)
            .with_context(|| format!("cannot read taxonomy file {}", path.display()))
    }

    /// Parses the text read from the taxonomy file at `path`, with errors naming the file.
    pub fn from_file_text(path: &Path, text: &str) -> Result<Taxonomy> {
        Taxonomy::from_toml(text)
            .with_context(|| format!("taxonomy file {} is invalid", path.display()))
    }

    /// Parses and validates taxonomy TOML text.
    pub fn from_toml(text: &str) -> Result<Taxonomy> {
        Taxonomy::validate(parse_toml(text)?)
    }

    fn validate(file: TaxonomyFile) -> Result<Taxonomy> {
        let mut company_lookup: HashMap<String, usize> = HashMap::default();
        for (id, company) in file.company.iter().enumerate() {
            if company.name.trim().is_empty() {
                bail!("company number {} has an empty name", id + 1);
            }
            for name in std::iter::once(&company.name).chain(&company.aliases) {
                let key = name.to_lowercase();
                if let Some(&other) = company_lookup.get(&key)
                    && other != id
                {
                    {
                        bail!(
                            "the name {name:?} is used by both {:?} and {:?}",
                            file.company[other].name,
                            company.name
                        );
                    }
                }
                company_lookup.insert(key, id);
            }
        }
        let parents = file
            .company
            .iter()
            .map(|company| match &company.parent {
                None => Ok(None),
                Some(parent) => match company_lookup.get(&parent.to_lowercase()) {
                    Some(&id) => Ok(Some(id)),
                    None => bail!(
                        "company {:?} names an unknown parent {parent:?}",
                        company.name
                    ),
                },
            })
            .collect::<Result<Vec<_>>>()?;
        let mut loose_lookup: HashMap<String, usize> = HashMap::default();
        for (id, company) in file.company.iter().enumerate() {
            for name in std::iter::once(&company.name).chain(&company.aliases) {
                loose_lookup.entry(loose_key(name)).or_insert(id);
            }
        }
        check_no_cycles(&file.company, &parents)?;
        check_topics(&file.topic)?;
        check_company_topics(&file.company, &file.topic)?;
        Ok(Taxonomy {
            companies: file.company,
            topics: file.topic,
            legal_suffixes: file.legal_suffixes,
            designators: file.designators,
            company_nouns: file.company_nouns,
            topic_exceptions: file.topic_exceptions,
            places: file.places,
            parents,
            company_lookup,
            loose_lookup,
        })
    }

    /// The company with this name written another way: "Standard and Poor" and "Standard
    /// and Poor's" are "Standard & Poor's", "ATT" is "AT&T", "Goldman, Sachs" is "Goldman
    /// Sachs" (see [`loose_key`]).
    pub fn find_company_loose(&self, name: &str) -> Option<usize> {
        self.find_company(name)
            .or_else(|| self.loose_lookup.get(&loose_key(name)).copied())
    }

    /// The company with this name or alias, ignoring case.
    pub fn find_company(&self, name: &str) -> Option<usize> {
        self.company_lookup
            .get(&name.trim().to_lowercase())
            .copied()
    }

    /// The topic with this name, ignoring case.
    pub fn find_topic(&self, name: &str) -> Option<usize> {
        let wanted = name.trim().to_lowercase();
        self.topics
            .iter()
            .position(|topic| topic.name.to_lowercase() == wanted)
    }

    /// Canonical names from the top-level parent down to this company
    /// (["Alibaba", "Alibaba Cloud"] for Alibaba Cloud).
    pub fn company_path(&self, id: usize) -> Vec<&str> {
        let mut path = vec![self.companies[id].name.as_str()];
        let mut current = id;
        while let Some(parent) = self.parents[current] {
            path.push(self.companies[parent].name.as_str());
            current = parent;
        }
        path.reverse();
        path
    }

    /// Up to `n` known company names closest to `name`, for "did you mean" messages.
    pub fn nearest_companies(&self, name: &str, n: usize) -> Vec<&str> {
        let names = self.company_lookup.keys().map(String::as_str);
        let mut ids: Vec<usize> = nearest(name, names, usize::MAX)
            .into_iter()
            .filter_map(|key| self.company_lookup.get(key).copied())
            .collect();
        let mut seen = std::collections::HashSet::new();
        ids.retain(|id| seen.insert(*id));
        ids.truncate(n);
        ids.into_iter()
            .map(|id| self.companies[id].name.as_str())
            .collect()
    }

    /// Up to `n` topic names closest to `name`, for "did you mean" messages.
    pub fn nearest_topics(&self, name: &str, n: usize) -> Vec<&str> {
        nearest(name, self.topics.iter().map(|t| t.name.as_str()), n)
    }
}

/// Every topic a company names is a topic of the taxonomy.
fn check_company_topics(companies: &[Company], topics: &[Topic]) -> Result<()> {
    for company in companies {
        for wanted in &company.topics {
            if !topics.iter().any(|topic| topic.name == *wanted) {
                bail!(
                    "company {:?} names an unknown topic {wanted:?}",
                    company.name
                );
            }
        }
    }
    Ok(())
}

/// Names ordered by similarity to `wanted`, best first: prefix matches, then Jaro-Winkler.
fn nearest<'a>(wanted: &str, names: impl Iterator<Item = &'a str>, n: usize) -> Vec<&'a str> {
    // Comparing costs the product of the lengths, for every name of the taxonomy: a
    // thousand characters pasted as a company took ten seconds (found by fuzzing the HTTP
    // API). No name is longer than this, so the suggestions stay the same.
    const COMPARED_CHARS: usize = 100;
    let wanted: String = wanted
        .trim()
        .to_lowercase()
        .chars()
        .take(COMPARED_CHARS)
        .collect();
    let mut scored: Vec<(f64, &str)> = names
        .map(|name| {
            let lower = name.to_lowercase();
            let bonus = if lower.starts_with(&wanted) || wanted.starts_with(&lower) {
                1.0
            } else {
                0.0
            };
            (bonus + strsim::jaro_winkler(&wanted, &lower), name)
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    scored.into_iter().take(n).map(|(_, name)| name).collect()
}

fn check_no_cycles(companies: &[Company], parents: &[Option<usize>]) -> Result<()> {
    for start in 0..companies.len() {
        let mut current = start;
        for _ in 0..=companies.len() {
            match parents[current] {
                Some(parent) if parent == start => {
                    bail!(
                        "company {:?} is its own ancestor through its parent chain",
                        companies[start].name
                    )
                }
                Some(parent) => current = parent,
                None => break,
            }
        }
    }
    Ok(())
}

fn check_topics(topics: &[Topic]) -> Result<()> {
    let mut seen = HashMap::default();
    for topic in topics {
        if topic.name.trim().is_empty() {
            bail!("a topic has an empty name");
        }
        if seen.insert(topic.name.to_lowercase(), ()).is_some() {
            bail!("the topic {:?} is defined twice", topic.name);
        }
        if topic
            .terms
            .iter()
            .chain(&topic.weak)
            .all(|term| term.trim().is_empty())
        {
            bail!("topic {:?} has no terms", topic.name);
        }
    }
    Ok(())
}

/// Lists names as `"a", "b" or "c"` for error messages.
pub fn quote_list(names: &[&str]) -> String {
    let mut out = String::new();
    for (i, name) in names.iter().enumerate() {
        if i > 0 {
            out.push_str(if i + 1 == names.len() { " or " } else { ", " });
        }
        // Writing to a String cannot fail.
        let _ = write!(out, "\"{name}\"");
    }
    out
}

/// Parses TOML text into `T`; a mistake is reported with its line ("line 12: ..."), for
/// the caller to put the file's name in front.
pub(crate) fn parse_toml<T: serde::de::DeserializeOwned>(text: &str) -> Result<T> {
    toml::from_str(text).map_err(|err| {
        let line = err
            .span()
            .map(|span| text[..span.start.min(text.len())].matches('\n').count() + 1);
        let message = err.message().to_string();
        match line {
            Some(line) => anyhow::anyhow!("line {line}: {message}"),
            None => anyhow::anyhow!("{message}"),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_json_is_the_toml_source() {
        let from_toml = Taxonomy::from_toml(DEFAULT_TAXONOMY).unwrap();
        let from_json = Taxonomy::builtin().unwrap();
        assert!(from_json.companies.len() > 10_000);
        assert_eq!(from_toml.to_json().unwrap(), from_json.to_json().unwrap());
    }

    #[test]
    fn builtin_taxonomy_is_valid_and_large_enough() {
        let taxonomy = Taxonomy::builtin().unwrap();
        assert!(
            taxonomy.companies.len() >= 100,
            "{}",
            taxonomy.companies.len()
        );
        assert!(taxonomy.topics.len() >= 12);
    }

    #[test]
    fn lookup_is_case_insensitive_and_alias_aware() {
        let taxonomy = Taxonomy::builtin().unwrap();
        let alibaba = taxonomy.find_company("Alibaba").unwrap();
        assert_eq!(taxonomy.find_company("alibaba"), Some(alibaba));
        assert_eq!(taxonomy.find_company("Alibaba Group"), Some(alibaba));
        assert_eq!(taxonomy.find_company("Nonexistent Widgets"), None);
    }

    #[test]
    fn units_have_their_parent_first_in_their_path() {
        let taxonomy = Taxonomy::builtin().unwrap();
        let cloud = taxonomy.find_company("Alibaba Cloud").unwrap();
        assert_eq!(taxonomy.company_path(cloud), ["Alibaba", "Alibaba Cloud"]);
        let deepmind = taxonomy.find_company("Google DeepMind").unwrap();
        assert_eq!(
            taxonomy.company_path(deepmind),
            ["Google", "Google DeepMind"]
        );
    }

    #[test]
    fn malformed_toml_reports_the_line() {
        let err = Taxonomy::from_toml("[[company]]\nname = \"A\"\nalias = [\"B\"]\n").unwrap_err();
        let message = format!("{err:#}");
        assert!(message.contains("line 3"), "{message}");
        assert!(message.contains("alias"), "{message}");
    }

    #[test]
    fn duplicate_alias_is_rejected() {
        let text = "[[company]]\nname = \"A\"\naliases = [\"X\"]\n[[company]]\nname = \"B\"\naliases = [\"x\"]\n";
        let message = format!("{:#}", Taxonomy::from_toml(text).unwrap_err());
        assert!(
            message.contains("\"A\"") && message.contains("\"B\""),
            "{message}"
        );
    }

    #[test]
    fn unknown_parent_and_cycles_are_rejected() {
        let unknown = "[[company]]\nname = \"A\"\nparent = \"Z\"\n";
        assert!(Taxonomy::from_toml(unknown).is_err());
        let cycle = "[[company]]\nname = \"A\"\nparent = \"B\"\n[[company]]\nname = \"B\"\nparent = \"A\"\n";
        let message = format!("{:#}", Taxonomy::from_toml(cycle).unwrap_err());
        assert!(message.contains("own ancestor"), "{message}");
    }

    #[test]
    fn a_company_topic_must_be_a_topic_of_the_taxonomy() {
        let text = "[[company]]\nname = \"A\"\ntopics = [\"telecoms\"]\n\
                    [[topic]]\nname = \"telecommunications\"\nterms = [\"phone\"]\n";
        let message = format!("{:#}", Taxonomy::from_toml(text).unwrap_err());
        assert!(message.contains("unknown topic \"telecoms\""), "{message}");
        let fixed = text.replace("\"telecoms\"", "\"telecommunications\"");
        assert!(Taxonomy::from_toml(&fixed).is_ok());
    }

    #[test]
    fn nearest_names_suggest_close_spellings() {
        let taxonomy = Taxonomy::builtin().unwrap();
        assert!(
            taxonomy
                .nearest_companies("Alibabba", 3)
                .contains(&"Alibaba")
        );
        assert!(
            taxonomy
                .nearest_topics("artificial inteligence", 3)
                .contains(&"artificial intelligence")
        );
    }
}
