//! A running server under hostile input and faults: every case is answered
//! correctly or the connection is closed, and the server keeps serving others.

use crate::common;

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::os::unix::fs::PermissionsExt;
use std::time::{Duration, Instant};

use common::http::{Server, encode, read_chunk, read_head, read_response_from, send};
use common::*;
use serde_json::json;

/// Sends raw bytes and returns the status of the answer, or None if the
/// server closed the connection without one.
fn raw_exchange(server: &Server, bytes: &[u8]) -> Option<u16> {
    let mut stream = server.connect();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let _ = stream.write_all(bytes);
    let _ = stream.shutdown(std::net::Shutdown::Write);
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let text = String::from_utf8_lossy(&answer);
    text.split_whitespace().nth(1).and_then(|s| s.parse().ok())
}

fn still_serves(server: &Server) {
    assert_eq!(
        server.get("/health").status,
        200,
        "the server still answers"
    );
    assert_eq!(
        server.get("/tts?text=Xin+ch%C3%A0o").status,
        200,
        "and still synthesises"
    );
}

#[test]
fn paths_outside_the_audio_directory_are_never_served() {
    let server = Server::start(&[]);
    for target in [
        "/etc/passwd",
        "/audio/%00.wav",
        &format!("/audio/{}.wav%00", "a".repeat(40)),
        &format!("/audio/{}.wav/../../../etc/passwd", "a".repeat(40)),
        "/audio/%2F%2Fetc%2Fpasswd",
        "/audio/....//....//etc/passwd",
    ] {
        let response = server.get(target);
        assert_eq!(response.status, 404, "{target}");
        assert!(!String::from_utf8_lossy(&response.body).contains("root:"));
    }
    still_serves(&server);
}

#[test]
fn oversized_queries_and_bodies_are_refused() {
    let server = Server::start(&[]);
    let huge = format!(
        "GET /tts?text={} HTTP/1.1\r\nHost: x\r\n\r\n",
        "a".repeat(300_000)
    );
    let status = raw_exchange(&server, huge.as_bytes());
    assert!(status.is_none_or(|s| (400..500).contains(&s)), "{status:?}");
    let started = Instant::now();
    let declared = "POST /tts HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000000\r\n\r\n{\"text\": \"";
    assert_eq!(raw_exchange(&server, declared.as_bytes()), Some(413));
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "refused without reading 100 MB"
    );
    let body = serde_json::json!({"text": "a".repeat(200_000)}).to_string();
    let response = server.post("/tts", "application/json", body.as_bytes());
    assert!(matches!(response.status, 400 | 413), "{}", response.status);
    still_serves(&server);
}

#[test]
fn a_client_sending_a_byte_a_second_does_not_hold_a_worker() {
    let server = Server::start(&["--workers", "1", "--io-timeout", "2"]);
    let mut slow = server.connect();
    // Over 1 KiB: tiny_http reads smaller bodies itself, before vtts sees the request.
    slow.write_all(b"POST /tts HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{").unwrap();
    let dripping = std::thread::spawn(move || {
        let started = Instant::now();
        for _ in 0..60 {
            std::thread::sleep(Duration::from_secs(1));
            if slow.write_all(b" ").is_err() {
                break;
            }
            let mut peek = [0u8; 64];
            slow.set_nonblocking(true).unwrap();
            let got = slow.read(&mut peek);
            slow.set_nonblocking(false).unwrap();
            if let Ok(n) = got
                && n > 0
            {
                return (
                    started.elapsed(),
                    String::from_utf8_lossy(&peek[..n]).into_owned(),
                );
            }
        }
        (started.elapsed(), String::new())
    });
    // The one worker is free for others meanwhile.
    let started = Instant::now();
    assert_eq!(
        server
            .get(&format!("/tts?text={}", encode("Một câu khác.")))
            .status,
        200
    );
    assert!(started.elapsed() < Duration::from_secs(20));
    let (elapsed, answer) = dripping.join().unwrap();
    assert!(
        answer.contains("408"),
        "the slow body was cut off: {answer:?}"
    );
    assert!(elapsed < Duration::from_secs(15), "{elapsed:?}");
}

#[test]
fn a_client_that_stops_reading_a_stream_frees_its_worker() {
    let server = Server::start(&[
        "--workers",
        "1",
        "--io-timeout",
        "2",
        "--max-chars",
        "100000",
    ]);
    let text = encode(&"Câu này dài để lấp đầy bộ đệm của máy chủ. ".repeat(300));
    let mut stalled = server.connect();
    send(
        &mut stalled,
        "GET",
        &format!("/tts/stream?text={text}"),
        &[],
        b"",
    );
    let mut reader = BufReader::new(stalled.try_clone().unwrap());
    assert_eq!(read_head(&mut reader).0, 200);
    // Never read again; the next request needs the only worker.
    let started = Instant::now();
    let other = server.get("/tts/stream?text=Xin+ch%C3%A0o");
    assert_eq!(other.status, 200);
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "{:?}",
        started.elapsed()
    );
    drop(stalled);
}

#[test]
fn many_idle_connections_do_not_stop_the_server() {
    let server = Server::start(&[]);
    let idle: Vec<TcpStream> = (0..300).map(|_| server.connect()).collect();
    still_serves(&server);
    drop(idle);
    still_serves(&server);
}

#[test]
fn malformed_requests_get_an_error_or_a_closed_connection() {
    let server = Server::start(&[]);
    let cases: [&[u8]; 9] = [
        b"GARBAGE\r\n\r\n",
        b"\x00\x01\x02\xff\xfe\r\n\r\n",
        b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
        b"GET /health HTTP/1.1\r\nNo colon here\r\n\r\n",
        b"GET /health HTTP/9.9\r\n\r\n",
        b"BREW /tts HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET http://evil.example/etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n",
        b"POST /tts HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
        b"POST /tts HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nxx\r\n0\r\n\r\n",
    ];
    for case in cases {
        let status = raw_exchange(&server, case);
        assert!(
            status.is_none_or(|s| (400..600).contains(&s) && s != 500),
            "{:?}: {status:?}",
            String::from_utf8_lossy(case)
        );
    }
    let long_header = format!(
        "GET /health HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n",
        "b".repeat(200_000)
    );
    let status = raw_exchange(&server, long_header.as_bytes());
    assert!(
        status.is_none_or(|s| s == 200 || (400..500).contains(&s)),
        "{status:?}"
    );
    still_serves(&server);
}

#[test]
fn pipelined_requests_are_answered_in_order() {
    let server = Server::start(&[]);
    let mut stream = server.connect();
    stream
        .write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\nGET /nope HTTP/1.1\r\nHost: x\r\n\r\nGET /voices HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut reader = BufReader::new(stream);
    let first = read_response_from(&mut reader, true);
    let second = read_response_from(&mut reader, true);
    let third = read_response_from(&mut reader, true);
    assert_eq!((first.status, second.status, third.status), (200, 404, 200));
    assert_eq!(third.json()["voices"][0]["name"], "vi_VN-test-tiny");
}

#[test]
fn range_abuse_is_answered_within_the_rules() {
    let server = Server::start(&[]);
    let hash = server.get("/tts?text=Xin").json()["hash"]
        .as_str()
        .unwrap()
        .to_string();
    let target = format!("/audio/{hash}.wav");
    let many = format!("bytes={}", "0-0,".repeat(2000));
    for range in [
        many.as_str(),
        "bytes=99999999999999999999999-",
        "bytes=-99999999999999999999999",
        "bytes=-",
        "bytes=5-2",
        "bytes= - ",
        "items=0-1",
        "bytes=0-18446744073709551615",
    ] {
        let response = server.request("GET", &target, &[("Range", range)], b"");
        assert!(
            matches!(response.status, 200 | 206 | 416),
            "{range}: {}",
            response.status
        );
    }
    still_serves(&server);
}

#[test]
fn a_client_leaving_mid_stream_stops_its_synthesis() {
    let server = Server::start(&["--max-chars", "100000"]);
    let sentences = 300;
    let text = (0..sentences)
        .map(|_| "Đây là một câu để thử.")
        .collect::<Vec<_>>()
        .join(" ");
    let mut stream = server.connect();
    send(
        &mut stream,
        "POST",
        "/tts/stream",
        &[("Content-Type", "application/json")],
        serde_json::json!({"text": text}).to_string().as_bytes(),
    );
    let mut reader = BufReader::new(stream);
    assert_eq!(read_head(&mut reader).0, 200);
    read_chunk(&mut reader).unwrap();
    drop(reader);
    std::thread::sleep(Duration::from_secs(2));
    let count = |s: &Server| {
        s.get("/health").json()["sentences_synthesised"]
            .as_u64()
            .unwrap()
    };
    let after_leaving = count(&server);
    std::thread::sleep(Duration::from_secs(1));
    assert_eq!(count(&server), after_leaving, "synthesis stopped");
    assert!(
        after_leaving < sentences as u64,
        "{after_leaving} of {sentences} synthesised for nobody"
    );
}

#[test]
fn an_unwritable_audio_directory_fails_clearly_and_recovers() {
    let server = Server::start_as(Some(10001), &[]);
    assert_eq!(server.get("/health").status, 200);
    fs::set_permissions(&server.audio_dir, fs::Permissions::from_mode(0o555)).unwrap();
    let message = server.get("/tts?text=Ch%C3%A0o").error(500);
    assert!(message.contains("cannot write the audio file"), "{message}");
    assert!(message.contains("Permission denied"), "{message}");
    let dir = server.audio_dir.display().to_string();
    assert!(
        !message.contains(&dir),
        "the answer shows the server's folder: {message}"
    );
    assert_eq!(
        server.get("/tts/stream?text=Ch%C3%A0o").status,
        200,
        "streaming needs no disk"
    );
    fs::set_permissions(&server.audio_dir, fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(server.get("/tts?text=Ch%C3%A0o").status, 200, "recovered");
}

/// A tmpfs of 64 KiB mounted over the audio directory, unmounted on drop.
struct TinyDisk(std::path::PathBuf);

impl TinyDisk {
    fn mount(path: &std::path::Path) -> TinyDisk {
        let status = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=64k", "tmpfs"])
            .arg(path)
            .status()
            .unwrap();
        assert!(
            status.success(),
            "mounting a small tmpfs (tests run as root)"
        );
        TinyDisk(path.to_path_buf())
    }
}

impl Drop for TinyDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn a_full_disk_fails_clearly_leaves_no_partial_file_and_recovers() {
    let server = Server::start(&[]);
    let disk = TinyDisk::mount(&server.audio_dir);
    let long = encode(&"Câu này dài để làm đầy đĩa. ".repeat(20));
    let message = server.get(&format!("/tts?text={long}")).error(500);
    assert!(
        message.contains("No space left") || message.contains("cannot write"),
        "{message}"
    );
    let left: Vec<_> = fs::read_dir(&server.audio_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(left.is_empty(), "nothing half-written stays: {left:?}");
    assert_eq!(
        server.get("/tts?text=Xin").status,
        200,
        "small files still fit"
    );
    drop(disk);
    assert_eq!(
        server.get(&format!("/tts?text={long}")).status,
        200,
        "recovered"
    );
}

#[test]
fn a_kill_during_a_write_never_leads_to_a_partial_file_being_served() {
    let mut server = Server::start(&[]);
    let text = encode(&"Câu này để thử khi máy chủ bị giết giữa chừng. ".repeat(60));
    let target = format!("/tts?text={text}");
    let mut stream = server.connect();
    send(&mut stream, "GET", &target, &[], b"");
    // Wait until the file is being written, then kill -9.
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline && fs::read_dir(&server.audio_dir).unwrap().next().is_none() {
        std::thread::sleep(Duration::from_millis(5));
    }
    server.child.kill().unwrap();
    server.child.wait().unwrap();
    let names: Vec<String> = fs::read_dir(&server.audio_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names.iter().all(|n| n.ends_with(".partial")),
        "only a partial file: {names:?}"
    );

    let restarted = Server::start(&["--audio-dir", server.audio_dir.to_str().unwrap()]);
    let json = restarted.get(&target).json();
    let audio = restarted.get(&format!("/audio/{}.wav", json["hash"].as_str().unwrap()));
    assert_eq!(audio.status, 200);
    let declared = u32::from_le_bytes(audio.body[40..44].try_into().unwrap()) as usize;
    assert_eq!(declared, audio.body.len() - 44, "a complete WAV");
    let (_, samples) = read_wav(&audio.body);
    assert!(samples.len() > 22050 * 10);
}

#[test]
fn a_truncated_voice_file_stops_the_server_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("cut.onnx");
    let bytes = fs::read(voice(TINY)).unwrap();
    fs::write(&model, &bytes[..bytes.len() / 2]).unwrap();
    fs::copy(
        voice(&format!("{TINY}.json")),
        dir.path().join("cut.onnx.json"),
    )
    .unwrap();
    let output = run(
        vtts()
            .arg("serve")
            .arg("-m")
            .arg(&model)
            .args(["--port", "0"]),
        b"",
    );
    fails(&output, 1, "loading voice model");
}

#[test]
fn a_list_as_text_and_a_parameter_given_twice_are_refused() {
    let server = Server::start(&[]);
    for (body, says) in [
        (r#"{"text": ["xin", "chào"]}"#, "`text` must be a string"),
        (r#"{"text": {"a": 1}}"#, "`text` must be a string"),
        (
            r#"{"text": "Xin chào.", "speed": [1]}"#,
            "`speed` must be a string",
        ),
    ] {
        let response = server.post("/tts", "application/json", body.as_bytes());
        let message = response.error(400);
        assert!(message.contains(says), "{body}: {message}");
    }
    let twice = server.get("/tts?text=Xin+ch%C3%A0o&text=T%E1%BA%A1m+bi%E1%BB%87t");
    let message = twice.error(400);
    assert!(message.contains("`text` is given twice"), "{message}");
    still_serves(&server);
}

#[test]
fn a_short_request_cannot_make_unbounded_audio_or_a_dead_link() {
    let server = Server::start(&["--max-audio-seconds", "120", "--cache-max-mb", "1"]);
    // The finding: "1" × 5000 at length scale 10 held a worker for 88 s and
    // wrote 1.5 GB. Now the file stops at the limit, with no file left.
    let ones = json!({"text": "1".repeat(2000), "length_scale": 10}).to_string();
    let started = Instant::now();
    let message = server
        .post("/tts", "application/json", ones.as_bytes())
        .error(413);
    assert!(message.contains("limit of 120 s"), "{message}");
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "{:?}",
        started.elapsed()
    );
    assert!(
        fs::read_dir(&server.audio_dir).unwrap().next().is_none(),
        "no file is left"
    );

    // A file larger than the whole audio directory: 507, never a dead link.
    let long =
        "Hôm nay trời Hà Nội trong xanh và nắng nhẹ, người dân đổ ra đường đi dạo. ".repeat(3);
    let body = json!({"text": long, "length_scale": 2}).to_string();
    let message = server
        .post("/tts", "application/json", body.as_bytes())
        .error(507);
    assert!(message.contains("--cache-max-mb"), "{message}");
    assert!(fs::read_dir(&server.audio_dir).unwrap().next().is_none());

    // The audio directory, removed while the server runs, is made again.
    fs::remove_dir_all(&server.audio_dir).unwrap();
    still_serves(&server);
    assert!(fs::read_dir(&server.audio_dir).unwrap().count() >= 1);

    // A stream whose first sentence is over the limit gets 413 before any audio.
    let strict = Server::start(&["--max-audio-seconds", "1"]);
    let slow =
        json!({"text": "Xin chào các bạn, hôm nay trời đẹp quá.", "length_scale": 3}).to_string();
    let message = strict
        .post("/tts/stream", "application/json", slow.as_bytes())
        .error(413);
    assert!(message.contains("limit of 1 s"), "{message}");

    // --cache-max-mb 0 is refused at start.
    let output = run(
        vtts().args(["serve", "-m", TINY, "--cache-max-mb", "0"]),
        b"",
    );
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
}

#[test]
fn links_are_built_from_a_valid_host_only_and_absolute_targets_work() {
    let server = Server::start(&[]);
    let link = |host: Option<&str>| {
        let mut stream = server.connect();
        let host_line = host.map_or(String::new(), |h| format!("Host: {h}\r\n"));
        let request =
            format!("GET /tts?text=Ch%C3%A0o HTTP/1.1\r\n{host_line}Connection: close\r\n\r\n");
        stream.write_all(request.as_bytes()).unwrap();
        let mut reader = BufReader::new(stream);
        let response = read_response_from(&mut reader, true);
        assert_eq!(response.status, 200);
        response.json()["audio_url"].as_str().unwrap().to_string()
    };
    let own = format!("http://{}/audio/", server.addr);
    assert!(link(Some("vtts.example:8888")).starts_with("http://vtts.example:8888/audio/"));
    for bad in ["evil/phish?", "", "a b", "x\"y"] {
        let url = link(Some(bad));
        assert!(url.starts_with(&own), "Host {bad:?} gave {url}");
    }
    assert!(link(None).starts_with(&own));

    // GET http://host/tts, as a proxy may send it.
    let mut stream = server.connect();
    let target = format!("http://{}/health", server.addr);
    send(&mut stream, "GET", &target, &[], b"");
    let mut reader = BufReader::new(stream);
    assert_eq!(read_response_from(&mut reader, true).status, 200);
}

#[test]
fn the_server_raises_its_open_files_limit_to_the_hard_one() {
    let mut command = std::process::Command::new("prlimit");
    command.args([
        "--nofile=256:4096",
        "--",
        env!("CARGO_BIN_EXE_vtts"),
        "serve",
        "-m",
    ]);
    command
        .arg(voice(TINY))
        .args(["--host", "127.0.0.1", "--port", "0", "--audio-dir"]);
    let dir = tempfile::tempdir().unwrap();
    command.arg(dir.path());
    isolate(&mut command);
    let mut child = command
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stderr.as_mut().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert!(line.contains("serving"), "{line}");
    let limits = fs::read_to_string(format!("/proc/{}/limits", child.id())).unwrap();
    let _ = child.kill();
    let _ = child.wait();
    let open_files = limits
        .lines()
        .find(|l| l.starts_with("Max open files"))
        .unwrap();
    let numbers: Vec<&str> = open_files
        .split_whitespace()
        .filter(|w| w.parse::<u64>().is_ok())
        .collect();
    assert_eq!(numbers, ["4096", "4096"], "{open_files}");
}

#[test]
fn an_old_leftover_in_the_audio_directory_goes_without_a_restart() {
    let server = Server::start(&[]);
    let old = server
        .audio_dir
        .join(format!(".{}.wav.4242-0.partial", "e".repeat(40)));
    fs::write(&old, b"half a file from a read-only spell").unwrap();
    let file = fs::File::options().append(true).open(&old).unwrap();
    let two_hours = Duration::from_secs(2 * 60 * 60);
    file.set_modified(std::time::SystemTime::now() - two_hours)
        .unwrap();
    let foreign = server.audio_dir.join(".notes.partial");
    fs::write(&foreign, b"not vtts's").unwrap();
    assert_eq!(server.get("/tts?text=Xin+ch%C3%A0o").status, 200);
    assert!(!old.exists(), "the old leftover is still there");
    assert!(foreign.exists(), "only vtts's own leftovers are removed");
}
