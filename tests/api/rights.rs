//! The register of requests for assistance (`/api/v1/rights-requests`), on both backends: a
//! request registered for two years and journaled with its reason in the same transaction;
//! every refusal (a wrong field, a role that may not keep the register) writing nothing;
//! matching only while in force, by whole marks, in the goods covered; renewals raced in
//! parallel extending the request once; an expired request not renewed.

use crate::helpers::{Backend, TestApp, send, spawn_app};
use app::domain::Role;
use chrono::{Days, NaiveDate, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};

fn parkas() -> Value {
    json!({
        "rights_holder": "Maple Leaf Outerwear Inc.",
        "marks": ["NORTH MAPLE", "Caribou"],
        "goods": ["6201", "64"],
        "goods_description": "Parkas and winter boots",
        "genuine_features": "A sewn-in hologram label with a serial number",
        "contact_name": "A. Tremblay",
        "contact_email": "ip@maple.example",
        "contact_phone": "+1 514 555 0100",
        "security_cents": 2_500_000,
        "reason": "Application RFA-2026-0142 accepted"
    })
}

/// Rows in the register, and journal entries about it.
async fn written(app: &TestApp) -> (i64, i64) {
    (
        app.scalar("select count(*) from rights_requests").await,
        app.scalar("select count(*) from journal where entity = 'rights_request'")
            .await,
    )
}

async fn analyst_and_officer(app: &TestApp) -> (String, String) {
    app.account("rfa.analyst", Role::Analyst, "all").await;
    app.account("rfa.officer", Role::Officer, "YYZ").await;
    (
        app.token_for("rfa.analyst").await,
        app.token_for("rfa.officer").await,
    )
}

pub async fn the_register_keeps_a_request_two_years_journaled_and_refuses_bad_input_unwritten(
    backend: Backend,
) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let (analyst, officer) = analyst_and_officer(&app).await;
    let before = written(&app).await;
    // Each fault is named by its field, in words, and writes nothing.
    let faults = [
        ("rights_holder", json!({ "rights_holder": "  " })),
        ("marks", json!({ "marks": [] })),
        ("marks", json!({ "marks": ["Caribou", "CARIBOU"] })),
        ("goods", json!({ "goods": ["620"] })),
        ("goods", json!({ "goods": ["98"] })),
        ("genuine_features", json!({ "genuine_features": "" })),
        ("contact_email", json!({ "contact_email": "ip at maple" })),
        ("contact_phone", json!({ "contact_phone": "555" })),
        ("valid_from", json!({ "valid_from": "2020-01-01" })),
        ("security_cents", json!({ "security_cents": -5 })),
        ("reason", json!({ "reason": "" })),
    ];
    for (field, change) in faults {
        let mut body = parkas();
        for (k, v) in change.as_object().unwrap() {
            body[k] = v.clone();
        }
        let (status, answer) = send(&app, &analyst, "/rights-requests", Some(body)).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}: {answer}"
        );
        assert_eq!(answer["error"]["field"], field, "{answer}");
        assert!(
            !answer["error"]["message"].as_str().unwrap_or("").is_empty(),
            "{answer}"
        );
    }
    // In French, the same refusal in French words.
    let mut body = parkas();
    body["rights_holder"] = json!("");
    let french: Value = app
        .client
        .post(app.url("/api/v1/rights-requests"))
        .bearer_auth(&analyst)
        .header("accept-language", "fr-CA")
        .json(&body)
        .send()
        .await
        .expect("request is sent")
        .json()
        .await
        .unwrap();
    assert_eq!(
        french["error"]["reason"], "Donnez le nom du titulaire des droits.",
        "{french}"
    );
    // An officer reads the register but may not keep it.
    let (status, answer) = send(&app, &officer, "/rights-requests", Some(parkas())).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{answer}");
    assert_eq!(written(&app).await, before, "refusals write nothing");

    let (status, registered) = send(&app, &analyst, "/rights-requests", Some(parkas())).await;
    assert_eq!(status, StatusCode::CREATED, "{registered}");
    let today = Utc::now().date_naive();
    let last: NaiveDate = registered["valid_to"].as_str().unwrap().parse().unwrap();
    assert_eq!(registered["valid_from"], today.to_string());
    assert_eq!(last, app::rights::period_end(today));
    assert!(last > today.checked_add_days(Days::new(729)).unwrap());
    assert_eq!(registered["version"], 1);
    assert_eq!(registered["registered_by"], "rfa.analyst");
    assert_eq!(written(&app).await, (before.0 + 1, before.1 + 1));
    let id = registered["id"].as_i64().unwrap();
    let journaled = app
        .scalar(&format!(
            "select count(*) from journal where entity = 'rights_request' and entity_id = '{id}' \
             and action = 'registered' and actor = 'rfa.analyst' \
             and reason = 'Application RFA-2026-0142 accepted'"
        ))
        .await;
    assert_eq!(journaled, 1, "who, what and why");

    let (status, register) = send(&app, &officer, "/rights-requests", None).await;
    assert_eq!(status, StatusCode::OK);
    let listed = register.as_array().unwrap();
    // The demo's four requests and this one, those in force first: the demo's expired one last.
    assert_eq!(listed.len(), 5, "{register}");
    let mine = listed
        .iter()
        .find(|r| r["id"] == id)
        .expect("the request is listed");
    assert_eq!(mine["marks"], json!(["NORTH MAPLE", "Caribou"]));
    assert_eq!(
        mine["genuine_features"],
        "A sewn-in hologram label with a serial number"
    );
    let last_day = |r: &Value| {
        r["valid_to"]
            .as_str()
            .unwrap()
            .parse::<NaiveDate>()
            .unwrap()
    };
    let expired = listed.iter().filter(|r| last_day(r) < today).count();
    assert_eq!(expired, 1, "the demo's expired request");
    assert!(last_day(listed.last().unwrap()) < today, "{register}");
}

pub async fn a_request_matches_declarations_only_while_in_force(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let (analyst, officer) = analyst_and_officer(&app).await;
    let start = Utc::now()
        .date_naive()
        .checked_add_days(Days::new(10))
        .unwrap();
    let mut body = parkas();
    body["valid_from"] = json!(start);
    let (status, registered) = send(&app, &analyst, "/rights-requests", Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{registered}");
    let last = app::rights::period_end(start);
    let matched = |description: &str, hs: &str, on: NaiveDate| {
        let path = format!(
            "/rights-requests/matching?description={}&hs_code={hs}&on={on}",
            description.replace(' ', "+")
        );
        let (app, officer) = (&app, &officer);
        async move {
            let (status, found) = send(app, officer, &path, None).await;
            assert_eq!(status, StatusCode::OK, "{found}");
            found
                .as_array()
                .unwrap()
                .iter()
                .flat_map(|m| m["marks"].as_array().unwrap().clone())
                .map(|m| m.as_str().unwrap().to_string())
                .collect::<Vec<_>>()
        }
    };
    let parka = "Men's parka, north-maple label";
    assert!(
        matched(parka, "6201.40", start.pred_opt().unwrap())
            .await
            .is_empty(),
        "not yet"
    );
    assert_eq!(matched(parka, "6201.40", start).await, ["NORTH MAPLE"]);
    assert_eq!(
        matched(parka, "620140", last).await,
        ["NORTH MAPLE"],
        "its last day"
    );
    assert!(
        matched(parka, "6201.40", last.succ_opt().unwrap())
            .await
            .is_empty(),
        "expired"
    );
    assert!(
        matched(parka, "8471.30", start).await.is_empty(),
        "goods not covered"
    );
    assert!(
        matched("Caribouville maple tea", "6403.99", start)
            .await
            .is_empty(),
        "whole words"
    );
    assert_eq!(
        matched("CARIBOU snow boots", "6403.99", start).await,
        ["Caribou"]
    );
    let (status, refused) = send(
        &app,
        &officer,
        "/rights-requests/matching?description=parka&hs_code=6201&on=tomorrow",
        None,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused["error"]["field"], "on");
    for (query, field, message) in [
        (
            "hs_code=6201",
            "description",
            "Give the goods' description as declared.",
        ),
        (
            "description=parka&hs_code=+",
            "hs_code",
            "Give the declared HS code.",
        ),
    ] {
        let path = format!("/rights-requests/matching?{query}");
        let (status, refused) = send(&app, &officer, &path, None).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
        assert_eq!(refused["error"]["field"], field, "{query}");
        assert_eq!(refused["error"]["reason"], message, "{query}");
    }
}

pub async fn renewals_sent_together_extend_a_request_once(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let (analyst, officer) = analyst_and_officer(&app).await;
    let (_, registered) = send(&app, &analyst, "/rights-requests", Some(parkas())).await;
    let id = registered["id"].as_i64().unwrap();
    let first_end: NaiveDate = registered["valid_to"].as_str().unwrap().parse().unwrap();
    let path = format!("/rights-requests/{id}/renew");
    let renewal = json!({ "version": 1, "reason": "Renewal asked by the rights holder" });
    let (status, _) = send(&app, &officer, &path, Some(renewal.clone())).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, answer) = send(
        &app,
        &analyst,
        &path,
        Some(json!({ "version": 1, "reason": " " })),
    )
    .await;
    assert_eq!(
        (status, answer["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("reason"))
    );
    let before = written(&app).await;

    let sent = (0..8).map(|_| send(&app, &analyst, &path, Some(renewal.clone())));
    let answers = futures_util::future::join_all(sent).await;
    let renewed: Vec<&Value> = answers
        .iter()
        .filter(|(s, _)| *s == StatusCode::OK)
        .map(|(_, a)| a)
        .collect();
    let conflicts = answers
        .iter()
        .filter(|(s, _)| *s == StatusCode::CONFLICT)
        .count();
    assert_eq!((renewed.len(), conflicts), (1, 7), "{answers:?}");
    let new_end: NaiveDate = renewed[0]["valid_to"].as_str().unwrap().parse().unwrap();
    assert_eq!(
        new_end,
        app::rights::period_end(first_end.succ_opt().unwrap())
    );
    assert_eq!(renewed[0]["version"], 2);
    assert_eq!(
        written(&app).await,
        (before.0, before.1 + 1),
        "one renewal journaled"
    );

    // A request whose last day has passed is registered again, not renewed.
    sqlx::query("update rights_requests set valid_from = $1, valid_to = $2 where id = $3")
        .bind("2023-01-01")
        .bind("2024-12-31")
        .bind(id)
        .execute(&app.db.pool)
        .await
        .unwrap();
    let (status, answer) = send(
        &app,
        &analyst,
        &path,
        Some(json!({ "version": 2, "reason": "Late renewal" })),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{answer}");
    assert!(
        answer["error"]["message"]
            .as_str()
            .unwrap()
            .contains("2024-12-31"),
        "{answer}"
    );
    assert_eq!(written(&app).await, (before.0, before.1 + 1));
    let (status, _) = send(&app, &analyst, "/rights-requests/0/renew", Some(renewal)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

/// A declaration of parkas: `description` from `origin`, arriving `eta_days` from now, for an
/// importer never seen (15 points of the demo's first-time importer rule).
fn parkas_declared(serial: u32, description: &str, origin: &str, eta_days: i64) -> Value {
    let mut d = crate::helpers::declaration(
        &crate::helpers::awb(serial),
        "YYZ",
        &crate::helpers::importer(),
    );
    d["description"] = json!(description);
    d["hs_code"] = json!("6201.40");
    d["origin_country"] = json!(origin);
    d["origin_location"] = json!(if origin == "VN" { "SGN" } else { "CDG" });
    d["eta"] = json!((Utc::now() + chrono::Duration::days(eta_days)).to_rfc3339());
    d
}

pub async fn a_declaration_under_a_request_is_detained_and_its_score_names_the_request(
    backend: Backend,
) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let (analyst, _) = analyst_and_officer(&app).await;
    app.account("rfa.supervisor", Role::Supervisor, "all").await;
    let supervisor = app.token_for("rfa.supervisor").await;
    let (status, body) = send(
        &app,
        &analyst,
        "/targeting/settings",
        Some(
            json!({"random_rate_bp": 0, "yellow_at": 30, "red_at": 60, "rfi_at": 30,
                    "rfs_at": 60, "dnl_at": 90, "trusted_credit": 20,
                    "reason": "the rules alone decide"}),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // The register: parkas now, and a second request that takes effect in 30 days.
    let (status, now_in_force) = send(&app, &analyst, "/rights-requests", Some(parkas())).await;
    assert_eq!(status, StatusCode::CREATED, "{now_in_force}");
    let mut later = parkas();
    later["rights_holder"] = json!("Polar Fox Apparel Ltd.");
    later["marks"] = json!(["POLAR FOX"]);
    later["valid_from"] = json!((Utc::now().date_naive() + Days::new(30)).to_string());
    let (status, later) = send(&app, &analyst, "/rights-requests", Some(later)).await;
    assert_eq!(status, StatusCode::CREATED, "{later}");

    // A rule on the register, for goods from Viet Nam: a country not given by its code is
    // refused by its field, and nothing is written.
    let rule = |countries: Value| {
        json!({"name": "Parkas under a request", "weight": 50,
               "indicator": {"kind": "rights_request", "countries": countries},
               "reason": "Counterfeit parkas have come from there.",
               "instructions": "Compare the labels with the request.",
               "inspection": "physical"})
    };
    let rules_before = app.scalar("select count(*) from rules").await;
    let (status, refused) = send(
        &app,
        &analyst,
        "/targeting/rules",
        Some(rule(json!(["Viet Nam"]))),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(refused["error"]["field"], "indicator.countries");
    assert_eq!(app.scalar("select count(*) from rules").await, rules_before);
    let (status, created) = send(
        &app,
        &analyst,
        "/targeting/rules",
        Some(rule(json!(["VN"]))),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let rule_id = created["id"].as_i64().unwrap();

    let declare = |body: Value| {
        let (app, supervisor) = (&app, &supervisor);
        async move {
            let (status, item) = send(app, supervisor, "/shipments", Some(body)).await;
            assert_eq!(status, StatusCode::CREATED, "{item}");
            item
        }
    };
    // The mark, the goods, the route, in force: 50 + 15, red, detained for the rights holder.
    let item = declare(parkas_declared(
        3_000_001,
        "Men's parkas, North Maple label",
        "VN",
        1,
    ))
    .await;
    assert_eq!(item["score"], 65, "{item}");
    assert_eq!(item["lane"], "red");
    let shipment = item["shipment_id"].as_i64().unwrap();
    let (_, detail) = send(&app, &analyst, &format!("/shipments/{shipment}"), None).await;
    assert_eq!(
        detail["holds"][0]["reason"], "intellectual_property",
        "{detail}"
    );
    assert_eq!(detail["inspections"][0]["kind"], "physical");
    let request_id = now_in_force["id"].as_i64().unwrap();
    let notes = detail["holds"][0]["notes"].as_str().unwrap();
    assert!(
        notes.contains(&format!(
            "request for assistance {request_id}, Maple Leaf Outerwear Inc."
        )),
        "{notes}"
    );
    let (_, score) = send(
        &app,
        &analyst,
        &format!("/shipments/{shipment}/score"),
        None,
    )
    .await;
    let line = score["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["rule_id"] == rule_id)
        .unwrap_or_else(|| panic!("the rule fired: {score}"))
        .clone();
    assert_eq!(line["kind"], "rights_request");
    assert_eq!(line["rights_request"]["id"], request_id);
    assert_eq!(
        line["rights_request"]["rights_holder"],
        "Maple Leaf Outerwear Inc."
    );
    assert_eq!(line["rights_request"]["marks"], json!(["NORTH MAPLE"]));
    assert_eq!(line["rights_request"]["valid_to"], now_in_force["valid_to"]);

    // Not on the rule's route; no mark named; a request not yet in force when the goods
    // arrive: the rule does not fire, and the importer's first shipment alone is green.
    for (serial, description, origin, eta_days) in [
        (3_000_002, "Men's parkas, North Maple label", "FR", 1),
        (3_000_003, "Men's parkas, Maplewood label", "VN", 1),
        (3_000_004, "Women's parkas, POLAR FOX", "VN", 1),
    ] {
        let item = declare(parkas_declared(serial, description, origin, eta_days)).await;
        assert_eq!(item["score"], 15, "{description} from {origin}: {item}");
        assert!(item["hold_id"].is_null(), "{item}");
    }
    // The same parkas arriving once the second request is in force.
    let item = declare(parkas_declared(
        3_000_005,
        "Women's parkas, POLAR FOX",
        "VN",
        31,
    ))
    .await;
    assert_eq!(item["score"], 65, "{item}");
    let shipment = item["shipment_id"].as_i64().unwrap();
    let (_, score) = send(
        &app,
        &analyst,
        &format!("/shipments/{shipment}/score"),
        None,
    )
    .await;
    let named: Vec<&Value> = score["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| &l["rights_request"]["id"])
        .filter(|id| !id.is_null())
        .collect();
    assert_eq!(named, [&later["id"]], "{score}");
}
