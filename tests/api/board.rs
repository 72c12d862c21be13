//! The board's own answers: health, the overview, the lists and their filters, timelines, bad
//! input, headers, cross-site refusal, the server functions' bounds, the sign-in page, the demo
//! seed and the waiting referrals.

use crate::helpers::{Backend, TestApp, spawn_app, spawn_app_with};
use serde_json::Value;
use std::collections::HashSet;

async fn app(backend: Backend) -> Option<TestApp> {
    spawn_app(backend).await
}

pub async fn health_and_readiness(backend: Backend) {
    let Some(app) = app(backend).await else {
        return;
    };
    assert_eq!(app.get_json("/healthz", 200).await["status"], "ok");
    assert_eq!(app.get_json("/readyz", 200).await["status"], "ready");
}

pub async fn overview_shows_a_country_with_consistent_totals(backend: Backend) {
    let Some(app) = app(backend).await else {
        return;
    };
    let overview = app.get_json("/api/v1/ports", 200).await;
    let ports = overview["ports"].as_array().unwrap();
    assert!(ports.len() >= 15, "{} ports", ports.len());
    let zones: HashSet<&str> = ports
        .iter()
        .map(|p| p["time_zone"].as_str().unwrap())
        .collect();
    assert!(zones.len() >= 4, "{zones:?}");
    let kinds: HashSet<&str> = ports.iter().map(|p| p["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds.len(), 4, "{kinds:?}");
    let sum = |field: &str| {
        ports
            .iter()
            .map(|p| p[field].as_i64().unwrap())
            .sum::<i64>()
    };
    let totals = &overview["totals"];
    for field in [
        "active_holds",
        "holds_overdue",
        "queued_inspections",
        "inspections_overdue",
    ] {
        assert_eq!(totals[field].as_i64().unwrap(), sum(field), "{field}");
    }
    // The tiles agree with the database and with the holds list.
    let active = app
        .scalar("select count(*) from holds where status in ('placed', 'examination', 'seizure_requested')")
        .await;
    assert!(active > 0);
    assert_eq!(totals["active_holds"].as_i64().unwrap(), active);
    let listed = app.get_json("/api/v1/holds", 200).await;
    assert_eq!(listed["total"].as_i64().unwrap(), active);
    // A closed port says so, with its notice.
    let rwi = ports.iter().find(|p| p["code"] == "RWI").unwrap();
    assert_eq!(rwi["status"], "closed");
    assert_eq!(rwi["notices"][0]["kind"], "equipment");
    let one = app.get_json("/api/v1/ports/yyz", 200).await;
    assert_eq!(one["summary"]["code"], "YYZ");
    let release = &one["release_times"];
    assert!(release["released"].as_i64().unwrap() > 0);
    let (median, p90) = (
        release["median_min"].as_i64().unwrap(),
        release["p90_min"].as_i64().unwrap(),
    );
    assert!(0 <= median && median <= p90, "median {median} p90 {p90}");
    // The values at the nearest ranks of every release time of the last 7 days, in whole
    // minutes, as the database has them.
    let week_ago = app::domain::clock::to_millis(chrono::Utc::now() - chrono::Duration::days(7));
    let mut minutes: Vec<i64> = sqlx::query_scalar(
        "select released_at - arrived_at from shipments where port_code = 'YYZ' \
         and released_at >= $1 and arrived_at is not null",
    )
    .bind(week_ago)
    .fetch_all(&app.db.pool)
    .await
    .expect("release times");
    minutes.sort_unstable();
    let n = minutes.len();
    assert_eq!(release["released"].as_i64().unwrap(), n as i64);
    let at = |p: f64| minutes[((p * n as f64).ceil() as usize).clamp(1, n) - 1] / 60_000;
    assert_eq!((median, p90), (at(0.5), at(0.9)));
    // A window before the demo's first release: nothing released, no median.
    let before = app::ports::db::detail(
        &app.db.pool,
        "YYZ",
        chrono::Utc::now() - chrono::Duration::days(60),
    )
    .await
    .expect("the port before its traffic");
    let empty = &before.release_times;
    assert_eq!(
        (empty.released, empty.median_min, empty.p90_min),
        (0, None, None)
    );
    // Its arrivals of the last 7 days (whole days from the tally) as the shipments count them.
    let arrived: i64 = sqlx::query_scalar(
        "select count(*) from shipments where port_code = 'YYZ' and arrived_at >= $1",
    )
    .bind(week_ago)
    .fetch_one(&app.db.pool)
    .await
    .expect("arrivals");
    assert!(arrived > 0);
    assert_eq!(one["arrived_last_7d"].as_i64().unwrap(), arrived);
}

pub async fn holds_filter_sort_and_paginate(backend: Backend) {
    let Some(app) = app(backend).await else {
        return;
    };
    let all = app
        .get_json("/api/v1/holds?status=all&per_page=500", 200)
        .await;
    let items = all["items"].as_array().unwrap();
    assert!(items.len() > 10);
    let port = items[0]["port_code"].as_str().unwrap().to_string();
    let reason = items[0]["reason"].as_str().unwrap().to_string();

    let by_port = app
        .get_json(&format!("/api/v1/holds?status=all&port={port}"), 200)
        .await;
    assert!(
        by_port["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|h| h["port_code"] == port.as_str())
    );
    assert_eq!(
        by_port["total"].as_i64().unwrap(),
        items
            .iter()
            .filter(|h| h["port_code"] == port.as_str())
            .count() as i64
    );

    let by_reason = app
        .get_json(&format!("/api/v1/holds?status=all&reason={reason}"), 200)
        .await;
    assert!(
        by_reason["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|h| h["reason"] == reason.as_str())
    );

    let released = app
        .get_json("/api/v1/holds?status=released&per_page=500", 200)
        .await;
    let released = released["items"].as_array().unwrap();
    assert!(!released.is_empty());
    assert!(
        released
            .iter()
            .all(|h| h["status"] == "released" && !h["resolved_at"].is_null())
    );

    // Longest dwell first, by default, over active holds only.
    let active = app.get_json("/api/v1/holds?per_page=500", 200).await;
    let active = active["items"].as_array().unwrap();
    assert!(active.iter().all(|h| {
        ["placed", "examination", "seizure_requested"].contains(&h["status"].as_str().unwrap())
    }));
    let placed: Vec<&str> = active
        .iter()
        .map(|h| h["placed_at"].as_str().unwrap())
        .collect();
    let mut sorted = placed.clone();
    sorted.sort();
    assert_eq!(placed, sorted, "oldest placement first");

    let old = app
        .get_json(
            "/api/v1/holds?status=all&min_age_hours=72&per_page=500",
            200,
        )
        .await;
    let cutoff = chrono::Utc::now() - chrono::Duration::hours(72);
    for h in old["items"].as_array().unwrap() {
        let at: chrono::DateTime<chrono::Utc> = h["placed_at"].as_str().unwrap().parse().unwrap();
        assert!(at <= cutoff);
    }

    // Pages do not overlap and the total stays the same.
    let p1 = app
        .get_json("/api/v1/holds?status=all&per_page=5&page=1", 200)
        .await;
    let p2 = app
        .get_json("/api/v1/holds?status=all&per_page=5&page=2", 200)
        .await;
    assert_eq!(p1["total"], p2["total"]);
    let ids = |p: &Value| -> HashSet<i64> {
        p["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["id"].as_i64().unwrap())
            .collect()
    };
    assert_eq!(ids(&p1).len(), 5);
    assert!(ids(&p1).is_disjoint(&ids(&p2)));
}

pub async fn inspection_queue_is_ordered_by_priority_then_due(backend: Backend) {
    let Some(app) = app(backend).await else {
        return;
    };
    let queue = app
        .get_json("/api/v1/inspections?status=all&per_page=500", 200)
        .await;
    let items = queue["items"].as_array().unwrap();
    assert!(!items.is_empty());
    let rank = |p: &str| {
        ["urgent", "high", "normal", "routine"]
            .iter()
            .position(|x| *x == p)
            .unwrap()
    };
    let keys: Vec<(usize, String)> = items
        .iter()
        .map(|i| {
            (
                rank(i["priority"].as_str().unwrap()),
                i["due_at"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);

    let open = app.get_json("/api/v1/inspections?per_page=500", 200).await;
    assert!(open["items"].as_array().unwrap().iter().all(|i| ["queued", "assigned", "in_progress"].contains(&i["status"].as_str().unwrap())));
    let overdue = app
        .get_json("/api/v1/inspections?overdue=true&per_page=500", 200)
        .await;
    let now = chrono::Utc::now();
    for i in overdue["items"].as_array().unwrap() {
        let due: chrono::DateTime<chrono::Utc> = i["due_at"].as_str().unwrap().parse().unwrap();
        assert!(due < now);
    }
    let xray = app
        .get_json("/api/v1/inspections?status=all&kind=xray", 200)
        .await;
    assert!(
        xray["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["kind"] == "xray")
    );
}

pub async fn shipment_has_its_timeline_from_the_journal(backend: Backend) {
    let Some(app) = app(backend).await else {
        return;
    };
    let seized = app
        .scalar("select min(shipment_id) from holds where status = 'seized'")
        .await;
    let detail = app
        .get_json(&format!("/api/v1/shipments/{seized}"), 200)
        .await;
    assert_eq!(detail["shipment"]["status"], "seized");
    let timeline = detail["timeline"].as_array().unwrap();
    let actions: Vec<&str> = timeline
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions.first(), Some(&"declared"));
    for step in [
        "arrived",
        "placed",
        "opened",
        "completed",
        "seizure_requested",
        "seized",
    ] {
        assert!(actions.contains(&step), "{step} missing from {actions:?}");
    }
    let seqs: Vec<i64> = timeline
        .iter()
        .map(|e| e["seq"].as_i64().unwrap())
        .collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]));
    let times: Vec<&str> = timeline.iter().map(|e| e["at"].as_str().unwrap()).collect();
    assert!(
        times.windows(2).all(|w| w[0] <= w[1]),
        "timeline in time order"
    );
    assert!(!detail["holds"].as_array().unwrap().is_empty());
    assert!(!detail["inspections"].as_array().unwrap().is_empty());
    // Every hold and inspection row has its story in the journal.
    let unjournaled = app
        .scalar("select count(*) from holds h where not exists (select 1 from journal j where j.entity = 'hold' and j.entity_id = cast(h.id as text))")
        .await;
    assert_eq!(unjournaled, 0);
}

pub async fn bad_input_gets_a_clear_4xx_in_json(backend: Backend) {
    let Some(app) = app(backend).await else {
        return;
    };
    let cases = [
        ("/api/v1/shipments/999999", 404, "not_found", None),
        ("/api/v1/shipments/abc", 404, "not_found", None),
        ("/api/v1/holds/0", 404, "not_found", None),
        ("/api/v1/holds?per_page=0", 422, "invalid", Some("per_page")),
        (
            "/api/v1/holds?per_page=100000",
            422,
            "invalid",
            Some("per_page"),
        ),
        ("/api/v1/holds?page=-1", 422, "invalid", Some("page")),
        (
            "/api/v1/holds?reason=smuggling",
            422,
            "invalid",
            Some("reason"),
        ),
        ("/api/v1/holds?status=lost", 422, "invalid", Some("status")),
        ("/api/v1/holds?sort=random", 422, "invalid", Some("sort")),
        ("/api/v1/holds?port=ZZZ", 422, "invalid", Some("port")),
        (
            "/api/v1/holds?port=%27%3B%20drop",
            422,
            "invalid",
            Some("port"),
        ),
        ("/api/v1/holds?colour=red", 422, "invalid", Some("colour")),
        (
            "/api/v1/inspections?overdue=maybe",
            422,
            "invalid",
            Some("overdue"),
        ),
        (
            "/api/v1/inspections?kind=teleport",
            422,
            "invalid",
            Some("kind"),
        ),
        ("/api/v1/ports/NOPE", 404, "not_found", None),
        ("/api/v1/nothing-here", 404, "not_found", None),
    ];
    for (path, status, code, field) in cases {
        let body = app.get_json(path, status).await;
        let error = &body["error"];
        assert_eq!(error["code"], code, "{path}: {body}");
        assert!(!error["message"].as_str().unwrap().is_empty(), "{path}");
        if let Some(field) = field {
            assert_eq!(error["field"], field, "{path}");
        }
    }
}

pub async fn readiness_fails_when_the_database_is_gone(backend: Backend) {
    let Some(app) = spawn_app_with(backend, 0).await else {
        return;
    };
    assert_eq!(app.get("/readyz").await.status().as_u16(), 200);
    app.db.pool.close().await;
    let response = app.get("/readyz").await;
    assert_eq!(response.status().as_u16(), 503);
    assert_eq!(
        app.get("/healthz").await.status().as_u16(),
        200,
        "the process is still alive"
    );
    let body: Value = app.get("/api/v1/holds").await.json().await.unwrap();
    assert_eq!(body["error"]["code"], "unavailable");
}

/// While the database answers but the live pump cannot read the journal (here: the table is
/// renamed away), `/readyz` says the instance is not ready once 5 s have passed, and ready
/// again once the pump reads.
pub async fn readiness_fails_while_the_live_pump_cannot_read(backend: Backend) {
    let Some(app) = spawn_app_with(backend, 0).await else {
        return;
    };
    assert_eq!(app.get("/readyz").await.status().as_u16(), 200);
    let away = std::time::Instant::now();
    sqlx::query("alter table journal rename to journal_away")
        .execute(&app.db.pool)
        .await
        .unwrap();
    let reason = loop {
        let response = app.get("/readyz").await;
        if response.status().as_u16() == 503 {
            let body: Value = response.json().await.unwrap();
            break body["reason"].as_str().unwrap_or_default().to_string();
        }
        assert!(away.elapsed().as_secs() < 15, "never said it was stuck");
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    };
    assert!(
        away.elapsed() >= std::time::Duration::from_secs(4),
        "not before the pump has missed its reads for 5 s"
    );
    assert!(reason.contains("has not read the journal"), "{reason}");
    sqlx::query("alter table journal_away rename to journal")
        .execute(&app.db.pool)
        .await
        .unwrap();
    let back = std::time::Instant::now();
    while app.get("/readyz").await.status().as_u16() != 200 {
        assert!(
            back.elapsed().as_secs() < 5,
            "ready again once the pump reads"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

pub async fn the_journal_is_append_only(backend: Backend) {
    let Some(app) = spawn_app_with(backend, 50).await else {
        return;
    };
    let before = app.scalar("select count(*) from journal").await;
    assert!(before > 0);
    assert!(
        sqlx::query("update journal set actor = 'someone else'")
            .execute(&app.db.pool)
            .await
            .is_err()
    );
    assert!(
        sqlx::query("delete from journal")
            .execute(&app.db.pool)
            .await
            .is_err()
    );
    if backend == Backend::Postgres {
        // Nor emptied at once, by itself or by a cascade from the shipments it names.
        for statement in ["truncate journal", "truncate shipments cascade"] {
            let refused = sqlx::query(statement)
                .execute(&app.db.pool)
                .await
                .expect_err(statement)
                .to_string();
            assert!(
                refused.contains("the journal is append-only: it cannot be truncated"),
                "{statement}: {refused}"
            );
        }
        assert!(app.scalar("select count(*) from shipments").await > 0);
    }
    assert_eq!(app.scalar("select count(*) from journal").await, before);
}

pub async fn pages_render_on_the_server(backend: Backend) {
    let Some(app) = app(backend).await else {
        return;
    };
    let home = app.get("/").await;
    assert_eq!(home.status().as_u16(), 200);
    let html = home.text().await.unwrap();
    assert!(
        html.contains("data-port=\"YYZ\""),
        "tiles are rendered on the server"
    );
    assert!(html.contains("Active holds"));
    let holds = app
        .get("/holds?reason=intellectual_property")
        .await
        .text()
        .await
        .unwrap();
    assert!(holds.contains("Intellectual property"));
    let bad_filter = app.get("/holds?per_page=9999").await;
    assert_eq!(bad_filter.status().as_u16(), 422);
    assert!(bad_filter.text().await.unwrap().contains("per_page"));
    let missing = app.get("/shipments/999999").await;
    assert_eq!(missing.status().as_u16(), 404);
    assert!(
        missing
            .text()
            .await
            .unwrap()
            .contains("shipment #999999 was not found")
    );
    assert_eq!(app.get("/no/such/page").await.status().as_u16(), 404);
}

pub async fn the_same_seed_gives_the_same_database(backend: Backend) {
    use border_ops::seed::{self, SeedOptions};
    use chrono::TimeZone;
    let options = {
        let mut o = SeedOptions::new(
            42,
            chrono::Utc.with_ymd_and_hms(2026, 6, 1, 12, 0, 0).unwrap(),
        );
        o.shipments = 300;
        o
    };
    let mut dumps = vec![];
    for _ in 0..2 {
        let Some((db, _dir)) = crate::helpers::fresh_db(backend).await else {
            return;
        };
        db.migrate().await.unwrap();
        seed::demo(&db, &options).await.unwrap();
        let rows: Vec<String> = sqlx::query(
            "select seq || '|' || at || '|' || actor || '|' || entity_id || '|' || action || '|' || coalesce(after_json, '') as line from journal order by seq",
        )
        .fetch_all(&db.pool)
        .await
        .unwrap()
        .iter()
        .map(|r| sqlx::Row::get::<String, _>(r, "line"))
        .collect();
        assert!(rows.len() > 300);
        dumps.push(rows);
    }
    assert_eq!(dumps[0], dumps[1]);
}

pub async fn responses_carry_security_headers(backend: Backend) {
    let Some(app) = spawn_app_with(backend, 50).await else {
        return;
    };
    let page = app.get("/").await;
    let header = |r: &reqwest::Response, name: &str| {
        r.headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default()
    };
    assert_eq!(header(&page, "x-content-type-options"), "nosniff");
    assert_eq!(header(&page, "x-frame-options"), "DENY");
    assert_eq!(header(&page, "referrer-policy"), "same-origin");
    assert_eq!(header(&page, "cross-origin-opener-policy"), "same-origin");
    let permissions = header(&page, "permissions-policy");
    for feature in [
        "camera=()",
        "microphone=()",
        "geolocation=()",
        "payment=()",
        "usb=()",
    ] {
        assert!(permissions.contains(feature), "{permissions}");
    }
    // Served over plain HTTP (no `SECURE_COOKIES`), the board does not pin browsers to TLS.
    assert_eq!(header(&page, "strict-transport-security"), "");
    let csp = header(&page, "content-security-policy");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    // The nonce in the policy is the one on the page's inline bootstrap script.
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("a nonce in the page's policy")
        .to_string();
    let html = page.text().await.unwrap();
    assert!(
        html.contains(&format!("nonce=\"{nonce}\"")),
        "the script carries the policy's nonce"
    );
    // A second page gets a different nonce.
    let again = header(&app.get("/holds").await, "content-security-policy");
    assert!(!again.contains(&nonce));
    // JSON gets the strict default.
    let api = app.get("/api/v1/ports").await;
    assert_eq!(
        header(&api, "content-security-policy"),
        "default-src 'none'; frame-ancestors 'none'"
    );
    assert_eq!(header(&api, "x-content-type-options"), "nosniff");
    // Every answer, whatever it is, files and probes included.
    for path in ["/healthz", "/favicon.svg", "/signin"] {
        let response = reqwest::get(app.url(path)).await.unwrap();
        assert_eq!(
            header(&response, "cross-origin-opener-policy"),
            "same-origin",
            "{path}"
        );
        assert_eq!(
            header(&response, "permissions-policy"),
            permissions,
            "{path}"
        );
        assert_eq!(header(&response, "strict-transport-security"), "", "{path}");
    }
}

pub async fn cross_site_requests_that_change_state_are_refused(backend: Backend) {
    let Some(app) = spawn_app_with(backend, 50).await else {
        return;
    };
    let call = |origin: Option<&'static str>, site: Option<&'static str>| {
        let mut request = app
            .client
            .post(format!("{}/rpc/overview", app.address))
            .header("content-type", "application/x-www-form-urlencoded")
            .body("");
        if let Some(origin) = origin {
            request = request.header("origin", origin);
        }
        if let Some(site) = site {
            request = request.header("sec-fetch-site", site);
        }
        request.send()
    };
    let refused = call(Some("https://evil.example"), Some("cross-site"))
        .await
        .unwrap();
    assert_eq!(refused.status().as_u16(), 403);
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["error"]["code"], "forbidden");
    let refused = call(Some("https://evil.example"), None).await.unwrap();
    assert_eq!(refused.status().as_u16(), 403);
    let same_origin = call(None, Some("same-origin")).await.unwrap();
    assert_eq!(same_origin.status().as_u16(), 200);
    let own_origin = app.address.clone();
    let own = app
        .client
        .post(format!("{}/rpc/overview", app.address))
        .header("origin", own_origin)
        .header("content-type", "application/x-www-form-urlencoded")
        .send()
        .await
        .unwrap();
    assert_eq!(own.status().as_u16(), 200);
}

pub async fn server_functions_answer_bad_input_with_4xx(backend: Backend) {
    let Some(app) = spawn_app_with(backend, 50).await else {
        return;
    };
    let call = |path: &'static str, body: &'static str| {
        app.client
            .post(format!("{}{path}", app.address))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
    };
    let cases = [
        ("/rpc/shipment", "id=99999", 404, "not_found"),
        ("/rpc/shipment", "id=abc", 400, "transport"),
        ("/rpc/port", "code=NOPE", 404, "not_found"),
        ("/rpc/holds", "filter=zzz", 400, "transport"),
    ];
    for (path, body, status, code) in cases {
        let response = call(path, body).await.unwrap();
        assert_eq!(response.status().as_u16(), status, "{path} {body}");
        let error: Value = response.json().await.unwrap();
        assert_eq!(error["code"], code, "{path} {body}");
    }
    let ok = call("/rpc/overview", "").await.unwrap();
    assert_eq!(ok.status().as_u16(), 200);
}

/// A server function receives its filter whole, not through the address: it is held to the
/// same bounds as the address and the API, and a value out of range is a 422 naming the field
/// (`/rpc/holds` once answered 100,000 rows a page). Statistics read at most 366 days.
pub async fn server_functions_hold_the_bounds_of_the_api(backend: Backend) {
    let Some(app) = spawn_app_with(backend, 50).await else {
        return;
    };
    let holds = "filter[status]=Active&filter[sort]=DwellDesc";
    let queue = "filter[status]=Open&filter[overdue]=false";
    let cases = [
        (
            format!("{holds}&filter[page]=1&filter[per_page]=100000"),
            "/rpc/holds",
            "per_page",
        ),
        (
            format!("{holds}&filter[page]=0&filter[per_page]=5"),
            "/rpc/holds",
            "page",
        ),
        (
            format!("{holds}&filter[page]=1&filter[per_page]=5&filter[min_age_hours]=1000000"),
            "/rpc/holds",
            "min_age_hours",
        ),
        // A port that would smuggle a second parameter in is a bad port, nothing more.
        (
            format!("{holds}&filter[page]=1&filter[per_page]=5&filter[port]=YVR%26per_page%3D9"),
            "/rpc/holds",
            "port",
        ),
        (
            format!("{queue}&filter[page]=1&filter[per_page]=100000"),
            "/rpc/inspections",
            "per_page",
        ),
        (
            format!("{queue}&filter[page]=-3&filter[per_page]=5"),
            "/rpc/inspections",
            "page",
        ),
    ];
    for (body, path, field) in &cases {
        let response = app
            .client
            .post(app.url(path))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 422, "{path} {body}");
        let error: Value = response.json().await.unwrap();
        assert_eq!(error["field"], *field, "{path} {body}: {error}");
    }
    // Within the bounds, the same call answers.
    let fine = app
        .client
        .post(app.url("/rpc/holds"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("{holds}&filter[page]=1&filter[per_page]=500"))
        .send()
        .await
        .unwrap();
    assert_eq!(fine.status().as_u16(), 200);

    // The figures of the rules, for a rule manager: a period of at most 366 days, and no day
    // past the calendar's last.
    let password = app
        .account("b.analyst", app::domain::Role::Analyst, "all")
        .await;
    let analyst = crate::helpers::client(true);
    assert!(
        app.sign_in(&analyst, "b.analyst", &password)
            .await
            .status()
            .is_success()
    );
    for (from, to, status) in [
        ("2025-01-01", "2025-12-31", 200),
        ("2024-01-01", "2024-12-31", 200),
        ("2020-01-01", "2026-01-01", 422),
        ("2026-01-01", "262142-12-31", 422),
    ] {
        let response = analyst
            .post(app.url("/rpc/rule_stats"))
            .form(&[("from", from), ("to", to)])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), status, "{from} to {to}");
        if status == 422 {
            let error: Value = response.json().await.unwrap();
            assert_eq!(error["field"], "to", "{from} to {to}: {error}");
        }
    }
    let token = app.token_for("b.analyst").await;
    let long = app
        .client
        .get(app.url("/api/v1/targeting/stats?from=2020-01-01&to=2026-01-01"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(long.status().as_u16(), 422);
}

/// The page's journal position is for the live stream of a signed-in board: the sign-in page,
/// which anyone may read, does not tell how long the journal is.
pub async fn the_sign_in_page_tells_nothing_of_the_journal(backend: Backend) {
    let Some(app) = spawn_app_with(backend, 50).await else {
        return;
    };
    let position = |html: &str| {
        html.split("name=\"journal-position\"")
            .nth(1)
            .and_then(|rest| rest.split('>').next())
            .and_then(|attrs| attrs.split("content=\"").nth(1))
            .and_then(|content| content.split('"').next())
            .map(str::to_string)
    };
    let anonymous = crate::helpers::client(false);
    let signin = anonymous.get(app.url("/signin")).send().await.unwrap();
    assert_eq!(signin.status().as_u16(), 200);
    let html = signin.text().await.unwrap();
    assert!(html.contains("Sign in"), "the sign-in page renders");
    assert_eq!(
        position(&html),
        None,
        "the sign-in page names a journal position"
    );

    let board = app.get("/").await;
    assert_eq!(board.status().as_u16(), 200);
    let html = board.text().await.unwrap();
    let seq = position(&html).expect("a signed-in board has its journal position");
    assert!(seq.parse::<i64>().unwrap() > 0, "{seq}");
}

pub async fn the_board_benchmark_runs_on_a_fresh_database(backend: Backend) {
    use border_ops::bench::Country;
    use border_ops::bench::board::{BoardBench, run};
    let Some((db, _dir)) = crate::helpers::fresh_db(backend).await else {
        return;
    };
    db.migrate().await.unwrap();
    let existing = BoardBench {
        country: Country::Existing,
        iterations: 2,
    };
    // `--existing` times a country that is there, and there is none yet.
    assert!(run(&db, &existing).await.is_err());
    let bench = BoardBench {
        country: Country::Seeded {
            seed: 3,
            shipments: 200,
        },
        iterations: 2,
    };
    run(&db, &bench).await.expect("the benchmark completes");
    assert_eq!(app_count(&db, "select count(*) from shipments").await, 200);
    // It refuses a database that already holds a country, rather than measuring a mixture,
    // unless told to time it as it stands.
    assert!(run(&db, &bench).await.is_err());
    run(&db, &existing)
        .await
        .expect("the existing country is timed");
    assert_eq!(app_count(&db, "select count(*) from shipments").await, 200);
}

async fn app_count(db: &app::db::Db, sql: &str) -> i64 {
    sqlx::Row::get(&sqlx::query(sql).fetch_one(&db.pool).await.unwrap(), 0)
}

/// The demo seed and its personas ask for one connection at a time, so they complete on a pool
/// of one, as `border-ops seed` opens it (the personas used to wait for a connection the seed
/// still held, and each account read itself back while holding its own: "the database cannot
/// be reached").
pub async fn the_demo_seed_needs_one_connection_at_a_time(backend: Backend) {
    use border_ops::seed::{self, SeedOptions};
    use chrono::Utc;
    let Some((db, _dir)) = crate::helpers::fresh_db(backend).await else {
        return;
    };
    db.pool.close().await;
    let db = app::db::Db::connect(db.url(), 1).await.expect("connects");
    db.migrate().await.expect("migrates");
    let mut options = SeedOptions::new(7, Utc::now());
    options.shipments = 50;
    tokio::time::timeout(
        std::time::Duration::from_secs(30),
        seed::demo(&db, &options),
    )
    .await
    .expect("the seed does not wait for itself")
    .expect("the seed completes on a pool of one");
    let personas = app_count(&db, "select count(*) from accounts where demo = 1").await;
    assert_eq!(personas, 5);
}

/// The running server offers waiting referrals what time has freed, on its own timer (every
/// minute by default, here every 100 ms): a referral whose hold was closed meanwhile is
/// withdrawn without a declaration or a change of capacity.
pub async fn waiting_referrals_are_released_by_the_running_server(backend: Backend) {
    use chrono::Utc;
    use sqlx::Row;
    let Some(app) = crate::helpers::spawn_app_configured(backend, 200, |config| {
        config.release_referrals_every = std::time::Duration::from_millis(100);
    })
    .await
    else {
        return;
    };
    let closed = sqlx::query(
        "select id, shipment_id, port_code from holds where status = 'released' order by id limit 1",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    sqlx::query(
        "insert into referrals_waiting (shipment_id, hold_id, port_code, kind, priority_rank, \
         score, waiting_since) values ($1, $2, $3, 'xray', 2, 90, $4)",
    )
    .bind(closed.get::<i64, _>("shipment_id"))
    .bind(closed.get::<i64, _>("id"))
    .bind(closed.get::<String, _>("port_code"))
    .bind(app::domain::clock::to_millis(Utc::now()))
    .execute(&app.db.pool)
    .await
    .unwrap();
    let started = std::time::Instant::now();
    while app
        .scalar("select count(*) from referrals_waiting where released_at is null")
        .await
        > 0
    {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(10),
            "the waiting referral was never looked at"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let withdrawn = app
        .scalar(
            "select count(*) from journal where action = 'referral_withdrawn' \
             and actor = 'Targeting (capacity)'",
        )
        .await;
    assert_eq!(withdrawn, 1);
}

/// The tally of release times that a port's page reads equals the shipments it counts, after
/// the seed's inserts and after updates that release, re-release, move or un-arrive a
/// shipment; an update that leaves the times alone changes nothing.
pub async fn the_release_and_arrival_tallies_follow_every_shipment_write(backend: Backend) {
    let Some(app) = app(backend).await else {
        return;
    };
    let pool = &app.db.pool;
    // Each tally against the same counts made from the shipments themselves.
    let pairs = [
        (
            "select port_code, day, minutes, n from release_tally",
            "select port_code, released_at / 86400000 as day, \
             (released_at - arrived_at) / 60000 as minutes, count(*) as n from shipments \
             where released_at is not null and arrived_at is not null group by 1, 2, 3",
        ),
        (
            "select port_code, day, n from arrival_tally where n <> 0",
            "select port_code, arrived_at / 86400000 as day, count(*) as n from shipments \
             where arrived_at is not null group by 1, 2",
        ),
    ];
    let differences = || async {
        let mut found = vec![];
        for (tally, counted) in pairs {
            for sql in [
                format!("select count(*) from ({counted} except {tally}) as d"),
                format!("select count(*) from ({tally} except {counted}) as d"),
            ] {
                let n: i64 = sqlx::query_scalar(&sql)
                    .fetch_one(pool)
                    .await
                    .expect("compare");
                found.push(n);
            }
        }
        found
    };
    let released = app
        .scalar("select count(*) from shipments where released_at is not null and arrived_at is not null")
        .await;
    assert!(released > 100, "the seed released shipments");
    assert_eq!(
        app.scalar("select cast(sum(n) as bigint) from release_tally")
            .await,
        released
    );
    let arrived = app
        .scalar("select count(*) from shipments where arrived_at is not null")
        .await;
    assert_eq!(
        app.scalar("select cast(sum(n) as bigint) from arrival_tally")
            .await,
        arrived
    );
    assert_eq!(differences().await, [0, 0, 0, 0], "after the seed");
    let one = |sql: &str| {
        format!(
            "{sql} where id = (select min(id) from shipments where released_at is not null and arrived_at is not null)"
        )
    };
    for (what, sql) in [
        ("released a day later", one("update shipments set released_at = released_at + 86400000")),
        ("released again within the minute", one("update shipments set released_at = released_at + 1000")),
        ("arrived an hour earlier", one("update shipments set arrived_at = arrived_at - 3600000")),
        ("moved to another port", one("update shipments set port_code = 'YVR'")),
        ("no longer arrived", one("update shipments set arrived_at = null")),
        ("a status alone", one("update shipments set status = status")),
        ("arrived again", one("update shipments set arrived_at = eta_at")),
        (
            "released now",
            "update shipments set released_at = arrived_at + 125000 \
             where id = (select min(id) from shipments where released_at is null and arrived_at is not null)"
                .to_string(),
        ),
    ] {
        sqlx::query(&sql).execute(pool).await.expect(what);
        assert_eq!(differences().await, [0, 0, 0, 0], "after {what}");
    }
}

/// Every inspection names its hold's shipment, which a port's examined count reads: after the
/// seed's inserts, and after an insert that does not name it (as a hand-written one would not).
pub async fn every_inspection_names_its_holds_shipment(backend: Backend) {
    let Some(app) = app(backend).await else {
        return;
    };
    let unlike = "select count(*) from inspections i join holds h on h.id = i.hold_id \
                  where i.shipment_id is null or i.shipment_id <> h.shipment_id";
    assert!(
        app.scalar("select count(*) from inspections").await > 10,
        "the seed opened inspections"
    );
    assert_eq!(app.scalar(unlike).await, 0, "after the seed");
    let hold = app.scalar("select max(id) from holds").await;
    sqlx::query(
        "insert into inspections (hold_id, port_code, kind, priority_rank, status, created_at, due_at) \
         select id, port_code, 'xray', 3, 'queued', placed_at, placed_at + 3600000 from holds where id = $1",
    )
    .bind(hold)
    .execute(&app.db.pool)
    .await
    .expect("insert an inspection");
    assert_eq!(app.scalar(unlike).await, 0, "after an insert without it");
    let named = app
        .scalar("select shipment_id from inspections where id = (select max(id) from inspections)")
        .await;
    let of_hold = app
        .scalar(&format!("select shipment_id from holds where id = {hold}"))
        .await;
    assert_eq!(named, of_hold);
}
