//! Shell completions and man pages, made from the clap definitions in cli.rs
//! so they never drift from the real options. `vtts generate-assets` rewrites
//! `completions/` and `man/`; a test fails when the committed ones are stale.

use std::path::Path;

use anyhow::{Context, Result};
use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::Cli;

/// Prints the completion script for `shell` on stdout.
pub fn completions(shell: Shell) -> Result<()> {
    clap_complete::generate(shell, &mut Cli::command(), "vtts", &mut std::io::stdout());
    Ok(())
}

/// Writes `completions/` and `man/` under `dir`.
pub fn generate(dir: &Path) -> Result<()> {
    let completions = dir.join("completions");
    std::fs::create_dir_all(&completions)
        .with_context(|| format!("creating {}", completions.display()))?;
    for shell in [
        Shell::Bash,
        Shell::Zsh,
        Shell::Fish,
        Shell::Elvish,
        Shell::PowerShell,
    ] {
        clap_complete::generate_to(shell, &mut Cli::command(), "vtts", &completions)
            .with_context(|| format!("writing {shell} completions"))?;
    }
    let man = dir.join("man");
    std::fs::create_dir_all(&man).with_context(|| format!("creating {}", man.display()))?;
    clap_mangen::generate_to(Cli::command(), &man).context("writing man pages")?;
    Ok(())
}
