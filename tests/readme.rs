//! The README's sample commands, run as a reader runs them, must print what the README
//! shows: every ```text block whose first line is `$ COMMAND` is run with `sh` in a folder
//! holding a copy of `seeds/`, in README order, and its output (stdout and stderr) compared
//! with the rest of the block. Timings ("in 0.02 s") are the only thing not compared.

mod common;

use std::fs;
use std::path::Path;
use std::process::Command;

/// A sample of the README: its command and the output shown under it.
#[derive(Debug)]
struct Sample {
    line: usize,
    command: String,
    output: String,
}

/// The samples of a Markdown text: fenced `text` blocks (indented or not) starting `$ `.
fn samples(markdown: &str) -> Vec<Sample> {
    let mut found = Vec::new();
    let mut lines = markdown.lines().enumerate();
    while let Some((at, line)) = lines.next() {
        let indent = line.len() - line.trim_start().len();
        if line.trim_start() != "```text" {
            continue;
        }
        let block: Vec<&str> = lines
            .by_ref()
            .map(|(_, l)| l)
            .take_while(|l| l.trim_start() != "```")
            .map(|l| l.get(indent..).unwrap_or(""))
            .collect();
        if let Some(command) = block.first().and_then(|first| first.strip_prefix("$ ")) {
            found.push(Sample {
                line: at + 2,
                command: command.to_string(),
                output: block[1..].join("\n"),
            });
        }
    }
    found
}

/// Output with durations ("in 0.02 s") blanked out, lines without trailing blanks.
fn comparable(output: &str) -> String {
    let mut text = String::new();
    for line in output.trim_end().lines() {
        let mut words: Vec<&str> = line.split(' ').collect();
        for at in 1..words.len() {
            if words[at] == "s" && words[at - 1].parse::<f64>().is_ok() {
                words[at - 1] = "N";
            }
        }
        text.push_str(words.join(" ").trim_end());
        text.push('\n');
    }
    text
}

#[test]
fn the_readme_samples_print_what_the_readme_shows() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = fs::read_to_string(root.join("README.md")).unwrap();
    let samples = samples(&readme);
    assert!(samples.len() >= 5, "too few samples found: {samples:?}");
    let dir = tempfile::tempdir().unwrap();
    let seeds = dir.path().join("seeds");
    fs::create_dir(&seeds).unwrap();
    for entry in fs::read_dir(common::seeds()).unwrap() {
        let entry = entry.unwrap();
        fs::copy(entry.path(), seeds.join(entry.file_name())).unwrap();
    }
    let binary = assert_cmd::cargo::cargo_bin("dossier");
    let path = format!(
        "{}:/usr/bin:/bin",
        binary.parent().unwrap().to_str().unwrap()
    );
    let mut failures = Vec::new();
    for sample in &samples {
        let output = Command::new("sh")
            .arg("-c")
            .arg(format!("{{ {}; }} 2>&1", sample.command))
            .env_clear()
            .env("PATH", &path)
            .current_dir(dir.path())
            .output()
            .unwrap();
        let printed = String::from_utf8_lossy(&output.stdout);
        if comparable(&printed) != comparable(&sample.output) {
            failures.push(format!(
                "README.md:{}: `{}` printed\n{printed}\nbut the README shows\n{}\n",
                sample.line, sample.command, sample.output
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn samples_are_found_in_plain_and_indented_blocks() {
    let markdown = "text\n```text\n$ dossier a\none\n```\n- item\n\n  ```text\n  $ dossier b\n  two\n    three\n  ```\n```toml\n$ not = 1\n```\n";
    let found: Vec<(String, String)> = samples(markdown)
        .into_iter()
        .map(|s| (s.command, s.output))
        .collect();
    assert_eq!(
        found,
        [
            ("dossier a".to_string(), "one".to_string()),
            ("dossier b".to_string(), "two\n  three".to_string())
        ]
    );
    assert_eq!(
        comparable("indexed 20 in 0.02 s into index  \n"),
        "indexed 20 in N s into index\n"
    );
}
