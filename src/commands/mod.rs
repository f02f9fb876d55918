//! What each `vtts` command does, on top of the library's pipeline.

pub mod assets;
pub mod normalize;
pub mod phonemize;
pub mod serve;
pub mod speak;
pub mod voices;
