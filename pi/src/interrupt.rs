//! SIGINT and SIGTERM for the subcommands that write files or drive a panel (`render`, `play`).
//!
//! The first signal only sets a flag: the work loops check it between frames and stop the
//! orderly way (a render removes its temporary file and writes nothing under the final name;
//! `play` applies `--on-exit`). A second signal means the orderly way is stuck (a blocked write,
//! a bus that hangs): the signal thread then removes every temporary file still registered with
//! [`crate::export`] and exits at once. Both paths run on ordinary threads (signal-hook's
//! self-pipe), so they may lock and touch files, which a signal handler may not.

use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::{Arc, OnceLock};
use tinydisplay_runtime::Doorbell;

static REQUESTED: AtomicBool = AtomicBool::new(false);
static SIGNAL: AtomicI32 = AtomicI32::new(0);
static INSTALLED: OnceLock<Result<(), String>> = OnceLock::new();
/// Rung after the flag is set (`play`'s player sleeps on it), so a sleeping loop stops at once
/// instead of waking every so often to poll the flag.
static BELL: OnceLock<Arc<Doorbell>> = OnceLock::new();

/// Has the first signal also ring `bell` (once per process: `play`'s player doorbell). A signal
/// that came before is seen by the loop's check of [`flag`].
pub fn ring_on_signal(bell: Arc<Doorbell>) {
    let _ = BELL.set(bell);
}

/// Starts listening for SIGINT and SIGTERM (once per process; later calls return the first
/// outcome).
pub fn install() -> Result<(), String> {
    INSTALLED
        .get_or_init(|| {
            use signal_hook::consts::{SIGINT, SIGTERM};
            let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM])
                .map_err(|e| format!("cannot install signal handler: {e}"))?;
            std::thread::Builder::new()
                .name("signals".into())
                .spawn(move || {
                    for sig in signals.forever() {
                        if REQUESTED.load(Ordering::SeqCst) {
                            crate::export::remove_temp_files();
                            std::process::exit(128 + sig);
                        }
                        SIGNAL.store(sig, Ordering::SeqCst);
                        REQUESTED.store(true, Ordering::SeqCst);
                        if let Some(bell) = BELL.get() {
                            bell.ring();
                        }
                    }
                })
                .map(|_| ())
                .map_err(|e| format!("cannot start the signal thread: {e}"))
        })
        .clone()
}

/// The flag the first signal sets; loops poll it.
pub fn flag() -> &'static AtomicBool {
    &REQUESTED
}

pub fn requested() -> bool {
    REQUESTED.load(Ordering::Relaxed)
}

/// The signal that asked to stop, by name, and the exit status a shell gives it (128 + N).
pub fn signal() -> Option<(&'static str, u8)> {
    if !requested() {
        return None;
    }
    let sig = SIGNAL.load(Ordering::SeqCst);
    let name = match sig {
        signal_hook::consts::SIGINT => "SIGINT",
        signal_hook::consts::SIGTERM => "SIGTERM",
        _ => "a signal",
    };
    Some((name, u8::try_from(128 + sig).unwrap_or(1)))
}
