//! `vtts voices`: the catalog, and the voices installed in the data folder.

use std::io::IsTerminal;

use anyhow::{Result, bail};

use crate::cli::{QuietArgs, VoicesCommand};
use vtts_core::voices::{Catalog, Store, download};

pub fn run(command: VoicesCommand) -> Result<()> {
    let store = Store::open_default();
    match command {
        VoicesCommand::List => list(&store),
        VoicesCommand::Download {
            names,
            quiet: QuietArgs { quiet },
        } => {
            let catalog = Catalog::load()?;
            for name in &names {
                let Some(voice) = catalog.find(name) else {
                    bail!(
                        "no voice {name:?} in the catalog: choose from {}",
                        catalog.names().join(", ")
                    );
                };
                if store.is_installed(name) {
                    if !quiet {
                        eprintln!("vtts: {name} is already installed");
                    }
                    continue;
                }
                if !quiet {
                    eprintln!(
                        "vtts: downloading {name} ({:.1} MB) from {}",
                        voice.model.bytes as f64 / 1e6,
                        catalog.base_url
                    );
                }
                download::download(
                    &store,
                    voice,
                    &catalog.base_url,
                    !quiet && std::io::stderr().is_terminal(),
                )?;
                if !quiet {
                    eprintln!("vtts: installed {name} in {}", store.dir().display());
                }
            }
            Ok(())
        }
        VoicesCommand::Install { model, config } => {
            let name = store.install_files(&model, config.as_deref())?;
            eprintln!("vtts: installed {name} in {}", store.dir().display());
            Ok(())
        }
        VoicesCommand::Remove { name } => {
            if !store.remove(&name)? {
                bail!(
                    "voice {name:?} is not installed (installed: {})",
                    store.installed().join(", ")
                );
            }
            eprintln!("vtts: removed {name}");
            Ok(())
        }
        VoicesCommand::Path => {
            println!("{}", store.dir().display());
            Ok(())
        }
    }
}

/// A table of the catalog's voices, then any others installed from files.
fn list(store: &Store) -> Result<()> {
    let catalog = Catalog::load()?;
    println!(
        "{:<28} {:<8} {:>6} {:>8} {:>9}  INSTALLED",
        "NAME", "QUALITY", "RATE", "SPEAKERS", "SIZE"
    );
    for voice in &catalog.voices {
        let default = if voice.name == catalog.default {
            " (default)"
        } else {
            ""
        };
        println!(
            "{:<28} {:<8} {:>6} {:>8} {:>6.1} MB  {}{default}",
            voice.name,
            voice.quality,
            voice.sample_rate,
            voice.speakers,
            voice.model.bytes as f64 / 1e6,
            if store.is_installed(&voice.name) {
                "yes"
            } else {
                "no"
            },
        );
    }
    for name in store
        .installed()
        .iter()
        .filter(|n| catalog.find(n).is_none())
    {
        println!(
            "{name:<28} {:<8} {:>6} {:>8} {:>9}  yes (from a file)",
            "-", "-", "-", "-"
        );
    }
    Ok(())
}
