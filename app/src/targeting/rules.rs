//! The rules and their versions, and the settings scoring uses: reading them, and the
//! analyst's journaled changes (create, edit into a new version, enable, disable, change the
//! thresholds). Rules are data (`rules`, `rule_versions`): an edit adds a version, and every
//! score keeps naming the versions that made it.

use super::{Indicator, Rule, RuleDraft, Settings};
use crate::auth::server::Caller;
use crate::db::WriteTx;
use crate::domain::clock::{from_millis, to_millis};
use crate::domain::{Action, InspectionKind, check_text};
use crate::error::AppError;
use crate::i18n::td_string;
use crate::journal::db::{NewEntry, record};
use crate::lang;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use sqlx::{AnyConnection, AnyPool, Row, any::AnyRow};

const RULE_SELECT: &str = "select r.id, r.name, r.enabled, v.version, v.parameters_json, \
    v.weight, v.reason, v.instructions, v.inspection_kind, v.author, v.created_at \
    from rules r join rule_versions v on v.rule_id = r.id";

fn rule_from_row(row: &AnyRow) -> Result<Rule, sqlx::Error> {
    let params: String = row.try_get("parameters_json")?;
    let indicator: Indicator = serde_json::from_str(&params)
        .map_err(|e| crate::sql::decode_error("parameters_json", &e.to_string()))?;
    let inspection: Option<String> = row.try_get("inspection_kind")?;
    Ok(Rule {
        id: row.try_get("id")?,
        version: row.try_get("version")?,
        name: row.try_get("name")?,
        enabled: row.try_get::<i64, _>("enabled")? == 1,
        indicator,
        weight: row.try_get("weight")?,
        reason: row.try_get("reason")?,
        instructions: row.try_get("instructions")?,
        inspection: inspection.as_deref().and_then(InspectionKind::parse),
        author: row.try_get("author")?,
        created_at: from_millis(row.try_get("created_at")?),
    })
}

/// Every rule at its current version, enabled or not.
pub async fn current_rules(pool: &AnyPool) -> Result<Vec<Rule>, AppError> {
    Ok(sqlx::query(&format!(
        "{RULE_SELECT} where v.version = r.current_version order by r.id"
    ))
    .fetch_all(pool)
    .await?
    .iter()
    .map(rule_from_row)
    .collect::<Result<_, _>>()?)
}

/// One rule: every version, newest first.
pub async fn rule_versions(pool: &AnyPool, id: i64) -> Result<Vec<Rule>, AppError> {
    let versions: Vec<Rule> = sqlx::query(&format!(
        "{RULE_SELECT} where r.id = $1 order by v.version desc"
    ))
    .bind(id)
    .fetch_all(pool)
    .await?
    .iter()
    .map(rule_from_row)
    .collect::<Result<_, _>>()?;
    if versions.is_empty() {
        return Err(AppError::not_found(rule_named(id)));
    }
    Ok(versions)
}

/// The thresholds, credit and random rate scoring uses now.
pub async fn settings(pool: &AnyPool) -> Result<Settings, AppError> {
    let row = sqlx::query(
        "select random_rate_bp, yellow_at, red_at, rfi_at, rfs_at, dnl_at, trusted_credit \
         from targeting_settings where id = 1",
    )
    .fetch_optional(pool)
    .await?;
    let Some(row) = row else {
        return Ok(Settings::default());
    };
    let rate: i64 = row.try_get("random_rate_bp")?;
    Ok(Settings {
        random_rate_bp: rate.clamp(0, 10_000) as u32,
        yellow_at: row.try_get("yellow_at")?,
        red_at: row.try_get("red_at")?,
        rfi_at: row.try_get("rfi_at")?,
        rfs_at: row.try_get("rfs_at")?,
        dnl_at: row.try_get("dnl_at")?,
        trusted_credit: row.try_get("trusted_credit")?,
    })
}

/// What the journal keeps of a rule at a version.
fn rule_summary(rule: &Rule) -> Value {
    json!({
        "name": rule.name,
        "version": rule.version,
        "enabled": rule.enabled,
        "kind": rule.indicator.kind().code(),
        "weight": rule.weight,
    })
}

/// The journal entry of an analyst's change to rule `id` (or to the `"settings"`).
fn rule_entry<'a>(
    caller: &'a Caller,
    now: DateTime<Utc>,
    id: impl ToString,
    action: &'a str,
    after: Value,
) -> NewEntry<'a> {
    NewEntry::administrative(now, &caller.account.username, "rule", id, action, after)
}

/// Whether another rule than `id` (0 for a new one) is called `name`, case aside.
async fn name_taken(conn: &mut AnyConnection, name: &str, id: i64) -> Result<bool, AppError> {
    let n: i64 =
        sqlx::query("select count(*) as n from rules where lower(name) = lower($1) and id <> $2")
            .bind(name)
            .bind(id)
            .fetch_one(conn)
            .await?
            .try_get("n")?;
    Ok(n > 0)
}

/// Adds a rule (version 1, enabled), journaled.
pub async fn create_rule(
    pool: &AnyPool,
    caller: &Caller,
    draft: &RuleDraft,
    now: DateTime<Utc>,
) -> Result<Rule, AppError> {
    caller.authorize(pool, Action::ManageRules, None).await?;
    draft.check()?;
    let name = draft.name.trim();
    let mut tx = WriteTx::begin(pool).await?;
    if name_taken(&mut tx, name, 0).await? {
        return Err(AppError::Conflict {
            message: td_string!(lang::current(), targeting.conflict.name_taken, name = name)
                .to_string(),
        });
    }
    let id: i64 = sqlx::query(
        "insert into rules (name, enabled, current_version, created_at, created_by) \
         values ($1, 1, 1, $2, $3) returning id",
    )
    .bind(name)
    .bind(to_millis(now))
    .bind(&caller.account.username)
    .fetch_one(&mut *tx)
    .await?
    .try_get("id")?;
    insert_version(&mut tx, id, 1, draft, &caller.account.username, now).await?;
    let rule = draft.rule(id, 1, name, true, &caller.account.username, now);
    let entry =
        rule_entry(caller, now, id, "created", rule_summary(&rule)).reason(Some(&rule.reason));
    record(&mut tx, entry).await?;
    tx.commit().await?;
    Ok(rule)
}

async fn insert_version(
    conn: &mut AnyConnection,
    rule_id: i64,
    version: i64,
    draft: &RuleDraft,
    author: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    sqlx::query(
        "insert into rule_versions (rule_id, version, kind, parameters_json, weight, reason, \
         instructions, inspection_kind, author, created_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(rule_id)
    .bind(version)
    .bind(draft.indicator.kind().code())
    .bind(serde_json::to_string(&draft.indicator).unwrap_or_default())
    .bind(draft.weight)
    .bind(draft.reason.trim())
    .bind(draft.instructions.trim())
    .bind(draft.inspection.map(|k| k.code()))
    .bind(author)
    .bind(to_millis(now))
    .execute(conn)
    .await?;
    Ok(())
}

/// Edits a rule: a new version, which scores from now on; earlier scores keep naming the
/// version that made them. `seen` is the version the analyst edited, if known.
pub async fn edit_rule(
    pool: &AnyPool,
    caller: &Caller,
    id: i64,
    draft: &RuleDraft,
    seen: Option<i64>,
    now: DateTime<Utc>,
) -> Result<Rule, AppError> {
    caller.authorize(pool, Action::ManageRules, None).await?;
    draft.check()?;
    let mut tx = WriteTx::begin(pool).await?;
    let row = sqlx::query("select name, enabled, current_version from rules where id = $1")
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| AppError::not_found(rule_named(id)))?;
    let current: i64 = row.try_get("current_version")?;
    let old_name: String = row.try_get("name")?;
    if let Some(seen) = seen
        && seen != current
    {
        return Err(AppError::Conflict {
            message: td_string!(
                lang::current(),
                targeting.conflict.stale,
                name = old_name,
                current = current,
                seen = seen
            )
            .to_string(),
        });
    }
    let name = draft.name.trim();
    if name_taken(&mut tx, name, id).await? {
        return Err(AppError::Conflict {
            message: td_string!(lang::current(), targeting.conflict.other_name, name = name)
                .to_string(),
        });
    }
    let version = current + 1;
    insert_version(&mut tx, id, version, draft, &caller.account.username, now).await?;
    sqlx::query("update rules set current_version = $1, name = $2 where id = $3")
        .bind(version)
        .bind(name)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let enabled = row.try_get::<i64, _>("enabled")? == 1;
    let rule = draft.rule(id, version, name, enabled, &caller.account.username, now);
    let entry = rule_entry(caller, now, id, "edited", rule_summary(&rule))
        .before(Some(json!({ "name": old_name, "version": current })));
    record(&mut tx, entry).await?;
    tx.commit().await?;
    Ok(rule)
}

/// Enables or disables a rule (no new version: the rule's content is unchanged), with why.
pub async fn set_enabled(
    pool: &AnyPool,
    caller: &Caller,
    id: i64,
    enabled: bool,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Rule, AppError> {
    caller.authorize(pool, Action::ManageRules, None).await?;
    let reason = check_text("reason", reason, true)?;
    let mut tx = WriteTx::begin(pool).await?;
    let was: i64 = sqlx::query("select enabled from rules where id = $1")
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| AppError::not_found(rule_named(id)))?
        .try_get("enabled")?;
    if (was == 1) == enabled {
        return Err(AppError::Conflict {
            message: if enabled {
                td_string!(lang::current(), targeting.conflict.already_enabled, id = id).to_string()
            } else {
                td_string!(
                    lang::current(),
                    targeting.conflict.already_disabled,
                    id = id
                )
                .to_string()
            },
        });
    }
    sqlx::query("update rules set enabled = $1 where id = $2")
        .bind(i64::from(enabled))
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let action = if enabled { "enabled" } else { "disabled" };
    let entry = rule_entry(caller, now, id, action, json!({ "enabled": enabled }))
        .before(Some(json!({ "enabled": was == 1 })))
        .reason(Some(&reason));
    record(&mut tx, entry).await?;
    tx.commit().await?;
    Ok(rule_versions(pool, id).await?.remove(0))
}

/// Changes the thresholds, credit and random rate, journaled.
pub async fn set_settings(
    pool: &AnyPool,
    caller: &Caller,
    new: &Settings,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Settings, AppError> {
    caller.authorize(pool, Action::ManageRules, None).await?;
    new.check()?;
    let reason = check_text("reason", reason, true)?;
    let before = settings(pool).await?;
    let mut tx = WriteTx::begin(pool).await?;
    sqlx::query(
        "update targeting_settings set random_rate_bp = $1, yellow_at = $2, red_at = $3, \
         rfi_at = $4, rfs_at = $5, dnl_at = $6, trusted_credit = $7, updated_at = $8, \
         updated_by = $9 where id = 1",
    )
    .bind(i64::from(new.random_rate_bp))
    .bind(new.yellow_at)
    .bind(new.red_at)
    .bind(new.rfi_at)
    .bind(new.rfs_at)
    .bind(new.dnl_at)
    .bind(new.trusted_credit)
    .bind(to_millis(now))
    .bind(&caller.account.username)
    .execute(&mut *tx)
    .await?;
    let entry = rule_entry(caller, now, "settings", "settings_changed", json!(new))
        .before(Some(json!(before)))
        .reason(Some(&reason));
    record(&mut tx, entry).await?;
    tx.commit().await?;
    Ok(*new)
}

/// A rule as a sentence names it: "rule #4".
fn rule_named(id: i64) -> String {
    td_string!(lang::current(), targeting.what.rule, id = id).to_string()
}
