//! Every format vtts writes, from the command line and from the server,
//! decoded by ffmpeg: MP3, Ogg Opus, FLAC, WAV and raw PCM.

use crate::common;

use std::fs;
use std::io::{Read, Write};
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::http::{Server, encode};
use common::*;

const TEXT: &str = "Xin chào các bạn. Hôm nay trời đẹp quá!";
const EXACT: [&str; 4] = ["--noise-scale", "0", "--noise-w", "0"];

fn tiny() -> std::process::Command {
    let mut command = vtts();
    command.arg("-m").arg(voice(TINY)).args(EXACT);
    command
}

#[test]
fn the_extension_picks_the_format_and_every_file_decodes() {
    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("a.wav");
    ok(run(tiny().arg("-o").arg(&wav).arg(TEXT), b""));
    let reference = decode(&wav);
    for (name, codec, rate) in [
        ("a.mp3", "mp3", 22050),
        ("a.opus", "opus", 48000),
        ("a.ogg", "opus", 48000),
        ("a.flac", "flac", 22050),
    ] {
        let path = dir.path().join(name);
        ok(run(tiny().arg("-o").arg(&path).arg(TEXT), b""));
        let decoded = decode(&path);
        assert_eq!(
            (decoded.codec.as_str(), decoded.rate, decoded.channels),
            (codec, rate, 1),
            "{name}"
        );
        // Opus is exact to a sample; MP3 carries LAME's delay and padding.
        let slack = if codec == "mp3" { 0.08 } else { 0.002 };
        assert!(
            (decoded.seconds() - reference.seconds()).abs() <= slack,
            "{name}: {} s against {} s",
            decoded.seconds(),
            reference.seconds()
        );
    }
    let flac = decode(&dir.path().join("a.flac"));
    assert_eq!(
        flac.samples,
        read_wav(&fs::read(&wav).unwrap()).1,
        "FLAC is lossless"
    );
    let raw = dir.path().join("a.pcm");
    ok(run(tiny().arg("-o").arg(&raw).arg(TEXT), b""));
    assert_eq!(raw_samples(&fs::read(&raw).unwrap()), flac.samples);
    // --format wins over the extension.
    let named = dir.path().join("b.wav");
    ok(run(
        tiny()
            .args(["--format", "flac", "-o"])
            .arg(&named)
            .arg(TEXT),
        b"",
    ));
    assert_eq!(&fs::read(&named).unwrap()[..4], b"fLaC");
}

#[test]
fn an_unknown_extension_or_format_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let output = run(
        tiny().arg("-o").arg(dir.path().join("a.aac")).arg(TEXT),
        b"",
    );
    fails(&output, 2, "cannot write .aac files");
    assert!(stderr(&output).contains(".mp3") && stderr(&output).contains("--format"));
    let output = run(tiny().args(["--format", "aac", TEXT]), b"");
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("mp3"), "{}", stderr(&output));
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn standard_output_takes_any_format_and_gets_each_sentence_as_it_is_encoded() {
    let stdout = ok(run(tiny().args(["--format", "mp3", TEXT]), b""));
    assert_eq!(&stdout[..2], &[0xff, 0xf3]);
    // The second paragraph is not even written yet when the first one's MP3
    // must already be out.
    let mut child = tiny()
        .args(["--format", "mp3", "-f", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(format!("{TEXT}\n\n").as_bytes()).unwrap();
    input.flush().unwrap();
    let mut output = child.stdout.take().unwrap();
    let mut first = vec![0u8; 2048];
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut got = 0;
    while got < first.len() && Instant::now() < deadline {
        got += output.read(&mut first[got..]).unwrap();
    }
    assert_eq!(got, first.len(), "the first paragraph's MP3 arrived");
    assert!(
        child.try_wait().unwrap().is_none(),
        "while vtts still waits for input"
    );
    input.write_all(b"Hai.\n").unwrap();
    drop(input);
    let mut rest = Vec::new();
    output.read_to_end(&mut rest).unwrap();
    assert!(child.wait().unwrap().success());
    assert!(!rest.is_empty());
}

#[test]
fn output_dir_and_json_lines_honour_the_format() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let printed = ok(run(
        tiny().args(["--format", "opus", "--output-dir"]).arg(&out),
        "Một.\nHai.\n".as_bytes(),
    ));
    let names: Vec<String> = String::from_utf8(printed)
        .unwrap()
        .lines()
        .map(String::from)
        .collect();
    assert_eq!(names.len(), 2);
    for name in &names {
        assert!(name.ends_with(".opus"), "{name}");
        assert_eq!(decode(std::path::Path::new(name)).codec, "opus");
    }
    let (a, b) = (dir.path().join("a.flac"), dir.path().join("b.mp3"));
    let lines = format!(
        "{}\n{}\n",
        serde_json::json!({"text": "Một.", "output_file": a}),
        serde_json::json!({"text": "Hai.", "output_file": b}),
    );
    ok(run(tiny().arg("--json-input"), lines.as_bytes()));
    assert_eq!(decode(&a).codec, "flac");
    assert_eq!(decode(&b).codec, "mp3");
}

#[test]
fn the_server_saves_and_streams_every_format() {
    let server = Server::start(&[]);
    let dir = tempfile::tempdir().unwrap();
    for (format, codec, content_type) in [
        ("mp3", "mp3", "audio/mpeg"),
        ("opus", "opus", "audio/ogg; codecs=opus"),
        ("flac", "flac", "audio/flac"),
        ("wav", "pcm_s16le", "audio/wav"),
    ] {
        let link = server
            .get(&format!("/tts?text={}&format={format}", encode(TEXT)))
            .json();
        let url = link["audio_url"].as_str().unwrap();
        assert!(url.ends_with(&format!(".{format}")), "{url}");
        let path = url.split_once("/audio/").unwrap().1;
        let saved = server.get(&format!("/audio/{path}"));
        assert_eq!(saved.status, 200);
        assert_eq!(saved.header("Content-Type"), Some(content_type));
        let part = server.request(
            "GET",
            &format!("/audio/{path}"),
            &[("Range", "bytes=0-3")],
            b"",
        );
        assert_eq!(part.status, 206);
        assert_eq!(part.body, saved.body[..4]);
        let file = dir.path().join(format!("saved.{format}"));
        fs::write(&file, &saved.body).unwrap();
        assert_eq!(decode(&file).codec, codec);

        let streamed = server.get(&format!(
            "/tts/stream?text={}&format={format}",
            encode(TEXT)
        ));
        assert_eq!(streamed.header("Content-Type"), Some(content_type));
        let file = dir.path().join(format!("streamed.{format}"));
        fs::write(&file, &streamed.body).unwrap();
        assert_eq!(decode(&file).codec, codec);
    }
    let pcm = server.get(&format!("/tts/stream?text={}&format=pcm", encode(TEXT)));
    assert_eq!(
        pcm.header("Content-Type"),
        Some("audio/pcm; rate=22050; channels=1")
    );
    let message = server.get("/tts?text=x&format=aac").error(400);
    assert!(message.contains("wav, pcm, mp3, opus, flac"), "{message}");
    assert!(
        server
            .get("/tts/stream?text=x&format=ogg2")
            .error(400)
            .contains("unknown format")
    );
}
