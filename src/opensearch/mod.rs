//! dossier on an OpenSearch cluster: the same walk, reading, splitting and tagging, with
//! the paragraphs stored in a cluster instead of the local tantivy index.
//!
//! - `client`: HTTP requests over ureq, retried with backoff while the cluster is busy or
//!   out of reach;
//! - `mapping`: the index's settings, analyser and fields (the one place they are written);
//! - `document`: a paragraph as a document (`_id`, `_source`, bulk lines);
//! - `bulk`: batches of paragraphs sent several at once, retried;
//! - `sink`: the cluster as the indexing pipeline's sink, its manifest kept in the cluster;
//! - `export`: a local index as bulk NDJSON.
//!
//! Nothing here prints results; reports go through the `Warn` callback to stderr.

pub mod bulk;
pub mod client;
pub mod document;
pub mod export;
pub mod mapping;
pub mod sink;

use std::path::Path;

use anyhow::Result;

use crate::index::{self, BuildOptions, IndexReport};
use crate::walk::Notice;

pub use client::{Client, Warn};
pub use sink::ClusterSink;

/// Name of the index when `--os-index` is not given.
pub const DEFAULT_INDEX: &str = "dossier";

/// Brings the index `index` of the cluster of `client` up to date with the documents under
/// `dir`, as `index::build` does the local index.
pub fn build(
    dir: &Path,
    client: Client,
    index: &str,
    options: &BuildOptions<'_>,
    on_notice: impl FnMut(&Notice) + Send,
) -> Result<IndexReport> {
    index::build_into(
        dir,
        options,
        index::Scope::All,
        &mut index::KeptManifest::default(),
        on_notice,
        || ClusterSink::open(client, index),
    )
}
