//! A bounded load test over loopback: 10,000 mixed requests from 16 clients.
//! No 5xx but deliberate 503s, no crash, memory flat, every saved file valid.

use crate::common;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;
use std::time::Instant;

use common::http::{Server, encode};
use common::*;

const REQUESTS: usize = 10_000;
const CLIENTS: usize = 16;

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

const SPEEDS: [&str; 5] = ["very_slow", "slow", "normal", "fast", "very_fast"];

fn text(i: usize) -> String {
    let words = [
        "Hà Nội",
        "Sài Gòn",
        "Huế",
        "Đà Nẵng",
        "Cần Thơ",
        "Hải Phòng",
        "Vinh",
        "Nha Trang",
    ];
    format!(
        "{} hôm nay trời đẹp, câu số {}.",
        words[i % words.len()],
        i % 5
    )
}

/// What one request was, and whether its answer was right.
fn one(server: &Server, i: usize, hashes: &Mutex<BTreeSet<String>>) -> (&'static str, u16) {
    match i % 20 {
        0..=7 => {
            let r = server.get(&format!(
                "/tts?text={}&speed={}",
                encode(&text(i / 20)),
                SPEEDS[i % 5]
            ));
            if r.status == 200 {
                hashes
                    .lock()
                    .unwrap()
                    .insert(r.json()["hash"].as_str().unwrap().to_string());
            }
            ("tts", r.status)
        }
        8..=10 => {
            let known = hashes.lock().unwrap().iter().nth(i % 7).cloned();
            let hash = known.unwrap_or_else(|| "0".repeat(40));
            ("audio", server.get(&format!("/audio/{hash}.wav")).status)
        }
        11 | 12 => {
            let r = server.get(&format!("/tts/stream?text={}", encode(&text(i))));
            if r.status == 200 {
                assert_eq!(&r.body[..4], b"RIFF");
            }
            ("stream", r.status)
        }
        13..=15 => ("health", server.get("/health").status),
        16 => ("bad speed", server.get("/tts?text=x&speed=warp").status),
        17 => ("unknown path", server.get("/nope").status),
        18 => (
            "wrong method",
            server.request("DELETE", "/tts", &[], b"").status,
        ),
        _ => ("empty text", server.get("/tts?text=").status),
    }
}

#[test]
fn ten_thousand_mixed_requests_from_sixteen_clients() {
    let mut server = Server::start(&["--cache-max-mb", "64"]);
    let pid = server.child.id();
    let hashes = Mutex::new(BTreeSet::new());
    let counts: Mutex<BTreeMap<(&'static str, u16), usize>> = Mutex::new(BTreeMap::new());
    let started = Instant::now();
    let mut rss_after_warmup = 0;
    // Warm up with the first tenth, then measure memory, then the rest.
    for (from, to) in [(0, REQUESTS / 10), (REQUESTS / 10, REQUESTS)] {
        std::thread::scope(|scope| {
            for client in 0..CLIENTS {
                let (server, hashes, counts) = (&server, &hashes, &counts);
                scope.spawn(move || {
                    for i in (from + client..to).step_by(CLIENTS) {
                        let key = one(server, i, hashes);
                        *counts.lock().unwrap().entry(key).or_default() += 1;
                    }
                });
            }
        });
        if from == 0 {
            rss_after_warmup = rss_kib(pid);
        }
    }
    let elapsed = started.elapsed();
    let rss_end = rss_kib(pid);
    let counts = counts.into_inner().unwrap();
    let total: usize = counts.values().sum();
    eprintln!(
        "load: {total} requests from {CLIENTS} clients in {:.1} s ({:.0}/s); RSS {} KiB after warm-up, {} KiB at the end",
        elapsed.as_secs_f64(),
        total as f64 / elapsed.as_secs_f64(),
        rss_after_warmup,
        rss_end
    );
    for ((kind, status), n) in &counts {
        eprintln!("load:   {kind:<13} {status} × {n}");
    }
    assert_eq!(total, REQUESTS);
    let wrong: Vec<_> = counts
        .iter()
        .filter(|((kind, status), _)| {
            let expected: &[u16] = match *kind {
                "tts" | "stream" => &[200, 503],
                "audio" => &[200, 404, 503],
                "health" => &[200, 503],
                "unknown path" => &[404, 503],
                "wrong method" => &[405, 503],
                _ => &[400, 503],
            };
            !expected.contains(status)
        })
        .collect();
    assert!(wrong.is_empty(), "unexpected answers: {wrong:?}");
    assert!(
        counts.get(&("tts", 200)).is_some_and(|n| *n > REQUESTS / 4),
        "most synthesis succeeded: {counts:?}"
    );
    assert!(
        server.child.try_wait().unwrap().is_none(),
        "the server is still running"
    );
    assert_eq!(server.get("/health").status, 200);
    assert!(
        rss_end < rss_after_warmup + 64 * 1024,
        "memory grew from {rss_after_warmup} to {rss_end} KiB"
    );

    let hashes = hashes.into_inner().unwrap();
    assert!(hashes.len() >= 40);
    for hash in &hashes {
        let path = server.audio_path(hash);
        if let Ok(bytes) = std::fs::read(&path) {
            let declared = u32::from_le_bytes(bytes[40..44].try_into().unwrap()) as usize;
            assert_eq!(declared, bytes.len() - 44, "{hash} is complete");
            let (_, samples) = read_wav(&bytes);
            assert!(!samples.is_empty());
        }
    }
}
