//! Risk targeting through the API, on both backends: declarations in (one, a batch, a CSV
//! manifest), scored, held and referred within capacity, journaled and on the live stream;
//! rules with versions.

use crate::helpers::{Backend, TestApp, awb, declaration, importer, spawn_app_with};
use crate::live::SseReader;
use app::domain::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

/// A test server with a supervisor (who declares) and an analyst (who tunes), and no random
/// selection, so that every lane follows from the rules alone.
struct Desk {
    app: TestApp,
    supervisor: String,
    analyst: String,
}

async fn desk(backend: Backend) -> Option<Desk> {
    let app = spawn_app_with(backend, 200).await?;
    app.account("t.supervisor", Role::Supervisor, "all").await;
    app.account("t.analyst", Role::Analyst, "all").await;
    let desk = Desk {
        supervisor: app.token_for("t.supervisor").await,
        analyst: app.token_for("t.analyst").await,
        app,
    };
    let (status, body) = desk
        .send(
            &desk.analyst,
            "/api/v1/targeting/settings",
            json!({"random_rate_bp": 0, "yellow_at": 30, "red_at": 60, "rfi_at": 30,
                   "rfs_at": 60, "dnl_at": 90, "trusted_credit": 20,
                   "reason": "tests judge the rules alone"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    Some(desk)
}

impl Desk {
    async fn send(&self, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
        let response = reqwest::Client::new()
            .post(self.app.url(path))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .expect("request is sent");
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    async fn declare(&self, body: Value) -> (StatusCode, Value) {
        self.send(&self.supervisor, "/api/v1/shipments", body).await
    }

    /// Sets a port's capacity for an inspection type (`None`: not limited).
    async fn capacity(&self, port: &str, kind: &str, per_hour: Option<i64>) -> Value {
        let (status, body) = self
            .send(
                &self.analyst,
                &format!("/api/v1/targeting/capacity/{port}"),
                json!({"kind": kind, "per_hour": per_hour, "reason": "test"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    }
}

fn with(mut d: Value, changes: Value) -> Value {
    for (k, v) in changes.as_object().unwrap() {
        d[k] = v.clone();
    }
    d
}

pub async fn a_declaration_is_scored_held_referred_and_seen_live(backend: Backend) {
    let Some(desk) = desk(backend).await else {
        return;
    };
    let app = &desk.app;
    desk.capacity("YVR", "xray", None).await;
    let url = app.url("/api/v1/live");
    let mut stream = SseReader::open(&app.client, &url, None).await;
    let hello = stream.next(Duration::from_secs(5)).await.expect("hello");
    assert_eq!(hello.event, "hello");

    // An intelligence alert names the consignee (60) and the importer is new (15): red.
    let body = with(
        declaration(&awb(1_000_001), "YVR", &importer()),
        json!({"consignee_name": "Northwind Trading Ltd."}),
    );
    let (status, item) = desk.declare(body).await;
    assert_eq!(status, StatusCode::CREATED, "{item}");
    assert_eq!(item["status"], "accepted");
    assert_eq!(item["score"], 75);
    assert_eq!(item["lane"], "red");
    let shipment = item["shipment_id"].as_i64().expect("shipment id");
    let hold = item["hold_id"].as_i64().expect("a hold is placed");
    let inspection = item["inspection_id"]
        .as_i64()
        .expect("an inspection is opened");

    let detail = app
        .get_json(&format!("/api/v1/shipments/{shipment}"), 200)
        .await;
    assert_eq!(detail["shipment"]["status"], "held");
    assert_eq!(detail["holds"][0]["id"], hold);
    assert_eq!(detail["holds"][0]["reason"], "risk_target");
    assert_eq!(detail["inspections"][0]["id"], inspection);
    assert_eq!(detail["inspections"][0]["kind"], "xray");
    let actions: Vec<&str> = detail["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["declared", "placed", "opened"]);
    assert_eq!(detail["timeline"][0]["actor"], "t.supervisor");

    let score = app
        .get_json(&format!("/api/v1/shipments/{shipment}/score"), 200)
        .await;
    assert_eq!(score["score"], 75);
    let lines = score["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 2, "{score}");
    assert_eq!(lines[0]["name"], "Intelligence alert: Northwind Trading");
    assert_eq!(lines[0]["weight"], 60);
    assert_eq!(lines[0]["version"], 1);
    assert!(!lines[0]["instructions"].as_str().unwrap().is_empty());

    // The live stream carries the three changes.
    let mut seen = vec![];
    let deadline = Instant::now() + Duration::from_secs(10);
    while seen.len() < 3 && Instant::now() < deadline {
        let Some(event) = stream.next(Duration::from_secs(5)).await else {
            break;
        };
        if event.data["shipment_id"] == shipment {
            seen.push((
                event.event.clone(),
                event.data["action"].as_str().unwrap().to_string(),
            ));
        }
    }
    assert_eq!(
        seen,
        [
            ("shipment".to_string(), "declared".to_string()),
            ("hold".to_string(), "placed".to_string()),
            ("inspection".to_string(), "opened".to_string())
        ]
    );

    // A pre-load declaration gets a referral instead of a lane's examination.
    let pre_load = with(
        declaration(&awb(1_000_002), "YVR", &importer()),
        json!({"declaration_kind": "pre_load", "consignee_name": "Northwind Trading Ltd.",
               "hs_code": null, "declared_value": null}),
    );
    let (status, item) = desk.declare(pre_load).await;
    assert_eq!(status, StatusCode::CREATED, "{item}");
    assert_eq!(item["referral"], "rfs");
    assert!(item["hold_id"].is_null() && item["inspection_id"].is_null());

    // Only supervisors and administrators (and their tokens) send declarations.
    let viewer = app
        .client
        .post(app.url("/api/v1/shipments"))
        .json(&declaration(&awb(1_000_003), "YVR", "x"))
        .send()
        .await
        .unwrap();
    assert_eq!(viewer.status(), StatusCode::FORBIDDEN);
}

pub async fn a_resend_updates_and_never_duplicates(backend: Backend) {
    let Some(desk) = desk(backend).await else {
        return;
    };
    let app = &desk.app;
    let reference = awb(2_000_001);
    let first = declaration(&reference, "YUL", &importer());
    let (status, item) = desk.declare(first.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{item}");
    assert_eq!(item["lane"], "green");
    let id = item["shipment_id"].as_i64().unwrap();
    let (status, again) = desk.declare(first.clone()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(again["status"], "unchanged");
    assert_eq!(again["shipment_id"], id);
    let (status, changed) = desk.declare(with(first, json!({"weight_kg": 41.5}))).await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!(changed["status"], "updated");
    assert_eq!(changed["shipment_id"], id);
    let q = |sql: String| async move { app.scalar(&sql).await };
    assert_eq!(
        q(format!(
            "select count(*) from shipments where reference = '{reference}'"
        ))
        .await,
        1
    );
    assert_eq!(
        q(format!(
            "select count(*) from shipment_scores where shipment_id = {id}"
        ))
        .await,
        2,
        "scored on arrival and again on the change, not on the identical resend"
    );
    let detail = app.get_json(&format!("/api/v1/shipments/{id}"), 200).await;
    assert_eq!(detail["shipment"]["weight_kg"], 41.5);
    assert_eq!(detail["shipment"]["version"], 2);
    let update = &detail["timeline"][1];
    assert_eq!(update["action"], "declaration_updated");
    assert_eq!(update["before"]["weight_kg"], 40.0);
    assert_eq!(update["after"]["weight_kg"], 41.5);
    assert!(update["reason"].as_str().unwrap().contains("sent again"));
}

pub async fn a_batch_reports_bad_declarations_by_index_and_keeps_the_good(backend: Backend) {
    let Some(desk) = desk(backend).await else {
        return;
    };
    let app = &desk.app;
    let good = |n: u32| declaration(&awb(3_000_000 + n), "YYZ", &importer());
    let mut bad_digit = good(2);
    bad_digit["reference"] = json!("999-30000020");
    let batch = json!([
        good(1),
        bad_digit,
        with(good(3), json!({"port_code": "XYZ"})),
        with(good(4), json!({"hs_code": "85A"})),
        with(good(5), json!({"weight_kg": 0})),
        good(6),
        "not a declaration",
    ]);
    let (status, report) = desk.declare(batch).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["received"], 7);
    assert_eq!(report["accepted"], 2);
    assert_eq!(report["refused"], 5);
    let results = report["results"].as_array().unwrap();
    let field = |i: usize| results[i]["errors"][0]["field"].as_str().unwrap_or("");
    assert_eq!(results[0]["status"], "accepted");
    assert_eq!(results[5]["status"], "accepted");
    assert_eq!(
        (results[1]["index"].as_i64(), field(1)),
        (Some(1), "reference")
    );
    assert!(
        results[1]["errors"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("check digit")
    );
    assert_eq!(field(2), "port_code");
    assert_eq!(field(3), "hs_code");
    assert_eq!(field(4), "weight_kg");
    assert_eq!(field(6), "body");
    for (n, stored) in [(1, 1), (3, 0), (6, 1)] {
        let reference = awb(3_000_000 + n);
        assert_eq!(
            app.scalar(&format!(
                "select count(*) from shipments where reference = '{reference}'"
            ))
            .await,
            stored,
            "{reference}"
        );
    }
    // Declarations at a port the account may not act on are refused, and the refusal is
    // journaled once per port with how many there were.
    app.account("t.yvr", Role::Supervisor, "YVR").await;
    let yvr_only = app.token_for("t.yvr").await;
    let elsewhere = json!([
        good(11),
        good(12),
        good(13),
        declaration(&awb(3_000_014), "YVR", &importer())
    ]);
    let (status, report) = desk.send(&yvr_only, "/api/v1/shipments", elsewhere).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(
        (report["accepted"].as_i64(), report["refused"].as_i64()),
        (Some(1), Some(3))
    );
    assert_eq!(
        app.scalar(
            "select count(*) from journal where entity = 'access' and action = 'refused' \
             and actor = 't.yvr' and after_json like '%\"port\":\"YYZ\"%' \
             and after_json like '%\"declarations\":3%'"
        )
        .await,
        1,
        "one refusal for the three declarations at YYZ"
    );
    // One bad declaration alone: 422 naming the field, nothing stored.
    let before = app.scalar("select count(*) from journal").await;
    let (status, body) = desk
        .declare(with(good(7), json!({"origin_country": "France"})))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["field"], "origin_country");
    assert_eq!(app.scalar("select count(*) from journal").await, before);
}

pub async fn oversized_and_wrongly_typed_bodies_are_refused(backend: Backend) {
    let Some(desk) = desk(backend).await else {
        return;
    };
    let app = &desk.app;
    let http = reqwest::Client::new();
    let (head, body) = app
        .post_oversized(
            "/api/v1/shipments",
            &desk.supervisor,
            "application/json",
            17 * 1024 * 1024,
        )
        .await;
    assert!(head.starts_with("HTTP/1.1 413"), "{head}");
    assert_eq!(body["error"]["code"], "too_large");
    assert!(body["error"]["message"].as_str().unwrap().contains("MB"));

    let response = http
        .post(app.url("/api/v1/shipments"))
        .bearer_auth(&desk.supervisor)
        .header("content-type", "text/plain")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "unsupported_media_type");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("application/json")
    );

    let response = http
        .post(app.url("/api/v1/shipments/import"))
        .bearer_auth(&desk.supervisor)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let body: Value = response.json().await.unwrap();
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("text/csv")
    );
}

pub async fn capacity_overflow_waits_and_is_released_in_score_order(backend: Backend) {
    let Some(desk) = desk(backend).await else {
        return;
    };
    let app = &desk.app;
    // One X-ray slot free at Halifax, whatever the demo opened there in the last hour.
    let status = desk.capacity("YHZ", "xray", Some(1000)).await;
    let used = status["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["kind"] == "xray")
        .unwrap()["used_last_hour"]
        .as_i64()
        .unwrap();
    desk.capacity("YHZ", "xray", Some(used + 1)).await;
    let alert = json!({"consignee_name": "Northwind Trading Ltd."});
    // 60 + 15 = 75
    let low = with(
        declaration(&awb(4_000_001), "YHZ", &importer()),
        alert.clone(),
    );
    // 60 + 40 (watch-listed shipper) + 15 = 115
    let high = with(
        with(
            declaration(&awb(4_000_002), "YHZ", &importer()),
            alert.clone(),
        ),
        json!({"shipper_name": "Bangkok Gems & Jewellery Co."}),
    );
    // 60 + 25 (origin) + 15 = 100
    let middle = with(
        with(declaration(&awb(4_000_003), "YHZ", &importer()), alert),
        json!({"origin_country": "CO", "origin_location": "BOG"}),
    );
    let (status, report) = desk.declare(json!([low, high, middle])).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    let r = report["results"].as_array().unwrap();
    assert_eq!(
        [&r[0]["score"], &r[1]["score"], &r[2]["score"]],
        [&json!(75), &json!(115), &json!(100)]
    );
    assert!(
        r[1]["inspection_id"].is_i64(),
        "the highest score takes the slot"
    );
    assert_eq!(r[0]["waiting_for"], "xray");
    assert_eq!(r[2]["waiting_for"], "xray");
    assert!(
        r[0]["hold_id"].is_i64() && r[2]["hold_id"].is_i64(),
        "held while waiting"
    );
    assert_eq!(report["waiting"], 2);

    let lines = app
        .get_json("/api/v1/targeting/capacity?port=YHZ", 200)
        .await;
    let xray = lines["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["kind"] == "xray")
        .unwrap()
        .clone();
    assert_eq!(xray["waiting"], 2);
    let summary = xray["summary"].as_str().unwrap();
    assert!(
        summary.starts_with("2 waiting for Non-intrusive (X-ray / gamma) capacity, next slot "),
        "{summary}"
    );
    let breakdown = app
        .get_json(
            &format!("/api/v1/shipments/{}/score", r[0]["shipment_id"]),
            200,
        )
        .await;
    assert_eq!(breakdown["waiting_for"], "xray");

    let inspections_of = |shipment: &Value| {
        let id = shipment.as_i64().unwrap();
        async move {
            app.get_json(&format!("/api/v1/shipments/{id}"), 200).await["inspections"]
                .as_array()
                .unwrap()
                .len()
        }
    };
    // One more slot: the middle score goes before the low one, though declared after it.
    desk.capacity("YHZ", "xray", Some(used + 2)).await;
    assert_eq!(inspections_of(&r[2]["shipment_id"]).await, 1);
    assert_eq!(inspections_of(&r[0]["shipment_id"]).await, 0);
    desk.capacity("YHZ", "xray", Some(used + 3)).await;
    assert_eq!(inspections_of(&r[0]["shipment_id"]).await, 1);
    let released = app
        .get_json(&format!("/api/v1/shipments/{}", r[0]["shipment_id"]), 200)
        .await;
    let opened = released["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "opened")
        .unwrap()
        .clone();
    assert!(
        opened["reason"]
            .as_str()
            .unwrap()
            .contains("capacity freed"),
        "{opened}"
    );
    assert_eq!(
        app.scalar("select count(*) from referrals_waiting where released_at is null")
            .await,
        0
    );
}

pub async fn a_manifest_with_good_and_bad_rows_keeps_the_good(backend: Backend) {
    let Some(desk) = desk(backend).await else {
        return;
    };
    let app = &desk.app;
    let eta = (chrono::Utc::now() + chrono::Duration::days(1)).to_rfc3339();
    let row = |reference: &str, port: &str| {
        format!(
            "air,{reference},AC,AC 100,FR,CDG,{port},Lyon Pharma SA,\"Gerland, Lyon\",Csv Importer,Halifax,Csv Importer,847130,Laptops,2,30,15000,{eta}"
        )
    };
    let csv = [
        "mode,reference,carrier,voyage,origin_country,origin_location,port_code,shipper_name,shipper_address,consignee_name,consignee_address,importer_name,hs_code,description,pieces,weight_kg,declared_value,eta".to_string(),
        row(&awb(5_000_001), "YHZ"),
        row("999-50000021", "YHZ"),
        row(&awb(5_000_003), "NOPE"),
        "air,only,three".to_string(),
        row(&awb(5_000_005), "YYZ"),
    ]
    .join("\n");
    let response = reqwest::Client::new()
        .post(app.url("/api/v1/shipments/import?name=test.csv"))
        .bearer_auth(&desk.supervisor)
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let report: Value = response.json().await.unwrap();
    assert_eq!(report["received"], 5, "{report}");
    assert_eq!(report["accepted"], 2);
    assert_eq!(report["refused"], 3);
    let refused: Vec<(i64, String)> = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["status"] == "refused")
        .map(|r| {
            (
                r["line"].as_i64().unwrap(),
                r["errors"][0]["field"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        refused,
        [
            (3, "reference".to_string()),
            (4, "port_code".to_string()),
            (5, "row".to_string())
        ]
    );
    assert_eq!(
        app.scalar(&format!(
            "select count(*) from shipments where reference in ('{}', '{}')",
            awb(5_000_001),
            awb(5_000_005)
        ))
        .await,
        2
    );
    let reason = app
        .scalar(
            "select count(*) from journal where action = 'declared' \
             and reason = 'declaration received through manifest test.csv'",
        )
        .await;
    assert_eq!(reason, 2);
}

pub async fn a_rule_edit_makes_a_new_version_and_scores_name_theirs(backend: Backend) {
    let Some(desk) = desk(backend).await else {
        return;
    };
    let app = &desk.app;
    let draft = json!({
        "name": "Toys from a new source",
        "indicator": {"kind": "hs_prefix", "prefixes": ["9503"]},
        "weight": 20,
        "reason": "Toys fail safety standards more often from new sources.",
        "instructions": "Check the safety marks on a sample.",
        "inspection": "physical"
    });
    // Only analysts and administrators manage rules.
    let (status, _) = desk
        .send(&desk.supervisor, "/api/v1/targeting/rules", draft.clone())
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, bad) = desk
        .send(
            &desk.analyst,
            "/api/v1/targeting/rules",
            with(draft.clone(), json!({"weight": 500})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad["error"]["field"], "weight");
    // A watch list is bounded: 1,001 parties are refused, naming the list.
    let parties: Vec<String> = (0..1001).map(|n| format!("PARTY {n}")).collect();
    let (status, bad) = desk
        .send(
            &desk.analyst,
            "/api/v1/targeting/rules",
            with(
                draft.clone(),
                json!({"indicator": {"kind": "watch_list", "parties": parties}}),
            ),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    assert_eq!(bad["error"]["field"], "indicator.parties");
    let (status, rule) = desk
        .send(&desk.analyst, "/api/v1/targeting/rules", draft.clone())
        .await;
    assert_eq!(status, StatusCode::CREATED, "{rule}");
    let id = rule["id"].as_i64().unwrap();
    assert_eq!(rule["version"], 1);

    let toys = |n: u32| {
        with(
            declaration(&awb(6_000_000 + n), "YUL", &importer()),
            json!({"hs_code": "950300", "description": "Toys"}),
        )
    };
    // 20 + 15 (new importer) = 35: yellow, a document check.
    let (_, first) = desk.declare(toys(1)).await;
    assert_eq!(
        (first["score"].clone(), first["lane"].clone()),
        (json!(35), json!("yellow"))
    );

    let (status, edited) = desk
        .send(
            &desk.analyst,
            &format!("/api/v1/targeting/rules/{id}/versions"),
            with(draft.clone(), json!({"weight": 50, "version": 1})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{edited}");
    assert_eq!(edited["version"], 2);
    let (status, stale) = desk
        .send(
            &desk.analyst,
            &format!("/api/v1/targeting/rules/{id}/versions"),
            with(draft.clone(), json!({"weight": 55, "version": 1})),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{stale}");
    let history = reqwest::Client::new()
        .get(app.url(&format!("/api/v1/targeting/rules/{id}")))
        .bearer_auth(&desk.analyst)
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    let versions: Vec<i64> = history["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["version"].as_i64().unwrap())
        .collect();
    assert_eq!(versions, [2, 1]);

    // 50 + 15 = 65: red, and the score names version 2; the first still names version 1.
    let (_, second) = desk.declare(toys(2)).await;
    assert_eq!(
        (second["score"].clone(), second["lane"].clone()),
        (json!(65), json!("red"))
    );
    let version_in = |item: &Value| {
        let shipment = item["shipment_id"].as_i64().unwrap();
        async move {
            let score = app
                .get_json(&format!("/api/v1/shipments/{shipment}/score"), 200)
                .await;
            score["lines"]
                .as_array()
                .unwrap()
                .iter()
                .find(|l| l["rule_id"] == id)
                .map(|l| {
                    (
                        l["version"].as_i64().unwrap(),
                        l["weight"].as_i64().unwrap(),
                    )
                })
        }
    };
    assert_eq!(version_in(&first).await, Some((1, 20)));
    assert_eq!(version_in(&second).await, Some((2, 50)));

    // Disabled, it no longer fires.
    let (status, off) = desk
        .send(
            &desk.analyst,
            &format!("/api/v1/targeting/rules/{id}/disable"),
            json!({"reason": "too many false positives"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{off}");
    assert_eq!(off["enabled"], false);
    let (_, third) = desk.declare(toys(3)).await;
    assert_eq!(third["score"], 15);
    assert_eq!(version_in(&third).await, None);

    // Its figures: two selections, nothing examined yet.
    let stats = reqwest::Client::new()
        .get(app.url("/api/v1/targeting/stats"))
        .bearer_auth(&desk.analyst)
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    let mine = stats["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["rule_id"] == id)
        .unwrap()
        .clone();
    assert_eq!(mine["stats"]["selections"], 2, "{mine}");
    assert_eq!(mine["stats"]["sample_size"], 0);
    assert!(mine["stats"]["hit_rate"].is_null());
    assert!(stats["random"]["selections"].is_i64());

    // A draft tried on the last 30 days finds the toys declared above.
    let (status, trial) = desk
        .send(
            &desk.analyst,
            "/api/v1/targeting/trial",
            json!({"rule": with(draft, json!({"name": "Toys, stricter", "weight": 60}))}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{trial}");
    assert!(trial["matched"].as_i64().unwrap() >= 3, "{trial}");
    assert!(trial["selected"].as_i64().unwrap() >= 3);
    let yul = trial["per_port"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["port_code"] == "YUL")
        .expect("YUL in the trial")
        .clone();
    assert!(yul["selected"].as_i64().unwrap() >= 3);
}
