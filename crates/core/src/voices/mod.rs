//! Installed voices: the catalog of published Vietnamese voices, the folder
//! they are installed in, downloads that resume and verify, and finding the
//! model a user means by a path or a name.

pub mod catalog;
pub mod download;
mod set;

use std::fs;
use std::path::{Path, PathBuf};

pub use catalog::{Catalog, CatalogVoice};
pub use set::{Offered, VoiceSet};

use crate::error::{Error, IoContext, Result};
use crate::fs::AtomicFile;
use crate::voice::VoiceConfig;

/// The folder of installed voices: `$VTTS_DATA_DIR/voices`, else
/// `$XDG_DATA_HOME/vtts/voices`, else `~/.local/share/vtts/voices`.
#[derive(Debug, Clone)]
pub struct Store {
    dir: PathBuf,
}

impl Store {
    /// The folder the environment names (see [`Store`]).
    pub fn open_default() -> Self {
        let data = std::env::var_os("VTTS_DATA_DIR")
            .filter(|p| !p.is_empty())
            .map(PathBuf::from)
            .or_else(crate::fs::data_dir)
            .unwrap_or_else(|| PathBuf::from(".vtts"));
        Self::at(data.join("voices"))
    }

    /// The voices installed in `dir`.
    pub fn at(dir: PathBuf) -> Self {
        Self { dir }
    }

    /// The folder itself.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Where the model of voice `name` is, installed or not.
    pub fn model(&self, name: &str) -> PathBuf {
        self.dir.join(format!("{name}.onnx"))
    }

    /// Where the config of voice `name` is, installed or not.
    pub fn config(&self, name: &str) -> PathBuf {
        self.dir.join(format!("{name}.onnx.json"))
    }

    /// Installed means both files are in place (they are moved in config first).
    pub fn is_installed(&self, name: &str) -> bool {
        valid_name(name).is_ok() && self.model(name).is_file() && self.config(name).is_file()
    }

    /// Names of the installed voices, sorted.
    pub fn installed(&self) -> Vec<String> {
        let Ok(entries) = fs::read_dir(&self.dir) else {
            return Vec::new();
        };
        let mut names: Vec<String> = entries
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter_map(|n| n.strip_suffix(".onnx").map(str::to_string))
            .filter(|n| !n.starts_with('.') && self.is_installed(n))
            .collect();
        names.sort();
        names
    }

    /// Removes an installed voice; false if it was not installed.
    pub fn remove(&self, name: &str) -> Result<bool> {
        valid_name(name)?;
        let mut removed = false;
        for path in [self.model(name), self.config(name)] {
            match fs::remove_file(&path) {
                Ok(()) => removed = true,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(e).context(|| format!("removing {}", path.display())),
            }
        }
        Ok(removed)
    }

    /// Installs a voice from files the user has: `model` and its config
    /// (default `model` + `.json`), after checking the config. Returns its name.
    pub fn install_files(&self, model: &Path, config: Option<&Path>) -> Result<String> {
        let config = config.map_or_else(
            || crate::voice::config::default_path(model),
            Path::to_path_buf,
        );
        let invalid = |message: String| Error::InvalidVoice {
            path: model.to_path_buf(),
            message,
        };
        if !model.is_file() {
            return Err(invalid(format!(
                "{} is not a voice model file",
                model.display()
            )));
        }
        VoiceConfig::from_file(&config)?;
        // An empty, cut-off or foreign model is refused now, not at first use.
        crate::voice::Voice::load(model, Some(&config))?;
        let name = model
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_suffix(".onnx"))
            .filter(|n| !n.is_empty() && !n.starts_with('.'))
            .ok_or_else(|| invalid(format!("{} is not named NAME.onnx", model.display())))?
            .to_string();
        fs::create_dir_all(&self.dir).context(|| format!("creating {}", self.dir.display()))?;
        // The config goes in first: a voice counts as installed once its model is there.
        AtomicFile::copy(&config, &self.config(&name))?;
        AtomicFile::copy(model, &self.model(&name))?;
        Ok(name)
    }
}

/// Where a voice comes from when the user names one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Wanted {
    /// A model file path.
    Path(PathBuf),
    /// An installed or catalog voice, by name.
    Name(String),
    /// Nothing given: the catalog's default voice.
    Default,
}

/// Finds the model file the user means, downloading a catalog voice on
/// first use unless `offline`. `say` reports what happens (on stderr), and
/// `progress` shows a download's progress bar.
pub fn resolve(
    wanted: Wanted,
    store: &Store,
    offline: bool,
    progress: bool,
    say: &mut dyn FnMut(&str),
) -> Result<PathBuf> {
    let name = match wanted {
        Wanted::Path(path) => {
            let looks_like_name = path.components().count() == 1
                && path.extension().is_none_or(|e| e != "onnx")
                && !path.exists();
            if !looks_like_name {
                return Ok(path);
            }
            path.to_string_lossy().into_owned()
        }
        Wanted::Name(name) => name,
        Wanted::Default => Catalog::load()?.default,
    };
    valid_name(&name)?;
    if store.is_installed(&name) {
        return Ok(store.model(&name));
    }
    let catalog = Catalog::load()?;
    let Some(voice) = catalog.find(&name) else {
        return Err(Error::UnknownVoice {
            name,
            installed: list_or_none(&store.installed()),
            known: catalog.names().join(", "),
        });
    };
    if offline {
        return Err(Error::Offline { name });
    }
    say(&format!(
        "voice {name} is not installed yet: downloading it ({:.1} MB) to {}",
        voice.model.bytes as f64 / 1e6,
        store.dir().display()
    ));
    download::download(store, voice, &catalog.base_url, progress)?;
    Ok(store.model(&name))
}

/// A voice name as the store files it: a plain file name, never a path
/// (`../x` would reach outside the voices folder).
fn valid_name(name: &str) -> Result<()> {
    if !name.is_empty() && !name.starts_with('.') && !name.contains(['/', '\\', '\0']) {
        return Ok(());
    }
    Err(Error::setting(
        "voice",
        format!(
            "{name:?} is not a voice name: a name is a file name without `/` and does not start with `.`"
        ),
    ))
}

fn list_or_none(names: &[String]) -> String {
    if names.is_empty() {
        "none".to_string()
    } else {
        names.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/voices/vi_VN-test-tiny.onnx")
    }

    #[test]
    fn installing_from_files_lists_and_removes() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::at(dir.path().join("voices"));
        assert!(store.installed().is_empty());
        let name = store.install_files(&tiny(), None).unwrap();
        assert_eq!(name, "vi_VN-test-tiny");
        assert!(store.is_installed(&name));
        assert_eq!(store.installed(), vec![name.clone()]);
        assert_eq!(
            fs::read(store.model(&name)).unwrap(),
            fs::read(tiny()).unwrap()
        );
        assert!(store.remove(&name).unwrap());
        assert!(!store.remove(&name).unwrap());
        assert!(store.installed().is_empty());
    }

    #[test]
    fn a_file_that_is_not_a_vietnamese_voice_is_not_installed() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::at(dir.path().join("voices"));
        let model = dir.path().join("x.onnx");
        fs::write(&model, b"model").unwrap();
        fs::write(
            dir.path().join("x.onnx.json"),
            br#"{"audio": {"sample_rate": 1}, "espeak": {"voice": "de"}, "phoneme_id_map": {}}"#,
        )
        .unwrap();
        let error = store.install_files(&model, None).unwrap_err();
        assert!(error.to_string().contains("not Vietnamese"), "{error:#}");
        assert!(store.installed().is_empty());
    }

    #[test]
    fn a_path_is_used_as_it_is_and_an_installed_name_is_found() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::at(dir.path().join("voices"));
        let mut say = |_: &str| {};
        assert_eq!(
            resolve(Wanted::Path(tiny()), &store, true, false, &mut say).unwrap(),
            tiny()
        );
        store.install_files(&tiny(), None).unwrap();
        let found = resolve(
            Wanted::Path("vi_VN-test-tiny".into()),
            &store,
            true,
            false,
            &mut say,
        );
        assert_eq!(found.unwrap(), store.model("vi_VN-test-tiny"));
    }

    #[test]
    fn offline_explains_what_to_run() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::at(dir.path().join("voices"));
        let error = resolve(
            Wanted::Name("vi_VN-vivos-x_low".into()),
            &store,
            true,
            false,
            &mut |_| {},
        )
        .unwrap_err();
        let message = error.to_string();
        assert!(
            message.contains("vtts voices download vi_VN-vivos-x_low"),
            "{message}"
        );
        assert!(message.contains("vtts voices install"), "{message}");
    }

    #[test]
    fn a_name_never_reaches_outside_the_folder() {
        let outside = tempfile::tempdir().unwrap();
        let store_dir = outside.path().join("voices");
        std::fs::create_dir(&store_dir).unwrap();
        std::fs::write(outside.path().join("x.onnx"), b"model").unwrap();
        std::fs::write(outside.path().join("x.onnx.json"), b"{}").unwrap();
        let store = Store::at(store_dir);
        for name in ["../x", "..", ".hidden", "a/b", "a\\b", ""] {
            assert!(!store.is_installed(name), "{name}");
            let error = store.remove(name).unwrap_err();
            assert!(
                matches!(error, Error::InvalidSetting { name: "voice", .. }),
                "{name}: {error}"
            );
            let wanted = Wanted::Name(name.to_string());
            assert!(
                resolve(wanted, &store, true, false, &mut |_| {}).is_err(),
                "{name}"
            );
        }
        assert!(
            outside.path().join("x.onnx").exists(),
            "nothing outside was removed"
        );
    }

    #[test]
    fn an_unknown_name_lists_what_there_is() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::at(dir.path().join("voices"));
        let error = resolve(
            Wanted::Name("nope".into()),
            &store,
            true,
            false,
            &mut |_| {},
        )
        .unwrap_err();
        assert!(
            error.to_string().contains("vi_VN-vais1000-medium"),
            "{error:#}"
        );
    }
}
