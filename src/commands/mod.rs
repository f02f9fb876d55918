//! What each `vtts` command does, on top of the library's pipeline.

pub mod phonemize;
pub mod serve;
pub mod speak;
