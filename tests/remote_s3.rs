//! `s3://` sources against a real S3-compatible server on 127.0.0.1 (moto): listing,
//! download, decoding identical to the local file, the cache, and every failure the issue
//! names. The command line runs as a subprocess, so each test gets its own environment
//! (credentials, HOME, cache directory) without touching this process's.
#![cfg(feature = "s3")]

mod common;
#[path = "common/servers.rs"]
mod servers;

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use servers::{Fault, Proxy, S3Server, Silent, free_port, xml_value};

/// The plain (no-auth) server's endpoint variable, set by `.ci/run`.
const S3_ENV: &str = "RTCSCOPE_TEST_S3_ENDPOINT";
/// The server with IAM auth (`INITIAL_NO_AUTH_ACTION_COUNT`), set by `.ci/run`.
const S3_AUTH_ENV: &str = "RTCSCOPE_TEST_S3_AUTH_ENDPOINT";

const INTERNALS: &str = "webrtc_internals_dump_v3_loopback_30s.gz";
const RTCSTATS: &str = "rtcstats-v3-gumonly.jsonl";

/// A sandbox: an empty HOME (no real ~/.aws), its own cache, no instance metadata lookups.
struct Env {
    dir: tempfile::TempDir,
    vars: Vec<(String, String)>,
}

impl Env {
    fn new(key: &str, secret: &str) -> Env {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().join("home");
        std::fs::create_dir_all(home.join(".aws")).unwrap();
        let mut vars = vec![
            ("HOME".to_owned(), home.display().to_string()),
            (
                "RTCSCOPE_CACHE_DIR".to_owned(),
                dir.path().join("cache").display().to_string(),
            ),
            ("AWS_EC2_METADATA_DISABLED".to_owned(), "true".to_owned()),
            ("AWS_REGION".to_owned(), "us-east-1".to_owned()),
        ];
        if !key.is_empty() {
            vars.push(("AWS_ACCESS_KEY_ID".to_owned(), key.to_owned()));
            vars.push(("AWS_SECRET_ACCESS_KEY".to_owned(), secret.to_owned()));
        }
        Env { dir, vars }
    }

    fn run(&self, args: &[&str]) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_rtcscope"));
        cmd.args(args)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default());
        for (k, v) in &self.vars {
            cmd.env(k, v);
        }
        cmd.output().unwrap()
    }

    fn cache_dir(&self) -> std::path::PathBuf {
        self.dir.path().join("cache")
    }

    fn aws_file(&self, name: &str, text: &str) -> String {
        let p = self.dir.path().join("home/.aws").join(name);
        std::fs::write(&p, text).unwrap();
        p.display().to_string()
    }
}

fn text(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The local result to compare with.
fn local_inspect(path: &Path) -> serde_json::Value {
    let out = Command::new(env!("CARGO_BIN_EXE_rtcscope"))
        .args(["inspect", "--json"])
        .arg(path)
        .output()
        .unwrap();
    assert!(out.status.success());
    serde_json::from_slice(&out.stdout).unwrap()
}

/// An inspect summary without the field that names the source.
fn without_source(mut v: serde_json::Value) -> serde_json::Value {
    v.as_object_mut().unwrap().remove("source");
    v
}

fn upload_fixtures(s3: &S3Server, bucket: &str) {
    s3.bucket(bucket);
    let internals = std::fs::read(common::bundled(INTERNALS)).unwrap();
    let rtcstats = std::fs::read(common::bundled(RTCSTATS)).unwrap();
    s3.put(bucket, &format!("conf-1/{INTERNALS}"), &internals);
    s3.put(bucket, &format!("conf-1/{RTCSTATS}"), &rtcstats);
    s3.put(bucket, &format!("conf-1/{RTCSTATS}.gz"), &gzip(&rtcstats));
    s3.put(bucket, "conf-2/other.jsonl", &rtcstats);
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

#[test]
fn lists_downloads_and_decodes_like_the_local_file() {
    let s3 = S3Server::start(S3_ENV, &[]);
    upload_fixtures(&s3, "rt-decode");
    let env = Env::new("test", "test");
    let ep = format!("--endpoint-url={}", s3.endpoint);

    let out = env.run(&["ls", "s3://", &ep]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.contains("rt-decode"), "{stdout}");

    let out = env.run(&["ls", "s3://rt-decode/", "--json", &ep]);
    let listing: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        listing["prefixes"],
        serde_json::json!(["conf-1/", "conf-2/"])
    );
    let out = env.run(&["ls", "s3://rt-decode/conf-1/", "--json", &ep]);
    let listing: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let keys: Vec<&str> = listing["objects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["key"].as_str().unwrap())
        .collect();
    assert_eq!(
        keys,
        [
            "conf-1/rtcstats-v3-gumonly.jsonl",
            "conf-1/rtcstats-v3-gumonly.jsonl.gz",
            "conf-1/webrtc_internals_dump_v3_loopback_30s.gz"
        ]
    );
    let size = std::fs::metadata(common::bundled(INTERNALS)).unwrap().len();
    assert_eq!(listing["objects"][2]["size"], size);
    assert!(
        listing["objects"][2]["modified"]
            .as_str()
            .unwrap()
            .ends_with('Z')
    );

    for (key, local) in [
        (format!("conf-1/{INTERNALS}"), INTERNALS),
        (format!("conf-1/{RTCSTATS}"), RTCSTATS),
        (format!("conf-1/{RTCSTATS}.gz"), RTCSTATS),
    ] {
        let uri = format!("s3://rt-decode/{key}");
        let out = env.run(&["inspect", "--json", &uri, &ep]);
        let (stdout, stderr) = text(&out);
        assert!(out.status.success(), "{uri}: {stderr}");
        let remote: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        assert_eq!(remote["source"], uri.as_str());
        let expect = without_source(local_inspect(&common::bundled(local)));
        let mut got = without_source(remote);
        // The gzipped upload of a plain file says so; nothing else may differ.
        if key.ends_with(".jsonl.gz") {
            assert_eq!(got["compression"], "gzip");
            for field in ["compression", "compression_layers"] {
                got[field] = expect[field].clone();
            }
        }
        assert_eq!(got, expect, "{uri}");
    }

    // The CSV export reads the same samples as from the local file.
    let out = env.run(&[
        "export",
        &format!("s3://rt-decode/conf-1/{INTERNALS}"),
        "--csv",
        "-",
        &ep,
    ]);
    let local = Command::new(env!("CARGO_BIN_EXE_rtcscope"))
        .args(["export", "--csv", "-"])
        .arg(common::bundled(INTERNALS))
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(out.stdout, local.stdout);
}

#[test]
fn the_cache_serves_unchanged_objects_and_works_offline() {
    let s3 = S3Server::start(S3_ENV, &[]);
    upload_fixtures(&s3, "rt-cache");
    let env = Env::new("test", "test");
    // Through a proxy, so that the "network" can be counted and then taken away.
    let proxy = Proxy::start(
        s3.port(),
        Fault::Drop {
            after: 0,
            connections: 0,
        },
    );
    let ep = format!("--endpoint-url=http://127.0.0.1:{}", proxy.port);
    let uri = format!("s3://rt-cache/conf-1/{INTERNALS}");

    let first = env.run(&["inspect", "--json", &uri, &ep]);
    assert!(first.status.success(), "{}", text(&first).1);
    let info = env.run(&["cache", "info"]);
    let (stdout, _) = text(&info);
    assert!(stdout.contains("objects: 1"), "{stdout}");
    let cached: Vec<_> = std::fs::read_dir(env.cache_dir())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "obj"))
        .collect();
    assert_eq!(cached.len(), 1);
    assert_eq!(
        std::fs::read(cached[0].path()).unwrap(),
        std::fs::read(common::bundled(INTERNALS)).unwrap(),
        "the cache holds the object as stored"
    );

    // Unchanged: the second open is answered 304 and read from the cache.
    let second = env.run(&["inspect", "--json", &uri, &ep]);
    assert_eq!(first.stdout, second.stdout);

    // A new version replaces it (new ETag).
    let rtcstats = std::fs::read(common::bundled(RTCSTATS)).unwrap();
    s3.put("rt-cache", &format!("conf-1/{INTERNALS}"), &rtcstats);
    let third = env.run(&["inspect", "--json", &uri, &ep]);
    let v: serde_json::Value = serde_json::from_slice(&third.stdout).unwrap();
    assert_eq!(v["format"], "rtcstats-v3");

    // No network: the latest cached copy opens, with a warning that says so.
    drop(proxy);
    let gone = ep.clone();
    let offline = env.run(&["inspect", "--json", &uri, &gone]);
    let (stdout, stderr) = text(&offline);
    assert!(offline.status.success(), "{stderr}");
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["format"], "rtcstats-v3");
    let w = v["warnings"][0]["message"].as_str().unwrap();
    assert!(
        w.contains("opened the cached copy") && w.contains("cannot reach"),
        "{w}"
    );

    // --no-cache goes to the network, and fails without it.
    let out = env.run(&["inspect", &uri, &gone, "--no-cache"]);
    assert_eq!(out.status.code(), Some(2));

    let cleared = env.run(&["cache", "clear"]);
    assert!(
        text(&cleared).0.contains("removed 2 cached object(s)"),
        "{}",
        text(&cleared).0
    );
    let out = env.run(&["inspect", &uri, &gone]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_dropped_connection_is_resumed_or_reported_with_the_offset() {
    let s3 = S3Server::start(S3_ENV, &[]);
    upload_fixtures(&s3, "rt-drop");
    let env = Env::new("test", "test");
    let uri = format!("s3://rt-drop/conf-1/{INTERNALS}");
    let expect = without_source(local_inspect(&common::bundled(INTERNALS)));

    // The first connection dies 40 kB into the body; the download resumes with a Range.
    let proxy = Proxy::start(
        s3.port(),
        Fault::Drop {
            after: 40_000,
            connections: 1,
        },
    );
    let ep = format!("--endpoint-url=http://127.0.0.1:{}", proxy.port);
    let out = env.run(&["inspect", "--json", "--no-cache", &uri, &ep]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    let got: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(without_source(got), expect);
    assert!(proxy.connections.load(std::sync::atomic::Ordering::Relaxed) >= 2);

    // Every connection dies: the error names the byte offset, and what was decoded before
    // the fault is kept.
    let proxy = Proxy::start(
        s3.port(),
        Fault::Drop {
            after: 8_000,
            connections: usize::MAX,
        },
    );
    let ep = format!("--endpoint-url=http://127.0.0.1:{}", proxy.port);
    let out = env.run(&["inspect", "--json", &uri, &ep]);
    let (stdout, stderr) = text(&out);
    assert!(
        out.status.success(),
        "partial data is still a result: {stderr}"
    );
    let got: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let w = got["warnings"][0]["message"].as_str().unwrap();
    assert!(
        w.contains("connection dropped after") && w.contains("bytes"),
        "{w}"
    );
    assert!(!got["peer_connections"].as_array().unwrap().is_empty());
    // Nothing incomplete was cached.
    let usage = env.run(&["cache", "info"]);
    assert!(text(&usage).0.contains("objects: 0"), "{}", text(&usage).0);
}

#[test]
fn missing_keys_buckets_and_unreachable_endpoints_say_so() {
    let s3 = S3Server::start(S3_ENV, &[]);
    s3.bucket("rt-missing");
    let env = Env::new("test", "test");
    let ep = format!("--endpoint-url={}", s3.endpoint);

    let out = env.run(&["inspect", "s3://rt-missing/nope.gz", &ep]);
    assert_eq!(out.status.code(), Some(2));
    let (_, stderr) = text(&out);
    assert!(
        stderr.contains("not found: s3://rt-missing/nope.gz"),
        "{stderr}"
    );

    let out = env.run(&["inspect", "s3://no-such-bucket-here/x.gz", &ep]);
    let (_, stderr) = text(&out);
    assert!(
        stderr.contains("no such bucket: no-such-bucket-here"),
        "{stderr}"
    );

    let out = env.run(&["ls", "s3://no-such-bucket-here/", &ep]);
    assert_eq!(out.status.code(), Some(2));

    let port = free_port();
    let out = env.run(&[
        "inspect",
        "s3://b/k.gz",
        &format!("--endpoint-url=http://127.0.0.1:{port}"),
    ]);
    let (_, stderr) = text(&out);
    assert!(
        stderr.contains(&format!("cannot reach http://127.0.0.1:{port}")),
        "{stderr}"
    );

    // A server that accepts and never answers: a timeout, not a hang.
    let silent = Silent::start();
    let start = Instant::now();
    let out = env.run(&[
        "inspect",
        "s3://b/k.gz",
        &format!("--endpoint-url=http://127.0.0.1:{}", silent.port),
        "--timeout=1",
    ]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr.contains("no answer within 1 s"), "{stderr}");
    assert!(start.elapsed() < Duration::from_secs(30));
}

#[test]
fn credentials_come_from_the_chain_and_bad_ones_are_named() {
    // moto with IAM: the first 5 actions need no auth (they create the users).
    let s3 = S3Server::start(S3_AUTH_ENV, &[("INITIAL_NO_AUTH_ACTION_COUNT", "5")]);
    s3.iam(&[("Action", "CreateUser"), ("UserName", "reader")]);
    let key = s3.iam(&[("Action", "CreateAccessKey"), ("UserName", "reader")]);
    let (id, secret) = (
        xml_value(&key, "AccessKeyId"),
        xml_value(&key, "SecretAccessKey"),
    );
    s3.iam(&[
        ("Action", "PutUserPolicy"),
        ("UserName", "reader"),
        ("PolicyName", "all-s3"),
        (
            "PolicyDocument",
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#,
        ),
    ]);
    s3.iam(&[("Action", "CreateUser"), ("UserName", "nobody")]);
    let key = s3.iam(&[("Action", "CreateAccessKey"), ("UserName", "nobody")]);
    let (id2, secret2) = (
        xml_value(&key, "AccessKeyId"),
        xml_value(&key, "SecretAccessKey"),
    );
    let ep = format!("--endpoint-url={}", s3.endpoint);

    // Keys from the environment.
    let env = Env::new(&id, &secret);
    let out = env.run(&["ls", "s3://", &ep]);
    assert!(out.status.success(), "valid keys list: {}", text(&out).1);

    // A profile in ~/.aws/credentials, chosen with --profile.
    let env = Env::new("", "");
    env.aws_file(
        "credentials",
        &format!("[ci]\naws_access_key_id = {id}\naws_secret_access_key = {secret}\n"),
    );
    let out = env.run(&["ls", "s3://", &ep, "--profile", "ci"]);
    assert!(
        out.status.success(),
        "profile credentials: {}",
        text(&out).1
    );

    // credential_process.
    let env = Env::new("", "");
    let script = env.dir.path().join("creds.sh");
    std::fs::write(
        &script,
        format!("#!/bin/sh\necho '{{\"Version\":1,\"AccessKeyId\":\"{id}\",\"SecretAccessKey\":\"{secret}\"}}'\n"),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    env.aws_file(
        "config",
        &format!(
            "[profile proc]\ncredential_process = {}\nregion = us-east-1\n",
            script.display()
        ),
    );
    let out = env.run(&["ls", "s3://", &ep, "--profile", "proc"]);
    assert!(out.status.success(), "credential_process: {}", text(&out).1);

    // Wrong secret, unknown key.
    let env = Env::new(&id, "not-the-secret");
    let out = env.run(&["ls", "s3://", &ep]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr.contains("were refused (SignatureDoesNotMatch)"),
        "{stderr}"
    );
    assert!(!stderr.contains("not-the-secret"), "no secret in errors");
    let env = Env::new("AKIAUNKNOWNUNKNOWN00", "x");
    let out = env.run(&["ls", "s3://", &ep]);
    assert!(
        text(&out).1.contains("were refused (InvalidAccessKeyId)"),
        "{}",
        text(&out).1
    );

    // Valid credentials without permission.
    let env = Env::new(&id2, &secret2);
    let out = env.run(&["ls", "s3://", &ep]);
    let (_, stderr) = text(&out);
    assert!(stderr.contains("access denied"), "{stderr}");
    assert!(!stderr.contains(&secret2));
}

#[test]
fn missing_and_expired_credentials_say_what_to_do() {
    let env = Env::new("", "");
    let out = env.run(&[
        "inspect",
        "s3://b/k.gz",
        "--endpoint-url=http://127.0.0.1:9",
    ]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr.contains("no AWS credentials found"), "{stderr}");

    // An SSO profile with no cached token: the user must log in again.
    env.aws_file(
        "config",
        "[profile corp]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = ReadOnly\nregion = us-east-1\n\
         [sso-session corp]\nsso_region = us-east-1\nsso_start_url = https://example.awsapps.com/start\n",
    );
    let out = env.run(&["inspect", "s3://b/k.gz", "--profile", "corp"]);
    let (_, stderr) = text(&out);
    assert!(
        stderr
            .contains("SSO session (profile corp) has expired: run `aws sso login --profile corp`"),
        "{stderr}"
    );

    // A credential_process that fails is named with its reason, not as "no credentials".
    env.aws_file(
        "config",
        "[profile broken]\ncredential_process = /bin/false\nregion = us-east-1\n",
    );
    let out = env.run(&[
        "inspect",
        "s3://b/k.gz",
        "--profile",
        "broken",
        "--endpoint-url=http://127.0.0.1:9",
    ]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr.contains("the AWS credentials (profile broken) could not be loaded"),
        "{stderr}"
    );

    // AWS itself with no region anywhere: said before any request is made.
    let mut no_region = Env::new("AKIAEXAMPLE", "secret");
    no_region.vars.retain(|(k, _)| k != "AWS_REGION");
    let out = no_region.run(&["inspect", "s3://b/k.gz"]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr.contains("no AWS region is set"), "{stderr}");
}
