//! What can go wrong, as values a caller can branch on: the command line
//! turns each variant into an exit status in one place (`src/main.rs`), the
//! server into an HTTP status in one place (`src/server/http.rs`).

use std::path::PathBuf;

/// The result of the library's fallible calls.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything the library can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A synthesis setting outside its range or not understood.
    #[error("{message}")]
    InvalidSetting {
        /// The setting as requests spell it (`length_scale`, `speaker`...).
        name: &'static str,
        /// What is wrong with the value and what would be right, naming the setting.
        message: String,
    },
    /// The text has no word that can be spoken.
    #[error("nothing to say: the text has no speakable words")]
    NothingToSay,
    /// Stopped by the caller (Ctrl-C, a client that left) before the end.
    #[error("interrupted")]
    Interrupted,
    /// No voice of that name: not a file, not installed, not in the catalog.
    #[error(
        "no voice {name:?}: it is neither a file, an installed voice ({installed}) nor a known one ({known}); \
         install your own with `vtts voices install PATH.onnx`"
    )]
    UnknownVoice {
        /// The name asked for.
        name: String,
        /// The installed voices, comma-separated, or "none".
        installed: String,
        /// The catalog's voices, comma-separated.
        known: String,
    },
    /// A catalog voice that is not installed, while downloads are off.
    #[error(
        "voice {name} is not installed and vtts is offline (--offline or VTTS_OFFLINE): \
         run `vtts voices download {name}` when online, or `vtts voices install PATH.onnx` \
         for a voice you have as a file"
    )]
    Offline {
        /// The voice asked for.
        name: String,
    },
    /// A voice's files are missing, unreadable or not a Vietnamese Piper voice.
    #[error("{message}")]
    InvalidVoice {
        /// The model or config file at fault.
        path: PathBuf,
        /// What is wrong, naming the file.
        message: String,
    },
    /// The ONNX Runtime library is missing, too old or failed to start.
    #[error("{0}")]
    Runtime(String),
    /// A model run failed.
    #[error("{0}")]
    Synthesis(String),
    /// The voice catalog (`VTTS_VOICES_CATALOG`) is unreadable or wrong.
    #[error("{0}")]
    Catalog(String),
    /// A voice could not be fetched or was not the expected file.
    #[error("{0}")]
    Download(String),
    /// The sound device is missing or failed.
    #[error("{0}")]
    Device(String),
    /// An audio encoder failed.
    #[error("{0}")]
    Encoder(String),
    /// More audio than the output format can hold.
    #[error("{0}")]
    TooLong(String),
    /// Reading or writing a file or stream failed.
    #[error("{context}: {source}")]
    Io {
        /// What was being done, naming the file.
        context: String,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    /// An invalid value of the setting `name`.
    pub fn setting(name: &'static str, message: impl Into<String>) -> Self {
        Error::InvalidSetting {
            name,
            message: message.into(),
        }
    }

    /// The I/O error underneath, if this is one.
    pub fn io_error(&self) -> Option<&std::io::Error> {
        match self {
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// Adds what was being done to an I/O error: `.context(|| format!("writing {path}"))`.
pub trait IoContext<T> {
    /// Turns an I/O error into [`Error::Io`] with the context `what` returns.
    fn context(self, what: impl FnOnce() -> String) -> Result<T>;
}

impl<T> IoContext<T> for std::io::Result<T> {
    fn context(self, what: impl FnOnce() -> String) -> Result<T> {
        self.map_err(|source| Error::Io {
            context: what(),
            source,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_io_error_says_what_was_being_done() {
        let error = Err::<(), _>(std::io::Error::from(std::io::ErrorKind::StorageFull))
            .context(|| "writing out.wav".to_string())
            .unwrap_err();
        assert!(
            error.to_string().starts_with("writing out.wav: "),
            "{error}"
        );
        assert_eq!(
            error.io_error().map(std::io::Error::kind),
            Some(std::io::ErrorKind::StorageFull)
        );
    }

    #[test]
    fn a_setting_error_names_the_setting() {
        let error = Error::setting("noise_w", "noise_w: 3 is outside the range 0 to 2");
        assert_eq!(error.to_string(), "noise_w: 3 is outside the range 0 to 2");
        assert!(matches!(
            error,
            Error::InvalidSetting {
                name: "noise_w",
                ..
            }
        ));
    }
}
