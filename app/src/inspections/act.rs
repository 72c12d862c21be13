//! The operations on inspections, behind the queue, the work panel, the handover page, the
//! server functions, the JSON API, the simulator and targeting. Each reads as: read the
//! inspection and ask authority (a refusal is journaled and answered 403) → refuse a stale
//! `version` → check what was sent → read the facts the command needs → the pure decision
//! (`decide.rs`) → one write with its journal entry. The update is conditional on the version
//! read: if someone acted first, nothing is written and the caller hears who.

use super::decide::{self, InspectionFacts, already_claimed, handed_over, not_yours};
use super::{HandoverReport, HandoverRequest, InspectionCommand, InspectionRow, NewInspection, db};
use crate::auth::server::Caller;
use crate::db::WriteTx;
use crate::domain::{Action, HoldAction, check_text};
use crate::error::AppError;
use crate::holds::db as holds;
use crate::journal::acting::{check_version, last_actor, stale};
use crate::journal::db::{NewEntry, record};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use sqlx::AnyPool;

/// Opens an inspection of the goods an active hold stops.
pub async fn open_inspection(
    pool: &AnyPool,
    caller: &Caller,
    request: &NewInspection,
    now: DateTime<Utc>,
) -> Result<InspectionRow, AppError> {
    let hold = holds::by_id(pool, request.hold_id).await?;
    caller
        .authorize(pool, Action::OpenInspection, Some(&hold.port_code))
        .await?;
    if !hold.status.is_active() {
        return Err(crate::holds::decide::refusal(
            &hold,
            HoldAction::BeginExamination,
        ));
    }
    let inspection = db::NewInspectionRow {
        hold_id: hold.id,
        port_code: hold.port_code.clone(),
        kind: request.kind,
        priority: request.priority,
        follows: None,
        created_at: now,
    };
    let after = inspection.after();
    let mut tx = WriteTx::begin(pool).await?;
    let id = db::insert(&mut tx, inspection).await?;
    let entry = NewEntry::goods(
        now,
        &caller.account.username,
        "inspection",
        id,
        hold.shipment_id,
        &hold.port_code,
        "opened",
        Value::Null,
        after,
    );
    record(&mut tx, entry).await?;
    tx.commit().await?;
    db::by_id(pool, id).await
}

/// Claims, assigns, starts, completes, cancels or re-prioritises an inspection.
pub async fn inspection_action(
    pool: &AnyPool,
    caller: &Caller,
    id: i64,
    command: InspectionCommand,
    seen: Option<i64>,
    now: DateTime<Utc>,
) -> Result<InspectionRow, AppError> {
    let inspection = db::by_id(pool, id).await?;
    let what = crate::i18n::td_string!(
        crate::lang::current(),
        inspections.inspection_number,
        id = id
    )
    .to_string();
    let (authority, _) = command.authority();
    caller
        .authorize(pool, authority, Some(&inspection.port_code))
        .await?;
    check_version(&what, &inspection, inspection.version, seen)?;
    let reason = command.reason()?;
    // What can be read before the write begins is read here, so that the writer's turn holds
    // only the writes: the caller's officer (a link that never changes once made) and the
    // hold when the work changes it (its update is conditional on the version read).
    let facts = InspectionFacts {
        linked_officer: if command.needs_officer() {
            db::linked_officer(pool, caller).await?
        } else {
            None
        },
        hold: if command.moves_hold() {
            Some(holds::by_id(pool, inspection.hold_id).await?)
        } else {
            None
        },
        assignee: match command {
            InspectionCommand::Assign {
                officer_id: Some(officer),
            } if inspection.status.next(command.authority().1).is_ok() => {
                db::assignee(pool, officer).await?
            }
            _ => None,
        },
    };
    let change = decide::decide(&inspection, &command, &facts, &caller.account.username)?;
    let entry = |action: &'static str, before: Value, after: Value| {
        NewEntry::goods(
            now,
            &caller.account.username,
            "inspection",
            id,
            inspection.shipment_id,
            &inspection.port_code,
            action,
            before,
            after,
        )
        .reason(Some(reason.as_str()).filter(|r| !r.is_empty()))
    };

    if change.is_simple() {
        // The common case: the update and its journal entry alone, in one round trip.
        let (before, after) = change.before_after(&inspection, change.officer);
        let entry = entry(change.action, before, after);
        if !db::apply_alone(pool, &inspection, &change, now, entry).await? {
            return Err(lost_race(pool, &what, id, &command).await);
        }
        return db::by_id(pool, id).await;
    }

    let mut tx = WriteTx::begin(pool).await?;
    let mut officer = change.officer;
    if change.link_officer {
        let mine = db::link_officer(&mut tx, caller, &inspection.port_code).await?;
        match command {
            InspectionCommand::Start if officer != Some(mine) => {
                return Err(not_yours(&inspection));
            }
            InspectionCommand::Start => {}
            _ => officer = Some(mine),
        }
    }
    if !db::apply(&mut tx, &inspection, &change, officer, now).await? {
        // Rolled back, and the turn given back, before reading what won.
        drop(tx);
        return Err(lost_race(pool, &what, id, &command).await);
    }
    let (before, mut after) = change.before_after(&inspection, officer);
    if let (Some((status, requested_by)), Some(hold)) = (&change.hold, &facts.hold) {
        after["hold"] =
            holds::move_with_inspection(&mut tx, hold, *status, requested_by.as_deref()).await?;
    }
    if let (Some(kind), Some(hold)) = (change.follow_up, &facts.hold) {
        let next = db::insert(
            &mut tx,
            db::NewInspectionRow {
                hold_id: hold.id,
                port_code: hold.port_code.clone(),
                kind,
                priority: change.priority,
                follows: Some(id),
                created_at: now,
            },
        )
        .await?;
        after["follow_up"] = json!({ "id": next, "kind": kind.code() });
    }
    record(&mut tx, entry(change.action, before, after)).await?;
    tx.commit().await?;
    db::by_id(pool, id).await
}

/// Why a conditional update matched nothing: someone else acted first. Says who holds a
/// claimed inspection, or returns the current record as stale.
async fn lost_race(pool: &AnyPool, what: &str, id: i64, command: &InspectionCommand) -> AppError {
    let current = match db::by_id(pool, id).await {
        Ok(current) => current,
        Err(e) => return e,
    };
    if matches!(command, InspectionCommand::Claim) && current.assigned_officer.is_some() {
        return already_claimed(&current);
    }
    let who = last_actor(pool, "inspection", id).await;
    stale(what, &current, who.as_deref())
}

/// Moves every open item of one officer at a port to another officer (or to the queue), in
/// one transaction with one journal entry per item.
pub async fn handover(
    pool: &AnyPool,
    caller: &Caller,
    request: &HandoverRequest,
    now: DateTime<Utc>,
) -> Result<HandoverReport, AppError> {
    let port = request.port.trim().to_ascii_uppercase();
    caller
        .authorize(pool, Action::HandOverShift, Some(&port))
        .await?;
    let reason = check_text("reason", &request.reason, false)?;
    if request.to_officer_id == Some(request.from_officer_id) {
        return Err(AppError::invalid(
            "to_officer_id",
            crate::i18n::td_string!(crate::lang::current(), inspections.handover_same),
        ));
    }
    for officer in std::iter::once(request.from_officer_id).chain(request.to_officer_id) {
        match db::home_port(pool, officer).await? {
            None => {
                return Err(AppError::not_found(
                    crate::i18n::td_string!(
                        crate::lang::current(),
                        inspections.officer_number,
                        id = officer
                    )
                    .to_string(),
                ));
            }
            Some(home) if home != port => {
                return Err(AppError::Conflict {
                    message: crate::i18n::td_string!(
                        crate::lang::current(),
                        inspections.officer_elsewhere,
                        id = officer,
                        home = home,
                        port = port.clone()
                    )
                    .to_string(),
                });
            }
            Some(_) => {}
        }
    }
    let mut tx = WriteTx::begin(pool).await?;
    let items = db::items_of(&mut tx, request.from_officer_id, &port).await?;
    let mut moved = vec![];
    for item in &items {
        let Some(to) = handed_over(item.status, request.to_officer_id.is_some()) else {
            continue;
        };
        db::hand_over(&mut tx, item, to, request.to_officer_id).await?;
        let entry = NewEntry::goods(
            now,
            &caller.account.username,
            "inspection",
            item.id,
            item.shipment_id,
            &port,
            "handed_over",
            json!({ "status": item.status.code(), "officer_id": request.from_officer_id, "version": item.version }),
            json!({ "status": to.code(), "officer_id": request.to_officer_id, "version": item.version + 1 }),
        )
        .reason(Some(reason.as_str()).filter(|r| !r.is_empty()));
        record(&mut tx, entry).await?;
        moved.push(item.id);
    }
    tx.commit().await?;
    Ok(HandoverReport { moved })
}
