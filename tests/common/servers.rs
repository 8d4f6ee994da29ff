//! Servers for the remote-source tests, all on 127.0.0.1: an S3-compatible server (moto),
//! a proxy that drops or slows connections, a server that never answers, and a small
//! HTTPS server with a self-signed certificate.
#![allow(dead_code)]

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

/// Puts moto's test credentials in this process's environment, and keeps the real
/// `~/.aws` files and instance metadata out of it.
///
/// # Safety
/// Only for a test binary with a single test that calls this before starting any thread.
pub unsafe fn use_test_credentials() {
    for (k, v) in [
        ("AWS_ACCESS_KEY_ID", "test"),
        ("AWS_SECRET_ACCESS_KEY", "test"),
        ("AWS_REGION", "us-east-1"),
        ("AWS_EC2_METADATA_DISABLED", "true"),
        ("AWS_CONFIG_FILE", "/nonexistent"),
        ("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent"),
    ] {
        // SAFETY: the caller guarantees no other thread runs.
        unsafe { std::env::set_var(k, v) };
    }
}

/// A free port on 127.0.0.1.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn wait_for(port: u16, what: &str) {
    let start = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "{what} did not start on port {port}"
        );
        thread::sleep(Duration::from_millis(100));
    }
}

/// An S3-compatible server: the one `.ci/run` started (its URL in `env_var`), or a
/// `moto_server` this test starts and stops.
pub struct S3Server {
    pub endpoint: String,
    child: Option<Child>,
}

impl S3Server {
    /// `env_var` names the endpoint of a server started outside the tests; without it,
    /// starts `moto_server` with the given extra environment.
    pub fn start(env_var: &str, env: &[(&str, &str)]) -> S3Server {
        if let Ok(endpoint) = std::env::var(env_var) {
            return S3Server {
                endpoint,
                child: None,
            };
        }
        let port = free_port();
        let child = moto_command()
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "the S3 tests need an S3-compatible server: set {env_var} to one, or \
                     install moto_server with `pip install 'moto[server]'` ({e})"
                )
            });
        wait_for(port, "moto_server");
        S3Server {
            endpoint: format!("http://127.0.0.1:{port}"),
            child: Some(child),
        }
    }

    /// The port of the endpoint.
    pub fn port(&self) -> u16 {
        self.endpoint.rsplit(':').next().unwrap().parse().unwrap()
    }

    /// An unsigned request (moto accepts them while auth is off, or during its first
    /// unauthenticated actions). `service` picks the moto backend via the credential scope.
    pub fn raw(&self, method: &str, path: &str, service: &str, body: &[u8]) -> (u16, String) {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .new_agent();
        let auth = format!(
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261126/us-east-1/{service}/aws4_request, SignedHeaders=host, Signature=00"
        );
        let url = format!("{}{path}", self.endpoint);
        let resp = match method {
            "PUT" => agent.put(&url).header("Authorization", &auth).send(body),
            "POST" => agent
                .post(&url)
                .header("Authorization", &auth)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .send(body),
            _ => panic!("{method}"),
        }
        .unwrap();
        let status = resp.status().as_u16();
        let text = resp.into_body().read_to_string().unwrap_or_default();
        (status, text)
    }

    /// Creates `bucket` (no-auth server).
    pub fn bucket(&self, bucket: &str) {
        let (s, t) = self.raw("PUT", &format!("/{bucket}"), "s3", b"");
        assert_eq!(s, 200, "{t}");
    }

    /// Uploads `bytes` as `bucket/key` (no-auth server).
    pub fn put(&self, bucket: &str, key: &str, bytes: &[u8]) {
        let (s, t) = self.raw("PUT", &format!("/{bucket}/{key}"), "s3", bytes);
        assert_eq!(s, 200, "{t}");
    }

    /// An IAM action on the query API; returns the response text.
    pub fn iam(&self, params: &[(&str, &str)]) -> String {
        let mut body = String::from("Version=2010-05-08");
        for (k, v) in params {
            body.push_str(&format!("&{k}={}", urlencode(v)));
        }
        let (s, t) = self.raw("POST", "/", "iam", body.as_bytes());
        assert_eq!(s, 200, "{t}");
        t
    }
}

/// How to start moto: `moto_server` on PATH, else python3's `moto.server` module, else a
/// virtualenv under `target/` that the first test to need it creates (so that `cargo test`
/// works on a fresh machine with python3 and PyPI access).
fn moto_command() -> Command {
    let works = |cmd: &mut Command| {
        cmd.stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    if works(Command::new("moto_server").arg("--help")) {
        return Command::new("moto_server");
    }
    if works(Command::new("python3").args(["-c", "import moto.server"])) {
        let mut c = Command::new("python3");
        c.args(["-m", "moto.server"]);
        return c;
    }
    let target = Path::new(env!("CARGO_MANIFEST_DIR")).join("target");
    let venv = target.join("moto-venv");
    let server = venv.join("bin/moto_server");
    std::fs::create_dir_all(&target).unwrap();
    // Tests run in parallel: one creates the environment, the others wait for it.
    let lock = std::fs::File::create(target.join("moto-venv.lock")).unwrap();
    lock.lock().unwrap();
    if !server.exists() {
        let ok = works(Command::new("python3").args(["-m", "venv"]).arg(&venv))
            && works(Command::new(venv.join("bin/pip")).args([
                "install",
                "--quiet",
                "moto[server]",
            ]));
        assert!(
            ok,
            "could not install moto into {}: install it with `pip install 'moto[server]'`",
            venv.display()
        );
    }
    drop(lock);
    Command::new(server)
}

impl Drop for S3Server {
    fn drop(&mut self) {
        if let Some(c) = &mut self.child {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The text between `<tag>` and `</tag>`.
pub fn xml_value(xml: &str, tag: &str) -> String {
    let open = format!("<{tag}>");
    let start = xml.find(&open).unwrap_or_else(|| panic!("{tag} in {xml}")) + open.len();
    let end = xml[start..].find(&format!("</{tag}>")).unwrap() + start;
    xml[start..end].to_owned()
}

/// How the proxy treats server-to-client bytes.
#[derive(Clone, Copy)]
pub enum Fault {
    /// Cut the first `connections` connections after `after` bytes.
    Drop { after: usize, connections: usize },
    /// Pass `chunk` bytes every `every`.
    Slow { chunk: usize, every: Duration },
}

/// A TCP proxy to `127.0.0.1:target` with a [`Fault`].
pub struct Proxy {
    pub port: u16,
    pub connections: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
}

impl Proxy {
    pub fn start(target: u16, fault: Fault) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let connections = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let (count, halt) = (connections.clone(), stop.clone());
        thread::spawn(move || {
            for client in listener.incoming() {
                if halt.load(Ordering::Relaxed) {
                    return;
                }
                let Ok(client) = client else { continue };
                let n = count.fetch_add(1, Ordering::Relaxed);
                let Ok(server) = TcpStream::connect(("127.0.0.1", target)) else {
                    continue;
                };
                let (c2, s2) = (client.try_clone().unwrap(), server.try_clone().unwrap());
                // Client to server: untouched.
                thread::spawn(move || pipe(c2, s2, None, n));
                thread::spawn(move || pipe(server, client, Some(fault), n));
            }
        });
        Proxy {
            port,
            connections,
            stop,
        }
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn pipe(mut from: TcpStream, mut to: TcpStream, fault: Option<Fault>, index: usize) {
    let mut buf = [0u8; 16 * 1024];
    let mut sent = 0usize;
    loop {
        let want = match fault {
            Some(Fault::Slow { chunk, .. }) => chunk.min(buf.len()),
            _ => buf.len(),
        };
        let n = match from.read(&mut buf[..want]) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        let mut n_out = n;
        if let Some(Fault::Drop { after, connections }) = fault
            && index < connections
            && sent + n >= after
        {
            n_out = after - sent;
            let _ = to.write_all(&buf[..n_out]);
            break;
        }
        if to.write_all(&buf[..n_out]).is_err() {
            break;
        }
        sent += n_out;
        if let Some(Fault::Slow { every, .. }) = fault {
            thread::sleep(every);
        }
    }
    let _ = to.shutdown(Shutdown::Both);
    let _ = from.shutdown(Shutdown::Both);
}

/// A port that accepts connections and never answers.
pub struct Silent {
    pub port: u16,
}

impl Silent {
    pub fn start() -> Silent {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        thread::spawn(move || {
            let mut held = Vec::new();
            for c in listener.incoming().flatten() {
                held.push(c);
            }
        });
        Silent { port }
    }
}

/// A minimal HTTPS server for one file, with a fresh self-signed certificate for
/// `127.0.0.1` and `localhost`. It answers `ETag`, `If-None-Match` (304) and `Range`
/// (206), and can cut its first responses short.
pub struct Https {
    pub port: u16,
    /// The certificate, PEM, for `--ca-bundle`.
    pub ca_pem: String,
    /// Requests served.
    pub requests: Arc<AtomicUsize>,
}

impl Https {
    /// Serves `body` at `/<name>` (anything else is 404); the first `cut` responses stop
    /// after half the body.
    pub fn start(name: &str, body: Vec<u8>, etag: &str, cut: usize) -> Https {
        let cert = rcgen::generate_simple_self_signed(vec![
            "127.0.0.1".to_owned(),
            "localhost".to_owned(),
        ])
        .unwrap();
        let ca_pem = cert.cert.pem();
        let key = rustls::pki_types::PrivateKeyDer::Pkcs8(cert.signing_key.serialize_der().into());
        let config = Arc::new(
            rustls::ServerConfig::builder_with_provider(Arc::new(
                rustls::crypto::ring::default_provider(),
            ))
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(vec![cert.cert.der().clone()], key)
            .unwrap(),
        );
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let requests = Arc::new(AtomicUsize::new(0));
        let (count, path, etag, body) = (
            requests.clone(),
            format!("/{name}"),
            etag.to_owned(),
            Arc::new(body),
        );
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (config, path, etag, body, count) = (
                    config.clone(),
                    path.clone(),
                    etag.clone(),
                    body.clone(),
                    count.clone(),
                );
                thread::spawn(move || {
                    let conn = rustls::ServerConnection::new(config).unwrap();
                    let mut tls = rustls::StreamOwned::new(conn, stream);
                    let _ = serve_one(&mut tls, &path, &etag, &body, &count, cut);
                    tls.conn.send_close_notify();
                    let _ = tls.flush();
                });
            }
        });
        Https {
            port,
            ca_pem,
            requests,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("https://127.0.0.1:{}{path}", self.port)
    }

    /// Writes the certificate to `dir/ca.pem` and returns its path.
    pub fn write_ca(&self, dir: &Path) -> std::path::PathBuf {
        let p = dir.join("ca.pem");
        std::fs::write(&p, &self.ca_pem).unwrap();
        p
    }
}

fn serve_one(
    s: &mut (impl Read + Write),
    path: &str,
    etag: &str,
    body: &[u8],
    count: &AtomicUsize,
    cut: usize,
) -> io::Result<()> {
    let mut reader = BufReader::new(&mut *s);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    let mut range_from = None;
    let mut if_none_match = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" {
            break;
        }
        let (k, v) = line.split_once(':').unwrap_or((&line, ""));
        let v = v.trim();
        match k.to_ascii_lowercase().as_str() {
            "range" => {
                range_from = v
                    .strip_prefix("bytes=")
                    .and_then(|r| r.strip_suffix('-'))
                    .and_then(|r| r.parse::<usize>().ok());
            }
            "if-none-match" => if_none_match = Some(v.to_owned()),
            _ => {}
        }
    }
    drop(reader);
    let n = count.fetch_add(1, Ordering::Relaxed);
    let target = request_line.split_whitespace().nth(1).unwrap_or("");
    let target = target.split('?').next().unwrap_or("");
    if target != path {
        return s.write_all(
            b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        );
    }
    if if_none_match.as_deref() == Some(etag) {
        return s.write_all(
            format!("HTTP/1.1 304 Not Modified\r\nETag: {etag}\r\nConnection: close\r\n\r\n")
                .as_bytes(),
        );
    }
    let from = range_from.unwrap_or(0).min(body.len());
    let part = &body[from..];
    let status = if range_from.is_some() {
        "206 Partial Content"
    } else {
        "200 OK"
    };
    s.write_all(
        format!(
            "HTTP/1.1 {status}\r\nETag: {etag}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            part.len()
        )
        .as_bytes(),
    )?;
    if n < cut {
        s.write_all(&part[..part.len() / 2])?;
        s.flush()?;
        return Err(io::Error::other("cut on purpose"));
    }
    s.write_all(part)
}
