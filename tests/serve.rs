//! `dossier serve` on a real index, over real HTTP: the API answers as the CLI does, errors
//! are JSON, the index is read live, and the limits hold.

mod common;

use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::Value;

use common::{Server, dossier, encode, http_raw, serve_fixtures};

/// A temporary folder with the server fixtures copied to `docs/` and indexed into `idx/`.
fn indexed_fixtures() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let docs = dir.path().join("docs");
    fs::create_dir(&docs).unwrap();
    for entry in fs::read_dir(serve_fixtures()).unwrap() {
        let entry = entry.unwrap();
        fs::copy(entry.path(), docs.join(entry.file_name())).unwrap();
    }
    index(dir.path());
    dir
}

fn index(dir: &Path) {
    dossier(dir)
        .args(["index", "docs", "--index", "idx", "--quiet"])
        .assert()
        .success();
}

/// The JSON lines `dossier ARGS` prints.
fn cli_json(dir: &Path, args: &[&str]) -> Vec<Value> {
    let output = dossier(dir).args(args).output().unwrap();
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

#[test]
fn search_answers_with_the_hits_and_facets_the_cli_prints() {
    let dir = indexed_fixtures();
    let server = Server::start(dir.path(), &["--index", "idx"]);
    let cli = cli_json(
        dir.path(),
        &[
            "search", "--index", "idx", "--json", "--facets", "--limit", "4", "cloud",
        ],
    );
    let (status, answer) = server.json("/api/search?q=cloud&limit=4&facets=true");
    assert_eq!(status, 200, "{answer}");
    let (facets, hits) = cli.split_last().unwrap();
    assert_eq!(answer["hits"].as_array().unwrap(), hits);
    assert_eq!(answer["facets"], facets["facets"]);
    assert_eq!(answer["total"], facets["facets"]["total"]);
    assert_eq!(answer["limit"], 4);
    let months: Vec<&str> = answer["facets"]["months"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["month"].as_str().unwrap())
        .collect();
    assert_eq!(months, ["2024-02", "2024-03", "2024-04", "2024-05"]);
}

#[test]
fn filters_paging_order_and_dates_work_as_the_cli_flags() {
    let dir = indexed_fixtures();
    let server = Server::start(dir.path(), &["--index", "idx"]);
    let cases: [(&str, &[&str]); 4] = [
        (
            "q=cloud&company=Microsoft&topic=cloud+computing",
            &["--company", "Microsoft", "--topic", "cloud computing"],
        ),
        (
            "q=cloud&limit=2&offset=2",
            &["--limit", "2", "--offset", "2"],
        ),
        (
            "q=cloud&sort=date&per_doc=1",
            &["--sort", "date", "--per-doc", "1"],
        ),
        (
            "q=cloud&since=2024-03&until=2024-04&any=true",
            &["--since", "2024-03", "--until", "2024-04", "--any"],
        ),
    ];
    for (query, flags) in cases {
        let mut args = vec!["search", "--index", "idx", "--json", "cloud"];
        args.extend(flags);
        let cli = cli_json(dir.path(), &args);
        let (status, answer) = server.json(&format!("/api/search?{query}"));
        assert_eq!(status, 200, "{query}: {answer}");
        assert!(!cli.is_empty(), "{query}");
        assert_eq!(answer["hits"].as_array().unwrap(), &cli, "{query}");
    }
    let (_, dated) = server.json("/api/search?q=cloud&since=2024-03&until=2024-04");
    for hit in dated["hits"].as_array().unwrap() {
        let date = hit["date"].as_str().unwrap();
        assert!(("2024-03-01".."2024-05-01").contains(&date), "{date}");
    }
}

#[test]
fn a_bad_query_is_a_400_with_the_message_and_column_the_cli_gives() {
    let dir = indexed_fixtures();
    let server = Server::start(dir.path(), &["--index", "idx"]);
    let (status, answer) = server.json(&format!("/api/search?q={}", encode("cloud (apple")));
    assert_eq!(status, 400);
    assert_eq!(answer["status"], 400);
    assert_eq!(answer["column"], 7);
    let cli = dossier(dir.path())
        .args(["search", "--index", "idx", "cloud (apple"])
        .output()
        .unwrap();
    assert_eq!(cli.status.code(), Some(2));
    let cli_message = String::from_utf8(cli.stderr).unwrap();
    assert!(
        cli_message.contains("this ( is never closed (column 7)"),
        "{cli_message}"
    );
    let message = answer["error"].as_str().unwrap();
    assert!(
        message.contains("this ( is never closed (column 7)"),
        "{message}"
    );
    for (query, wanted) in [
        ("q=cloud&company=Nosuchco", "unknown company"),
        ("q=", "the query is empty"),
        ("q=the", "only common words"),
        ("company=Apple", "q is missing"),
        ("q=a&limit=0", "limit must be a whole number from 1 to 100"),
        (
            "q=a&limit=101",
            "limit must be a whole number from 1 to 100",
        ),
        ("q=a&offset=-1", "offset must be a whole number"),
        (
            "q=a&offset=99999999999999999999",
            "offset must be a whole number",
        ),
        ("q=a&sort=size", "sort must be one of score, path, date"),
        ("q=a&any=perhaps", "any must be true or false"),
        ("q=a&since=March", "is not a date"),
        ("q=a&q=b", "q is given more than once"),
        ("q=a&color=always", "unknown parameter \"color\""),
    ] {
        let (status, answer) = server.json(&format!("/api/search?{query}"));
        assert_eq!(status, 400, "{query}: {answer}");
        let message = answer["error"].as_str().unwrap();
        assert!(message.contains(wanted), "{query}: {message}");
        assert!(answer.get("column").is_none(), "{query}: {answer}");
    }
}

#[test]
fn lengths_and_bodies_are_capped() {
    let dir = indexed_fixtures();
    let server = Server::start(dir.path(), &["--index", "idx"]);
    let long = "cloud ".repeat(200);
    let (status, answer) = server.json(&format!("/api/search?q={}", encode(&long)));
    assert_eq!(status, 400);
    assert!(
        answer["error"]
            .as_str()
            .unwrap()
            .contains("longer than 1000")
    );
    let many = "&company=Apple".repeat(11);
    let (status, answer) = server.json(&format!("/api/search?q=cloud{many}"));
    assert_eq!(status, 400);
    assert!(
        answer["error"]
            .as_str()
            .unwrap()
            .contains("at most 10 times")
    );
    let name = "Apple".repeat(31);
    let (status, answer) = server.json(&format!("/api/search?q=cloud&topic={name}"));
    assert_eq!(status, 400);
    assert!(
        answer["error"]
            .as_str()
            .unwrap()
            .contains("longer than 150")
    );
    // Every parameter at its longest, in four-byte characters, one company a character
    // too long: the request line fits, and the API answers with its JSON 400.
    let emoji = |n: usize| encode(&"\u{1F600}".repeat(n));
    let longest = format!(
        "q={}{}&company={}{}",
        emoji(1000),
        format!("&company={}", emoji(150)).repeat(9),
        emoji(151),
        format!("&topic={}", emoji(150)).repeat(10)
    );
    assert!(longest.len() > 45_000, "{}", longest.len());
    let (status, answer) = server.json(&format!("/api/search?{longest}"));
    assert_eq!(status, 400);
    assert!(
        answer["error"]
            .as_str()
            .unwrap()
            .contains("longer than 150")
    );
    let body = "x".repeat(100_000);
    let request = format!(
        "GET /api/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let response = http_raw(&server.addr, request.as_bytes());
    assert_eq!(response.status, 413);
}

#[test]
fn show_gives_a_document_with_the_paragraph_marked_and_refuses_paths_outside() {
    let dir = indexed_fixtures();
    let server = Server::start(dir.path(), &["--index", "idx"]);
    let (status, document) = server.json("/api/show?path=news.jsonl&line=4&paragraph=1");
    assert_eq!(status, 200, "{document}");
    assert_eq!(document["id"], "n4");
    assert_eq!(document["title"], "Apple quarterly results beat forecasts");
    assert_eq!(document["date"], "2024-03-19");
    assert_eq!(document["marked"], 1);
    assert_eq!(document["paragraphs"].as_array().unwrap().len(), 2);
    let cli = cli_json(
        dir.path(),
        &["show", "--index", "idx", "--json", "news.jsonl:4"],
    );
    for (api, cli) in document["paragraphs"].as_array().unwrap().iter().zip(&cli) {
        assert_eq!(api["text"], cli["text"]);
        assert_eq!(api["companies"], cli["companies"]);
    }
    for path in [
        "../../etc/passwd",
        "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "%2E%2E/secret",
        "/etc/passwd",
        "%2Fetc%2Fpasswd",
        "docs%5C..%5C..%5Cwin.ini",
        "C:%5Cwin.ini",
    ] {
        let (status, answer) = server.json(&format!("/api/show?path={path}"));
        assert_eq!(status, 400, "{path}: {answer}");
        assert!(
            answer["error"]
                .as_str()
                .unwrap()
                .contains("relative to the indexed folder")
        );
    }
    for path in ["%252e%252e%252fetc%252fpasswd", "nosuch.txt"] {
        let (status, answer) = server.json(&format!("/api/show?path={path}"));
        assert_eq!(status, 404, "{path}: {answer}");
        assert!(
            answer["error"]
                .as_str()
                .unwrap()
                .contains("holds no document")
        );
    }
    let (status, answer) = server.json("/api/show?path=news.jsonl&line=99");
    assert_eq!((status, answer["status"].as_u64()), (404, Some(404)));
    let (status, answer) = server.json("/api/show?path=news.jsonl");
    assert_eq!(status, 400);
    assert!(
        answer["error"]
            .as_str()
            .unwrap()
            .contains("holds 8 documents")
    );
}

#[test]
fn companies_and_topics_list_what_the_cli_lists() {
    let dir = indexed_fixtures();
    let server = Server::start(dir.path(), &["--index", "idx"]);
    for kind in ["companies", "topics"] {
        let cli = cli_json(dir.path(), &[kind, "--index", "idx", "--json"]);
        let (status, answer) = server.json(&format!("/api/{kind}"));
        assert_eq!(status, 200);
        assert!(!cli.is_empty());
        assert_eq!(answer[kind].as_array().unwrap(), &cli, "{kind}");
    }
}

#[test]
fn unknown_paths_are_404_and_other_methods_405_as_json() {
    let dir = indexed_fixtures();
    let server = Server::start(dir.path(), &["--index", "idx"]);
    for path in ["/nothing", "/api", "/api/searchx", "/../etc/passwd"] {
        let (status, answer) = server.json(path);
        assert_eq!(status, 404, "{path}");
        assert_eq!(answer["status"], 404);
    }
    for method in ["POST", "PUT", "DELETE"] {
        let request = format!(
            "{method} /api/search?q=a HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
        );
        let response = http_raw(&server.addr, request.as_bytes());
        assert_eq!(response.status, 405, "{method}");
        assert!(response.body.contains("only reads"), "{}", response.body);
    }
}

#[test]
fn the_next_request_after_a_commit_sees_it_without_a_restart() {
    let dir = indexed_fixtures();
    let server = Server::start(dir.path(), &["--index", "idx"]);
    let (_, health) = server.json("/api/health");
    assert_eq!(health["status"], "ok");
    assert_eq!(health["generation"], 1);
    assert_eq!(health["documents"], 8);
    assert_eq!(health["paragraphs"], 16);
    assert!(health["committed"].as_str().unwrap().ends_with('Z'));
    let (_, before) = server.json("/api/search?q=zeppelin");
    assert_eq!(before["total"], 0);
    fs::write(
        dir.path().join("docs/airship.txt"),
        "Airship news\n\nA zeppelin flew over the lake.\n",
    )
    .unwrap();
    index(dir.path());
    let (_, after) = server.json("/api/search?q=zeppelin");
    assert_eq!(after["total"], 1, "{after}");
    assert_eq!(after["hits"][0]["path"], "airship.txt");
    let (_, health) = server.json("/api/health");
    assert_eq!(health["generation"], 2);
    assert_eq!(health["documents"], 9);
}

#[test]
fn serve_watch_indexes_a_folder_and_serves_its_changes() {
    let dir = tempfile::tempdir().unwrap();
    let docs = dir.path().join("docs");
    fs::create_dir(&docs).unwrap();
    fs::write(
        docs.join("a.txt"),
        "Copper\n\nCopper prices rose in Chile.\n",
    )
    .unwrap();
    let server = Server::start(
        dir.path(),
        &["--index", "idx", "--watch", "docs", "--interval", "0.2"],
    );
    let (_, first) = server.json("/api/search?q=copper");
    assert_eq!(first["total"], 1, "{first}");
    fs::write(
        docs.join("b.txt"),
        "Nickel\n\nNickel prices fell in Canada.\n",
    )
    .unwrap();
    let started = Instant::now();
    loop {
        let (_, answer) = server.json("/api/search?q=nickel");
        if answer["total"] == 1 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the new file never showed up: {answer}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn an_address_open_to_the_network_is_warned_about_and_a_missing_index_is_an_error() {
    let dir = indexed_fixtures();
    let server = Server::start_at(dir.path(), &["--index", "idx"], "0.0.0.0:0");
    drop(server);
    let output = dossier(dir.path())
        .args(["serve", "--index", "idx", "--addr", "0.0.0.0:0"])
        .timeout(Duration::from_secs(3))
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("warning: listening on 0.0.0.0:")
            && stderr.contains("readable from the network"),
        "{stderr}"
    );
    let output = dossier(dir.path())
        .args(["serve", "--index", "nothing", "--addr", "127.0.0.1:0"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.starts_with("dossier: no index at nothing;"),
        "{stderr}"
    );
    let output = dossier(dir.path())
        .args(["serve", "--index", "idx", "--addr", "127.0.0.1:99999"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn a_client_that_never_finishes_its_request_is_disconnected() {
    let dir = indexed_fixtures();
    let server = Server::start(dir.path(), &["--index", "idx"]);
    let started = Instant::now();
    // Headers never finished: the server closes the connection on its own.
    let response = std::panic::catch_unwind(|| http_raw_open(&server.addr));
    assert!(started.elapsed() < Duration::from_secs(40));
    assert!(response.is_ok());
    // The server still answers others.
    assert_eq!(server.get("/api/health").status, 200);
}

/// Sends half a request head and keeps the connection open; returns when the server
/// closes it.
fn http_raw_open(addr: &str) {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(40)))
        .unwrap();
    stream
        .write_all(b"GET /api/health HTTP/1.1\r\nHost: x\r\n")
        .unwrap();
    let mut rest = Vec::new();
    stream
        .read_to_end(&mut rest)
        .expect("the server closes the connection before the client's timeout");
}

#[test]
fn the_openapi_document_matches_what_the_server_answers() {
    let dir = indexed_fixtures();
    let server = Server::start(dir.path(), &["--index", "idx"]);
    let (status, document) = server.json("/api/openapi.json");
    assert_eq!(status, 200);
    // One request per documented path with its required parameters, and one with a
    // mistake where it has parameters; each answer must be documented and fit its schema.
    let requests: &[(&str, &str)] = &[
        ("/api/search", "?q=cloud&facets=true&limit=3"),
        ("/api/search", "?q=cloud&sort=date"),
        ("/api/search", "?q=%28cloud"),
        ("/api/search", "?q=cloud&company=Nosuchco"),
        ("/api/show", "?path=news.jsonl&line=2"),
        ("/api/show", "?path=..%2Fx"),
        ("/api/show", "?path=none.txt"),
        ("/api/companies", ""),
        ("/api/companies", "?x=1"),
        ("/api/topics", ""),
        ("/api/health", ""),
        ("/api/openapi.json", ""),
    ];
    let paths = document["paths"].as_object().unwrap();
    for path in paths.keys() {
        assert!(
            requests.iter().any(|(p, _)| p == path),
            "{path} is documented but not tried"
        );
    }
    for (path, query) in requests {
        let operation = &paths[*path]["get"];
        assert!(operation.is_object(), "{path} is not documented");
        let (status, body) = server.json(&format!("{path}{query}"));
        let documented = &operation["responses"][status.to_string()];
        assert!(
            documented.is_object(),
            "{path}{query} answered {status}, which is not documented: {body}"
        );
        let schema = &documented["content"]["application/json"]["schema"];
        let mismatches = common::schema::mismatches(&document, schema, &body);
        assert!(
            mismatches.is_empty(),
            "{path}{query}: {mismatches:#?}\n{body}"
        );
        for parameter in operation["parameters"].as_array().into_iter().flatten() {
            let name = parameter["name"].as_str().unwrap();
            let unknown = server.json(&format!("{path}?{name}=")).1;
            assert!(
                !unknown["error"]
                    .as_str()
                    .unwrap_or("")
                    .contains("unknown parameter"),
                "{path} documents {name} but refuses it"
            );
        }
    }
}

#[test]
fn the_page_and_its_files_are_served_from_the_binary() {
    let dir = indexed_fixtures();
    let server = Server::start(dir.path(), &["--index", "idx"]);
    let page = server.get("/");
    assert_eq!(page.status, 200);
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert!(
        page.body
            .contains(r#"<script src="/app.js" defer></script>"#)
    );
    assert!(!page.body.contains("http://") && !page.body.contains("https://"));
    let csp = page.header("content-security-policy").unwrap();
    assert!(csp.contains("script-src 'self'"), "{csp}");
    for (path, kind) in [("/app.js", "text/javascript"), ("/style.css", "text/css")] {
        let response = server.get(path);
        assert_eq!(response.status, 200, "{path}");
        assert!(response.header("content-type").unwrap().starts_with(kind));
        assert!(!response.body.contains("http://") && !response.body.contains("https://"));
    }
    assert!(!server.get("/app.js").body.contains("innerHTML"));
}
