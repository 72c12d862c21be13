//! The detentions' reads and writes. Each write is checked, authorized and journaled
//! (`detention`: `notice_sent`, `extended`, and the outcome's code) in one transaction with
//! what it does to the hold: an outcome that releases the goods or asks for their seizure
//! moves the hold through the holds' own rules, journaled there too.

use super::decide::{self, HoldMove};
use super::{Detention, DetentionChange, DetentionOutcome, NewDetention, deadline, port_day};
use crate::auth::server::Caller;
use crate::db::WriteTx;
use crate::domain::clock::{from_millis, to_millis};
use crate::domain::{Action, check_text};
use crate::error::AppError;
use crate::holds::{self, HoldCommand, HoldRow};
use crate::i18n::td_string;
use crate::journal::acting::{check_version, last_actor, stale};
use crate::journal::db::{NewEntry, record};
use crate::lang::current;
use crate::sql::{decode_error, unique_violation};
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;
use sqlx::{AnyPool, Row, any::AnyRow};

/// The journal's name for a detention.
pub const ENTITY: &str = "detention";

const SELECT: &str = "select d.id, d.hold_id, d.shipment_id, d.port_code, p.time_zone, \
     d.request_id, r.rights_holder, d.perishable, d.notice_at, d.notice_by, d.notice_day, \
     d.deadline_day, d.daily_charge_cents, d.extended_at, d.extended_by, d.proceedings_at, \
     d.outcome, d.outcome_at, d.outcome_by, d.charges_end_day, d.version \
     from detentions d join ports p on p.code = d.port_code \
     join rights_requests r on r.id = d.request_id";

fn from_row(row: &AnyRow) -> Result<Detention, AppError> {
    let day = |column: &str| -> Result<NaiveDate, AppError> {
        let text: String = row.try_get(column)?;
        text.parse().map_err(|_| decode_error(column, &text).into())
    };
    let outcome = match row.try_get::<Option<String>, _>("outcome")? {
        None => None,
        Some(code) => {
            Some(DetentionOutcome::parse(&code).ok_or_else(|| decode_error("outcome", &code))?)
        }
    };
    let charges_end_day = match row.try_get::<Option<String>, _>("charges_end_day")? {
        None => None,
        Some(text) => Some(
            text.parse()
                .map_err(|_| decode_error("charges_end_day", &text))?,
        ),
    };
    let instant = |column: &str| -> Result<Option<DateTime<Utc>>, AppError> {
        Ok(row.try_get::<Option<i64>, _>(column)?.map(from_millis))
    };
    Ok(Detention {
        id: row.try_get("id")?,
        hold_id: row.try_get("hold_id")?,
        shipment_id: row.try_get("shipment_id")?,
        port_code: row.try_get("port_code")?,
        port_time_zone: row.try_get("time_zone")?,
        request_id: row.try_get("request_id")?,
        rights_holder: row.try_get("rights_holder")?,
        perishable: row.try_get::<i64, _>("perishable")? == 1,
        notice_at: from_millis(row.try_get("notice_at")?),
        notice_by: row.try_get("notice_by")?,
        notice_day: day("notice_day")?,
        deadline_day: day("deadline_day")?,
        daily_charge_cents: row.try_get("daily_charge_cents")?,
        extended_at: instant("extended_at")?,
        extended_by: row.try_get("extended_by")?,
        proceedings_at: instant("proceedings_at")?,
        outcome,
        outcome_at: instant("outcome_at")?,
        outcome_by: row.try_get("outcome_by")?,
        charges_end_day,
        version: row.try_get("version")?,
    })
}

/// Detention `id`.
pub async fn by_id(pool: &AnyPool, id: i64) -> Result<Detention, AppError> {
    sqlx::query(&format!("{SELECT} where d.id = $1"))
        .bind(id)
        .fetch_optional(pool)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()?
        .ok_or_else(|| AppError::NotFound { what: words(id) })
}

/// A shipment's detentions, the first first.
pub async fn for_shipment(pool: &AnyPool, shipment_id: i64) -> Result<Vec<Detention>, AppError> {
    let rows = sqlx::query(&format!("{SELECT} where d.shipment_id = $1 order by d.id"))
        .bind(shipment_id)
        .fetch_all(pool)
        .await?;
    rows.iter().map(from_row).collect()
}

/// "Detention 4", in the language spoken.
pub fn words(id: i64) -> String {
    td_string!(current(), detentions.number, id = id).to_string()
}

/// The request for assistance the shipment's latest score matched, if any.
pub async fn matched_request(pool: &AnyPool, shipment_id: i64) -> Result<Option<i64>, AppError> {
    let row = sqlx::query(
        "select rights_request_id from score_hits where shipment_id = $1 \
         and rights_request_id is not null order by scored_at desc limit 1",
    )
    .bind(shipment_id)
    .fetch_optional(pool)
    .await?;
    Ok(row
        .map(|r| r.try_get::<i64, _>("rights_request_id"))
        .transpose()?)
}

/// Sends the notice for the goods of `hold_id`: the detention opens, its clock starts.
pub async fn open(
    pool: &AnyPool,
    caller: &Caller,
    hold_id: i64,
    request: &NewDetention,
    now: DateTime<Utc>,
) -> Result<Detention, AppError> {
    let hold = holds::db::by_id(pool, hold_id).await?;
    caller
        .authorize(pool, Action::DetainGoods, Some(&hold.port_code))
        .await?;
    let l = current();
    let request_id = match request.request_id {
        Some(id) => id,
        None => matched_request(pool, hold.shipment_id)
            .await?
            .ok_or_else(|| {
                AppError::invalid(
                    "request_id",
                    td_string!(l, detentions.refused.request_needed),
                )
            })?,
    };
    let rights = crate::rights::db::get(pool, request_id)
        .await?
        .ok_or_else(|| {
            AppError::invalid(
                "request_id",
                td_string!(l, detentions.refused.request_unknown, id = request_id).to_string(),
            )
        })?;
    let today = port_day(now, &hold.port_time_zone);
    decide::notice(&hold, &rights, today, request.daily_charge_cents)?;
    let hs_code: String = sqlx::query("select hs_code from shipments where id = $1")
        .bind(hold.shipment_id)
        .fetch_one(pool)
        .await?
        .try_get("hs_code")?;
    let perishable = crate::domain::goods::perishable(&hs_code);
    let deadline_day = deadline(today, perishable);
    let signature = caller.signature();
    let mut tx = WriteTx::begin(pool).await?;
    let row = sqlx::query(
        "insert into detentions (hold_id, shipment_id, port_code, request_id, perishable, \
         notice_at, notice_by, notice_day, deadline_day, daily_charge_cents) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning id",
    )
    .bind(hold.id)
    .bind(hold.shipment_id)
    .bind(&hold.port_code)
    .bind(rights.id)
    .bind(i64::from(perishable))
    .bind(to_millis(now))
    .bind(&signature)
    .bind(today.to_string())
    .bind(deadline_day.to_string())
    .bind(request.daily_charge_cents)
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| {
        if unique_violation(&e, "detentions_hold_id_key", "detentions.hold_id") {
            AppError::Conflict {
                message: td_string!(l, detentions.refused.already_sent, id = hold.id).to_string(),
            }
        } else {
            e.into()
        }
    })?;
    let id: i64 = row.try_get("id")?;
    let after = json!({
        "id": id,
        "hold_id": hold.id,
        "request_id": rights.id,
        "rights_holder": rights.rights_holder,
        "perishable": perishable,
        "notice_day": today.to_string(),
        "deadline_day": deadline_day.to_string(),
        "daily_charge_cents": request.daily_charge_cents,
    });
    let entry = NewEntry::goods(
        now,
        &caller.account.username,
        ENTITY,
        id,
        hold.shipment_id,
        &hold.port_code,
        "notice_sent",
        serde_json::Value::Null,
        after,
    );
    record(&mut tx, entry).await?;
    tx.commit().await?;
    by_id(pool, id).await
}

/// Reads detention `id` for a change: authorized at its port, at the version named.
async fn for_change(
    pool: &AnyPool,
    caller: &Caller,
    id: i64,
    change: &DetentionChange,
) -> Result<(Detention, String), AppError> {
    let reason = check_text("reason", &change.reason, true)?;
    let d = by_id(pool, id).await?;
    caller
        .authorize(pool, Action::DetainGoods, Some(&d.port_code))
        .await?;
    check_version(&words(id), &d, d.version, Some(change.version))?;
    Ok((d, reason))
}

/// The answer when the detention changed between read and write.
async fn lost_race(pool: &AnyPool, id: i64) -> AppError {
    match by_id(pool, id).await {
        Ok(current) => {
            let who = last_actor(pool, ENTITY, id).await;
            stale(&words(id), &current, who.as_deref())
        }
        Err(e) => e,
    }
}

/// Grants the owner the one extension: 10 working days more (goods that keep only).
pub async fn extend(
    pool: &AnyPool,
    caller: &Caller,
    id: i64,
    change: &DetentionChange,
    now: DateTime<Utc>,
) -> Result<Detention, AppError> {
    let (d, reason) = for_change(pool, caller, id, change).await?;
    decide::extension(&d, now)?;
    let until = super::extended(d.deadline_day);
    let mut tx = WriteTx::begin(pool).await?;
    let updated = sqlx::query(
        "update detentions set deadline_day = $1, extended_at = $2, extended_by = $3, \
         version = version + 1 where id = $4 and version = $5",
    )
    .bind(until.to_string())
    .bind(to_millis(now))
    .bind(caller.signature())
    .bind(id)
    .bind(d.version)
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() == 0 {
        drop(tx);
        return Err(lost_race(pool, id).await);
    }
    let entry = NewEntry::goods(
        now,
        &caller.account.username,
        ENTITY,
        id,
        d.shipment_id,
        &d.port_code,
        "extended",
        json!({ "deadline_day": d.deadline_day.to_string(), "version": d.version }),
        json!({ "deadline_day": until.to_string(), "version": d.version + 1 }),
    )
    .reason(Some(&reason));
    record(&mut tx, entry).await?;
    tx.commit().await?;
    by_id(pool, id).await
}

/// Records what became of the goods, and does it to the hold in the same transaction.
pub async fn record_outcome(
    pool: &AnyPool,
    caller: &Caller,
    id: i64,
    change: &DetentionChange,
    now: DateTime<Utc>,
) -> Result<Detention, AppError> {
    let outcome = change.outcome.ok_or_else(|| {
        AppError::invalid(
            "outcome",
            td_string!(
                current(),
                detentions.refused.outcome_needed,
                codes = DetentionOutcome::codes()
            )
            .to_string(),
        )
    })?;
    let (d, reason) = for_change(pool, caller, id, change).await?;
    let moves = decide::outcome(&d, outcome, now)?;
    let hold: HoldRow = holds::db::by_id(pool, d.hold_id).await?;
    let command = match moves {
        HoldMove::Release => Some(HoldCommand::Release {
            reason: reason.clone(),
        }),
        HoldMove::RequestSeizure => Some(HoldCommand::RequestSeizure {
            reason: reason.clone(),
        }),
        HoldMove::Keep => None,
    };
    let hold_change = match &command {
        Some(command) => {
            caller
                .authorize(pool, command.authority(), Some(&hold.port_code))
                .await?;
            Some(holds::act::decided(pool, caller, &hold, command, true, now).await?)
        }
        None => None,
    };
    let today = port_day(now, &d.port_time_zone);
    let charges_end = outcome.ends().then(|| today.to_string());
    let mut tx = WriteTx::begin(pool).await?;
    let updated = sqlx::query(
        "update detentions set outcome = $1, outcome_at = $2, outcome_by = $3, \
         charges_end_day = $4, proceedings_at = case when $1 = 'proceedings' then $2 \
         else proceedings_at end, version = version + 1 where id = $5 and version = $6",
    )
    .bind(outcome.code())
    .bind(to_millis(now))
    .bind(caller.signature())
    .bind(charges_end.clone())
    .bind(id)
    .bind(d.version)
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() == 0 {
        drop(tx);
        return Err(lost_race(pool, id).await);
    }
    if let (Some(command), Some(hold_change)) = (&command, &hold_change)
        && !holds::act::write(&mut tx, caller, &hold, command, hold_change, &reason, now).await?
    {
        drop(tx);
        let current = holds::db::by_id(pool, hold.id).await?;
        let who = last_actor(pool, "hold", hold.id).await;
        return Err(stale(
            &holds::act::hold_words(hold.id),
            &current,
            who.as_deref(),
        ));
    }
    let entry = NewEntry::goods(
        now,
        &caller.account.username,
        ENTITY,
        id,
        d.shipment_id,
        &d.port_code,
        outcome.code(),
        json!({ "outcome": d.outcome.map(DetentionOutcome::code), "version": d.version }),
        json!({
            "detention_outcome": outcome.code(),
            "charges_end_day": charges_end,
            "charged_days": d.charged_days(today),
            "version": d.version + 1,
        }),
    )
    .reason(Some(&reason));
    record(&mut tx, entry).await?;
    tx.commit().await?;
    by_id(pool, id).await
}

/// What the notice of detention `id` is written from.
pub async fn letter(pool: &AnyPool, id: i64) -> Result<super::letter::NoticeLetter, AppError> {
    let detention = by_id(pool, id).await?;
    let request = crate::rights::db::get(pool, detention.request_id)
        .await?
        .ok_or_else(|| AppError::NotFound {
            what: td_string!(current(), rights.request_number, id = detention.request_id)
                .to_string(),
        })?;
    let row = sqlx::query(
        "select s.reference_kind, s.reference, s.carrier, s.voyage, s.description, s.hs_code, \
         s.pieces, s.weight_kg, s.origin_country, s.origin_location, s.transit_location, \
         s.shipper_name, s.shipper_address, s.consignee_name, s.consignee_address, \
         s.importer_name, s.port_code, p.name as port_name \
         from shipments s join ports p on p.code = s.port_code where s.id = $1",
    )
    .bind(detention.shipment_id)
    .fetch_one(pool)
    .await?;
    let shipment = super::letter::Goods {
        reference_kind: row.try_get("reference_kind")?,
        reference: row.try_get("reference")?,
        carrier: row.try_get("carrier")?,
        voyage: row.try_get("voyage")?,
        description: row.try_get("description")?,
        hs_code: row.try_get("hs_code")?,
        pieces: row.try_get("pieces")?,
        weight_kg: row.try_get("weight_kg")?,
        origin_country: row.try_get("origin_country")?,
        origin_location: row.try_get("origin_location")?,
        transit_location: row.try_get("transit_location")?,
        shipper_name: row.try_get("shipper_name")?,
        shipper_address: row.try_get("shipper_address")?,
        consignee_name: row.try_get("consignee_name")?,
        consignee_address: row.try_get("consignee_address")?,
        importer_name: row.try_get("importer_name")?,
        port_code: row.try_get("port_code")?,
        port_name: row.try_get("port_name")?,
    };
    Ok(super::letter::NoticeLetter {
        detention,
        request,
        shipment,
    })
}
