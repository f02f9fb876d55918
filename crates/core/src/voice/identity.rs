//! Who a voice is, told from its files' content rather than their names or
//! dates: the key of its optimised graph and of the audio a server saves
//! with it, so that neither cache ever serves another voice's work.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use sha1::{Digest, Sha1};

use crate::error::{Error, Result};

/// A voice's identity: 40 hex digits of SHA-1 over its model's size, 64
/// blocks of 4 KiB spread over the model, and its config's text.
///
/// Reading the whole model (60 MB for a medium voice) would cost as much
/// time as the graph cache saves at start. Voices of one architecture have
/// the same size and differ in their weights, which fill nearly the whole
/// file, so any retrained or fine-tuned voice differs in the sampled blocks;
/// the first block holds the graph and its metadata.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Identity(String);

const BLOCKS: u64 = 64;
const BLOCK: usize = 4096;

impl Identity {
    /// The identity of the model at `model` with the config `config_text`.
    pub fn of(model: &Path, config_text: &str) -> Result<Self> {
        let unreadable = |e: std::io::Error| Error::InvalidVoice {
            path: model.to_path_buf(),
            message: format!("reading voice model {}: {e}", model.display()),
        };
        let mut file = File::open(model).map_err(unreadable)?;
        let len = file.metadata().map_err(unreadable)?.len();
        let mut hash = Sha1::new();
        hash.update(len.to_le_bytes());
        let mut block = vec![0; BLOCK];
        for i in 0..BLOCKS {
            file.seek(SeekFrom::Start(len / BLOCKS * i))
                .map_err(unreadable)?;
            let n = read_up_to(&mut file, &mut block).map_err(unreadable)?;
            hash.update(&block[..n]);
        }
        hash.update(config_text.as_bytes());
        Ok(Self(crate::fs::hex(&hash.finalize())))
    }

    /// The identity as 40 lowercase hex digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Fills `buffer` as far as the file goes.
fn read_up_to(file: &mut File, buffer: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buffer.len() {
        match file.read(&mut buffer[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_identity_follows_the_weights_and_the_config_not_the_name() {
        let dir = tempfile::tempdir().unwrap();
        let weights: Vec<u8> = (0..200_000u32).map(|i| (i * 7 % 251) as u8).collect();
        let a = dir.path().join("a.onnx");
        std::fs::write(&a, &weights).unwrap();
        let copy = dir.path().join("copy.onnx");
        std::fs::write(&copy, &weights).unwrap();
        let mut retrained = weights.clone();
        for byte in retrained.iter_mut().skip(4096) {
            *byte = byte.wrapping_add(1);
        }
        let b = dir.path().join("b.onnx");
        std::fs::write(&b, &retrained).unwrap();

        let id = |path: &Path, config: &str| Identity::of(path, config).unwrap();
        assert_eq!(id(&a, "{}"), id(&copy, "{}"), "a copy is the same voice");
        assert_ne!(id(&a, "{}"), id(&b, "{}"), "other weights of the same size");
        assert_ne!(id(&a, "{}"), id(&a, "{\"x\": 1}"), "another config");
        assert_eq!(id(&a, "{}").as_str().len(), 40);
    }
}
