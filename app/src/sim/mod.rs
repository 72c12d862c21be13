//! The moving country of the demo: a simulator that plays traffic, targeting, holds,
//! inspections, waits and incidents through the same domain operations as people use, on a
//! simulated clock that an administrator can pause and resume. Here: the status both sides
//! share, the clock's handle (server), the server functions and the header badge.

use crate::error::AppError;
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub mod engine;

/// How the simulator is running, for the header badge.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SimStatus {
    pub running: bool,
    /// Simulated seconds per wall-clock second.
    pub speed: f64,
    /// The simulated instant now.
    pub simulated_at: DateTime<Utc>,
    /// Whether the caller may pause and resume it.
    pub may_control: bool,
}

impl SimStatus {
    /// "×1", "×60", "×0.5".
    pub fn speed_label(&self) -> String {
        if self.speed.fract() == 0.0 {
            format!("×{}", self.speed as i64)
        } else {
            format!("×{}", self.speed)
        }
    }
}

/// Every account the simulator acts as begins with this: `sim.officer.yvr`, `sim.targeting`.
pub const ACTOR_PREFIX: &str = "sim.";

/// True for an actor of the simulation.
pub fn is_simulated_actor(actor: &str) -> bool {
    actor.starts_with(ACTOR_PREFIX)
}

#[cfg(feature = "ssr")]
pub use control::SimControl;

#[cfg(feature = "ssr")]
mod control {
    use super::SimStatus;
    use crate::auth::server::Caller;
    use crate::domain::{Action, authorize};
    use crate::error::AppError;
    use crate::journal::db::{NewEntry, record};
    use chrono::{DateTime, Duration, Utc};
    use serde_json::json;
    use sqlx::AnyPool;
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

        /// The status as `caller` sees it.
        pub fn status(&self, caller: &Caller) -> SimStatus {
            SimStatus {
                running: !self.is_paused(),
                speed: self.speed(),
                simulated_at: self.now(),
                may_control: authorize(&caller.account.principal(), Action::ControlSimulator, None)
                    .is_ok(),
            }
        }
    }

    /// Pauses or resumes the simulation for `caller` (authorized already), journaling who did
    /// it and when (wall time, with the simulated instant beside it). Asking for the state it
    /// is already in changes and records nothing.
    pub async fn set_paused(
        pool: &AnyPool,
        control: &SimControl,
        caller: &Caller,
        paused: bool,
        now: DateTime<Utc>,
    ) -> Result<SimStatus, AppError> {
        let (changed, simulated_at) = control.set_paused(paused);
        if changed {
            let written = async {
                let (turn, mut conn) = crate::db::write_access(pool).await?;
                let mut tx = crate::db::begin_write(&mut conn).await?;
                record(
                    &mut tx,
                    NewEntry::administrative(
                        now,
                        &caller.account.username,
                        "simulation",
                        control.seed(),
                        if paused { "paused" } else { "resumed" },
                        json!({
                            "running": !paused,
                            "speed": control.speed(),
                            "simulated_at": simulated_at,
                        }),
                    ),
                )
                .await?;
                tx.commit().await?;
                drop(turn);
                Ok::<_, sqlx::Error>(())
            }
            .await;
            if let Err(e) = written {
                // Unrecorded, so undone.
                control.set_paused(!paused);
                return Err(e.into());
            }
        }
        Ok(control.status(caller))
    }
}

#[cfg(feature = "ssr")]
pub use control::set_paused;

/// How the simulator runs, or `None` when none runs (not a demo, or `--no-sim`).
#[server(prefix = "/rpc", endpoint = "sim_status")]
pub async fn get_sim_status() -> Result<Option<SimStatus>, AppError> {
    let caller = crate::auth::server::require(crate::domain::Action::Read, None).await?;
    let state = crate::state::app_state()?;
    Ok(state.sim.as_ref().map(|control| control.status(&caller)))
}

/// Pauses (`true`) or resumes (`false`) the simulation: administrators only; journaled.
#[server(prefix = "/rpc", endpoint = "set_sim_paused")]
pub async fn set_sim_paused(paused: bool) -> Result<SimStatus, AppError> {
    let caller =
        crate::auth::server::require(crate::domain::Action::ControlSimulator, None).await?;
    let state = crate::state::app_state()?;
    let control = state
        .sim
        .as_ref()
        .ok_or_else(|| AppError::not_found("a running simulation"))?;
    set_paused(&state.db.pool, control, &caller, paused, Utc::now()).await
}

/// The header's badge: "Simulation ×1 · running", with pause and resume for administrators.
/// Shows nothing when no simulation runs.
#[component]
pub fn SimBadge() -> impl IntoView {
    let toggle = ServerAction::<SetSimPaused>::new();
    // Fetched again when anyone pauses or resumes it (or the stream says to reload).
    let live = crate::live::client::use_live();
    let touched = Memo::new(move |_| live.touched("simulation"));
    let status = Resource::new(
        move || (toggle.version().get(), touched.get(), live.epoch.get()),
        |_| get_sim_status(),
    );
    view! {
        <Transition>
            {move || Suspend::new(async move {
                status
                    .await
                    .ok()
                    .flatten()
                    .map(|sim| {
                        let state = if sim.running { "running" } else { "paused" };
                        let title = format!(
                            "Simulated time {} UTC",
                            sim.simulated_at.format("%b %-d %H:%M"),
                        );
                        view! {
                            <div class="sim-badge" data-state=state title=title>
                                <span class="sim-label">
                                    "Simulation " {sim.speed_label()} " · " {state}
                                </span>
                                {sim
                                    .may_control
                                    .then(|| {
                                        view! {
                                            <ActionForm action=toggle>
                                                <input
                                                    type="hidden"
                                                    name="paused"
                                                    value=if sim.running { "true" } else { "false" }
                                                />
                                                <button type="submit" class="sim-toggle">
                                                    {if sim.running { "Pause" } else { "Resume" }}
                                                </button>
                                            </ActionForm>
                                        }
                                    })}
                            </div>
                        }
                    })
            })}
        </Transition>
    }
}
