//! The action engine. Every action follows the same steps:
//!
//! 1. read the record as it is;
//! 2. ask [`Caller::authorize`] (a refusal is journaled and answered 403);
//! 3. refuse a stale `version` (409 with the current record);
//! 4. ask the status rules (`domain::rules`) for the next status (409 with a sentence);
//! 5. in one transaction: a conditional `update … where version = $seen` (the first
//!    statement, so SQLite takes its write lock before anything else), then the journal entry.
//!    If the condition fails, someone else changed the record between 1 and 5: nothing is
//!    written and the caller is told who.

use super::{
    HandoverReport, HandoverRequest, HoldCommand, InspectionCommand, NewHold, NewInspection,
    OfficerLoad, check_text,
};
use crate::auth::server::Caller;
use crate::domain::clock::{local_time_short, to_millis};
use crate::domain::rules::{HoldAction, InspectionAction};
use crate::domain::{Action, HoldStatus, InspectionKind, InspectionStatus, Outcome, Priority};
use crate::error::AppError;
use crate::holds::{HoldRow, db as holds};
use crate::inspections::{InspectionRow, db as inspections};
use crate::journal::db::{NewEntry, record};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use sqlx::{AnyConnection, AnyPool, Row};
use sqlx::{Arguments, any::AnyArguments};

/// How an account signs its changes in holds and inspections: "Yasmin Roy (Y1025)".
fn signature(caller: &Caller) -> String {
    match &caller.account.badge {
        Some(badge) => format!("{} ({badge})", caller.account.display_name),
        None => caller.account.display_name.clone(),
    }
}

fn stale<T: serde::Serialize>(what: &str, current: &T, changed_by: Option<&str>) -> AppError {
    let message = match changed_by {
        Some(who) => {
            format!("{what} was changed by {who} while you were looking at it; check it again")
        }
        None => format!("{what} has changed since you looked at it; check it again"),
    };
    AppError::Stale {
        message,
        current: serde_json::to_value(current).unwrap_or(Value::Null),
    }
}

fn check_version<T: serde::Serialize>(
    what: &str,
    current: &T,
    current_version: i64,
    seen: Option<i64>,
) -> Result<(), AppError> {
    match seen {
        Some(seen) if seen != current_version => Err(stale(what, current, None)),
        _ => Ok(()),
    }
}

/// Who last changed a record, from the journal.
async fn last_actor(pool: &AnyPool, entity: &str, id: i64) -> Option<String> {
    sqlx::query(
        "select actor from journal where entity = $1 and entity_id = $2 order by seq desc limit 1",
    )
    .bind(entity)
    .bind(id.to_string())
    .fetch_optional(pool)
    .await
    .ok()
    .flatten()
    .and_then(|row| row.try_get::<String, _>("actor").ok())
}

struct Entry<'a> {
    entity: &'a str,
    id: i64,
    shipment_id: i64,
    port: &'a str,
    action: &'a str,
    before: Value,
    after: Value,
    reason: Option<&'a str>,
}

async fn journal(
    conn: &mut AnyConnection,
    caller: &Caller,
    entry: Entry<'_>,
    now: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    record(conn, new_entry(caller, entry, now)).await
}

fn new_entry<'a>(caller: &'a Caller, entry: Entry<'a>, now: DateTime<Utc>) -> NewEntry<'a> {
    NewEntry {
        at: now,
        actor: &caller.account.username,
        entity: entry.entity,
        entity_id: entry.id.to_string(),
        shipment_id: Some(entry.shipment_id),
        port_code: Some(entry.port),
        action: entry.action,
        before: Some(entry.before),
        after: Some(entry.after),
        reason: entry.reason.filter(|r| !r.is_empty()),
    }
}

/// Applies a conditional update (its parameters `$1…$n` in `args`) together with its journal
/// entry, in one round trip to the database: on SQLite one batch, `begin immediate; update;
/// insert … where changes() = 1; commit`, inside the writer's turn; on PostgreSQL one
/// statement, the update as a data-modifying CTE feeding the insert. The batch runs as its own
/// task, so that a caller who goes away (a closed tab) cannot cut it off halfway.
/// Returns whether the update matched a row; when it did not, nothing was written.
async fn update_with_entry(
    pool: &AnyPool,
    update: &'static str,
    mut args: AnyArguments<'static>,
    entry: NewEntry<'_>,
) -> Result<bool, AppError> {
    use crate::journal::db::{INSERT_COLUMNS, add_arguments, placeholders};
    let values = placeholders(args.len() + 1);
    add_arguments(&mut args, &entry)?;
    let sqlite = crate::db::is_sqlite(pool);
    let sql = if sqlite {
        format!(
            "begin immediate; {update}; insert into journal ({INSERT_COLUMNS}) \
             select {values} where changes() = 1; commit"
        )
    } else {
        format!(
            "with changed as ({update} returning 1) \
             insert into journal ({INSERT_COLUMNS}) select {values} from changed"
        )
    };
    let pool = pool.clone();
    let batch = tokio::spawn(async move {
        let (turn, mut conn) = crate::db::write_access(&pool).await?;
        let result = sqlx::query_with(&sql, args).execute(&mut *conn).await;
        if result.is_err() && sqlite {
            // A statement of the batch failed: end its transaction before the connection
            // goes back to the pool.
            let _ = sqlx::query("rollback").execute(&mut *conn).await;
        }
        drop(conn);
        drop(turn);
        Ok::<_, AppError>(result?.rows_affected() > 0)
    });
    batch.await.map_err(|e| {
        tracing::error!(error = %e, "an action's write task failed");
        AppError::Internal {
            reference: "write-task".into(),
        }
    })?
}

/// The sentence for a hold action the rules refuse, naming who closed the hold and when.
fn hold_refusal(hold: &HoldRow, attempted: HoldAction) -> AppError {
    let message = match (&hold.resolved_by, hold.resolved_at) {
        (Some(by), Some(at)) if !hold.status.is_active() => format!(
            "this hold was {} by {by} at {}; it can no longer be {}",
            past_tense(hold.status),
            local_time_short(at, &hold.port_time_zone),
            attempted.past_participle()
        ),
        _ => match hold.status.next(attempted) {
            Err(e) => e.to_string(),
            Ok(_) => "this action does not apply to this hold".into(),
        },
    };
    AppError::Conflict { message }
}

fn past_tense(status: HoldStatus) -> &'static str {
    match status {
        HoldStatus::Released => "released",
        HoldStatus::Seized => "seized",
        HoldStatus::Referred => "referred to another agency",
        HoldStatus::Returned => "returned to origin",
        HoldStatus::Placed => "placed",
        HoldStatus::Examination => "put under examination",
        HoldStatus::SeizureRequested => "put forward for seizure",
    }
}

/// The shipment's status after a change to one of its holds.
async fn settle_shipment(
    conn: &mut AnyConnection,
    shipment_id: i64,
    closed_as: Option<HoldStatus>,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let active: i64 = sqlx::query(
        "select count(*) as n from holds where shipment_id = $1 \
         and status in ('placed', 'examination', 'seizure_requested')",
    )
    .bind(shipment_id)
    .fetch_one(&mut *conn)
    .await?
    .try_get("n")?;
    let status = if active > 0 {
        "held"
    } else {
        match closed_as {
            Some(HoldStatus::Seized) => "seized",
            Some(HoldStatus::Referred) => "referred",
            Some(HoldStatus::Returned) => "returned",
            _ => "released",
        }
    };
    sqlx::query(
        "update shipments set status = $1, version = version + 1, \
         released_at = case when $1 = 'released' then $2 else released_at end where id = $3",
    )
    .bind(status)
    .bind(to_millis(now))
    .bind(shipment_id)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn place_hold(
    pool: &AnyPool,
    caller: &Caller,
    request: &NewHold,
    now: DateTime<Utc>,
) -> Result<HoldRow, AppError> {
    let notes = check_text("notes", &request.notes, false)?;
    let shipment = crate::shipments::db::by_id(pool, request.shipment_id).await?;
    caller
        .authorize(pool, Action::PlaceHold, Some(&shipment.port_code))
        .await?;
    use crate::domain::ShipmentStatus as S;
    if !matches!(shipment.status, S::AwaitingArrival | S::Arrived | S::Held) {
        return Err(AppError::Conflict {
            message: format!(
                "shipment {} is {}; only goods not yet released can be held",
                shipment.reference_label(),
                shipment.status.label().to_lowercase()
            ),
        });
    }
    let duplicate: i64 = sqlx::query(
        "select count(*) as n from holds where shipment_id = $1 and reason = $2 \
         and status in ('placed', 'examination', 'seizure_requested')",
    )
    .bind(shipment.id)
    .bind(request.reason.code())
    .fetch_one(pool)
    .await?
    .try_get("n")?;
    if duplicate > 0 {
        return Err(AppError::Conflict {
            message: format!(
                "shipment {} already has an active hold for {}",
                shipment.reference_label(),
                request.reason.label().to_lowercase()
            ),
        });
    }
    let (turn, mut conn) = crate::db::write_access(pool).await?;
    let mut tx = crate::db::begin_write(&mut conn).await?;
    let id: i64 = sqlx::query(
        "insert into holds (shipment_id, port_code, reason, status, placed_at, placed_by, due_at, \
         notes) values ($1, $2, $3, 'placed', $4, $5, $6, $7) returning id",
    )
    .bind(shipment.id)
    .bind(&shipment.port_code)
    .bind(request.reason.code())
    .bind(to_millis(now))
    .bind(signature(caller))
    .bind(to_millis(now + request.reason.service_level()))
    .bind(&notes)
    .fetch_one(&mut *tx)
    .await?
    .try_get("id")?;
    settle_shipment(&mut tx, shipment.id, None, now).await?;
    let after = json!({ "status": "placed", "reason": request.reason.code(), "version": 1 });
    journal(
        &mut tx,
        caller,
        Entry {
            entity: "hold",
            id,
            shipment_id: shipment.id,
            port: &shipment.port_code,
            action: "placed",
            before: Value::Null,
            after,
            reason: Some(&notes),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    // Let the next writer in before reading back what was written.
    drop(conn);
    drop(turn);
    holds::by_id(pool, id).await
}

pub async fn hold_action(
    pool: &AnyPool,
    caller: &Caller,
    id: i64,
    command: HoldCommand,
    seen: Option<i64>,
    now: DateTime<Utc>,
) -> Result<HoldRow, AppError> {
    let hold = holds::by_id(pool, id).await?;
    let what = format!("hold #{id}");
    let (action, transition, reason) = match &command {
        HoldCommand::Release { reason } => (
            Action::ReleaseHold,
            Some(HoldAction::Release),
            check_text("reason", reason, true)?,
        ),
        HoldCommand::RequestSeizure { reason } => (
            Action::RequestSeizure,
            Some(HoldAction::RequestSeizure),
            check_text("reason", reason, true)?,
        ),
        HoldCommand::ApproveSeizure { reason } => (
            Action::ApproveSeizure,
            Some(HoldAction::ApproveSeizure),
            check_text("reason", reason, false)?,
        ),
        HoldCommand::Refer { reason, .. } => (
            Action::ReferHold,
            Some(HoldAction::ReferToAgency),
            check_text("reason", reason, true)?,
        ),
        HoldCommand::Note { text } => (Action::AddNote, None, check_text("text", text, true)?),
        HoldCommand::Pause { reason } => (
            Action::PauseHoldClock,
            None,
            check_text("reason", reason, true)?,
        ),
        HoldCommand::Resume => (Action::PauseHoldClock, None, String::new()),
    };
    caller
        .authorize(pool, action, Some(&hold.port_code))
        .await?;
    check_version(&what, &hold, hold.version, seen)?;

    // The rules, and what changes.
    let mut status = hold.status;
    let mut agency: Option<String> = hold.agency.clone();
    let mut paused_since = hold.paused_since.map(to_millis);
    let mut paused_ms = hold.paused_ms;
    let mut requested_by: Option<String> = None;
    let journal_action;
    if let Some(transition) = transition {
        status = hold
            .status
            .next(transition)
            .map_err(|_| hold_refusal(&hold, transition))?;
        journal_action = match transition {
            HoldAction::Release => "released",
            HoldAction::RequestSeizure => "seizure_requested",
            HoldAction::ApproveSeizure => "seized",
            HoldAction::ReferToAgency => "referred",
            HoldAction::BeginExamination => "examination_begun",
            HoldAction::ReturnToOrigin => "returned",
        };
    } else {
        // Notes may follow a hold after it closes; its clock may not.
        if !hold.status.is_active() && !matches!(command, HoldCommand::Note { .. }) {
            return Err(AppError::Conflict {
                message: format!(
                    "this hold is {}; its service clock has stopped",
                    hold.status.label().to_lowercase()
                ),
            });
        }
        journal_action = match command {
            HoldCommand::Note { .. } => "note_added",
            HoldCommand::Pause { .. } => "clock_paused",
            _ => "clock_resumed",
        };
    }
    let closes = !status.is_active() && hold.status.is_active();
    if closes {
        let open: i64 = sqlx::query(
            "select count(*) as n from inspections where hold_id = $1 \
             and status in ('queued', 'assigned', 'in_progress')",
        )
        .bind(id)
        .fetch_one(pool)
        .await?
        .try_get("n")?;
        if open > 0 {
            return Err(AppError::Conflict {
                message: format!(
                    "this hold has {open} open inspection(s); complete or cancel them before the goods are {}",
                    past_tense(status)
                ),
            });
        }
    }
    match &command {
        HoldCommand::Release { .. } => {}
        HoldCommand::RequestSeizure { .. } => requested_by = Some(caller.account.username.clone()),
        HoldCommand::ApproveSeizure { .. } => {
            let asked: Option<String> =
                sqlx::query("select seizure_requested_by from holds where id = $1")
                    .bind(id)
                    .fetch_one(pool)
                    .await?
                    .try_get("seizure_requested_by")?;
            if asked.as_deref() == Some(caller.account.username.as_str()) {
                return Err(AppError::Conflict {
                    message: "you asked for this seizure; another supervisor must approve it"
                        .into(),
                });
            }
        }
        HoldCommand::Refer { agency: name, .. } => {
            let name = name.trim();
            if name.is_empty() || name.chars().count() > 80 {
                return Err(AppError::invalid(
                    "agency",
                    "name the agency (1 to 80 characters)",
                ));
            }
            agency = Some(name.to_string());
        }
        HoldCommand::Pause { .. } => {
            if paused_since.is_some() {
                return Err(AppError::Conflict {
                    message: "the service clock of this hold is already paused".into(),
                });
            }
            paused_since = Some(to_millis(now));
        }
        HoldCommand::Resume => {
            let Some(since) = paused_since else {
                return Err(AppError::Conflict {
                    message: "the service clock of this hold is not paused".into(),
                });
            };
            paused_ms += (to_millis(now) - since).max(0);
            paused_since = None;
        }
        HoldCommand::Note { .. } => {}
    }
    if closes && let Some(since) = paused_since.take() {
        paused_ms += (to_millis(now) - since).max(0);
    }

    let (turn, mut conn) = crate::db::write_access(pool).await?;
    let mut tx = crate::db::begin_write(&mut conn).await?;
    let updated = sqlx::query(
        "update holds set status = $1, agency = $2, paused_since = $3, paused_ms = $4, \
         resolved_at = case when $5 = 1 then $6 else resolved_at end, \
         resolved_by = case when $5 = 1 then $7 else resolved_by end, \
         seizure_requested_by = coalesce($8, seizure_requested_by), version = version + 1 \
         where id = $9 and version = $10",
    )
    .bind(status.code())
    .bind(&agency)
    .bind(paused_since)
    .bind(paused_ms)
    .bind(i64::from(closes))
    .bind(to_millis(now))
    .bind(signature(caller))
    .bind(&requested_by)
    .bind(id)
    .bind(hold.version)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if updated == 0 {
        // Roll back and give the connection back before reading what won.
        drop(tx);
        drop(conn);
        drop(turn);
        let current = holds::by_id(pool, id).await?;
        let who = last_actor(pool, "hold", id).await;
        return Err(stale(&what, &current, who.as_deref()));
    }
    if closes || hold.status != status {
        settle_shipment(&mut tx, hold.shipment_id, Some(status), now).await?;
    }
    let before = json!({ "status": hold.status.code(), "version": hold.version });
    let mut after = json!({ "status": status.code(), "version": hold.version + 1 });
    if let HoldCommand::Refer { .. } = command {
        after["agency"] = json!(agency);
    }
    journal(
        &mut tx,
        caller,
        Entry {
            entity: "hold",
            id,
            shipment_id: hold.shipment_id,
            port: &hold.port_code,
            action: journal_action,
            before,
            after,
            reason: Some(&reason),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    // Let the next writer in before reading back what was written.
    drop(conn);
    drop(turn);
    holds::by_id(pool, id).await
}

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
        return Err(hold_refusal(&hold, HoldAction::BeginExamination));
    }
    let (turn, mut conn) = crate::db::write_access(pool).await?;
    let mut tx = crate::db::begin_write(&mut conn).await?;
    let id = insert_inspection(&mut tx, &hold, request.kind, request.priority, None, now).await?;
    journal(
        &mut tx,
        caller,
        Entry {
            entity: "inspection",
            id,
            shipment_id: hold.shipment_id,
            port: &hold.port_code,
            action: "opened",
            before: Value::Null,
            after: json!({ "status": "queued", "kind": request.kind.code(), "priority": request.priority.code(), "version": 1 }),
            reason: None,
        },
        now,
    )
    .await?;
    tx.commit().await?;
    // Let the next writer in before reading back what was written.
    drop(conn);
    drop(turn);
    inspections::by_id(pool, id).await
}

async fn insert_inspection(
    conn: &mut AnyConnection,
    hold: &HoldRow,
    kind: InspectionKind,
    priority: crate::domain::Priority,
    follows: Option<i64>,
    now: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    sqlx::query(
        "insert into inspections (hold_id, port_code, kind, priority_rank, status, created_at, \
         due_at, follows_id) values ($1, $2, $3, $4, 'queued', $5, $6, $7) returning id",
    )
    .bind(hold.id)
    .bind(&hold.port_code)
    .bind(kind.code())
    .bind(priority.rank())
    .bind(to_millis(now))
    .bind(to_millis(now + kind.due_after(priority)))
    .bind(follows)
    .fetch_one(conn)
    .await?
    .try_get("id")
}

/// The officer on the roster already linked to the caller's account, if any. Read before a
/// write transaction begins: the link, once made, never changes.
async fn linked_officer(pool: &AnyPool, caller: &Caller) -> Result<Option<i64>, AppError> {
    Ok(sqlx::query("select officer_id from accounts where id = $1")
        .bind(caller.account.id)
        .fetch_one(pool)
        .await?
        .try_get("officer_id")?)
}

/// The caller's officer on the roster: `linked` when the account has one, otherwise linked
/// (or added) now, inside the action's transaction: by badge when the roster has it,
/// otherwise a new officer of `port`.
async fn officer_of(
    conn: &mut AnyConnection,
    caller: &Caller,
    linked: Option<i64>,
    port: &str,
) -> Result<i64, AppError> {
    if let Some(id) = linked {
        return Ok(id);
    }
    let badge = caller
        .account
        .badge
        .clone()
        .unwrap_or_else(|| caller.account.username.to_uppercase());
    let known: Option<i64> = sqlx::query("select id from officers where badge = $1")
        .bind(&badge)
        .fetch_optional(&mut *conn)
        .await?
        .map(|r| r.try_get("id"))
        .transpose()?;
    let id = match known {
        Some(id) => id,
        None => sqlx::query(
            "insert into officers (name, badge, home_port, on_shift) \
             values ($1, $2, $3, 1) returning id",
        )
        .bind(&caller.account.display_name)
        .bind(&badge)
        .bind(port)
        .fetch_one(&mut *conn)
        .await?
        .try_get("id")?,
    };
    sqlx::query("update accounts set officer_id = $1 where id = $2 and officer_id is null")
        .bind(id)
        .bind(caller.account.id)
        .execute(&mut *conn)
        .await?;
    Ok(id)
}

fn holder(inspection: &InspectionRow) -> String {
    inspection
        .assigned_officer
        .as_ref()
        .map(|o| format!("{} ({})", o.name, o.badge))
        .unwrap_or_else(|| "nobody".into())
}

pub async fn inspection_action(
    pool: &AnyPool,
    caller: &Caller,
    id: i64,
    command: InspectionCommand,
    seen: Option<i64>,
    now: DateTime<Utc>,
) -> Result<InspectionRow, AppError> {
    let inspection = inspections::by_id(pool, id).await?;
    let what = format!("inspection #{id}");
    let (action, transition) = match &command {
        InspectionCommand::Claim => (Action::ClaimInspection, InspectionAction::Assign),
        InspectionCommand::Assign {
            officer_id: Some(_),
        } => (Action::AssignInspection, InspectionAction::Assign),
        InspectionCommand::Assign { officer_id: None } => {
            (Action::AssignInspection, InspectionAction::Unassign)
        }
        InspectionCommand::Start => (Action::WorkInspection, InspectionAction::Start),
        InspectionCommand::Complete { .. } => (Action::WorkInspection, InspectionAction::Complete),
        InspectionCommand::Cancel { .. } => (Action::CancelInspection, InspectionAction::Cancel),
        InspectionCommand::Priority { .. } => (Action::ChangePriority, InspectionAction::Assign),
    };
    caller
        .authorize(pool, action, Some(&inspection.port_code))
        .await?;
    check_version(&what, &inspection, inspection.version, seen)?;
    let reason = match &command {
        InspectionCommand::Cancel { reason } | InspectionCommand::Priority { reason, .. } => {
            check_text("reason", reason, true)?
        }
        InspectionCommand::Complete { notes, .. } => check_text("notes", notes, false)?,
        _ => String::new(),
    };
    let refuse = |attempted: InspectionAction| -> AppError {
        let message = match (inspection.status, attempted) {
            (
                InspectionStatus::Assigned | InspectionStatus::InProgress,
                InspectionAction::Assign,
            ) if matches!(command, InspectionCommand::Claim) => {
                format!("{what} is already claimed by {}", holder(&inspection))
            }
            _ => inspection
                .status
                .next(attempted)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_else(|| format!("{what} cannot take this action now")),
        };
        AppError::Conflict { message }
    };
    let not_yours = || AppError::Conflict {
        message: format!("{what} is assigned to {}, not to you", holder(&inspection)),
    };
    let mut status = inspection.status;
    let mut officer = inspection.assigned_officer.as_ref().map(|o| o.id);
    let mut priority = inspection.priority;
    let mut due = inspection.due_at;
    let mut outcome = inspection.outcome;
    let journal_action;
    let started = matches!(command, InspectionCommand::Start);
    let finished = matches!(
        command,
        InspectionCommand::Complete { .. } | InspectionCommand::Cancel { .. }
    );
    // What can be read before the write begins is read here, so that the writer's turn holds
    // only the writes: the caller's officer (a link that never changes once made) and the
    // hold when the work changes it (its update is conditional on the version read).
    let linked = match command {
        InspectionCommand::Claim | InspectionCommand::Start => linked_officer(pool, caller).await?,
        _ => None,
    };
    let hold_moves = started
        || matches!(
            command,
            InspectionCommand::Complete {
                outcome: Outcome::Seizure | Outcome::Inconclusive,
                ..
            }
        );
    let hold = if hold_moves {
        Some(holds::by_id(pool, inspection.hold_id).await?)
    } else {
        None
    };

    // The rules first, from what was read: nothing is written when they refuse.
    match &command {
        InspectionCommand::Claim => {
            if inspection.status != InspectionStatus::Queued {
                return Err(refuse(transition));
            }
            status = InspectionStatus::Assigned;
            // An account not yet on the roster is linked inside the transaction below.
            officer = linked;
            journal_action = "claimed";
        }
        InspectionCommand::Assign { officer_id } => {
            status = inspection
                .status
                .next(transition)
                .map_err(|_| refuse(transition))?;
            if let Some(target) = officer_id {
                let row = sqlx::query("select home_port, name from officers where id = $1")
                    .bind(target)
                    .fetch_optional(pool)
                    .await?
                    .ok_or_else(|| AppError::not_found(format!("officer #{target}")))?;
                let home: String = row.try_get("home_port")?;
                if home != inspection.port_code {
                    let name: String = row.try_get("name")?;
                    return Err(AppError::Conflict {
                        message: format!(
                            "{name} works at {home}, not {}; assign someone from this port",
                            inspection.port_code
                        ),
                    });
                }
            }
            officer = *officer_id;
            journal_action = if officer_id.is_some() {
                "assigned"
            } else {
                "returned_to_queue"
            };
        }
        InspectionCommand::Start => {
            status = inspection
                .status
                .next(transition)
                .map_err(|_| refuse(transition))?;
            if linked.is_some() && officer != linked {
                return Err(not_yours());
            }
            journal_action = "started";
        }
        InspectionCommand::Complete {
            outcome: result,
            follow_up,
            ..
        } => {
            status = inspection
                .status
                .next(transition)
                .map_err(|_| refuse(transition))?;
            if *result == Outcome::Inconclusive {
                match follow_up {
                    None => {
                        return Err(AppError::invalid(
                            "follow_up",
                            "an inconclusive result needs the kind of the next inspection",
                        ));
                    }
                    Some(kind) if *kind == inspection.kind => {
                        return Err(AppError::invalid(
                            "follow_up",
                            "the follow-up must be a different kind of inspection",
                        ));
                    }
                    Some(_) => {}
                }
            }
            outcome = Some(*result);
            journal_action = "completed";
        }
        InspectionCommand::Cancel { .. } => {
            status = inspection
                .status
                .next(transition)
                .map_err(|_| refuse(transition))?;
            journal_action = "cancelled";
        }
        InspectionCommand::Priority { priority: p, .. } => {
            if !inspection.status.is_open() {
                return Err(AppError::Conflict {
                    message: format!(
                        "{what} is {}; its priority can no longer change",
                        inspection.status.label().to_lowercase()
                    ),
                });
            }
            priority = *p;
            due = inspection.created_at + inspection.kind.due_after(*p);
            journal_action = "priority_changed";
        }
    }
    // What the work means for the hold (decided on the hold as read; its update is
    // conditional on that version).
    let hold_change = match (&command, hold.as_ref()) {
        (InspectionCommand::Start, Some(hold)) if hold.status == HoldStatus::Placed => {
            Some((hold, HoldStatus::Examination, None))
        }
        (
            InspectionCommand::Complete {
                outcome: Outcome::Seizure,
                ..
            },
            Some(hold),
        ) if hold.status.next(HoldAction::RequestSeizure).is_ok() => Some((
            hold,
            HoldStatus::SeizureRequested,
            Some(caller.account.username.as_str()),
        )),
        _ => None,
    };
    let follow_up = match (&command, hold.as_ref()) {
        (
            InspectionCommand::Complete {
                outcome: Outcome::Inconclusive,
                follow_up: Some(kind),
                ..
            },
            Some(hold),
        ) => Some((hold, *kind)),
        _ => None,
    };
    let needs_link =
        linked.is_none() && matches!(command, InspectionCommand::Claim | InspectionCommand::Start);
    let before = json!({
        "status": inspection.status.code(),
        "officer_id": inspection.assigned_officer.as_ref().map(|o| o.id),
        "priority": inspection.priority.code(),
        "version": inspection.version,
    });
    let after_of = |officer: Option<i64>| {
        let mut after = json!({
            "status": status.code(),
            "officer_id": officer,
            "priority": priority.code(),
            "version": inspection.version + 1,
        });
        if let Some(o) = outcome {
            after["outcome"] = json!(o.code());
        }
        after
    };
    let update = InspectionUpdate {
        id,
        seen: inspection.version,
        status,
        priority,
        due,
        outcome,
        started,
        finished,
        now,
    };
    let entry = |after: Value| {
        new_entry(
            caller,
            Entry {
                entity: "inspection",
                id,
                shipment_id: inspection.shipment_id,
                port: &inspection.port_code,
                action: journal_action,
                before: before.clone(),
                after,
                reason: Some(&reason),
            },
            now,
        )
    };

    if !needs_link && hold_change.is_none() && follow_up.is_none() {
        // The common case: the update and its journal entry alone, in one batch.
        let changed = update_with_entry(
            pool,
            INSPECTION_UPDATE,
            update.arguments(officer)?,
            entry(after_of(officer)),
        )
        .await?;
        if !changed {
            return Err(lost_race(pool, &what, id, &command).await);
        }
        return inspections::by_id(pool, id).await;
    }

    let (turn, mut conn) = crate::db::write_access(pool).await?;
    let mut tx = crate::db::begin_write(&mut conn).await?;
    if needs_link {
        let mine = officer_of(&mut tx, caller, None, &inspection.port_code).await?;
        match command {
            InspectionCommand::Start if officer != Some(mine) => return Err(not_yours()),
            InspectionCommand::Start => {}
            _ => officer = Some(mine),
        }
    }
    let updated = sqlx::query_with(INSPECTION_UPDATE, update.arguments(officer)?)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if updated == 0 {
        // Roll back and give the connection back before reading what won.
        drop(tx);
        drop(conn);
        drop(turn);
        return Err(lost_race(pool, &what, id, &command).await);
    }
    let mut after = after_of(officer);
    if let Some((hold, next, requested_by)) = hold_change {
        after["hold"] = hold_follows(&mut tx, hold, next, requested_by).await?;
    }
    if let Some((hold, kind)) = follow_up {
        let next = insert_inspection(&mut tx, hold, kind, priority, Some(id), now).await?;
        after["follow_up"] = json!({ "id": next, "kind": kind.code() });
    }
    record(&mut tx, entry(after)).await?;
    tx.commit().await?;
    // Let the next writer in before reading back what was written.
    drop(conn);
    drop(turn);
    inspections::by_id(pool, id).await
}

/// The one update of an inspection's state, conditional on the version its actor saw.
const INSPECTION_UPDATE: &str = "update inspections set status = $1, assigned_officer_id = $2, \
     priority_rank = $3, due_at = $4, outcome = $5, \
     started_at = case when $6 = 1 then $7 else started_at end, \
     completed_at = case when $8 = 1 then $7 else completed_at end, \
     version = version + 1 where id = $9 and version = $10";

struct InspectionUpdate {
    id: i64,
    seen: i64,
    status: InspectionStatus,
    priority: Priority,
    due: DateTime<Utc>,
    outcome: Option<Outcome>,
    started: bool,
    finished: bool,
    now: DateTime<Utc>,
}

impl InspectionUpdate {
    fn arguments(&self, officer: Option<i64>) -> Result<AnyArguments<'static>, AppError> {
        let mut args = AnyArguments::default();
        let failed = |e: sqlx::error::BoxDynError| AppError::from(sqlx::Error::Encode(e));
        args.add(self.status.code()).map_err(failed)?;
        args.add(officer).map_err(failed)?;
        args.add(self.priority.rank()).map_err(failed)?;
        args.add(to_millis(self.due)).map_err(failed)?;
        args.add(self.outcome.map(|o| o.code())).map_err(failed)?;
        args.add(i64::from(self.started)).map_err(failed)?;
        args.add(to_millis(self.now)).map_err(failed)?;
        args.add(i64::from(self.finished)).map_err(failed)?;
        args.add(self.id).map_err(failed)?;
        args.add(self.seen).map_err(failed)?;
        Ok(args)
    }
}

/// Why a conditional update matched nothing: someone else acted first. Says who holds a
/// claimed inspection, or returns the current record as stale.
async fn lost_race(pool: &AnyPool, what: &str, id: i64, command: &InspectionCommand) -> AppError {
    let current = match inspections::by_id(pool, id).await {
        Ok(current) => current,
        Err(e) => return e,
    };
    if matches!(command, InspectionCommand::Claim) && current.assigned_officer.is_some() {
        return AppError::Conflict {
            message: format!("{what} is already claimed by {}", holder(&current)),
        };
    }
    let who = last_actor(pool, "inspection", id).await;
    stale(what, &current, who.as_deref())
}

/// A change to a hold caused by work on its inspection. It is recorded in the inspection's
/// journal entry (`after.hold`), so that one action leaves one entry.
async fn hold_follows(
    conn: &mut AnyConnection,
    hold: &HoldRow,
    status: HoldStatus,
    requested_by: Option<&str>,
) -> Result<Value, AppError> {
    let updated = sqlx::query(
        "update holds set status = $1, seizure_requested_by = coalesce($2, seizure_requested_by), \
         version = version + 1 where id = $3 and version = $4",
    )
    .bind(status.code())
    .bind(requested_by)
    .bind(hold.id)
    .bind(hold.version)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if updated == 0 {
        return Err(AppError::Conflict {
            message: format!(
                "hold #{} changed at the same moment; check it and try again",
                hold.id
            ),
        });
    }
    Ok(json!({ "id": hold.id, "status": status.code(), "version": hold.version + 1 }))
}

/// Moves every open item of one officer to another (or to the queue), in one transaction
/// with one journal entry per item.
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
            "hand the work to someone else, or back to the queue",
        ));
    }
    for officer in std::iter::once(request.from_officer_id).chain(request.to_officer_id) {
        let home: Option<String> = sqlx::query("select home_port from officers where id = $1")
            .bind(officer)
            .fetch_optional(pool)
            .await?
            .map(|r| r.try_get("home_port"))
            .transpose()?;
        match home {
            None => return Err(AppError::not_found(format!("officer #{officer}"))),
            Some(home) if home != port => {
                return Err(AppError::Conflict {
                    message: format!("officer #{officer} works at {home}, not {port}"),
                });
            }
            Some(_) => {}
        }
    }
    let (turn, mut conn) = crate::db::write_access(pool).await?;
    let mut tx = crate::db::begin_write(&mut conn).await?;
    let items = sqlx::query(
        "select i.id, i.status, i.version, h.shipment_id from inspections i \
         join holds h on h.id = i.hold_id where i.assigned_officer_id = $1 and i.port_code = $2 \
         and i.status in ('assigned', 'in_progress') order by i.id",
    )
    .bind(request.from_officer_id)
    .bind(&port)
    .fetch_all(&mut *tx)
    .await?;
    let mut moved = vec![];
    for item in &items {
        let id: i64 = item.try_get("id")?;
        let status_code: String = item.try_get("status")?;
        let from = InspectionStatus::parse(&status_code).unwrap_or(InspectionStatus::Assigned);
        let version: i64 = item.try_get("version")?;
        let shipment_id: i64 = item.try_get("shipment_id")?;
        // Work under way cannot go back to the queue: it stays with the outgoing officer
        // unless someone takes it over.
        let to = match request.to_officer_id {
            Some(_) => from.next(InspectionAction::Assign),
            None => from.next(InspectionAction::Unassign),
        };
        let Ok(to) = to else { continue };
        sqlx::query(
            "update inspections set status = $1, assigned_officer_id = $2, version = version + 1 \
             where id = $3 and version = $4",
        )
        .bind(to.code())
        .bind(request.to_officer_id)
        .bind(id)
        .bind(version)
        .execute(&mut *tx)
        .await?;
        journal(
            &mut tx,
            caller,
            Entry {
                entity: "inspection",
                id,
                shipment_id,
                port: &port,
                action: "handed_over",
                before: json!({ "status": from.code(), "officer_id": request.from_officer_id, "version": version }),
                after: json!({ "status": to.code(), "officer_id": request.to_officer_id, "version": version + 1 }),
                reason: Some(&reason),
            },
            now,
        )
        .await?;
        moved.push(id);
    }
    tx.commit().await?;
    // Let the next writer in before reading back what was written.
    drop(conn);
    drop(turn);
    Ok(HandoverReport { moved })
}

/// The officers of a port and their open work, busiest first.
pub async fn workload(
    pool: &AnyPool,
    port: &str,
    now: DateTime<Utc>,
) -> Result<Vec<OfficerLoad>, AppError> {
    let rows = sqlx::query(
        "select * from (select o.id, o.name, o.badge, o.on_shift, \
         cast(sum(case when i.status = 'assigned' then 1 else 0 end) as bigint) as assigned, \
         cast(sum(case when i.status = 'in_progress' then 1 else 0 end) as bigint) as in_progress, \
         cast(sum(case when i.id is not null and i.due_at < $2 then 1 else 0 end) as bigint) as overdue \
         from officers o left join inspections i on i.assigned_officer_id = o.id \
         and i.status in ('assigned', 'in_progress') \
         where o.home_port = $1 group by o.id, o.name, o.badge, o.on_shift) w \
         order by assigned + in_progress desc, on_shift desc, name",
    )
    .bind(port.trim().to_ascii_uppercase())
    .bind(to_millis(now))
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(OfficerLoad {
                officer_id: row.try_get("id")?,
                name: row.try_get("name")?,
                badge: row.try_get("badge")?,
                on_shift: row.try_get::<i64, _>("on_shift")? == 1,
                assigned: row.try_get::<Option<i64>, _>("assigned")?.unwrap_or(0),
                in_progress: row.try_get::<Option<i64>, _>("in_progress")?.unwrap_or(0),
                overdue: row.try_get::<Option<i64>, _>("overdue")?.unwrap_or(0),
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(AppError::from)
}
