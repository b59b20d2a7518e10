//! Where the bytes of an index go: its files by kind, tantivy's space usage by part and
//! field, and what the stored paragraphs would take with a field left out or with
//! other docstore settings (the stored paragraphs written again, in index order, with
//! tantivy's own store writer).
//!
//! Usage: `cargo run --release --example index_size -- INDEX [--store]`. Without
//! `--store` only the files and the parts are listed (quick); with it every stored
//! paragraph is read and compressed once per variant.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use tantivy::directory::{Directory, RamDirectory};
use tantivy::schema::{FieldEntry, Schema, Value};
use tantivy::space_usage::PerFieldSpaceUsage;
use tantivy::store::{Compressor, StoreReader, StoreWriter, ZstdCompressor};
use tantivy::{HasLen, Searcher, TantivyDocument};

use dossier::index;

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let Some(index_path) = args.next() else {
        bail!("usage: index_size INDEX [--store]");
    };
    let store_variants = args.next().as_deref() == Some("--store");
    let folder = Path::new(&index_path);
    let total = files_by_kind(folder)?;
    let open = index::open(folder)?;
    let searcher = open.reader()?.searcher();
    parts_by_field(&searcher, total)?;
    if store_variants {
        stores(&searcher)?;
    }
    Ok(())
}

/// Prints the bytes of the index folder by file kind; returns the total.
fn files_by_kind(folder: &Path) -> Result<u64> {
    let mut kinds: BTreeMap<String, (u64, usize)> = BTreeMap::new();
    for entry in std::fs::read_dir(folder).with_context(|| format!("cannot list {folder:?}"))? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        // Segment files are `<uuid>.<kind>`; the rest by name.
        let kind = match name.split_once('.') {
            Some((stem, kind)) if stem.len() == 32 => format!(".{kind}"),
            _ => name,
        };
        let slot = kinds.entry(kind).or_default();
        slot.0 += entry.metadata()?.len();
        slot.1 += 1;
    }
    let total: u64 = kinds.values().map(|(bytes, _)| bytes).sum();
    println!("## files by kind\n\n| kind | files | bytes | share |\n|---|---:|---:|---:|");
    let mut sorted: Vec<_> = kinds.into_iter().collect();
    sorted.sort_by_key(|(_, (bytes, _))| std::cmp::Reverse(*bytes));
    for (kind, (bytes, files)) in sorted {
        println!(
            "| {kind} | {files} | {bytes} | {:.1}% |",
            share(bytes, total)
        );
    }
    println!("| total | | {total} | |\n");
    Ok(total)
}

/// Prints tantivy's space usage summed over segments, by part and field.
fn parts_by_field(searcher: &Searcher, total: u64) -> Result<()> {
    let usage = searcher.space_usage()?;
    let mut parts: BTreeMap<(&str, String), u64> = BTreeMap::new();
    let mut store = 0u64;
    let mut deletes = 0u64;
    let mut add = |part: &'static str, per_field: &PerFieldSpaceUsage| {
        for field in per_field.fields() {
            *parts
                .entry((part, field.field_name().to_string()))
                .or_default() += field.total().get_bytes();
        }
    };
    for segment in usage.segments() {
        add("term dictionary (.term)", segment.termdict());
        add("postings (.idx)", segment.postings());
        add("positions (.pos)", segment.positions());
        add("fast fields (.fast)", segment.fast_fields());
        add("field norms (.fieldnorm)", segment.fieldnorms());
        store += segment.store().total().get_bytes();
        deletes += segment.deletes().get_bytes();
    }
    println!(
        "{} segments, {} paragraphs\n",
        usage.segments().len(),
        searcher.num_docs()
    );
    println!("## parts by field\n\n| part | field | bytes | of the index |\n|---|---|---:|---:|");
    let mut part_totals: BTreeMap<&str, u64> = BTreeMap::new();
    for ((part, field), bytes) in &parts {
        *part_totals.entry(part).or_default() += bytes;
        if *bytes > 0 {
            println!(
                "| {part} | {field} | {bytes} | {:.1}% |",
                share(*bytes, total)
            );
        }
    }
    for (part, bytes) in part_totals {
        println!("| {part} | all | {bytes} | {:.1}% |", share(bytes, total));
    }
    println!(
        "| store (.store) | all | {store} | {:.1}% |",
        share(store, total)
    );
    println!("| deletes | all | {deletes} | |\n");
    Ok(())
}

/// Prints the size of the stored paragraphs written again: as stored, without each
/// stored field, and with other block sizes and zstd levels.
fn stores(searcher: &Searcher) -> Result<()> {
    let schema = searcher.schema().clone();
    let mut docs: Vec<TantivyDocument> = Vec::with_capacity(searcher.num_docs() as usize);
    // Whether each is its document's first paragraph.
    let paragraph = schema.get_field("paragraph")?;
    let mut firsts: Vec<bool> = Vec::with_capacity(docs.capacity());
    for segment in searcher.segment_readers() {
        let store = segment.get_store_reader(1)?;
        for doc in segment.doc_ids_alive() {
            let doc: TantivyDocument = store.get(doc)?;
            firsts.push(doc.get_first(paragraph).and_then(|v| v.as_u64()) == Some(1));
            docs.push(doc);
        }
    }
    let zstd = |level| {
        Compressor::Zstd(ZstdCompressor {
            compression_level: level,
        })
    };
    let stored: Vec<String> = schema
        .fields()
        .filter(|(_, entry)| entry.is_stored())
        .map(|(_, entry)| entry.name().to_string())
        .collect();
    let all = write_store(&docs, &schema, zstd(None), 64 * 1024)?;
    println!(
        "## stored paragraphs written again ({} paragraphs)\n",
        docs.len()
    );
    println!("| variant | bytes | saved |\n|---|---:|---:|");
    println!("| as stored (zstd 3, 64 KB blocks) | {all} | |");
    for name in &stored {
        let without = without_stored(&schema, &[name.as_str()]);
        let bytes = write_store(&docs, &without, zstd(None), 64 * 1024)?;
        println!(
            "| without {name} | {bytes} | {} |",
            all as i64 - bytes as i64
        );
    }
    // Per-document values only on a document's first paragraph.
    for names in [vec!["title"], vec!["title", "people"]] {
        let fields: Vec<_> = names
            .iter()
            .map(|name| schema.get_field(name))
            .collect::<tantivy::Result<_>>()?;
        let trimmed: Vec<TantivyDocument> = docs
            .iter()
            .zip(&firsts)
            .map(|(doc, &first)| {
                let mut kept = TantivyDocument::default();
                for (field, value) in doc.field_values() {
                    if first || !fields.contains(&field) {
                        kept.add_field_value(field, value);
                    }
                }
                kept
            })
            .collect();
        let bytes = write_store(&trimmed, &schema, zstd(None), 64 * 1024)?;
        println!(
            "| {} on first paragraphs only | {bytes} | {} |",
            names.join(", "),
            all as i64 - bytes as i64
        );
    }
    println!(
        "\n## docstore settings (compressing the {} paragraphs, and fetching {FETCHES} of them one by one)\n",
        docs.len()
    );
    println!("| zstd level, block | bytes | saved | compress s | fetch µs per paragraph |");
    println!("|---|---:|---:|---:|---:|");
    for (level, block) in [
        (None, 64 * 1024),
        (None, 128 * 1024),
        (None, 256 * 1024),
        (Some(6), 64 * 1024),
        (Some(9), 64 * 1024),
        (Some(12), 64 * 1024),
        (Some(9), 128 * 1024),
    ] {
        let (bytes, compress, fetch) = timed_store(&docs, &schema, zstd(level), block)?;
        println!(
            "| {}, {} KB | {bytes} | {} | {compress:.2} | {:.1} |",
            level.unwrap_or(3),
            block / 1024,
            all as i64 - bytes as i64,
            fetch * 1e6
        );
    }
    Ok(())
}

/// `schema` with `names` no longer stored (only storing matters to the store writer).
fn without_stored(schema: &Schema, names: &[&str]) -> Schema {
    let mut builder = Schema::builder();
    for (_, entry) in schema.fields() {
        let stored = entry.is_stored() && !names.contains(&entry.name());
        let mut options = tantivy::schema::TextOptions::default();
        if stored {
            options = options.set_stored();
        }
        builder.add_field(FieldEntry::new_text(entry.name().to_string(), options));
    }
    builder.build()
}

/// Paragraphs fetched one by one, each from its block decompressed anew, as a hit is.
const FETCHES: u32 = 2000;

/// The bytes of a store of `docs` written with these settings, the seconds to write it,
/// and the seconds per paragraph fetched from it without a block cache.
fn timed_store(
    docs: &[TantivyDocument],
    schema: &Schema,
    compressor: Compressor,
    block: usize,
) -> Result<(u64, f64, f64)> {
    let directory = RamDirectory::create();
    let path = Path::new("variant.store");
    let started = Instant::now();
    let mut writer = StoreWriter::new(directory.open_write(path)?, compressor, block, false)?;
    for doc in docs {
        writer.store(doc, schema)?;
    }
    writer.close()?;
    let compress = started.elapsed().as_secs_f64();
    let file = directory.open_read(path)?;
    let bytes = file.len() as u64;
    let reader = StoreReader::open(file, 0)?;
    let count = docs.len().max(1) as u64;
    let started = Instant::now();
    for at in 0..u64::from(FETCHES) {
        // Spread over the store, not in order, so no two fetches share a block by design.
        let doc = (at * 7919 % count) as u32;
        std::hint::black_box(reader.get_document_bytes(doc)?);
    }
    let fetch = started.elapsed().as_secs_f64() / f64::from(FETCHES);
    Ok((bytes, compress, fetch))
}

/// The bytes of a store of `docs` written with these settings.
fn write_store(
    docs: &[TantivyDocument],
    schema: &Schema,
    compressor: Compressor,
    block: usize,
) -> Result<u64> {
    let directory = RamDirectory::create();
    let path = Path::new("variant.store");
    let mut writer = StoreWriter::new(directory.open_write(path)?, compressor, block, false)?;
    for doc in docs {
        writer.store(doc, schema)?;
    }
    writer.close()?;
    Ok(directory.open_read(path)?.len() as u64)
}

fn share(part: u64, total: u64) -> f64 {
    100.0 * part as f64 / total.max(1) as f64
}
