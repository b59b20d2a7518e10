//! The word lists the tagger reads text with (function words, titles, company cues, the
//! words around an appositive...), loaded from `taxonomy/lexicon.toml` and checked before
//! anything is tagged. `taxonomy/generate.py` reads the same file.
//!
//! This module only holds the lists and checks them; what each list means is the
//! tagger's business, and the file's comments say it.

use std::sync::{Arc, OnceLock};

use anyhow::{Context, Result, bail};
use serde::Deserialize;

/// The lexicon compiled into the binary.
pub const DEFAULT_LEXICON: &str = include_str!("../../taxonomy/lexicon.toml");
/// Where [`DEFAULT_LEXICON`] comes from, for error messages.
const DEFAULT_LEXICON_PATH: &str = "taxonomy/lexicon.toml";

/// One list of the file as written: a table whose `words` are the list.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Table {
    words: Vec<String>,
}

/// One list of words.
#[derive(Debug, Deserialize)]
#[serde(from = "Table")]
pub struct Words {
    words: Vec<String>,
    /// Bit `n` is set when a word of the list is `n` bytes long (bit 63: 63 or more), so
    /// most words of a text are ruled out by one test, as they were when the lists were
    /// constants in the code and the compiler turned a lookup into a switch on length.
    lengths: u64,
}

impl From<Table> for Words {
    fn from(table: Table) -> Words {
        let lengths = table
            .words
            .iter()
            .fold(0, |lengths, word| lengths | length_bit(word));
        Words {
            words: table.words,
            lengths,
        }
    }
}

fn length_bit(word: &str) -> u64 {
    1 << word.len().min(63)
}

impl Words {
    /// Whether `word` is in the list, as written. A list holds a few dozen words at most:
    /// a scan allocates and hashes nothing, and the first byte rules out most words of the
    /// right length before a comparison of the rest.
    pub fn contains(&self, word: &str) -> bool {
        let first = word.as_bytes().first();
        self.lengths & length_bit(word) != 0
            && self
                .words
                .iter()
                .any(|w| w.len() == word.len() && w.as_bytes().first() == first && w == word)
    }

    /// The words, in file order.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.words.iter().map(String::as_str)
    }
}

/// The word lists of `taxonomy/lexicon.toml`, one field per table, named as there; the
/// file says what each is for.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lexicon {
    /// "For Apple": words after which a capitalised word starts a name of its own.
    pub function_words: Words,
    /// "Mr Roper": titles before a surname.
    pub personal_titles: Words,
    /// "Apple said": words after a name that show it is a company's.
    pub company_cues: Words,
    /// Months and days.
    pub calendar_words: Words,
    /// "James Roper, director of": roles that make the name before them a person's.
    pub person_roles: Words,
    /// ", the firm's chairman": words between the comma and a role.
    pub role_determiners: Words,
    /// "told Reuters": words before a news organisation cited as a source.
    pub source_cues_before: Words,
    /// "Bloomberg reported": words after a news organisation cited as a source.
    pub source_cues_after: Words,
    /// "..., Reuters says.": verbs of a reporting clause closing a sentence.
    pub source_closing_verbs: Words,
    /// "in Albany": words before a place.
    pub place_prepositions: Words,
    /// "shares in Diageo": words before "in" that make what follows a business.
    pub holding_words: Words,
    /// "Bank of New York": lower-case words inside a company name.
    pub name_connectors: Words,
    /// Words after which two capitalised words are a company's name more often than a
    /// person's.
    pub not_before_person: Words,
    /// "Umbro's shares": words after a possessive that only a business has.
    pub possessive_cues: Words,
    /// "Sri Lanka's stock market": words after a possessive cue that make it a country's.
    pub market_words: Words,
    /// "its Agroflora subsidiary": words for a part of a business.
    pub unit_words: Words,
    /// "its", "the": words before a unit's owner.
    pub unit_owners: Words,
    /// "German", "Swiss": how nationality adjectives end.
    pub nationality_endings: Words,
    /// "a survey by Hostway": works that organisations publish.
    pub study_words: Words,
    /// "a survey by Hostway suggests": verbs after the author of a study.
    pub reporting_verbs: Words,
    /// Capitalised words that start sentences or phrases, never company names.
    pub not_name_starts: Words,
    /// "Association of European Airlines": words that head an institution's name.
    pub institution_words: Words,
    /// "Bank of Japan", "OECD": central banks, agencies and bodies of states, never
    /// companies.
    pub institutions: Words,
    /// "Dow Jones industrial average": words after a name that make it an index's.
    pub index_words: Words,
    /// generate.py: "New York Times": last words of news organisations' names.
    pub newspaper_words: Words,
    /// ", the ...": words that open an appositive.
    pub appositive_determiners: Words,
    /// ", two of the largest brewers": words before "of" opening an appositive.
    pub appositive_quantifiers: Words,
    /// ", the state gas firm which": words after an appositive's head noun.
    pub appositive_ends: Words,
    /// generate.py: legal words kept as suffixes though also ordinary words.
    pub legal_words: Words,
    /// generate.py: "del" of "Banca Nazionale del Lavoro".
    pub name_particles: Words,
    /// generate.py: "Division of USX": parts of a company before "of".
    pub part_words: Words,
    /// generate.py: words before "in" that make what follows no place, with
    /// `holding_words`.
    pub not_place_before: Words,
    /// generate.py: "Seagate Technology" is "Seagate": words news text drops.
    pub industry_words: Words,
    /// generate.py: "pressure group": kinds of group that are no businesses.
    pub not_business_groups: Words,
    /// generate.py: words that make a name no business's, with `calendar_words`.
    pub not_business_words: Words,
}

/// How the code compares a list's words with text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Case {
    /// As written: "Mr", "January".
    AsWritten,
    /// With the text lower-cased, so a capital in the list would never match.
    Lower,
}

impl Lexicon {
    /// The built-in lexicon, parsed and checked once per process.
    pub fn builtin() -> Result<Arc<Lexicon>> {
        static BUILTIN: OnceLock<Arc<Lexicon>> = OnceLock::new();
        if let Some(lexicon) = BUILTIN.get() {
            return Ok(Arc::clone(lexicon));
        }
        let lexicon = Arc::new(Lexicon::from_toml(DEFAULT_LEXICON, DEFAULT_LEXICON_PATH)?);
        Ok(Arc::clone(BUILTIN.get_or_init(|| lexicon)))
    }

    /// The built-in lexicon with the words of a user's file added: `text`, read from `path`,
    /// holds any of the built-in tables (`[company_cues]\nwords = ["announced"]`), and each
    /// table's words join that list. An unknown table, a key other than `words` or a word
    /// that breaks a list's rules is an error naming the file.
    pub fn extended(text: &str, path: &str) -> Result<Lexicon> {
        Lexicon::extend(text).with_context(|| format!("word list file {path} is invalid"))
    }

    fn extend(text: &str) -> Result<Lexicon> {
        let additions: std::collections::BTreeMap<String, Table> =
            crate::taxonomy::parse_toml(text)?;
        let mut merged: toml::Table = toml::from_str(DEFAULT_LEXICON)?;
        for (name, table) in additions {
            let Some(toml::Value::Table(list)) = merged.get_mut(&name) else {
                bail!("there is no list {name:?} to add words to");
            };
            let Some(toml::Value::Array(words)) = list.get_mut("words") else {
                bail!("list {name} of the built-in file has no words");
            };
            for word in table.words {
                let word = toml::Value::String(word);
                if !words.contains(&word) {
                    words.push(word);
                }
            }
        }
        let lexicon: Lexicon = merged.try_into()?;
        for (name, words, case) in lexicon.lists() {
            check(name, words, case)?;
        }
        Ok(lexicon)
    }

    /// Parses and checks lexicon TOML text read from `path`; errors name the file, and the
    /// line or the list.
    pub fn from_toml(text: &str, path: &str) -> Result<Lexicon> {
        Lexicon::parse(text).with_context(|| format!("word list file {path} is invalid"))
    }

    fn parse(text: &str) -> Result<Lexicon> {
        let lexicon: Lexicon = crate::taxonomy::parse_toml(text)?;
        for (name, words, case) in lexicon.lists() {
            check(name, words, case)?;
        }
        Ok(lexicon)
    }

    /// Every list with its name in the file and how the code compares it.
    fn lists(&self) -> [(&'static str, &Words, Case); 35] {
        use Case::{AsWritten, Lower};
        [
            ("function_words", &self.function_words, Lower),
            ("personal_titles", &self.personal_titles, AsWritten),
            ("company_cues", &self.company_cues, Lower),
            ("calendar_words", &self.calendar_words, AsWritten),
            ("person_roles", &self.person_roles, AsWritten),
            ("role_determiners", &self.role_determiners, AsWritten),
            ("source_cues_before", &self.source_cues_before, Lower),
            ("source_cues_after", &self.source_cues_after, Lower),
            ("source_closing_verbs", &self.source_closing_verbs, Lower),
            ("place_prepositions", &self.place_prepositions, AsWritten),
            ("holding_words", &self.holding_words, Lower),
            ("name_connectors", &self.name_connectors, AsWritten),
            ("not_before_person", &self.not_before_person, AsWritten),
            ("possessive_cues", &self.possessive_cues, AsWritten),
            ("market_words", &self.market_words, AsWritten),
            ("unit_words", &self.unit_words, AsWritten),
            ("unit_owners", &self.unit_owners, AsWritten),
            ("nationality_endings", &self.nationality_endings, AsWritten),
            ("study_words", &self.study_words, AsWritten),
            ("reporting_verbs", &self.reporting_verbs, AsWritten),
            ("not_name_starts", &self.not_name_starts, Lower),
            ("institution_words", &self.institution_words, AsWritten),
            ("institutions", &self.institutions, AsWritten),
            ("index_words", &self.index_words, Lower),
            ("newspaper_words", &self.newspaper_words, AsWritten),
            (
                "appositive_determiners",
                &self.appositive_determiners,
                AsWritten,
            ),
            (
                "appositive_quantifiers",
                &self.appositive_quantifiers,
                AsWritten,
            ),
            ("appositive_ends", &self.appositive_ends, AsWritten),
            ("legal_words", &self.legal_words, Lower),
            ("name_particles", &self.name_particles, AsWritten),
            ("part_words", &self.part_words, Lower),
            ("not_place_before", &self.not_place_before, Lower),
            ("industry_words", &self.industry_words, Lower),
            ("not_business_groups", &self.not_business_groups, AsWritten),
            ("not_business_words", &self.not_business_words, AsWritten),
        ]
    }
}

/// A list holds words, each once, without spaces around it, in lower case where the code
/// compares lower-cased text.
fn check(name: &str, list: &Words, case: Case) -> Result<()> {
    if list.words.is_empty() {
        bail!("list {name} is empty; give it at least one word");
    }
    for (i, word) in list.words.iter().enumerate() {
        if word.trim().is_empty() {
            bail!("list {name}: word number {} is empty", i + 1);
        }
        if word.trim() != word {
            bail!("list {name}: {word:?} has spaces around it");
        }
        if case == Case::Lower && word.to_lowercase() != *word {
            bail!(
                "list {name}: {word:?} must be lower case (the list is compared with lower-cased text)"
            );
        }
        if list.words[..i].contains(word) {
            bail!("list {name}: {word:?} is listed twice");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The built-in file with one list's words replaced.
    fn with_words(list: &str, words: &str) -> String {
        let table = format!("[{list}]\nwords = [");
        let start = DEFAULT_LEXICON.find(&table).unwrap() + table.len();
        let end = start + DEFAULT_LEXICON[start..].find(']').unwrap();
        format!(
            "{}{words}{}",
            &DEFAULT_LEXICON[..start],
            &DEFAULT_LEXICON[end..]
        )
    }

    fn error(text: &str) -> String {
        format!(
            "{:#}",
            Lexicon::from_toml(text, "lexicon.toml").unwrap_err()
        )
    }

    #[test]
    fn a_user_file_adds_words_to_the_lists() {
        let extended = Lexicon::extended(
            "[company_cues]\nwords = [\"announced\", \"said\"]\n",
            "mine.toml",
        )
        .unwrap();
        assert!(extended.company_cues.contains("announced"));
        assert!(extended.company_cues.contains("said"));
        assert!(extended.personal_titles.contains("Mr"));
        let errors = [
            ("[company_clues]\nwords = [\"x\"]\n", "company_clues"),
            ("[company_cues]\nword = [\"x\"]\n", "word"),
            ("[company_cues]\nwords = [\"Announced\"]\n", "lower case"),
            ("[company_cues\nwords = []\n", "line 1"),
        ];
        for (text, problem) in errors {
            let err = format!("{:#}", Lexicon::extended(text, "mine.toml").unwrap_err());
            assert!(err.contains("mine.toml") && err.contains(problem), "{err}");
        }
    }

    #[test]
    fn builtin_lexicon_is_valid() {
        let lexicon = Lexicon::builtin().unwrap();
        assert!(lexicon.function_words.contains("the"));
        assert!(lexicon.personal_titles.contains("Mr"));
        assert!(!lexicon.personal_titles.contains("mr"));
    }

    #[test]
    fn every_table_of_the_file_is_checked() {
        let file: toml::Table = toml::from_str(DEFAULT_LEXICON).unwrap();
        let lexicon = Lexicon::builtin().unwrap();
        let checked: Vec<&str> = lexicon.lists().iter().map(|(name, ..)| *name).collect();
        let mut tables: Vec<&str> = file.keys().map(String::as_str).collect();
        let mut sorted = checked.clone();
        sorted.sort_unstable();
        tables.sort_unstable();
        assert_eq!(sorted, tables);
    }

    #[test]
    fn errors_name_the_file_and_the_list() {
        let message = error(&with_words("company_cues", "\"said\", \"Shares\""));
        assert!(message.contains("lexicon.toml"), "{message}");
        assert!(
            message.contains("list company_cues: \"Shares\" must be lower case"),
            "{message}"
        );
        // A list compared as written may hold capitals.
        assert!(Lexicon::from_toml(&with_words("personal_titles", "\"Mr\""), "x").is_ok());
    }

    #[test]
    fn empty_lists_words_with_spaces_and_duplicates_are_errors() {
        let message = error(&with_words("unit_words", ""));
        assert!(message.contains("list unit_words is empty"), "{message}");
        let message = error(&with_words("unit_words", "\"unit\", \" arm\""));
        assert!(
            message.contains("unit_words: \" arm\" has spaces"),
            "{message}"
        );
        let message = error(&with_words("unit_words", "\"unit\", \"\""));
        assert!(
            message.contains("unit_words: word number 2 is empty"),
            "{message}"
        );
        let message = error(&with_words("unit_words", "\"unit\", \"arm\", \"unit\""));
        assert!(
            message.contains("unit_words: \"unit\" is listed twice"),
            "{message}"
        );
    }

    #[test]
    fn unknown_and_missing_tables_are_errors() {
        let message = error(&format!(
            "{DEFAULT_LEXICON}\n[extra_words]\nwords = [\"x\"]\n"
        ));
        assert!(
            message.contains("lexicon.toml is invalid: line ")
                && message.contains("unknown field `extra_words`"),
            "{message}"
        );
        let message = error(&DEFAULT_LEXICON.replace("[unit_words]", "[unit_wordz]"));
        assert!(message.contains("unknown field `unit_wordz`"), "{message}");
        let message = error(&DEFAULT_LEXICON.replace("[unit_words]\nwords", "[unit_words]\nword"));
        assert!(message.contains("unknown field `word`"), "{message}");
        let start = DEFAULT_LEXICON.find("[unit_words]").unwrap();
        let end = start + DEFAULT_LEXICON[start..].find("\n\n").unwrap();
        let message = error(&format!(
            "{}{}",
            &DEFAULT_LEXICON[..start],
            &DEFAULT_LEXICON[end..]
        ));
        assert!(message.contains("missing field `unit_words`"), "{message}");
    }

    #[test]
    fn contains_matches_whole_words_as_written() {
        let lexicon = Lexicon::builtin().unwrap();
        let units = &lexicon.unit_words;
        assert!(units.contains("unit") && units.contains("subsidiary"));
        // Same length or same first letter, other word; a prefix; another case.
        assert!(!units.contains("unix") && !units.contains("bank") && !units.contains("uni"));
        assert!(!units.contains("Unit") && !units.contains("units") && !units.contains(""));
        assert!(!units.contains(&"a".repeat(80)));
    }
}
