//! Risk targeting under `/api/v1`: declarations in (JSON, one or a batch, and CSV manifests),
//! a shipment's score explained, examination capacity and what waits for it, and the rules:
//! list, create, new version, enable, disable, their figures, and a trial of a draft.

use super::body::{JsonBody, json, json_or_default, read_in_time, require_type};
use super::csv::{self, Format};
use super::extract::{Allowed, DeclareShipments, ManageRules, QueryParams, Read, Signed};
use super::responses::{Area, BadBody, CsvBusy, CsvFormat, ShipmentId};
use crate::state::{ImportGate, ServerState};
use app::domain::Action;
use app::i18n::td_string;
use app::lang::current;
use app::targeting::ingest::sentences;
use app::targeting::{
    CapacityChange, CapacityLine, Disposition, IngestReport, Rule, RuleDraft, ScoreBreakdown,
    Settings, StatsReport, TrialReport, capacity, db, ingest, rules, stats,
};
use app::{AppError, ErrorBody, state::AppState};
use axum::{
    Json, Router,
    body::{Body, Bytes},
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;

/// The largest JSON body `POST /shipments` reads.
pub const JSON_LIMIT: usize = 16 * 1024 * 1024;
/// The most declarations one JSON request may carry.
pub const MAX_BATCH: usize = 20_000;
/// The largest CSV manifest `POST /shipments/import` reads (100,000 rows take about 30 MB).
pub const CSV_LIMIT: usize = 128 * 1024 * 1024;

/// The documentation of the routes below, in the same order.
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(
        declare,
        import,
        score,
        capacity,
        capacity_at,
        set_capacity,
        settings,
        set_settings,
        rules,
        create_rule,
        rule,
        edit_rule,
        enable,
        disable,
        stats,
        trial,
    ),
    modifiers(&AREA)
)]
pub struct Docs;

const AREA: Area = Area("targeting");

pub fn router() -> Router<ServerState> {
    Router::new()
        .route("/shipments", post(declare))
        .route("/shipments/import", post(import))
        .route("/shipments/{id}/score", get(score))
        .route("/targeting/capacity", get(capacity))
        .route(
            "/targeting/capacity/{port}",
            get(capacity_at).post(set_capacity),
        )
        .route("/targeting/settings", get(settings).post(set_settings))
        .route("/targeting/rules", get(rules).post(create_rule))
        .route("/targeting/rules/{id}", get(rule))
        .route("/targeting/rules/{id}/versions", post(edit_rule))
        .route("/targeting/rules/{id}/enable", post(enable))
        .route("/targeting/rules/{id}/disable", post(disable))
        .route("/targeting/stats", get(stats))
        .route("/targeting/trial", post(trial))
}

/// A declaration as sent, in JSON or as a CSV row (the columns have these names). Numbers may
/// be sent as text; an empty value is an absent field. A pre-load declaration (`pre_load`)
/// needs the "7+1" fields; a full one also `importer_name` and `hs_code`. A declaration
/// whose reference is already stored is a resend: it updates the shipment (or changes
/// nothing).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct DeclarationIn {
    /// `pre_load` or `full` (the default).
    declaration_kind: Option<app::targeting::DeclarationKind>,
    mode: app::domain::Mode,
    /// `air_waybill`, `bill_of_lading` or `cargo_control`; by default the mode's usual one.
    reference_kind: Option<String>,
    /// The air waybill (`176-12345675`), bill of lading or cargo control number.
    reference: String,
    house_waybill: Option<String>,
    carrier: String,
    voyage: String,
    /// Two-letter country code, e.g. `CN`.
    origin_country: String,
    origin_location: String,
    transit_country: Option<String>,
    transit_location: Option<String>,
    /// Stops, e.g. `PVG-ICN-YVR`.
    routing: Option<String>,
    /// A port of entry, e.g. `YVR`.
    port_code: String,
    shipper_name: String,
    shipper_address: String,
    consignee_name: String,
    consignee_address: String,
    /// Needed on a full declaration.
    importer_name: Option<String>,
    /// A trusted trader programme's member number.
    trusted_trader: Option<String>,
    /// 6 to 10 digits (dots and spaces allowed); needed on a full declaration.
    hs_code: Option<String>,
    description: String,
    pieces: i64,
    weight_kg: f64,
    /// In units of the currency, e.g. `1234.50` (or give `declared_value_cents`).
    declared_value: Option<f64>,
    declared_value_cents: Option<i64>,
    /// ISO 4217, e.g. `CAD`.
    currency: Option<String>,
    /// Expected arrival, RFC 3339.
    eta: chrono::DateTime<Utc>,
}

/// One declaration, or a batch of them (documentation only: never built).
#[derive(utoipa::ToSchema)]
#[allow(dead_code, clippy::large_enum_variant)]
enum Declarations {
    One(DeclarationIn),
    Batch(Vec<DeclarationIn>),
}

/// Declares shipments (JSON): one declaration, or a batch of at most 20,000. Each is checked,
/// scored by the enabled rules and stored with its holds, examinations (within the port's
/// capacity, or waiting for it) and journal entries. A batch answers with a result per
/// index: bad declarations are refused and the good ones stored.
#[utoipa::path(
    post,
    path = "/shipments",
    request_body(content = Declarations, content_type = "application/json"),
    responses(
        (status = 201, description = "One declaration: a new shipment", body = app::targeting::ItemResult),
        (status = 200, description = "One declaration sent again (updated or unchanged), or a batch: a result per index", body = IngestReport),
        (status = 413, description = "The body is larger than 16 MB, or the batch has more than 20,000 declarations", body = ErrorBody),
        (status = 429, description = "As many imports as this server runs at once (`MAX_CONCURRENT_IMPORTS`) are running", body = ErrorBody),
        (status = 415, description = "The body is not `application/json`", body = ErrorBody),
        (status = 422, description = "The body is not JSON, the batch is empty, the one declaration sent is refused (`field` names what is wrong), or no declaration of the batch can be read (`problems` lists the first 1,000 problems, then how many more)", body = ErrorBody),
    )
)]
/// `POST /api/v1/shipments`: one declaration (an object) or a batch (an array), JSON.
/// One: 201 (new), 200 (updated or unchanged) with its result, or 422 naming the field.
/// A batch: 200 with a result per index; bad ones are refused and the good ones stored.
async fn declare(
    declarer: Allowed<DeclareShipments>,
    State(imports): State<ImportGate>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, AppError> {
    let pool = declarer.pool();
    require_type(&headers, "application/json")?;
    let _turn = imports.enter()?;
    let bytes = read_in_time(&imports, &headers, body, JSON_LIMIT).await?;
    let value: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| {
        AppError::invalid(
            "body",
            td_string!(current(), api.body_not_json, error = e).to_string(),
        )
    })?;
    let (items, single) = match value {
        serde_json::Value::Array(items) => (items, false),
        object @ serde_json::Value::Object(_) => (vec![object], true),
        _ => {
            return Err(AppError::invalid(
                "body",
                td_string!(current(), api.body_not_declarations),
            ));
        }
    };
    if items.is_empty() {
        return Err(AppError::invalid(
            "body",
            td_string!(current(), api.batch_empty),
        ));
    }
    if items.len() > MAX_BATCH {
        return Err(AppError::TooLarge {
            message: td_string!(
                current(),
                api.batch_too_large,
                count = items.len(),
                max = MAX_BATCH
            )
            .to_string(),
        });
    }
    let now = Utc::now();
    let ports = db::port_codes(pool).await?;
    let candidates = ingest::read_json_items(items, &ports, now);
    if !single && let Some(problems) = ingest::unreadable_batch(&candidates) {
        // Nothing to store: the problems, capped, rather than a result per declaration.
        let message = td_string!(
            current(),
            api.batch_unreadable,
            count = candidates.len(),
            listed = problems.len().min(ingest::MAX_PROBLEMS)
        )
        .to_string();
        let body = serde_json::json!({ "error": {
            "code": "invalid", "field": "body", "reason": message, "message": message,
            "problems": problems,
        }});
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response());
    }
    let who = ingest::Submitter::of(&declarer.caller, sentences::source_api());
    let report = run_ingest(&declarer.state, move |pool| async move {
        ingest::ingest(&pool, &who, candidates, now, &mut |_| {}).await
    })
    .await?;
    if !single {
        return Ok(Json(report).into_response());
    }
    let item = report
        .results
        .into_iter()
        .next()
        .ok_or(AppError::Internal {
            reference: "ingest-empty".into(),
        })?;
    match item.status {
        Disposition::Refused => {
            let mut errors = item.errors.into_iter();
            let first = errors.next().unwrap_or(app::targeting::FieldError {
                field: "body".into(),
                reason: sentences::refused(),
            });
            let others: Vec<(String, String)> = errors.map(|e| (e.field, e.reason)).collect();
            let reason = if others.is_empty() {
                first.reason
            } else {
                sentences::with_others(&first.reason, &others)
            };
            Err(AppError::invalid(first.field, reason))
        }
        Disposition::Accepted => Ok((StatusCode::CREATED, Json(item)).into_response()),
        Disposition::Updated | Disposition::Unchanged => Ok(Json(item).into_response()),
    }
}

/// Runs an ingestion as a task of its own: a client that goes away does not cut a batch off
/// between two of its transactions' statements.
async fn run_ingest<F, Fut>(state: &AppState, work: F) -> Result<IngestReport, AppError>
where
    F: FnOnce(sqlx::AnyPool) -> Fut,
    Fut: std::future::Future<Output = Result<IngestReport, AppError>> + Send + 'static,
{
    // The task answers in the request's language, as the handler would.
    let locale = app::lang::current();
    tokio::spawn(app::lang::serve_in(locale, work(state.db.pool.clone())))
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "an ingestion task failed");
            AppError::Internal {
                reference: "ingest-task".into(),
            }
        })?
}

/// Imports a CSV manifest (at most 128 MB): a header row naming the columns of a declaration,
/// then one declaration per row. Good rows are stored; the report names each refused row by
/// its line, field and reason, and lists the rows sent for examination or referred.
#[utoipa::path(
    post,
    path = "/shipments/import",
    params(("name" = Option<String>, Query, description = "The manifest's name, for the journal (at most 100 characters)")),
    request_body(content = String, content_type = "text/csv", description = "A header row of declaration fields (see `DeclarationIn`), then one row per declaration"),
    responses(
        (status = 200, description = "What the import did, with the rows worth a look", body = IngestReport),
        (status = 413, description = "The file is larger than 128 MB", body = ErrorBody),
        (status = 429, description = "As many imports as this server runs at once (`MAX_CONCURRENT_IMPORTS`) are running", body = ErrorBody),
        (status = 415, description = "The body is not `text/csv`", body = ErrorBody),
        (status = 422, description = "The file cannot be read as CSV (no header, an unknown column, bad encoding), or it has more than 200,000 rows", body = ErrorBody),
    )
)]
/// `POST /api/v1/shipments/import` with a `text/csv` manifest: the report, with each bad row's
/// line, field and reason; good rows are stored.
async fn import(
    declarer: Allowed<DeclareShipments>,
    State(imports): State<ImportGate>,
    headers: HeaderMap,
    query: QueryParams,
    body: Body,
) -> Result<Json<IngestReport>, AppError> {
    require_type(&headers, "text/csv")?;
    let _turn = imports.enter()?;
    let bytes = read_in_time(&imports, &headers, body, CSV_LIMIT).await?;
    let name = query
        .first("name")
        .map(|v| v.chars().take(100).collect::<String>());
    let source = sentences::source_manifest(name.as_deref());
    let who = ingest::Submitter::of(&declarer.caller, source);
    let report = run_ingest(&declarer.state, move |pool| async move {
        ingest::import_manifest(&pool, &who, &bytes, Utc::now(), &mut |_, _| {}).await
    })
    .await?;
    Ok(Json(report))
}

/// A shipment's latest score, with each rule version that fired and what it added.
#[utoipa::path(
    get,
    path = "/shipments/{id}/score",
    params(ShipmentId),
    responses(
        (status = 200, description = "The score, explained", body = ScoreBreakdown),
        (status = 404, description = "No shipment has this id, or it has no score", body = ErrorBody),
    )
)]
/// `GET /api/v1/shipments/{id}/score`: the latest score, each rule version that fired.
async fn score(
    reader: Allowed<Read>,
    Path(id): Path<String>,
) -> Result<Json<ScoreBreakdown>, AppError> {
    let id = super::parse_id(&id, "shipment")?;
    app::shipments::db::by_id(reader.pool(), id).await?;
    Ok(Json(stats::breakdown(reader.pool(), id).await?))
}

#[derive(serde::Serialize, utoipa::ToSchema)]
struct Capacity {
    lines: Vec<CapacityLine>,
}

/// Examination capacity per port and inspection type, and the referrals waiting for it.
#[utoipa::path(
    get,
    path = "/targeting/capacity",
    params(("port" = Option<String>, Query, description = "Only this port, e.g. `YVR`")),
    responses(
        (status = 200, description = "Every limited port and type, and every one with referrals waiting", body = Capacity),
    )
)]
/// `GET /api/v1/targeting/capacity[?port=YVR]`: capacity per port and type, and what waits.
async fn capacity(reader: Allowed<Read>, query: QueryParams) -> Result<Json<Capacity>, AppError> {
    let port = query.first("port").map(str::to_ascii_uppercase);
    let lines = capacity::capacity_status(reader.pool(), port.as_deref(), Utc::now()).await?;
    Ok(Json(Capacity { lines }))
}

/// Examination capacity at one port, and the referrals waiting for it.
#[utoipa::path(
    get,
    path = "/targeting/capacity/{port}",
    params(("port" = String, Path, description = "The port's code, e.g. `YVR`")),
    responses(
        (status = 200, description = "The port's capacity per inspection type", body = Capacity),
    )
)]
async fn capacity_at(
    reader: Allowed<Read>,
    Path(port): Path<String>,
) -> Result<Json<Capacity>, AppError> {
    let port = port.to_ascii_uppercase();
    let lines = capacity::capacity_status(reader.pool(), Some(&port), Utc::now()).await?;
    Ok(Json(Capacity { lines }))
}

/// Sets a port's examination capacity for one inspection type (supervisors of the port and
/// administrators); referrals waiting are released if it frees slots.
#[utoipa::path(
    post,
    path = "/targeting/capacity/{port}",
    params(("port" = String, Path, description = "The port's code, e.g. `YVR`")),
    request_body = CapacityChange,
    responses(
        (status = 200, description = "The port's capacity as it now is", body = Capacity),
        (status = 404, description = "No port has this code", body = ErrorBody),
        (status = 422, description = "The body cannot be read, or a value is out of range; `field` names it", body = ErrorBody),
    )
)]
/// `POST /api/v1/targeting/capacity/{port}` `{"kind", "per_hour", "reason"?}`.
async fn set_capacity(
    signed: Signed,
    Path(port): Path<String>,
    JsonBody(change): JsonBody<CapacityChange>,
) -> Result<Json<Capacity>, AppError> {
    let lines =
        capacity::set_capacity(signed.pool(), &signed.caller, &port, &change, Utc::now()).await?;
    Ok(Json(Capacity { lines }))
}

/// The thresholds and rates scoring uses (rule managers).
#[utoipa::path(
    get,
    path = "/targeting/settings",
    responses(
        (status = 200, description = "The settings in force", body = Settings),
    )
)]
async fn settings(manager: Allowed<ManageRules>) -> Result<Json<Settings>, AppError> {
    Ok(Json(rules::settings(manager.pool()).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
struct SettingsChange {
    #[serde(flatten)]
    settings: Settings,
    reason: String,
}

/// Changes the thresholds and rates (rule managers): every setting, and why.
#[utoipa::path(
    post,
    path = "/targeting/settings",
    request_body = SettingsChange,
    responses(
        (status = 200, description = "The settings now in force", body = Settings),
        (status = 422, description = "The body cannot be read, a value is out of range or the reason is missing; `field` names it", body = ErrorBody),
    )
)]
/// `POST /api/v1/targeting/settings` with every setting and a `reason`.
async fn set_settings(
    signed: Signed,
    JsonBody(change): JsonBody<SettingsChange>,
) -> Result<Json<Settings>, AppError> {
    Ok(Json(
        rules::set_settings(
            signed.pool(),
            &signed.caller,
            &change.settings,
            &change.reason,
            Utc::now(),
        )
        .await?,
    ))
}

#[derive(serde::Serialize, utoipa::ToSchema)]
struct Rules {
    rules: Vec<Rule>,
}

/// Every rule at its current version (rule managers).
#[utoipa::path(
    get,
    path = "/targeting/rules",
    responses(
        (status = 200, description = "The rules", body = Rules),
    )
)]
/// `GET /api/v1/targeting/rules`: every rule at its current version.
async fn rules(manager: Allowed<ManageRules>) -> Result<Json<Rules>, AppError> {
    Ok(Json(Rules {
        rules: rules::current_rules(manager.pool()).await?,
    }))
}

#[derive(serde::Serialize, utoipa::ToSchema)]
struct RuleHistory {
    /// Newest first.
    versions: Vec<Rule>,
}

/// The path of a rule.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)]
struct RuleId {
    /// The rule's id
    id: i64,
}

/// The answer for a rule id that names none.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)]
enum NoRule {
    /// No rule has this id
    #[response(status = 404)]
    NotFound(ErrorBody),
}

/// What enabling or disabling a rule answers, besides the [`Refusals`](super::responses::Refusals).
#[derive(utoipa::IntoResponses)]
// Never built: the variants' sizes do not matter.
#[allow(dead_code, clippy::large_enum_variant)]
enum RuleSwitched {
    /// The rule
    #[response(status = 200)]
    Switched(Rule),
    /// No rule has this id
    #[response(status = 404)]
    NotFound(ErrorBody),
    /// The body cannot be read
    #[response(status = 422)]
    Invalid(ErrorBody),
}

/// Every version of one rule, newest first (rule managers).
#[utoipa::path(
    get,
    path = "/targeting/rules/{id}",
    params(RuleId),
    responses(
        (status = 200, description = "The rule's versions", body = RuleHistory),
        NoRule,
    )
)]
/// `GET /api/v1/targeting/rules/{id}`: every version of one rule, newest first.
async fn rule(
    // Read first: a path that cannot be read is a 400 whoever asks.
    Path(id): Path<String>,
    manager: Allowed<ManageRules>,
) -> Result<Json<RuleHistory>, AppError> {
    let id = super::parse_id(&id, "rule")?;
    Ok(Json(RuleHistory {
        versions: rules::rule_versions(manager.pool(), id).await?,
    }))
}

/// Creates a rule from a draft (rule managers), at version 1.
#[utoipa::path(
    post,
    path = "/targeting/rules",
    request_body = RuleDraft,
    responses(
        (status = 201, description = "The new rule", body = Rule),
        BadBody,
    )
)]
/// `POST /api/v1/targeting/rules` with a draft: 201 with the rule at version 1.
async fn create_rule(
    signed: Signed,
    JsonBody(draft): JsonBody<RuleDraft>,
) -> Result<(StatusCode, Json<Rule>), AppError> {
    let rule = rules::create_rule(signed.pool(), &signed.caller, &draft, Utc::now()).await?;
    Ok((StatusCode::CREATED, Json(rule)))
}

struct NewVersion {
    draft: RuleDraft,
    /// The version the analyst edited; a newer one refuses the edit (409).
    version: Option<i64>,
}

/// Makes a new version of a rule from a draft (rule managers); scores keep naming the version
/// that made them.
#[utoipa::path(
    post,
    path = "/targeting/rules/{id}/versions",
    params(RuleId),
    request_body(content = RuleDraft, description = "The draft's fields, and `version`: the version edited (optional; a newer one refuses the edit with 409)"),
    responses(
        (status = 201, description = "The new version", body = Rule),
        (status = 409, description = "The rule has a newer version than the one edited", body = ErrorBody),
        NoRule,
        BadBody,
    )
)]
/// `POST /api/v1/targeting/rules/{id}/versions` with a draft (and the `version` edited): 201
/// with the new version.
async fn edit_rule(
    signed: Signed,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<(StatusCode, Json<Rule>), AppError> {
    let id = super::parse_id(&id, "rule")?;
    let mut value: serde_json::Value = json(&body)?;
    let version = value
        .as_object_mut()
        .and_then(|m| m.remove("version"))
        .map(|v| {
            v.as_i64().ok_or_else(|| {
                AppError::invalid("version", td_string!(current(), api.version_invalid))
            })
        })
        .transpose()?;
    let draft: RuleDraft =
        serde_json::from_value(value).map_err(|e| AppError::invalid("body", e.to_string()))?;
    let change = NewVersion { draft, version };
    let rule = rules::edit_rule(
        signed.pool(),
        &signed.caller,
        id,
        &change.draft,
        change.version,
        Utc::now(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(rule)))
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
struct Why {
    #[serde(default)]
    reason: String,
}

async fn switch(
    signed: Signed,
    id: String,
    body: Bytes,
    enabled: bool,
) -> Result<Json<Rule>, AppError> {
    let id = super::parse_id(&id, "rule")?;
    let why: Why = json_or_default(&body)?;
    Ok(Json(
        rules::set_enabled(
            signed.pool(),
            &signed.caller,
            id,
            enabled,
            &why.reason,
            Utc::now(),
        )
        .await?,
    ))
}

/// Enables a rule (rule managers), with a reason for the journal.
#[utoipa::path(
    post,
    path = "/targeting/rules/{id}/enable",
    params(RuleId),
    request_body(content = Option<Why>, description = "`{\"reason\": \"…\"}`; may be left out"),
    responses(RuleSwitched)
)]
/// `POST /api/v1/targeting/rules/{id}/enable` `{"reason"}`.
async fn enable(
    signed: Signed,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Rule>, AppError> {
    switch(signed, id, body, true).await
}

/// Disables a rule (rule managers), with a reason for the journal.
#[utoipa::path(
    post,
    path = "/targeting/rules/{id}/disable",
    params(RuleId),
    request_body(content = Option<Why>, description = "`{\"reason\": \"…\"}`; may be left out"),
    responses(RuleSwitched)
)]
/// `POST /api/v1/targeting/rules/{id}/disable` `{"reason"}`.
async fn disable(
    signed: Signed,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Rule>, AppError> {
    switch(signed, id, body, false).await
}

/// An instant of a query: RFC 3339, or a date (its start, UTC).
fn instant(field: &str, text: &str) -> Result<DateTime<Utc>, AppError> {
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Ok(at.with_timezone(&Utc));
    }
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| d.and_utc())
        .ok_or_else(|| {
            AppError::invalid(
                field,
                td_string!(current(), api.instant_invalid, text = text).to_string(),
            )
        })
}

/// Per-rule figures over a period (selections, examinations, findings, hit rate), with random
/// selection as the baseline (rule managers).
#[utoipa::path(
    get,
    path = "/targeting/stats",
    params(
        ("from" = Option<String>, Query, description = "The period's start: a date (`2026-06-01`) or an RFC 3339 instant; 30 days ago by default"),
        ("to" = Option<String>, Query, description = "The period's end; now by default"),
        CsvFormat,
    ),
    responses(
        (status = 200, description = "The figures (JSON); or (CSV) one row per rule then one for random selection: `selection` (`rule` or `random`), `rule_id`, `name`, `enabled`, `current_version`, the figures of `stats`, and the period's `from` and `to`",
            content((StatsReport = "application/json"), (String = "text/csv")),
            headers(("content-disposition" = String, description = "In CSV: `attachment; filename=\"targeting-stats-<UTC time>.csv\"`"))),
        CsvBusy,
        (status = 422, description = "An unknown parameter, a date that cannot be read, a period longer than 366 days, or a `format` other than `csv` or `json`; `field` names it", body = ErrorBody),
    )
)]
/// `GET /api/v1/targeting/stats?from=&to=`: per rule and for random selection; the last 30
/// days by default.
async fn stats(
    manager: Allowed<ManageRules>,
    headers: HeaderMap,
    query: QueryParams,
) -> Result<Response, AppError> {
    let (format, pairs) = csv::negotiate(&headers, query.pairs())?;
    let now = Utc::now();
    let (mut from, mut to) = (now - Duration::days(30), now);
    for (key, value) in pairs {
        match key {
            "from" => from = instant("from", value)?,
            "to" => to = instant("to", value)?,
            other => {
                return Err(AppError::invalid(
                    other,
                    td_string!(current(), export.stats_parameters),
                ));
            }
        }
    }
    let report = stats::stats(manager.pool(), from, to).await?;
    Ok(match format {
        Format::Json => Json(report).into_response(),
        Format::Csv => csv::table("targeting-stats", now, &stats::table(&report)),
    })
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct Trial {
    rule: RuleDraft,
    #[serde(default = "thirty")]
    days: i64,
}

fn thirty() -> i64 {
    30
}

/// Tries a draft rule on the last days' declarations (rule managers): what it would have
/// selected, per day and port, against capacity, and the hit rate of those shipments.
#[utoipa::path(
    post,
    path = "/targeting/trial",
    request_body = Trial,
    responses(
        (status = 200, description = "What the draft would have done", body = TrialReport),
        (status = 422, description = "The body cannot be read, or a field of the draft is wrong; `field` names it", body = ErrorBody),
    )
)]
/// `POST /api/v1/targeting/trial` `{"rule": draft, "days"?: 30}`: what the draft would have
/// selected, per day and port, against capacity, and the hit rate of those shipments.
async fn trial(signed: Signed, body: Bytes) -> Result<Json<TrialReport>, AppError> {
    // The body is taken whole before the permission is checked (a body too large is a 413
    // whoever sends it), and read as JSON after.
    signed
        .caller
        .authorize(signed.pool(), Action::ManageRules, None)
        .await?;
    let trial: Trial = json(&body)?;
    Ok(Json(
        stats::trial(signed.pool(), &trial.rule, trial.days, Utc::now()).await?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::targeting::Declaration;
    use app::targeting::declaration::{FIELDS, REQUIRED};
    use std::collections::BTreeSet;

    /// The names of a struct's fields, as serde reads it.
    fn fields_of<T: serde::de::DeserializeOwned>() -> BTreeSet<String> {
        use serde::de::{Error, Visitor, value};
        struct Names(&'static [&'static str]);
        impl<'de> serde::Deserializer<'de> for &mut Names {
            type Error = value::Error;
            fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, value::Error> {
                Err(value::Error::custom("not a struct"))
            }
            fn deserialize_struct<V: Visitor<'de>>(
                self,
                _: &'static str,
                fields: &'static [&'static str],
                _: V,
            ) -> Result<V::Value, value::Error> {
                self.0 = fields;
                Err(value::Error::custom("only the names were wanted"))
            }
            serde::forward_to_deserialize_any! {
                bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
                byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map enum
                identifier ignored_any
            }
        }
        let mut names = Names(&[]);
        let _ = T::deserialize(&mut names);
        names.0.iter().map(|f| f.to_string()).collect()
    }

    /// `DeclarationIn` documents what `declaration::read` takes, which is not the stored
    /// `Declaration` itself (fields may be left out, and a value may be sent in units): its
    /// fields are every field the reader accepts, its required ones those the reader needs,
    /// and the real declaration's fields are the same but for `declared_value`. A field added
    /// to one and not the others fails here.
    #[test]
    fn the_documented_declaration_is_the_one_read_and_stored() {
        let schema =
            serde_json::to_value(<DeclarationIn as utoipa::PartialSchema>::schema()).unwrap();
        let documented: BTreeSet<String> = schema["properties"]
            .as_object()
            .expect("properties")
            .keys()
            .cloned()
            .collect();
        let read: BTreeSet<String> = FIELDS.iter().map(|f| f.to_string()).collect();
        assert_eq!(
            documented, read,
            "DeclarationIn against declaration::FIELDS"
        );
        let required: BTreeSet<String> = schema["required"]
            .as_array()
            .expect("required")
            .iter()
            .map(|f| f.as_str().unwrap().to_string())
            .collect();
        let needed: BTreeSet<String> = REQUIRED.iter().map(|f| f.to_string()).collect();
        assert_eq!(
            required, needed,
            "DeclarationIn against declaration::REQUIRED"
        );
        // `declared_value` is the other way of sending `declared_value_cents`.
        let stored: BTreeSet<String> = documented
            .into_iter()
            .filter(|f| f != "declared_value")
            .collect();
        assert_eq!(
            fields_of::<Declaration>(),
            stored,
            "DeclarationIn against app::targeting::Declaration"
        );
    }
}
