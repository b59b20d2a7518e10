//! The learned topic signal: one logistic regression per topic over the words and word
//! pairs of a passage, trained on hand-labelled paragraphs by
//! `taxonomy/train_topic_model.py` and shipped as data, `taxonomy/topic_model.toml`, which
//! is compiled in and checked when the tagger starts.
//!
//! The term lists find a topic by its own words; the model finds the passages that are
//! about it in other words ("lending", "creditors"). The tagger adds a topic the model
//! gives at least its threshold to the topics the term lists found.
//!
//! The features are computed here as the training script computes them (its docstring
//! says how); the two must stay in step.

use std::collections::HashMap;

use rustc_hash::{FxHashMap, FxHashSet};
use std::sync::{Arc, OnceLock};

use anyhow::{Context, Result, bail};

use crate::taxonomy::Topic;

/// The model compiled into the binary.
pub const DEFAULT_MODEL: &str = include_str!("../../taxonomy/topic_model.tsv");
/// Where [`DEFAULT_MODEL`] comes from, for error messages.
const DEFAULT_MODEL_PATH: &str = "taxonomy/topic_model.tsv";
/// The most words shown as a learned topic's evidence.
const EVIDENCE_WORDS: usize = 3;

/// A trained topic model, as its file holds it: tab-separated lines, `#` comments,
///
/// ```text
/// threshold  0.20
/// topics     banking and finance  trade ...
/// bias       -2.1                 -3.0  ...
/// lending    1.52                 -0.01 ...
/// ```
///
/// one row of weights per word or word pair, one column per topic. A table, not TOML:
/// the tagger reads its 200,000 weights at every start.
#[derive(Debug)]
pub struct TopicModel {
    /// Probability from which the model's topic is added.
    threshold: f64,
    topics: Vec<String>,
    biases: Vec<f64>,
    /// Feature -> one weight per topic.
    weights: HashMap<String, Vec<f32>>,
}

/// A topic the model finds in a passage.
#[derive(Debug, Clone, PartialEq)]
pub struct LearnedTopic {
    /// Index of the topic in the taxonomy.
    pub topic: usize,
    /// The model's probability that the passage is about the topic.
    pub probability: f64,
    /// The words of the passage that weigh most for the topic, lower case.
    pub words: Vec<String>,
}

/// The model bound to one taxonomy's topics.
#[derive(Debug)]
pub struct TopicScorer {
    threshold: f64,
    /// Bias per taxonomy topic; `None` for a topic the model was not trained on.
    biases: Vec<Option<f64>>,
    /// Feature -> (taxonomy topic, weight), zero weights left out.
    weights: FxHashMap<String, Vec<(usize, f64)>>,
}

impl TopicModel {
    /// The built-in model, parsed and checked once per process.
    pub fn builtin() -> Result<Arc<TopicModel>> {
        static BUILTIN: OnceLock<Arc<TopicModel>> = OnceLock::new();
        if let Some(model) = BUILTIN.get() {
            return Ok(Arc::clone(model));
        }
        let model = Arc::new(TopicModel::from_text(DEFAULT_MODEL, DEFAULT_MODEL_PATH)?);
        Ok(Arc::clone(BUILTIN.get_or_init(|| model)))
    }

    /// Parses and checks model text read from `path`.
    pub fn from_text(text: &str, path: &str) -> Result<TopicModel> {
        TopicModel::parse(text).with_context(|| {
            format!(
                "topic model file {path} is invalid; re-create it with taxonomy/train_topic_model.py"
            )
        })
    }

    fn parse(text: &str) -> Result<TopicModel> {
        let mut threshold = None;
        let mut topics: Vec<String> = Vec::new();
        let mut biases: Vec<f64> = Vec::new();
        let mut weights = HashMap::new();
        for (number, line) in text.lines().enumerate() {
            let number = number + 1;
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut cells = line.split('\t');
            let head = cells.next().unwrap_or_default();
            let numbers = |cells: std::str::Split<'_, char>| -> Result<Vec<f64>> {
                cells
                    .map(|cell| match cell.parse::<f64>() {
                        Ok(value) if value.is_finite() => Ok(value),
                        _ => bail!("line {number}: {cell:?} is not a finite number"),
                    })
                    .collect()
            };
            match head {
                "threshold" => {
                    let value = numbers(cells)?;
                    match value[..] {
                        [t] if t > 0.0 && t < 1.0 => threshold = Some(t),
                        _ => {
                            bail!("line {number}: the threshold must be one number between 0 and 1")
                        }
                    }
                }
                "topics" => {
                    topics = cells.map(str::to_string).collect();
                    if topics.is_empty() || topics.iter().any(String::is_empty) {
                        bail!("line {number}: the topics line names no topic or an empty one");
                    }
                    for (i, topic) in topics.iter().enumerate() {
                        if topics[..i].contains(topic) {
                            bail!("line {number}: topic {topic:?} is listed twice");
                        }
                    }
                }
                _ if topics.is_empty() => {
                    bail!("line {number}: the topics line must come before {head:?}")
                }
                "bias" => biases = numbers(cells)?,
                feature => {
                    if !is_feature(feature) {
                        bail!("line {number}: {feature:?} is no lower-case word or word pair");
                    }
                    let row: Vec<f32> = numbers(cells)?.into_iter().map(|w| w as f32).collect();
                    if row.len() != topics.len() {
                        bail!(
                            "line {number}: {} weights for {} topics",
                            row.len(),
                            topics.len()
                        );
                    }
                    if weights.insert(feature.to_string(), row).is_some() {
                        bail!("line {number}: {feature:?} is listed twice");
                    }
                }
            }
        }
        let Some(threshold) = threshold else {
            bail!("the threshold line is missing");
        };
        if topics.is_empty() {
            bail!("the topics line is missing");
        }
        if biases.len() != topics.len() {
            bail!(
                "the bias line needs one number for each of the {} topics",
                topics.len()
            );
        }
        Ok(TopicModel {
            threshold,
            topics,
            biases,
            weights,
        })
    }

    /// The model for a taxonomy's topics, found by name; a topic of the model that the
    /// taxonomy lacks is left out (a user's own taxonomy may have other topics).
    pub fn bind(&self, topics: &[Topic]) -> TopicScorer {
        let columns: Vec<Option<usize>> = self
            .topics
            .iter()
            .map(|name| topics.iter().position(|t| &t.name == name))
            .collect();
        let mut biases = vec![None; topics.len()];
        for (column, id) in columns.iter().enumerate() {
            if let Some(id) = id {
                biases[*id] = Some(self.biases[column]);
            }
        }
        let weights = self
            .weights
            .iter()
            .filter_map(|(feature, row)| {
                let scores: Vec<(usize, f64)> = row
                    .iter()
                    .zip(&columns)
                    .filter_map(|(&w, id)| id.filter(|_| w != 0.0).map(|id| (id, f64::from(w))))
                    .collect();
                (!scores.is_empty()).then(|| (feature.clone(), scores))
            })
            .collect();
        TopicScorer {
            threshold: self.threshold,
            biases,
            weights,
        }
    }
}

impl TopicScorer {
    /// The topics the model gives at least its threshold in `text`, in taxonomy order.
    pub fn topics(&self, text: &str) -> Vec<LearnedTopic> {
        if self.weights.is_empty() {
            return Vec::new();
        }
        let mut sums: Vec<f64> = self.biases.iter().map(|b| b.unwrap_or(0.0)).collect();
        // The words found in the model, for the evidence of the few topics that pass:
        // (word, its weights).
        let mut found_words: Vec<(&str, &[(usize, f64)])> = Vec::new();
        let mut seen: FxHashSet<&str> = FxHashSet::default();
        // The words in lower case, each in a buffer used again for the next, so a word
        // costs no allocation. The pair a word ends is summed before the word itself:
        // floating-point sums depend on their order, and this one is the order the
        // figures in bench/RESULTS.md were measured with.
        let mut previous = String::new();
        let mut current = String::new();
        let mut pair = String::new();
        for (i, word) in text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .enumerate()
        {
            current.clear();
            lower_case_into(word, &mut current);
            if i > 0 {
                pair.clear();
                pair.push_str(&previous);
                pair.push(' ');
                pair.push_str(&current);
                if let Some((key, scores)) = self.weights.get_key_value(pair.as_str())
                    && seen.insert(key.as_str())
                {
                    for &(topic, weight) in scores {
                        sums[topic] += weight;
                    }
                }
            }
            if let Some((key, scores)) = self.weights.get_key_value(current.as_str())
                && seen.insert(key.as_str())
            {
                for &(topic, weight) in scores {
                    sums[topic] += weight;
                }
                found_words.push((key.as_str(), scores));
            }
            std::mem::swap(&mut previous, &mut current);
        }
        let mut found = Vec::new();
        for (topic, (bias, sum)) in self.biases.iter().zip(sums).enumerate() {
            if bias.is_none() {
                continue;
            }
            let probability = 1.0 / (1.0 + (-sum.clamp(-30.0, 30.0)).exp());
            if probability < self.threshold {
                continue;
            }
            // The strongest words of the topic: (weight, word).
            let mut best: Vec<(f64, &str)> = found_words
                .iter()
                .filter_map(|&(word, scores)| {
                    let &(_, weight) = scores.iter().find(|&&(t, _)| t == topic)?;
                    (weight > 0.0).then_some((weight, word))
                })
                .collect();
            best.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
            found.push(LearnedTopic {
                topic,
                probability,
                words: best
                    .into_iter()
                    .take(EVIDENCE_WORDS)
                    .map(|(_, w)| w.to_string())
                    .collect(),
            });
        }
        found
    }
}

/// Appends a word in lower case, as the training script reads it (Python's `str.lower`,
/// Rust's `str::to_lowercase`), without allocating for ASCII words.
fn lower_case_into(word: &str, out: &mut String) {
    if word.is_ascii() {
        out.extend(word.bytes().map(|b| char::from(b.to_ascii_lowercase())));
    } else {
        out.push_str(&word.to_lowercase());
    }
}

/// A word or two words joined by one space, in lower case, as [`words`] makes them.
fn is_feature(feature: &str) -> bool {
    let mut parts = feature.split(' ');
    let ok = |w: Option<&str>| {
        w.is_some_and(|w| {
            !w.is_empty() && w.chars().all(char::is_alphanumeric) && w.to_lowercase() == w
        })
    };
    let first = parts.next();
    match (parts.next(), parts.next()) {
        (None, _) => ok(first),
        (Some(second), None) => ok(first) && ok(Some(second)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::taxonomy::Taxonomy;

    const SMALL: &str = "# a test model\n\
threshold\t0.5\n\
topics\tbanking and finance\tno such topic\n\
bias\t-2.0\t0.0\n\
lending\t1.5\t0\n\
bad loans\t1.5\t0\n\
the\t0.1\t0\n\
x\t0\t1.0\n";

    fn taxonomy() -> Taxonomy {
        Taxonomy::builtin().unwrap()
    }

    #[test]
    fn the_builtin_model_loads_and_names_only_taxonomy_topics() {
        let model = TopicModel::builtin().unwrap();
        let taxonomy = taxonomy();
        for name in &model.topics {
            assert!(
                taxonomy.find_topic(name).is_some(),
                "{name} is not a topic of the built-in taxonomy"
            );
        }
        assert!(
            model.weights.len() > 1000,
            "{} weights",
            model.weights.len()
        );
    }

    #[test]
    fn words_and_pairs_add_up_to_a_topic() {
        let taxonomy = taxonomy();
        let scorer = TopicModel::from_text(SMALL, "small.tsv")
            .unwrap()
            .bind(&taxonomy.topics);
        let banking = taxonomy.find_topic("banking and finance").unwrap();
        let found = scorer.topics("Lending rose, and bad loans fell.");
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].topic, banking);
        assert!(found[0].probability > 0.7, "{found:?}");
        assert_eq!(found[0].words, vec!["lending".to_string()]);
        // Either alone stays under the threshold; words a comma parts still make a pair,
        // as the training script reads them.
        assert!(scorer.topics("Lending rose.").is_empty());
        assert!(scorer.topics("Bad loans fell.").is_empty());
        assert_eq!(scorer.topics("Lending was bad, loans fell.").len(), 1);
    }

    #[test]
    fn a_topic_the_taxonomy_lacks_is_left_out() {
        let taxonomy = taxonomy();
        let scorer = TopicModel::from_text(SMALL, "small.tsv")
            .unwrap()
            .bind(&taxonomy.topics);
        let banking = taxonomy.find_topic("banking and finance").unwrap();
        let found: Vec<usize> = scorer
            .topics("x lending bad loans")
            .iter()
            .map(|t| t.topic)
            .collect();
        assert_eq!(found, [banking]);
    }

    #[test]
    fn a_damaged_model_is_refused_with_its_path() {
        let good = "threshold\t0.5\ntopics\ta\tb\nbias\t0\t0\nword\t1\t2\n";
        assert!(TopicModel::from_text(good, "good.tsv").is_ok());
        let cases = [
            (good.replace("0.5", "1.5"), "threshold must be"),
            (
                good.replace("threshold\t0.5\n", ""),
                "threshold line is missing",
            ),
            (
                good.replace("topics\ta\tb\n", ""),
                "topics line must come before",
            ),
            (good.replace("word\t", "Word\t"), "no lower-case word"),
            (good.replace("word\t", "a b c\t"), "word pair"),
            (good.replace("\t2\n", "\tnan\n"), "not a finite number"),
            (good.replace("\t2\n", "\n"), "1 weights for 2 topics"),
            (good.replace("bias\t0\t0", "bias\t0"), "bias line needs"),
            (good.replace("topics\ta\tb", "topics\ta\ta"), "listed twice"),
            (format!("{good}word\t1\t2\n"), "listed twice"),
        ];
        for (text, expected) in cases {
            let err = format!("{:#}", TopicModel::from_text(&text, "bad.tsv").unwrap_err());
            assert!(err.contains("bad.tsv"), "{err}");
            assert!(err.contains(expected), "{expected}: {err}");
        }
    }
}
