//! The `vtts` command: parse, check, run, and turn errors into exit codes.

mod cli;
mod commands;
mod input;
mod options;
mod server;
mod signals;

use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::Result;
use clap::Parser;

use crate::cli::Cli;
use crate::options::{Task, UsageError};

fn run() -> Result<()> {
    let cli = Cli::parse();
    // Ctrl-C and SIGTERM stop synthesis after the current sentence (an
    // unfinished output file is removed), a wait for input at once, and the
    // server gracefully.
    signals::install()?;
    match Task::from_cli(cli, std::io::stdout().is_terminal())? {
        Task::Speak(options) => commands::speak::run(options),
        Task::Phonemize(options) => commands::phonemize::run(options),
        Task::Normalize(options) => commands::normalize::run(options),
        Task::Serve(options) => commands::serve::run(options),
        Task::Voices(command) => commands::voices::run(command),
        Task::Completions(shell) => commands::assets::completions(shell),
        Task::GenerateAssets(dir) => commands::assets::generate(&dir),
    }
}

/// Standard output was closed when vtts started (`vtts ... >&-`).
pub static STDOUT_WAS_CLOSED: AtomicBool = AtomicBool::new(false);

/// Whether descriptor 1 was closed when the process started. Rust's runtime
/// puts `/dev/null` on a closed 0, 1 or 2 before `main` (so that no file
/// opened later takes the number), opened read-write; a shell's `>/dev/null`
/// opens it write-only. So `/dev/null` open read-write on 1 means it was closed.
fn stdout_was_closed() -> bool {
    // SAFETY: fcntl and fstat on descriptor 1 into a stat we own.
    unsafe {
        let mut stat: libc::stat = std::mem::zeroed();
        let flags = libc::fcntl(1, libc::F_GETFL);
        flags >= 0
            && flags & libc::O_ACCMODE == libc::O_RDWR
            && libc::fstat(1, &raw mut stat) == 0
            && stat.st_mode & libc::S_IFMT == libc::S_IFCHR
            && stat.st_rdev == libc::makedev(1, 3)
    }
}

fn main() -> ExitCode {
    STDOUT_WAS_CLOSED.store(stdout_was_closed(), Ordering::Relaxed);
    // ONNX Runtime 1.29 and later report usage to Microsoft from Linux, and
    // keep a device id under ~/.cache/Microsoft, unless this variable is set
    // before the library starts. vtts does not phone home; a user who wants
    // the reports can set the variable to 0.
    if std::env::var_os("ORT_DISABLE_TELEMETRY").is_none() {
        // SAFETY: the first statement of main, before any thread exists.
        unsafe { std::env::set_var("ORT_DISABLE_TELEMETRY", "1") };
    }
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        // A reader that stopped listening (`vtts ... | head -c 100`) is not an error.
        Err(error) if is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("vtts: error: {}", message(&error));
            ExitCode::from(exit_code(&error))
        }
    }
}

/// The error and its causes, each once: an I/O error's message already ends
/// with the operating system's, which is also its cause.
fn message(error: &anyhow::Error) -> String {
    let mut message = error.to_string();
    for cause in error.chain().skip(1) {
        let cause = cause.to_string();
        if !message.ends_with(&cause) {
            message.push_str(": ");
            message.push_str(&cause);
        }
    }
    message
}

/// The exit status of an error, documented in `vtts --help`: 2 for a
/// mistake in how vtts was called (a flag, a setting, a speaker), 1 for
/// everything else.
fn exit_code(error: &anyhow::Error) -> u8 {
    let interrupted = error.chain().any(|cause| {
        matches!(
            cause.downcast_ref::<vtts_core::Error>(),
            Some(vtts_core::Error::Interrupted)
        )
    });
    if interrupted && let Some(status) = signals::exit_status() {
        return status;
    }
    let usage = error.chain().any(|cause| {
        cause.is::<UsageError>()
            || matches!(
                cause.downcast_ref::<vtts_core::Error>(),
                Some(vtts_core::Error::InvalidSetting { .. })
            )
    });
    if usage { 2 } else { 1 }
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
