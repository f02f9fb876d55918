//! The committed completions and man pages are what the current command line
//! generates; refresh them with `cargo run -- generate-assets .`.

use crate::common;

use std::fs;
use std::path::Path;

use common::*;

fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn completions_and_man_pages_are_up_to_date() {
    let dir = tempfile::tempdir().unwrap();
    ok(run(vtts().arg("generate-assets").arg(dir.path()), b""));
    for folder in ["completions", "man"] {
        let fresh = files(&dir.path().join(folder));
        let committed = files(&root().join(folder));
        let names = |f: &[(String, Vec<u8>)]| f.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
        assert_eq!(
            names(&committed),
            names(&fresh),
            "{folder}/ has other files than generated"
        );
        for ((name, committed), (_, fresh)) in committed.iter().zip(&fresh) {
            assert!(
                committed == fresh,
                "{folder}/{name} is out of date: run `cargo run -- generate-assets .`"
            );
        }
    }
    assert!(
        files(&dir.path().join("man"))
            .iter()
            .any(|(n, _)| n == "vtts-serve.1")
    );
}

#[test]
fn vtts_completions_prints_the_committed_scripts() {
    for (shell, file) in [
        ("bash", "vtts.bash"),
        ("zsh", "_vtts"),
        ("fish", "vtts.fish"),
        ("elvish", "vtts.elv"),
        ("powershell", "_vtts.ps1"),
    ] {
        let printed = ok(run(vtts().args(["completions", shell]), b""));
        assert_eq!(
            printed,
            fs::read(root().join("completions").join(file)).unwrap(),
            "{shell}"
        );
    }
    let bash = String::from_utf8(fs::read(root().join("completions/vtts.bash")).unwrap()).unwrap();
    for flag in ["--speed", "--voice", "--play", "serve", "voices"] {
        assert!(bash.contains(flag), "bash completion knows {flag}");
    }
}
