//! The demo's simulated clock: the instant the moving country has reached, and whether it
//! runs. Shared by the simulator (which acts at that instant) and the server functions that
//! show, pause and resume it.

use chrono::{DateTime, Duration, Utc};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// The simulated clock and whether it runs, shared by the runner and the server
/// functions. Cheap to clone.
///
/// The simulated instant is `anchor + wall time elapsed since running_since × speed`: it
/// stands still while paused and resumes from where it stopped, so pausing never makes the
/// simulation skip what it would have done.
#[derive(Debug, Clone)]
pub struct SimControl(Arc<Inner>);

#[derive(Debug)]
struct Inner {
    seed: u64,
    speed: f64,
    clock: Mutex<Clock>,
}

#[derive(Debug, Clone, Copy)]
struct Clock {
    /// The simulated instant when the clock last started or stopped.
    anchor: DateTime<Utc>,
    /// When (wall, monotonic) the clock last started; `None` while paused.
    running_since: Option<Instant>,
}

impl Clock {
    fn at(&self, wall: Instant, speed: f64) -> DateTime<Utc> {
        match self.running_since {
            Some(since) => {
                let ms = wall.saturating_duration_since(since).as_secs_f64() * speed * 1000.0;
                self.anchor + Duration::milliseconds(ms as i64)
            }
            None => self.anchor,
        }
    }
}

impl SimControl {
    /// A running clock that reads `start` now and runs `speed` times faster than the
    /// wall clock. `speed` must be positive and finite.
    pub fn new(seed: u64, start: DateTime<Utc>, speed: f64) -> Self {
        assert!(
            speed.is_finite() && speed > 0.0,
            "the simulation speed must be positive"
        );
        Self(Arc::new(Inner {
            seed,
            speed,
            clock: Mutex::new(Clock {
                anchor: start,
                running_since: Some(Instant::now()),
            }),
        }))
    }

    fn clock(&self) -> std::sync::MutexGuard<'_, Clock> {
        self.0.clock.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn seed(&self) -> u64 {
        self.0.seed
    }

    pub fn speed(&self) -> f64 {
        self.0.speed
    }

    /// The simulated instant now.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock().at(Instant::now(), self.0.speed)
    }

    pub fn is_paused(&self) -> bool {
        self.clock().running_since.is_none()
    }

    /// Stops or restarts the clock. Returns whether that changed anything, and the
    /// simulated instant at which it happened.
    pub fn set_paused(&self, paused: bool) -> (bool, DateTime<Utc>) {
        let mut clock = self.clock();
        let wall = Instant::now();
        let at = clock.at(wall, self.0.speed);
        if paused == clock.running_since.is_none() {
            return (false, at);
        }
        *clock = Clock {
            anchor: at,
            running_since: (!paused).then_some(wall),
        };
        (true, at)
    }
}
