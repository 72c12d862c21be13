//! The register's reads and writes. Each write is checked, authorized and journaled
//! (`rights_request`: `registered`, `renewed`) in one transaction.

use super::{Checked, RightsRequest, period_end};
use crate::auth::server::Caller;
use crate::db::WriteTx;
use crate::domain::Action;
use crate::domain::clock::{from_millis, to_millis};
use crate::error::AppError;
use crate::i18n::td_string;
use crate::journal::db::{NewEntry, record};
use crate::lang::current;
use crate::sql::decode_error;
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;
use sqlx::{AnyConnection, AnyPool, Row, any::AnyRow};

/// The journal's name for a request for assistance.
pub const ENTITY: &str = "rights_request";

const SELECT: &str = "select id, rights_holder, marks_json, goods_json, goods_description, \
     genuine_features, contact_name, contact_email, contact_phone, valid_from, valid_to, \
     security_cents, version, registered_at, registered_by from rights_requests";

fn from_row(row: &AnyRow) -> Result<RightsRequest, AppError> {
    let list = |column: &str| -> Result<Vec<String>, AppError> {
        let text: String = row.try_get(column)?;
        serde_json::from_str(&text).map_err(|_| decode_error(column, &text).into())
    };
    let day = |column: &str| -> Result<NaiveDate, AppError> {
        let text: String = row.try_get(column)?;
        text.parse().map_err(|_| decode_error(column, &text).into())
    };
    Ok(RightsRequest {
        id: row.try_get("id")?,
        rights_holder: row.try_get("rights_holder")?,
        marks: list("marks_json")?,
        goods: list("goods_json")?,
        goods_description: row.try_get("goods_description")?,
        genuine_features: row.try_get("genuine_features")?,
        contact_name: row.try_get("contact_name")?,
        contact_email: row.try_get("contact_email")?,
        contact_phone: row.try_get("contact_phone")?,
        valid_from: day("valid_from")?,
        valid_to: day("valid_to")?,
        security_cents: row.try_get("security_cents")?,
        version: row.try_get("version")?,
        registered_at: from_millis(row.try_get("registered_at")?),
        registered_by: row.try_get("registered_by")?,
    })
}

/// The whole register, the requests in force first (by rights holder), then the others.
pub async fn list(pool: &AnyPool, today: NaiveDate) -> Result<Vec<RightsRequest>, AppError> {
    let mut all = all(pool).await?;
    all.sort_by_key(|r| (!r.in_force_on(today), r.rights_holder.clone(), r.id));
    Ok(all)
}

/// Request `id`, if registered.
pub async fn get(pool: &AnyPool, id: i64) -> Result<Option<RightsRequest>, AppError> {
    sqlx::query(&format!("{SELECT} where id = $1"))
        .bind(id)
        .fetch_optional(pool)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

/// Every request registered, by number, whether in force or not: what scoring matches
/// declarations against (each on the day its goods arrive).
pub async fn all(pool: &AnyPool) -> Result<Vec<RightsRequest>, AppError> {
    let rows = sqlx::query(&format!("{SELECT} order by id"))
        .fetch_all(pool)
        .await?;
    rows.iter().map(from_row).collect()
}

/// The requests in force on `day`: the only ones that match declarations.
pub async fn in_force(pool: &AnyPool, day: NaiveDate) -> Result<Vec<RightsRequest>, AppError> {
    let day = day.to_string();
    let rows = sqlx::query(&format!(
        "{SELECT} where valid_from <= $1 and valid_to >= $2 order by id"
    ))
    .bind(&day)
    .bind(&day)
    .fetch_all(pool)
    .await?;
    rows.iter().map(from_row).collect()
}

fn request_named(id: i64) -> String {
    td_string!(current(), rights.request_number, id = id).to_string()
}

/// Registers a checked request (version 1), journaled with its reason.
pub async fn register(
    pool: &AnyPool,
    caller: &Caller,
    checked: &Checked,
    now: DateTime<Utc>,
) -> Result<RightsRequest, AppError> {
    caller
        .authorize(pool, Action::ManageRightsRequests, None)
        .await?;
    let mut tx = WriteTx::begin(pool).await?;
    let id = insert(&mut tx, checked, &caller.account.username, now).await?;
    let row = sqlx::query(&format!("{SELECT} where id = $1"))
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
    let registered = from_row(&row)?;
    tx.commit().await?;
    Ok(registered)
}

/// Writes a request and its journal entry (`registered`, by `actor`, with the reason) on
/// `conn`, inside the caller's transaction; returns its number. Checks nothing: the caller has
/// checked the request and the actor's right to register it.
pub async fn insert(
    conn: &mut AnyConnection,
    checked: &Checked,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    let id: i64 = sqlx::query(
        "insert into rights_requests (rights_holder, marks_json, goods_json, goods_description, \
         genuine_features, contact_name, contact_email, contact_phone, valid_from, valid_to, \
         security_cents, version, registered_at, registered_by) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1, $12, $13) returning id",
    )
    .bind(&checked.rights_holder)
    .bind(json!(checked.marks).to_string())
    .bind(json!(checked.goods).to_string())
    .bind(&checked.goods_description)
    .bind(&checked.genuine_features)
    .bind(&checked.contact_name)
    .bind(&checked.contact_email)
    .bind(&checked.contact_phone)
    .bind(checked.valid_from.to_string())
    .bind(checked.valid_to.to_string())
    .bind(checked.security_cents)
    .bind(to_millis(now))
    .bind(actor)
    .fetch_one(&mut *conn)
    .await?
    .try_get("id")?;
    let after = json!({
        "rights_holder": checked.rights_holder,
        "marks": checked.marks,
        "goods": checked.goods,
        "valid_from": checked.valid_from,
        "valid_to": checked.valid_to,
        "security_cents": checked.security_cents,
    });
    let entry = NewEntry::administrative(now, actor, ENTITY, id, "registered", after)
        .reason(Some(&checked.reason));
    record(conn, entry).await?;
    Ok(id)
}

/// Renews request `id` at the version the analyst read: in force two years more from the day
/// after its last. Refused, writing nothing, when another change came first or when the request
/// has already expired (it is then registered again).
pub async fn renew(
    pool: &AnyPool,
    caller: &Caller,
    id: i64,
    version: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<RightsRequest, AppError> {
    caller
        .authorize(pool, Action::ManageRightsRequests, None)
        .await?;
    let reason = crate::domain::check_text("reason", reason, true)?;
    let actor = &caller.account.username;
    let mut tx = WriteTx::begin(pool).await?;
    let row = sqlx::query(&format!("{SELECT} where id = $1"))
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| AppError::not_found(request_named(id)))?;
    let current_request = from_row(&row)?;
    if current_request.version != version {
        return Err(AppError::Conflict {
            message: td_string!(
                current(),
                rights.version_changed,
                id = id,
                version = current_request.version
            )
            .to_string(),
        });
    }
    let today = now.date_naive();
    if current_request.valid_to < today {
        return Err(AppError::Conflict {
            message: td_string!(
                current(),
                rights.expired,
                id = id,
                day = current_request.valid_to.to_string()
            )
            .to_string(),
        });
    }
    let valid_to = current_request
        .valid_to
        .succ_opt()
        .map_or(current_request.valid_to, period_end);
    // The version in the condition: of two renewals of one version, one changes the row.
    let changed = sqlx::query(
        "update rights_requests set valid_to = $1, version = version + 1 \
         where id = $2 and version = $3",
    )
    .bind(valid_to.to_string())
    .bind(id)
    .bind(version)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if changed != 1 {
        return Err(AppError::Conflict {
            message: td_string!(
                current(),
                rights.version_changed,
                id = id,
                version = version + 1
            )
            .to_string(),
        });
    }
    let entry = NewEntry::administrative(
        now,
        actor,
        ENTITY,
        id,
        "renewed",
        json!({ "valid_to": valid_to, "version": version + 1 }),
    )
    .before(Some(
        json!({ "valid_to": current_request.valid_to, "version": version }),
    ))
    .reason(Some(&reason));
    record(&mut tx, entry).await?;
    tx.commit().await?;
    Ok(RightsRequest {
        valid_to,
        version: version + 1,
        ..current_request
    })
}
