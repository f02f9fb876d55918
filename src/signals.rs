//! SIGINT and SIGTERM, for every command: the handler only notes which
//! signal came (an atomic store is all a handler may safely do), and the
//! loops that can wait (for input, between sentences, for connections) look.
//! A command stopped by a signal exits 128 + its number, 130 or 143, as the
//! shell reports a process the signal killed.

use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};

/// The signal received, 0 before any.
static SIGNAL: AtomicI32 = AtomicI32::new(0);
/// Set with it, for [`vtts_core::Recorder::cancel_on`].
static STOP: AtomicBool = AtomicBool::new(false);

extern "C" fn on_signal(signal: libc::c_int) {
    SIGNAL.store(signal, Ordering::SeqCst);
    STOP.store(true, Ordering::SeqCst);
}

/// Installs the handler for SIGINT and SIGTERM.
pub fn install() -> std::io::Result<()> {
    for signal in [libc::SIGINT, libc::SIGTERM] {
        // SAFETY: a zeroed sigaction with a handler that only stores atomics,
        // and an empty mask; SA_RESTART keeps other reads going.
        let rc = unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = on_signal as *const () as libc::sighandler_t;
            action.sa_flags = libc::SA_RESTART;
            libc::sigemptyset(&raw mut action.sa_mask);
            libc::sigaction(signal, &raw const action, std::ptr::null_mut())
        };
        if rc != 0 {
            return Err(std::io::Error::last_os_error());
        }
    }
    Ok(())
}

/// Whether SIGINT or SIGTERM has come.
pub fn received() -> bool {
    STOP.load(Ordering::SeqCst)
}

/// The flag a recorder stops on.
pub fn flag() -> &'static AtomicBool {
    &STOP
}

/// The exit status for a command the signal stopped: 128 + its number.
pub fn exit_status() -> Option<u8> {
    match SIGNAL.load(Ordering::SeqCst) {
        0 => None,
        signal => u8::try_from(128 + signal).ok(),
    }
}
