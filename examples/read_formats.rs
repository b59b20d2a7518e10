//! Reading throughput per format: every file under a folder read as `dossier index` reads
//! it (the same readers, in the same isolation), nothing indexed. Prints one line per
//! format: files, megabytes on disk, seconds, MB/s, paragraphs, and for PDF pages/s.
//!
//! Usage: `cargo run --release --example read_formats -- DIR [RUNS]`; the best of RUNS
//! runs (default 3) is kept per format.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result};

use dossier::read::{self, Body, Format, ReadOptions};
use dossier::walk::{self, Found, FoundFile, WalkOptions};

/// What one format's files came to in one run.
#[derive(Debug, Default, Clone, Copy)]
struct Tally {
    files: usize,
    bytes: u64,
    seconds: f64,
    paragraphs: usize,
    pages: usize,
    skipped: usize,
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let dir = args.get(1).context("usage: read_formats DIR [RUNS]")?;
    let runs: usize = args.get(2).map_or(Ok(3), |r| r.parse())?;
    let mut files: Vec<(Format, FoundFile, Vec<u8>)> = Vec::new();
    for found in walk::files(Path::new(dir), &WalkOptions::default())? {
        if let Found::File(file) = found {
            let Some(format) = Format::of(&file.path) else {
                continue;
            };
            let bytes = read::load(&file).map_err(|notice| anyhow::anyhow!(notice.reason))?;
            files.push((format, file, bytes));
        }
    }
    let mut best: BTreeMap<Format, Tally> = BTreeMap::new();
    for _ in 0..runs {
        let mut run: BTreeMap<Format, Tally> = BTreeMap::new();
        for (format, file, bytes) in &files {
            let tally = run.entry(*format).or_default();
            let started = Instant::now();
            let output = read::read(file, bytes.clone(), &ReadOptions::default());
            // Splitting plain text is part of reading it; index does it in its workers.
            let paragraphs: Vec<usize> = match &output {
                Ok(output) => output
                    .documents
                    .iter()
                    .map(|d| d.content().1.len())
                    .collect(),
                Err(_) => Vec::new(),
            };
            tally.seconds += started.elapsed().as_secs_f64();
            tally.files += 1;
            tally.bytes += file.size;
            tally.paragraphs += paragraphs.iter().sum::<usize>();
            match output {
                Ok(output) => {
                    for document in &output.documents {
                        if let Body::Blocks(blocks) = &document.body {
                            let pages = blocks.iter().filter_map(|b| b.page).max();
                            tally.pages += pages.map_or(0, |p| p as usize);
                        }
                    }
                }
                Err(_) => tally.skipped += 1,
            }
        }
        for (format, tally) in run {
            let kept = best.entry(format).or_insert(tally);
            if tally.seconds < kept.seconds {
                *kept = tally;
            }
        }
    }
    for (format, tally) in best {
        let megabytes = tally.bytes as f64 / 1e6;
        let pages = match format {
            Format::Pdf => format!(", {:.0} pages/s", tally.pages as f64 / tally.seconds),
            _ => String::new(),
        };
        println!(
            "{:<10} {:>5} files {:>7.1} MB {:>7.2} s {:>7.1} MB/s {:>8} paragraphs{pages}{}",
            format.name(),
            tally.files,
            megabytes,
            tally.seconds,
            megabytes / tally.seconds,
            tally.paragraphs,
            match tally.skipped {
                0 => String::new(),
                n => format!(" ({n} skipped)"),
            }
        );
    }
    Ok(())
}
