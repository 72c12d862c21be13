//! A port run by people: its supervisors set its status (with the reason and the expected
//! return), its lanes open and its officers on shift, and post, edit and clear its notices;
//! the server's timer ends the notices past their expiry. Every operation checks what was
//! sent (422, nothing changed), reads the port, asks authority at that port (a refusal is
//! journaled and answered 403), refuses a stale version (409 with the record as it now is),
//! then makes one conditional update and its journal entry in one transaction. The screens,
//! the API and the simulator all come here.

use super::db::{lost_race, notice_from_row, state, summary};
use super::{Notice, PortSummary};
use crate::auth::server::Caller;
use crate::domain::clock::to_millis;
use crate::domain::port_rules::{
    CheckedStatus, check_expiry, check_lanes, check_message, check_officers, check_status,
};
use crate::domain::{Action, NoticeKind, PortStatus, Severity, check_text};
use crate::error::AppError;
use crate::i18n::td_string;
use crate::journal::acting::{check_version, stale};
use crate::journal::db::{NewEntry, record};
use crate::lang::current;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use sqlx::{AnyPool, Row};

/// Who ends the notices past their expiry, in the journal.
pub const SYSTEM: &str = "system";

/// A change to the port itself.
#[derive(Debug, Clone, PartialEq)]
pub enum PortChange {
    Status(CheckedStatus),
    Lanes {
        lanes_open: i64,
        reason: String,
    },
    Staffing {
        officers_on_shift: i64,
        reason: String,
    },
}

impl PortChange {
    /// The journal's name for the change.
    fn action(&self) -> &'static str {
        match self {
            PortChange::Status(_) => "status_set",
            PortChange::Lanes { .. } => "lanes_set",
            PortChange::Staffing { .. } => "staffing_set",
        }
    }

    fn reason(&self) -> Option<&str> {
        let reason = match self {
            PortChange::Status(s) => s.reason.as_deref(),
            PortChange::Lanes { reason, .. } | PortChange::Staffing { reason, .. } => {
                Some(reason.as_str())
            }
        };
        reason.filter(|r| !r.is_empty())
    }
}

/// Sets a port's status: why it is limited or closed and when it expects to be back. Closing
/// a port closes its lanes.
#[allow(clippy::too_many_arguments)]
pub async fn set_status(
    pool: &AnyPool,
    caller: &Caller,
    code: &str,
    status: PortStatus,
    reason: &str,
    expected_return_at: Option<DateTime<Utc>>,
    seen: Option<i64>,
    now: DateTime<Utc>,
) -> Result<PortSummary, AppError> {
    let checked = check_status(status, reason, expected_return_at, now)?;
    change_port(pool, caller, code, PortChange::Status(checked), seen, now).await
}

/// Opens or closes lanes: the number open, within those the port has.
pub async fn set_lanes(
    pool: &AnyPool,
    caller: &Caller,
    code: &str,
    lanes_open: i64,
    reason: &str,
    seen: Option<i64>,
    now: DateTime<Utc>,
) -> Result<PortSummary, AppError> {
    let reason = check_text("reason", reason, false)?;
    change_port(
        pool,
        caller,
        code,
        PortChange::Lanes { lanes_open, reason },
        seen,
        now,
    )
    .await
}

/// Records the officers on shift at the port.
pub async fn set_staffing(
    pool: &AnyPool,
    caller: &Caller,
    code: &str,
    officers_on_shift: i64,
    reason: &str,
    seen: Option<i64>,
    now: DateTime<Utc>,
) -> Result<PortSummary, AppError> {
    check_officers(officers_on_shift)?;
    let reason = check_text("reason", reason, false)?;
    change_port(
        pool,
        caller,
        code,
        PortChange::Staffing {
            officers_on_shift,
            reason,
        },
        seen,
        now,
    )
    .await
}

/// One change to the port's row, authorized, checked against the port as it is, on the
/// version `seen`, journaled with the port before and after; answers the port's tile.
pub async fn change_port(
    pool: &AnyPool,
    caller: &Caller,
    code: &str,
    change: PortChange,
    seen: Option<i64>,
    now: DateTime<Utc>,
) -> Result<PortSummary, AppError> {
    let port = state(pool, code).await?;
    caller
        .authorize(pool, Action::ManagePort, Some(&port.code))
        .await?;
    port.check_seen(seen)?;
    let (status, status_reason, expected, lanes_open, officers) = match &change {
        PortChange::Status(s) => (
            s.status,
            s.status_reason.clone(),
            s.expected_return_at,
            // A closed port has no lane open.
            if s.status == PortStatus::Closed {
                0
            } else {
                port.lanes_open
            },
            port.officers_on_shift,
        ),
        PortChange::Lanes { lanes_open, .. } => {
            check_lanes(port.status, *lanes_open, port.lanes_available)?;
            (
                port.status,
                port.status_reason.clone(),
                port.expected_return_at,
                *lanes_open,
                port.officers_on_shift,
            )
        }
        PortChange::Staffing {
            officers_on_shift, ..
        } => (
            port.status,
            port.status_reason.clone(),
            port.expected_return_at,
            port.lanes_open,
            *officers_on_shift,
        ),
    };
    let mut tx = crate::db::WriteTx::begin(pool).await?;
    let updated = sqlx::query(
        "update ports set status = $1, status_reason = $2, expected_return_at = $3, \
         lanes_open = $4, officers_on_shift = $5, version = version + 1 \
         where code = $6 and version = $7",
    )
    .bind(status.code())
    .bind(status_reason.clone())
    .bind(expected.map(to_millis))
    .bind(lanes_open)
    .bind(officers)
    .bind(&port.code)
    .bind(port.version)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if updated == 0 {
        drop(tx);
        return Err(lost_race(pool, &port.code).await);
    }
    let after = json!({
        "status": status.code(),
        "status_reason": status_reason,
        "expected_return_at": expected.map(to_millis),
        "lanes_open": lanes_open,
        "officers_on_shift": officers,
        "version": port.version + 1,
    });
    record(
        &mut tx,
        port_entry(
            caller,
            &port.code,
            change.action(),
            port.current(),
            after,
            change.reason(),
            now,
        ),
    )
    .await?;
    tx.commit().await?;
    summary(pool, &port.code, now).await
}

/// A journal entry about a port (its row or one of its notices).
fn port_entry<'a>(
    caller: &'a Caller,
    code: &'a str,
    action: &'a str,
    before: Value,
    after: Value,
    reason: Option<&'a str>,
    now: DateTime<Utc>,
) -> NewEntry<'a> {
    NewEntry {
        at: now,
        actor: &caller.account.username,
        entity: "port",
        entity_id: code.to_string(),
        shipment_id: None,
        port_code: Some(code),
        action,
        before: Some(before),
        after: Some(after),
        reason,
    }
}

/// What a notice says, as posted.
#[derive(Debug, Clone, PartialEq)]
pub struct NoticeText {
    pub kind: NoticeKind,
    pub severity: Severity,
    pub message: String,
    pub expires_at: Option<DateTime<Utc>>,
}

/// Posts a notice at a port. The port's version moves (its tile changes), so `seen` is the
/// port's version.
pub async fn post_notice(
    pool: &AnyPool,
    caller: &Caller,
    code: &str,
    text: NoticeText,
    seen: Option<i64>,
    now: DateTime<Utc>,
) -> Result<Notice, AppError> {
    let message = check_message(&text.message)?;
    check_expiry(text.expires_at, now)?;
    let port = state(pool, code).await?;
    caller
        .authorize(pool, Action::ManagePort, Some(&port.code))
        .await?;
    port.check_seen(seen)?;
    let mut tx = crate::db::WriteTx::begin(pool).await?;
    let updated =
        sqlx::query("update ports set version = version + 1 where code = $1 and version = $2")
            .bind(&port.code)
            .bind(port.version)
            .execute(&mut *tx)
            .await?
            .rows_affected();
    if updated == 0 {
        drop(tx);
        return Err(lost_race(pool, &port.code).await);
    }
    let row = sqlx::query(
        "insert into port_notices (port_code, kind, severity, message, starts_at, expires_at) \
         values ($1, $2, $3, $4, $5, $6) \
         returning id, port_code, kind, severity, message, starts_at, expires_at, version",
    )
    .bind(&port.code)
    .bind(text.kind.code())
    .bind(text.severity.code())
    .bind(&message)
    .bind(to_millis(now))
    .bind(text.expires_at.map(to_millis))
    .fetch_one(&mut *tx)
    .await?;
    let notice = notice_from_row(&row)?;
    record(
        &mut tx,
        port_entry(
            caller,
            &port.code,
            "notice_posted",
            json!({ "version": port.version }),
            json!({ "notice": notice_json(&notice), "version": port.version + 1 }),
            Some(&message),
            now,
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(notice)
}

/// What an edit of a notice changes: what is `None` stays as it is. The expiry is
/// `Some(None)` to take it away (the notice then stays until it is cleared).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NoticeEdit {
    pub message: Option<String>,
    pub severity: Option<Severity>,
    pub expires_at: Option<Option<DateTime<Utc>>>,
}

/// Edits a notice in force: its message, severity or expiry. `seen` is the notice's version.
#[allow(clippy::too_many_arguments)]
pub async fn edit_notice(
    pool: &AnyPool,
    caller: &Caller,
    code: &str,
    id: i64,
    edit: NoticeEdit,
    reason: &str,
    seen: Option<i64>,
    now: DateTime<Utc>,
) -> Result<Notice, AppError> {
    let message = edit.message.as_deref().map(check_message).transpose()?;
    check_expiry(edit.expires_at.flatten(), now)?;
    let reason = check_text("reason", reason, false)?;
    let (port, before) = notice_to_change(pool, caller, code, id, seen).await?;
    let message = message.unwrap_or_else(|| before.message.clone());
    let severity = edit.severity.unwrap_or(before.severity);
    let expires_at = edit.expires_at.unwrap_or(before.expires_at);
    let mut tx = crate::db::WriteTx::begin(pool).await?;
    let row = sqlx::query(
        "update port_notices set message = $1, severity = $2, expires_at = $3, \
         version = version + 1 where id = $4 and version = $5 and ends_at is null \
         returning id, port_code, kind, severity, message, starts_at, expires_at, version",
    )
    .bind(&message)
    .bind(severity.code())
    .bind(expires_at.map(to_millis))
    .bind(id)
    .bind(before.version)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(row) = row else {
        drop(tx);
        return Err(notice_lost_race(pool, &port, id).await);
    };
    let after = notice_from_row(&row)?;
    record(
        &mut tx,
        port_entry(
            caller,
            &port,
            "notice_edited",
            json!({ "notice": notice_json(&before) }),
            json!({ "notice": notice_json(&after) }),
            (!reason.is_empty()).then_some(reason.as_str()),
            now,
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Ends a notice in force (the scanner is back, the storm has passed), saying why. `seen` is
/// the notice's version.
pub async fn clear_notice(
    pool: &AnyPool,
    caller: &Caller,
    code: &str,
    id: i64,
    reason: &str,
    seen: Option<i64>,
    now: DateTime<Utc>,
) -> Result<Notice, AppError> {
    let reason = check_text("reason", reason, true)?;
    let (port, before) = notice_to_change(pool, caller, code, id, seen).await?;
    let mut tx = crate::db::WriteTx::begin(pool).await?;
    let ended = end(&mut tx, id, before.version, now).await?;
    if !ended {
        drop(tx);
        return Err(notice_lost_race(pool, &port, id).await);
    }
    record(
        &mut tx,
        port_entry(
            caller,
            &port,
            "notice_cleared",
            json!({ "notice": notice_json(&before) }),
            json!({ "notice": { "id": id, "ended_at": to_millis(now), "version": before.version + 1 } }),
            Some(&reason),
            now,
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(Notice {
        version: before.version + 1,
        ..before
    })
}

/// Ends the notices past their expiry, each in its own transaction with its journal entry
/// (`notice_expired`, by the system), so that every board sees them go. Returns how many.
pub async fn end_expired(pool: &AnyPool, now: DateTime<Utc>) -> Result<usize, AppError> {
    let due = sqlx::query(
        "select id, port_code, kind, severity, message, starts_at, expires_at, version \
         from port_notices where ends_at is null and expires_at is not null and expires_at <= $1 \
         order by expires_at, id",
    )
    .bind(to_millis(now))
    .fetch_all(pool)
    .await?;
    let mut ended = 0;
    for row in due {
        let notice = notice_from_row(&row)?;
        let port: String = row.try_get("port_code")?;
        let expired = notice.expires_at.unwrap_or(now);
        let mut tx = crate::db::WriteTx::begin(pool).await?;
        // Edited or cleared in between: left as it now is.
        if !end(&mut tx, notice.id, notice.version, expired).await? {
            continue;
        }
        record(
            &mut tx,
            NewEntry {
                at: now,
                actor: SYSTEM,
                entity: "port",
                entity_id: port.clone(),
                shipment_id: None,
                port_code: Some(&port),
                action: "notice_expired",
                before: Some(json!({ "notice": notice_json(&notice) })),
                after: Some(json!({ "notice": {
                    "id": notice.id,
                    "ended_at": to_millis(expired),
                    "version": notice.version + 1,
                } })),
                reason: None,
            },
        )
        .await?;
        tx.commit().await?;
        ended += 1;
    }
    Ok(ended)
}

/// Ends a notice seen at `version`; false when it changed or ended since.
async fn end(
    tx: &mut crate::db::WriteTx,
    id: i64,
    version: i64,
    at: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query(
        "update port_notices set ends_at = $1, version = version + 1 \
         where id = $2 and version = $3 and ends_at is null",
    )
    .bind(to_millis(at))
    .bind(id)
    .bind(version)
    .execute(&mut **tx)
    .await?
    .rows_affected()
        == 1)
}

/// A notice as the journal records it.
fn notice_json(n: &Notice) -> Value {
    json!({
        "id": n.id,
        "kind": n.kind.code(),
        "severity": n.severity.code(),
        "message": n.message,
        "expires_at": n.expires_at.map(to_millis),
        "version": n.version,
    })
}

/// A notice as it is stored, whether or not it is in force, with `ended` when it is not.
async fn notice(pool: &AnyPool, code: &str, id: i64) -> Result<(Notice, bool), AppError> {
    let row = sqlx::query(
        "select id, port_code, kind, severity, message, starts_at, expires_at, version, \
         ends_at from port_notices where id = $1 and port_code = $2",
    )
    .bind(id)
    .bind(code)
    .fetch_optional(pool)
    .await?
    .ok_or_else(|| AppError::not_found(what(code, id)))?;
    let ended: Option<i64> = row.try_get("ends_at")?;
    Ok((notice_from_row(&row)?, ended.is_some()))
}

/// The notice a supervisor is about to change, once they may, it is in force and their view
/// of it is current.
async fn notice_to_change(
    pool: &AnyPool,
    caller: &Caller,
    code: &str,
    id: i64,
    seen: Option<i64>,
) -> Result<(String, Notice), AppError> {
    let port = state(pool, code).await?;
    caller
        .authorize(pool, Action::ManagePort, Some(&port.code))
        .await?;
    let (notice, ended) = notice(pool, &port.code, id).await?;
    if ended {
        return Err(not_in_force(&port.code, id));
    }
    check_version(
        &what(&port.code, id),
        &notice_json(&notice),
        notice.version,
        seen,
    )?;
    Ok((port.code, notice))
}

fn what(code: &str, id: i64) -> String {
    td_string!(current(), port_ops.notice_named, id = id, port = code).to_string()
}

fn not_in_force(code: &str, id: i64) -> AppError {
    AppError::Conflict {
        message: td_string!(
            current(),
            port_ops.notice_not_in_force,
            id = id,
            port = code
        )
        .to_string(),
    }
}

/// Why a conditional update of a notice matched nothing: it was edited or ended in between.
async fn notice_lost_race(pool: &AnyPool, code: &str, id: i64) -> AppError {
    match notice(pool, code, id).await {
        Ok((_, true)) => not_in_force(code, id),
        Ok((now, false)) => stale(&what(code, id), &notice_json(&now), None),
        Err(e) => e,
    }
}
