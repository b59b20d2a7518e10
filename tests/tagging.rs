//! Tagging at the edges of names, through `dossier tag` on a file of the shapes that
//! went wrong on text no rule was written for (issue 21): a name must start and stop
//! where the company's name does, and a company's name inside an institution's or a
//! list's is not a mention.

mod common;

use std::path::Path;

use serde_json::Value;

/// The companies `dossier tag --json` gives each paragraph of a fixture, by line.
fn companies_by_line(fixture: &str) -> Vec<(u64, Vec<String>)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/tagging")
        .join(fixture);
    let dir = tempfile::tempdir().unwrap();
    let output = common::dossier(dir.path())
        .arg("tag")
        .arg("--json")
        .arg(path)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|line| {
            let record: Value = serde_json::from_str(line).unwrap();
            let companies = record["companies"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c.as_str().unwrap().to_string())
                .collect();
            (record["line"].as_u64().unwrap(), companies)
        })
        .collect()
}

fn at(tags: &[(u64, Vec<String>)], line: u64) -> Vec<String> {
    tags.iter()
        .find(|(l, _)| *l == line)
        .map(|(_, companies)| companies.clone())
        .unwrap_or_default()
}

#[test]
fn a_sentence_word_before_a_name_is_not_part_of_it() {
    let tags = companies_by_line("names_at_their_edges.txt");
    assert_eq!(at(&tags, 3), ["Warner Communications"]);
}

#[test]
fn a_list_of_names_is_cut_into_its_companies() {
    let tags = companies_by_line("names_at_their_edges.txt");
    let list = at(&tags, 5);
    assert!(list.contains(&"Paramount".to_string()), "{list:?}");
    assert!(list.contains(&"Universal".to_string()), "{list:?}");
    assert!(list.iter().any(|c| c.starts_with("Warner Bro")), "{list:?}");
    assert!(!list.iter().any(|c| c.contains(" and ")), "{list:?}");
    let both = at(&tags, 11);
    assert!(both.contains(&"Kellwood".to_string()), "{both:?}");
    assert!(!both.iter().any(|c| c.contains(" and ")), "{both:?}");
}

#[test]
fn a_name_inside_an_institution_project_or_prize_is_not_a_company() {
    let tags = companies_by_line("names_at_their_edges.txt");
    assert_eq!(at(&tags, 7), Vec::<String>::new());
    assert_eq!(at(&tags, 9), Vec::<String>::new());
}

/// A paragraph about banking in words no term list holds gets the topic from the learned
/// model, shown as such in `dossier tag --json`.
#[test]
fn the_learned_topic_model_adds_a_topic_the_terms_miss() {
    let dir = tempfile::tempdir().unwrap();
    let output = common::dossier(dir.path())
        .args(["tag", "-", "--whole", "--json"])
        .write_stdin("Creditors agreed to reschedule the debts and extend the maturities of the syndicated credit.")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let tagged: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(tagged["topics"], serde_json::json!(["banking and finance"]));
    let learned = tagged["evidence"][0]["learned"].as_f64().unwrap();
    assert!((0.2..=1.0).contains(&learned), "{learned}");
}

/// A listed company goes by the first word of its name where the corpora write that word
/// alone after naming the company in full ("Stifel Financial ... Stifel said"), so
/// `taxonomy/generate.py` gives it that short name.
#[test]
fn a_company_is_found_by_the_first_word_news_calls_it_by() {
    let tags = companies_by_line("names_at_their_edges.txt");
    assert_eq!(at(&tags, 13), ["Stifel", "Pernod"]);
}
