//! The trends through the API and the page, on a history built for them whose answers are
//! known; the refusals of a bad filter and of a caller not signed in; each series' CSV equal to
//! its JSON. The benchmark's test is with the other commands' (`cli.rs`).

use crate::helpers::{Backend, TestApp, client, spawn_app_with};
use app::domain::Role;
use app::domain::clock::to_millis;
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use serde_json::Value;

async fn exec(app: &TestApp, sql: &str) {
    sqlx::query(sql)
        .execute(&app.db.pool)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// TST, a land crossing in Eastern time, where the tests' holds are placed.
async fn test_crossing(app: &TestApp) {
    exec(
        app,
        "insert into ports (code, name, kind, province, time_zone, status, hours, lanes_open, \
         lanes_available, officers_on_shift) values ('TST', 'Test crossing', 'land', 'ON', \
         'America/Toronto', 'open', '24/7', 2, 4, 2)",
    )
    .await;
}

/// Shipment and hold `id` at TST: placed at `placed`, due at `due`, `status` since `resolved`.
async fn hold(
    app: &TestApp,
    id: i64,
    status: &str,
    placed: DateTime<Utc>,
    due: DateTime<Utc>,
    resolved: Option<DateTime<Utc>>,
) {
    let times = (placed, due, resolved);
    held(app, id, "risk_target", ("Goods", "847130"), status, times).await;
}

/// Shipment `id` at TST of goods `(description, hs_code)`, held for `reason`: `status` since
/// `resolved`, placed at `placed`, due at `due`.
async fn held(
    app: &TestApp,
    id: i64,
    reason: &str,
    (description, hs_code): (&str, &str),
    status: &str,
    (placed, due, resolved): (DateTime<Utc>, DateTime<Utc>, Option<DateTime<Utc>>),
) {
    let at = to_millis(placed - Duration::hours(1));
    exec(
        app,
        &format!(
            "insert into shipments (id, mode, reference_kind, reference, carrier, voyage, \
             origin_country, origin_location, port_code, shipper_name, shipper_address, \
             consignee_name, consignee_address, importer_name, hs_code, description, pieces, \
             weight_kg, declared_value_cents, currency, eta_at, arrived_at, status, created_at) \
             values ({id}, 'land', 'cargo_control', 'TST{id:07}', 'Carrier', 'V1', 'US', \
             'Buffalo', 'TST', 'Shipper', 'Address', 'Consignee', 'Address', 'Importer', \
             '{hs_code}', '{description}', 1, 10.0, 100, 'CAD', {at}, {at}, 'held', {at})"
        ),
    )
    .await;
    exec(
        app,
        &format!(
            "insert into holds (id, shipment_id, port_code, reason, status, placed_at, placed_by, \
             due_at, resolved_at) values ({id}, {id}, 'TST', '{reason}', '{status}', {}, \
             'test', {}, {})",
            to_millis(placed),
            to_millis(due),
            resolved.map_or("null".to_string(), |r| to_millis(r).to_string())
        ),
    )
    .await;
}

/// A completed examination of hold `id` by officer 1, opened an hour before `done`.
async fn examined(app: &TestApp, id: i64, done: DateTime<Utc>, outcome: &str) {
    exec(
        app,
        &format!(
            "insert into inspections (id, hold_id, port_code, kind, priority_rank, status, \
             created_at, due_at, assigned_officer_id, started_at, completed_at, outcome) values \
             ({id}, {id}, 'TST', 'xray', 3, 'completed', {opened}, {due}, 1, {opened}, {done}, \
             '{outcome}')",
            opened = to_millis(done - Duration::hours(1)),
            due = to_millis(done + Duration::hours(8)),
            done = to_millis(done),
        ),
    )
    .await;
}

/// Shipment `id` scored at `at`: selected by the rules (`red`) or at random.
async fn scored(app: &TestApp, id: i64, at: DateTime<Utc>, random: bool) {
    exec(
        app,
        &format!(
            "insert into shipment_scores (id, shipment_id, scored_at, declaration_kind, score, \
             lane, random_selected, ruleset) values ({id}, {id}, {}, 'full', 70, '{}', {}, 'x')",
            to_millis(at),
            if random { "green" } else { "red" },
            i64::from(random)
        ),
    )
    .await;
}

/// Sends CBSA's wait times `file` as an administrator does; every row must be recorded.
async fn import_waits(app: &TestApp, file: String) {
    app.account("waits.sender", Role::Admin, "all").await;
    let token = app.token_for("waits.sender").await;
    let response = reqwest::Client::new()
        .post(app.url("/api/v1/waits"))
        .bearer_auth(token)
        .header("content-type", "text/csv")
        .body(file)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let report: Value = response.json().await.unwrap();
    assert!(
        report["rows"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["outcome"] == "recorded"),
        "{report}"
    );
}

/// `csv`'s rows, its byte order mark and header left out.
fn rows(csv: &str) -> Vec<String> {
    csv.trim_start_matches('\u{feff}')
        .split("\r\n")
        .skip(1)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

/// A JSON value as the CSV writes it.
fn cell(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        // The CSV writes a number as short as it reads back: 1.0 as 1.
        Value::Number(n) if n.is_f64() => n.as_f64().unwrap_or_default().to_string(),
        other => other.to_string(),
    }
}

/// TST (Eastern time), yesterday: holds released after 1 h, 2 h and 10 h (median 2 h; 90th
/// percentile by nearest rank: 10 h), one seized, one still on hold and past its service
/// level, one placed the day before and released yesterday; examinations by officer 1; a
/// shipment selected by the rules with a finding and one selected at random without; border
/// waits from CBSA's file, the day before and yesterday, one row measuring no travellers.
pub async fn a_constructed_history_gives_the_trends_it_should(backend: Backend) {
    let Some(app) = spawn_app_with(backend, 0).await else {
        return;
    };
    test_crossing(&app).await;
    exec(
        &app,
        "insert into officers (id, name, badge, home_port) values (1, 'Avery Test', 'T-1', 'TST')",
    )
    .await;
    let zone: chrono_tz::Tz = "America/Toronto".parse().unwrap();
    let today = Utc::now().with_timezone(&zone).date_naive();
    let yesterday = today - Duration::days(1);
    let local = |day: NaiveDate, h: u32| -> DateTime<Utc> {
        zone.from_local_datetime(&day.and_hms_opt(h, 0, 0).unwrap())
            .earliest()
            .unwrap()
            .with_timezone(&Utc)
    };
    let eight = local(yesterday, 8);
    let h = Duration::hours;
    hold(&app, 1, "released", eight, eight + h(4), Some(eight + h(1))).await;
    hold(&app, 2, "released", eight, eight + h(4), Some(eight + h(2))).await;
    // Released at 18:00, past its due time of 12:00.
    hold(
        &app,
        3,
        "released",
        eight,
        eight + h(4),
        Some(eight + h(10)),
    )
    .await;
    hold(&app, 4, "seized", eight, eight + h(4), Some(eight + h(3))).await;
    // Still on hold, due at 20:00 yesterday.
    hold(&app, 5, "placed", eight + h(10), eight + h(12), None).await;
    // Placed the day before at 23:00, released yesterday at 01:00 (2 h).
    let before = local(yesterday - Duration::days(1), 23);
    hold(
        &app,
        6,
        "released",
        before,
        before + h(24),
        Some(before + h(2)),
    )
    .await;
    examined(&app, 1, eight + h(1), "no_finding").await;
    examined(&app, 4, eight + h(3), "seizure").await;
    scored(&app, 4, eight - h(1), false).await;
    scored(&app, 1, eight - h(1), true).await;
    exec(
        &app,
        "update ports set cbsa_office = 'Test Office' where code = 'TST'",
    )
    .await;
    let waits_row = |at: DateTime<Utc>, commercial: &str, travellers: &str| {
        format!(
            "Test Office;Test, ON/Test, NY;{};{commercial};--;{travellers};--\n",
            at.to_rfc3339()
        )
    };
    import_waits(
        &app,
        [
            "CBSA Office;Location;Last updated;Commercial Flow - Canada bound;\
             Commercial Flow - U.S. bound;Travellers Flow - Canada bound;\
             Travellers Flow - U.S. bound\n"
                .to_string(),
            // The day before: not yesterday's.
            waits_row(
                local(yesterday - Duration::days(1), 12),
                "3 hours",
                "3 hours",
            ),
            waits_row(local(yesterday, 9), "30 minutes", "5 minutes"),
            // Travellers not measured: the port keeps 5 minutes, which is no new measurement.
            waits_row(local(yesterday, 10), "1 hour", "Not Applicable"),
            waits_row(local(yesterday, 14), "No Delay", "15 minutes"),
        ]
        .concat(),
    )
    .await;

    let query = format!("period=custom&from={yesterday}&to={yesterday}&port=tst");
    let t = app.get_json(&format!("/api/v1/trends?{query}"), 200).await;
    assert_eq!(t["scope"], "port");
    assert_eq!(t["scope_code"], "TST");
    assert_eq!(t["time_zone"], "America/Toronto");
    assert_eq!(t["from"], yesterday.to_string());
    let day = &t["release_times"][0];
    assert_eq!(t["release_times"].as_array().map(Vec::len), Some(1), "{t}");
    // 1 h, 2 h, 2 h, 10 h: median (nearest rank, the 2nd of 4) 2 h, 90th percentile 10 h.
    assert_eq!(day["released"], 4, "{t}");
    assert_eq!(day["median_min"], 120, "{t}");
    assert_eq!(day["p90_min"], 600, "{t}");
    let holds = &t["holds"][0];
    assert_eq!(
        (&holds["placed"], &holds["released"], &holds["seized"]),
        (&Value::from(5), &Value::from(4), &Value::from(1)),
        "{t}"
    );
    // Hold 3 (released after its due time) and hold 5 (still on hold).
    assert_eq!(t["past_service_level"][0]["count"], 2, "{t}");
    let exams = &t["examinations"][0];
    assert_eq!(exams["opened"], 2, "{t}");
    assert_eq!(exams["completed"], 2, "{t}");
    assert_eq!(exams["seizure"], 1, "{t}");
    assert_eq!(exams["no_finding"], 1, "{t}");
    let referrals = &t["referrals"][0];
    assert_eq!(referrals["selected"], 1, "{t}");
    assert_eq!(referrals["hit_rate"], 1.0, "{t}");
    assert_eq!(referrals["random_selected"], 1, "{t}");
    assert_eq!(referrals["random_hit_rate"], 0.0, "{t}");
    assert_eq!(t["officers"][0]["badge"], "T-1", "{t}");
    assert_eq!(t["officers"][0]["completed"], 2, "{t}");
    assert_eq!(t["officers"][0]["findings"], 1, "{t}");
    // Commercial 30, 60 and 0 minutes against 45; travellers 5 and 15 against 10.
    let waits = t["border_waits"].as_array().unwrap();
    assert_eq!(waits.len(), 2, "{t}");
    let figures = |w: &Value| {
        [
            "flow",
            "standard_min",
            "measurements",
            "mean_min",
            "worst_min",
            "over_standard",
            "over_standard_share",
        ]
        .map(|k| cell(&w[k]))
        .join(",")
    };
    assert_eq!(waits[0]["day"], yesterday.to_string());
    assert_eq!(figures(&waits[0]), "commercial,45,3,30,60,1,0.333", "{t}");
    assert_eq!(figures(&waits[1]), "traveller,10,2,10,15,1,0.5", "{t}");
    // The dwell bands: at the end of yesterday hold 5 had sat 4 h (4 h to 8 h); the ended
    // ones 1 h, 2 h, 10 h, 3 h and 2 h.
    let bands: Vec<(String, i64, i64)> = t["dwell"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            (
                cell(&b["band"]),
                b["active"].as_i64().unwrap(),
                b["ended"].as_i64().unwrap(),
            )
        })
        .collect();
    let end_of_day = local(today, 0);
    let active_band = if end_of_day - (eight + h(10)) < h(8) {
        "4h_8h"
    } else {
        "8h_24h"
    };
    for (band, active, ended) in &bands {
        let want_active = i64::from(band == active_band);
        let want_ended = match band.as_str() {
            "1h_4h" => 4,
            "8h_24h" => 1,
            _ => 0,
        };
        assert_eq!((*active, *ended), (want_active, want_ended), "{band}: {t}");
    }

    // The same port through its region and its mode; nothing for another mode.
    let by = |scope: &str| {
        format!("/api/v1/trends?period=custom&from={yesterday}&to={yesterday}&{scope}")
    };
    let region = app.get_json(&by("region=ontario"), 200).await;
    assert_eq!(region["holds"], t["holds"]);
    assert_eq!(region["time_zone"], "America/Toronto");
    let land = app.get_json(&by("mode=land"), 200).await;
    assert_eq!(land["release_times"], t["release_times"]);
    let air = app.get_json(&by("mode=air"), 200).await;
    assert_eq!(air["holds"][0]["placed"], 0);
    assert_eq!(air["officers"], Value::Array(vec![]));
    assert!(
        air["border_waits"]
            .as_array()
            .unwrap()
            .iter()
            .all(|w| w["measurements"] == 0 && w["mean_min"].is_null()),
        "{air}"
    );
    assert_eq!(land["border_waits"], t["border_waits"]);
    // The country over 7 days: yesterday is among them.
    let week = app.get_json("/api/v1/trends", 200).await;
    assert_eq!(week["holds"].as_array().map(Vec::len), Some(7));
    assert_eq!(week["to"], today.to_string());
    let day = week["holds"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["day"] == yesterday.to_string())
        .expect("yesterday");
    assert_eq!(day["placed"], 5);

    // Each series' CSV has the JSON's rows.
    for (series, columns) in [
        (
            "release_times",
            &["day", "released", "median_min", "p90_min"][..],
        ),
        ("holds", &["day", "placed", "released", "seized"][..]),
        ("past_service_level", &["day", "count"][..]),
        ("dwell", &["band", "active", "ended"][..]),
        (
            "referrals",
            &["day", "selected", "examined", "findings", "hit_rate"][..],
        ),
        (
            "officers",
            &["officer_id", "name", "badge", "completed", "findings"][..],
        ),
        (
            "border_waits",
            &[
                "day",
                "flow",
                "standard_min",
                "measurements",
                "mean_min",
                "worst_min",
                "over_standard",
                "over_standard_share",
            ][..],
        ),
    ] {
        let response = app
            .get(&format!(
                "/api/v1/trends?{query}&series={series}&format=csv"
            ))
            .await;
        assert_eq!(response.status(), 200, "{series}");
        assert!(
            response.headers()["content-disposition"]
                .to_str()
                .unwrap()
                .contains(&format!("trends-{series}-")),
            "{series}"
        );
        let csv = response.text().await.unwrap();
        let header = csv.trim_start_matches('\u{feff}').lines().next().unwrap();
        assert!(header.starts_with(&columns.join(",")), "{series}: {header}");
        let width = header.split(',').count();
        let json: Vec<String> = t[series]
            .as_array()
            .unwrap()
            .iter()
            .map(|row| {
                let names: Vec<&str> = header.split(',').collect();
                assert_eq!(names.len(), width);
                names
                    .iter()
                    .map(|n| cell(&row[*n]))
                    .collect::<Vec<_>>()
                    .join(",")
            })
            .collect();
        assert_eq!(rows(&csv), json, "{series}");
    }
    // Asked for by Accept too.
    let csv = app
        .client
        .get(app.url(&format!("/api/v1/trends?{query}&series=holds")))
        .header("accept", "text/csv")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(rows(&csv), vec![format!("{yesterday},5,4,1")]);

    // The page: the charts, their tables and their CSV links, in English and in French.
    let page = app.get(&format!("/trends?{query}")).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("Release times"), "{html}");
    assert!(html.contains("data-series=\"past_service_level\""));
    // The waits' table shows the JSON's figures, in words and numbers of the reader's language.
    assert!(
        html.contains("Border waits against their standards"),
        "{html}"
    );
    assert!(html.contains("Only land crossings measure waits"), "{html}");
    assert!(html.contains("data-series=\"border_waits\""));
    assert!(html.contains("<svg"));
    assert!(html.contains(&format!(
        "/api/v1/trends?period=custom&amp;from={yesterday}&amp;to={yesterday}&amp;port=TST&amp;series=holds&amp;format=csv"
    )) || html.contains(&format!(
        "/api/v1/trends?period=custom&from={yesterday}&to={yesterday}&port=TST&series=holds&format=csv"
    )), "{html}");
    assert!(
        html.contains("Eastern (America/Toronto)")
            || html.contains("port’s own time (America/Toronto)")
    );
    let french = app
        .client
        .get(app.url(&format!("/trends?{query}")))
        .header("accept-language", "fr-CA")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(french.contains("Délais de mainlevée"), "{french}");
    assert!(
        french.contains("Temps d’attente à la frontière par rapport aux normes"),
        "{french}"
    );
    assert!(french.contains("Voyageurs"), "{french}");
    // The port page's section, over 7 days.
    let port = app.get("/ports/TST").await.text().await.unwrap();
    assert!(port.contains("Trends over the last 7 days"), "{port}");
    // A crossing that measured waits this week shows them there too.
    assert!(port.contains("data-series=\"border_waits\""), "{port}");
    assert!(
        port.contains("/trends?period=7d&amp;port=TST")
            || port.contains("/trends?period=7d&port=TST")
    );
}

/// A bad period, date range, scope or series is a 422 naming the field; the trends are for
/// those signed in.
pub async fn bad_filters_are_named_and_strangers_refused(backend: Backend) {
    let Some(app) = spawn_app_with(backend, 0).await else {
        return;
    };
    for (query, field) in [
        ("period=week", "period"),
        ("period=custom&from=2026-09-01&to=2026-12-02", "to"),
        ("period=custom&from=2026-11-02&to=2026-11-01", "to"),
        ("period=custom&to=2026-11-01", "from"),
        ("period=custom&from=2026-11-31&to=2026-12-01", "from"),
        ("port=YUL&mode=air", "mode"),
        ("region=prairie", "region"),
        ("port=NOPE", "port"),
        ("format=csv", "series"),
        ("series=waits", "series"),
        ("day=1", "day"),
    ] {
        let refusal = app.get_json(&format!("/api/v1/trends?{query}"), 422).await;
        assert_eq!(refusal["error"]["field"], field, "{query}: {refusal}");
    }
    // 92 days is the longest.
    app.get_json(
        "/api/v1/trends?period=custom&from=2026-09-01&to=2026-12-01",
        200,
    )
    .await;
    let anonymous = client(false);
    let api = anonymous
        .get(app.url("/api/v1/trends"))
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), 401);
    let page = anonymous.get(app.url("/trends")).send().await.unwrap();
    assert!(page.status().is_redirection(), "{}", page.status());
    assert!(
        page.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/signin")
    );
}

/// Shipment and hold `id` at TST, held for intellectual property at `placed`: goods of
/// `hs_code` described as `description`, `status` since `resolved`, due ten days on.
async fn detained(
    app: &TestApp,
    id: i64,
    goods: (&str, &str),
    status: &str,
    placed: DateTime<Utc>,
    resolved: Option<DateTime<Utc>>,
) {
    let times = (placed, placed + Duration::days(10), resolved);
    held(app, id, "intellectual_property", goods, status, times).await;
}

/// TST, yesterday: three detentions of handbags under a request for assistance (seized after
/// 1 and 3 days, one still held), one of watches under another (released after 12 hours), one
/// under no request (toys whose request has no mark of theirs); a hold for another reason is
/// not a detention. The rows, their CSV, and the page in both languages.
pub async fn counterfeit_detentions_are_counted_per_rights_holder(backend: Backend) {
    let Some(app) = spawn_app_with(backend, 0).await else {
        return;
    };
    test_crossing(&app).await;
    let zone: chrono_tz::Tz = "America/Toronto".parse().unwrap();
    let today = Utc::now().with_timezone(&zone).date_naive();
    let yesterday = today - Duration::days(1);
    // The register as it stood: both requests in force since the day before yesterday.
    let requests = [101, 102];
    for (id, holder, mark, goods) in [
        (requests[0], "Maison Test SA", "TESTBAG", "4202"),
        (requests[1], "Test Horlogerie AG", "TESTWATCH", "9102"),
    ] {
        exec(
            &app,
            &format!(
                "insert into rights_requests (id, rights_holder, marks_json, goods_json, \
                 goods_description, genuine_features, contact_name, contact_email, \
                 contact_phone, valid_from, valid_to, security_cents, registered_at, \
                 registered_by) values ({id}, '{holder}', '[\"{mark}\"]', '[\"{goods}\"]', \
                 'Test goods', 'A serial number', 'A. Test', 'ip@test.example', \
                 '+1 613 555 0100', '{}', '{}', 0, 0, 'test')",
                yesterday - Duration::days(1),
                yesterday + Duration::days(700),
            ),
        )
        .await;
    }
    let zone_noon = zone
        .from_local_datetime(&yesterday.and_hms_opt(12, 0, 0).unwrap())
        .earliest()
        .unwrap()
        .with_timezone(&Utc);
    let (bags, watches, toys) = (
        ("Handbags, TESTBAG brand", "420221"),
        ("Wrist-watches, TESTWATCH", "910221"),
        ("Toys, TESTBAG brand", "950300"),
    );
    let day = Duration::days(1);
    detained(&app, 1, bags, "seized", zone_noon, Some(zone_noon + day)).await;
    detained(
        &app,
        2,
        bags,
        "seized",
        zone_noon,
        Some(zone_noon + day * 3),
    )
    .await;
    detained(&app, 3, bags, "placed", zone_noon, None).await;
    let half_day = Some(zone_noon + Duration::hours(12));
    detained(&app, 4, watches, "released", zone_noon, half_day).await;
    detained(&app, 5, toys, "referred", zone_noon, half_day).await;
    hold(&app, 6, "placed", zone_noon, zone_noon + day, None).await;

    let query = format!("period=custom&from={yesterday}&to={yesterday}&port=TST");
    let t = app.get_json(&format!("/api/v1/trends?{query}"), 200).await;
    let holders = t["counterfeits"].as_array().unwrap();
    let figures = |row: &Value| {
        [
            "detained",
            "open",
            "released",
            "seized",
            "referred_or_returned",
        ]
        .map(|k| row[k].as_i64().unwrap())
    };
    assert_eq!(holders.len(), 3, "{t}");
    assert_eq!(holders[0]["rights_holder"], "Maison Test SA");
    assert_eq!(holders[0]["request_id"], requests[0]);
    assert_eq!(figures(&holders[0]), [3, 1, 0, 2, 0]);
    assert_eq!(holders[0]["median_days"], 2.0, "1 and 3 days: {t}");
    assert_eq!(holders[1]["rights_holder"], "Test Horlogerie AG");
    assert_eq!(figures(&holders[1]), [1, 0, 1, 0, 0]);
    assert_eq!(holders[1]["median_days"], 0.5);
    assert!(holders[2]["rights_holder"].is_null(), "{t}");
    assert_eq!(figures(&holders[2]), [1, 0, 0, 0, 1]);

    let csv = app
        .get(&format!(
            "/api/v1/trends?{query}&series=counterfeits&format=csv"
        ))
        .await
        .text()
        .await
        .unwrap();
    let header = csv.trim_start_matches('\u{feff}').lines().next().unwrap();
    assert_eq!(
        header,
        "rights_holder,request_id,detained,open,released,seized,referred_or_returned,median_days"
    );
    assert_eq!(
        rows(&csv),
        [
            format!("Maison Test SA,{},3,1,0,2,0,2", requests[0]),
            format!("Test Horlogerie AG,{},1,0,1,0,0,0.5", requests[1]),
            ",,1,0,0,0,1,0.5".to_string(),
        ]
    );

    let page = app
        .get(&format!("/trends?{query}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Counterfeit detentions per rights holder"),
        "{page}"
    );
    assert!(page.contains("No request for assistance (officer’s own initiative)"));
    let french = app
        .client
        .get(app.url(&format!("/trends?{query}")))
        .header("accept-language", "fr-CA")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        french.contains("Retenues pour contrefaçon présumée, par titulaire des droits"),
        "{french}"
    );
    assert!(french.contains("Aucune demande d’aide (initiative de l’agent)"));
}
