//! `vtts serve`: find and load the voice, then run the HTTP service until stopped.

use anyhow::Result;

use crate::options::ServeOptions;

pub fn run(options: ServeOptions) -> Result<()> {
    let voice = super::speak::load_voice(&options.voice, false)?;
    let fingerprint = voice.fingerprint().to_string();
    vtts::server::serve(voice, fingerprint, options.server)
}
