//! `vtts phonemize`: each sentence's phonemes and ids as one JSON line.

use std::io::{BufWriter, Write};

use anyhow::{Result, bail};

use crate::input::Paragraphs;
use crate::options::PhonemizeOptions;
use vtts::text;
use vtts::voice::{PhonemeIdMap, VoiceConfig};

#[derive(serde::Serialize)]
struct Line<'a> {
    text: &'a str,
    phonemes: &'a str,
    ids: &'a [i64],
}

pub fn run(options: PhonemizeOptions) -> Result<()> {
    let voice_map;
    let map = match &options.config {
        Some(path) => {
            voice_map = VoiceConfig::from_file(path)?.phoneme_id_map;
            &voice_map
        }
        None => PhonemeIdMap::standard(),
    };
    let mut out = BufWriter::new(std::io::stdout().lock());
    let mut sentences = 0;
    for paragraph in Paragraphs::new(options.sources) {
        for sentence in text::phonemize(&paragraph?, options.dialect) {
            let ids = map.sentence_ids(sentence.phonemes.chars());
            let line = Line {
                text: &sentence.text,
                phonemes: &sentence.phonemes,
                ids: &ids.ids,
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
