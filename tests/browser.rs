//! The web page in a real browser: Debian's headless Chromium, driven by
//! playwright-core (`tests/browser/page.mjs`; `npm ci --prefix tests/browser`):
//! MP3 streamed through Media Source Extensions, and the WAV fallback.

use crate::common;

use common::http::Server;
use common::{root, tool};

#[test]
fn the_page_plays_vietnamese_text_as_it_streams_and_shows_errors() {
    let server = Server::start(&[]);
    let artifacts = root().join("target/test-artifacts");
    std::fs::create_dir_all(&artifacts).unwrap();
    let screenshot = artifacts.join("web-page.png");
    let _ = std::fs::remove_file(&screenshot);
    let output = tool("node")
        .arg(root().join("tests/browser/page.mjs"))
        .arg(format!("http://{}", server.addr))
        .arg(&screenshot)
        .output()
        .expect("node runs (apt-get install nodejs; npm ci --prefix tests/browser)");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "the browser test failed: {stderr}");
    let result: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();

    assert_eq!(result["title"], "vtts — đọc văn bản tiếng Việt");
    assert_eq!(
        result["mse"], true,
        "Chromium streams MP3 through MSE: {result}"
    );
    let streamed = &result["streamed"];
    assert_eq!(streamed["mode"], "mse", "{result}");
    assert!(streamed["audioSeconds"].as_f64().unwrap() > 5.0, "{result}");
    assert!(
        streamed["playedWhileStreaming"].as_f64().unwrap() > 0.5,
        "the audio played before the response ended: {result}"
    );
    assert!(
        streamed["status"].as_str().unwrap().starts_with("Xong"),
        "{result}"
    );
    let fallback = &result["fallback"];
    assert_eq!(fallback["mode"], "webaudio", "{result}");
    assert!(fallback["audioSeconds"].as_f64().unwrap() > 1.0, "{result}");
    assert!(
        fallback["audioBytes"].as_f64().unwrap() > 44_100.0,
        "WAV, 2 bytes a sample: {result}"
    );
    assert_eq!(
        fallback["echo"],
        format!("Đang đọc: {}", result["sent"].as_str().unwrap())
    );
    assert_eq!(
        result["roundTrip"], result["sent"],
        "Vietnamese survives the trip"
    );
    assert!(
        result["error"].as_str().unwrap().contains("nothing to say"),
        "{result}"
    );
    assert!(
        std::fs::metadata(&screenshot).unwrap().len() > 1000,
        "a screenshot was kept"
    );
    let log = server.wait_for_log("POST /tts/stream 200");
    assert!(log.contains("POST /tts/stream 200"), "{log}");
}
