//! `vtts phonemize`: each sentence's phonemes and ids as one JSON line.

use std::io::{BufWriter, Write};

use anyhow::{Result, bail};
use vtts_core::synth;
use vtts_core::voice::{VoiceConfig, config};
use vtts_text::PhonemeIdMap;

use super::speak::find_voice;
use crate::input::Paragraphs;
use crate::options::PhonemizeOptions;

#[derive(serde::Serialize)]
struct Line<'a> {
    text: &'a str,
    phonemes: &'a str,
    ids: &'a [i64],
    /// The ids of each model run, when the sentence is too long for one.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    runs: Vec<Vec<i64>>,
}

pub fn run(options: PhonemizeOptions) -> Result<()> {
    let config_path = match (options.config, &options.model) {
        (Some(path), _) => Some(path),
        (None, Some(choice)) => Some(config::default_path(&find_voice(choice, true)?)),
        (None, None) => None,
    };
    let voice_config = config_path
        .as_deref()
        .map(VoiceConfig::from_file)
        .transpose()?;
    let (map, length_scale) = match &voice_config {
        Some(config) => (&config.phoneme_id_map, config.inference.length_scale),
        None => (PhonemeIdMap::standard(), 1.0),
    };
    let reading = options.reading.load()?;
    let mut out = BufWriter::new(std::io::stdout().lock());
    let mut sentences = 0;
    for paragraph in Paragraphs::new(options.sources) {
        for sentence in vtts_text::phonemize(&paragraph?, &reading) {
            let ids = map.sentence_ids(sentence.phonemes.chars());
            // Every stock Piper voice is decoded in windows.
            let pieces = synth::runs(&sentence.phonemes, length_scale, true);
            let runs = if pieces.len() > 1 {
                let run_ids = |piece: &&str| map.sentence_ids(piece.chars()).ids;
                pieces.iter().map(run_ids).collect()
            } else {
                Vec::new()
            };
            let line = Line {
                text: &sentence.text,
                phonemes: &sentence.phonemes,
                ids: &ids.ids,
                runs,
            };
            serde_json::to_writer(&mut out, &line)?;
            out.write_all(b"\n")?;
            sentences += 1;
        }
        out.flush()?;
    }
    if sentences == 0 {
        bail!("nothing to phonemize: the input has no speakable text");
    }
    Ok(())
}
