//! Sentences decoded in windows (issue 14): the same audio as the whole
//! graph, and the whole graph, with a notice, for a voice that does not
//! split.

use crate::common;

use std::fs;
use std::path::Path;

use common::*;
use vtts_core::audio::to_pcm16;
use vtts_core::{Scales, SpeakerId, Speed, Voice};
use vtts_text::PhonemeIdMap;

/// Samples (of all sentences) that differ by more than 1 LSB between the
/// windowed and the whole graph, and the samples compared.
fn differences(model: &str, speaker: i64, length_scale: f32, lines: &[&str]) -> (usize, usize) {
    let windowed = Voice::load(&voice(model), None).unwrap();
    let whole = Voice::load_whole(&voice(model), None).unwrap();
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
            let ours = to_pcm16(&windowed.infer(&ids, scales, SpeakerId(speaker)).unwrap());
            let theirs = to_pcm16(&whole.infer(&ids, scales, SpeakerId(speaker)).unwrap());
            assert_eq!(ours.len(), theirs.len(), "{line}");
            compared += ours.len();
            differing += ours
                .iter()
                .zip(&theirs)
                .filter(|(a, b)| (i32::from(**a) - i32::from(**b)).abs() > 1)
                .count();
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
            let (differing, compared) = differences(model, speaker, speed.length_scale(), &chosen);
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

/// `model` with an Identity node between the mask and its decoder: the same
/// computation, but not the shape the split looks for.
fn with_hidden_decoder(model: &[u8]) -> Vec<u8> {
    fn varint(bytes: &[u8], at: &mut usize) -> u64 {
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
    fn field(out: &mut Vec<u8>, number: u64, bytes: &[u8]) {
        put(out, number << 3 | 2);
        put(out, bytes.len() as u64);
        out.extend_from_slice(bytes);
    }
    /// (number, bytes of a length-delimited value or None, whole field).
    type Field<'a> = (u64, Option<&'a [u8]>, &'a [u8]);
    fn fields(bytes: &[u8]) -> Vec<Field<'_>> {
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
    const LATENT: &[u8] = b"/Mul_7_output_0";
    let mut model_out = Vec::new();
    for (number, value, raw) in fields(model) {
        if number != 7 {
            model_out.extend_from_slice(raw);
            continue;
        }
        let mut graph = Vec::new();
        for (number, value, raw) in fields(value.unwrap()) {
            let node = value.filter(|_| number == 1);
            let is_conv = node.is_some_and(|n| {
                let f = fields(n);
                f.iter()
                    .any(|(k, v, _)| *k == 4 && *v == Some(b"Conv".as_slice()))
                    && f.iter().any(|(k, v, _)| *k == 1 && *v == Some(LATENT))
            });
            if !is_conv {
                graph.extend_from_slice(raw);
                continue;
            }
            let mut identity = Vec::new();
            field(&mut identity, 1, LATENT);
            field(&mut identity, 2, b"hidden_latent");
            field(&mut identity, 3, b"hide");
            field(&mut identity, 4, b"Identity");
            field(&mut graph, 1, &identity);
            let mut conv = Vec::new();
            for (k, v, raw) in fields(node.unwrap()) {
                match v {
                    Some(LATENT) if k == 1 => field(&mut conv, 1, b"hidden_latent"),
                    _ => conv.extend_from_slice(raw),
                }
            }
            field(&mut graph, 1, &conv);
        }
        field(&mut model_out, 7, &graph);
    }
    model_out
}

#[test]
fn a_voice_whose_graph_does_not_split_speaks_whole_with_a_notice() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("vi_VN-hidden.onnx");
    let original = fs::read(voice(TINY)).unwrap();
    let hidden = with_hidden_decoder(&original);
    assert_ne!(hidden, original, "the decoder was found and hidden");
    fs::write(&model, &hidden).unwrap();
    fs::copy(
        voice(TINY).with_extension("onnx.json"),
        dir.path().join("vi_VN-hidden.onnx.json"),
    )
    .unwrap();

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
