//! A real two-node OpenSearch cluster for the interop tests, run by the launcher in
//! `../shared/opensearch/cluster.sh`: started on ports and in a data folder of its own
//! (under /tmp/cluster-*, or under $CLUSTER_ROOT when CI sets it), and stopped by the
//! PIDs the launcher recorded when the guard is dropped, whatever happened.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU16, Ordering};

use serde_json::Value;

/// The launcher, next to the repository.
pub fn launcher() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/opensearch/cluster.sh")
}

/// A running cluster; `cluster.sh stop` when dropped.
pub struct Cluster {
    /// Data and pid files (`OS_DATA`).
    pub data: PathBuf,
    /// First HTTP port; node I listens on `port + I`.
    pub port: u16,
}

static NEXT: AtomicU16 = AtomicU16::new(0);

impl Cluster {
    /// Starts a cluster and waits for green. Ports come from the process id, so two test
    /// runs at once do not meet, and stay below Linux's ephemeral range (32768 and up),
    /// where an outgoing connection of any program could hold one first. A start that fails
    /// (a port taken after all) is stopped and tried again on other ports, three times in
    /// all; the third failure fails the test.
    pub fn start() -> Cluster {
        let launcher = launcher();
        // CI has ../shared; a missing launcher is a failure, never a silent skip.
        assert!(launcher.is_file(), "{} is not here", launcher.display());
        let pid = std::process::id();
        let root = std::env::var_os("CLUSTER_ROOT")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("/tmp"));
        const ATTEMPTS: u16 = 3;
        for attempt in 1..=ATTEMPTS {
            let n = NEXT.fetch_add(1, Ordering::SeqCst);
            // 100 blocks of 200 ports from 10,000: HTTP at port + 0/1, transport at +100/101.
            let block = (pid as u16 % 100 + n * 37) % 100;
            let port = 10_000 + block * 200;
            let data = root.join(format!("cluster-{pid}-{n}"));
            let _ = std::fs::remove_dir_all(&data);
            std::fs::create_dir_all(&data).unwrap();
            // Held at once: a start that fails half way still stops the nodes it started.
            let cluster = Cluster { data, port };
            if cluster.try_run(&["start"]) {
                return cluster;
            }
            eprintln!("cluster.sh start failed on port {port} (attempt {attempt} of {ATTEMPTS})");
        }
        panic!("cluster.sh start failed {ATTEMPTS} times; its output is above");
    }

    /// Runs `cluster.sh ARGS` for this cluster; panics when it fails.
    pub fn run(&self, args: &[&str]) {
        assert!(self.try_run(args), "cluster.sh {args:?} failed");
    }

    /// Runs `cluster.sh ARGS` for this cluster; whether it succeeded.
    fn try_run(&self, args: &[&str]) -> bool {
        self.command(args).status().unwrap().success()
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new("bash");
        command
            .arg(launcher())
            .args(args)
            .env("OS_DATA", &self.data)
            .env("HTTP_PORT", self.port.to_string());
        command
    }

    /// The URL of node `node`.
    pub fn url(&self, node: u16) -> String {
        format!("http://127.0.0.1:{}", self.port + node)
    }

    /// `METHOD path` on node 0 with a JSON body; the answer's JSON.
    pub fn json(&self, method: &str, path: &str, body: Option<&Value>) -> Value {
        let url = format!("{}{path}", self.url(0));
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        let mut response = match method {
            "GET" => agent.get(&url).call(),
            "POST" => agent
                .post(&url)
                .header("Content-Type", "application/json")
                .send(body.map(Value::to_string).unwrap_or_default()),
            other => panic!("{other} is not used here"),
        }
        .unwrap_or_else(|err| panic!("{method} {url}: {err}"));
        let text = response.body_mut().read_to_string().unwrap();
        serde_json::from_str(&text).unwrap_or_else(|err| panic!("{url}: {err}: {text}"))
    }

    /// Paragraphs in `index` (refreshed first).
    pub fn count(&self, index: &str) -> u64 {
        self.json("POST", &format!("/{index}/_refresh"), None);
        let answer = self.json("GET", &format!("/{index}/_count"), None);
        answer["count"]
            .as_u64()
            .unwrap_or_else(|| panic!("no count in {answer}"))
    }

    /// Paragraphs by value of a keyword field (`companies`, `topics`), from a terms
    /// aggregation over the whole index.
    pub fn terms(&self, index: &str, field: &str) -> std::collections::BTreeMap<String, u64> {
        let query = serde_json::json!({
            "size": 0,
            "aggs": {"tags": {"terms": {"field": field, "size": 65_000}}}
        });
        let answer = self.json("POST", &format!("/{index}/_search"), Some(&query));
        let buckets = answer["aggregations"]["tags"]["buckets"]
            .as_array()
            .unwrap_or_else(|| panic!("no buckets in {answer}"));
        assert_eq!(answer["aggregations"]["tags"]["sum_other_doc_count"], 0);
        buckets
            .iter()
            .map(|b| {
                (
                    b["key"].as_str().unwrap().to_string(),
                    b["doc_count"].as_u64().unwrap(),
                )
            })
            .collect()
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        // By the PIDs in OS_DATA/run, whatever state the test left it in.
        let _ = self.command(&["stop"]).status();
        let _ = std::fs::remove_dir_all(&self.data);
    }
}
