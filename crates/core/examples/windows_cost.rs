//! What windows cost, in one process: each sentence's ids run whole
//! (`Voice::load_whole`), in windows as files get them (`Schedule::Whole`)
//! and in windows as streams get them (`Schedule::Early`), interleaved.
//!
//!     cargo run --release -p vtts-core --example windows_cost -- VOICE.onnx IDS [ROUNDS]
//!
//! IDS are sentence lengths in phoneme ids, comma-separated ("60,180,480,1000");
//! each sentence is the voice's own ids of a Vietnamese text, repeated to
//! that length. Noise is off. Prints, per length, the median over ROUNDS
//! (default 5) of the sentence part's run (what no window can shorten), and
//! of the first audio and the whole sentence for each way; then the whole
//! sentence's CPU time (all threads), which a busy shared machine disturbs
//! less than the time on the clock.

use std::time::{Duration, Instant};

use vtts_core::voice::Schedule;
use vtts_core::{Scales, SpeakerId, Voice};

fn median(mut times: Vec<Duration>) -> u128 {
    times.sort();
    times[times.len() / 2].as_millis()
}

/// CPU time of this process so far, user and system, of all its threads.
fn cpu() -> Duration {
    // SAFETY: getrusage fills the rusage it is given.
    let usage = unsafe {
        let mut usage = std::mem::zeroed::<libc::rusage>();
        libc::getrusage(libc::RUSAGE_SELF, &mut usage);
        usage
    };
    let time = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    time(usage.ru_utime) + time(usage.ru_stime)
}

/// The sentence part's time, the first window's and the whole sentence's,
/// and the whole sentence's CPU time.
fn run(voice: &Voice, ids: &[i64], schedule: Schedule) -> [Duration; 4] {
    let scales = Scales {
        noise_scale: 0.0,
        length_scale: 1.0,
        noise_w: 0.0,
    };
    let (start, cpu_start) = (Instant::now(), cpu());
    let mut decoding = voice.decode(ids, scales, SpeakerId(0), schedule).unwrap();
    let sentence = start.elapsed();
    decoding.next().unwrap().unwrap();
    let first = start.elapsed();
    for window in decoding {
        window.unwrap();
    }
    [sentence, first, start.elapsed(), cpu() - cpu_start]
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [model, lengths, rest @ ..] = args.as_slice() else {
        return Err("usage: windows_cost VOICE.onnx 60,180,480,1000 [ROUNDS]".into());
    };
    let rounds: usize = rest.first().map_or(Ok(5), |n| n.parse())?;
    let windowed = Voice::load(model.as_ref(), None)?;
    let whole = Voice::load_whole(model.as_ref(), None)?;
    println!("windowed parts: {:?}", windowed.windowed_parts());
    let text =
        "Hôm nay trời Hà Nội trong xanh và nắng nhẹ người dân đổ ra đường đi dạo quanh hồ Gươm";
    let map = &windowed.config().phoneme_id_map;
    let sentence = vtts_text::phonemize(text, &Default::default())
        .next()
        .ok_or("no sentence")?;
    let unit = map.sentence_ids(sentence.phonemes.chars()).ids;
    println!(
        "| ids | sentence part | first audio: early windows | file windows | whole | whole sentence: early windows | file windows | whole | CPU: early windows | file windows | whole |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
    for length in lengths.split(',') {
        let length: usize = length.trim().parse()?;
        // The text's ids, without its end, repeated, then its end.
        let body = &unit[..unit.len() - 1];
        let mut ids: Vec<i64> = body.iter().cycle().take(length - 1).copied().collect();
        ids.push(*unit.last().unwrap());
        let mut times: [Vec<[Duration; 4]>; 3] = Default::default();
        run(&whole, &ids, Schedule::Whole);
        run(&windowed, &ids, Schedule::Early);
        for _ in 0..rounds {
            times[0].push(run(&windowed, &ids, Schedule::Early));
            times[1].push(run(&windowed, &ids, Schedule::Whole));
            times[2].push(run(&whole, &ids, Schedule::Whole));
        }
        let column = |k: usize| {
            times
                .each_ref()
                .map(|t| median(t.iter().map(|p| p[k]).collect()))
        };
        let sentence = column(0)[0];
        let [firsts, totals, cpus] = [1, 2, 3].map(column);
        println!(
            "| {length} | {sentence} ms | {} ms | {} ms | {} ms | {} ms | {} ms | {} ms | {} ms | {} ms | {} ms |",
            firsts[0],
            firsts[1],
            firsts[2],
            totals[0],
            totals[1],
            totals[2],
            cpus[0],
            cpus[1],
            cpus[2]
        );
    }
    Ok(())
}
