//! The detentions' server functions, for the shipment page's detention panel and the printed
//! notice: each checked, authorized and written as the JSON API does it.

use super::letter::NoticeLetter;
use super::{ClockState, Detention};
use crate::error::AppError;
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A detention with where its clock and charges stand at the moment it was read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DetentionView {
    pub detention: Detention,
    pub read_at: DateTime<Utc>,
    pub clock: ClockState,
    /// The first instant after the deadline.
    pub deadline_at: DateTime<Utc>,
    pub charged_days: i64,
    pub charges_cents: i64,
    pub may_extend: bool,
}

impl DetentionView {
    pub fn of(detention: Detention, now: DateTime<Utc>) -> Self {
        let today = super::port_day(now, &detention.port_time_zone);
        DetentionView {
            read_at: now,
            clock: detention.clock(now),
            deadline_at: detention.deadline_at(),
            charged_days: detention.charged_days(today),
            charges_cents: detention.charges_cents(today),
            may_extend: detention.may_extend(now),
            detention,
        }
    }
}

/// A shipment's detentions, and what the notice form offers: the request the score matched
/// and the requests in force.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DetentionsFound {
    pub detentions: Vec<DetentionView>,
    pub matched_request: Option<i64>,
    /// The requests in force today: number and rights holder.
    pub in_force: Vec<(i64, String)>,
}

#[server(prefix = "/rpc", endpoint = "shipment_detentions")]
pub async fn shipment_detentions(shipment_id: i64) -> Result<DetentionsFound, AppError> {
    crate::auth::server::require(crate::domain::Action::Read, None).await?;
    let pool = &crate::state::app_state()?.db.pool;
    let now = Utc::now();
    let detentions = super::db::for_shipment(pool, shipment_id)
        .await?
        .into_iter()
        .map(|d| DetentionView::of(d, now))
        .collect();
    let in_force = crate::rights::db::in_force(pool, now.date_naive())
        .await?
        .into_iter()
        .map(|r| (r.id, r.rights_holder))
        .collect();
    Ok(DetentionsFound {
        detentions,
        matched_request: super::db::matched_request(pool, shipment_id).await?,
        in_force,
    })
}

/// Sends the notice for hold `hold_id` to the owner of request `request_id`, the charge per
/// day in dollars as typed.
#[server(prefix = "/rpc", endpoint = "send_detention_notice")]
pub async fn send_detention_notice(
    hold_id: i64,
    request_id: i64,
    daily_charge: String,
) -> Result<Detention, AppError> {
    use crate::i18n::td_string;
    let caller = crate::auth::server::current()?;
    let pool = &crate::state::app_state()?.db.pool;
    let daily_charge_cents = crate::rights::rpc::dollars_to_cents(&daily_charge)
        .filter(|_| !daily_charge.trim().is_empty())
        .ok_or_else(|| {
            AppError::invalid(
                "daily_charge_cents",
                td_string!(
                    crate::lang::current(),
                    detentions.refused.charge_invalid,
                    value = daily_charge.trim()
                )
                .to_string(),
            )
        })?;
    let request = super::NewDetention {
        request_id: Some(request_id),
        daily_charge_cents,
    };
    super::db::open(pool, &caller, hold_id, &request, Utc::now()).await
}

/// Grants the extension (`outcome` empty) or records an outcome of detention `id`.
#[server(prefix = "/rpc", endpoint = "change_detention")]
pub async fn change_detention(
    id: i64,
    version: i64,
    outcome: String,
    reason: String,
) -> Result<Detention, AppError> {
    let caller = crate::auth::server::current()?;
    let pool = &crate::state::app_state()?.db.pool;
    let now = Utc::now();
    if outcome.is_empty() {
        let change = super::DetentionChange {
            version,
            reason,
            outcome: None,
        };
        return super::db::extend(pool, &caller, id, &change, now).await;
    }
    let change = super::DetentionChange {
        version,
        reason,
        outcome: super::DetentionOutcome::parse(&outcome),
    };
    super::db::record_outcome(pool, &caller, id, &change, now).await
}

/// What notice `id` says (everyone signed in may read it, as the shipment's page).
#[server(prefix = "/rpc", endpoint = "detention_notice")]
pub async fn detention_notice(id: i64) -> Result<NoticeLetter, AppError> {
    crate::auth::server::require(crate::domain::Action::Read, None).await?;
    let pool = &crate::state::app_state()?.db.pool;
    super::db::letter(pool, id).await
}
