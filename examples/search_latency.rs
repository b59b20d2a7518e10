//! In-process search latency: opens an index once and runs each query of a file several
//! times through dossier's search, the work a search does after start-up.
//!
//! Usage: `cargo run --release --example search_latency -- INDEX QUERIES [RUNS]`. QUERIES
//! holds one JSON object per line: `{"class": "plain", "query": "oil prices",
//! "company": "Shell", "topic": "energy and oil", "facets": false}` (class and query
//! needed). Prints, per class, p50/p95/p99 in milliseconds over all runs of its queries.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use serde::Deserialize;

use dossier::index;
use dossier::search::{self, SearchRequest, SortOrder};

#[derive(Deserialize)]
struct QueryLine {
    class: String,
    query: String,
    company: Option<String>,
    topic: Option<String>,
    #[serde(default)]
    facets: bool,
}

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let (Some(index_path), Some(queries)) = (args.next(), args.next()) else {
        bail!("usage: search_latency INDEX QUERIES [RUNS]");
    };
    let runs: usize = match args.next() {
        Some(runs) => runs.parse().context("RUNS must be a number")?,
        None => 5,
    };
    let open = index::open(Path::new(&index_path))?;
    let text =
        std::fs::read_to_string(&queries).with_context(|| format!("cannot read {queries}"))?;
    let mut timings: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for line in text.lines().filter(|line| !line.trim().is_empty()) {
        let query: QueryLine =
            serde_json::from_str(line).with_context(|| format!("not a query line: {line}"))?;
        let request = SearchRequest {
            query: query.query.clone(),
            companies: query.company.into_iter().collect(),
            topics: query.topic.into_iter().collect(),
            limit: 10,
            offset: 0,
            per_doc: 3,
            any: false,
            expand: false,
            sort: SortOrder::Score,
            facets: query.facets,
            context: 0,
            explain: false,
            dates: Vec::new(),
        };
        for _ in 0..runs {
            let started = Instant::now();
            // A query that finds nothing or cannot be read is timed all the same.
            let _ = search::search(&open, &request);
            timings
                .entry(query.class.clone())
                .or_default()
                .push(started.elapsed().as_secs_f64() * 1000.0);
        }
    }
    for (class, mut times) in timings {
        times.sort_by(f64::total_cmp);
        let at =
            |p: f64| times[((times.len() as f64 * p).ceil() as usize).clamp(1, times.len()) - 1];
        println!(
            "{class}\t{}\tp50 {:.2}\tp95 {:.2}\tp99 {:.2}",
            times.len(),
            at(0.50),
            at(0.95),
            at(0.99)
        );
    }
    Ok(())
}
