//! The baseline for dossier's indexing speed: a bare tantivy program that indexes the same
//! paragraphs with the same schema, analyser, threads and memory, and does nothing else.
//! The files are read and split into paragraphs before the clock starts; only tantivy's
//! work (documents built, indexed, committed) is timed.
//!
//! Usage: `cargo run --release --example bare_tantivy -- DIR INDEX [MEMORY_MB]`; prints
//! one line of figures. INDEX must not exist.

use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use tantivy::{Index, IndexWriter, TantivyDocument};

use dossier::index::{self, DEFAULT_MEMORY_MB};
use dossier::read::{self, ReadOptions};
use dossier::walk::{self, Found, WalkOptions};

/// One paragraph as dossier indexes it, without tags.
struct Paragraph {
    path: String,
    title: String,
    section: Option<String>,
    text: String,
    line: u64,
    number: u64,
}

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let (Some(dir), Some(index_path)) = (args.next(), args.next()) else {
        bail!("usage: bare_tantivy DIR INDEX [MEMORY_MB]");
    };
    let memory_mb: usize = match args.next() {
        Some(mb) => mb.parse().context("MEMORY_MB must be a number")?,
        None => DEFAULT_MEMORY_MB,
    };
    let (paragraphs, bytes) = read_paragraphs(&PathBuf::from(dir))?;
    let started = Instant::now();
    index_paragraphs(&PathBuf::from(index_path), &paragraphs, memory_mb)?;
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "bare tantivy: {} paragraphs, {:.1} MB of files in {seconds:.2} s: {:.1} MB/s, {:.0} paragraphs/s",
        paragraphs.len(),
        bytes as f64 / 1e6,
        bytes as f64 / 1e6 / seconds,
        paragraphs.len() as f64 / seconds
    );
    Ok(())
}

/// Every paragraph of the plain-text files under `dir`, and the files' total size.
fn read_paragraphs(dir: &Path) -> Result<(Vec<Paragraph>, u64)> {
    let mut paragraphs = Vec::new();
    let mut bytes = 0;
    for found in walk::files(dir, &WalkOptions::default())? {
        let Found::File(file) = found else { continue };
        let Ok(content) = read::load(&file) else {
            continue;
        };
        bytes += file.size;
        let Ok(output) = read::read(&file, content, &ReadOptions::default()) else {
            continue;
        };
        for document in output.documents {
            let (title, blocks) = document.content();
            let title = title.unwrap_or_else(|| document.path.clone());
            paragraphs.extend(
                blocks
                    .into_iter()
                    .enumerate()
                    .map(|(index, block)| Paragraph {
                        path: document.path.clone(),
                        title: title.clone(),
                        section: block.section,
                        text: block.text,
                        line: block.line as u64,
                        number: index as u64 + 1,
                    }),
            );
        }
    }
    Ok((paragraphs, bytes))
}

/// Indexes the paragraphs as dossier does: the same schema and analyser, one writer thread
/// per core sharing the memory, documents added from one feeding thread per core.
fn index_paragraphs(path: &Path, paragraphs: &[Paragraph], memory_mb: usize) -> Result<()> {
    std::fs::create_dir_all(path)?;
    let (schema, fields) = index::schema();
    let index = Index::builder()
        .schema(schema)
        .settings(index::index_settings())
        .create_in_dir(path)?;
    index::register_tokenizer(&index);
    let cores = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
    let mut writer: IndexWriter =
        index.writer_with_num_threads(cores.min(8), memory_mb * 1_000_000)?;
    let chunk = paragraphs.len().div_ceil(cores).max(1);
    std::thread::scope(|scope| {
        for part in paragraphs.chunks(chunk) {
            let writer = &writer;
            scope.spawn(move || -> Result<()> {
                for paragraph in part {
                    let mut doc = TantivyDocument::default();
                    doc.add_text(fields.text, &paragraph.text);
                    doc.add_text(fields.title, &paragraph.title);
                    if let Some(section) = &paragraph.section {
                        doc.add_text(fields.section, section);
                    }
                    doc.add_text(fields.path, &paragraph.path);
                    doc.add_u64(fields.line, paragraph.line);
                    doc.add_u64(fields.paragraph, paragraph.number);
                    writer.add_document(doc)?;
                }
                Ok(())
            });
        }
    });
    writer.commit()?;
    writer.wait_merging_threads()?;
    Ok(())
}
