//! The progress bar of a long `actsim run`: simulated days and events per second, drawn on
//! stderr by a thread of its own from what the run reports every 1,024 events
//! (`crate::progress`). The run itself does not wait for it and reads nothing from it.

use crate::Model;
use crate::progress::Progress;
use crate::time::DAY;
use std::sync::mpsc::{RecvTimeoutError, channel};
use std::time::{Duration, Instant};

/// How often the bar is redrawn.
const TICK: Duration = Duration::from_millis(200);

/// Runs `simulate` (a run of `model` that reports to the `Progress` it is given) with a
/// progress bar on stderr.
pub fn run<T>(model: &Model, simulate: impl FnOnce(&Progress) -> T) -> T {
    let progress = Progress::default();
    let (done, finished) = channel::<()>();
    std::thread::scope(|scope| {
        let watched = &progress;
        scope.spawn(move || {
            let bar = bar(model.duration.div_ceil(DAY));
            let start = Instant::now();
            while let Err(RecvTimeoutError::Timeout) = finished.recv_timeout(TICK) {
                let (now, events) = watched.get();
                bar.set_position(now / DAY);
                bar.set_message(rate(events, start.elapsed()));
            }
            bar.finish_and_clear();
        });
        let ran = simulate(&progress);
        drop(done);
        ran
    })
}

#[allow(clippy::expect_used)] // the template is a constant, checked by the unit test below
fn bar(days: u64) -> indicatif::ProgressBar {
    indicatif::ProgressBar::new(days).with_style(
        indicatif::ProgressStyle::with_template(
            "{bar:40} day {pos}/{len} simulated  {msg}  {elapsed_precise} (about {eta} left)",
        )
        .expect("a valid template"),
    )
}

/// "12.3 M events/s".
fn rate(events: u64, elapsed: Duration) -> String {
    let seconds = elapsed.as_secs_f64();
    if seconds <= 0.0 {
        return String::new();
    }
    format!("{:.1} M events/s", events as f64 / seconds / 1e6)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bar_and_its_message() {
        let b = bar(365);
        assert_eq!(b.length(), Some(365));
        assert_eq!(rate(24_600_000, Duration::from_secs(2)), "12.3 M events/s");
        assert_eq!(rate(5, Duration::ZERO), "");
    }
}
