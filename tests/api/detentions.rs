//! Goods detained for a rights holder (`/api/v1/holds/{id}/detention`, `/api/v1/detentions`),
//! on both backends: the notice opens the detention with its deadline (10 working days at the
//! port, 5 days for perishable goods), once per hold even when sent twice at once; the charges
//! run from the day after; the one extension; each outcome and what it does to the hold, in
//! the same transaction; refusals that write nothing; the notice as a bilingual PDF.

use crate::helpers::{Backend, TestApp, awb, declaration, importer, send, spawn_app};
use app::domain::Role;
use app::domain::calendar::working_days_after;
use chrono::{Duration, NaiveDate, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// The port's day now at YVR.
fn yvr_today() -> NaiveDate {
    app::detentions::port_day(Utc::now(), "America/Vancouver")
}

struct Scene {
    supervisor: String,
    officer: String,
    viewer: String,
    request_id: i64,
    expired_id: i64,
}

async fn scene(app: &TestApp) -> Scene {
    app.account("d.analyst", Role::Analyst, "all").await;
    app.account("d.officer", Role::Officer, "YVR").await;
    app.account("d.viewer", Role::Viewer, "all").await;
    app.account("d.supervisor", Role::Supervisor, "all").await;
    let analyst = app.token_for("d.analyst").await;
    let (status, request) = send(
        app,
        &analyst,
        "/rights-requests",
        Some(json!({
            "rights_holder": "Maison Beaulieu SA",
            "marks": ["BEAULIEU"],
            "goods": ["4202", "03"],
            "goods_description": "Handbags; and a seafood brand",
            "genuine_features": "A serial number stamped inside",
            "contact_name": "C. Roy",
            "contact_email": "ip@beaulieu.example",
            "contact_phone": "+1 514 555 0199",
            "security_cents": 1_000_000,
            "reason": "Application accepted"
        })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{request}");
    let expired_id = app
        .scalar(&format!(
            "select min(id) from rights_requests where valid_to < '{}'",
            Utc::now().date_naive()
        ))
        .await;
    assert!(expired_id > 0, "the demo has an expired request");
    Scene {
        supervisor: app.token_for("d.supervisor").await,
        officer: app.token_for("d.officer").await,
        viewer: app.token_for("d.viewer").await,
        request_id: request["id"].as_i64().unwrap(),
        expired_id,
    }
}

/// Declares goods at YVR and places a hold of `reason` on them; the hold's number.
async fn held(app: &TestApp, s: &Scene, serial: u32, hs: &str, reason: &str) -> i64 {
    let (supervisor, officer) = (&s.supervisor, &s.officer);
    let mut body = declaration(&awb(serial), "YVR", &importer());
    body["hs_code"] = json!(hs);
    body["description"] = json!("Goods marked BEAULIEU");
    let (status, item) = send(app, supervisor, "/shipments", Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{item}");
    let shipment = item["shipment_id"].as_i64().unwrap();
    let (status, hold) = send(
        app,
        officer,
        "/holds",
        Some(json!({"shipment_id": shipment, "reason": reason, "notes": "labels look wrong"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{hold}");
    hold["id"].as_i64().unwrap()
}

async fn notice(app: &TestApp, token: &str, hold: i64, request: i64) -> (StatusCode, Value) {
    send(
        app,
        token,
        &format!("/holds/{hold}/detention"),
        Some(json!({"request_id": request, "daily_charge_cents": 5_000})),
    )
    .await
}

async fn change(
    app: &TestApp,
    token: &str,
    view: &Value,
    what: &str,
    outcome: Option<&str>,
) -> (StatusCode, Value) {
    let d = &view["detention"];
    let mut body = json!({"version": d["version"], "reason": "letter from the rights holder"});
    if let Some(outcome) = outcome {
        body["outcome"] = json!(outcome);
    }
    send(
        app,
        token,
        &format!("/detentions/{}/{what}", d["id"]),
        Some(body),
    )
    .await
}

async fn hold_status(app: &TestApp, token: &str, hold: i64) -> String {
    let (_, hold) = send(app, token, &format!("/holds/{hold}"), None).await;
    hold["status"].as_str().unwrap().to_string()
}

pub async fn a_detention_runs_from_its_notice_to_each_outcome(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let s = scene(&app).await;
    let today = yvr_today();

    // The notice opens the detention: ten working days at the port, charges from tomorrow.
    let hold = held(&app, &s, 4_100_001, "4202.21", "intellectual_property").await;
    let (status, opened) = notice(&app, &s.officer, hold, s.request_id).await;
    assert_eq!(status, StatusCode::CREATED, "{opened}");
    let d = &opened["detention"];
    assert_eq!(d["notice_day"], today.to_string());
    assert_eq!(
        d["deadline_day"],
        working_days_after(today, 10).to_string(),
        "{opened}"
    );
    assert_eq!(d["perishable"], false);
    assert_eq!(opened["clock"], json!({"state": "running", "left": 10}));
    assert_eq!(opened["charged_days"], 0);
    let id = d["id"].as_i64().unwrap();
    assert_eq!(
        app.scalar(&format!(
            "select count(*) from journal where entity = 'detention' and entity_id = '{id}' \
             and action = 'notice_sent' and actor = 'd.officer'"
        ))
        .await,
        1
    );

    // While it runs, the hold's own actions do not move the goods.
    for (action, body) in [
        ("release", json!({"reason": "documents received"})),
        ("seizure", json!({"reason": "counterfeit"})),
    ] {
        let (status, refused) = send(
            &app,
            &s.officer,
            &format!("/holds/{hold}/{action}"),
            Some(body),
        )
        .await;
        assert_eq!(status, StatusCode::CONFLICT, "{action}: {refused}");
        assert!(
            refused["error"]["message"]
                .as_str()
                .unwrap()
                .contains(&format!("detention {id}")),
            "{refused}"
        );
    }
    assert_eq!(hold_status(&app, &s.officer, hold).await, "placed");

    // Three days later, three days charged to the rights holder.
    let back = (today - Duration::days(3)).to_string();
    app.scalar(&format!(
        "update detentions set notice_day = '{back}' where id = {id} returning id"
    ))
    .await;
    let (_, read) = send(&app, &s.viewer, &format!("/detentions/{id}"), None).await;
    assert_eq!(read["charged_days"], 3, "{read}");
    assert_eq!(read["charges_cents"], 15_000);

    // The one extension: ten working days more, and not twice.
    let deadline: NaiveDate = d["deadline_day"].as_str().unwrap().parse().unwrap();
    let (status, extended) = change(&app, &s.officer, &read, "extend", None).await;
    assert_eq!(status, StatusCode::OK, "{extended}");
    assert_eq!(
        extended["detention"]["deadline_day"],
        working_days_after(deadline, 10).to_string()
    );
    let (status, again) = change(&app, &s.officer, &extended, "extend", None).await;
    assert_eq!(status, StatusCode::CONFLICT, "{again}");

    // A stale version is refused, and nothing changes.
    let (status, stale) = change(&app, &s.officer, &read, "outcome", Some("seized")).await;
    assert_eq!(status, StatusCode::CONFLICT, "{stale}");
    assert_eq!(hold_status(&app, &s.officer, hold).await, "placed");

    // Proceedings keep the goods held; the court's end then asks for their seizure, and the
    // hold and the detention move in one transaction, both journaled.
    let (status, court) = change(&app, &s.officer, &extended, "outcome", Some("proceedings")).await;
    assert_eq!(status, StatusCode::OK, "{court}");
    assert_eq!(court["clock"]["state"], "stopped");
    assert_eq!(hold_status(&app, &s.officer, hold).await, "placed");
    let (status, no) = change(&app, &s.officer, &court, "outcome", Some("no_action")).await;
    assert_eq!(status, StatusCode::CONFLICT, "{no}");
    let (status, seized) = change(&app, &s.officer, &court, "outcome", Some("seized")).await;
    assert_eq!(status, StatusCode::OK, "{seized}");
    assert_eq!(seized["detention"]["outcome"], "seized");
    assert_eq!(seized["detention"]["charges_end_day"], today.to_string());
    assert_eq!(
        hold_status(&app, &s.officer, hold).await,
        "seizure_requested"
    );
    let (status, after) = change(&app, &s.officer, &seized, "outcome", Some("abandoned")).await;
    assert_eq!(status, StatusCode::CONFLICT, "{after}");

    // Not counterfeit, and no action after the deadline: both release the goods.
    for (serial, outcome, late) in [
        (4_100_002, "not_counterfeit", false),
        (4_100_003, "no_action", true),
        (4_100_004, "abandoned", false),
    ] {
        let hold = held(&app, &s, serial, "4202.21", "intellectual_property").await;
        let (status, opened) = notice(&app, &s.officer, hold, s.request_id).await;
        assert_eq!(status, StatusCode::CREATED, "{opened}");
        let id = opened["detention"]["id"].as_i64().unwrap();
        let mut view = opened;
        if late {
            let yesterday = (today - Duration::days(1)).to_string();
            let before = (today - Duration::days(15)).to_string();
            app.scalar(&format!(
                "update detentions set notice_day = '{before}', deadline_day = '{yesterday}' \
                 where id = {id} returning id"
            ))
            .await;
            let (_, read) = send(&app, &s.officer, &format!("/detentions/{id}"), None).await;
            assert_eq!(read["clock"]["state"], "passed", "{read}");
            let (status, late) =
                change(&app, &s.officer, &read, "outcome", Some("proceedings")).await;
            assert_eq!(status, StatusCode::CONFLICT, "{late}");
            let (status, late) = change(&app, &s.officer, &read, "extend", None).await;
            assert_eq!(status, StatusCode::CONFLICT, "{late}");
            view = read;
        }
        let (status, ended) = change(&app, &s.officer, &view, "outcome", Some(outcome)).await;
        assert_eq!(status, StatusCode::OK, "{ended}");
        let expected = if outcome == "abandoned" {
            "seizure_requested"
        } else {
            "released"
        };
        assert_eq!(
            hold_status(&app, &s.officer, hold).await,
            expected,
            "{outcome}"
        );
        assert_eq!(
            app.scalar(&format!(
                "select count(*) from journal where entity = 'detention' and entity_id = '{id}' \
                 and action = '{outcome}' and reason = 'letter from the rights holder'"
            ))
            .await,
            1
        );
    }
}

pub async fn perishable_goods_have_five_days_and_no_extension(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let s = scene(&app).await;
    let hold = held(&app, &s, 4_200_001, "0306.17", "intellectual_property").await;
    let (status, opened) = notice(&app, &s.officer, hold, s.request_id).await;
    assert_eq!(status, StatusCode::CREATED, "{opened}");
    assert_eq!(opened["detention"]["perishable"], true);
    assert_eq!(
        opened["detention"]["deadline_day"],
        (yvr_today() + Duration::days(5)).to_string()
    );
    assert_eq!(opened["clock"], json!({"state": "running", "left": 5}));
    assert_eq!(opened["may_extend"], false);
    let (status, refused) = change(&app, &s.officer, &opened, "extend", None).await;
    assert_eq!(status, StatusCode::CONFLICT, "{refused}");
    assert!(
        refused["error"]["message"]
            .as_str()
            .unwrap()
            .contains("five days"),
        "{refused}"
    );
}

pub async fn a_notice_is_sent_once_and_refusals_write_nothing(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let s = scene(&app).await;
    let count = || app.scalar("select count(*) from detentions");
    let journaled = || app.scalar("select count(*) from journal where entity = 'detention'");

    // Two notices for one hold at once: one counts.
    let hold = held(&app, &s, 4_300_001, "4202.21", "intellectual_property").await;
    let (a, b) = tokio::join!(
        notice(&app, &s.officer, hold, s.request_id),
        notice(&app, &s.officer, hold, s.request_id)
    );
    let mut statuses = [a.0, b.0];
    statuses.sort();
    assert_eq!(
        statuses,
        [StatusCode::CREATED, StatusCode::CONFLICT],
        "{a:?} {b:?}"
    );
    assert_eq!(count().await, 1);
    assert_eq!(journaled().await, 1);

    // Each refusal says why, and nothing is written.
    let other = held(&app, &s, 4_300_002, "4202.21", "other_agency").await;
    let ip = held(&app, &s, 4_300_003, "4202.21", "intellectual_property").await;
    let cases = [
        (
            s.officer.clone(),
            other,
            json!({"request_id": s.request_id, "daily_charge_cents": 5_000}),
            StatusCode::CONFLICT,
            None,
        ),
        (
            s.officer.clone(),
            ip,
            json!({"request_id": s.expired_id, "daily_charge_cents": 5_000}),
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("request_id"),
        ),
        (
            s.officer.clone(),
            ip,
            json!({"request_id": 999_999, "daily_charge_cents": 5_000}),
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("request_id"),
        ),
        (
            s.officer.clone(),
            ip,
            json!({"request_id": s.request_id, "daily_charge_cents": -1}),
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("daily_charge_cents"),
        ),
        (
            s.officer.clone(),
            ip,
            json!({"daily_charge_cents": 5_000}),
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("request_id"),
        ),
        (
            s.viewer.clone(),
            ip,
            json!({"request_id": s.request_id, "daily_charge_cents": 5_000}),
            StatusCode::FORBIDDEN,
            None,
        ),
    ];
    for (token, hold, body, expected, field) in cases {
        let (status, refused) = send(
            &app,
            &token,
            &format!("/holds/{hold}/detention"),
            Some(body.clone()),
        )
        .await;
        assert_eq!(status, expected, "{body}: {refused}");
        if let Some(field) = field {
            assert_eq!(refused["error"]["field"], field, "{refused}");
        }
        assert_eq!(count().await, 1, "{body}");
        assert_eq!(journaled().await, 1, "{body}");
    }

    // An officer of another port may not; an outcome without a reason is refused.
    app.account("d.yyz", Role::Officer, "YYZ").await;
    let yyz = app.token_for("d.yyz").await;
    let (status, refused) = notice(&app, &yyz, ip, s.request_id).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{refused}");
    let (_, opened) = notice(&app, &s.officer, ip, s.request_id).await;
    let id = opened["detention"]["id"].as_i64().unwrap();
    // Nobody outside the port's officers and supervisors extends it or ends it.
    for token in [&yyz, &s.viewer] {
        let (status, refused) =
            change(&app, token, &opened, "outcome", Some("not_counterfeit")).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{refused}");
        let (status, refused) = change(&app, token, &opened, "extend", None).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{refused}");
    }
    assert_eq!(hold_status(&app, &s.officer, ip).await, "placed");
    let (status, refused) = send(
        &app,
        &s.officer,
        &format!("/detentions/{id}/outcome"),
        Some(json!({"version": 1, "outcome": "seized", "reason": " "})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(refused["error"]["field"], "reason");
    assert_eq!(hold_status(&app, &s.officer, ip).await, "placed");
}

pub async fn the_notice_downloads_as_a_bilingual_pdf(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let s = scene(&app).await;
    let hold = held(&app, &s, 4_400_001, "4202.21", "intellectual_property").await;
    let (_, opened) = notice(&app, &s.officer, hold, s.request_id).await;
    let id = opened["detention"]["id"].as_i64().unwrap();
    let response = app
        .client
        .get(app.url(&format!("/api/v1/detentions/{id}/notice.pdf")))
        .bearer_auth(&s.viewer)
        .send()
        .await
        .expect("request is sent");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains(&format!("detention-{id}-notice.pdf"))
    );
    let bytes = response.bytes().await.unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    // A line is shown as (text), or in hexadecimal when it has a letter outside ASCII (the
    // French letter's, in the standard fonts' WinAnsi encoding).
    let has = |text: &[u8]| {
        let hex: String = text.iter().map(|b| format!("{b:02X}")).collect();
        [text, hex.as_bytes()]
            .iter()
            .any(|needle| bytes.windows(needle.len()).any(|w| w == *needle))
    };
    // The reference, the rights holder and the deadline, in both letters.
    assert!(has(awb(4_400_001).as_bytes()));
    assert!(has(b"Maison Beaulieu SA"));
    assert!(has(b"Notice of detention"));
    assert!(has("Avis de rétention"
        .chars()
        .map(|c| c as u32 as u8)
        .collect::<Vec<u8>>()
        .as_slice()));
    let deadline = opened["detention"]["deadline_day"].as_str().unwrap();
    assert!(
        has(deadline.as_bytes()),
        "the English letter gives {deadline}"
    );
    let shipment = opened["detention"]["shipment_id"].as_i64().unwrap();
    let (status, listed) = send(
        &app,
        &s.viewer,
        &format!("/shipments/{shipment}/detentions"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{listed}");
    assert_eq!(listed.as_array().unwrap().len(), 1, "{listed}");
    assert_eq!(listed[0]["detention"]["id"], id);
    assert_eq!(listed[0]["clock"]["state"], "running");
    let (status, _) = send(&app, &s.viewer, "/detentions/999999", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
