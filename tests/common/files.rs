//! A file server on loopback standing in for the voice host: it serves fixed
//! files, honours `Range`, can cut a transfer short or send it slowly, and
//! records what it was asked.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How the server misbehaves.
#[derive(Debug, Clone, Copy, Default)]
pub struct Behaviour {
    /// Close the connection after this many body bytes, for the first N bodies longer than that.
    pub cut_after: Option<(usize, usize)>,
    /// Pause between 64 KiB pieces of a body.
    pub pace: Option<Duration>,
}

/// Each request: its path and its Range header, if any.
pub type RequestLog = Arc<Mutex<Vec<(String, Option<String>)>>>;

pub struct FileServer {
    pub base_url: String,
    pub requests: RequestLog,
}

impl FileServer {
    pub fn start(files: Vec<(String, Vec<u8>)>, behaviour: Behaviour) -> FileServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let log = requests.clone();
        std::thread::spawn(move || {
            let mut cuts_left = behaviour.cut_after.map_or(0, |(_, n)| n);
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { break };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                if reader.read_line(&mut line).is_err() {
                    continue;
                }
                let path = line.split_whitespace().nth(1).unwrap_or("").to_string();
                let mut range = None;
                loop {
                    let mut header = String::new();
                    if reader.read_line(&mut header).is_err() || header.trim().is_empty() {
                        break;
                    }
                    if let Some((name, value)) = header.split_once(':')
                        && name.eq_ignore_ascii_case("range")
                    {
                        range = Some(value.trim().to_string());
                    }
                }
                log.lock().unwrap().push((path.clone(), range.clone()));
                let Some((_, body)) = files.iter().find(|(p, _)| *p == path) else {
                    let _ = stream.write_all(
                        b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                    );
                    continue;
                };
                let start = range
                    .as_deref()
                    .and_then(|r| r.strip_prefix("bytes="))
                    .and_then(|r| r.strip_suffix('-'))
                    .and_then(|r| r.parse::<usize>().ok())
                    .filter(|&s| s < body.len());
                let (status, part) = match start {
                    Some(s) => (
                        format!(
                            "206 Partial Content\r\nContent-Range: bytes {s}-{}/{}",
                            body.len() - 1,
                            body.len()
                        ),
                        &body[s..],
                    ),
                    None => ("200 OK".to_string(), &body[..]),
                };
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    part.len()
                );
                let limit = match behaviour.cut_after {
                    Some((bytes, _)) if cuts_left > 0 && part.len() > bytes => {
                        cuts_left -= 1;
                        bytes
                    }
                    _ => part.len(),
                };
                for piece in part[..limit].chunks(64 * 1024) {
                    if stream.write_all(piece).is_err() {
                        break;
                    }
                    if let Some(pace) = behaviour.pace {
                        std::thread::sleep(pace);
                    }
                }
                let _ = stream.flush();
            }
        });
        FileServer { base_url, requests }
    }
}
