//! The `vtts` command as a user drives it: input, output, options, errors.

use crate::common;

use std::fs;
use std::process::{Command, Stdio};

use common::*;

/// Options that make synthesis deterministic, so outputs can be compared.
const EXACT: [&str; 4] = ["--noise-scale", "0", "--noise-w", "0"];

fn tiny() -> Command {
    let mut command = vtts();
    command.arg("-m").arg(voice(TINY)).args(EXACT);
    command
}

/// Raw samples of `text` spoken by the tiny voice, deterministically, as a
/// stream (window by window).
fn raw(text: &str, extra: &[&str]) -> Vec<i16> {
    raw_samples(&ok(run(tiny().arg("--raw").args(extra).arg(text), b"")))
}

/// Samples of `text` written to a file by the tiny voice: whole sentences,
/// each normalised as piper-tts does.
fn filed(text: &str, extra: &[&str]) -> Vec<i16> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.wav");
    ok(run(tiny().arg("-o").arg(&path).args(extra).arg(text), b""));
    read_wav(&fs::read(&path).unwrap()).1
}

#[test]
fn the_readme_example_writes_two_sentences_with_silence_between() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.wav");
    let out = fs::File::create(&path).unwrap();
    let text = "Xin chào các bạn. Hôm nay trời đẹp quá!";
    let mut child = vtts()
        .arg("-m")
        .arg(voice(TINY))
        .args(EXACT)
        .stdin(Stdio::piped())
        .stdout(out)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));

    let bytes = fs::read(&path).unwrap();
    let declared = u32::from_le_bytes(bytes[40..44].try_into().unwrap()) as usize;
    assert_eq!(
        declared,
        bytes.len() - 44,
        "a redirected stdout gets exact WAV sizes"
    );
    let (rate, samples) = read_wav(&bytes);
    assert_eq!(rate, 22050);
    let first = raw("Xin chào các bạn.", &[]);
    let second = raw("Hôm nay trời đẹp quá!", &[]);
    assert!(!first.is_empty() && !second.is_empty());
    let mut expected = first.clone();
    expected.extend(std::iter::repeat_n(0, 4410)); // 0.2 s at 22050 Hz
    expected.extend(&second);
    assert_eq!(samples.len(), expected.len());
    assert_eq!(samples, expected);
}

#[test]
fn a_pipe_gets_a_streaming_wav_with_the_same_audio() {
    let piped = ok(run(
        tiny().arg("Xin chào các bạn. Hôm nay trời đẹp quá!"),
        b"",
    ));
    assert_eq!(&piped[0..4], b"RIFF");
    assert_eq!(&piped[40..44], &[0xff; 4], "unknown length in a pipe");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("file.wav");
    ok(run(
        tiny()
            .arg("-o")
            .arg(&path)
            .arg("Xin chào các bạn. Hôm nay trời đẹp quá!"),
        b"",
    ));
    let file = fs::read(&path).unwrap();
    let (piped, file) = (raw_samples(&piped[44..]), raw_samples(&file[44..]));
    assert!(
        same_speech(&piped, &file),
        "the same speech in a pipe and in a file"
    );
    assert_eq!(
        piped,
        raw("Xin chào các bạn. Hôm nay trời đẹp quá!", &[]),
        "a WAV stream holds the raw stream"
    );
}

#[test]
fn raw_output_is_the_wav_data_without_header() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.wav");
    ok(run(
        tiny().arg("-o").arg(&path).arg("Trời hôm nay đẹp."),
        b"",
    ));
    let (_, samples) = read_wav(&fs::read(&path).unwrap());
    assert!(same_speech(&raw("Trời hôm nay đẹp.", &[]), &samples));
    let streamed = ok(run(tiny().arg("Trời hôm nay đẹp."), b""));
    assert_eq!(raw("Trời hôm nay đẹp.", &[]), raw_samples(&streamed[44..]));
}

#[test]
fn text_comes_from_arguments_stdin_and_files_alike() {
    let text = "Tôi đi học.";
    let from_args = raw(text, &[]);
    let from_stdin = raw_samples(&ok(run(tiny().arg("--raw"), text.as_bytes())));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("in.txt");
    fs::write(&file, text).unwrap();
    let from_file = raw_samples(&ok(run(tiny().arg("--raw").arg("-f").arg(&file), b"")));
    let from_dash = raw_samples(&ok(run(tiny().args(["--raw", "-f", "-"]), text.as_bytes())));
    assert_eq!(from_args, from_stdin);
    assert_eq!(from_args, from_file);
    assert_eq!(from_args, from_dash);
}

#[test]
fn several_words_are_joined_and_files_follow_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.txt"), dir.path().join("b.txt"));
    fs::write(&a, "Một hai.").unwrap();
    fs::write(&b, "Ba bốn.").unwrap();
    let args = ["--sentence-silence", "0"];
    let together = raw_samples(&ok(run(
        tiny()
            .arg("--raw")
            .args(args)
            .args(["Xin", "chào."])
            .arg("-f")
            .arg(&a)
            .arg("-f")
            .arg(&b),
        b"",
    )));
    let mut expected = raw("Xin chào.", &args);
    expected.extend(raw("Một hai.", &args));
    expected.extend(raw("Ba bốn.", &args));
    assert_eq!(together, expected);
}

#[test]
fn sentence_silence_sets_the_gap() {
    let one = raw("Một.", &[]);
    let two = raw("Hai.", &[]);
    let gapped = raw("Một. Hai.", &["--sentence-silence", "0.5"]);
    assert_eq!(gapped.len(), one.len() + 11025 + two.len());
    assert!(gapped[one.len()..one.len() + 11025].iter().all(|&s| s == 0));
}

/// 217 phonemes in two clauses of 109 and 108: more than one run of a voice
/// run whole takes at normal speed (`vtts_core::synth::MAX_PHONEMES_PER_RUN`,
/// 120), one run of a voice decoded in windows.
const LONG_SENTENCE: [&str; 2] = [
    "Sáng nay trời Hà Nội trong xanh và các bạn nhỏ rủ nhau ra công viên chơi đùa,",
    "còn các cụ già thì ngồi dưới gốc cây đa uống trà nóng và kể chuyện ngày xưa.",
];

#[test]
fn a_long_sentence_is_one_run_and_pieces_only_when_the_voice_runs_whole() {
    let pieces = |env: Option<&str>| {
        let mut whole = tiny();
        let mut first = tiny();
        let mut second = tiny();
        for command in [&mut whole, &mut first, &mut second] {
            command.arg("--raw");
            if let Some(value) = env {
                command.env("VTTS_WINDOWS", value);
            }
        }
        let whole = raw_samples(&ok(run(whole.arg(LONG_SENTENCE.join(" ")), b"")));
        let mut pieces = raw_samples(&ok(run(first.arg(LONG_SENTENCE[0]), b"")));
        pieces.extend(raw_samples(&ok(run(second.arg(LONG_SENTENCE[1]), b""))));
        (whole, pieces)
    };
    // Run whole, the voice cuts at the clause break nearest the middle,
    // after "đùa,": the audio is that of the two clauses one after the other.
    let (whole, cut) = pieces(Some("0"));
    assert_eq!(whole, cut);
    // Decoded in windows, the sentence is one run, with its own prosody.
    let (whole, cut) = pieces(None);
    assert_eq!(whole.len(), filed(&LONG_SENTENCE.join(" "), &[]).len());
    assert!(whole != cut, "one run is not the two clauses said apart");
}

#[test]
fn slower_presets_give_longer_audio() {
    let text = "Hôm nay trời đẹp quá, chúng ta đi chơi nhé.";
    let lengths: Vec<usize> = ["very_slow", "slow", "normal", "fast", "very_fast"]
        .iter()
        .map(|speed| raw(text, &["--speed", speed]).len())
        .collect();
    assert!(
        lengths.windows(2).all(|w| w[0] > w[1]),
        "lengths by preset: {lengths:?}"
    );
    assert_eq!(raw(text, &["--length-scale", "1.2"]).len(), lengths[1]);
}

#[test]
fn noise_makes_output_vary_and_zero_noise_repeats() {
    let text = "Xin chào.";
    assert_eq!(raw(text, &[]), raw(text, &[]));
    let noisy = |_: ()| {
        raw_samples(&ok(run(
            vtts().arg("-m").arg(voice(TINY)).args(["--raw", text]),
            b"",
        )))
    };
    assert_ne!(
        noisy(()),
        noisy(()),
        "default noise comes from the voice config"
    );
}

#[test]
fn speakers_of_a_multi_speaker_voice_differ() {
    let speak = |speaker: &str| {
        raw_samples(&ok(run(
            vtts().arg("-m").arg(voice(TINY_MULTI)).args(EXACT).args([
                "--raw",
                "-s",
                speaker,
                "Xin chào.",
            ]),
            b"",
        )))
    };
    let (zero, one) = (speak("0"), speak("1"));
    assert_ne!(zero, one);
    let config: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(voice(&format!("{TINY_MULTI}.json"))).unwrap())
            .unwrap();
    let (name, id) = config["speaker_id_map"]
        .as_object()
        .unwrap()
        .iter()
        .find(|(_, id)| id.as_i64() == Some(1))
        .expect("a speaker with id 1");
    assert_eq!(id.as_i64(), Some(1));
    assert_eq!(speak(name), one, "speakers can be chosen by name");
}

#[test]
fn an_unknown_speaker_is_a_usage_error() {
    let output = run(
        vtts()
            .arg("-m")
            .arg(voice(TINY_MULTI))
            .args(["-s", "99", "-o", "-", "Xin chào."]),
        b"",
    );
    fails(&output, 2, "unknown speaker \"99\"");
}

#[test]
fn output_files_are_written_whole_or_not_at_all() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.wav");
    fs::write(&path, b"old").unwrap();
    // Invalid UTF-8 in the second file fails after the first was synthesised.
    let good = dir.path().join("good.txt");
    let bad = dir.path().join("bad.txt");
    fs::write(&good, "Câu đầu tiên.").unwrap();
    fs::write(&bad, b"C\xe2u hai.").unwrap();
    let output = run(
        tiny()
            .arg("-o")
            .arg(&path)
            .arg("-f")
            .arg(&good)
            .arg("-f")
            .arg(&bad),
        b"",
    );
    fails(&output, 1, "not valid UTF-8");
    assert_eq!(
        fs::read(&path).unwrap(),
        b"old",
        "the previous file is untouched"
    );
    let names: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 3, "no partial file is left behind: {names:?}");
}

#[test]
fn an_unwritable_output_path_is_reported() {
    let output = run(
        tiny().args(["-o", "/nonexistent-dir/out.wav", "Xin chào."]),
        b"",
    );
    fails(&output, 1, "cannot write /nonexistent-dir/out.wav");
}

#[test]
fn a_directory_as_output_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let output = run(tiny().arg("-o").arg(dir.path()).arg("Xin chào."), b"");
    fails(&output, 1, "is a directory");
}

#[test]
fn input_file_errors_are_reported() {
    let output = run(tiny().args(["-o", "-", "-f", "/nonexistent/in.txt"]), b"");
    fails(&output, 1, "cannot read text file /nonexistent/in.txt");
    let dir = tempfile::tempdir().unwrap();
    let output = run(tiny().args(["-o", "-", "-f"]).arg(dir.path()), b"");
    fails(&output, 1, "is a directory, not a text file");
}

#[test]
fn empty_or_unspeakable_input_is_an_error() {
    let output = run(tiny().args(["-o", "-"]), b"  \n\n ");
    fails(&output, 1, "nothing to say");
    assert!(output.stdout.is_empty(), "nothing written for nothing said");
    let output = run(tiny().args(["-o", "-", "... !!! ,,,"]), b"");
    fails(&output, 1, "nothing to say");
}

#[test]
fn usage_errors_exit_with_2() {
    let output = run(
        vtts().args(["-o", "-", "-m", "x.onnx", "--voice", "y", "xin"]),
        b"",
    );
    assert_eq!(
        output.status.code(),
        Some(2),
        "-m and --voice exclude each other"
    );
    let output = run(tiny().args(["--length-scale", "0", "xin"]), b"");
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("outside the range"));
    let output = run(tiny().args(["--speed", "warp", "xin"]), b"");
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("very_slow"),
        "valid presets are listed"
    );
}

#[test]
fn without_a_voice_the_default_is_needed_and_offline_says_how_to_get_it() {
    let output = run(vtts().args(["-o", "-", "xin chào"]), b"");
    fails(
        &output,
        1,
        "vi_VN-vais1000-medium is not installed and vtts is offline",
    );
    assert!(stderr(&output).contains("vtts voices download vi_VN-vais1000-medium"));
}

#[test]
fn a_missing_model_is_reported() {
    let output = run(
        vtts().args(["-m", "/nonexistent/voice.onnx", "-o", "-", "xin"]),
        b"",
    );
    fails(
        &output,
        1,
        "voice model /nonexistent/voice.onnx does not exist",
    );
}

#[test]
fn a_voice_for_another_language_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let config = fs::read_to_string(voice(&format!("{TINY}.json"))).unwrap();
    let english = config.replacen("\"voice\": \"vi\"", "\"voice\": \"en-us\"", 1);
    assert_ne!(config, english);
    let path = dir.path().join("en.onnx.json");
    fs::write(&path, english).unwrap();
    let output = run(tiny().arg("-c").arg(&path).args(["-o", "-", "xin"]), b"");
    fails(&output, 1, "not Vietnamese");
}

#[test]
fn a_corrupt_model_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("broken.onnx");
    fs::write(&model, b"not an onnx model").unwrap();
    fs::copy(
        voice(&format!("{TINY}.json")),
        dir.path().join("broken.onnx.json"),
    )
    .unwrap();
    let output = run(vtts().arg("-m").arg(&model).args(["-o", "-", "xin"]), b"");
    fails(&output, 1, "loading voice model");
}

#[test]
fn a_missing_onnx_runtime_is_a_clear_error() {
    let output = run(
        tiny()
            .env("ORT_DYLIB_PATH", "/nonexistent/libonnxruntime.so")
            .args(["-o", "-", "xin"]),
        b"",
    );
    fails(
        &output,
        1,
        "ORT_DYLIB_PATH is /nonexistent/libonnxruntime.so but there is no such file",
    );
}

#[test]
fn an_old_onnx_runtime_is_refused_with_advice() {
    // A stand-in library that reports version 1.20.0 through the real entry point.
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("old.c");
    fs::write(
        &source,
        "typedef struct { const void *(*get_api)(unsigned); const char *(*version)(void); } Base;\n\
         static const void *get_api(unsigned v) { (void)v; return 0; }\n\
         static const char *version(void) { return \"1.20.0\"; }\n\
         static const Base base = { get_api, version };\n\
         const Base *OrtGetApiBase(void) { return &base; }\n",
    )
    .unwrap();
    let library = dir.path().join("libonnxruntime.so");
    let status = tool("cc")
        .args(["-shared", "-fPIC", "-o"])
        .arg(&library)
        .arg(&source)
        .status()
        .expect("a C compiler");
    assert!(status.success());
    let output = run(
        tiny()
            .env("ORT_DYLIB_PATH", &library)
            .args(["-o", "-", "xin"]),
        b"",
    );
    fails(&output, 1, "1.20.0");
    assert!(stderr(&output).contains("ONNX Runtime 1.") && stderr(&output).contains("or newer"));
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let text = "Hôm nay trời đẹp. ".repeat(20);
    let mut child = tiny()
        .args(["--raw", &text])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 100];
    use std::io::Read;
    stdout.read_exact(&mut first).unwrap();
    drop(stdout);
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(stderr(&output), "");
}

#[test]
fn help_and_version_work() {
    let help = String::from_utf8(ok(run(vtts().arg("--help"), b""))).unwrap();
    for flag in [
        "--model",
        "--output",
        "--raw",
        "--speed",
        "--sentence-silence",
        "phonemize",
    ] {
        assert!(help.contains(flag), "--help mentions {flag}");
    }
    let version = String::from_utf8(ok(run(vtts().arg("--version"), b""))).unwrap();
    assert_eq!(
        version.trim(),
        format!("vtts {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn phonemize_prints_one_json_line_per_sentence() {
    let out = ok(run(
        vtts().args(["phonemize", "Xin chào các bạn. Hôm nay trời đẹp quá!"]),
        b"",
    ));
    let lines: Vec<serde_json::Value> = String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["text"], "Xin chào các bạn.");
    assert_eq!(lines[0]["phonemes"], "sˈin tʃˈaː2w kˌaːɜc bˈaː6n.");
    let ids: Vec<i64> = lines[1]["ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().unwrap())
        .collect();
    assert_eq!(&ids[..2], &[1, 0]);
    assert_eq!(&ids[ids.len() - 2..], &[0, 2]);
}

#[test]
fn phonemize_lists_the_runs_of_a_sentence_too_long_for_one() {
    let lines = |text: &str| -> Vec<serde_json::Value> {
        let out = ok(run(vtts().args(["phonemize", text]), b""));
        let out = String::from_utf8(out).unwrap();
        out.lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    };
    // 4 × 217 phonemes, past the 500 a voice decoded in windows runs at
    // once: cut at the clause breaks, between the sentence's halves.
    let clauses = [LONG_SENTENCE[0], LONG_SENTENCE[1]].map(|c| c.trim_end_matches('.'));
    let half = format!("{}, {},", clauses[0], clauses[1]);
    let whole = lines(&format!("{half} {half} {half} {half}"));
    assert_eq!(whole.len(), 1);
    let runs = whole[0]["runs"].as_array().unwrap();
    assert!(runs.len() >= 2, "{runs:?}");
    let ids = |v: &serde_json::Value| v.as_array().unwrap().len();
    assert!(runs.iter().all(|r| ids(r) < ids(&whole[0]["ids"])));
    // A sentence that fits has no runs field: its ids are its one run.
    assert!(lines(&LONG_SENTENCE.join(" "))[0].get("runs").is_none());
}

#[test]
fn phonemize_uses_the_voices_map_when_given_one() {
    let dir = tempfile::tempdir().unwrap();
    let mut config: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(voice(&format!("{TINY}.json"))).unwrap()).unwrap();
    config["phoneme_id_map"]["s"] = serde_json::json!([77]);
    let path = dir.path().join("v.onnx.json");
    fs::write(&path, config.to_string()).unwrap();
    let out = ok(run(
        vtts().args(["phonemize", "-c"]).arg(&path).arg("xin"),
        b"",
    ));
    let line: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(line["ids"][2], 77);
}

#[test]
fn ort_dylib_path_chooses_the_onnx_runtime_library() {
    // The reference environment's onnxruntime wheel carries the library.
    let library = fs::read_dir(root().join(".venv/lib"))
        .expect("the reference environment: run tools/setup-test-env.sh")
        .map(|python| {
            python
                .unwrap()
                .path()
                .join("site-packages/onnxruntime/capi/libonnxruntime.so.1.32.0")
        })
        .find(|path| path.exists())
        .expect("onnxruntime 1.32.0 in the reference environment");
    let bundled = raw("Xin chào.", &[]);
    let chosen = raw_samples(&ok(run(
        tiny()
            .env("ORT_DYLIB_PATH", &library)
            .args(["--raw", "Xin chào."]),
        b"",
    )));
    assert_eq!(bundled, chosen);
}

#[test]
fn output_dir_writes_one_numbered_wav_per_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let input = "Xin chào các bạn.\n\nHôm nay trời đẹp!\nĐường về nhà.\n";
    let printed = ok(run(tiny().arg("--output-dir").arg(&out), input.as_bytes()));
    let names = [
        "0001-xin-chao-cac-ban.wav",
        "0002-hom-nay-troi-dep.wav",
        "0003-duong-ve-nha.wav",
    ];
    let listed: Vec<String> = String::from_utf8(printed)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(
        listed,
        names
            .iter()
            .map(|n| out.join(n).display().to_string())
            .collect::<Vec<_>>()
    );
    for (name, text) in
        names
            .iter()
            .zip(["Xin chào các bạn.", "Hôm nay trời đẹp!", "Đường về nhà."])
    {
        let (_, samples) = read_wav(&fs::read(out.join(name)).unwrap());
        assert_eq!(samples, filed(text, &[]), "{name}");
    }
}

#[test]
fn json_input_writes_each_line_to_its_file_with_its_settings() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.wav"), dir.path().join("b.wav"));
    let input = format!(
        "{}\n{}\n{}\n",
        serde_json::json!({"text": "Xin chào.", "output_file": a}),
        r#"{"text": "#,
        serde_json::json!({"text": "Xin chào.", "output_file": b, "speed": "very_slow"}),
    );
    let output = run(tiny().arg("--json-input"), input.as_bytes());
    assert_eq!(output.status.code(), Some(1), "one line was bad");
    let err = stderr(&output);
    assert!(
        err.contains("standard input, line 2") && err.contains("1 of 3 lines failed"),
        "{err}"
    );
    let (_, fast) = read_wav(&fs::read(&a).unwrap());
    let (_, slow) = read_wav(&fs::read(&b).unwrap());
    assert_eq!(fast, filed("Xin chào.", &[]));
    assert_eq!(slow, filed("Xin chào.", &["--speed", "very_slow"]));
    let printed = String::from_utf8(output.stdout).unwrap();
    assert_eq!(printed.lines().count(), 2, "{printed}");
}

#[test]
fn a_terminal_gets_a_progress_bar_unless_quiet() {
    let dir = tempfile::tempdir().unwrap();
    let text = "Câu này để thử thanh tiến độ. ".repeat(30);
    let transcript = |quiet: &str| {
        let path = dir.path().join(format!("transcript{quiet}"));
        let line = format!(
            "{} -m {} {quiet} -o {} '{text}'",
            env!("CARGO_BIN_EXE_vtts"),
            voice(TINY).display(),
            dir.path().join("out.wav").display()
        );
        let status = tool("script")
            .args(["-q", "-e", "-c", &line])
            .arg(&path)
            .stdout(Stdio::null())
            .status()
            .expect("script(1) from util-linux");
        assert!(status.success());
        String::from_utf8_lossy(&fs::read(&path).unwrap()).into_owned()
    };
    let drawn = transcript("");
    assert!(
        drawn.contains("sentence ") && drawn.contains("/30"),
        "{drawn:?}"
    );
    assert!(drawn.contains("s of audio, real-time factor"), "{drawn:?}");
    assert!(!transcript("-q").contains("sentence "));
    let piped = run(tiny().args(["-o", "-", &text]), b"");
    assert!(
        !stderr(&piped).contains("sentence "),
        "no bar when stderr is not a terminal"
    );
}

#[test]
fn normalize_prints_the_spoken_form_line_by_line() {
    let out = ok(run(
        vtts().arg("normalize"),
        "Giá 50.000đ.\nNgày 2/9/1945\nxin chào\n".as_bytes(),
    ));
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "Giá năm mươi nghìn đồng.\nNgày mùng hai tháng chín năm một nghìn chín trăm bốn mươi lăm\nxin chào\n"
    );
    let south = ok(run(
        vtts().args(["normalize", "--dialect", "south", "105 người"]),
        b"",
    ));
    assert_eq!(String::from_utf8(south).unwrap(), "một trăm lẻ năm người\n");
}

#[test]
fn synthesis_reads_numbers_as_words() {
    let phonemes =
        |text: &str| String::from_utf8(ok(run(vtts().args(["phonemize", text]), b""))).unwrap();
    let digits: serde_json::Value = serde_json::from_str(phonemes("Tôi 15 tuổi.").trim()).unwrap();
    let words: serde_json::Value =
        serde_json::from_str(phonemes("Tôi mười lăm tuổi.").trim()).unwrap();
    assert_eq!(digits["ids"], words["ids"]);
    assert_eq!(raw("Tôi 15 tuổi.", &[]), raw("Tôi mười lăm tuổi.", &[]));
}

#[test]
fn ctrl_c_stops_after_the_sentence_and_leaves_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("long.wav");
    let text = "Câu này để thử ngắt giữa chừng bằng Ctrl-C. ".repeat(400);
    let child = tiny()
        .arg("-o")
        .arg(&path)
        .arg(&text)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until the output file is being written, then interrupt.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while fs::read_dir(dir.path()).unwrap().next().is_none() && std::time::Instant::now() < deadline
    {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    std::thread::sleep(std::time::Duration::from_millis(300));
    // SAFETY: kill(2) with our child's pid and a valid signal.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let output = child.wait_with_output().unwrap();
    fails(&output, 130, "interrupted");
    let left: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
    assert!(
        left.is_empty(),
        "neither the file nor a partial one is left: {left:?}"
    );
}

#[test]
fn json_lines_out_of_range_get_the_flags_message_and_name_their_line() {
    let flag = run(tiny().args(["--length-scale", "0", "x"]), b"");
    let flag_error = stderr(&flag);
    assert_eq!(flag.status.code(), Some(2), "{flag_error}");
    let message = "0 is outside the range 0.1 to 10";
    assert!(flag_error.contains(message), "{flag_error}");

    let dir = tempfile::tempdir().unwrap();
    let (a, b, c) = (
        dir.path().join("a.wav"),
        dir.path().join("b.wav"),
        dir.path().join("c.wav"),
    );
    let input = [
        serde_json::json!({"text": "Xin chào.", "output_file": a, "length_scale": 0}),
        serde_json::json!({"text": "Xin chào.", "output_file": b, "noise_w": 3}),
        serde_json::json!({"text": "Xin chào.", "output_file": c, "speaker_id": 0}),
    ]
    .map(|line| line.to_string() + "\n")
    .concat();
    let output = run(tiny().arg("--json-input"), input.as_bytes());
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&format!("standard input, line 1: length_scale: {message}")),
        "{err}"
    );
    assert!(
        err.contains("standard input, line 2: noise_w: 3 is outside the range 0 to 2"),
        "{err}"
    );
    assert!(err.contains("2 of 3 lines failed"), "{err}");
    assert!(!a.exists() && !b.exists(), "no file for a bad line");
    assert!(c.exists(), "piper's speaker_id is read");
}

#[test]
fn a_signal_ends_a_wait_for_input_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("text.fifo");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let out = dir.path().join("out.wav");
    for (signal, status, input) in [
        (libc::SIGTERM, 143, None),
        (libc::SIGINT, 130, None),
        (libc::SIGINT, 130, Some(&fifo)),
    ] {
        let mut command = tiny();
        command.arg("-o").arg(&out).stderr(Stdio::piped());
        match input {
            Some(fifo) => command.arg("-f").arg(fifo).stdin(Stdio::null()),
            // A pipe nobody writes to.
            None => command.stdin(Stdio::piped()),
        };
        let mut child = command.spawn().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(500));
        // SAFETY: kill(2) with our child's pid and a valid signal.
        unsafe { libc::kill(child.id() as i32, signal) };
        let started = std::time::Instant::now();
        let waited = loop {
            if let Some(exit) = child.try_wait().unwrap() {
                break exit;
            }
            assert!(
                started.elapsed() < std::time::Duration::from_secs(20),
                "signal {signal} did not end the wait for input"
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        };
        assert_eq!(waited.code(), Some(status), "signal {signal}");
        let left: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.file_name()))
            .filter(|name| name != "text.fifo")
            .collect();
        assert!(left.is_empty(), "no file is left: {left:?}");
    }
}

#[test]
fn input_without_line_ends_is_read_in_bounded_pieces() {
    // A 61 MB line once peaked at 3.6 GB in phonemize, and this 4.4 MB one at
    // 107 MB, failing under a 64 MB data limit (finding 8). Read in pieces cut
    // after whole sentences, it runs, and every sentence comes out whole.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("one-line.txt");
    let sentences = 200_000;
    fs::write(&path, "Xin chào các bạn. ".repeat(sentences)).unwrap();
    let mut command = Command::new("prlimit");
    command
        .arg("--data=67108864")
        .arg(env!("CARGO_BIN_EXE_vtts"))
        .args(["phonemize", "-f"])
        .arg(&path);
    isolate(&mut command);
    let output = run(&mut command, b"");
    assert!(output.status.success(), "{}", stderr(&output));
    let lines = output.stdout.iter().filter(|&&b| b == b'\n').count();
    assert_eq!(
        lines, sentences,
        "a sentence was lost or split at a piece's end"
    );
}
