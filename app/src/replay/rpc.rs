//! The pages' reads at a past instant: server functions authorized as the live reads are
//! (any signed-in account may read the board), each checking the instant as the API does
//! (`super::parse_at`), and their registration for the pages (`provide_reads`, see
//! `crate::components::moment::ReadAt`).

use crate::components::moment::ReadAt;
use crate::error::AppError;
use crate::holds::{HoldFilter, HoldRow};
use crate::inspections::{InspectionFilter, InspectionRow};
use crate::paging::Page;
use crate::ports::{Overview, PortDetail};
use crate::shipments::ShipmentDetail;
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The instant a replay shows, checked, and the zone it is told in: the port's on a port's
/// page, the operations centre's elsewhere.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Moment {
    pub at: DateTime<Utc>,
    pub zone: String,
}

/// The caller may read the board, and `at` can be shown: the instant, and the pool.
#[cfg(feature = "ssr")]
async fn checked(at: &str) -> Result<(DateTime<Utc>, sqlx::AnyPool), AppError> {
    crate::auth::server::require(crate::domain::Action::Read, None).await?;
    let pool = crate::state::app_state()?.db.pool.clone();
    let at = super::db::instant(&pool, at).await?;
    Ok((at, pool))
}

#[server(prefix = "/rpc", endpoint = "replay_moment")]
pub async fn replay_moment(at: String, port: Option<String>) -> Result<Moment, AppError> {
    use sqlx::Row;
    let (at, pool) = checked(&at).await?;
    let zone = match port {
        Some(code) => sqlx::query("select time_zone from ports where code = $1")
            .bind(code.to_ascii_uppercase())
            .fetch_optional(&pool)
            .await?
            .map(|row| row.try_get::<String, _>("time_zone"))
            .transpose()?,
        None => None,
    };
    Ok(Moment {
        at,
        zone: zone.unwrap_or_else(|| crate::forecast::CENTRE_TIME_ZONE.to_string()),
    })
}

#[server(prefix = "/rpc", endpoint = "replay_overview")]
pub async fn replay_overview(at: String) -> Result<Overview, AppError> {
    let (at, pool) = checked(&at).await?;
    super::db::overview(&pool, at).await
}

#[server(prefix = "/rpc", endpoint = "replay_port")]
pub async fn replay_port(code: String, at: String) -> Result<PortDetail, AppError> {
    let (at, pool) = checked(&at).await?;
    super::db::port(&pool, &code.to_ascii_uppercase(), at).await
}

#[server(prefix = "/rpc", endpoint = "replay_holds")]
pub async fn replay_holds(filter: HoldFilter, at: String) -> Result<Page<HoldRow>, AppError> {
    use crate::paging::ListFilter;
    let (at, pool) = checked(&at).await?;
    super::db::hold_list(&pool, &filter.checked()?, at).await
}

#[server(prefix = "/rpc", endpoint = "replay_inspections")]
pub async fn replay_inspections(
    filter: InspectionFilter,
    at: String,
) -> Result<Page<InspectionRow>, AppError> {
    use crate::paging::ListFilter;
    let (at, pool) = checked(&at).await?;
    super::db::inspection_list(&pool, &filter.checked()?, at).await
}

#[server(prefix = "/rpc", endpoint = "replay_shipment")]
pub async fn replay_shipment(id: i64, at: String) -> Result<ShipmentDetail, AppError> {
    let (at, pool) = checked(&at).await?;
    super::db::shipment(&pool, id, at).await
}

/// Gives the board's pages their reads at a past instant.
pub fn provide_reads() {
    provide_context(ReadAt::<(), Overview>(|(), at| {
        Box::pin(replay_overview(at))
    }));
    provide_context(ReadAt::<String, PortDetail>(|code, at| {
        Box::pin(replay_port(code, at))
    }));
    provide_context(ReadAt::<HoldFilter, Page<HoldRow>>(|filter, at| {
        Box::pin(replay_holds(filter, at))
    }));
    provide_context(ReadAt::<InspectionFilter, Page<InspectionRow>>(
        |filter, at| Box::pin(replay_inspections(filter, at)),
    ));
    provide_context(ReadAt::<i64, ShipmentDetail>(|id, at| {
        Box::pin(replay_shipment(id, at))
    }));
}
