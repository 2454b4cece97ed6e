//! Crash points, for the crash tests: with `RALLY_CRASH_AT=<name>` the process aborts at
//! the point of that name, as `kill -9` would there, so a test can show what a crash at
//! that exact moment leaves behind. Unset (as in real use), a point costs one comparison.
use std::sync::OnceLock;

pub fn point(name: &str) {
    static AT: OnceLock<Option<String>> = OnceLock::new();
    if AT
        .get_or_init(|| std::env::var("RALLY_CRASH_AT").ok())
        .as_deref()
        == Some(name)
    {
        eprintln!("crash point {name}: aborting");
        std::process::abort();
    }
}
