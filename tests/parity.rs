//! vtts against piper-tts 1.8.0, the reference runtime, run side by side:
//! identical phoneme ids on the prose corpus, identical audio without noise.
//! Needs the reference environment (`tools/setup-test-env.sh`).

use crate::common;

use common::*;
use serde_json::Value;
use vtts_core::request::DEFAULT_SENTENCE_SILENCE;
use vtts_core::{Scales, SpeakerId, Synthesis, Voice};
use vtts_text::PhonemeIdMap;

fn ids_of(value: &Value) -> Vec<i64> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().unwrap())
        .collect()
}

#[test]
fn the_prose_corpus_gets_the_same_ids_as_piper_tts() {
    same_ids_as_piper("tests/data/corpus.txt", 300);
}

/// Informal spellings vtts does not rewrite ("dzô", "zô", "ko") are read as
/// espeak reads them.
#[test]
fn informal_spellings_get_the_same_ids_as_piper_tts() {
    same_ids_as_piper("tests/data/spellings.txt", 10);
}

/// piper's `[[ phonemes ]]` blocks are said as piper-tts says them: where
/// they join the text around them and the sentences they continue.
#[test]
fn inline_phonemes_get_the_same_ids_as_piper_tts() {
    same_ids_as_piper("tests/data/inline_phonemes.txt", 10);
}

/// Every line of `path` (at least `at_least` of them) gives piper-tts's
/// sentences, phonemes and ids.
fn same_ids_as_piper(path: &str, at_least: usize) {
    let corpus = std::fs::read_to_string(root().join(path)).unwrap();
    let lines: Vec<&str> = corpus.lines().filter(|l| !l.trim().is_empty()).collect();
    assert!(lines.len() >= at_least, "{path} has {} texts", lines.len());
    let reference = reference("piper_ids.py", &["-"], lines.join("\n").as_bytes());
    let reference: Vec<Value> = reference
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(reference.len(), lines.len());

    let map = PhonemeIdMap::standard();
    let mut mismatches = Vec::new();
    let mut sentences = 0;
    for (line, expected) in lines.iter().zip(&reference) {
        assert_eq!(expected["text"], *line);
        let ours: Vec<(String, Vec<i64>)> = vtts_text::phonemize(line, &Default::default())
            .map(|s| {
                let ids = map.sentence_ids(s.phonemes.chars());
                assert!(
                    ids.missing.is_empty(),
                    "{line}: {:?} not in the map",
                    ids.missing
                );
                (s.phonemes, ids.ids)
            })
            .collect();
        let theirs: Vec<(String, Vec<i64>)> = expected["sentences"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                (
                    s["phonemes"].as_str().unwrap().to_string(),
                    ids_of(&s["ids"]),
                )
            })
            .collect();
        sentences += theirs.len();
        if ours != theirs {
            mismatches.push(format!(
                "{line}\n  vtts:  {:?}\n  piper: {:?}",
                ours.iter().map(|s| &s.0).collect::<Vec<_>>(),
                theirs.iter().map(|s| &s.0).collect::<Vec<_>>()
            ));
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} of {} texts differ from piper-tts:\n{}",
        mismatches.len(),
        lines.len(),
        mismatches
            .iter()
            .take(10)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert!(sentences >= lines.len());
}

/// Synthesises `text` with vtts and piper-tts without noise and requires the
/// same ids and the same samples within ±1 (piper truncates floats to i16).
fn same_audio_as_piper(model: &str, text: &str, length_scale: f32, speaker: Option<i64>) {
    let voice = Voice::load(&voice(model), None).unwrap();
    let options = Synthesis {
        scales: Scales {
            noise_scale: 0.0,
            length_scale,
            noise_w: 0.0,
        },
        speaker: SpeakerId(speaker.unwrap_or(0)),
        reading: Default::default(),
        sentence_silence: DEFAULT_SENTENCE_SILENCE,
        delivery: Default::default(),
    };
    let ours: Vec<_> = voice
        .synthesize(text, &options)
        .map(Result::unwrap)
        .collect();

    let model_path = voice_path_string(model);
    let length = length_scale.to_string();
    let speaker_arg = speaker.map(|s| s.to_string());
    let mut args = vec![
        "--model",
        model_path.as_str(),
        "--noise-scale",
        "0",
        "--noise-w",
        "0",
        "--length-scale",
        length.as_str(),
    ];
    if let Some(speaker) = &speaker_arg {
        args.extend(["--speaker", speaker.as_str()]);
    }
    let theirs: Vec<Value> = reference("piper_synth.py", &args, text.as_bytes())
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();

    assert_eq!(ours.len(), theirs.len(), "sentences of {text:?}");
    for (chunk, expected) in ours.iter().zip(&theirs) {
        assert_eq!(
            chunk.ids,
            ids_of(&expected["ids"]),
            "ids of {:?}",
            chunk.text
        );
        let samples: Vec<i64> = ids_of(&expected["samples"]);
        assert_eq!(
            chunk.samples.len(),
            samples.len(),
            "length of {:?}",
            chunk.text
        );
        let worst = chunk
            .samples
            .iter()
            .zip(&samples)
            .map(|(&a, &b)| (i64::from(a) - b).abs())
            .max()
            .unwrap_or(0);
        assert!(
            worst <= 1,
            "{:?}: samples differ by up to {worst}",
            chunk.text
        );
        assert!(
            samples.iter().any(|&s| s != 0),
            "the reference is not silence"
        );
    }
}

fn voice_path_string(model: &str) -> String {
    voice(model).to_string_lossy().into_owned()
}

#[test]
fn noise_free_audio_equals_piper_tts_sample_for_sample() {
    same_audio_as_piper(
        TINY,
        "Xin chào các bạn. Hôm nay trời đẹp quá! Chúng ta đi dạo, ăn kem và nói chuyện nhé?",
        1.0,
        None,
    );
}

#[test]
fn noise_free_audio_equals_piper_tts_at_another_speed() {
    same_audio_as_piper(TINY, "Mùa thu Hà Nội thật đẹp.", 1.5, None);
}

#[test]
fn a_long_sentence_is_one_run_at_a_fast_speed_and_equals_piper_tts() {
    // 217 phonemes: cut in two at normal speed (tests/cli.rs), but at length
    // scale 0.5 a run may hold twice as many phonemes for the same audio length.
    let sentence = "Sáng nay trời Hà Nội trong xanh và các bạn nhỏ rủ nhau ra công viên chơi đùa, \
                    còn các cụ già thì ngồi dưới gốc cây đa uống trà nóng và kể chuyện ngày xưa.";
    same_audio_as_piper(TINY, sentence, 0.5, None);
}

#[test]
fn noise_free_audio_equals_piper_tts_for_another_speaker() {
    same_audio_as_piper(
        TINY_MULTI,
        "Tôi là người Việt Nam. Rất vui được gặp bạn!",
        1.0,
        Some(2),
    );
}
