//! Reading one file so that it can cost nothing but itself: on its own thread, with
//! panics caught, a time budget and a budget of decompressed bytes.
//!
//! Parsers of PDF, HTML and zip files are large and meet hostile input; a panic, an
//! endless loop or a bomb must skip the file, not end or stall the run. A thread that
//! runs past its budget cannot be stopped from outside in Rust: it is left to finish on
//! its own (its result is dropped) while the run goes on.

use std::io::Read;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use super::{Format, Output, ReadOptions, Reason, read_bytes};

/// Name of reader threads, so the panic hook knows to keep their panics quiet (the
/// notice of the skipped file says what happened).
const READER_THREAD: &str = "dossier-read";

/// Stack of a reader thread: markup nested very deep is walked without recursion, but
/// parsers may recurse on their own.
const READER_STACK_BYTES: usize = 64 * 1024 * 1024;

/// Reads bytes of `format` (gzip-compressed when `gzip`) on a thread of its own, within
/// the budgets of `options`.
pub(super) fn read_isolated(
    format: Format,
    gzip: bool,
    path: &str,
    bytes: Vec<u8>,
    options: &ReadOptions,
) -> Result<Output, Reason> {
    let path = path.to_string();
    let job_options = options.clone();
    let job = move || {
        let bytes = if gzip {
            gunzip(&bytes, job_options.max_bytes)?
        } else {
            bytes
        };
        read_bytes(format, &bytes, &path, &job_options)
    };
    match format {
        // Decoding text is one linear pass that cannot loop or grow: no thread (a folder
        // of 24,000 news files would pay for 24,000), but a panic is still caught.
        Format::Text | Format::JsonLines => panic::catch_unwind(AssertUnwindSafe(job))
            .unwrap_or_else(|payload| Err(failed(format.name(), payload.as_ref()))),
        _ => run_isolated(format.name(), options.time_budget, job),
    }
}

fn failed(reader: &str, payload: &(dyn std::any::Any + Send)) -> Reason {
    format!(
        "made the {reader} reader fail ({}); skipped it (please report this file)",
        panic_message(payload)
    )
}

/// Runs a reader on a thread of its own, catching its panic and waiting at most `budget`.
fn run_isolated<F>(reader: &str, budget: Duration, job: F) -> Result<Output, Reason>
where
    F: FnOnce() -> Result<Output, Reason> + Send + 'static,
{
    quiet_reader_panics();
    let (sender, receiver) = mpsc::channel();
    let spawned = thread::Builder::new()
        .name(READER_THREAD.to_string())
        .stack_size(READER_STACK_BYTES)
        .spawn(move || {
            let result = panic::catch_unwind(AssertUnwindSafe(job));
            // The receiver is gone when the budget ran out; the result is not wanted.
            let _ = sender.send(result);
        });
    if let Err(err) = spawned {
        return Err(format!(
            "cannot be read (no thread to read it on: {err}); skipped it"
        ));
    }
    match receiver.recv_timeout(budget) {
        Ok(Ok(result)) => result,
        Ok(Err(payload)) => Err(failed(reader, payload.as_ref())),
        Err(mpsc::RecvTimeoutError::Timeout) => Err(format!(
            "took longer than {} s to read; skipped it",
            budget.as_secs_f64()
        )),
        Err(mpsc::RecvTimeoutError::Disconnected) => Err(format!(
            "made the {reader} reader fail; skipped it (please report this file)"
        )),
    }
}

/// Decompresses gzip bytes, failing past `max_bytes`: a gzip bomb stops at the budget.
pub(super) fn gunzip(bytes: &[u8], max_bytes: u64) -> Result<Vec<u8>, Reason> {
    let mut decoder = flate2::read::MultiGzDecoder::new(bytes).take(max_bytes.saturating_add(1));
    let mut out = Vec::new();
    decoder
        .read_to_end(&mut out)
        .map_err(|err| format!("is not a valid gzip file ({err}); skipped it"))?;
    if out.len() as u64 > max_bytes {
        return Err(over_budget(max_bytes));
    }
    Ok(out)
}

/// The reason for a file that decompresses past the byte budget.
pub(super) fn over_budget(max_bytes: u64) -> Reason {
    format!(
        "decompresses to more than {} MB (a compression bomb?); skipped it (raise \
         --max-file-size to index it)",
        max_bytes.div_ceil(1024 * 1024)
    )
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(message) = payload.downcast_ref::<&str>() {
        (*message).to_string()
    } else if let Some(message) = payload.downcast_ref::<String>() {
        message.clone()
    } else {
        "a panic".to_string()
    }
}

/// Installs, once, a panic hook that prints nothing for reader threads and defers to the
/// previous hook for every other thread.
fn quiet_reader_panics() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if thread::current().name() != Some(READER_THREAD) {
                previous(info);
            }
        }));
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gzip_is_read_within_its_budget() {
        use std::io::Write;
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        encoder.write_all(&vec![b'a'; 10_000]).unwrap();
        let gz = encoder.finish().unwrap();
        assert_eq!(gunzip(&gz, 10_000).unwrap().len(), 10_000);
        assert!(gunzip(&gz, 9_999).unwrap_err().contains("compression bomb"));
        assert!(
            gunzip(b"plain text", 100)
                .unwrap_err()
                .contains("not a valid gzip")
        );
    }

    #[test]
    fn a_panic_is_a_reason_not_a_panic() {
        let reason = run_isolated("PDF", Duration::from_secs(5), || {
            panic!("index out of bounds")
        })
        .unwrap_err();
        assert_eq!(
            reason,
            "made the PDF reader fail (index out of bounds); skipped it (please report this \
             file)"
        );
    }

    #[test]
    fn a_reader_past_its_time_budget_is_left_behind() {
        let started = std::time::Instant::now();
        let reason = run_isolated("HTML", Duration::from_millis(50), || {
            thread::sleep(Duration::from_secs(2));
            Ok(Output::default())
        })
        .unwrap_err();
        assert_eq!(reason, "took longer than 0.05 s to read; skipped it");
        assert!(started.elapsed() < Duration::from_secs(1));
    }

    #[test]
    fn a_gzip_file_that_is_not_gzip_is_a_reason() {
        let reason = read_isolated(
            Format::Text,
            true,
            "notes.txt.gz",
            b"plain text, not gzip".to_vec(),
            &ReadOptions::default(),
        )
        .unwrap_err();
        assert!(reason.starts_with("is not a valid gzip file ("), "{reason}");
    }
}
