//! Sending paragraphs through `_bulk`: batches fill as the indexing workers add
//! paragraphs, and a few sender threads keep several batches in flight. A batch the
//! cluster cannot take now (out of reach, 429, 503) is reported and sent again after a
//! growing wait; paragraphs it refuses for good are reported and counted, and their
//! files are read again by the next run. One failure never stops the others.

use std::collections::HashSet;
use std::mem;
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};

use serde_json::Value;

use super::client::{ATTEMPTS, Client, backoff, is_transient};

/// Paragraphs in one `_bulk` request.
pub const BATCH_PARAGRAPHS: usize = 2_000;
/// A batch is sent sooner when its body reaches this size.
const BATCH_BYTES: usize = 8 * 1024 * 1024;
/// Batches sent at once (one thread each), and as many more waiting, filled: enough to
/// keep both nodes busy while the workers split and tag.
pub const IN_FLIGHT: usize = 3;

/// One paragraph's two lines of a bulk body, with its file.
struct Item {
    path: Arc<str>,
    lines: String,
}

/// What the senders could not store.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Paragraphs refused for good, or still out of reach after every try.
    pub failed: usize,
    /// Their files.
    pub failed_paths: HashSet<String>,
    /// Paragraphs the cluster took.
    pub stored: usize,
}

/// Batches paragraphs and sends them on sender threads.
pub struct Bulker {
    current: Mutex<(Vec<Item>, usize)>,
    to_senders: Option<SyncSender<Vec<Item>>>,
    senders: Vec<JoinHandle<()>>,
    outcome: Arc<Mutex<Outcome>>,
}

impl Bulker {
    /// Starts the sender threads of the `index` in the cluster of `client`.
    pub fn new(client: &Client, index: &str) -> Bulker {
        let (to_senders, batches) = mpsc::sync_channel::<Vec<Item>>(IN_FLIGHT);
        let batches = Arc::new(Mutex::new(batches));
        let outcome = Arc::new(Mutex::new(Outcome::default()));
        let path = format!("/{index}/_bulk");
        let senders = (0..IN_FLIGHT)
            .map(|_| {
                let (client, batches, outcome, path) = (
                    client.clone(),
                    Arc::clone(&batches),
                    Arc::clone(&outcome),
                    path.clone(),
                );
                thread::spawn(move || send_all(&client, &path, &batches, &outcome))
            })
            .collect();
        Bulker {
            current: Mutex::new((Vec::new(), 0)),
            to_senders: Some(to_senders),
            senders,
            outcome,
        }
    }

    /// Adds a paragraph's bulk lines; sends the batch when it is full (waiting while
    /// every sender is busy and the queue is full, so memory stays bounded).
    pub fn push(&self, path: &str, lines: String) {
        let full = {
            let Ok(mut current) = self.current.lock() else {
                return;
            };
            current.1 += lines.len();
            current.0.push(Item {
                path: Arc::from(path),
                lines,
            });
            if current.0.len() >= BATCH_PARAGRAPHS || current.1 >= BATCH_BYTES {
                current.1 = 0;
                Some(mem::take(&mut current.0))
            } else {
                None
            }
        };
        if let Some(batch) = full {
            self.send(batch);
        }
    }

    fn send(&self, batch: Vec<Item>) {
        if let Some(to_senders) = &self.to_senders {
            // The senders only stop when this side hangs up.
            let _ = to_senders.send(batch);
        }
    }

    /// Sends what is left, waits for every batch, and says what could not be stored.
    pub fn finish(mut self) -> Outcome {
        let last = self
            .current
            .lock()
            .map(|mut current| mem::take(&mut current.0))
            .unwrap_or_default();
        if !last.is_empty() {
            self.send(last);
        }
        self.to_senders = None;
        for sender in mem::take(&mut self.senders) {
            // A sender only panics on a bug; carry it on.
            if let Err(panic) = sender.join() {
                std::panic::resume_unwind(panic);
            }
        }
        self.outcome
            .lock()
            .map(|mut outcome| mem::take(&mut *outcome))
            .unwrap_or_default()
    }
}

/// A sender thread: takes batches until the channel closes.
fn send_all(
    client: &Client,
    path: &str,
    batches: &Mutex<Receiver<Vec<Item>>>,
    outcome: &Mutex<Outcome>,
) {
    loop {
        let batch = match batches.lock() {
            Ok(batches) => batches.recv(),
            Err(_) => return,
        };
        let Ok(batch) = batch else {
            return;
        };
        let (stored, failed) = send_batch(client, path, batch);
        if let Ok(mut outcome) = outcome.lock() {
            outcome.stored += stored;
            outcome.failed += failed.len();
            outcome
                .failed_paths
                .extend(failed.iter().map(|item| item.path.to_string()));
        }
    }
}

/// Sends one batch until every paragraph is stored or refused for good, or the tries are
/// spent; returns how many were stored and those that were not.
fn send_batch(client: &Client, path: &str, mut pending: Vec<Item>) -> (usize, Vec<Item>) {
    let mut stored = 0;
    let mut failed = Vec::new();
    let mut retry = 0;
    loop {
        let body: String = pending.iter().map(|item| item.lines.as_str()).collect();
        let trouble = match client.send(
            "POST",
            path,
            Some(("application/x-ndjson", body.as_bytes())),
        ) {
            Err(err) => format!("did not answer ({err})"),
            Ok(answer) if is_transient(answer.status) => {
                format!("answered {} ({})", answer.status, answer.reason())
            }
            Ok(answer) if answer.status >= 400 => {
                client.warn(&format!(
                    "the cluster at {} refused {} paragraphs: {} ({})",
                    client.url(),
                    pending.len(),
                    answer.status,
                    answer.reason()
                ));
                failed.append(&mut pending);
                return (stored, failed);
            }
            Ok(answer) => {
                let (took, again, refused) = sort_items(client, pending, &answer.json());
                stored += took;
                failed.extend(refused);
                pending = again;
                if pending.is_empty() {
                    return (stored, failed);
                }
                format!("could not take {} paragraphs now", pending.len())
            }
        };
        if retry + 1 >= ATTEMPTS {
            client.warn(&format!(
                "the cluster at {} {trouble}; giving up on {} paragraphs after {ATTEMPTS} tries \
                 (their files are read again by the next run)",
                client.url(),
                pending.len()
            ));
            failed.append(&mut pending);
            return (stored, failed);
        }
        let wait = backoff(retry);
        client.warn(&format!(
            "the cluster at {} {trouble}; sending {} paragraphs again in {:.1} s (attempt {} \
             of {ATTEMPTS})",
            client.url(),
            pending.len(),
            wait.as_secs_f64(),
            retry + 2
        ));
        thread::sleep(wait);
        retry += 1;
    }
}

/// Sorts a batch by the bulk answer's items: stored, to send again (transient or 5xx
/// errors), refused for good (reported one by one).
fn sort_items(client: &Client, batch: Vec<Item>, answer: &Value) -> (usize, Vec<Item>, Vec<Item>) {
    let items = answer["items"].as_array();
    let Some(items) = items.filter(|items| items.len() == batch.len()) else {
        // An answer that does not say item by item: send it all again.
        return (0, batch, Vec::new());
    };
    let (mut stored, mut again, mut refused) = (0, Vec::new(), Vec::new());
    for (item, result) in batch.into_iter().zip(items) {
        let result = &result["index"];
        let status = result["status"].as_u64().unwrap_or(0);
        match status {
            200..=299 => stored += 1,
            500.. | 429 => again.push(item),
            _ => {
                let error = &result["error"];
                client.warn(&format!(
                    "{}: the cluster refused a paragraph: {} ({}: {})",
                    item.path,
                    status,
                    error["type"].as_str().unwrap_or("error"),
                    error["reason"].as_str().unwrap_or("no reason given")
                ));
                refused.push(item);
            }
        }
    }
    (stored, again, refused)
}
