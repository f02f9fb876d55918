//! `/v1/audio/speech` and its discovery endpoints as OpenAI's clients use
//! them: the openai package from PyPI (`tests/openai/client.py`), and raw
//! requests for what the SDK cannot send. Every audio body is decoded by
//! ffmpeg.

use crate::common;

use std::path::Path;

use common::http::{Response, Server};
use common::*;
use serde_json::{Value, json};

const TEXT: &str = "Xin chào các bạn. Hôm nay trời đẹp quá!";

fn speech(server: &Server, body: Value) -> Response {
    server.post(
        "/v1/audio/speech",
        "application/json",
        body.to_string().as_bytes(),
    )
}

/// The error object of an OpenAI-shaped error response with `status`.
fn openai_error(response: &Response, status: u16) -> Value {
    assert_eq!(
        response.status,
        status,
        "{}",
        String::from_utf8_lossy(&response.body)
    );
    let error = response.json()["error"].clone();
    for key in ["message", "type", "param", "code"] {
        assert!(error.get(key).is_some(), "{key} missing in {error}");
    }
    assert!(error["message"].as_str().is_some_and(|m| !m.is_empty()));
    error
}

fn decode_bytes(dir: &Path, name: &str, bytes: &[u8]) -> Decoded {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    decode(&path)
}

#[test]
fn the_openai_sdk_gets_every_format_and_the_right_exceptions() {
    let server = Server::start(&["--api-key", "sekret"]);
    let dir = tempfile::tempdir().unwrap();
    let output = run(
        std::process::Command::new(reference_python())
            .arg(root().join("tests/openai/client.py"))
            .arg(format!("http://{}", server.addr))
            .arg(dir.path())
            .arg("sekret"),
        b"",
    );
    assert!(output.status.success(), "client.py: {}", stderr(&output));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();

    let default = decode(&dir.path().join("default.mp3"));
    assert_eq!(
        (default.codec.as_str(), default.rate),
        ("mp3", 22050),
        "mp3 by default"
    );
    assert!(default.seconds() > 1.0, "{default:?}");
    for (name, codec, rate) in [
        ("format.mp3", "mp3", 22050),
        ("format.opus", "opus", 48000),
        ("format.flac", "flac", 22050),
        ("format.wav", "pcm_s16le", 22050),
    ] {
        let decoded = decode(&dir.path().join(name));
        assert_eq!(
            (decoded.codec.as_str(), decoded.rate, decoded.channels),
            (codec, rate, 1)
        );
        assert!(decoded.seconds() > 0.8, "{name}: {} s", decoded.seconds());
    }
    // pcm is OpenAI's 24 kHz: as long as the WAV, at 24,000 samples a second.
    let wav = decode(&dir.path().join("format.wav"));
    let pcm = std::fs::read(dir.path().join("format.pcm")).unwrap();
    let pcm_seconds = pcm.len() as f64 / 2.0 / 24000.0;
    assert!(
        (pcm_seconds - wav.seconds()).abs() < 0.001,
        "pcm {pcm_seconds} s against wav {} s",
        wav.seconds()
    );

    assert!(report["streamed_chunks"].as_u64().unwrap() >= 1, "{report}");
    assert_eq!(report["streamed_content_type"], "audio/mpeg");
    let streamed = decode(&dir.path().join("streamed.mp3"));
    assert!(
        streamed.seconds() > 2.0 * default.seconds(),
        "three times the text"
    );

    let errors = &report["errors"];
    assert_eq!(errors["speed"]["class"], "BadRequestError", "{report}");
    assert_eq!(errors["speed"]["param"], "speed");
    assert_eq!(errors["aac"]["class"], "BadRequestError", "{report}");
    assert_eq!(errors["aac"]["param"], "response_format");
    assert_eq!(errors["aac"]["code"], "unsupported_value");
    assert_eq!(
        errors["missing_key"]["class"], "AuthenticationError",
        "{report}"
    );
    assert!(
        report["models"]
            .as_array()
            .unwrap()
            .contains(&json!("tts-1"))
    );
}

#[test]
fn formats_decode_at_their_rates_and_two_mp3_files_join() {
    let server = Server::start(&[]);
    let dir = tempfile::tempdir().unwrap();
    let body = |format: &str| speech(&server, json!({"input": TEXT, "response_format": format}));
    let mp3 = body("mp3");
    assert_eq!(mp3.header("Content-Type"), Some("audio/mpeg"));
    assert_eq!(
        &mp3.body[..2],
        &[0xff, 0xf3],
        "an MPEG-2 Layer III frame, no tag"
    );
    let opus = body("opus");
    assert_eq!(opus.header("Content-Type"), Some("audio/ogg; codecs=opus"));
    assert_eq!(&opus.body[..4], b"OggS");
    let flac = body("flac");
    assert_eq!(&flac.body[..4], b"fLaC");
    let pcm = body("pcm");
    assert_eq!(
        pcm.header("Content-Type"),
        Some("audio/pcm; rate=24000; channels=1")
    );
    let once = decode_bytes(dir.path(), "one.mp3", &mp3.body);
    // LibreChat joins the answers to long texts; MP3 frames join.
    let second = body("mp3");
    let mut joined = mp3.body.clone();
    joined.extend_from_slice(&second.body);
    let both = decode_bytes(dir.path(), "two.mp3", &joined);
    let alone = decode_bytes(dir.path(), "other.mp3", &second.body);
    assert!(
        (both.seconds() - once.seconds() - alone.seconds()).abs() < 0.05,
        "{} + {} against {}",
        once.seconds(),
        alone.seconds(),
        both.seconds()
    );
}

#[test]
fn server_sent_events_carry_the_audio_then_the_usage() {
    let server = Server::start(&[]);
    let response = speech(
        &server,
        json!({"input": TEXT, "stream_format": "sse", "response_format": "mp3"}),
    );
    assert_eq!(response.status, 200);
    assert_eq!(response.header("Content-Type"), Some("text/event-stream"));
    let text = String::from_utf8(response.body).unwrap();
    let events: Vec<Value> = text
        .split("\n\n")
        .filter(|e| !e.is_empty())
        .map(|e| serde_json::from_str(e.strip_prefix("data: ").expect("data lines")).unwrap())
        .collect();
    let (done, deltas) = events.split_last().unwrap();
    assert_eq!(done["type"], "speech.audio.done");
    let usage = &done["usage"];
    assert_eq!(usage["input_tokens"], TEXT.chars().count());
    assert!(usage["output_tokens"].as_u64().unwrap() > 0);
    assert_eq!(
        usage["total_tokens"].as_u64(),
        Some(usage["input_tokens"].as_u64().unwrap() + usage["output_tokens"].as_u64().unwrap())
    );
    assert!(deltas.len() >= 2, "a delta per sentence at least");
    let audio: Vec<u8> = deltas
        .iter()
        .flat_map(|d| {
            assert_eq!(d["type"], "speech.audio.delta");
            from_base64(d["audio"].as_str().unwrap())
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let decoded = decode_bytes(dir.path(), "events.mp3", &audio);
    assert!(decoded.seconds() > 1.0);
}

fn from_base64(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => panic!("not base64: {c}"),
    };
    let digits: Vec<u8> = text.bytes().filter(|&c| c != b'=').map(value).collect();
    digits
        .chunks(4)
        .flat_map(|chunk| {
            let n = chunk
                .iter()
                .enumerate()
                .fold(0u32, |n, (i, &d)| n | u32::from(d) << (18 - 6 * i));
            let bytes = n.to_be_bytes();
            bytes[1..chunk.len()].to_vec()
        })
        .collect()
}

#[test]
fn input_is_read_leniently_and_errors_are_openai_shaped() {
    let server = Server::start(&["-m", TINY_MULTI, "--max-chars", "60"]);
    for body in [
        json!({"model": "anything", "input": TEXT, "voice": {"id": "alloy"}}),
        json!({"input": TEXT, "voice": "shimmer", "instructions": "None", "backend": "x", "stream": true}),
        json!({"input": TEXT, "voice": "speaker_2", "lang_code": "vi"}),
        json!({"input": TEXT, "voice": "vi_VN-test-tiny_multi"}),
    ] {
        assert_eq!(speech(&server, body.clone()).status, 200, "{body}");
    }
    let cases = [
        (json!({"voice": "alloy"}), "input", "invalid_value"),
        (json!({"input": "   "}), "input", "invalid_value"),
        (json!({"input": 5}), "input", "invalid_value"),
        (json!({"input": "x".repeat(61)}), "input", "invalid_value"),
        (
            json!({"input": TEXT, "response_format": "aac"}),
            "response_format",
            "unsupported_value",
        ),
        (json!({"input": TEXT, "speed": 9}), "speed", "invalid_value"),
        (
            json!({"input": TEXT, "speed": "fast"}),
            "speed",
            "invalid_value",
        ),
        (
            json!({"input": TEXT, "voice": "speaker_9"}),
            "voice",
            "invalid_value",
        ),
        (
            json!({"input": TEXT, "stream_format": "ws"}),
            "stream_format",
            "invalid_value",
        ),
    ];
    for (body, param, code) in cases {
        let error = openai_error(&speech(&server, body.clone()), 400);
        assert_eq!(error["param"], param, "{body}: {error}");
        assert_eq!(error["code"], code, "{body}: {error}");
        assert_eq!(error["type"], "invalid_request_error");
    }
    let listed = openai_error(
        &speech(&server, json!({"input": TEXT, "voice": "nope"})),
        400,
    );
    assert!(
        listed["message"].as_str().unwrap().contains("speaker_0"),
        "{listed}"
    );
    let malformed = server.post("/v1/audio/speech", "application/json", b"{\"input\":");
    assert!(
        openai_error(&malformed, 400)["message"]
            .as_str()
            .unwrap()
            .contains("malformed JSON")
    );
    let nothing = openai_error(&speech(&server, json!({"input": "☃"})), 400);
    assert!(
        nothing["message"]
            .as_str()
            .unwrap()
            .contains("nothing to say")
    );
}

#[test]
fn discovery_answers_in_the_shapes_clients_read() {
    let server = Server::start(&["-m", TINY_MULTI, "--api-key", "k"]);
    let models = server.get("/v1/models").json();
    assert_eq!(models["object"], "list");
    let ids: Vec<&str> = models["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            assert_eq!(m["object"], "model");
            m["id"].as_str().unwrap()
        })
        .collect();
    assert!(
        ids.contains(&"tts-1") && ids.contains(&"gpt-4o-mini-tts"),
        "{ids:?}"
    );
    let audio_models = server.get("/v1/audio/models").json();
    assert!(audio_models["models"][0]["id"].is_string());
    let voices = server.get("/v1/audio/voices").json();
    let names: Vec<&str> = voices["voices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            assert_eq!(v["id"], v["name"]);
            v["id"].as_str().unwrap()
        })
        .collect();
    assert_eq!(
        names,
        [
            "vi_VN-test-tiny_multi",
            "speaker_0",
            "speaker_1",
            "speaker_2",
            "speaker_3"
        ]
    );
}

#[test]
fn an_api_key_guards_synthesis_but_not_health_the_page_or_discovery() {
    let server = Server::start(&["--api-key", "sekret"]);
    let body = json!({"input": TEXT}).to_string();
    let with = |auth: &str| {
        server.request(
            "POST",
            "/v1/audio/speech",
            &[
                ("Content-Type", "application/json"),
                ("Authorization", auth),
            ],
            body.as_bytes(),
        )
    };
    let refused = openai_error(&speech(&server, json!({"input": TEXT})), 401);
    assert_eq!(refused["type"], "authentication_error");
    assert_eq!(
        openai_error(&with("Bearer wrong"), 401)["code"],
        "invalid_api_key"
    );
    assert_eq!(with("Bearer sekret").status, 200);
    assert!(server.get("/tts?text=x").error(401).contains("API key"));
    assert!(
        server
            .get("/tts/stream?text=x")
            .error(401)
            .contains("API key")
    );
    for open in ["/health", "/", "/voices", "/v1/models", "/v1/audio/voices"] {
        assert_eq!(server.get(open).status, 200, "{open}");
    }

    let open = Server::start(&[]);
    for auth in ["Bearer ", "undefined", "Bearer anything"] {
        let response = open.request(
            "POST",
            "/v1/audio/speech",
            &[
                ("Content-Type", "application/json"),
                ("Authorization", auth),
            ],
            body.as_bytes(),
        );
        assert_eq!(response.status, 200, "{auth:?}");
    }
}
