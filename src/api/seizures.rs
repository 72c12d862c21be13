//! `POST /api/v1/seizures/reports`: seizure reports for partner administrations, one seizure
//! or a period's, in JSON or CSV (`app::seizures`). A POST, not a GET: every export is a
//! disclosure, journaled with its partner, its reason and whether it holds personal data.

use super::body::JsonBody;
use super::csv;
use super::extract::{Allowed, ShareSeizures};
use super::responses::Area;
use crate::state::ServerState;
use app::export::CsvTable;
use app::seizures::{self, Covered, ExportFormat, ExportRequest, SeizureExport};
use app::{AppError, ErrorBody};
use axum::http::{HeaderName, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router, routing::post};
use chrono::Utc;

/// The documentation of the routes below, in the same order.
#[derive(utoipa::OpenApi)]
#[openapi(paths(report), modifiers(&AREA))]
pub struct Docs;

const AREA: Area = Area("seizures");

pub fn router() -> Router<ServerState> {
    Router::new().route("/seizures/reports", post(report))
}

/// A report of one seizure (`seizure_id`) or of every seizure of a period (`from`, `to`: UTC
/// days, at most 366, at most 5,000 seizures) at the ports the caller may act on, in the fields
/// of the WCO Customs Enforcement Network's seizure reports that the board holds. The parties'
/// names and addresses are left out unless `personal_data` is `true`. Supervisors (their ports)
/// and analysts may export; each export is journaled (`seizure_report`, `exported`) with the
/// partner, the reason, the choice of personal data and the seizures sent.
#[utoipa::path(
    post,
    path = "/seizures/reports",
    request_body = ExportRequest,
    responses(
        (status = 200, description = "The report: JSON, or CSV (one row a seizure, the parties' columns empty without personal data)",
            content((SeizureExport = "application/json"), (String = "text/csv")),
            headers(
                ("content-disposition" = String, description = "`attachment; filename=\"seizures-<UTC time>.csv\"` (`.json` in JSON)"),
                ("x-seizure-count" = i64, description = "How many seizures the report holds"),
                ("x-journal-seq" = i64, description = "The journal entry that records the export"))),
        (status = 404, description = "No seizure has this number", body = ErrorBody),
        (status = 422, description = "Not one seizure or one period, a period that ends before it starts, in the future or after more than 366 days or 5,000 seizures, no partner or no reason; `field` names it", body = ErrorBody),
    )
)]
async fn report(
    sharer: Allowed<ShareSeizures>,
    JsonBody(request): JsonBody<ExportRequest>,
) -> Result<Response, AppError> {
    let now = Utc::now();
    let checked = request.check(now.date_naive())?;
    let pool = sharer.pool();
    if let Covered::One(id) = checked.covered {
        let port = seizures::db::port_of(pool, id).await?.ok_or_else(|| {
            AppError::not_found(app::i18n::td_string!(
                app::lang::current(),
                seizures.seizure_number,
                id = id
            ))
        })?;
        sharer
            .caller
            .within_ports(pool, app::domain::Action::ShareSeizures, &port)
            .await?;
    }
    let caller = &sharer.caller;
    let export = seizures::db::export(
        pool,
        &checked,
        &caller.account.ports,
        &caller.signature(),
        now,
    )
    .await?;
    let counts = [
        (SEIZURE_COUNT, HeaderValue::from(export.seizures.len())),
        (JOURNAL_SEQ, HeaderValue::from(export.journal_seq)),
    ];
    Ok(match checked.format {
        ExportFormat::Json => {
            let name = app::export::file_name("seizures", now).replace(".csv", ".json");
            let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
                .expect("a file name of a code and a time");
            (
                counts,
                [(header::CONTENT_DISPOSITION, disposition)],
                Json(export),
            )
                .into_response()
        }
        ExportFormat::Csv => (
            counts,
            csv::table("seizures", now, &CsvTable::of(&export.seizures)),
        )
            .into_response(),
    })
}

/// How many seizures the report holds, in either format.
const SEIZURE_COUNT: HeaderName = HeaderName::from_static("x-seizure-count");
/// The journal entry that records the export, in either format.
const JOURNAL_SEQ: HeaderName = HeaderName::from_static("x-journal-seq");
