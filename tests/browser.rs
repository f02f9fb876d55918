//! The web page in a real browser: Debian's headless Chromium, driven by
//! playwright-core (`tests/browser/page.mjs`; `npm ci --prefix tests/browser`).

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
    assert!(result["audioSeconds"].as_f64().unwrap() > 1.0, "{result}");
    assert!(
        result["audioBytes"].as_f64().unwrap() > 44_100.0,
        "{result}"
    );
    assert!(
        result["status"].as_str().unwrap().starts_with("Xong"),
        "{result}"
    );
    assert_eq!(
        result["echo"],
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
