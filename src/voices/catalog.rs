//! The catalog of known voices (`models/voices.json`, built in), with where
//! their files live and the sizes and checksums they must have.

use std::path::Path;

use anyhow::{Context, Result};
use serde::Deserialize;

/// What a downloaded file must be.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Expected {
    pub bytes: u64,
    pub md5: String,
}

/// One voice of the catalog.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct CatalogVoice {
    pub name: String,
    /// The folder of its files below the base URL.
    pub path: String,
    pub quality: String,
    pub sample_rate: u32,
    pub speakers: u32,
    pub model: Expected,
    pub config: Expected,
}

impl CatalogVoice {
    pub fn model_url(&self, base_url: &str) -> String {
        format!(
            "{}/{}/{}.onnx",
            base_url.trim_end_matches('/'),
            self.path,
            self.name
        )
    }

    pub fn config_url(&self, base_url: &str) -> String {
        format!("{}.json", self.model_url(base_url))
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct Catalog {
    pub base_url: String,
    pub default: String,
    pub voices: Vec<CatalogVoice>,
}

static BUILT_IN: &str = include_str!("../../models/voices.json");

impl Catalog {
    /// The built-in catalog, or the file named by `VTTS_VOICES_CATALOG`; the
    /// base URL can be moved to a mirror with `VTTS_VOICES_URL`.
    pub fn load() -> Result<Self> {
        let mut catalog = match std::env::var_os("VTTS_VOICES_CATALOG").filter(|p| !p.is_empty()) {
            Some(path) => Self::from_file(Path::new(&path))?,
            None => Self::parse(BUILT_IN).context("the built-in voice catalog")?,
        };
        if let Some(url) = std::env::var("VTTS_VOICES_URL")
            .ok()
            .filter(|u| !u.is_empty())
        {
            catalog.base_url = url;
        }
        Ok(catalog)
    }

    pub fn from_file(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading voice catalog {}", path.display()))?;
        Self::parse(&text).with_context(|| format!("voice catalog {}", path.display()))
    }

    fn parse(text: &str) -> Result<Self> {
        let catalog: Catalog = serde_json::from_str(text)?;
        anyhow::ensure!(
            catalog.find(&catalog.default).is_some(),
            "the default voice {:?} is not in the catalog",
            catalog.default
        );
        Ok(catalog)
    }

    pub fn find(&self, name: &str) -> Option<&CatalogVoice> {
        self.voices.iter().find(|v| v.name == name)
    }

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
