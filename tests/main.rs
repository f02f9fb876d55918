//! The integration tests, one binary (one link on two cores instead of one
//! per file): each module drives the real `vtts` binary, its server or the
//! library from outside, through the helpers in `common`.

mod common;

mod assets;
mod browser;
mod cli;
mod crates;
mod deploy;
mod door;
mod formats;
mod frontends;
mod hostile;
mod lexicon;
mod load;
mod openai;
mod outputs;
mod parity;
mod play;
mod server;
mod startup;
mod text_properties;
mod voices;
mod windows;
mod wyoming;
