//! The seeded history is scored by the demo's rules, on both backends: the targeting page's
//! figures have fourteen days behind them from the start (the rules' selections, examinations
//! and findings, and random selection's own), and a shipment the history held on its score
//! explains it by the rules that fired, as an ingested one does.

use crate::helpers::{Backend, spawn_app};
use app::domain::Role;
use chrono::{Duration, Utc};
use serde_json::Value;
use sqlx::Row;

pub async fn the_seeded_history_is_scored_and_its_figures_are_not_zero(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.account("seeded.analyst", Role::Analyst, "all").await;
    let analyst = app.token_for("seeded.analyst").await;
    let get = |path: String| {
        let request = reqwest::Client::new()
            .get(app.url(&path))
            .bearer_auth(&analyst);
        async move {
            let response = request.send().await.expect("the request is sent");
            assert_eq!(response.status().as_u16(), 200, "{path}");
            response.json::<Value>().await.expect("JSON")
        }
    };

    // The last fortnight, as the targeting page reads it.
    let (from, to) = (Utc::now() - Duration::days(15), Utc::now());
    let stats = get(format!(
        "/api/v1/targeting/stats?from={}&to={}",
        urlencoding(&from.to_rfc3339()),
        urlencoding(&to.to_rfc3339())
    ))
    .await;
    let rules = stats["rules"].as_array().expect("rules");
    let figure = |rule: &Value, key: &str| rule["stats"][key].as_i64().unwrap_or(0);
    let selecting: Vec<&Value> = rules
        .iter()
        .filter(|r| figure(r, "selections") > 0)
        .collect();
    assert!(selecting.len() >= 3, "rules select: {stats}");
    assert!(
        rules
            .iter()
            .any(|r| figure(r, "examined") > 0 && figure(r, "findings") > 0),
        "some rule's examinations found something: {stats}"
    );
    let random = &stats["random"];
    assert!(random["selections"].as_i64().unwrap() > 0, "{random}");
    assert!(random["examined"].as_i64().unwrap() > 0, "{random}");

    // A shipment held on its score in the history names the rules that fired.
    let held = sqlx::query(
        "select h.shipment_id, h.reason, h.notes from holds h \
         where h.placed_by like 'Targeting (%' and h.reason in ('risk_target', 'intellectual_property') \
         order by h.id limit 1",
    )
    .fetch_one(&app.db.pool)
    .await
    .expect("the history holds some goods on their score");
    let shipment: i64 = held.get("shipment_id");
    let notes: String = held.get("notes");
    let score = get(format!("/api/v1/shipments/{shipment}/score")).await;
    assert_eq!(score["lane"], "red", "{score}");
    let lines = score["lines"].as_array().expect("lines");
    assert!(!lines.is_empty(), "{score}");
    let names: Vec<&str> = lines.iter().map(|l| l["name"].as_str().unwrap()).collect();
    let demo_rules: Vec<String> = border_ops::seed::targeting::rules()
        .into_iter()
        .map(|r| r.name)
        .collect();
    for name in &names {
        assert!(demo_rules.iter().any(|r| r == name), "{name}");
        assert!(
            notes.contains(name),
            "the hold's note names {name}: {notes}"
        );
    }
    assert_eq!(
        lines
            .iter()
            .map(|l| l["weight"].as_i64().unwrap())
            .sum::<i64>()
            - score["trusted_credit"].as_i64().unwrap(),
        score["score"].as_i64().unwrap(),
        "{score}"
    );

    // And its page shows the explanation.
    let page = app.get(&format!("/shipments/{shipment}")).await;
    assert_eq!(page.status().as_u16(), 200);
    let page = page.text().await.unwrap();
    assert!(page.contains(names[0]), "the page names {}", names[0]);
}

/// The characters of an RFC 3339 instant a query string must escape.
fn urlencoding(text: &str) -> String {
    text.replace('+', "%2B").replace(':', "%3A")
}
