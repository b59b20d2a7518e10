//! The learned signal for names no list knows: a logistic regression over a capitalised
//! name's context ("shares of <Name>", "<Name>'s chairman"), trained by distant supervision
//! on the corpora by `taxonomy/train_name_model.py` and shipped as data,
//! `taxonomy/name_model.toml`, which is compiled in and checked when the tagger starts.
//!
//! The features are computed here as the training script computes them (its docstring
//! lists them); the two must stay in step.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::{Arc, OnceLock};

use anyhow::{Context, Result, bail};
use serde::Deserialize;

/// The model compiled into the binary.
pub const DEFAULT_MODEL: &str = include_str!("../../taxonomy/name_model.toml");
/// Where [`DEFAULT_MODEL`] comes from, for error messages.
const DEFAULT_MODEL_PATH: &str = "taxonomy/name_model.toml";

/// The most words of a name the model scores, as in training.
pub const MAX_NAME_WORDS: usize = 4;

/// Feature kinds the training script writes; any other is a sign of a model out of step
/// with this code.
const FEATURE_KINDS: &[&str] = &[
    "p1=", "p2=", "n1=", "n2=", "after=", "len=", "last=", "first=", "caps",
];

/// A trained name model.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NameModel {
    bias: f64,
    /// Probability from which a name counts as a company's.
    threshold: f64,
    weights: HashMap<String, f64>,
}

/// A word of a text and its byte range.
#[derive(Debug, Clone, Copy)]
pub struct Word<'a> {
    /// The word as written.
    pub text: &'a str,
    /// Byte offset of its first character.
    pub start: usize,
    /// Byte offset after its last character.
    pub end: usize,
}

impl NameModel {
    /// The built-in model, parsed and checked once per process.
    pub fn builtin() -> Result<Arc<NameModel>> {
        static BUILTIN: OnceLock<Arc<NameModel>> = OnceLock::new();
        if let Some(model) = BUILTIN.get() {
            return Ok(Arc::clone(model));
        }
        let model = Arc::new(NameModel::from_toml(DEFAULT_MODEL, DEFAULT_MODEL_PATH)?);
        Ok(Arc::clone(BUILTIN.get_or_init(|| model)))
    }

    /// Parses and checks model TOML text read from `path`.
    pub fn from_toml(text: &str, path: &str) -> Result<NameModel> {
        NameModel::parse(text).with_context(|| {
            format!(
                "name model file {path} is invalid; re-create it with taxonomy/train_name_model.py"
            )
        })
    }

    fn parse(text: &str) -> Result<NameModel> {
        let model: NameModel = crate::taxonomy::parse_toml(text)?;
        if !model.bias.is_finite() {
            bail!("bias must be a finite number");
        }
        if !(model.threshold > 0.0 && model.threshold < 1.0) {
            bail!(
                "threshold must lie between 0 and 1, not {}",
                model.threshold
            );
        }
        if model.weights.is_empty() {
            bail!("the model has no weights");
        }
        for (feature, weight) in &model.weights {
            if !FEATURE_KINDS.iter().any(|kind| feature.starts_with(kind)) {
                bail!("feature {feature:?} is of no kind this dossier computes");
            }
            if !weight.is_finite() {
                bail!("feature {feature:?} has weight {weight}, not a finite number");
            }
        }
        Ok(model)
    }

    /// The probability that the name `words[name]` is a company's, from its context in
    /// `text`.
    pub fn probability(&self, text: &str, words: &[Word], name: Range<usize>) -> f64 {
        let sum: f64 = features(text, words, name)
            .iter()
            .filter_map(|f| self.weights.get(f))
            .sum();
        1.0 / (1.0 + (-(self.bias + sum).clamp(-30.0, 30.0)).exp())
    }

    /// Whether the model takes the name for a company's.
    pub fn is_company(&self, text: &str, words: &[Word], name: Range<usize>) -> bool {
        self.probability(text, words, name) >= self.threshold
    }
}

/// Words as the training script reads them: runs of letters, digits, `_`, `&`, `-` and
/// apostrophes.
pub fn words(text: &str) -> Vec<Word<'_>> {
    let is_word = |c: char| c.is_alphanumeric() || "_&'\u{2019}-".contains(c);
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (is_word(c), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push(Word {
                    text: &text[s..i],
                    start: s,
                    end: i,
                });
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push(Word {
            text: &text[s..],
            start: s,
            end: text.len(),
        });
    }
    out
}

/// Runs of one to [`MAX_NAME_WORDS`] capitalised words joined by single spaces, as
/// ranges of word indexes; a personal title ("Mr") is no part of a name. The training
/// script's candidates; the tagger scores only names its rules found, so only the tests
/// check that both read runs alike.
#[cfg(test)]
pub fn name_runs(text: &str, words: &[Word], is_title: impl Fn(&str) -> bool) -> Vec<Range<usize>> {
    let in_name = |word: &str| is_capitalised(word) && !is_title(word);
    let mut runs = Vec::new();
    let mut i = 0;
    while i < words.len() {
        if !in_name(words[i].text) {
            i += 1;
            continue;
        }
        let mut j = i;
        while j + 1 < words.len()
            && j - i + 1 < MAX_NAME_WORDS
            && in_name(words[j + 1].text)
            && &text[words[j].end..words[j + 1].start] == " "
        {
            j += 1;
        }
        runs.push(i..j + 1);
        i = j + 1;
    }
    runs
}

#[cfg(test)]
fn is_capitalised(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase)
}

fn sentence_start(text: &str, start: usize) -> bool {
    let before = text[..start].trim_end_matches([' ', '\t', '"', '\u{201C}', '(']);
    before
        .chars()
        .next_back()
        .is_none_or(|c| ".!?:\n|".contains(c))
}

fn after_char(text: &str, end: usize) -> String {
    match text[end..].trim_start_matches(' ').chars().next() {
        None => "$".to_string(),
        Some('\u{2019}') => "'".to_string(),
        Some(c) if ",.'()\":;".contains(c) => c.to_string(),
        Some(_) => "w".to_string(),
    }
}

/// The features of an unmarked name: as in training, with nothing dropped.
fn features(text: &str, words: &[Word], name: Range<usize>) -> Vec<String> {
    let first = name.start;
    let last = name.end - 1;
    let mut out = vec![
        format!("len={}", name.len()),
        format!("last={}", words[last].text.to_lowercase()),
    ];
    if name.len() > 1 {
        out.push(format!("first={}", words[first].text.to_lowercase()));
    }
    if words[name.clone()]
        .iter()
        .all(|w| w.text.to_uppercase() == w.text)
    {
        out.push("caps".to_string());
    }
    if first == 0 || sentence_start(text, words[first].start) {
        out.push("p1=^".to_string());
    } else {
        let p1 = words[first - 1].text.to_lowercase();
        let p2 = if first >= 2 {
            words[first - 2].text.to_lowercase()
        } else {
            "^".to_string()
        };
        out.push(format!("p2={p2}_{p1}"));
        out.push(format!("p1={p1}"));
    }
    out.push(format!("after={}", after_char(text, words[last].end)));
    let next = |i: usize| {
        words
            .get(i)
            .map_or("$".to_string(), |w| w.text.to_lowercase())
    };
    let (n1, n2) = (next(last + 1), next(last + 2));
    out.push(format!("n2={n1}_{n2}"));
    out.push(format!("n1={n1}"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn probability(text: &str, name: &str) -> f64 {
        let model = NameModel::builtin().unwrap();
        let words = words(text);
        let runs = name_runs(text, &words, |w| w == "Mr");
        let run = runs
            .into_iter()
            .find(|r| {
                let first = &words[r.start];
                let last = &words[r.end - 1];
                &text[first.start..last.end] == name
            })
            .unwrap();
        model.probability(text, &words, run)
    }

    #[test]
    fn the_built_in_model_loads() {
        assert!(NameModel::builtin().is_ok());
    }

    #[test]
    fn context_tells_a_company_from_a_person_or_a_month() {
        // Names no list holds, in contexts the corpora use for companies, a person and a
        // month: the tagger drops a name its lists found when the model doubts it.
        let threshold = NameModel::builtin().unwrap().threshold;
        let companies = [
            probability(
                "He bought a stake in Zorvex Holdings last year.",
                "Zorvex Holdings",
            ),
            probability(
                "Shares of Zorvex Industries rose 5 pct.",
                "Zorvex Industries",
            ),
        ];
        let person = probability(
            "Talks with Zorvex Smith, chairman of the board.",
            "Zorvex Smith",
        );
        let month = probability("Shares rose in March after the results.", "March");
        for company in companies {
            assert!(company > 0.9 && company > person, "{company} vs {person}");
        }
        assert!(month < threshold, "{month}");
    }

    #[test]
    fn broken_models_are_errors_naming_the_file_and_the_problem() {
        let cases = [
            (
                "bias = 0.1\nthreshold = 1.5\n[weights]\n\"p1=of\" = 1.0\n",
                "threshold",
            ),
            (
                "bias = 0.1\nthreshold = 0.9\n[weights]\n\"shape=x\" = 1.0\n",
                "shape=x",
            ),
            ("bias = 0.1\nthreshold = 0.9\n[weights]\n", "no weights"),
            ("bias = 0.1\nthreshold = 0.9\n", "weights"),
            (
                "bias = 0.1\nthreshold = 0.9\n[weights]\n\"p1=of\" = nan\n",
                "finite",
            ),
            (
                "bias = 0.1\nthreshold = 0.9\nextra = 1\n[weights]\n\"p1=of\" = 1.0\n",
                "extra",
            ),
        ];
        for (text, problem) in cases {
            let err = format!(
                "{:#}",
                NameModel::from_toml(text, "my_model.toml").unwrap_err()
            );
            assert!(err.contains("my_model.toml"), "{err}");
            assert!(err.contains(problem), "{problem}: {err}");
        }
    }

    #[test]
    fn words_and_runs_are_read_as_in_training() {
        let text = "Shares of Zorvex Holdings, Inc's unit rose; AT&T-style.";
        let words = words(text);
        let texts: Vec<&str> = words.iter().map(|w| w.text).collect();
        assert_eq!(
            texts,
            [
                "Shares",
                "of",
                "Zorvex",
                "Holdings",
                "Inc's",
                "unit",
                "rose",
                "AT&T-style"
            ]
        );
        let runs: Vec<Range<usize>> = name_runs(text, &words, |w| w == "Mr");
        assert_eq!(runs, [0..1, 2..4, 4..5, 7..8]);
        let text = "said Mr Zorvex Smith";
        let runs = name_runs(text, &super::words(text), |w| w == "Mr");
        assert_eq!(runs.first(), Some(&(2..4)));
        assert_eq!(runs.len(), 1);
    }
}
