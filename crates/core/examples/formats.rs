//! Encoding cost and size of each format, against the synthesis it follows.
//!
//!     cargo run --release -p vtts-core --example formats -- VOICE.onnx TEXT.txt [ROUNDS] [SPEECH.wav]
//!
//! Synthesises the text once (noise off), timing it, then encodes those
//! sentences into every format ROUNDS times (default 9), in an order that
//! rotates each round, into memory, with the pause between sentences. The
//! voices vtts is tested with speak noise, and encoders spend differently on
//! noise and on speech: SPEECH.wav (16-bit mono at the voice's rate, say from
//! `espeak-ng -v vi -w`) is then encoded instead, cut into as many sentences.
//! Prints medians: encoding time per second of audio, that as a share of the
//! synthesis time per second of audio, and bytes per second of audio.

use std::time::{Duration, Instant};

use vtts_core::{Format, SynthesisRequest, Target, Voice};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [model, text, rest @ ..] = args.as_slice() else {
        return Err("usage: formats VOICE.onnx TEXT.txt [ROUNDS] [SPEECH.wav]".into());
    };
    let rounds: usize = rest.first().map_or(Ok(9), |r| r.parse())?;
    let voice = Voice::load(model.as_ref(), None)?;
    let rate = voice.sample_rate();
    let synthesis = SynthesisRequest {
        noise_scale: Some(0.0),
        noise_w: Some(0.0),
        ..SynthesisRequest::default()
    }
    .resolve(&voice)?;
    let text = std::fs::read_to_string(text)?;
    voice.synthesize("Xin chào.", &synthesis).for_each(drop); // warm-up
    let started = Instant::now();
    let mut sentences: Vec<Vec<i16>> = voice
        .synthesize(&text, &synthesis)
        .map(|chunk| chunk.map(|c| c.samples))
        .collect::<Result<_, _>>()?;
    let synthesis_time = started.elapsed().as_secs_f64();
    let synthesised: usize = sentences.iter().map(Vec::len).sum();
    let synthesis_per_second = synthesis_time / (synthesised as f64 / f64::from(rate));
    println!(
        "{} sentences, {:.1} s of audio at {rate} Hz, synthesised in {:.0} ms: {:.1} ms per second of audio",
        sentences.len(),
        synthesised as f64 / f64::from(rate),
        synthesis_time * 1000.0,
        synthesis_per_second * 1000.0
    );
    if let Some(speech) = rest.get(1) {
        let samples: Vec<i16> = hound::WavReader::open(speech)?
            .into_samples()
            .collect::<Result<_, _>>()?;
        let per = samples.len() / sentences.len();
        sentences = samples.chunks(per).map(<[i16]>::to_vec).collect();
        println!("encoding {speech} instead, in {} pieces", sentences.len());
    }
    let pause = vec![0i16; vtts_core::audio::samples_in(0.2, rate)];
    let encoded: usize =
        sentences.iter().map(Vec::len).sum::<usize>() + pause.len() * (sentences.len() - 1);
    let seconds = encoded as f64 / f64::from(rate);

    let mut times = vec![Vec::new(); Format::ALL.len()];
    let mut sizes = vec![0; Format::ALL.len()];
    for round in 0..rounds {
        for i in (0..Format::ALL.len()).map(|i| (i + round) % Format::ALL.len()) {
            let (time, size) = encode(Format::ALL[i], &sentences, &pause, rate)?;
            times[i].push(time);
            sizes[i] = size;
        }
    }
    println!("format  encode ms per s of audio  share of synthesis  bytes per s of audio");
    for (i, format) in Format::ALL.iter().enumerate() {
        times[i].sort();
        let per_second = times[i][times[i].len() / 2].as_secs_f64() / seconds;
        println!(
            "{:6}  {:24.2}  {:17.1} %  {:20.0}",
            format.name(),
            per_second * 1000.0,
            100.0 * per_second / synthesis_per_second,
            sizes[i] as f64 / seconds
        );
    }
    Ok(())
}

/// Encodes the sentences as a stream does, a pause between them.
fn encode(
    format: Format,
    sentences: &[Vec<i16>],
    pause: &[i16],
    rate: u32,
) -> Result<(Duration, usize), vtts_core::Error> {
    let mut bytes = Vec::new();
    let started = Instant::now();
    {
        let mut sink = format.sink(Target::Stream(Box::new(&mut bytes)), rate)?;
        for (i, samples) in sentences.iter().enumerate() {
            if i > 0 {
                sink.write(pause)?;
            }
            sink.write(samples)?;
            sink.end_sentence()?;
        }
        sink.finish()?;
    }
    Ok((started.elapsed(), bytes.len()))
}
