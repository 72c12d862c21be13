//! Writing and reading the journal. `record` and `record_many` take the caller's transaction
//! so that a change and its journal entry commit together or not at all; `update_with_entry`
//! writes a change and its entry in one round trip of their own.

use super::JournalEntry;
use crate::domain::clock::{from_millis, to_millis};
use crate::sql::{Bind, insert_many};
use chrono::{DateTime, Utc};
use sqlx::{Any, AnyConnection, AnyPool, Row, any::AnyArguments, any::AnyRow};

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

    /// An entry about goods: a shipment, a hold or an inspection at a port.
    #[allow(clippy::too_many_arguments)]
    pub fn goods(
        at: DateTime<Utc>,
        actor: &'a str,
        entity: &'a str,
        entity_id: i64,
        shipment_id: i64,
        port_code: &'a str,
        action: &'a str,
        before: serde_json::Value,
        after: serde_json::Value,
    ) -> Self {
        Self {
            shipment_id: Some(shipment_id),
            port_code: Some(port_code),
            before: Some(before),
            ..Self::administrative(at, actor, entity, entity_id, action, after)
        }
    }

    pub fn before(self, before: Option<serde_json::Value>) -> Self {
        Self { before, ..self }
    }

    pub fn reason(self, reason: Option<&'a str>) -> Self {
        Self { reason, ..self }
    }
}

/// The columns an entry writes, in the order of [`NewEntry::values`].
const INSERT_COLUMNS: [&str; 11] = [
    "at",
    "actor",
    "entity",
    "entity_id",
    "shipment_id",
    "port_code",
    "action",
    "before_json",
    "after_json",
    "reason",
    "request_id",
];

/// Counts entries (each its values in the order of [`INSERT_COLUMNS`]) among this instance's
/// actions ([`crate::counters::ACTIONS`]). Entries are counted once written into their
/// transaction: one rolled back afterwards is counted all the same.
fn count<'v>(entries: impl IntoIterator<Item = &'v Vec<Bind>>) {
    for values in entries {
        if let (Some(Bind::Text(Some(entity))), Some(Bind::Text(Some(action)))) =
            (values.get(2), values.get(6))
        {
            crate::counters::action(entity, action);
        }
    }
}

impl NewEntry<'_> {
    /// The entry's values, in the order of [`INSERT_COLUMNS`].
    pub fn values(&self) -> Vec<Bind> {
        vec![
            to_millis(self.at).into(),
            self.actor.into(),
            self.entity.into(),
            (&self.entity_id).into(),
            self.shipment_id.into(),
            self.port_code.into(),
            self.action.into(),
            self.before.as_ref().map(|v| v.to_string()).into(),
            self.after.as_ref().map(|v| v.to_string()).into(),
            self.reason.into(),
            super::request::current().into(),
        ]
    }
}

/// Appends one entry and returns its sequence number.
#[tracing::instrument(skip_all, fields(entity = entry.entity, action = entry.action))]
pub async fn record(conn: &mut AnyConnection, entry: NewEntry<'_>) -> Result<i64, sqlx::Error> {
    let values = vec![entry.values()];
    let row = insert_many(conn, "journal", &INSERT_COLUMNS, values, Some("seq")).await?;
    crate::counters::action(entry.entity, entry.action);
    row.first().ok_or(sqlx::Error::RowNotFound)?.try_get(0)
}

/// Appends many entries, in order, with multi-row statements (ingestion writes thousands).
#[tracing::instrument(skip_all, fields(entries = entries.len()))]
pub async fn record_many(
    conn: &mut AnyConnection,
    entries: Vec<Vec<Bind>>,
) -> Result<(), sqlx::Error> {
    let counted: Vec<_> = entries.iter().map(|values| values[..7].to_vec()).collect();
    insert_many(conn, "journal", &INSERT_COLUMNS, entries, None).await?;
    count(&counted);
    Ok(())
}

/// Applies a conditional update (its parameters `$1…$n` in `args`) together with its journal
/// entry, as a transaction of its own in one round trip to the database: on SQLite one batch,
/// `begin immediate; update; insert … where changes() = 1; commit`; on PostgreSQL one
/// statement, the update as a data-modifying CTE feeding the insert. Returns whether the update
/// matched a row; when it did not, nothing was written.
pub async fn update_with_entry(
    pool: &AnyPool,
    update: &str,
    mut args: AnyArguments<'static>,
    entry: NewEntry<'_>,
) -> Result<bool, sqlx::Error> {
    use sqlx::Arguments;
    let values = crate::sql::placeholders(args.len() + 1, INSERT_COLUMNS.len());
    for value in entry.values() {
        value.add_to(&mut args)?;
    }
    let columns = INSERT_COLUMNS.join(", ");
    let sql = if crate::db::is_sqlite(pool) {
        format!(
            "begin immediate; {update}; insert into journal ({columns}) \
             select {values} where changes() = 1; commit"
        )
    } else {
        format!(
            "with changed as ({update} returning 1) \
             insert into journal ({columns}) select {values} from changed"
        )
    };
    let written = crate::db::write_once(pool, sql, args).await? > 0;
    if written {
        crate::counters::action(entry.entity, entry.action);
    }
    Ok(written)
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
