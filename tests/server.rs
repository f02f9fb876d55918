//! `vtts serve` over real HTTP on loopback: every endpoint, every error,
//! streaming, concurrency, overload and a graceful stop.

use crate::common;

use std::io::{BufReader, Read};
use std::os::unix::fs::MetadataExt;
use std::time::{Duration, Instant};

use common::http::{Server, encode, file_len, read_chunk, read_head, send};
use common::*;

const EXACT: &str = "&noise_scale=0&noise_w=0";
const TWO: &str = "Xin chào các bạn. Hôm nay trời đẹp quá!";

fn samples_of(wav: &[u8]) -> Vec<i16> {
    raw_samples(&wav[44..])
}

#[test]
fn tts_saves_a_wav_and_answers_with_a_link() {
    let server = Server::start(&[]);
    let response = server.get(&format!("/tts?text={}&speed=slow", encode(TWO)));
    assert_eq!(response.status, 200);
    let json = response.json();
    let hash = json["hash"].as_str().unwrap();
    assert_eq!(hash.len(), 40);
    assert!(hash.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_eq!(json["text"], TWO);
    assert_eq!(json["speed"], "slow");
    assert_eq!(
        json["audio_url"],
        format!("http://{}/audio/{hash}.wav", server.addr)
    );

    let audio = server.get(&format!("/audio/{hash}.wav"));
    assert_eq!(audio.status, 200);
    assert_eq!(audio.header("Content-Type"), Some("audio/wav"));
    assert_eq!(
        audio.header("Content-Length"),
        Some(audio.body.len().to_string().as_str())
    );
    let (rate, samples) = read_wav(&audio.body);
    assert_eq!(rate, 22050);
    assert!(samples.len() > 22050, "two sentences of audio");
    assert_eq!(std::fs::read(server.audio_path(hash)).unwrap(), audio.body);
}

#[test]
fn a_repeated_request_is_answered_from_the_saved_file() {
    let server = Server::start(&[]);
    let target = format!("/tts?text={}", encode("Lặp lại một lần nữa."));
    let first = server.get(&target).json();
    let path = server.audio_path(first["hash"].as_str().unwrap());
    let inode = std::fs::metadata(&path).unwrap().ino();
    let second = server.get(&target).json();
    assert_eq!(first, second);
    assert_eq!(
        std::fs::metadata(&path).unwrap().ino(),
        inode,
        "the file was not synthesised again"
    );
    assert_eq!(second["speed"], "normal", "speed defaults to normal");
}

#[test]
fn the_hash_depends_on_text_speed_and_voice() {
    let tiny = Server::start(&[]);
    let multi = Server::start(&["-m", voice(TINY_MULTI).to_str().unwrap()]);
    let hash =
        |server: &Server, query: &str| server.get(&format!("/tts?{query}")).json()["hash"].clone();
    let base = hash(&tiny, "text=Xin+ch%C3%A0o");
    assert_ne!(base, hash(&tiny, "text=Xin+ch%C3%A0o&speed=fast"));
    assert_ne!(base, hash(&tiny, "text=Ch%C3%A0o"));
    assert_ne!(base, hash(&multi, "text=Xin+ch%C3%A0o"));
}

#[test]
fn post_accepts_json_and_form_bodies() {
    let server = Server::start(&[]);
    let json = server.post(
        "/tts",
        "application/json",
        r#"{"text": "Xin chào.", "speed": "fast"}"#.as_bytes(),
    );
    let form = server.post(
        "/tts",
        "application/x-www-form-urlencoded",
        b"text=Xin+ch%C3%A0o.&speed=fast",
    );
    let get = server.get("/tts?text=Xin+ch%C3%A0o.&speed=fast");
    assert_eq!(json.json()["hash"], get.json()["hash"]);
    assert_eq!(form.json()["hash"], get.json()["hash"]);
    let long_text = "Một câu khá dài để kiểm tra. ".repeat(60);
    let response = server.post(
        "/tts",
        "application/json",
        serde_json::json!({"text": long_text})
            .to_string()
            .as_bytes(),
    );
    assert_eq!(
        response.status, 200,
        "texts too long for a URL go in the body"
    );
}

#[test]
fn the_stream_is_the_same_wav_that_tts_saves() {
    let server = Server::start(&[]);
    let query = format!("text={}{EXACT}", encode(TWO));
    let saved = server.get(&format!("/tts?{query}")).json();
    let file = std::fs::read(server.audio_path(saved["hash"].as_str().unwrap())).unwrap();
    let streamed = server.get(&format!("/tts/stream?{query}"));
    assert_eq!(streamed.status, 200);
    assert_eq!(streamed.header("Content-Type"), Some("audio/wav"));
    assert_eq!(streamed.header("Transfer-Encoding"), Some("chunked"));
    assert_eq!(&streamed.body[..4], b"RIFF");
    let stream = samples_of(&streamed.body);
    assert!(
        same_speech(&stream, &samples_of(&file)),
        "the saved audio, streamed"
    );
    let posted = server.post(
        "/tts/stream",
        "application/json",
        serde_json::json!({"text": TWO, "noise_scale": 0, "noise_w": 0})
            .to_string()
            .as_bytes(),
    );
    assert_eq!(samples_of(&posted.body), stream);
    let entries = std::fs::read_dir(&server.audio_dir).unwrap().count();
    assert_eq!(entries, 1, "streaming writes nothing to disk");
}

#[test]
fn the_first_audio_leaves_before_the_last_sentence_is_synthesised() {
    let server = Server::start(&[]);
    let sentences = 200;
    let text = (0..sentences)
        .map(|i| format!("Đây là câu số {}.", ["một", "hai", "ba"][i % 3]))
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
    let (status, _) = read_head(&mut reader);
    assert_eq!(status, 200);
    let mut received = Vec::new();
    while received.len() < 44 + 2 {
        received.extend(read_chunk(&mut reader).expect("audio chunks"));
    }
    // The client now stops reading: a server that streams must wait for it,
    // one that buffered would already have synthesised every sentence.
    std::thread::sleep(Duration::from_millis(500));
    let done = server.get("/health").json()["sentences_synthesised"]
        .as_u64()
        .unwrap();
    assert!(
        done < sentences as u64,
        "all {sentences} sentences were synthesised before the client read them"
    );
    let mut rest = Vec::new();
    while let Some(chunk) = read_chunk(&mut reader) {
        rest.extend(chunk);
    }
    assert!(!rest.is_empty());
}

#[test]
fn the_page_health_and_voices_answer() {
    let server = Server::start(&["-m", voice(TINY_MULTI).to_str().unwrap()]);
    let page = server.get("/");
    assert_eq!(page.status, 200);
    assert_eq!(
        page.header("Content-Type"),
        Some("text/html; charset=utf-8")
    );
    let html = String::from_utf8(page.body).unwrap();
    for needle in [
        "<textarea",
        "very_slow",
        "very_fast",
        "Xin chào",
        "tts/stream",
    ] {
        assert!(html.contains(needle), "the page has {needle}");
    }
    assert_eq!(server.get("/health").json()["status"], "ok");
    let voices = server.get("/voices").json();
    assert_eq!(voices["voices"][0]["name"], "vi_VN-test-tiny_multi");
    assert_eq!(voices["voices"][0]["sample_rate"], 22050);
    assert_eq!(voices["voices"][0]["num_speakers"], 4);
    assert_eq!(voices["voices"][0]["speakers"].as_array().unwrap().len(), 4);
}

#[test]
fn speakers_can_be_chosen_and_unknown_ones_are_refused() {
    let server = Server::start(&["-m", voice(TINY_MULTI).to_str().unwrap()]);
    let audio = |speaker: &str| {
        server
            .get(&format!(
                "/tts/stream?text=Xin+ch%C3%A0o{EXACT}&speaker={speaker}"
            ))
            .body
    };
    assert_ne!(audio("0"), audio("1"));
    assert_eq!(audio("1"), audio("speaker_1"));
    let message = server.get("/tts?text=x&speaker=99").error(400);
    assert!(message.contains("unknown speaker \"99\""), "{message}");
}

#[test]
fn bad_requests_get_400_with_a_message_that_names_the_problem() {
    let server = Server::start(&["--max-chars", "50"]);
    let cases: [(&str, &str); 8] = [
        ("/tts", "missing or empty text"),
        ("/tts?text=+++", "missing or empty text"),
        (
            "/tts?text=x&speed=warp",
            "very_slow, slow, normal, fast, very_fast",
        ),
        ("/tts/stream?text=x&speed=warp", "unknown speed"),
        ("/tts?text=%C3%28", "UTF-8"),
        (
            "/tts?text=x&length_scale=99",
            "length_scale: 99 is outside the range 0.1 to 10",
        ),
        ("/tts?text=%E2%98%83", "nothing to say"),
        ("/tts/stream?text=%E2%98%83", "nothing to say"),
    ];
    for (target, needle) in cases {
        let message = server.get(target).error(400);
        assert!(message.contains(needle), "{target}: {message}");
    }
    let long = format!("/tts?text={}", "a".repeat(51));
    assert!(
        server
            .get(&long)
            .error(400)
            .contains("over the limit of 50")
    );
    assert!(
        server
            .post("/tts", "application/json", b"{\"text\": ")
            .error(400)
            .contains("malformed JSON")
    );
    assert!(
        server
            .post("/tts", "application/json", b"[1]")
            .error(400)
            .contains("must be an object")
    );
    assert!(
        server
            .post("/tts", "text/plain", b"text=\xff")
            .error(400)
            .contains("UTF-8")
    );
}

#[test]
fn unknown_paths_are_404_and_wrong_methods_405() {
    let server = Server::start(&[]);
    assert!(server.get("/nope").error(404).contains("/nope"));
    let response = server.request("DELETE", "/tts", &[], b"");
    assert!(response.error(405).contains("DELETE"));
    assert_eq!(response.header("Allow"), Some("GET, POST"));
    assert_eq!(server.get("/v1/audio/speech").status, 405);
}

#[test]
fn saved_files_serve_ranges_and_nothing_outside_the_directory() {
    let server = Server::start(&[]);
    let hash = server.get("/tts?text=Xin+ch%C3%A0o").json()["hash"]
        .as_str()
        .unwrap()
        .to_string();
    let whole = server.get(&format!("/audio/{hash}.wav")).body;
    let part = server.request(
        "GET",
        &format!("/audio/{hash}.wav"),
        &[("Range", "bytes=10-19")],
        b"",
    );
    assert_eq!(part.status, 206);
    assert_eq!(
        part.header("Content-Range"),
        Some(format!("bytes 10-19/{}", whole.len()).as_str())
    );
    assert_eq!(part.body, whole[10..20]);
    let tail = server.request(
        "GET",
        &format!("/audio/{hash}.wav"),
        &[("Range", "bytes=-4")],
        b"",
    );
    assert_eq!(tail.body, whole[whole.len() - 4..]);
    let beyond = server.request(
        "GET",
        &format!("/audio/{hash}.wav"),
        &[("Range", "bytes=999999999-")],
        b"",
    );
    assert_eq!(beyond.status, 416);
    let head = server.request("HEAD", &format!("/audio/{hash}.wav"), &[], b"");
    assert_eq!(head.status, 200);
    assert_eq!(
        head.header("Content-Length"),
        Some(whole.len().to_string().as_str())
    );

    std::os::unix::fs::symlink("/etc/passwd", server.audio_path(&"e".repeat(40))).unwrap();
    std::fs::write(server.audio_dir.join("secret.txt"), b"secret").unwrap();
    for target in [
        "/audio/../../etc/passwd",
        "/audio/%2e%2e/%2e%2e/etc/passwd",
        "/audio//etc/passwd",
        "/audio/secret.txt",
        "/audio/..%2fsecret.txt",
        &format!("/audio/{}.wav", "e".repeat(40)),
        &format!("/audio/{}.wav", "0".repeat(40)),
    ] {
        let response = server.get(target);
        assert_eq!(response.status, 404, "{target}");
        assert!(
            !String::from_utf8_lossy(&response.body).contains("root:"),
            "{target}"
        );
    }
}

#[test]
fn parallel_clients_get_their_own_correct_audio() {
    let server = Server::start(&["--workers", "2"]);
    let texts = [
        "Một hai ba.",
        "Bốn năm sáu bảy.",
        "Tám chín mười.",
        "Xin chào tất cả mọi người.",
    ];
    let alone: Vec<Vec<u8>> = texts
        .iter()
        .map(|t| {
            server
                .get(&format!("/tts/stream?text={}{EXACT}", encode(t)))
                .body
        })
        .collect();
    let together: Vec<Vec<u8>> = std::thread::scope(|scope| {
        let handles: Vec<_> = texts
            .iter()
            .map(|t| {
                let server = &server;
                scope.spawn(move || {
                    server
                        .get(&format!("/tts/stream?text={}{EXACT}", encode(t)))
                        .body
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    // A request that runs while no other does gets the solo session on every
    // core, the others a one-thread session each; the thread count changes
    // the order of float sums, so samples may differ by one step, as they do
    // against piper-tts. Anything mixed up between requests differs by far more.
    for ((a, b), text) in alone.iter().zip(&together).zip(texts) {
        assert_eq!(a.len(), b.len(), "{text}");
        let (a, b) = (raw_samples(&a[44..]), raw_samples(&b[44..]));
        let worst = a
            .iter()
            .zip(&b)
            .map(|(&x, &y)| (i32::from(x) - i32::from(y)).abs())
            .max();
        assert!(
            worst <= Some(1),
            "{text}: samples differ by up to {worst:?}"
        );
    }
    for (i, a) in alone.iter().enumerate() {
        for b in &alone[i + 1..] {
            assert_ne!(a, b);
        }
    }
}

#[test]
fn overload_gets_503_with_retry_after_not_a_hang() {
    let server = Server::start(&["--workers", "1", "--queue", "1"]);
    let text = encode(&"Câu này dài để giữ máy bận. ".repeat(30));
    let started = Instant::now();
    let statuses: Vec<(u16, Option<String>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..8)
            .map(|_| {
                let (server, text) = (&server, &text);
                scope.spawn(move || {
                    let r = server.get(&format!("/tts/stream?text={text}"));
                    (r.status, r.header("Retry-After").map(str::to_string))
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert!(
        statuses.iter().all(|(s, _)| *s == 200 || *s == 503),
        "{statuses:?}"
    );
    assert!(statuses.iter().any(|(s, _)| *s == 200), "{statuses:?}");
    let busy: Vec<_> = statuses.iter().filter(|(s, _)| *s == 503).collect();
    assert!(
        !busy.is_empty(),
        "one worker and a queue of one cannot take 8 at once: {statuses:?}"
    );
    assert!(busy.iter().all(|(_, retry)| retry.as_deref() == Some("1")));
    assert!(started.elapsed() < Duration::from_secs(120));
    assert_eq!(
        server.get("/health").status,
        200,
        "the server still answers"
    );
}

#[test]
fn cors_is_open_by_default_and_configurable() {
    let open = Server::start(&[]);
    assert_eq!(
        open.get("/health").header("Access-Control-Allow-Origin"),
        Some("*")
    );
    assert_eq!(
        open.get("/tts/stream?text=Xin")
            .header("Access-Control-Allow-Origin"),
        Some("*")
    );
    let preflight = open.request(
        "OPTIONS",
        "/tts",
        &[
            ("Origin", "https://a.example"),
            ("Access-Control-Request-Method", "POST"),
        ],
        b"",
    );
    assert_eq!(preflight.status, 204);
    assert!(
        preflight
            .header("Access-Control-Allow-Methods")
            .unwrap()
            .contains("POST")
    );
    let narrow = Server::start(&["--cors-origin", "https://app.example"]);
    assert_eq!(
        narrow.get("/health").header("Access-Control-Allow-Origin"),
        Some("https://app.example")
    );
    let closed = Server::start(&["--cors-origin", ""]);
    assert_eq!(
        closed.get("/health").header("Access-Control-Allow-Origin"),
        None
    );
}

#[test]
fn public_url_sets_the_base_of_links() {
    let server = Server::start(&["--public-url", "https://tts.example.org/"]);
    let json = server.get("/tts?text=Xin").json();
    assert_eq!(
        json["audio_url"],
        format!(
            "https://tts.example.org/audio/{}.wav",
            json["hash"].as_str().unwrap()
        )
    );
}

#[test]
fn the_audio_directory_stays_within_its_bound() {
    let server = Server::start(&["--cache-max-mb", "1"]);
    let mut hashes = Vec::new();
    for i in 0..12 {
        let text = format!(
            "Câu thứ {} khá dài để tạo ra một tệp âm thanh lớn hơn một chút.",
            [
                "một",
                "hai",
                "ba",
                "bốn",
                "năm",
                "sáu",
                "bảy",
                "tám",
                "chín",
                "mười",
                "mười một",
                "mười hai"
            ][i]
        );
        hashes.push(
            server.get(&format!("/tts?text={}", encode(&text))).json()["hash"]
                .as_str()
                .unwrap()
                .to_string(),
        );
    }
    let total: u64 = hashes
        .iter()
        .map(|h| common::http::file_len(&server.audio_path(h)))
        .sum();
    assert!(total <= 1024 * 1024, "{total} bytes kept");
    assert!(
        server.audio_path(hashes.last().unwrap()).exists(),
        "the newest file stays"
    );
    assert!(
        !server.audio_path(&hashes[0]).exists(),
        "the oldest file went first"
    );
    assert_eq!(server.get(&format!("/audio/{}.wav", hashes[0])).status, 404);
}

#[test]
fn each_request_is_logged_without_its_text() {
    let server = Server::start(&[]);
    server.get("/tts?text=B%C3%AD+m%E1%BA%ADt");
    let log = server.wait_for_log("GET /tts 200");
    let line = log.lines().find(|l| l.starts_with("GET /tts 200")).unwrap();
    assert!(
        !line.contains("text") && !line.contains("B%C3%AD"),
        "{line}"
    );
    assert!(line.ends_with("ms"), "{line}");
}

#[test]
fn sigterm_finishes_the_request_in_flight_then_exits_0() {
    let mut server = Server::start(&["--workers", "1"]);
    let text = encode(&"Câu này để thử dừng máy chủ một cách êm đẹp. ".repeat(40));
    let mut stream = server.connect();
    send(
        &mut stream,
        "GET",
        &format!("/tts/stream?text={text}"),
        &[],
        b"",
    );
    let mut reader = BufReader::new(stream);
    let (status, _) = read_head(&mut reader);
    assert_eq!(status, 200);
    let first = read_chunk(&mut reader).unwrap();
    assert!(!first.is_empty());
    server.terminate();
    let mut body = first;
    while let Some(chunk) = read_chunk(&mut reader) {
        body.extend(chunk);
    }
    let mut end = Vec::new();
    reader.read_to_end(&mut end).unwrap();
    assert!(
        body.len() > 44 + 40 * 2000,
        "the whole stream arrived: {} bytes",
        body.len()
    );
    let status = server.child.wait().unwrap();
    assert!(status.success(), "{status}");
    assert!(
        std::net::TcpStream::connect(&server.addr).is_err(),
        "no new connections after a stop"
    );
    let log = server.log.lock().unwrap().clone();
    assert!(log.contains("stopping") && log.contains("stopped"), "{log}");
}

/// An HTTP/1.0 `/tts/stream` request with `extra` headers: the head of
/// the answer, the reader of its body, and the samples HTTP/1.1 gets.
fn http_1_0_stream(
    extra: &str,
) -> (
    Vec<(String, String)>,
    BufReader<std::net::TcpStream>,
    Vec<i16>,
) {
    use std::io::Write;
    let server = Server::start(&[]);
    let mut stream = server.connect();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    write!(
        stream,
        "GET /tts/stream?text=Xin+ch%C3%A0o.{EXACT} HTTP/1.0\r\n{extra}\r\n"
    )
    .unwrap();
    let mut reader = BufReader::new(stream);
    let (status, headers) = read_head(&mut reader);
    assert_eq!(status, 200);
    let chunked = server
        .get(&format!("/tts/stream?text=Xin+ch%C3%A0o.{EXACT}"))
        .body;
    (headers, reader, samples_of(&chunked))
}

fn header<'h>(headers: &'h [(String, String)], name: &str) -> Option<&'h str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

#[test]
fn http_1_0_keep_alive_clients_get_the_whole_stream_with_its_length() {
    // keep-alive: a body ended by closing the connection would hang this client.
    let (headers, mut reader, expected) = http_1_0_stream("Connection: keep-alive\r\n");
    let len: usize = header(&headers, "Content-Length")
        .expect("a length")
        .parse()
        .unwrap();
    let mut body = vec![0; len];
    reader.read_exact(&mut body).unwrap();
    let (_, samples) = read_wav(&body);
    assert!(same_speech(&samples, &expected));
}

#[test]
fn http_1_0_clients_get_the_stream_ended_by_the_close() {
    // Streamed, not held in memory (one such request once added 435 MB).
    let (headers, mut reader, expected) = http_1_0_stream("");
    assert!(header(&headers, "Content-Length").is_none());
    assert!(header(&headers, "Transfer-Encoding").is_none());
    assert_eq!(header(&headers, "Connection"), Some("close"));
    let mut body = Vec::new();
    reader.read_to_end(&mut body).unwrap();
    // HTTP/1.0 gets whole sentences, each normalised as in a file.
    assert!(same_speech(&samples_of(&body), &expected));
}

#[test]
fn the_dialect_is_a_request_parameter_with_the_servers_default() {
    let server = Server::start(&["--dialect", "south"]);
    let audio = |query: &str| {
        server
            .get(&format!(
                "/tts/stream?text=105+ng%C6%B0%E1%BB%9Di{EXACT}{query}"
            ))
            .body
    };
    let (default, south, north) = (audio(""), audio("&dialect=south"), audio("&dialect=north"));
    assert_eq!(default, south, "--dialect south is the default");
    assert_ne!(south, north, "một trăm lẻ năm against một trăm linh năm");
    assert!(
        server
            .get("/tts?text=1&dialect=central")
            .error(400)
            .contains("north or south")
    );
}

#[test]
fn without_a_speed_the_server_uses_the_voices_own_length_scale() {
    let dir = tempfile::tempdir().unwrap();
    let model = voice_copy(dir.path(), "vi_VN-slow", TINY, |config| {
        config["inference"]["length_scale"] = 1.3.into();
    });
    let model = model.to_str().unwrap();
    let server = Server::start(&["-m", model]);
    let stream = |extra: &str| {
        let response = server.get(&format!("/tts/stream?text={}{EXACT}{extra}", encode(TWO)));
        assert_eq!(response.status, 200);
        samples_of(&response.body)
    };
    let own = stream("");
    assert_eq!(own, stream("&length_scale=1.3"), "the config's 1.3");
    assert_ne!(
        own.len(),
        stream("&speed=normal").len(),
        "a preset still wins"
    );
    let link = server
        .get(&format!("/tts?text={}{EXACT}", encode(TWO)))
        .json();
    let hash = link["hash"].as_str().unwrap();
    assert!(same_speech(
        &samples_of(&std::fs::read(server.audio_path(hash)).unwrap()),
        &own
    ));
    let cli = ok(run(
        vtts().args([
            "-m",
            model,
            "--raw",
            "--noise-scale",
            "0",
            "--noise-w",
            "0",
            TWO,
        ]),
        b"",
    ));
    assert_eq!(raw_samples(&cli), own, "the CLI and the server agree");
}

#[test]
fn a_replaced_model_of_the_same_size_and_config_gets_fresh_audio() {
    let dir = tempfile::tempdir().unwrap();
    let model = voice_copy(dir.path(), "vi_VN-replaced", TINY, |_| {});
    let audio = dir.path().join("audio");
    let args = [
        "-m",
        model.to_str().unwrap(),
        "--audio-dir",
        audio.to_str().unwrap(),
    ];
    let target = format!("/tts?text={}{EXACT}", encode(TWO));
    let saved = |server: &Server| {
        let hash = server.get(&target).json()["hash"]
            .as_str()
            .unwrap()
            .to_string();
        (
            hash.clone(),
            std::fs::read(server.audio_path(&hash)).unwrap(),
        )
    };
    let server = Server::start(&args);
    let (old_hash, old_audio) = saved(&server);
    drop(server);

    let retrained = voice(TINY_SEED3);
    assert_eq!(file_len(&retrained), file_len(&model), "same size");
    std::fs::copy(&retrained, &model).unwrap();
    let server = Server::start(&args);
    let (new_hash, new_audio) = saved(&server);
    assert_ne!(new_hash, old_hash, "a new voice gets a new name");
    assert_ne!(new_audio, old_audio, "and new audio");
    let streamed = server.get(&format!("/tts/stream?text={}{EXACT}", encode(TWO)));
    assert!(same_speech(
        &samples_of(&new_audio),
        &samples_of(&streamed.body)
    ));
}
