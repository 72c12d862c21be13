//! A hold's story in the simulation: one repeated event reads the hold as it is and takes the
//! next step (ask the trader for documents, open the examination, take it up, start it,
//! record its result, decide on the goods, approve the seizure), each through the same
//! operations as people, then schedules the next look after the time the demo's model gives
//! that next step. A person may step in at any point: work someone else holds is looked at
//! again later, and a hold someone else placed is left to them.

use super::engine::{Event, Simulator, minutes};
use crate::demo::country::first_inspection;
use crate::demo::model::{self, Decision};
use crate::domain::{HoldReason, HoldStatus, InspectionKind, InspectionStatus, Outcome, Priority};
use crate::error::AppError;
use crate::holds::{HoldCommand, HoldRow, act as hold_ops, db as holds};
use crate::inspections::{
    InspectionCommand, InspectionRow, NewInspection, act as inspection_ops, db as inspections,
};
use crate::targeting::{capacity::release_waiting, ingest::hold_signature};
use chrono::{DateTime, Duration, Utc};
use rand::Rng;
use sqlx::{AnyPool, Row};

impl Simulator {
    /// Moves a hold of the simulation one step along its story: examination, outcome,
    /// decision. A hold someone else placed is left to them; work someone else took over is
    /// looked at again later.
    pub(super) async fn hold_step(
        &mut self,
        pool: &AnyPool,
        now: DateTime<Utc>,
        id: i64,
    ) -> Result<(), AppError> {
        let hold = holds::by_id(pool, id).await?;
        let Some(port) = self.cast().port(&hold.port_code) else {
            return Ok(());
        };
        let ours = hold.placed_by == self.cast().ports[port].officer_signature
            || hold.placed_by == hold_signature(&self.cast().carriers);
        if !hold.status.is_active() || !ours {
            return Ok(());
        }
        let mut work: Vec<InspectionRow> = inspections::for_shipment(pool, hold.shipment_id)
            .await?
            .into_iter()
            .filter(|i| i.hold_id == hold.id)
            .collect();
        work.sort_by_key(|i| i.id);
        let badge = format!("SIM-{}", hold.port_code);
        let ours =
            |i: &InspectionRow| i.assigned_officer.as_ref().map(|o| &o.badge) == Some(&badge);
        let open = work.iter().rev().find(|i| i.status.is_open()).cloned();
        let next = match open {
            Some(item) if item.status == InspectionStatus::Queued => {
                self.take_up(pool, now, port, &item).await?
            }
            Some(item) if item.status == InspectionStatus::Assigned && ours(&item) => {
                self.inspect(pool, now, port, &item, InspectionCommand::Start)
                    .await?;
                model::work_time(item.kind).draw(&mut self.rng)
            }
            Some(item) if item.status == InspectionStatus::InProgress && ours(&item) => {
                // A follow-up comes after an inconclusive result on the same hold.
                let follows = work
                    .iter()
                    .any(|i| i.id < item.id && i.outcome == Some(Outcome::Inconclusive));
                let outcome = model::outcome(&mut self.rng, hold.reason, follows);
                let follow_up =
                    (outcome == Outcome::Inconclusive).then(|| model::follow_up(item.kind));
                let command = InspectionCommand::Complete {
                    outcome,
                    notes: model::result_note(outcome).into(),
                    follow_up,
                };
                self.inspect(pool, now, port, &item, command).await?;
                match follow_up {
                    Some(kind) => model::queue_wait(kind),
                    None => model::decision_after(hold.reason),
                }
                .draw(&mut self.rng)
            }
            // A person holds the work: look again later.
            Some(_) => minutes(&mut self.rng, 30, 60),
            // The examination its score asked for waits for the port's capacity: offer the
            // waiting referrals the slots free now (the targeting centre's regular release, on
            // the simulation's clock), and look again later.
            None if waiting_for_capacity(pool, hold.id).await? => {
                let actor = self.cast().targeting.account.username.clone();
                release_waiting(pool, &actor, now).await?;
                minutes(&mut self.rng, 10, 30)
            }
            None => match self.decide(pool, now, port, &hold, &work).await? {
                Some(next) => next,
                None => return Ok(()),
            },
        };
        self.schedule(
            now + next,
            Event::HoldStep {
                hold: hold.id,
                attempt: 0,
            },
        );
        Ok(())
    }

    /// Takes up a queued examination as the model says: a supervisor cancels it (the
    /// equipment is down), the officer claims it, or a supervisor assigns it to the officer
    /// (once the officer is on the port's roster, which the first claim does). Returns when to
    /// look again.
    async fn take_up(
        &mut self,
        pool: &AnyPool,
        now: DateTime<Utc>,
        port: usize,
        item: &InspectionRow,
    ) -> Result<Duration, AppError> {
        let (officer, supervisor) = {
            let p = &self.cast().ports[port];
            (p.officer.clone(), p.supervisor.clone())
        };
        if self.rng.gen_bool(model::CANCEL_SHARE) {
            let command = InspectionCommand::Cancel {
                reason: model::cancel_reason().into(),
            };
            act_on(pool, &supervisor, item, command, now).await?;
            return Ok(model::FIRST_LOOK.draw(&mut self.rng));
        }
        let claims = self.rng.gen_bool(model::CLAIM_SHARE);
        let rostered = if claims {
            None
        } else {
            inspections::linked_officer(pool, &officer).await?
        };
        match rostered {
            Some(officer_id) => {
                let command = InspectionCommand::Assign {
                    officer_id: Some(officer_id),
                };
                act_on(pool, &supervisor, item, command, now).await?;
            }
            None => act_on(pool, &officer, item, InspectionCommand::Claim, now).await?,
        }
        Ok(model::start_after(item.kind).draw(&mut self.rng))
    }

    /// `command` on the examination, by the port's officer.
    async fn inspect(
        &self,
        pool: &AnyPool,
        now: DateTime<Utc>,
        port: usize,
        item: &InspectionRow,
        command: InspectionCommand,
    ) -> Result<(), AppError> {
        act_on(pool, &self.cast().ports[port].officer, item, command, now).await
    }

    /// With no examination open: wait on the trader's documents, open the first
    /// examination (or the one replacing a cancelled one), or decide on the goods from the
    /// last one. Returns when to look again, or `None` when the hold is closed.
    async fn decide(
        &mut self,
        pool: &AnyPool,
        now: DateTime<Utc>,
        port: usize,
        hold: &HoldRow,
        work: &[InspectionRow],
    ) -> Result<Option<Duration>, AppError> {
        let (officer, supervisor, mode) = {
            let p = &self.cast().ports[port];
            (p.officer.clone(), p.supervisor.clone(), p.mode)
        };
        let act = |command: HoldCommand| {
            let caller = if matches!(command, HoldCommand::ApproveSeizure { .. }) {
                supervisor.clone()
            } else {
                officer.clone()
            };
            async move {
                hold_ops::hold_action(pool, &caller, hold.id, command, Some(hold.version), now)
                    .await
                    .map(|_| ())
            }
        };
        let open = |kind: InspectionKind, priority: Priority| {
            let officer = &officer;
            async move {
                let request = NewInspection {
                    hold_id: hold.id,
                    kind,
                    priority,
                };
                inspection_ops::open_inspection(pool, officer, &request, now)
                    .await
                    .map(|_| ())
            }
        };
        if hold.status == HoldStatus::SeizureRequested {
            act(HoldCommand::ApproveSeizure {
                reason: model::seizure_approval_reason().into(),
            })
            .await?;
            return Ok(None);
        }
        let documents = hold.reason == HoldReason::Documentation;
        let last = work.iter().rev().find(|i| !i.status.is_open());
        match last {
            None if documents
                && hold.paused_since.is_none()
                && hold.paused_ms == 0
                && self.rng.gen_bool(model::PAUSE_SHARE) =>
            {
                act(HoldCommand::Pause {
                    reason: model::pause_reason().into(),
                })
                .await?;
                Ok(Some(model::PAUSE_LASTS.draw(&mut self.rng)))
            }
            None if hold.paused_since.is_some() => {
                act(HoldCommand::Resume).await?;
                Ok(Some(model::FIRST_LOOK.draw(&mut self.rng)))
            }
            None => {
                let kind = first_inspection(hold.reason, mode);
                open(kind, model::priority(hold.reason)).await?;
                Ok(Some(model::queue_wait(kind).draw(&mut self.rng)))
            }
            Some(item) if item.status == InspectionStatus::Cancelled => {
                open(model::REPLACEMENT, item.priority).await?;
                Ok(Some(
                    model::queue_wait(model::REPLACEMENT).draw(&mut self.rng),
                ))
            }
            Some(item) => {
                // Goods cannot be returned to their origin through the product yet: the
                // simulation does only what people can.
                let outcome = item.outcome.unwrap_or(Outcome::NoFinding);
                let command = match model::decision(&mut self.rng, hold.reason, outcome, false) {
                    Decision::Release { reason } | Decision::ReturnToOrigin { reason } => {
                        HoldCommand::Release {
                            reason: reason.into(),
                        }
                    }
                    Decision::Refer { agency, reason } => HoldCommand::Refer {
                        agency: agency.into(),
                        reason: reason.into(),
                    },
                    Decision::RequestSeizure { reason } => HoldCommand::RequestSeizure {
                        reason: reason.into(),
                    },
                };
                let asks_seizure = matches!(command, HoldCommand::RequestSeizure { .. });
                act(command).await?;
                Ok(asks_seizure.then(|| model::APPROVAL_AFTER.draw(&mut self.rng)))
            }
        }
    }
}

/// `command` on the examination `item`, by `caller`, on the version the simulation read.
async fn act_on(
    pool: &AnyPool,
    caller: &crate::auth::server::Caller,
    item: &InspectionRow,
    command: InspectionCommand,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    inspection_ops::inspection_action(pool, caller, item.id, command, Some(item.version), now)
        .await
        .map(|_| ())
}

/// Whether the examination a score asked for on `hold` still waits for capacity.
async fn waiting_for_capacity(pool: &AnyPool, hold: i64) -> Result<bool, AppError> {
    let n: i64 = sqlx::query(
        "select count(*) as n from referrals_waiting where hold_id = $1 and released_at is null",
    )
    .bind(hold)
    .fetch_one(pool)
    .await?
    .try_get("n")?;
    Ok(n > 0)
}
