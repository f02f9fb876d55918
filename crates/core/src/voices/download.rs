//! Downloading a catalog voice: each file goes to a `.partial` file that a
//! later run resumes with an HTTP range request, is checked against the
//! catalog's size and MD5, and only then moved into place.

use std::fs::{self, File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use md5::{Digest, Md5};

use super::Store;
use super::catalog::{CatalogVoice, Expected};
use crate::error::{Error, IoContext, Result};

/// Downloads and installs `voice` from `base_url`, showing a progress bar on
/// stderr when `progress` is set and stderr is a terminal.
pub fn download(store: &Store, voice: &CatalogVoice, base_url: &str, progress: bool) -> Result<()> {
    fs::create_dir_all(store.dir()).context(|| format!("creating {}", store.dir().display()))?;
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_connect(Some(Duration::from_secs(15)))
        .timeout_per_read(Some(Duration::from_secs(60)))
        .build()
        .into();
    let files = [
        (
            voice.config_url(base_url),
            &voice.config,
            store.config(&voice.name),
        ),
        (
            voice.model_url(base_url),
            &voice.model,
            store.model(&voice.name),
        ),
    ];
    let mut finished = Vec::new();
    for (url, expected, destination) in &files {
        let partial = partial_path(destination);
        fetch(&agent, url, &partial, expected, progress)?;
        finished.push((partial, destination));
    }
    // The config goes in first: a voice counts as installed once its model is there.
    for (partial, destination) in finished {
        crate::fs::rename_into_place(&partial, destination)?;
    }
    Ok(())
}

fn partial_path(destination: &Path) -> PathBuf {
    let mut name = std::ffi::OsString::from(".");
    name.push(destination.file_name().unwrap_or_default());
    name.push(".partial");
    destination.with_file_name(name)
}

/// Brings `partial` to the expected file, resuming what an earlier run left.
fn fetch(
    agent: &ureq::Agent,
    url: &str,
    partial: &Path,
    expected: &Expected,
    progress: bool,
) -> Result<()> {
    let mut have = fs::metadata(partial).map_or(0, |m| m.len());
    if have > expected.bytes {
        fs::remove_file(partial).context(|| format!("removing {}", partial.display()))?;
        have = 0;
    }
    if have < expected.bytes {
        let mut request = agent.get(url);
        if have > 0 {
            request = request.header("Range", &format!("bytes={have}-"));
        }
        let response = match request.call() {
            // The server does not have the part we asked for: start over.
            Err(ureq::Error::StatusCode(416)) => {
                fs::remove_file(partial).context(|| format!("removing {}", partial.display()))?;
                have = 0;
                agent.get(url).call()
            }
            other => other,
        }
        .map_err(|e| fetch_error(url, e))?;
        let resumed = response.status().as_u16() == 206;
        if !resumed {
            have = 0;
        }
        let mut file = OpenOptions::new()
            .create(true)
            .write(true)
            .append(resumed)
            .truncate(!resumed)
            .open(partial)
            .context(|| format!("writing {}", partial.display()))?;
        let bar = progress_bar(url, expected.bytes, have, progress);
        let mut body = response.into_body().into_reader();
        let mut buffer = vec![0u8; 64 * 1024];
        loop {
            let read = match body.read(&mut buffer) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) => {
                    bar.abandon();
                    file.flush()
                        .context(|| format!("writing {}", partial.display()))?;
                    return Err(Error::Download(format!(
                        "the download of {url} stopped at {} of {} bytes ({e}); run the same command again to resume it",
                        have, expected.bytes
                    )));
                }
            };
            file.write_all(&buffer[..read])
                .context(|| format!("writing {}", partial.display()))?;
            have += read as u64;
            bar.set_position(have);
        }
        file.sync_all()
            .context(|| format!("writing {}", partial.display()))?;
        bar.finish_and_clear();
    }
    verify(url, partial, expected)
}

fn verify(url: &str, partial: &Path, expected: &Expected) -> Result<()> {
    let reading = || format!("reading {}", partial.display());
    let len = fs::metadata(partial).context(reading)?.len();
    if len < expected.bytes {
        return Err(Error::Download(format!(
            "the download of {url} ended after {len} of {} bytes; run the same command again to resume it",
            expected.bytes
        )));
    }
    let mut md5 = Md5::new();
    File::open(partial)
        .and_then(|mut file| std::io::copy(&mut file, &mut md5))
        .context(reading)?;
    let actual = crate::fs::hex(&md5.finalize());
    if len != expected.bytes || actual != expected.md5 {
        fs::remove_file(partial).context(|| format!("removing {}", partial.display()))?;
        return Err(Error::Download(format!(
            "{url} is not the expected file ({len} bytes, MD5 {actual}; expected {} bytes, MD5 {}); \
             it was removed — check VTTS_VOICES_URL, or try again",
            expected.bytes, expected.md5
        )));
    }
    Ok(())
}

fn fetch_error(url: &str, error: ureq::Error) -> Error {
    Error::Download(match error {
        ureq::Error::StatusCode(status) => {
            format!("cannot fetch {url}: the server answered HTTP {status}")
        }
        other => format!(
            "cannot fetch {url}: {other}; without network, install a voice you have as a file with \
             `vtts voices install PATH.onnx`"
        ),
    })
}

fn progress_bar(url: &str, len: u64, start: u64, show: bool) -> ProgressBar {
    let target = if show {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    };
    let name = url.rsplit('/').next().unwrap_or(url).to_string();
    let bar = ProgressBar::with_draw_target(Some(len), target).with_message(name);
    bar.set_style(
        ProgressStyle::with_template(
            "{msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} {eta}",
        )
        .expect("a valid template")
        .progress_chars("=> "),
    );
    bar.set_position(start);
    bar
}
