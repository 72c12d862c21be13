//! The operations on holds, behind the work panel, the server functions, the JSON API, the
//! simulator and targeting. Each reads as: check what was sent → read the hold and ask
//! authority (a refusal is journaled and answered 403) → refuse a stale `version` → the pure
//! decision (`decide.rs`) → one write, with its journal entry, in one transaction. The update
//! is conditional on the version read: if someone changed the hold in between, nothing is
//! written and the caller hears who.

use super::decide::{self, HoldFacts, may_hold};
use super::{HoldCommand, HoldRow, NewHold, db};
use crate::auth::server::Caller;
use crate::db::WriteTx;
use crate::domain::{Action, check_text};
use crate::error::AppError;
use crate::journal::acting::{check_version, last_actor, stale};
use crate::journal::db::{NewEntry, record};
use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::AnyPool;

/// Places a hold on a shipment not yet released.
pub async fn place_hold(
    pool: &AnyPool,
    caller: &Caller,
    request: &NewHold,
    now: DateTime<Utc>,
) -> Result<HoldRow, AppError> {
    let notes = check_text("notes", &request.notes, false)?;
    let goods = db::goods(pool, request.shipment_id).await?;
    caller
        .authorize(pool, Action::PlaceHold, Some(&goods.port_code))
        .await?;
    may_hold(&goods)?;
    let hold = db::NewHoldRow {
        shipment_id: goods.shipment_id,
        port_code: goods.port_code.clone(),
        reason: request.reason,
        hs_code: goods.hs_code.clone(),
        placed_at: now,
        placed_by: caller.signature(),
        notes: notes.clone(),
    };
    let after = hold.after();
    let mut tx = WriteTx::begin(pool).await?;
    let id = db::insert(&mut tx, hold).await.map_err(|e| {
        if db::is_already_held(&e) {
            AppError::Conflict {
                message: crate::i18n::td_string!(
                    crate::lang::current(),
                    holds.already_held,
                    reference = goods.reference.clone(),
                    reason = request.reason.label().to_lowercase()
                )
                .to_string(),
            }
        } else {
            e.into()
        }
    })?;
    db::settle_shipment(&mut tx, goods.shipment_id, None, now).await?;
    let entry = NewEntry::goods(
        now,
        &caller.account.username,
        "hold",
        id,
        goods.shipment_id,
        &goods.port_code,
        "placed",
        Value::Null,
        after,
    )
    .reason(Some(&notes).filter(|n| !n.is_empty()).map(String::as_str));
    record(&mut tx, entry).await?;
    tx.commit().await?;
    db::by_id(pool, id).await
}

/// Releases, seizes, refers, notes, pauses or resumes the clock of a hold.
pub async fn hold_action(
    pool: &AnyPool,
    caller: &Caller,
    id: i64,
    command: HoldCommand,
    seen: Option<i64>,
    now: DateTime<Utc>,
) -> Result<HoldRow, AppError> {
    let hold = db::by_id(pool, id).await?;
    let what = hold_words(id);
    let reason = command.reason()?;
    caller
        .authorize(pool, command.authority(), Some(&hold.port_code))
        .await?;
    check_version(&what, &hold, hold.version, seen)?;
    let change = decided(pool, caller, &hold, &command, false, now).await?;
    let mut tx = WriteTx::begin(pool).await?;
    if !write(&mut tx, caller, &hold, &command, &change, &reason, now).await? {
        // Rolled back, and the turn given back, before reading what won.
        drop(tx);
        let current = db::by_id(pool, id).await?;
        let who = last_actor(pool, "hold", id).await;
        return Err(stale(&what, &current, who.as_deref()));
    }
    tx.commit().await?;
    db::by_id(pool, id).await
}

/// "Hold #12", in the language spoken.
pub fn hold_words(id: i64) -> String {
    crate::i18n::td_string!(crate::lang::current(), holds.hold_number, id = id).to_string()
}

/// What `command` would make of `hold`, refused as the hold's rules say (a hold still under
/// examination is not released, a closed one is not seized, goods detained for a rights
/// holder go only as the detention ends). `for_detention` when the detention's outcome is
/// what moves the hold.
pub async fn decided(
    pool: &AnyPool,
    caller: &Caller,
    hold: &HoldRow,
    command: &HoldCommand,
    for_detention: bool,
    now: DateTime<Utc>,
) -> Result<decide::HoldChange, AppError> {
    let moves_goods =
        command.closes(hold.status) || matches!(command, HoldCommand::RequestSeizure { .. });
    let facts = HoldFacts {
        open_detention: if moves_goods && !for_detention {
            db::open_detention(pool, hold.id).await?
        } else {
            None
        },
        open_inspections: if command.closes(hold.status) {
            db::open_inspections(pool, hold.id).await?
        } else {
            0
        },
        seizure_requested_by: if matches!(command, HoldCommand::ApproveSeizure { .. }) {
            db::seizure_requested_by(pool, hold.id).await?
        } else {
            None
        },
    };
    decide::decide(hold, command, &facts, &caller.account.username, now)
}

/// Writes a decided change of `hold` in `tx`, with its journal entry: `false` (nothing
/// written) when someone changed the hold since it was read. Other areas' operations that
/// move a hold (a detention's outcome) write it with theirs, in one transaction.
pub async fn write(
    tx: &mut WriteTx,
    caller: &Caller,
    hold: &HoldRow,
    command: &HoldCommand,
    change: &decide::HoldChange,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    if !db::apply(tx, hold, change, &caller.signature(), now).await? {
        return Ok(false);
    }
    if change.closes || hold.status != change.status {
        db::settle_shipment(tx, hold.shipment_id, Some(change.status), now).await?;
    }
    let (before, after) = change.before_after(hold, command);
    let entry = NewEntry::goods(
        now,
        &caller.account.username,
        "hold",
        hold.id,
        hold.shipment_id,
        &hold.port_code,
        change.action,
        before,
        after,
    )
    .reason(Some(reason).filter(|r| !r.is_empty()));
    record(tx, entry).await?;
    Ok(true)
}
