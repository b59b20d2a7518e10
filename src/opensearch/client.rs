//! A small blocking client of OpenSearch's REST API over ureq: requests, and retries with
//! exponential backoff while the cluster is out of reach or busy.
//!
//! Only plain `http://` URLs: the test cluster and a cluster behind a local proxy. What
//! went wrong and what is retried is said through a `Warn` callback, one line each.

use std::sync::Arc;
use std::thread;
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use serde_json::Value;

/// Says one line on stderr (above the progress bar when there is one).
pub type Warn = Arc<dyn Fn(&str) + Send + Sync>;

/// Tries of a request before giving up, the first included.
pub const ATTEMPTS: u32 = 10;
/// Wait before the first retry; it doubles up to [`MAX_BACKOFF`]. With ten tries a
/// request waits about 90 s in all: long enough for a node to restart.
pub const FIRST_BACKOFF: Duration = Duration::from_millis(500);
/// Longest wait between two tries.
pub const MAX_BACKOFF: Duration = Duration::from_secs(20);
/// Largest answer read: mappings with many company names, bulk answers.
const MAX_ANSWER_BYTES: u64 = 512 * 1024 * 1024;

/// The cluster at one URL.
#[derive(Clone)]
pub struct Client {
    base: String,
    agent: ureq::Agent,
    warn: Warn,
}

/// An HTTP answer: status and body.
#[derive(Debug)]
pub struct Answer {
    /// HTTP status.
    pub status: u16,
    /// Body as text.
    pub body: String,
}

impl Answer {
    /// The body as JSON (null when it is not JSON).
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }

    /// OpenSearch's reason for an error answer, or the start of its body.
    pub fn reason(&self) -> String {
        let json = self.json();
        let error = &json["error"];
        match (error["type"].as_str(), error["reason"].as_str()) {
            (Some(kind), Some(reason)) => format!("{kind}: {reason}"),
            _ => self.body.chars().take(200).collect(),
        }
    }
}

/// Whether an answer with this status is worth trying again: the cluster is busy (429),
/// or a node or shard is not there yet (502, 503, 504).
pub fn is_transient(status: u16) -> bool {
    matches!(status, 429 | 502 | 503 | 504)
}

/// The wait before retry number `retry` (0 for the first).
pub fn backoff(retry: u32) -> Duration {
    FIRST_BACKOFF
        .saturating_mul(2u32.saturating_pow(retry))
        .min(MAX_BACKOFF)
}

impl Client {
    /// A client of the cluster at `url` (`http://host:port`), reporting through `warn`.
    pub fn new(url: &str, warn: Warn) -> Result<Client> {
        let base = url.trim_end_matches('/');
        let rest = base.strip_prefix("http://").ok_or_else(|| {
            anyhow!(
                "--opensearch {url:?} is not an http:// URL; give one such as \
                 http://127.0.0.1:9200"
            )
        })?;
        if rest.is_empty() || rest.contains(char::is_whitespace) {
            bail!("--opensearch {url:?} names no host; give one such as http://127.0.0.1:9200");
        }
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(Duration::from_secs(10)))
            .timeout_global(Some(Duration::from_secs(300)))
            .build()
            .new_agent();
        Ok(Client {
            base: base.to_string(),
            agent,
            warn,
        })
    }

    /// The cluster's URL, as given without a trailing slash.
    pub fn url(&self) -> &str {
        &self.base
    }

    /// Says a line through the client's warning callback.
    pub fn warn(&self, line: &str) {
        (self.warn)(line);
    }

    /// One request, tried once; `path` starts with `/`. The error is the transport's
    /// (connection refused, reset, timed out).
    pub fn send(
        &self,
        method: &str,
        path: &str,
        body: Option<(&str, &[u8])>,
    ) -> std::result::Result<Answer, ureq::Error> {
        let url = format!("{}{path}", self.base);
        let mut response = match (method, body) {
            ("GET", _) => self.agent.get(&url).call()?,
            ("DELETE", _) => self.agent.delete(&url).call()?,
            ("HEAD", _) => self.agent.head(&url).call()?,
            (method, body) => {
                let (content_type, bytes) = body.unwrap_or(("application/json", b""));
                let request = match method {
                    "PUT" => self.agent.put(&url),
                    _ => self.agent.post(&url),
                };
                request.header("Content-Type", content_type).send(bytes)?
            }
        };
        let status = response.status().as_u16();
        let body = response
            .body_mut()
            .with_config()
            .limit(MAX_ANSWER_BYTES)
            .read_to_string()?;
        Ok(Answer { status, body })
    }

    /// A request tried until it gets an answer that is not transient: connection errors
    /// and 429, 502, 503 and 504 are reported and tried again after a growing wait, up to
    /// [`ATTEMPTS`] times. `what` names the request in reports.
    pub fn send_retrying(
        &self,
        method: &str,
        path: &str,
        body: Option<(&str, &[u8])>,
        what: &str,
    ) -> Result<Answer> {
        let mut retry = 0;
        loop {
            let trouble = match self.send(method, path, body) {
                Ok(answer) if !is_transient(answer.status) => return Ok(answer),
                Ok(answer) => format!("answered {} ({})", answer.status, answer.reason()),
                Err(err) => format!("did not answer ({err})"),
            };
            if retry + 1 >= ATTEMPTS {
                bail!(
                    "the cluster at {} {trouble} to {what} {ATTEMPTS} times; giving up",
                    self.base
                );
            }
            let wait = backoff(retry);
            self.warn(&format!(
                "the cluster at {} {trouble} to {what}; trying again in {:.1} s (attempt {} \
                 of {ATTEMPTS})",
                self.base,
                wait.as_secs_f64(),
                retry + 2
            ));
            thread::sleep(wait);
            retry += 1;
        }
    }

    /// A JSON request, retried as [`Client::send_retrying`] does; an answer of 400 or
    /// more is an error naming `what` and OpenSearch's reason.
    pub fn json(
        &self,
        method: &str,
        path: &str,
        body: Option<&Value>,
        what: &str,
    ) -> Result<Value> {
        let bytes = body.map(|body| body.to_string().into_bytes());
        let body = bytes.as_deref().map(|bytes| ("application/json", bytes));
        let answer = self.send_retrying(method, path, body, what)?;
        if answer.status >= 400 {
            bail!(
                "the cluster at {} refused to {what}: {} ({})",
                self.base,
                answer.status,
                answer.reason()
            );
        }
        serde_json::from_str(&answer.body)
            .with_context(|| format!("the cluster at {} answered {what} with no JSON", self.base))
    }

    /// Whether the index exists (HEAD /INDEX).
    pub fn index_exists(&self, index: &str) -> Result<bool> {
        let answer =
            self.send_retrying("HEAD", &format!("/{index}"), None, "look for the index")?;
        Ok(answer.status == 200)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quiet() -> Warn {
        Arc::new(|_: &str| {})
    }

    #[test]
    fn backoff_doubles_up_to_its_limit() {
        assert_eq!(backoff(0), Duration::from_millis(500));
        assert_eq!(backoff(1), Duration::from_secs(1));
        assert_eq!(backoff(3), Duration::from_secs(4));
        assert_eq!(backoff(9), MAX_BACKOFF);
        assert_eq!(backoff(40), MAX_BACKOFF);
    }

    #[test]
    fn only_busy_and_missing_node_answers_are_retried() {
        for status in [429, 502, 503, 504] {
            assert!(is_transient(status), "{status}");
        }
        for status in [200, 400, 404, 409, 413, 500] {
            assert!(!is_transient(status), "{status}");
        }
    }

    #[test]
    fn urls_must_be_plain_http_with_a_host() {
        assert!(Client::new("http://127.0.0.1:9200/", quiet()).is_ok());
        assert_eq!(
            Client::new("http://127.0.0.1:9200/", quiet())
                .unwrap()
                .url(),
            "http://127.0.0.1:9200"
        );
        assert!(Client::new("https://example.org", quiet()).is_err());
        assert!(Client::new("127.0.0.1:9200", quiet()).is_err());
        assert!(Client::new("http://", quiet()).is_err());
    }
}
