//! `vtts serve`: find the voices (downloading any named catalog voice), load
//! the default one, then serve until stopped.

use std::path::PathBuf;

use anyhow::Result;
use vtts_core::Parallelism;
use vtts_core::voices::{Store, VoiceSet, Wanted};

use crate::options::{ServeOptions, ServeVoices, VoiceChoice, load_lexicon};

pub fn run(mut options: ServeOptions) -> Result<()> {
    options.server.reading.lexicon = load_lexicon(options.lexicon.as_deref())?;
    // A model session per worker (up to the cores), so workers synthesise at once.
    let parallelism = Parallelism::for_callers(options.server.workers);
    let models = models(&options.voices)?;
    let voices = VoiceSet::new(&models, parallelism, options.voices.max_loaded)?
        .announcing(super::speak::notice_unsplit);
    crate::server::serve(voices, options.server)
}

/// The model files (and the first one's config) of the voices asked for, in
/// order, then every installed voice if asked.
fn models(voices: &ServeVoices) -> Result<Vec<(PathBuf, Option<PathBuf>)>> {
    let mut models = Vec::new();
    for (i, wanted) in voices.wanted.iter().enumerate() {
        let choice = VoiceChoice {
            wanted: wanted.clone(),
            config: None,
            offline: voices.offline,
        };
        let config = voices.config.clone().filter(|_| i == 0);
        models.push((super::speak::find_voice(&choice, false)?, config));
    }
    if voices.installed {
        let store = Store::open_default();
        let installed = store.installed();
        if installed.is_empty() && models.is_empty() {
            anyhow::bail!(
                "--voices installed: no voice is installed in {}; install one with `vtts voices download NAME`",
                store.dir().display()
            );
        }
        models.extend(installed.iter().map(|name| (store.model(name), None)));
    }
    debug_assert!(voices.wanted.iter().all(|w| *w != Wanted::Default) || models.len() == 1);
    Ok(models)
}
