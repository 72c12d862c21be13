//! The demo country's goods fit their holds, on both backends: suspected counterfeits only
//! among goods sold under trademarks, "do not load" only on air cargo, and perishable goods
//! due within hours whoever holds them (the seeded history, or an officer through the API).

use crate::helpers::{Backend, TestApp, awb, declaration, importer, spawn_app_with};
use app::demo::country::COMMODITIES;
use app::domain::goods::{PERISHABLE_HOLD_HOURS, perishable};
use app::domain::{HoldReason, Role};
use chrono::{DateTime, Duration};
use reqwest::StatusCode;
use serde_json::{Value, json};
use sqlx::Row;

pub async fn the_demos_goods_fit_their_holds(backend: Backend) {
    let Some(app) = spawn_app_with(backend, 6_000).await else {
        return;
    };
    let rows = sqlx::query(
        "select h.reason, s.hs_code, s.mode, s.description, h.placed_at, h.due_at \
         from holds h join shipments s on s.id = h.shipment_id",
    )
    .fetch_all(&app.db.pool)
    .await
    .expect("the holds are read");
    assert!(rows.len() > 200, "a demo of 6,000 shipments holds some");
    let (mut counterfeit, mut do_not_load, mut perishables) = (0, 0, 0);
    for row in &rows {
        let code: String = row.get("reason");
        let reason = HoldReason::parse(&code).expect("a known reason");
        let hs_code: String = row.get("hs_code");
        let mode: String = row.get("mode");
        let description: String = row.get("description");
        let held_as = format!("{description} ({hs_code}, {mode}) held for {code}");
        let commodity = COMMODITIES
            .iter()
            .find(|c| c.hs_code == hs_code)
            .unwrap_or_else(|| panic!("{held_as}: a demo commodity"));
        match reason {
            HoldReason::IntellectualProperty => {
                assert!(commodity.marked, "{held_as}: no trademark to copy");
                counterfeit += 1;
            }
            HoldReason::DoNotLoad => {
                assert_eq!(mode, "air", "{held_as}: only air cargo is loaded");
                do_not_load += 1;
            }
            _ => {}
        }
        let placed_at: i64 = row.get("placed_at");
        let due_at: i64 = row.get("due_at");
        let service_level = Duration::milliseconds(due_at - placed_at);
        assert_eq!(
            service_level,
            reason.service_level_for(&hs_code),
            "{held_as}: due {} h after it was placed",
            service_level.num_hours()
        );
        if perishable(&hs_code) {
            assert!(service_level <= Duration::hours(PERISHABLE_HOLD_HOURS));
            perishables += 1;
        }
    }
    assert!(counterfeit > 0, "suspected counterfeits are held");
    assert!(do_not_load > 0, "air cargo is held before loading");
    assert!(perishables > 0, "perishable goods are held");

    an_officer_s_hold_on_perishable_goods_is_due_within_hours(&app).await;
}

/// A documentation hold placed through the API: due in 8 hours on frozen shrimp, in the
/// reason's own 48 on laptops.
async fn an_officer_s_hold_on_perishable_goods_is_due_within_hours(app: &TestApp) {
    app.account("g.officer", Role::Officer, "YYZ").await;
    app.account("g.supervisor", Role::Supervisor, "YYZ").await;
    let officer = app.token_for("g.officer").await;
    let supervisor = app.token_for("g.supervisor").await;
    let shrimp = {
        let mut shrimp = declaration(&awb(4_300_011), "YYZ", &importer());
        shrimp["hs_code"] = json!("0306.17");
        shrimp["description"] = json!("Frozen shrimp");
        shrimp
    };
    let laptops = declaration(&awb(4_300_022), "YYZ", &importer());
    for (declared, hours) in [(shrimp, PERISHABLE_HOLD_HOURS), (laptops, 48)] {
        let response = app
            .client
            .post(app.url("/api/v1/shipments"))
            .bearer_auth(&supervisor)
            .json(&declared)
            .send()
            .await
            .expect("request is sent");
        assert_eq!(response.status(), StatusCode::CREATED);
        let body: Value = response.json().await.expect("json");
        assert!(body["hold_id"].is_null(), "no rule holds it: {body}");
        let response = app
            .client
            .post(app.url("/api/v1/holds"))
            .bearer_auth(&officer)
            .json(&json!({ "shipment_id": body["shipment_id"], "reason": "documentation" }))
            .send()
            .await
            .expect("request is sent");
        assert_eq!(response.status(), StatusCode::CREATED);
        let hold: Value = response.json().await.expect("json");
        let at = |field: &str| {
            DateTime::parse_from_rfc3339(hold[field].as_str().expect(field)).expect("a time")
        };
        assert_eq!(
            at("due_at") - at("placed_at"),
            Duration::hours(hours),
            "{}: {hold}",
            declared["description"]
        );
    }
}
