//! A small blocking client of OpenSearch's REST API over ureq: requests, and retries with
//! exponential backoff while the cluster is out of reach or busy.
//!
//! `http://` and `https://` URLs. A cluster with its security plugin on wants a user and a
//! password (HTTP basic authentication) and often a certificate signed by its own authority:
//! the user comes from the URL (`https://user:password@host:9200`) or from
//! `DOSSIER_OPENSEARCH_USER` and `DOSSIER_OPENSEARCH_PASSWORD`, which keep the password out
//! of the shell's history; `DOSSIER_OPENSEARCH_CA` names a PEM file of the authorities to
//! trust instead of the public ones. The password is never printed: messages name the URL
//! without it. What went wrong and what is retried is said through a `Warn` callback, one
//! line each.

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

/// The environment variable holding the user name, when the URL has none.
pub const USER_VARIABLE: &str = "DOSSIER_OPENSEARCH_USER";
/// The environment variable holding the password, when the URL has none.
pub const PASSWORD_VARIABLE: &str = "DOSSIER_OPENSEARCH_PASSWORD";
/// The environment variable naming a PEM file of certificate authorities to trust.
pub const CA_VARIABLE: &str = "DOSSIER_OPENSEARCH_CA";

/// The cluster at one URL.
#[derive(Clone)]
pub struct Client {
    /// The URL without credentials: what messages show.
    base: String,
    /// The `Authorization` header's value, when the cluster wants a user.
    authorization: Option<String>,
    agent: ureq::Agent,
    warn: Warn,
}

/// How to reach a cluster, read from `--opensearch` and the environment.
#[derive(Debug, PartialEq, Eq)]
struct Endpoint {
    /// `scheme://host[:port][/prefix]`, no trailing slash, no credentials.
    base: String,
    /// User and password, when given.
    credentials: Option<(String, String)>,
}

impl Endpoint {
    /// Parses `url`; `env` looks up an environment variable (a parameter, so tests need
    /// not change the process's environment).
    fn parse(url: &str, env: impl Fn(&str) -> Option<String>) -> Result<Endpoint> {
        let trimmed = url.trim_end_matches('/');
        let (scheme, rest) = ["http://", "https://"]
            .iter()
            .find_map(|scheme| Some((*scheme, trimmed.strip_prefix(scheme)?)))
            .ok_or_else(|| {
                anyhow!(
                    "--opensearch {:?} is not an http:// or https:// URL; give one such as \
                     http://127.0.0.1:9200",
                    redact(url)
                )
            })?;
        let authority_end = rest.find('/').unwrap_or(rest.len());
        let (userinfo, host_and_path) = match rest[..authority_end].rfind('@') {
            Some(at) => (Some(&rest[..at]), &rest[at + 1..]),
            None => (None, rest),
        };
        if host_and_path.is_empty()
            || host_and_path.starts_with('/')
            || host_and_path.contains(char::is_whitespace)
        {
            bail!(
                "--opensearch {:?} names no host; give one such as http://127.0.0.1:9200",
                redact(url)
            );
        }
        let credentials = match userinfo {
            Some(userinfo) => {
                let (user, password) = userinfo.split_once(':').unwrap_or((userinfo, ""));
                Some((percent_decode(user), percent_decode(password)))
            }
            None => match (env(USER_VARIABLE), env(PASSWORD_VARIABLE)) {
                (Some(user), password) if !user.is_empty() => {
                    Some((user, password.unwrap_or_default()))
                }
                (_, Some(_)) => bail!(
                    "{PASSWORD_VARIABLE} is set but {USER_VARIABLE} is not; set both, or \
                     neither for a cluster without users"
                ),
                _ => None,
            },
        };
        Ok(Endpoint {
            base: format!("{scheme}{host_and_path}"),
            credentials,
        })
    }

    /// The `Authorization` header that sends the credentials.
    fn authorization(&self) -> Option<String> {
        use base64::Engine;
        self.credentials.as_ref().map(|(user, password)| {
            let token =
                base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
            format!("Basic {token}")
        })
    }
}

/// A URL as it may be shown: any password replaced by `***`.
fn redact(url: &str) -> String {
    let Some(scheme_end) = url.find("://").map(|i| i + 3) else {
        return url.to_string();
    };
    let rest = &url[scheme_end..];
    let authority_end = rest.find('/').unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => {
            let user = rest[..at].split(':').next().unwrap_or_default();
            format!("{}{user}:***{}", &url[..scheme_end], &rest[at..])
        }
        None => url.to_string(),
    }
}

/// `%XX` escapes decoded (a password may hold `@` or `:`); anything else kept as written.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|pair| std::str::from_utf8(pair).ok())
            .and_then(|pair| u8::from_str_radix(pair, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The certificate authorities to trust: those of the PEM file `DOSSIER_OPENSEARCH_CA`
/// names, or the public ones (webpki roots) when it is not set.
fn trusted_roots(env: impl Fn(&str) -> Option<String>) -> Result<ureq::tls::RootCerts> {
    let Some(path) = env(CA_VARIABLE).filter(|path| !path.is_empty()) else {
        return Ok(ureq::tls::RootCerts::WebPki);
    };
    let pem = std::fs::read(&path)
        .with_context(|| format!("{path}: cannot read the file {CA_VARIABLE} names"))?;
    let mut certificates = Vec::new();
    for item in ureq::tls::parse_pem(&pem) {
        if let Ok(ureq::tls::PemItem::Certificate(certificate)) = item {
            certificates.push(certificate);
        }
    }
    if certificates.is_empty() {
        bail!("{path}: holds no PEM certificate; {CA_VARIABLE} must name a CA certificate file");
    }
    Ok(ureq::tls::RootCerts::new_with_certs(&certificates))
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

/// `request` with the `Authorization` header, when there is one.
fn with_authorization<B>(
    request: ureq::RequestBuilder<B>,
    authorization: Option<&str>,
) -> ureq::RequestBuilder<B> {
    match authorization {
        Some(value) => request.header("Authorization", value),
        None => request,
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
    /// A client of the cluster at `url` (`http[s]://[user:password@]host:port`),
    /// reporting through `warn`; credentials and trusted authorities may also come from
    /// the environment (see the module's doc).
    pub fn new(url: &str, warn: Warn) -> Result<Client> {
        Client::with_environment(url, warn, |name| std::env::var(name).ok())
    }

    fn with_environment(
        url: &str,
        warn: Warn,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Client> {
        let endpoint = Endpoint::parse(url, &env)?;
        let tls = ureq::tls::TlsConfig::builder()
            .root_certs(trusted_roots(&env)?)
            .build();
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(Duration::from_secs(10)))
            .timeout_global(Some(Duration::from_secs(300)))
            .tls_config(tls)
            .build()
            .new_agent();
        Ok(Client {
            authorization: endpoint.authorization(),
            base: endpoint.base,
            agent,
            warn,
        })
    }

    /// The cluster's URL without credentials or a trailing slash.
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
        let authorization = self.authorization.as_deref();
        let mut response = match (method, body) {
            ("GET", _) => with_authorization(self.agent.get(&url), authorization).call()?,
            ("DELETE", _) => with_authorization(self.agent.delete(&url), authorization).call()?,
            ("HEAD", _) => with_authorization(self.agent.head(&url), authorization).call()?,
            (method, body) => {
                let (content_type, bytes) = body.unwrap_or(("application/json", b""));
                let request = match method {
                    "PUT" => self.agent.put(&url),
                    _ => self.agent.post(&url),
                };
                with_authorization(request, authorization)
                    .header("Content-Type", content_type)
                    .send(bytes)?
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
        if matches!(answer.status, 401 | 403) {
            bail!(
                "the cluster at {} refused to {what}: {} ({}); give a user allowed to, in the \
                 URL (https://USER:PASSWORD@host:9200) or in {USER_VARIABLE} and \
                 {PASSWORD_VARIABLE}",
                self.base,
                answer.status,
                answer.reason()
            );
        }
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
    fn urls_must_be_http_or_https_with_a_host() {
        assert!(Client::new("http://127.0.0.1:9200/", quiet()).is_ok());
        assert_eq!(
            Client::new("http://127.0.0.1:9200/", quiet())
                .unwrap()
                .url(),
            "http://127.0.0.1:9200"
        );
        assert!(Client::new("https://example.org", quiet()).is_ok());
        assert!(Client::new("ftp://example.org", quiet()).is_err());
        assert!(Client::new("127.0.0.1:9200", quiet()).is_err());
        assert!(Client::new("http://", quiet()).is_err());
        assert!(Client::new("http://user:pw@", quiet()).is_err());
    }

    fn no_environment(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn credentials_come_from_the_url_and_leave_it() {
        let endpoint =
            Endpoint::parse("https://admin:p%40ss:w@node1:9200/", no_environment).unwrap();
        assert_eq!(endpoint.base, "https://node1:9200");
        assert_eq!(
            endpoint.credentials,
            Some(("admin".to_string(), "p@ss:w".to_string()))
        );
        // base64 of "admin:p@ss:w"
        assert_eq!(
            endpoint.authorization().as_deref(),
            Some("Basic YWRtaW46cEBzczp3")
        );
    }

    #[test]
    fn credentials_come_from_the_environment_when_the_url_has_none() {
        let env = |name: &str| match name {
            USER_VARIABLE => Some("reader".to_string()),
            PASSWORD_VARIABLE => Some("secret".to_string()),
            _ => None,
        };
        let endpoint = Endpoint::parse("http://127.0.0.1:9200", env).unwrap();
        assert_eq!(
            endpoint.credentials,
            Some(("reader".to_string(), "secret".to_string()))
        );
        let password_only = |name: &str| (name == PASSWORD_VARIABLE).then(|| "x".to_string());
        let err = Endpoint::parse("http://127.0.0.1:9200", password_only).unwrap_err();
        assert!(err.to_string().contains(USER_VARIABLE), "{err}");
        assert_eq!(
            Endpoint::parse("http://127.0.0.1:9200", no_environment)
                .unwrap()
                .credentials,
            None
        );
    }

    #[test]
    fn messages_never_show_the_password() {
        let err = Client::new("ftp://admin:hunter2@host:9200", quiet())
            .err()
            .unwrap();
        assert!(!err.to_string().contains("hunter2"), "{err}");
        assert!(err.to_string().contains("admin:***@host"), "{err}");
        let client = Client::new("http://admin:hunter2@127.0.0.1:9", quiet()).unwrap();
        assert!(!client.url().contains("hunter2"));
    }

    #[test]
    fn the_authority_file_must_hold_a_certificate() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing.pem");
        let garbage = dir.path().join("garbage.pem");
        std::fs::write(&garbage, "not a certificate").unwrap();
        for (path, says) in [(&missing, "cannot read"), (&garbage, "no PEM certificate")] {
            let shown = path.display().to_string();
            let env = |name: &str| (name == CA_VARIABLE).then(|| shown.clone());
            let err = Client::with_environment("https://host:9200", quiet(), env)
                .err()
                .unwrap();
            assert!(err.to_string().contains(says), "{err:#}");
            assert!(err.to_string().contains(&shown), "{err:#}");
        }
    }

    /// Serves one request on a local port, answering `status` with `{}`, and returns
    /// the request's head.
    fn serve_once(status: u16) -> (String, std::thread::JoinHandle<String>) {
        use std::io::{BufRead, BufReader, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let handle = std::thread::spawn(move || {
            let (stream, _) = listener.accept().unwrap();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut head = String::new();
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap() == 0 || line == "\r\n" {
                    break;
                }
                head.push_str(&line);
            }
            let mut stream = stream;
            write!(
                stream,
                "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: \
                 2\r\nConnection: close\r\n\r\n{{}}"
            )
            .unwrap();
            head
        });
        (url, handle)
    }

    #[test]
    fn requests_carry_the_credentials() {
        let (url, server) = serve_once(200);
        let with_user = url.replace("http://", "http://reader:secret@");
        let client = Client::new(&with_user, quiet()).unwrap();
        client.json("GET", "/", None, "say hello").unwrap();
        let head = server.join().unwrap();
        let authorization = head
            .lines()
            .find_map(|line| {
                let (name, value) = line.split_once(':')?;
                name.eq_ignore_ascii_case("authorization")
                    .then(|| value.trim().to_string())
            })
            .unwrap_or_default();
        // base64 of "reader:secret"
        assert_eq!(authorization, "Basic cmVhZGVyOnNlY3JldA==", "{head}");
    }

    #[test]
    fn a_refused_user_is_told_how_to_give_one() {
        let (url, server) = serve_once(401);
        let client = Client::new(&url, quiet()).unwrap();
        let err = client.json("GET", "/", None, "say hello").unwrap_err();
        server.join().unwrap();
        assert!(err.to_string().contains("401"), "{err}");
        assert!(err.to_string().contains(USER_VARIABLE), "{err}");
    }

    /// Serves one https request on a local port with the test certificate of
    /// tests/fixtures/tls, answering 200 with `{}`.
    fn serve_https_once() -> (String, std::thread::JoinHandle<()>) {
        use rustls::pki_types::pem::PemObject;
        use rustls::pki_types::{CertificateDer, PrivateKeyDer};
        use std::io::{BufRead, BufReader, Write};
        let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/tls/");
        let certs = CertificateDer::pem_file_iter(format!("{fixtures}cert.pem"))
            .unwrap()
            .collect::<Result<Vec<_>, _>>()
            .unwrap();
        let key = PrivateKeyDer::from_pem_file(format!("{fixtures}key.pem")).unwrap();
        let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(certs, key)
            .unwrap();
        let config = std::sync::Arc::new(config);
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("https://{}", listener.local_addr().unwrap());
        let handle = std::thread::spawn(move || {
            let (mut socket, _) = listener.accept().unwrap();
            let mut connection = rustls::ServerConnection::new(config).unwrap();
            let mut stream = rustls::Stream::new(&mut connection, &mut socket);
            let mut reader = BufReader::new(&mut stream);
            loop {
                let mut line = String::new();
                match reader.read_line(&mut line) {
                    Ok(0) | Err(_) => return, // the client refused the certificate
                    Ok(_) if line == "\r\n" => break,
                    Ok(_) => {}
                }
            }
            drop(reader);
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: \
                 2\r\nConnection: close\r\n\r\n{{}}"
            );
            let _ = stream.flush();
        });
        (url, handle)
    }

    #[test]
    fn https_trusts_the_authority_it_is_given_and_no_other() {
        let authority = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/tls/ca.pem");
        let (url, server) = serve_https_once();
        let trusting = |name: &str| (name == CA_VARIABLE).then(|| authority.to_string());
        let client = Client::with_environment(&url, quiet(), trusting).unwrap();
        let answer = client.send("GET", "/", None).unwrap();
        assert_eq!(answer.status, 200);
        server.join().unwrap();

        let (url, server) = serve_https_once();
        let client = Client::with_environment(&url, quiet(), no_environment).unwrap();
        let err = client.send("GET", "/", None).unwrap_err();
        server.join().unwrap();
        assert!(
            err.to_string().to_ascii_lowercase().contains("certificate"),
            "{err}"
        );
    }
}
