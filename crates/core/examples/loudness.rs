//! How loud streamed audio is against piper-tts's per-sentence normalisation.
//!
//!     cargo run --release -p vtts-core --example loudness -- VOICE.onnx TEXT.txt [NOISE]
//!
//! Speaks the text twice with the same settings: as whole sentences, each
//! scaled so its peak is at full scale (what piper-tts does, and what files
//! get), and window by window at the loudness of `audio::StreamGain` (what
//! streams get). With NOISE (default 0) as noise_scale and noise_w 0.8 the
//! two runs differ in their noise too, so use 0 to compare loudness alone.
//! Prints, over the sentences, the RMS level of the stream against the
//! file's in dB (median, 10th percentile, lowest, highest) and how many
//! sentences had their scale lowered by a louder window.

use vtts_core::{Delivery, SynthesisRequest, Voice};

fn rms(samples: &[i16]) -> f64 {
    let sum: f64 = samples.iter().map(|&s| f64::from(s).powi(2)).sum();
    (sum / samples.len().max(1) as f64).sqrt()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [model, text, rest @ ..] = args.as_slice() else {
        return Err("usage: loudness VOICE.onnx TEXT.txt [NOISE]".into());
    };
    let noise: f32 = rest.first().map_or(Ok(0.0), |n| n.parse())?;
    let voice = Voice::load(model.as_ref(), None)?;
    let text = std::fs::read_to_string(text)?;
    let mut synthesis = SynthesisRequest {
        noise_scale: Some(noise),
        noise_w: Some(if noise > 0.0 { 0.8 } else { 0.0 }),
        ..SynthesisRequest::default()
    }
    .resolve(&voice)?;
    let mut files = Vec::new();
    for chunk in voice.synthesize(&text, &synthesis) {
        files.push(chunk?.samples);
    }
    synthesis.delivery = Delivery::Windows;
    let (mut streams, mut sentence, mut lowered) = (Vec::new(), Vec::new(), 0);
    let mut peaks = Vec::new();
    for chunk in voice.synthesize(&text, &synthesis) {
        let chunk = chunk?;
        peaks.push(
            chunk
                .samples
                .iter()
                .map(|s| s.unsigned_abs())
                .max()
                .unwrap_or(0),
        );
        sentence.extend(chunk.samples);
        if chunk.ends_sentence {
            // A window whose peak reached full scale lowered the scale.
            lowered += usize::from(peaks.iter().skip(1).any(|&p| p >= 32766));
            peaks.clear();
            streams.push(std::mem::take(&mut sentence));
        }
    }
    if files.len() != streams.len() {
        return Err(format!(
            "{} sentences as files, {} as streams",
            files.len(),
            streams.len()
        )
        .into());
    }
    let mut db: Vec<f64> = files
        .iter()
        .zip(&streams)
        .filter(|(f, _)| rms(f) > 0.0)
        .map(|(f, s)| 20.0 * (rms(s) / rms(f)).log10())
        .collect();
    db.sort_by(f64::total_cmp);
    let at = |q: f64| db[((db.len() - 1) as f64 * q).round() as usize];
    println!(
        "{} sentences: stream against file {:+.2} dB median, {:+.2} dB at the 10th percentile, \
         {:+.2} to {:+.2} dB; {lowered} had their scale lowered by a louder window",
        db.len(),
        at(0.5),
        at(0.1),
        at(0.0),
        at(1.0)
    );
    Ok(())
}
