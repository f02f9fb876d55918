//! The Wyoming protocol as Home Assistant speaks it: driven by the `wyoming`
//! package from PyPI (`tests/wyoming/client.py`) at the version HA pins and
//! at the current release, and by raw bytes for what a well-behaved client
//! never sends. Also the server's several voices, over HTTP.

use crate::common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::time::{Duration, Instant};

use common::http::{Server, encode};
use common::*;
use serde_json::{Value, json};

/// What HA pins, and the current release (tools/setup-test-env.sh installs both).
const VERSIONS: [&str; 2] = ["1.7.2", "1.10.2"];

const TEXT: &str = "Xin chào các bạn. Tôi ở TP. HCM từ năm 2020. Hôm nay trời đẹp quá!";

/// Runs client.py with the wyoming package at `version`; its JSON report.
fn client(version: &str, args: &[&str]) -> Value {
    let output = run(
        std::process::Command::new(reference_python())
            .env(
                "PYTHONPATH",
                root().join(format!(".venv/wyoming-{version}")),
            )
            .arg(root().join("tests/wyoming/client.py"))
            .args(args),
        b"",
    );
    assert!(
        output.status.success(),
        "client.py {args:?} (wyoming {version}): {}",
        stderr(&output)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

/// A copy of the tiny voice (or `model`) named `name` that draws no noise, so
/// that every run of a text gives the same samples.
fn quiet_voice(dir: &Path, name: &str, model: &str) -> String {
    voice_copy(dir, name, model, |config| {
        config["inference"]["noise_scale"] = json!(0.0);
        config["inference"]["noise_w"] = json!(0.0);
    })
    .display()
    .to_string()
}

fn start(args: &[&str]) -> Server {
    let mut all = vec!["--wyoming", "tcp://127.0.0.1:0"];
    all.extend_from_slice(args);
    Server::start(&all)
}

/// The kinds of events a report saw, without the audio chunks.
fn kinds(report: &Value) -> Vec<String> {
    report["kinds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k.as_str().unwrap().to_string())
        .filter(|k| k != "audio-chunk")
        .collect()
}

/// The names `/voices` lists, in its order.
fn served_voices(server: &Server) -> Vec<String> {
    let voices = server.get("/voices").json();
    voices["voices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["name"].as_str().unwrap().to_string())
        .collect()
}

fn pcm(path: &Path) -> Vec<i16> {
    std::fs::read(path)
        .unwrap()
        .chunks_exact(2)
        .map(|b| i16::from_le_bytes([b[0], b[1]]))
        .collect()
}

#[test]
fn home_assistant_reads_info_and_picks_the_voices() {
    let dir = tempfile::tempdir().unwrap();
    let multi = quiet_voice(dir.path(), "multi", TINY_MULTI);
    let server = start(&["-m", TINY, "-m", &multi]);
    for version in VERSIONS {
        let info = client(version, &["info", &server.wyoming()]);
        assert_eq!(info["program"], "vtts", "{info}");
        assert_eq!(info["streaming"], true);
        assert_eq!(info["languages"], json!(["vi", "vi_VN"]));
        let voices = info["voices"].as_array().unwrap();
        let names: Vec<&str> = voices.iter().map(|v| v["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["vi_VN-test-tiny", "multi"]);
        assert_eq!(
            voices[0]["speakers"],
            Value::Null,
            "one speaker: none listed"
        );
        let speakers = voices[1]["speakers"].as_array().unwrap();
        assert_eq!(speakers.len(), 4, "{info}");
    }
}

#[test]
fn both_flows_give_the_samples_of_tts_stream() {
    let dir = tempfile::tempdir().unwrap();
    let quiet = quiet_voice(dir.path(), "quiet", TINY);
    let server = start(&["-m", &quiet]);
    let http = server.get(&format!("/tts/stream?format=pcm&text={}", encode(TEXT)));
    assert_eq!(http.status, 200);
    let expected: Vec<i16> = http
        .body
        .chunks_exact(2)
        .map(|b| i16::from_le_bytes([b[0], b[1]]))
        .collect();
    assert!(expected.len() > 22050, "{} samples", expected.len());

    for version in VERSIONS {
        // Home Assistant's non-streaming request: one audio-start, one audio-stop.
        let out = dir.path().join(format!("whole-{version}.pcm"));
        let whole = client(
            version,
            &["speak", &server.wyoming(), out.to_str().unwrap(), TEXT],
        );
        assert_eq!(kinds(&whole), ["audio-start", "audio-stop"], "{version}");
        assert_eq!(whole["format"], json!([22050, 2, 1]));
        let chunks = whole["chunk_samples"].as_array().unwrap();
        assert!(chunks.iter().filter(|n| **n == 1024).count() >= chunks.len() - 3);
        assert!(
            pcm(&out) == expected,
            "{version}: synthesize differs from /tts/stream"
        );

        // Its streaming request, cut inside words and inside "TP. HCM" and "2020.":
        // a triple per sentence, then synthesize-stopped.
        let out = dir.path().join(format!("stream-{version}.pcm"));
        let mut args = vec![
            "stream",
            &server.wyoming() as &str,
            out.to_str().unwrap(),
            "quiet",
        ]
        .into_iter()
        .map(str::to_string)
        .collect::<Vec<_>>();
        for piece in [
            "Xin ch",
            "ào các bạn. Tôi ở TP",
            ". HCM từ năm 20",
            "20. Hôm nay trời đ",
            "ẹp quá!",
        ] {
            args.push(piece.to_string());
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let stream = client(version, &args);
        assert_eq!(
            kinds(&stream),
            [
                "audio-start",
                "audio-stop",
                "audio-start",
                "audio-stop",
                "audio-start",
                "audio-stop",
                "synthesize-stopped"
            ],
            "{version}"
        );
        assert_eq!(
            stream["starts"],
            json!([[22050, 2, 1], [22050, 2, 1], [22050, 2, 1]])
        );
        assert!(
            pcm(&out) == expected,
            "{version}: the stream differs from /tts/stream"
        );
    }
}

#[test]
fn the_voice_the_speaker_and_the_chunk_size_are_honoured() {
    let dir = tempfile::tempdir().unwrap();
    let multi = quiet_voice(dir.path(), "multi", TINY_MULTI);
    let low = voice_copy(dir.path(), "low", TINY, |config| {
        config["audio"]["sample_rate"] = json!(16000);
    });
    let server = start(&[
        "-m",
        TINY,
        "-m",
        &multi,
        "-m",
        low.to_str().unwrap(),
        "--samples-per-chunk",
        "500",
    ]);
    let uri = server.wyoming();
    let version = VERSIONS[1];
    let out = dir.path().join("out.pcm");
    let out = out.to_str().unwrap();

    let report = client(version, &["speak", &uri, out, "Xin chào.", "low"]);
    assert_eq!(report["format"], json!([16000, 2, 1]), "{report}");
    let chunks = report["chunk_samples"].as_array().unwrap();
    assert!(
        chunks[..chunks.len() - 1].iter().all(|n| *n == 500),
        "{chunks:?}"
    );

    let mut voices = Vec::new();
    for speaker in ["0", "1"] {
        client(
            version,
            &["speak", &uri, out, "Xin chào.", "multi", speaker],
        );
        voices.push(pcm(Path::new(out)));
    }
    let config: Value =
        serde_json::from_str(&std::fs::read_to_string(format!("{multi}.json")).unwrap()).unwrap();
    let (name, _) = config["speaker_id_map"]
        .as_object()
        .unwrap()
        .iter()
        .find(|(_, id)| **id == 1)
        .unwrap();
    client(version, &["speak", &uri, out, "Xin chào.", "multi", name]);
    assert!(voices[0] != voices[1], "speakers 0 and 1 sound the same");
    assert!(
        pcm(Path::new(out)) == voices[1],
        "speaker {name} is not speaker 1"
    );

    let report = client(version, &["speak", &uri, out, "Xin chào.", "nobody"]);
    let kinds = kinds(&report);
    assert_eq!(kinds.len(), 2, "{kinds:?}");
    assert!(kinds[0].starts_with("error: ") && kinds[0].contains("vi_VN-test-tiny, multi, low"));
    assert_eq!(kinds[1], "closed", "an error closes the connection");
}

#[test]
fn describe_is_answered_at_once_while_every_worker_synthesises() {
    let server = start(&["--workers", "1", "--queue", "16"]);
    let long = TEXT.repeat(6);
    let report = client(VERSIONS[0], &["load", &server.wyoming(), &long, "4"]);
    assert_eq!(report["complete"], 4, "{report}");
    let mut latencies: Vec<f64> = report["describe_ms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    latencies.sort_by(f64::total_cmp);
    assert!(
        latencies.len() >= 3,
        "describe ran {} times during the load",
        latencies.len()
    );
    let median = latencies[latencies.len() / 2];
    let worst = latencies[latencies.len() - 1];
    println!(
        "describe under load (1 worker, 4 clients): {} calls, median {median:.1} ms, worst {worst:.1} ms",
        latencies.len()
    );
    // Home Assistant's own limit; the timing itself is reported in BENCHMARKS.md.
    assert!(worst < 1000.0, "describe took {worst} ms");
}

#[test]
fn a_unix_socket_and_wyoming_alone_work() {
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("vtts.sock");
    let uri = format!("unix://{}", socket.display());
    let server = Server::start(&["--wyoming", &uri, "--no-http"]);
    let out = dir.path().join("out.pcm");
    let report = client(
        VERSIONS[1],
        &["speak", &uri, out.to_str().unwrap(), "Xin chào."],
    );
    assert_eq!(kinds(&report), ["audio-start", "audio-stop"]);
    assert!(std::fs::metadata(&out).unwrap().len() > 4000);
    assert!(server.addr.is_empty(), "no HTTP with --no-http");
    let mut server = server;
    server.terminate();
    assert!(server.child.wait().unwrap().success());
    assert!(!socket.exists(), "the socket file is removed at stop");
}

/// A raw connection to the server's Wyoming port.
struct Raw {
    reader: BufReader<TcpStream>,
    stream: TcpStream,
}

impl Raw {
    fn connect(server: &Server) -> Raw {
        let stream = TcpStream::connect(server.wyoming().trim_start_matches("tcp://")).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        Raw {
            reader: BufReader::new(stream.try_clone().unwrap()),
            stream,
        }
    }

    fn send(&mut self, bytes: &[u8]) {
        // The server may close before everything is written.
        let _ = self.stream.write_all(bytes);
    }

    /// The next event's type and data, or None at the end of the connection.
    fn event(&mut self) -> Option<(String, Value)> {
        let mut line = String::new();
        if self.reader.read_line(&mut line).unwrap_or(0) == 0 {
            return None;
        }
        let header: Value = serde_json::from_str(&line).unwrap();
        let mut data = json!({});
        if let Some(n) = header["data_length"].as_u64() {
            let mut block = vec![0; n as usize];
            self.reader.read_exact(&mut block).unwrap();
            data = serde_json::from_slice(&block).unwrap();
        }
        if let Some(n) = header["payload_length"].as_u64() {
            let mut payload = vec![0; n as usize];
            self.reader.read_exact(&mut payload).unwrap();
        }
        Some((header["type"].as_str().unwrap().to_string(), data))
    }

    /// The error the server sends, and that it then closes the connection.
    fn error(&mut self) -> String {
        let (kind, data) = self.event().expect("an error event");
        assert_eq!(kind, "error", "{data}");
        assert!(
            self.event().is_none(),
            "the connection is closed after an error"
        );
        data["text"].as_str().unwrap().to_string()
    }
}

#[test]
fn hostile_bytes_get_an_error_and_the_server_goes_on() {
    let server = start(&["--max-chars", "100", "--io-timeout", "2"]);
    let healthy = |server: &Server| {
        let info = client(VERSIONS[0], &["info", &server.wyoming()]);
        assert_eq!(info["program"], "vtts");
    };
    let cases: [(&str, Vec<u8>, &str); 7] = [
        (
            "a 70 KB header line",
            format!(
                "{{\"type\": \"describe\", \"pad\": \"{}\"}}\n",
                "a".repeat(70_000)
            )
            .into_bytes(),
            "longer than",
        ),
        ("bad JSON", b"{\"type\": describe}\n".to_vec(), "not JSON"),
        (
            "a negative data_length",
            b"{\"type\": \"synthesize\", \"data_length\": -5}\n".to_vec(),
            "data_length",
        ),
        (
            "a huge data_length",
            b"{\"type\": \"synthesize\", \"data_length\": 100000000000}\n".to_vec(),
            "over the limit",
        ),
        (
            "a huge payload_length",
            b"{\"type\": \"audio-chunk\", \"payload_length\": 99999999999}\n".to_vec(),
            "over the limit",
        ),
        (
            "text over --max-chars",
            format!(
                "{{\"type\": \"synthesize\", \"data\": {{\"text\": \"{}\"}}}}\n",
                "chào ".repeat(30)
            )
            .into_bytes(),
            "over the limit of 100",
        ),
        (
            "a stream over --max-chars",
            format!(
                "{{\"type\": \"synthesize-start\"}}\n{}",
                format!(
                    "{{\"type\": \"synthesize-chunk\", \"data\": {{\"text\": \"{}\"}}}}\n",
                    "chào ".repeat(8)
                )
                .repeat(4)
            )
            .into_bytes(),
            "over the limit of 100",
        ),
    ];
    for (what, bytes, says) in cases {
        let mut raw = Raw::connect(&server);
        raw.send(&bytes);
        let error = raw.error();
        assert!(error.contains(says), "{what}: {error}");
        healthy(&server);
    }

    // Unknown events are ignored, and the connection goes on.
    let mut raw = Raw::connect(&server);
    raw.send(b"{\"type\": \"select-program\", \"data\": {\"name\": \"x\"}}\n{\"type\": \"no-such-event\"}\n\n{\"type\": \"ping\", \"data\": {\"text\": \"hi\"}}\n");
    assert_eq!(
        raw.event(),
        Some(("pong".to_string(), json!({"text": "hi"})))
    );
    // A stop without a start still gets its answer.
    raw.send(b"{\"type\": \"synthesize-stop\"}\n");
    assert_eq!(
        raw.event().map(|(kind, _)| kind).as_deref(),
        Some("synthesize-stopped")
    );

    // A client that stalls in the middle of an event is dropped after
    // --io-timeout, and others are served meanwhile.
    let mut stalled = Raw::connect(&server);
    let started = Instant::now();
    stalled.send(b"{\"type\": \"synthesize\", \"data_length\": 40}\n{\"text\":");
    healthy(&server);
    let error = stalled.error();
    assert!(error.contains("no event"), "{error}");
    assert!(started.elapsed() >= Duration::from_secs(2));
    healthy(&server);
}

#[test]
fn one_server_offers_several_voices_over_http_too() {
    let dir = tempfile::tempdir().unwrap();
    let a = quiet_voice(dir.path(), "alpha", TINY);
    // The seed-3 weights share the tiny voice's config.
    let b = quiet_voice(dir.path(), "beta", TINY);
    std::fs::copy(voice(TINY_SEED3), &b).unwrap();
    let server = Server::start(&["-m", &a, "-m", &b, "--max-loaded-voices", "1"]);

    let names = served_voices(&server);
    assert_eq!(names, ["alpha", "beta"]);
    assert_eq!(
        server.get("/health").json()["voices_loaded"],
        json!(["alpha"])
    );

    let text = encode("Xin chào các bạn.");
    let alpha = server.get(&format!("/tts/stream?format=pcm&text={text}"));
    let beta = server.get(&format!("/tts/stream?format=pcm&text={text}&voice=beta"));
    assert_eq!((alpha.status, beta.status), (200, 200));
    assert!(alpha.body != beta.body, "voice=beta spoke with alpha");
    // Only one stays loaded: beta now, and alpha again after it is used.
    assert_eq!(
        server.get("/health").json()["voices_loaded"],
        json!(["beta"])
    );
    let again = server.get(&format!("/tts/stream?format=pcm&text={text}&voice=alpha"));
    assert!(again.body == alpha.body, "alpha reloaded speaks as before");
    assert_eq!(
        server.get("/health").json()["voices_loaded"],
        json!(["alpha"])
    );

    let saved = server.post(
        "/tts",
        "application/json",
        json!({"text": "Xin chào các bạn.", "voice": "beta"})
            .to_string()
            .as_bytes(),
    );
    assert_eq!(saved.status, 200);
    assert_eq!(saved.json()["voice"], "beta");

    // OpenAI's voice names mean the default voice; an installed voice's name picks it.
    let speech = |voice: &str| {
        let body = json!({"model": "tts-1", "input": "Xin chào các bạn.", "voice": voice, "response_format": "pcm"});
        server.post(
            "/v1/audio/speech",
            "application/json",
            body.to_string().as_bytes(),
        )
    };
    let (alloy, by_name) = (speech("alloy"), speech("beta"));
    assert_eq!((alloy.status, by_name.status), (200, 200));
    assert!(alloy.body != by_name.body);
    let ids: Vec<String> = server.get("/v1/audio/voices").json()["voices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, ["alpha", "beta"]);

    let unknown = server.get(&format!("/tts/stream?text={text}&voice=gamma"));
    let message = unknown.error(400);
    assert!(message.contains("alpha, beta"), "{message}");
}

#[test]
fn zeroconf_announces_the_port_to_home_assistants_library() {
    // A name of this run's own, so that other servers on the network do not count.
    let name = format!("vtts-test-{}", std::process::id());
    let server = Server::start(&["--wyoming", "tcp://0.0.0.0:0", "--zeroconf", &name]);
    let port = server
        .wyoming()
        .rsplit(':')
        .next()
        .unwrap()
        .parse::<u64>()
        .unwrap();
    let output = run(
        std::process::Command::new(reference_python())
            .arg(root().join("tests/wyoming/browse.py"))
            .arg(&name),
        b"",
    );
    assert!(output.status.success(), "browse.py: {}", stderr(&output));
    let found: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        found[format!("{name}._wyoming._tcp.local.")],
        port,
        "{found}"
    );

    // And --zeroconf without a TCP address is a usage error.
    let refused = run(
        vtts().args([
            "serve",
            "-m",
            TINY,
            "--wyoming",
            "unix:///tmp/x.sock",
            "--zeroconf",
        ]),
        b"",
    );
    assert_eq!(refused.status.code(), Some(2), "a usage error");
    assert!(
        stderr(&refused).contains("--zeroconf needs a TCP address"),
        "{}",
        stderr(&refused)
    );
}

#[test]
fn voices_installed_offers_every_installed_voice() {
    let data = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    for name in ["vi_VN-b", "vi_VN-a"] {
        let copy = voice_copy(dir.path(), name, TINY, |_| {});
        let output = run(
            vtts()
                .env("VTTS_DATA_DIR", data.path())
                .args(["voices", "install"])
                .arg(&copy),
            b"",
        );
        assert!(output.status.success(), "{}", stderr(&output));
    }
    let server = Server::start_with_data(
        data.path(),
        &[
            "-m",
            TINY,
            "--voices",
            "installed",
            "--wyoming",
            "tcp://127.0.0.1:0",
        ],
    );
    let names = served_voices(&server);
    assert_eq!(
        names,
        ["vi_VN-test-tiny", "vi_VN-a", "vi_VN-b"],
        "named first, then installed"
    );
    let info = client(VERSIONS[1], &["info", &server.wyoming()]);
    assert_eq!(info["voices"].as_array().unwrap().len(), 3, "{info}");
}
