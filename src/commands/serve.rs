//! `vtts serve`: find and load the voice, then run the HTTP service until stopped.

use anyhow::Result;
use vtts_core::Parallelism;

use crate::options::ServeOptions;

pub fn run(options: ServeOptions) -> Result<()> {
    // A model session per worker (up to the cores), so workers synthesise at once.
    let parallelism = Parallelism::for_callers(options.server.workers);
    let voice = super::speak::load_voice(&options.voice, false, parallelism)?;
    crate::server::serve(voice, options.server)
}
