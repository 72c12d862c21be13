//! A port's operations as they are sent: the bodies of the `/api/v1` endpoints, and the
//! server functions of the port page's operations panel, which read plain form fields so that
//! the panel works before the page has hydrated (times typed in the port's own time zone).
//! Both end in `operations.rs`.

use super::{Notice, PortSummary};
use crate::domain::{NoticeKind, PortStatus, Severity};
use crate::error::AppError;
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// `POST /api/v1/ports/{code}/status`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StatusBody {
    pub status: PortStatus,
    /// Why: required when the port is limited or closed, shown on its tile and journaled.
    #[serde(default)]
    pub reason: String,
    /// When a port that is not open expects to be open again: ahead, within 14 days.
    #[serde(default)]
    pub expected_return_at: Option<DateTime<Utc>>,
    /// The port's version the caller saw.
    #[serde(default)]
    pub version: Option<i64>,
}

/// `POST /api/v1/ports/{code}/lanes`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LanesBody {
    /// Lanes open: 0 to the lanes the port has (0 when it is closed).
    pub lanes_open: i64,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub version: Option<i64>,
}

/// `POST /api/v1/ports/{code}/staffing`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StaffingBody {
    /// Officers on shift: 0 to 500.
    pub officers_on_shift: i64,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub version: Option<i64>,
}

/// `POST /api/v1/ports/{code}/notices`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NoticeBody {
    pub kind: NoticeKind,
    pub severity: Severity,
    pub message: String,
    /// When the notice ends by itself: ahead, within 90 days.
    #[serde(default)]
    pub expires_at: Option<DateTime<Utc>>,
    /// The port's version the caller saw.
    #[serde(default)]
    pub version: Option<i64>,
}

/// `PATCH /api/v1/ports/{code}/notices/{id}`: what is left out stays as it is.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NoticeEditBody {
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub severity: Option<Severity>,
    /// Left out: the expiry stays as it is; `null`: the notice no longer ends by itself.
    #[serde(default, deserialize_with = "present")]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<DateTime<Utc>>))]
    pub expires_at: Option<Option<DateTime<Utc>>>,
    #[serde(default)]
    pub reason: String,
    /// The notice's version the caller saw.
    #[serde(default)]
    pub version: Option<i64>,
}

/// A field that is present, as `Some` of its value (`null` too), told apart from one left out
/// (`None`, through `#[serde(default)]`).
fn present<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// `POST /api/v1/ports/{code}/notices/{id}/clear`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ClearBody {
    /// Why the notice ends: required.
    #[serde(default)]
    pub reason: String,
    /// The notice's version the caller saw.
    #[serde(default)]
    pub version: Option<i64>,
}

/// A code of a vocabulary sent by a form, or a 422 naming the field.
#[cfg(feature = "ssr")]
fn parse_code<V: crate::domain::Vocabulary>(field: &str, code: &str) -> Result<V, AppError> {
    V::parse(code.trim()).ok_or_else(|| {
        AppError::invalid(
            field,
            crate::i18n::td_string!(
                crate::lang::current(),
                port_ops.pick_from,
                codes = V::codes()
            )
            .to_string(),
        )
    })
}

/// A time typed in the port's own time zone (`2026-11-30T14:30`, as a `datetime-local` field
/// sends it); empty is none.
#[cfg(feature = "ssr")]
pub fn parse_local(
    field: &str,
    value: &str,
    zone: &str,
) -> Result<Option<DateTime<Utc>>, AppError> {
    use chrono::TimeZone;
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    let bad = || {
        AppError::invalid(
            field,
            crate::i18n::td_string!(crate::lang::current(), port_ops.time_unreadable),
        )
    };
    let naive = chrono::NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M")
        .or_else(|_| chrono::NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M:%S"))
        .map_err(|_| bad())?;
    let tz: chrono_tz::Tz = zone.parse().map_err(|_| bad())?;
    tz.from_local_datetime(&naive)
        .earliest()
        .map(|t| Some(t.with_timezone(&Utc)))
        .ok_or_else(bad)
}

/// The port's time zone, to read the times typed for it.
#[cfg(feature = "ssr")]
async fn zone_of(pool: &sqlx::AnyPool, code: &str) -> Result<String, AppError> {
    Ok(super::db::state(pool, code).await?.time_zone)
}

#[server(prefix = "/rpc", endpoint = "set_port_status")]
pub async fn set_port_status(
    code: String,
    version: i64,
    status: String,
    reason: String,
    expected_return: String,
) -> Result<PortSummary, AppError> {
    let caller = crate::auth::server::current()?;
    let state = crate::state::app_state()?;
    let pool = &state.db.pool;
    let code = code.trim().to_ascii_uppercase();
    let status = parse_code::<PortStatus>("status", &status)?;
    let zone = zone_of(pool, &code).await?;
    let expected = parse_local("expected_return_at", &expected_return, &zone)?;
    super::operations::set_status(
        pool,
        &caller,
        &code,
        status,
        &reason,
        expected,
        Some(version),
        Utc::now(),
    )
    .await
}

#[server(prefix = "/rpc", endpoint = "set_port_lanes")]
pub async fn set_port_lanes(
    code: String,
    version: i64,
    lanes_open: i64,
    reason: String,
) -> Result<PortSummary, AppError> {
    let caller = crate::auth::server::current()?;
    let state = crate::state::app_state()?;
    super::operations::set_lanes(
        &state.db.pool,
        &caller,
        &code.trim().to_ascii_uppercase(),
        lanes_open,
        &reason,
        Some(version),
        Utc::now(),
    )
    .await
}

#[server(prefix = "/rpc", endpoint = "set_port_staffing")]
pub async fn set_port_staffing(
    code: String,
    version: i64,
    officers_on_shift: i64,
    reason: String,
) -> Result<PortSummary, AppError> {
    let caller = crate::auth::server::current()?;
    let state = crate::state::app_state()?;
    super::operations::set_staffing(
        &state.db.pool,
        &caller,
        &code.trim().to_ascii_uppercase(),
        officers_on_shift,
        &reason,
        Some(version),
        Utc::now(),
    )
    .await
}

#[server(prefix = "/rpc", endpoint = "post_port_notice")]
pub async fn post_port_notice(
    code: String,
    version: i64,
    kind: String,
    severity: String,
    message: String,
    expires: String,
) -> Result<Notice, AppError> {
    let caller = crate::auth::server::current()?;
    let state = crate::state::app_state()?;
    let pool = &state.db.pool;
    let code = code.trim().to_ascii_uppercase();
    let text = super::operations::NoticeText {
        kind: parse_code("kind", &kind)?,
        severity: parse_code("severity", &severity)?,
        message,
        expires_at: parse_local("expires_at", &expires, &zone_of(pool, &code).await?)?,
    };
    super::operations::post_notice(pool, &caller, &code, text, Some(version), Utc::now()).await
}

#[allow(clippy::too_many_arguments)]
#[server(prefix = "/rpc", endpoint = "edit_port_notice")]
pub async fn edit_port_notice(
    code: String,
    id: i64,
    version: i64,
    message: String,
    severity: String,
    expires: String,
) -> Result<Notice, AppError> {
    let caller = crate::auth::server::current()?;
    let state = crate::state::app_state()?;
    let pool = &state.db.pool;
    let code = code.trim().to_ascii_uppercase();
    let edit = super::operations::NoticeEdit {
        message: Some(message),
        severity: Some(parse_code("severity", &severity)?),
        // The form always sends its expiry: left empty, the notice no longer ends by itself.
        expires_at: Some(parse_local(
            "expires_at",
            &expires,
            &zone_of(pool, &code).await?,
        )?),
    };
    super::operations::edit_notice(
        pool,
        &caller,
        &code,
        id,
        edit,
        "",
        Some(version),
        Utc::now(),
    )
    .await
}

#[server(prefix = "/rpc", endpoint = "clear_port_notice")]
pub async fn clear_port_notice(
    code: String,
    id: i64,
    version: i64,
    reason: String,
) -> Result<Notice, AppError> {
    let caller = crate::auth::server::current()?;
    let state = crate::state::app_state()?;
    super::operations::clear_notice(
        &state.db.pool,
        &caller,
        &code.trim().to_ascii_uppercase(),
        id,
        &reason,
        Some(version),
        Utc::now(),
    )
    .await
}
