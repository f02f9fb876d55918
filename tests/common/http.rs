//! A running `vtts serve` and a minimal HTTP/1.1 client, written for the tests
//! so that they control every byte: raw requests, chunked bodies, timings.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::{root, voice};

/// A server started by a test on a free loopback port; killed when dropped.
pub struct Server {
    pub child: Child,
    pub addr: String,
    pub audio_dir: PathBuf,
    pub log: Arc<Mutex<String>>,
    _dir: tempfile::TempDir,
}

impl Server {
    /// Starts `vtts serve` with the tiny voice (or `-m` in `args`) and waits until it listens.
    pub fn start(args: &[&str]) -> Server {
        Self::start_as(None, args)
    }

    /// As [`Server::start`], with the voices installed in `data_dir`.
    pub fn start_with_data(data_dir: &Path, args: &[&str]) -> Server {
        Self::launch(None, Some(data_dir), args)
    }

    /// As [`Server::start`], as user `uid` when given (through setpriv).
    pub fn start_as(uid: Option<u32>, args: &[&str]) -> Server {
        Self::launch(uid, None, args)
    }

    fn launch(uid: Option<u32>, data_dir: Option<&Path>, args: &[&str]) -> Server {
        let dir = tempfile::tempdir().unwrap();
        let audio_dir = dir.path().join("audio");
        let mut command = match uid {
            None => Command::new(env!("CARGO_BIN_EXE_vtts")),
            Some(uid) => {
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777))
                    .unwrap();
                let mut command = Command::new("setpriv");
                let id = uid.to_string();
                command.args([
                    "--reuid",
                    &id,
                    "--regid",
                    &id,
                    "--clear-groups",
                    env!("CARGO_BIN_EXE_vtts"),
                ]);
                command.env("HOME", "/nonexistent");
                command
            }
        };
        super::isolate(&mut command);
        if let Some(data_dir) = data_dir {
            command.env("VTTS_DATA_DIR", data_dir);
        }
        command
            .current_dir(root())
            .args(["serve", "--host", "127.0.0.1", "--port", "0"]);
        let audio_dir = match args.iter().position(|a| *a == "--audio-dir") {
            Some(i) => PathBuf::from(args[i + 1]),
            None => {
                command.arg("--audio-dir").arg(&audio_dir);
                audio_dir
            }
        };
        if !args.contains(&"-m") && !args.contains(&"--voices") {
            command.arg("-m").arg(voice(super::TINY));
        }
        let mut child = command
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("vtts serve starts");
        let mut stderr = BufReader::new(child.stderr.take().unwrap());
        let mut line = String::new();
        let addr = loop {
            line.clear();
            assert!(
                stderr.read_line(&mut line).unwrap() > 0,
                "vtts serve exited before listening"
            );
            if line.starts_with("vtts: serving ") {
                // No HTTP address with --no-http.
                let http = line.split("http://").nth(1);
                break http
                    .map_or("", |rest| rest.split_whitespace().next().unwrap())
                    .to_string();
            }
        };
        let log = Arc::new(Mutex::new(line));
        let sink = log.clone();
        std::thread::spawn(move || {
            for line in stderr.lines() {
                let Ok(line) = line else { break };
                let mut log = sink.lock().unwrap();
                log.push_str(&line);
                log.push('\n');
            }
        });
        Server {
            child,
            addr,
            audio_dir,
            log,
            _dir: dir,
        }
    }

    /// The `tcp://HOST:PORT` address of the server's first Wyoming listener.
    pub fn wyoming(&self) -> String {
        let log = self.log.lock().unwrap();
        let line = log.lines().next().unwrap_or_default();
        let at = line
            .find("tcp://")
            .expect("a Wyoming address in the first line");
        line[at..].split_whitespace().next().unwrap().to_string()
    }

    pub fn get(&self, target: &str) -> Response {
        self.request("GET", target, &[], b"")
    }

    pub fn post(&self, target: &str, content_type: &str, body: &[u8]) -> Response {
        self.request("POST", target, &[("Content-Type", content_type)], body)
    }

    pub fn request(
        &self,
        method: &str,
        target: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Response {
        let mut stream = self.connect();
        send(&mut stream, method, target, headers, body);
        read_response(&mut stream, method != "HEAD")
    }

    pub fn connect(&self) -> TcpStream {
        let stream = TcpStream::connect(&self.addr).expect("the server accepts connections");
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .unwrap();
        stream
    }

    /// Waits for the access log to contain `needle`.
    pub fn wait_for_log(&self, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let log = self.log.lock().unwrap().clone();
            if log.contains(needle) || Instant::now() > deadline {
                return log;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn terminate(&self) {
        // SAFETY: kill(2) with a pid we own and a valid signal number has no memory effects.
        unsafe { libc::kill(self.child.id() as i32, libc::SIGTERM) };
    }

    pub fn audio_path(&self, hash: &str) -> PathBuf {
        self.audio_dir.join(format!("{hash}.wav"))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn send(
    stream: &mut TcpStream,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) {
    let mut head = format!(
        "{method} {target} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n",
        stream.peer_addr().unwrap()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if !body.is_empty() || method == "POST" {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
}

#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    /// The `error` of a JSON error response with `status`.
    pub fn error(&self, status: u16) -> String {
        assert_eq!(
            self.status,
            status,
            "body: {}",
            String::from_utf8_lossy(&self.body)
        );
        assert!(
            self.header("Content-Type")
                .unwrap_or("")
                .starts_with("application/json")
        );
        self.json()["error"]
            .as_str()
            .expect("an error message")
            .to_string()
    }
}

/// Reads the status line and headers.
pub fn read_head(reader: &mut impl BufRead) -> (u16, Vec<(String, String)>) {
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    let status = line
        .split_whitespace()
        .nth(1)
        .unwrap_or_else(|| panic!("a status line, got {line:?}"))
        .parse()
        .unwrap();
    let mut headers = Vec::new();
    loop {
        line.clear();
        reader.read_line(&mut line).unwrap();
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(':').unwrap();
        headers.push((name.trim().to_string(), value.trim().to_string()));
    }
    (status, headers)
}

/// Reads one chunk of a chunked body; `None` at the last chunk.
pub fn read_chunk(reader: &mut impl BufRead) -> Option<Vec<u8>> {
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    let len = usize::from_str_radix(line.trim(), 16)
        .unwrap_or_else(|_| panic!("a chunk size, got {line:?}"));
    let mut chunk = vec![0; len + 2];
    reader.read_exact(&mut chunk).unwrap();
    chunk.truncate(len);
    (len > 0).then_some(chunk)
}

pub fn read_response(stream: &mut TcpStream, with_body: bool) -> Response {
    read_response_from(&mut BufReader::new(stream), with_body)
}

/// Reads one response from a reader that may hold more (pipelining).
pub fn read_response_from(reader: &mut impl BufRead, with_body: bool) -> Response {
    let (status, headers) = read_head(reader);
    if !with_body {
        return Response {
            status,
            headers,
            body: Vec::new(),
        };
    }
    let find = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    };
    let mut body = Vec::new();
    if find("Transfer-Encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        while let Some(chunk) = read_chunk(reader) {
            body.extend(chunk);
        }
    } else if let Some(len) = find("Content-Length") {
        body.resize(len.parse().unwrap(), 0);
        reader.read_exact(&mut body).unwrap();
    } else {
        reader.read_to_end(&mut body).unwrap();
    }
    Response {
        status,
        headers,
        body,
    }
}

/// `text` URL-encoded for a query string.
pub fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            b' ' => "+".to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

pub fn file_len(path: &Path) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}
