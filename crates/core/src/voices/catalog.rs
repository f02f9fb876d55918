//! The catalog of known voices (`models/voices.json`, built in), with where
//! their files live and the sizes and checksums they must have.

use std::path::Path;

use serde::Deserialize;

use crate::error::{Error, Result};

/// What a downloaded file must be.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Expected {
    /// Its size.
    pub bytes: u64,
    /// Its MD5, in lowercase hex.
    pub md5: String,
}

/// One voice of the catalog.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct CatalogVoice {
    /// The voice's name, as `--voice` takes it.
    pub name: String,
    /// The folder of its files below the base URL.
    pub path: String,
    /// Piper's quality name: x_low, low, medium, high.
    pub quality: String,
    /// Samples per second.
    pub sample_rate: u32,
    /// How many speakers it has.
    pub speakers: u32,
    /// What its `.onnx` file must be.
    pub model: Expected,
    /// What its `.onnx.json` file must be.
    pub config: Expected,
}

impl CatalogVoice {
    /// Where its model is under `base_url`.
    pub fn model_url(&self, base_url: &str) -> String {
        format!(
            "{}/{}/{}.onnx",
            base_url.trim_end_matches('/'),
            self.path,
            self.name
        )
    }

    /// Where its config is under `base_url`.
    pub fn config_url(&self, base_url: &str) -> String {
        format!("{}.json", self.model_url(base_url))
    }
}

/// The voices vtts knows how to download.
#[derive(Debug, Clone, Deserialize)]
pub struct Catalog {
    /// Where the files are (`VTTS_VOICES_URL` moves it to a mirror).
    pub base_url: String,
    /// The voice used when none is named.
    pub default: String,
    /// The voices, in the order `vtts voices list` shows them.
    pub voices: Vec<CatalogVoice>,
}

static BUILT_IN: &str = include_str!("../../../../models/voices.json");

impl Catalog {
    /// The built-in catalog, or the file named by `VTTS_VOICES_CATALOG`; the
    /// base URL can be moved to a mirror with `VTTS_VOICES_URL`.
    pub fn load() -> Result<Self> {
        let mut catalog = match std::env::var_os("VTTS_VOICES_CATALOG").filter(|p| !p.is_empty()) {
            Some(path) => Self::from_file(Path::new(&path))?,
            None => Self::parse(BUILT_IN)
                .map_err(|e| Error::Catalog(format!("the built-in voice catalog: {e}")))?,
        };
        if let Some(url) = std::env::var("VTTS_VOICES_URL")
            .ok()
            .filter(|u| !u.is_empty())
        {
            catalog.base_url = url;
        }
        Ok(catalog)
    }

    /// Reads a catalog file.
    pub fn from_file(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            Error::Catalog(format!("reading voice catalog {}: {e}", path.display()))
        })?;
        Self::parse(&text)
            .map_err(|e| Error::Catalog(format!("voice catalog {}: {e}", path.display())))
    }

    fn parse(text: &str) -> Result<Self, String> {
        let catalog: Catalog = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if catalog.find(&catalog.default).is_none() {
            return Err(format!(
                "the default voice {:?} is not in the catalog",
                catalog.default
            ));
        }
        Ok(catalog)
    }

    /// The voice named `name`.
    pub fn find(&self, name: &str) -> Option<&CatalogVoice> {
        self.voices.iter().find(|v| v.name == name)
    }

    /// The voices' names, in order.
    pub fn names(&self) -> Vec<&str> {
        self.voices.iter().map(|v| v.name.as_str()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_catalog_has_the_three_vietnamese_voices_pinned() {
        let catalog = Catalog::parse(BUILT_IN).unwrap();
        assert_eq!(
            catalog.names(),
            vec![
                "vi_VN-vais1000-medium",
                "vi_VN-25hours_single-low",
                "vi_VN-vivos-x_low"
            ]
        );
        assert_eq!(catalog.default, "vi_VN-vais1000-medium");
        assert!(catalog.base_url.ends_with("/resolve/v1.0.0"));
        let vivos = catalog.find("vi_VN-vivos-x_low").unwrap();
        assert_eq!(vivos.speakers, 65);
        assert_eq!(vivos.model.bytes, 27_789_413);
        assert_eq!(vivos.model.md5, "d5880d32e340f57489dcb9d4f1f7aa04");
        assert_eq!(
            vivos.model_url("https://mirror.example/"),
            "https://mirror.example/vi/vi_VN/vivos/x_low/vi_VN-vivos-x_low.onnx"
        );
        assert_eq!(
            vivos.config_url("https://m"),
            "https://m/vi/vi_VN/vivos/x_low/vi_VN-vivos-x_low.onnx.json"
        );
    }
}
