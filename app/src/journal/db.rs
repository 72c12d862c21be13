//! Writing and reading the journal. `record` takes the caller's transaction so that a change
//! and its journal entry commit together or not at all.

use super::JournalEntry;
use crate::domain::clock::{from_millis, to_millis};
use chrono::{DateTime, Utc};
use sqlx::{Any, AnyConnection, Arguments, Row, any::AnyArguments, any::AnyRow};

/// A change about to be recorded.
#[derive(Debug, Clone)]
pub struct NewEntry<'a> {
    pub at: DateTime<Utc>,
    pub actor: &'a str,
    pub entity: &'a str,
    pub entity_id: String,
    pub shipment_id: Option<i64>,
    pub port_code: Option<&'a str>,
    pub action: &'a str,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub reason: Option<&'a str>,
}

impl<'a> NewEntry<'a> {
    /// An entry about the product's own records (an account, a token, a session, an access
    /// decision): no goods and no port involved.
    pub fn administrative(
        at: DateTime<Utc>,
        actor: &'a str,
        entity: &'a str,
        entity_id: impl ToString,
        action: &'a str,
        after: serde_json::Value,
    ) -> Self {
        Self {
            at,
            actor,
            entity,
            entity_id: entity_id.to_string(),
            shipment_id: None,
            port_code: None,
            action,
            before: None,
            after: Some(after),
            reason: None,
        }
    }

    pub fn before(self, before: Option<serde_json::Value>) -> Self {
        Self { before, ..self }
    }

    pub fn reason(self, reason: Option<&'a str>) -> Self {
        Self { reason, ..self }
    }
}

/// The columns an entry writes, in the order of [`add_arguments`].
pub const INSERT_COLUMNS: &str =
    "at, actor, entity, entity_id, shipment_id, port_code, action, before_json, after_json, reason";

/// `$first, …, $first+9`: the placeholders of an entry's values.
pub fn placeholders(first: usize) -> String {
    (first..first + 10)
        .map(|n| format!("${n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Appends an entry's values to `args`, in the order of [`INSERT_COLUMNS`].
pub fn add_arguments(
    args: &mut AnyArguments<'static>,
    entry: &NewEntry<'_>,
) -> Result<(), sqlx::Error> {
    let add = |result: Result<(), sqlx::error::BoxDynError>| result.map_err(sqlx::Error::Encode);
    add(args.add(to_millis(entry.at)))?;
    add(args.add(entry.actor.to_string()))?;
    add(args.add(entry.entity.to_string()))?;
    add(args.add(entry.entity_id.clone()))?;
    add(args.add(entry.shipment_id))?;
    add(args.add(entry.port_code.map(str::to_string)))?;
    add(args.add(entry.action.to_string()))?;
    add(args.add(entry.before.as_ref().map(|v| v.to_string())))?;
    add(args.add(entry.after.as_ref().map(|v| v.to_string())))?;
    add(args.add(entry.reason.map(str::to_string)))?;
    Ok(())
}

/// Appends one entry and returns its sequence number.
#[tracing::instrument(skip_all, fields(entity = entry.entity, action = entry.action))]
pub async fn record(conn: &mut AnyConnection, entry: NewEntry<'_>) -> Result<i64, sqlx::Error> {
    let mut args = AnyArguments::default();
    add_arguments(&mut args, &entry)?;
    let row = sqlx::query_with(
        &format!(
            "insert into journal ({INSERT_COLUMNS}) values ({}) returning seq",
            placeholders(1)
        ),
        args,
    )
    .fetch_one(conn)
    .await?;
    row.try_get(0)
}

const COLUMNS: &str = "seq, at, actor, entity, entity_id, shipment_id, port_code, action, \
                       before_json, after_json, reason";

fn entry_from_row(row: &AnyRow) -> Result<JournalEntry, sqlx::Error> {
    let json = |col: &str| -> Result<Option<serde_json::Value>, sqlx::Error> {
        let text: Option<String> = row.try_get(col)?;
        Ok(text.and_then(|t| serde_json::from_str(&t).ok()))
    };
    Ok(JournalEntry {
        seq: row.try_get("seq")?,
        at: from_millis(row.try_get("at")?),
        actor: row.try_get("actor")?,
        entity: row.try_get("entity")?,
        entity_id: row.try_get("entity_id")?,
        shipment_id: row.try_get("shipment_id")?,
        port_code: row.try_get("port_code")?,
        action: row.try_get("action")?,
        before: json("before_json")?,
        after: json("after_json")?,
        reason: row.try_get("reason")?,
    })
}

/// Everything that happened to one shipment, its holds and inspections, oldest first.
#[tracing::instrument(skip(executor))]
pub async fn timeline<'e, E>(
    executor: E,
    shipment_id: i64,
) -> Result<Vec<JournalEntry>, sqlx::Error>
where
    E: sqlx::Executor<'e, Database = Any>,
{
    let sql = format!("select {COLUMNS} from journal where shipment_id = $1 order by seq");
    sqlx::query(&sql)
        .bind(shipment_id)
        .fetch_all(executor)
        .await?
        .iter()
        .map(entry_from_row)
        .collect()
}

/// Entries after `seq`, oldest first, at most `limit`.
#[tracing::instrument(skip(executor))]
pub async fn after<'e, E>(
    executor: E,
    seq: i64,
    limit: i64,
) -> Result<Vec<JournalEntry>, sqlx::Error>
where
    E: sqlx::Executor<'e, Database = Any>,
{
    let sql = format!("select {COLUMNS} from journal where seq > $1 order by seq limit $2");
    sqlx::query(&sql)
        .bind(seq)
        .bind(limit)
        .fetch_all(executor)
        .await?
        .iter()
        .map(entry_from_row)
        .collect()
}
