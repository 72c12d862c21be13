//! Seizure reports for partner administrations (`POST /api/v1/seizures/reports`), on both
//! backends: the WCO-style fields of a seizure made through the API, the parties left out unless
//! chosen, each export journaled with its choice in the same transaction, every refusal
//! writing nothing, a supervisor held to their ports, and exports raced in parallel each
//! journaled once.

use crate::helpers::{Backend, TestApp, awb, declaration, importer, spawn_app_with};
use app::domain::Role;
use app::seizures::SeizureReport;
use chrono::{Days, Utc};
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::{Value, json};

const PORT: &str = "YYZ";
const PARTNER: &str = "U.S. Customs and Border Protection";

/// The answer's status, headers and body.
async fn send(app: &TestApp, token: &str, body: Value) -> (StatusCode, HeaderMap, String) {
    let response = app
        .client
        .post(app.url("/api/v1/seizures/reports"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .expect("request is sent");
    let (status, headers) = (response.status(), response.headers().clone());
    (status, headers, response.text().await.unwrap_or_default())
}

async fn post(app: &TestApp, token: &str, body: Value) -> (StatusCode, String) {
    let (status, _, text) = send(app, token, body).await;
    (status, text)
}

/// The answer's headers and body, for a request that succeeds.
async fn post_for_headers(app: &TestApp, token: &str, body: Value) -> (HeaderMap, String) {
    let (status, headers, text) = send(app, token, body).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    (headers, text)
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .unwrap_or_else(|| panic!("{name} is sent"))
        .to_str()
        .unwrap()
}

async fn post_json(app: &TestApp, token: &str, body: Value, status: StatusCode) -> Value {
    let (got, text) = post(app, token, body.clone()).await;
    assert_eq!(got, status, "{body} → {text}");
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

async fn exports_journaled(app: &TestApp) -> i64 {
    app.scalar("select count(*) from journal where entity = 'seizure_report'")
        .await
}

/// A shipment declared at `PORT` by `supervisor` (one no rule holds: a new importer's
/// laptops), then held, put forward and approved for seizure through the API: the hold's id and
/// the shipment's. Declared by the test rather than picked among the demo's, whose shipments at
/// the border at a given moment depend on the time of day the test runs.
async fn seized(app: &TestApp, officer: &str, supervisor: &str) -> (i64, i64) {
    let declared = app
        .client
        .post(app.url("/api/v1/shipments"))
        .bearer_auth(supervisor)
        .json(&declaration(&awb(4_200_017), PORT, &importer()))
        .send()
        .await
        .expect("request is sent");
    assert_eq!(declared.status(), StatusCode::CREATED);
    let declared: Value = declared.json().await.unwrap();
    assert!(
        declared["hold_id"].is_null(),
        "no rule holds it: {declared}"
    );
    let shipment = declared["shipment_id"].as_i64().expect("a shipment");
    let act = |token: &str, path: String, body: Value| {
        let request = app
            .client
            .post(app.url(&format!("/api/v1{path}")))
            .bearer_auth(token)
            .json(&body);
        async move {
            let response = request.send().await.expect("request is sent");
            let status = response.status();
            let body: Value = response.json().await.unwrap_or(Value::Null);
            assert!(status.is_success(), "{path}: {status} {body}");
            body
        }
    };
    let hold = act(
        officer,
        "/holds".into(),
        json!({ "shipment_id": shipment, "reason": "intelligence" }),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    act(
        officer,
        format!("/holds/{hold}/seizure"),
        json!({ "reason": "cocaine in the pallets" }),
    )
    .await;
    act(
        supervisor,
        format!("/holds/{hold}/seizure/approve"),
        json!({}),
    )
    .await;
    (hold, shipment)
}

pub async fn a_seizure_report_carries_its_fields_and_the_parties_only_when_chosen(
    backend: Backend,
) {
    let Some(app) = spawn_app_with(backend, 600).await else {
        return;
    };
    for (name, role, ports) in [
        ("r.officer", Role::Officer, PORT),
        ("r.supervisor", Role::Supervisor, PORT),
        ("r.analyst", Role::Analyst, "all"),
        ("r.yvr", Role::Supervisor, "YVR"),
    ] {
        app.account(name, role, ports).await;
    }
    let officer = app.token_for("r.officer").await;
    let supervisor = app.token_for("r.supervisor").await;
    let analyst = app.token_for("r.analyst").await;
    let yvr = app.token_for("r.yvr").await;
    let (hold, shipment) = seized(&app, &officer, &supervisor).await;
    let declared = app
        .get_json(&format!("/api/v1/shipments/{shipment}"), 200)
        .await;
    let declared = &declared["shipment"];

    // One seizure, without personal data.
    let one = json!({ "seizure_id": hold, "partner": PARTNER, "reason": "Joint operation Pallet" });
    let before = exports_journaled(&app).await;
    let export = post_json(&app, &supervisor, one.clone(), StatusCode::OK).await;
    assert_eq!(export["partner"], PARTNER);
    assert_eq!(export["personal_data"], false);
    let seizures = export["seizures"].as_array().unwrap();
    assert_eq!(seizures.len(), 1);
    let report: SeizureReport = serde_json::from_value(seizures[0].clone()).unwrap();
    assert_eq!(report.seizure_id, hold);
    assert_eq!(report.country, "CA");
    assert_eq!(report.port_code, PORT);
    assert_eq!(report.destination_port, PORT);
    assert_eq!(report.mode.code(), declared["mode"].as_str().unwrap());
    assert_eq!(
        report.goods_description,
        declared["description"].as_str().unwrap()
    );
    assert_eq!(report.hs_code, declared["hs_code"].as_str().unwrap());
    assert_eq!(report.pieces, declared["pieces"].as_i64().unwrap());
    assert_eq!(
        report.origin_country,
        declared["origin_country"].as_str().unwrap()
    );
    assert_eq!(report.reference, declared["reference"].as_str().unwrap());
    assert_eq!(report.detection_method.code(), "intelligence");
    assert!(report.concealment.is_none());
    assert!((Utc::now() - report.seized_at).num_minutes() < 5);
    assert!(
        seizures[0]["parties"].is_null(),
        "no personal data unless chosen"
    );
    // Journaled once, with the choice, in the same transaction as the read.
    assert_eq!(exports_journaled(&app).await, before + 1);
    let seq = export["journal_seq"].as_i64().unwrap();
    let choice: String = sqlx::query_scalar(
        "select after_json from journal where seq = $1 and entity = 'seizure_report' \
         and action = 'exported' and reason = 'Joint operation Pallet' and actor = 'r.supervisor'",
    )
    .bind(seq)
    .fetch_one(&app.db.pool)
    .await
    .expect("the export's journal entry");
    let choice: Value = serde_json::from_str(&choice).unwrap();
    assert_eq!(choice["personal_data"], false);
    assert_eq!(choice["partner"], PARTNER);
    assert_eq!(choice["seizure_ids"], json!([hold]));

    // With the parties, chosen: their names as declared, and the choice journaled.
    let mut named = one.clone();
    named["personal_data"] = json!(true);
    let export = post_json(&app, &supervisor, named, StatusCode::OK).await;
    assert_eq!(export["personal_data"], true);
    let parties = &export["seizures"][0]["parties"];
    assert_eq!(parties["shipper_name"], declared["shipper_name"]);
    assert_eq!(parties["consignee_name"], declared["consignee_name"]);
    assert_eq!(parties["importer_name"], declared["importer_name"]);
    let chosen: String = sqlx::query_scalar("select after_json from journal where seq = $1")
        .bind(export["journal_seq"].as_i64().unwrap())
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(
        serde_json::from_str::<Value>(&chosen).unwrap()["personal_data"],
        true
    );

    // Every refusal says why and writes no export.
    let before = exports_journaled(&app).await;
    let not_seized = app
        .scalar("select min(id) from holds where status <> 'seized'")
        .await;
    let today = Utc::now().date_naive();
    for (token, body, status, field) in [
        (&officer, one.clone(), StatusCode::FORBIDDEN, None),
        (&yvr, one.clone(), StatusCode::FORBIDDEN, None),
        (
            &supervisor,
            json!({ "seizure_id": hold, "partner": PARTNER }),
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("reason"),
        ),
        (
            &supervisor,
            json!({ "seizure_id": hold, "reason": "why" }),
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("partner"),
        ),
        (
            &supervisor,
            json!({ "seizure_id": hold, "from": today, "to": today, "partner": PARTNER, "reason": "why" }),
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("seizure_id"),
        ),
        (
            &analyst,
            json!({ "from": today, "to": today - Days::new(1), "partner": PARTNER, "reason": "why" }),
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("to"),
        ),
        (
            &analyst,
            json!({ "from": today - Days::new(400), "to": today, "partner": PARTNER, "reason": "why" }),
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("to"),
        ),
        (
            &analyst,
            json!({ "seizure_id": not_seized, "partner": PARTNER, "reason": "why" }),
            StatusCode::NOT_FOUND,
            None,
        ),
        (
            &analyst,
            json!({ "seizure_id": 1, "partner": PARTNER, "reason": "why", "recipients": "all" }),
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("body"),
        ),
    ] {
        let answer = post_json(&app, token, body.clone(), status).await;
        if let Some(field) = field {
            assert_eq!(answer["error"]["field"], field, "{body}");
        }
        assert!(
            !answer["error"]["message"]
                .as_str()
                .unwrap_or_default()
                .is_empty(),
            "{body}: says why"
        );
    }
    let viewer = app
        .client
        .post(app.url("/api/v1/seizures/reports"))
        .json(&one);
    assert_eq!(
        viewer.send().await.unwrap().status(),
        StatusCode::FORBIDDEN,
        "a viewer"
    );
    assert_eq!(
        exports_journaled(&app).await,
        before,
        "refusals export nothing"
    );

    // A period in CSV: every seizure of the fortnight at every port for the analyst, the
    // parties' columns empty; the YVR supervisor's holds only YVR's.
    let from = today - Days::new(14);
    let period = json!({ "from": from, "to": today, "partner": PARTNER, "reason": "Monthly sharing", "format": "csv" });
    let (status, csv) = post(&app, &analyst, period.clone()).await;
    assert_eq!(status, StatusCode::OK, "{csv}");
    let csv = csv.trim_start_matches('\u{feff}');
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        <SeizureReport as app::export::CsvRecord>::COLUMNS.join(",")
    );
    let start = app::domain::clock::to_millis(from.and_hms_opt(0, 0, 0).unwrap().and_utc());
    let in_period =
        format!("select count(*) from holds where status = 'seized' and resolved_at >= {start}");
    let all = app.scalar(&in_period).await;
    assert!(all >= 1);
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len() as i64, all, "one row a seizure");
    let shipper = declared["shipper_name"].as_str().unwrap();
    assert!(!csv.contains(shipper), "no personal data in the file");
    // Either format names its file, how many seizures it holds and the entry that records it.
    for (format, extension) in [("csv", ".csv\""), ("json", ".json\"")] {
        let mut request = period.clone();
        request["format"] = json!(format);
        let (headers, body) = post_for_headers(&app, &analyst, request).await;
        let disposition = header(&headers, "content-disposition");
        assert!(
            disposition.starts_with("attachment; filename=\"seizures-")
                && disposition.ends_with(extension),
            "{disposition}"
        );
        assert_eq!(header(&headers, "x-seizure-count"), all.to_string());
        let last: i64 = app
            .scalar("select max(seq) from journal where entity = 'seizure_report'")
            .await;
        assert_eq!(header(&headers, "x-journal-seq"), last.to_string());
        if format == "json" {
            let export: Value = serde_json::from_str(&body).unwrap();
            assert_eq!(export["journal_seq"], last);
        }
    }
    let export = post_json(
        &app,
        &yvr,
        json!({ "from": from, "to": today, "partner": PARTNER, "reason": "Monthly sharing" }),
        StatusCode::OK,
    )
    .await;
    let at_yvr = app
        .scalar(&format!("{in_period} and port_code = 'YVR'"))
        .await;
    let seizures = export["seizures"].as_array().unwrap();
    assert_eq!(seizures.len() as i64, at_yvr);
    assert!(seizures.iter().all(|s| s["port_code"] == "YVR"));

    // Raced: sixteen exports at once, each answered and journaled once.
    let before = exports_journaled(&app).await;
    let answers =
        futures_util::future::join_all((0..16).map(|_| post(&app, &analyst, period.clone()))).await;
    assert!(answers.iter().all(|(status, _)| *status == StatusCode::OK));
    assert_eq!(exports_journaled(&app).await, before + 16);
}
