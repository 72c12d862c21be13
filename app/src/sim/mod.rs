//! The moving country of the demo: a simulator that plays traffic, targeting, holds,
//! inspections, waits and incidents through the same domain operations as people use, on a
//! simulated clock that an administrator can pause and resume, following the demo's model
//! (`demo::model`) as the seed's history does. Here: the status both sides share, the
//! clock's handle (server), the server functions and the header badge. Server side, the
//! simulator itself: `engine.rs` (its schedule and clock, and the runner), `cast.rs` (its
//! accounts and ports), `traffic.rs` (declarations, arrivals, releases, referrals, holds),
//! `story.rs` (a hold's story), `conditions.rs` (waits and incidents).

use crate::components::common::changed_by;
use crate::error::AppError;
use crate::i18n::td_string;
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
mod cast;
#[cfg(feature = "ssr")]
mod conditions;
#[cfg(feature = "ssr")]
pub mod engine;
#[cfg(feature = "ssr")]
mod story;
#[cfg(feature = "ssr")]
mod traffic;

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
pub const ACTOR_PREFIX: &str = crate::accounts::SIMULATED_PREFIX;

/// True for an actor of the simulation.
pub fn is_simulated_actor(actor: &str) -> bool {
    actor.starts_with(ACTOR_PREFIX)
}

#[cfg(feature = "ssr")]
mod control {
    use super::SimStatus;
    use crate::auth::server::Caller;
    use crate::demo::clock::SimControl;
    use crate::domain::{Action, authorize};
    use crate::error::AppError;
    use crate::journal::db::{NewEntry, record};
    use chrono::{DateTime, Utc};
    use serde_json::json;
    use sqlx::AnyPool;

    /// The simulation's status as `caller` sees it.
    pub fn status(control: &SimControl, caller: &Caller) -> SimStatus {
        SimStatus {
            running: !control.is_paused(),
            speed: control.speed(),
            simulated_at: control.now(),
            may_control: authorize(&caller.account.principal(), Action::ControlSimulator, None)
                .is_ok(),
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
                let mut tx = crate::db::WriteTx::begin(pool).await?;
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
                Ok::<_, sqlx::Error>(())
            }
            .await;
            if let Err(e) = written {
                // Unrecorded, so undone.
                control.set_paused(!paused);
                return Err(e.into());
            }
        }
        Ok(status(control, caller))
    }
}

#[cfg(feature = "ssr")]
pub use control::{set_paused, status};

/// How the simulator runs, or `None` when none runs (not a demo, or `--no-sim`).
#[server(prefix = "/rpc", endpoint = "sim_status")]
pub async fn get_sim_status() -> Result<Option<SimStatus>, AppError> {
    let caller = crate::auth::server::require(crate::domain::Action::Read, None).await?;
    let state = crate::state::app_state()?;
    Ok(state.sim.as_ref().map(|control| status(control, &caller)))
}

/// Pauses (`true`) or resumes (`false`) the simulation: administrators only; journaled.
#[server(prefix = "/rpc", endpoint = "set_sim_paused")]
pub async fn set_sim_paused(paused: bool) -> Result<SimStatus, AppError> {
    let caller =
        crate::auth::server::require(crate::domain::Action::ControlSimulator, None).await?;
    let state = crate::state::app_state()?;
    let control = state.sim.as_ref().ok_or_else(|| {
        AppError::not_found(crate::i18n::td_string!(
            crate::lang::current(),
            sim.running_simulation
        ))
    })?;
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
    let toggled = changed_by(toggle.version(), toggle.value());
    let status = Resource::new(
        move || (toggled.get(), touched.get(), live.epoch.get()),
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
                        let l = crate::lang::current();
                        let state = if sim.running { "running" } else { "paused" };
                        let said = if sim.running {
                            td_string!(l, sim.running)
                        } else {
                            td_string!(l, sim.paused)
                        };
                        let title = td_string!(
                            l,
                            sim.simulated_time,
                            time = crate::lang::format::local_time_short(l, sim.simulated_at, "UTC")
                        )
                            .to_string();
                        view! {
                            <div class="sim-badge" data-state=state title=title>
                                <span class="sim-label">
                                    {td_string!(l, sim.simulation)} " " {sim.speed_label()} " · "
                                    {said}
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
                                                    {if sim.running {
                                                        td_string!(l, sim.pause)
                                                    } else {
                                                        td_string!(l, sim.resume)
                                                    }}
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
