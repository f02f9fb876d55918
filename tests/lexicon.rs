//! `--lexicon FILE` and `VTTS_LEXICON`: the user's own readings, in the CLI
//! (normalize, phonemize, speak) and over HTTP, and the errors of bad rows.

use crate::common;

use std::path::{Path, PathBuf};

use common::http::{Server, encode};
use common::*;

const EXACT: [&str; 4] = ["--noise-scale", "0", "--noise-w", "0"];

/// Overlapping forms ("Hà Nội" inside "Hà Nội Mới"), forms with
/// punctuation ("C++", "TP. HCM"), a form in capitals, raw phonemes.
const ROWS: &str = "# tên riêng\n\
    vtts\tvê tê tê ét\n\
    Hà Nội\tthủ đô\n\
    Hà Nội Mới\tbáo Hà Nội Mới\n\
    C++\txi pờ lát pờ lát\n\
    TP. HCM\tSài Gòn\n\
    PIN\t[[ pˈin ]]\n";

fn lexicon_file(dir: &Path, rows: &str) -> PathBuf {
    let path = dir.join("lexicon.tsv");
    std::fs::write(&path, rows).unwrap();
    path
}

fn stdout(output: std::process::Output) -> String {
    String::from_utf8(ok(output)).unwrap()
}

#[test]
fn normalize_shows_the_lexicon_before_the_built_in_readings() {
    let dir = tempfile::tempdir().unwrap();
    let path = lexicon_file(dir.path(), ROWS);
    let text = "Dùng VTTS ở Hà Nội, đọc Hà Nội Mới, học C++ ở TP. HCM, đổi PIN ngày 2/9.\n\
        vttsx, C+, Hà Nộii, pin.\n";
    let out = stdout(run(
        vtts().args(["normalize", "--lexicon"]).arg(&path),
        text.as_bytes(),
    ));
    assert_eq!(
        out,
        "Dùng vê tê tê ét ở thủ đô, đọc báo Hà Nội Mới, học xi pờ lát pờ lát ở Sài Gòn, \
         đổi [[ pˈin ]] ngày mùng hai tháng chín.\n\
         vttsx, xê cộng, Hà Nộii, pin.\n"
    );
    let from_env = stdout(run(
        vtts().arg("normalize").env("VTTS_LEXICON", &path),
        b"vtts\n",
    ));
    assert_eq!(from_env, "vê tê tê ét\n");
    let without = stdout(run(vtts().arg("normalize"), b"vtts\n"));
    assert_eq!(without, "vtts\n");
}

#[test]
fn phonemize_and_speech_say_the_lexicon_words() {
    let dir = tempfile::tempdir().unwrap();
    let path = lexicon_file(dir.path(), ROWS);
    let phonemize = |text: &str, lexicon: bool| -> serde_json::Value {
        let mut command = vtts();
        command.arg("phonemize").arg(text);
        if lexicon {
            command.arg("--lexicon").arg(&path);
        }
        serde_json::from_str(stdout(run(&mut command, b"")).trim()).unwrap()
    };
    let with = phonemize("Dùng vtts, đổi PIN.", true);
    let spelled = phonemize("Dùng vê tê tê ét, đổi [[ pˈin ]].", false);
    assert_eq!(with["ids"], spelled["ids"]);
    assert_ne!(with["ids"], phonemize("Dùng vtts, đổi PIN.", false)["ids"]);

    let speak = |text: &str, lexicon: Option<&Path>| {
        let mut command = vtts();
        command.arg("-m").arg(voice(TINY)).args(EXACT).arg("--raw");
        if let Some(path) = lexicon {
            command.arg("--lexicon").arg(path);
        }
        raw_samples(&ok(run(command.arg(text), b"")))
    };
    assert!(speak("Ở Hà Nội Mới.", Some(&path)) == speak("Ở báo Hà Nội Mới.", None));
}

#[test]
fn a_bad_row_is_an_error_naming_the_file_and_the_line() {
    let dir = tempfile::tempdir().unwrap();
    for (rows, line, needle) in [
        ("vtts\tvê tê\nhỏng\n", 2, "a tab"),
        ("# ok\n\na\tb\tc\n", 3, "more than one tab"),
        ("vtts\tx\nvtts\ty\n", 2, "already on line 1"),
        ("x\t[[ a\n", 1, "[[ phonemes ]]"),
    ] {
        let path = lexicon_file(dir.path(), rows);
        let expected = format!("lexicon {}, line {line}: ", path.display());
        for command in [
            vtts().args(["normalize", "x", "--lexicon"]).arg(&path),
            vtts().args(["phonemize", "x", "--lexicon"]).arg(&path),
            vtts()
                .arg("-m")
                .arg(voice(TINY))
                .args(["--raw", "x", "--lexicon"])
                .arg(&path),
        ] {
            let output = run(command, b"");
            fails(&output, 1, &expected);
            assert!(stderr(&output).contains(needle), "{}", stderr(&output));
            assert!(output.stdout.is_empty(), "nothing is said");
        }
    }
    let missing = run(
        vtts().args(["normalize", "x", "--lexicon", "/nonexistent/lexicon.tsv"]),
        b"",
    );
    fails(&missing, 1, "reading lexicon /nonexistent/lexicon.tsv");
}

#[test]
fn a_server_reads_its_lexicon_or_does_not_start() {
    let dir = tempfile::tempdir().unwrap();
    let path = lexicon_file(dir.path(), ROWS);
    let path = path.to_str().unwrap();
    let server = Server::start(&["--lexicon", path]);
    let plain = Server::start(&[]);
    let exact = "&noise_scale=0&noise_w=0";
    let stream = |server: &Server, text: &str| {
        let response = server.get(&format!("/tts/stream?text={}{exact}", encode(text)));
        assert_eq!(response.status, 200);
        raw_samples(&response.body[44..])
    };
    let said = stream(&server, "Học C++ ở TP. HCM.");
    assert!(said == stream(&plain, "Học xi pờ lát pờ lát ở Sài Gòn."));
    assert!(said != stream(&plain, "Học C++ ở TP. HCM."));

    let speech = |server: &Server, input: &str| {
        let body = serde_json::json!({
            "input": input, "response_format": "pcm", "noise_scale": 0, "noise_w": 0
        });
        let response = server.post(
            "/v1/audio/speech",
            "application/json",
            body.to_string().as_bytes(),
        );
        assert_eq!(response.status, 200);
        response.body
    };
    assert!(speech(&server, "Dùng vtts.") == speech(&plain, "Dùng vê tê tê ét."));

    // The saved file of the same request differs with the lexicon.
    let hash = |server: &Server| {
        server.get(&format!("/tts?text={}", encode("vtts"))).json()["hash"].clone()
    };
    assert_ne!(hash(&server), hash(&plain));

    let bad = lexicon_file(dir.path(), "vtts\n");
    let output = run(
        vtts()
            .args(["serve", "--host", "127.0.0.1", "--port", "0", "-m"])
            .arg(voice(TINY))
            .arg("--lexicon")
            .arg(&bad),
        b"",
    );
    fails(&output, 1, &format!("lexicon {}, line 1: ", bad.display()));
}
