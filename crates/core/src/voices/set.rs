//! The voices a server offers: every one known by name from the start, each
//! loaded on first use, and at most a few loaded at once, the least recently
//! used unloaded first, so that memory follows the bound and not the number
//! of voices.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};

use crate::error::{Error, Result};
use crate::voice::{Parallelism, Voice, VoiceConfig, config};

/// A voice the set offers, loaded or not.
#[derive(Debug, Clone)]
pub struct Offered {
    /// Its name: the model file name without `.onnx`.
    pub name: String,
    /// The model file.
    pub model: PathBuf,
    /// The config file.
    pub config_path: PathBuf,
    /// The config, read when the set was made.
    pub config: VoiceConfig,
}

/// Several voices by name, the first one the default.
pub struct VoiceSet {
    offered: Vec<Offered>,
    parallelism: Parallelism,
    max_loaded: usize,
    /// The loaded voices by index into `offered`, the most recently used last.
    loaded: Mutex<Vec<(usize, Arc<Voice>)>>,
    /// Held while a voice loads, so that two requests never load one voice twice.
    loading: Mutex<()>,
    /// Called with each voice as it loads ([`VoiceSet::announcing`]).
    announce: fn(&Voice),
}

impl std::fmt::Debug for VoiceSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VoiceSet")
            .field("voices", &self.names().collect::<Vec<_>>())
            .finish()
    }
}

impl VoiceSet {
    /// Offers the voices of `models` (a model file and, optionally, its
    /// config), reading every config now and loading the first voice, so that
    /// a missing file or a voice that is not Vietnamese fails at start.
    /// Keeps at most `max_loaded` voices loaded (at least one).
    pub fn new(
        models: &[(PathBuf, Option<PathBuf>)],
        parallelism: Parallelism,
        max_loaded: usize,
    ) -> Result<Self> {
        let mut offered: Vec<Offered> = Vec::new();
        for (model, config) in models {
            let config_path = config
                .clone()
                .unwrap_or_else(|| config::default_path(model));
            let voice = Offered {
                name: crate::voice::name_of(model),
                model: model.clone(),
                config: VoiceConfig::from_file(&config_path)?,
                config_path,
            };
            match offered.iter().find(|o| o.name == voice.name) {
                Some(same) if same.model == voice.model => continue,
                Some(same) => {
                    return Err(Error::InvalidVoice {
                        path: voice.model.clone(),
                        message: format!(
                            "two voices are named {}: {} and {}; rename one of the files",
                            voice.name,
                            same.model.display(),
                            voice.model.display()
                        ),
                    });
                }
                None => offered.push(voice),
            }
        }
        if offered.is_empty() {
            return Err(Error::setting("voice", "no voice to offer"));
        }
        let set = Self {
            offered,
            parallelism,
            max_loaded: max_loaded.max(1),
            loaded: Mutex::new(Vec::new()),
            loading: Mutex::new(()),
            announce: |_| {},
        };
        set.get(None)?;
        Ok(set)
    }

    /// Calls `announce` with every voice when it loads: at once for the
    /// default, which is loaded already, and for the others on first use
    /// (again if one is loaded again after it was dropped).
    pub fn announcing(mut self, announce: fn(&Voice)) -> Self {
        for (_, voice) in lock(&self.loaded).iter() {
            announce(voice);
        }
        self.announce = announce;
        self
    }

    /// The voices offered, the default first.
    pub fn offered(&self) -> &[Offered] {
        &self.offered
    }

    /// Their names, the default first.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.offered.iter().map(|o| o.name.as_str())
    }

    /// The default voice's name.
    pub fn default_name(&self) -> &str {
        &self.offered[0].name
    }

    /// Whether a voice of that name is offered.
    pub fn offers(&self, name: &str) -> bool {
        self.offered.iter().any(|o| o.name == name)
    }

    /// The names of the voices loaded now, the most recently used last.
    pub fn loaded_names(&self) -> Vec<String> {
        lock(&self.loaded)
            .iter()
            .map(|(i, _)| self.offered[*i].name.clone())
            .collect()
    }

    /// The voice named `name`, or the default one, loading it if need be
    /// (and unloading the least recently used one if too many are loaded).
    /// An unknown name is an invalid `voice` setting that lists the voices.
    pub fn get(&self, name: Option<&str>) -> Result<Arc<Voice>> {
        let index = match name {
            None => 0,
            Some(name) => self
                .offered
                .iter()
                .position(|o| o.name == name)
                .ok_or_else(|| {
                    Error::setting(
                        "voice",
                        format!(
                            "no voice {name:?}: the voices here are {}",
                            self.names().collect::<Vec<_>>().join(", ")
                        ),
                    )
                })?,
        };
        if let Some(voice) = self.touch(index) {
            return Ok(voice);
        }
        let _loading = lock(&self.loading);
        if let Some(voice) = self.touch(index) {
            return Ok(voice);
        }
        let offered = &self.offered[index];
        let voice = Arc::new(Voice::load_with(
            &offered.model,
            Some(&offered.config_path),
            self.parallelism,
        )?);
        (self.announce)(&voice);
        let mut loaded = lock(&self.loaded);
        loaded.push((index, voice.clone()));
        // A voice unloaded here is freed once the last request using it ends.
        while loaded.len() > self.max_loaded {
            loaded.remove(0);
        }
        Ok(voice)
    }

    /// The voice at `index` if it is loaded, now the most recently used.
    fn touch(&self, index: usize) -> Option<Arc<Voice>> {
        let mut loaded = lock(&self.loaded);
        let at = loaded.iter().position(|(i, _)| *i == index)?;
        let entry = loaded.remove(at);
        let voice = entry.1.clone();
        loaded.push(entry);
        Some(voice)
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn copies(names: &[&str]) -> (tempfile::TempDir, Vec<(PathBuf, Option<PathBuf>)>) {
        let dir = tempfile::tempdir().unwrap();
        let voices = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/voices");
        let models = names
            .iter()
            .map(|name| {
                let model = dir.path().join(format!("{name}.onnx"));
                std::fs::copy(voices.join("vi_VN-test-tiny.onnx"), &model).unwrap();
                std::fs::copy(
                    voices.join("vi_VN-test-tiny.onnx.json"),
                    config::default_path(&model),
                )
                .unwrap();
                (model, None)
            })
            .collect();
        (dir, models)
    }

    #[test]
    fn voices_load_on_first_use_and_the_least_recently_used_goes() {
        let (_dir, models) = copies(&["a", "b", "c"]);
        let set = VoiceSet::new(&models, Parallelism::default(), 2).unwrap();
        assert_eq!(set.names().collect::<Vec<_>>(), ["a", "b", "c"]);
        assert_eq!(set.loaded_names(), ["a"]);
        assert_eq!(set.get(Some("b")).unwrap().name(), "b");
        assert_eq!(set.loaded_names(), ["a", "b"]);
        set.get(Some("a")).unwrap();
        assert_eq!(set.loaded_names(), ["b", "a"]);
        set.get(Some("c")).unwrap();
        assert_eq!(set.loaded_names(), ["a", "c"]);
        assert_eq!(set.get(None).unwrap().name(), "a");
    }

    #[test]
    fn an_unknown_name_lists_the_voices() {
        let (_dir, models) = copies(&["a", "b"]);
        let set = VoiceSet::new(&models, Parallelism::default(), 1).unwrap();
        let error = set.get(Some("zz")).unwrap_err();
        assert!(
            matches!(error, Error::InvalidSetting { name: "voice", .. }),
            "{error:?}"
        );
        assert!(error.to_string().contains("a, b"), "{error}");
    }

    #[test]
    fn a_missing_config_fails_at_once_and_one_file_twice_is_one_voice() {
        let (dir, mut models) = copies(&["a"]);
        models.push(models[0].clone());
        assert_eq!(
            VoiceSet::new(&models, Parallelism::default(), 1)
                .unwrap()
                .names()
                .count(),
            1
        );
        models.push((dir.path().join("missing.onnx"), None));
        assert!(VoiceSet::new(&models, Parallelism::default(), 1).is_err());
    }
}
