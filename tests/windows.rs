//! Sentences decoded in windows (issue 14): the same audio as the whole
//! graph, and the whole graph, with a notice, for a voice that does not
//! split.

use crate::common;

use std::fs;
use std::path::Path;

use common::http::Server;
use common::*;
use vtts_core::audio::to_pcm16;
use vtts_core::voice::Schedule;
use vtts_core::{Scales, SpeakerId, Speed, Voice};
use vtts_text::PhonemeIdMap;

/// Samples (of all sentences) that differ by more than 1 LSB between the
/// windowed and the whole graph, and the samples compared.
fn differences(model: &Path, speaker: i64, length_scale: f32, lines: &[&str]) -> (usize, usize) {
    let windowed = Voice::load(model, None).unwrap();
    let whole = Voice::load_whole(model, None).unwrap();
    assert_eq!(windowed.windowed_parts().last(), Some(&"decoder-tail"));
    assert!(windowed.is_windowed() && !whole.is_windowed());
    let map = PhonemeIdMap::standard();
    let scales = Scales {
        noise_scale: 0.0,
        length_scale,
        noise_w: 0.0,
    };
    let (mut differing, mut compared) = (0, 0);
    for line in lines {
        for sentence in vtts_text::phonemize(line, &Default::default()) {
            let ids = map.sentence_ids(sentence.phonemes.chars()).ids;
            let theirs = to_pcm16(&whole.infer(&ids, scales, SpeakerId(speaker)).unwrap());
            // Windows as files get them, and as streams do (small ones first).
            for schedule in [Schedule::Whole, Schedule::Early] {
                let decoding = windowed.decode(&ids, scales, SpeakerId(speaker), schedule);
                let raw: Vec<f32> = decoding.unwrap().flat_map(Result::unwrap).collect();
                let ours = to_pcm16(&raw);
                assert_eq!(ours.len(), theirs.len(), "{line}");
                compared += ours.len();
                differing += ours
                    .iter()
                    .zip(&theirs)
                    .filter(|(a, b)| (i32::from(**a) - i32::from(**b)).abs() > 1)
                    .count();
            }
        }
    }
    (differing, compared)
}

#[test]
fn windowed_audio_equals_the_whole_graph_on_the_corpus_at_every_speed() {
    let corpus = fs::read_to_string(root().join("tests/data/corpus.txt")).unwrap();
    let lines: Vec<&str> = corpus.lines().filter(|l| !l.trim().is_empty()).collect();
    let paragraph = fs::read_to_string(root().join("tools/bench/data/paragraph.txt")).unwrap();
    for speed in Speed::ALL {
        // Every third line of the corpus at normal speed, every fifteenth
        // at the others, and the literary paragraph's long sentences (which
        // a voice run whole cuts) at every speed.
        let step = if speed == Speed::Normal { 3 } else { 15 };
        let mut chosen: Vec<&str> = lines.iter().step_by(step).copied().collect();
        chosen.push(&paragraph);
        for (model, speaker) in [(TINY, 0), (TINY_MULTI, 3)] {
            let (differing, compared) =
                differences(&voice(model), speaker, speed.length_scale(), &chosen);
            println!(
                "{model} speaker {speaker} {speed:?}: {differing} of {compared} samples differ by more than 1"
            );
            assert!(compared > 500_000, "{compared}");
            assert!(
                differing * 1000 <= compared,
                "{model} at {speed:?}: {differing} of {compared} samples differ by more than 1 LSB"
            );
        }
    }
}

/// Protobuf on the wire, enough to edit a voice's graph in a test.
mod wire {
    pub fn varint(bytes: &[u8], at: &mut usize) -> u64 {
        let mut value = 0;
        for shift in (0..64).step_by(7) {
            let b = bytes[*at];
            *at += 1;
            value |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                break;
            }
        }
        value
    }

    fn put(out: &mut Vec<u8>, mut v: u64) {
        while v >= 0x80 {
            out.push(v as u8 | 0x80);
            v >>= 7;
        }
        out.push(v as u8);
    }

    pub fn field(out: &mut Vec<u8>, number: u64, bytes: &[u8]) {
        put(out, number << 3 | 2);
        put(out, bytes.len() as u64);
        out.extend_from_slice(bytes);
    }

    /// (number, bytes of a length-delimited value or None, whole field).
    pub type Field<'a> = (u64, Option<&'a [u8]>, &'a [u8]);

    pub fn fields(bytes: &[u8]) -> Vec<Field<'_>> {
        let mut out = Vec::new();
        let mut at = 0;
        while at < bytes.len() {
            let start = at;
            let tag = varint(bytes, &mut at);
            let value = match tag & 7 {
                0 => {
                    varint(bytes, &mut at);
                    None
                }
                1 => {
                    at += 8;
                    None
                }
                2 => {
                    let len = varint(bytes, &mut at) as usize;
                    at += len;
                    Some(&bytes[at - len..at])
                }
                5 => {
                    at += 4;
                    None
                }
                other => panic!("wire type {other}"),
            };
            out.push((tag >> 3, value, &bytes[start..at]));
        }
        out
    }

    /// `model` with each field of its graph written by `edit` (which gets
    /// the field and where to write).
    pub fn edit_graph(model: &[u8], edit: impl Fn(Field, &mut Vec<u8>)) -> Vec<u8> {
        let mut model_out = Vec::new();
        for (number, value, raw) in fields(model) {
            if number != 7 {
                model_out.extend_from_slice(raw);
                continue;
            }
            let mut graph = Vec::new();
            for f in fields(value.unwrap()) {
                edit(f, &mut graph);
            }
            field(&mut model_out, 7, &graph);
        }
        model_out
    }

    /// Whether a node is of `op` and reads or writes `tensor` (field 1 or 2).
    pub fn is_node(node: &[u8], op: &[u8], tensor: &[u8], number: u64) -> bool {
        let f = fields(node);
        f.iter().any(|(k, v, _)| *k == 4 && *v == Some(op))
            && f.iter().any(|(k, v, _)| *k == number && *v == Some(tensor))
    }

    /// `tensor` with the name of `node`'s output `from` changed to `to`, or
    /// its input `from` (`number` 1 for an input, 2 for an output).
    pub fn renamed(node: &[u8], number: u64, from: &[u8], to: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        for (k, v, raw) in fields(node) {
            match v {
                Some(name) if k == number && name == from => field(&mut out, k, to),
                _ => out.extend_from_slice(raw),
            }
        }
        out
    }

    /// An Identity node from `input` to `output`.
    pub fn identity(graph: &mut Vec<u8>, input: &[u8], output: &[u8]) {
        let mut node = Vec::new();
        field(&mut node, 1, input);
        field(&mut node, 2, output);
        field(&mut node, 3, b"hide");
        field(&mut node, 4, b"Identity");
        field(graph, 1, &node);
    }
}

/// `model` with an Identity node between the mask and its decoder: the same
/// computation, but not the shape the split looks for.
fn with_hidden_decoder(model: &[u8]) -> Vec<u8> {
    const LATENT: &[u8] = b"/Mul_7_output_0";
    wire::edit_graph(model, |(number, value, raw), graph| match value {
        Some(node) if number == 1 && wire::is_node(node, b"Conv", LATENT, 1) => {
            wire::identity(graph, LATENT, b"hidden_latent");
            let conv = wire::renamed(node, 1, LATENT, b"hidden_latent");
            wire::field(graph, 1, &conv);
        }
        _ => graph.extend_from_slice(raw),
    })
}

/// `model` with an Identity node after its frame-rate noise: the same
/// computation, but a flow the split does not find, so it is cut at the
/// decoder only.
fn with_hidden_flow(model: &[u8]) -> Vec<u8> {
    const NOISE: &[u8] = b"/RandomNormalLike_output_0";
    wire::edit_graph(model, |(number, value, raw), graph| match value {
        Some(node) if number == 1 && wire::is_node(node, b"RandomNormalLike", NOISE, 2) => {
            let draw = wire::renamed(node, 2, NOISE, b"hidden_noise");
            wire::field(graph, 1, &draw);
            wire::identity(graph, b"hidden_noise", NOISE);
        }
        _ => graph.extend_from_slice(raw),
    })
}

/// `model` with the weights of its flow's convolutions (the only ones of
/// kernel 5) six times as large. The generated voices' flows barely reach
/// beyond a few frames, so a flow margin that is too small would go
/// unnoticed on them; this one reaches 24 to 30 frames each way.
fn with_strong_flow(model: &[u8]) -> Vec<u8> {
    wire::edit_graph(model, |(number, value, raw), graph| {
        let Some(tensor) = value.filter(|_| number == 5) else {
            graph.extend_from_slice(raw);
            return;
        };
        let mut dims = Vec::new();
        for (k, v, raw) in wire::fields(tensor) {
            match (k, v) {
                (1, Some(packed)) => {
                    let mut at = 0;
                    while at < packed.len() {
                        dims.push(wire::varint(packed, &mut at));
                    }
                }
                (1, None) => dims.push(wire::varint(raw, &mut 1)),
                _ => {}
            }
        }
        if dims.len() != 3 || dims[2] != 5 {
            graph.extend_from_slice(raw);
            return;
        }
        let mut out = Vec::new();
        for (k, v, raw) in wire::fields(tensor) {
            match (k, v) {
                (9, Some(data)) => {
                    let scaled: Vec<u8> = data
                        .chunks_exact(4)
                        .flat_map(|b| {
                            (f32::from_le_bytes(b.try_into().unwrap()) * 6.0).to_le_bytes()
                        })
                        .collect();
                    wire::field(&mut out, 9, &scaled);
                }
                _ => out.extend_from_slice(raw),
            }
        }
        assert_ne!(out, tensor, "the weights are raw data");
        wire::field(graph, 5, &out);
    })
}

/// Writes `model`, a variant of the tiny voice, as voice `name` in `dir`.
fn variant(dir: &Path, name: &str, model: &[u8]) -> std::path::PathBuf {
    let path = dir.join(format!("{name}.onnx"));
    fs::write(&path, model).unwrap();
    fs::copy(
        voice(TINY).with_extension("onnx.json"),
        dir.join(format!("{name}.onnx.json")),
    )
    .unwrap();
    path
}

#[test]
fn a_strong_flow_and_a_voice_cut_at_its_decoder_only_give_the_whole_graphs_audio() {
    let dir = tempfile::tempdir().unwrap();
    let original = fs::read(voice(TINY)).unwrap();
    let paragraph = fs::read_to_string(root().join("tools/bench/data/paragraph.txt")).unwrap();
    let strong = with_strong_flow(&original);
    let hidden = with_hidden_flow(&original);
    assert_ne!(hidden, original, "the noise was found");
    for (name, model, parts) in [
        (
            "vi_VN-strong",
            strong,
            &["flow", "decoder-head", "decoder-tail"][..],
        ),
        (
            "vi_VN-decoder-only",
            hidden,
            &["decoder-head", "decoder-tail"],
        ),
    ] {
        let path = variant(dir.path(), name, &model);
        // Loaded twice: split now, then from the cache.
        for _ in 0..2 {
            assert_eq!(Voice::load(&path, None).unwrap().windowed_parts(), parts);
        }
        let (differing, compared) = differences(&path, 0, 1.0, &[&paragraph]);
        println!("{name}: {differing} of {compared} samples differ by more than 1");
        assert!(compared > 100_000, "{compared}");
        assert!(
            differing * 1000 <= compared,
            "{name}: {differing} of {compared} samples differ by more than 1 LSB"
        );
    }
}

#[test]
fn a_voice_whose_graph_does_not_split_speaks_whole_with_a_notice() {
    let dir = tempfile::tempdir().unwrap();
    let original = fs::read(voice(TINY)).unwrap();
    let hidden = with_hidden_decoder(&original);
    assert_ne!(hidden, original, "the decoder was found and hidden");
    let model = variant(dir.path(), "vi_VN-hidden", &hidden);

    let voice_hidden = Voice::load(&model, None).unwrap();
    assert!(!voice_hidden.is_windowed());
    let reason = voice_hidden.unsplit().expect("a reason");
    assert!(reason.contains("Conv of kernel 7"), "{reason}");

    let speak = |model: &Path, windows: Option<&str>| {
        let out = dir.path().join("out.wav");
        let mut command = vtts();
        command
            .arg("-m")
            .arg(model)
            .args(["--noise-scale", "0", "--noise-w", "0", "-o"])
            .arg(&out)
            .arg("Xin chào các bạn. Hôm nay trời đẹp quá!");
        if let Some(value) = windows {
            command.env("VTTS_WINDOWS", value);
        }
        let output = run(&mut command, b"");
        let notice = stderr(&output);
        ok(output);
        (read_wav(&fs::read(&out).unwrap()).1, notice)
    };
    let (audio, notice) = speak(&model, None);
    assert!(
        notice.contains("notice: voice vi_VN-hidden runs whole") && notice.lines().count() == 1,
        "{notice}"
    );
    let (reference, quiet) = speak(&voice(TINY), Some("0"));
    assert!(quiet.is_empty(), "{quiet}");
    assert_eq!(audio, reference, "the whole-graph path speaks as before");
    let (_, split) = speak(&voice(TINY), None);
    assert!(
        split.is_empty(),
        "a voice that splits gets no notice: {split}"
    );
}

#[test]
fn a_server_gives_the_notice_for_a_voice_it_loads_later() {
    let dir = tempfile::tempdir().unwrap();
    let original = fs::read(voice(TINY)).unwrap();
    let hidden = variant(dir.path(), "vi_VN-hidden", &with_hidden_decoder(&original));
    let hidden = hidden.to_str().unwrap();
    let server = Server::start(&["-m", TINY, "-m", hidden]);
    const NOTICE: &str = "notice: voice vi_VN-hidden runs whole";
    assert!(!server.wait_for_log("vtts: serving").contains(NOTICE));
    let response = server.get("/tts?voice=vi_VN-hidden&text=Xin%20ch%C3%A0o.");
    assert_eq!(
        response.status,
        200,
        "{}",
        String::from_utf8_lossy(&response.body)
    );
    let log = server.wait_for_log(NOTICE);
    assert_eq!(log.matches(NOTICE).count(), 1, "{log}");
    // Loaded once: asked again, it is not announced again (a second notice
    // would come before the second request's access line).
    assert_eq!(
        server.get("/tts?voice=vi_VN-hidden&text=Ch%C3%A0o.").status,
        200
    );
    let mut log = String::new();
    for _ in 0..500 {
        log = server.wait_for_log("GET /tts 200");
        if log.matches("GET /tts 200").count() >= 2 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert_eq!(log.matches("GET /tts 200").count(), 2, "{log}");
    assert_eq!(log.matches(NOTICE).count(), 1, "{log}");
}
