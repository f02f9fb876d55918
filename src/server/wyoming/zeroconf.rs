//! `--zeroconf`: the Wyoming service advertised on the local network as
//! `NAME._wyoming._tcp.local.`, as wyoming-piper does, so that Home Assistant
//! offers to add it. mdns-sd is pure Rust and runs its own thread.

use anyhow::{Context as _, Result, bail};
use mdns_sd::{ServiceDaemon, ServiceInfo};

use super::Listener;

/// The service type Home Assistant browses for.
const SERVICE: &str = "_wyoming._tcp.local.";

/// Advertises the first TCP listener under `name` until the value is dropped.
pub struct Advertised {
    daemon: ServiceDaemon,
    fullname: String,
}

/// Starts advertising; the addresses are the host's, kept up to date.
pub fn advertise(name: &str, listeners: &[Listener]) -> Result<Advertised> {
    let Some(port) = listeners.iter().find_map(Listener::port) else {
        bail!("--zeroconf needs a TCP address to announce");
    };
    let host = hostname();
    let info = ServiceInfo::new(SERVICE, name, &format!("{host}.local."), "", port, None)
        .context("--zeroconf: the name cannot be advertised")?
        .enable_addr_auto();
    let fullname = info.get_fullname().to_string();
    let daemon = ServiceDaemon::new().context("--zeroconf: cannot start mDNS")?;
    daemon
        .register(info)
        .context("--zeroconf: cannot advertise the service")?;
    eprintln!("vtts: advertising {fullname} on port {port}");
    Ok(Advertised { daemon, fullname })
}

impl Drop for Advertised {
    fn drop(&mut self) {
        let _ = self.daemon.unregister(&self.fullname);
        let _ = self.daemon.shutdown();
    }
}

/// The machine's host name, or "vtts" when it has none that DNS can carry.
fn hostname() -> String {
    let mut buffer = [0u8; 256];
    // SAFETY: gethostname writes at most `len` bytes into the buffer we own.
    let rc = unsafe { libc::gethostname(buffer.as_mut_ptr().cast(), buffer.len()) };
    let name = match rc {
        0 => {
            let end = buffer.iter().position(|&b| b == 0).unwrap_or(buffer.len());
            String::from_utf8_lossy(&buffer[..end]).into_owned()
        }
        _ => String::new(),
    };
    let name = name.split('.').next().unwrap_or_default();
    match !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        true => name.to_string(),
        false => "vtts".to_string(),
    }
}
