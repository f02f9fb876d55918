//! `vtts serve`: load the voice, then run the HTTP service until stopped.

use anyhow::Result;

use crate::options::ServeOptions;
use vtts::Voice;

pub fn run(options: ServeOptions) -> Result<()> {
    let voice = Voice::load(&options.model, options.config.as_deref())?;
    let fingerprint = voice.fingerprint().to_string();
    vtts::server::serve(voice, fingerprint, options.server)
}
