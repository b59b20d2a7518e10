//! dossier indexes a folder of text documents into paragraphs tagged with the companies
//! they mention and the topics they are about, and searches them.
//!
//! The modules follow the data flow:
//!
//! ```text
//! walk (files) -> read (documents: text, blocks, dates) -> split (paragraphs)
//!     -> tag (companies, topics)
//!     -> index (tantivy on disk) -> search (hits, counts) -> render (text, JSON)
//! ```
//!
//! `manifest` records what the index holds from each file, for incremental indexing;
//! `query` parses the search language; `taxonomy` holds the data the tagger matches;
//! `script` tells writing systems apart and finds Chinese words, for `index` and `tag`;
//! `commands` runs each subcommand; `serve` answers the same searches over HTTP; `watch`
//! tells `dossier watch` which paths changed.
#![warn(missing_docs)]

pub mod cli;
pub mod commands;
pub mod index;
pub mod manifest;
pub mod opensearch;
pub mod query;
pub mod read;
pub mod render;
mod script;
pub mod search;
pub mod serve;
pub mod split;
pub mod tag;
pub mod taxonomy;
pub mod walk;
pub mod watch;
