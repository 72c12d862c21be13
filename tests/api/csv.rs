//! Every list of the board as CSV (`?format=csv` or `Accept: text/csv`): the same rows and
//! values as its JSON under the same filters, formulas defused, refused and allowed as the
//! JSON is, and a large list sent whole, a part at a time.

use crate::helpers::{Backend, TestApp, client, spawn_app};
use app::domain::Role;
use reqwest::{StatusCode, header};
use serde_json::{Value, json};

/// A CSV file's rows (the header first), read as RFC 4180 says, after its byte order mark.
fn parse_csv(body: &str) -> Vec<Vec<String>> {
    let body = body
        .strip_prefix('\u{feff}')
        .expect("the file starts with a UTF-8 byte order mark");
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => cell.push(c),
            (false, '"') if cell.is_empty() => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut cell)),
            (false, '\r') if chars.peek() == Some(&'\n') => {
                chars.next();
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => cell.push(c),
        }
    }
    assert!(
        cell.is_empty() && row.is_empty(),
        "the last line ends with CRLF"
    );
    rows
}

/// What a JSON text must become in a cell: prefixed with `'` where a spreadsheet would read
/// a formula, unless it is a plain number.
fn defused(text: &str) -> String {
    let number = text
        .trim_start_matches(['-', '+'])
        .split_once('.')
        .map_or_else(
            || text.trim_start_matches(['-', '+']).parse::<u64>().is_ok(),
            |(a, b)| a.parse::<u64>().is_ok() && (b.is_empty() || b.parse::<u64>().is_ok()),
        );
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) && !number {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

/// Whether a CSV cell says what the JSON value says.
fn same(cell: &str, value: &Value) -> bool {
    match value {
        Value::Null => cell.is_empty(),
        Value::Bool(b) => cell == b.to_string(),
        // serde_json reads a long decimal to within one unit in the last place (it parses
        // fast, not exactly), so a ratio is the same when the two agree that closely.
        Value::Number(n) => match (cell.parse::<f64>().ok(), n.as_f64()) {
            (Some(a), Some(b)) => {
                a == b || (a - b).abs() <= 4.0 * f64::EPSILON * a.abs().max(b.abs())
            }
            _ => false,
        },
        Value::String(s) => cell == defused(s),
        other => panic!("a nested value reached a cell: {other}"),
    }
}

/// The JSON value a column of the CSV stands for in `item`: its field, or a nested one
/// flattened (the assigned officer, a port's notices).
fn json_cell(item: &Value, column: &str) -> Value {
    if let Some(field) = column.strip_prefix("assigned_officer_") {
        return item["assigned_officer"]
            .get(field)
            .cloned()
            .unwrap_or(Value::Null);
    }
    let notices = |field: &str| {
        item["notices"]
            .as_array()
            .expect("notices")
            .iter()
            .map(|n| n[field].as_str().expect("text").to_string())
            .collect::<Vec<_>>()
            .join(" | ")
    };
    match column {
        "notices" => json!(item["notices"].as_array().expect("notices").len()),
        "notice_kinds" => json!(notices("kind")),
        "notice_messages" => json!(notices("message")),
        column => item
            .get(column)
            .cloned()
            .unwrap_or_else(|| panic!("{column} is a field of the JSON: {item}")),
    }
}

/// The CSV's rows equal the JSON's items: same count, same order, same value in each column.
fn assert_rows_equal(what: &str, csv: &[Vec<String>], items: &[Value]) {
    let (header, rows) = csv.split_first().expect("a header");
    assert_eq!(rows.len(), items.len(), "{what}: as many rows as the JSON");
    for (row, item) in rows.iter().zip(items) {
        assert_eq!(row.len(), header.len(), "{what}: a cell per column");
        for (column, cell) in header.iter().zip(row) {
            let value = json_cell(item, column);
            assert!(
                same(cell, &value),
                "{what}: {column} is {cell:?} in the CSV, {value} in the JSON"
            );
        }
    }
}

/// Every item of a paged JSON list, page after page.
async fn all_json(http: &reqwest::Client, app: &TestApp, path: &str) -> Vec<Value> {
    let mut items = Vec::new();
    for page in 1.. {
        let response = http
            .get(app.url(&format!("{path}&per_page=500&page={page}")))
            .send()
            .await
            .expect("request is sent");
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let body: Value = response.json().await.expect("JSON");
        items.extend(body["items"].as_array().expect("items").iter().cloned());
        if items.len() as i64 >= body["total"].as_i64().expect("total") {
            break;
        }
    }
    items
}

/// A CSV answer: its status must be 200, its type CSV, its name the list's and the moment's.
async fn csv_of(request: reqwest::RequestBuilder, list: &str) -> Vec<Vec<String>> {
    let response = request.send().await.expect("request is sent");
    assert_eq!(response.status(), StatusCode::OK, "{list}");
    assert_eq!(
        response.headers()[header::CONTENT_TYPE],
        "text/csv; charset=utf-8"
    );
    let disposition = response.headers()[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .to_string();
    let name = disposition
        .strip_prefix(&format!("attachment; filename=\"{list}-"))
        .and_then(|rest| rest.strip_suffix("Z.csv\""))
        .unwrap_or_else(|| panic!("a file named for {list} and the moment: {disposition}"));
    assert!(
        chrono::NaiveDateTime::parse_from_str(name, "%Y-%m-%dT%H%M").is_ok(),
        "{disposition}"
    );
    parse_csv(&response.text().await.expect("a body"))
}

fn with_token(
    http: &reqwest::Client,
    app: &TestApp,
    path: &str,
    token: &str,
) -> reqwest::RequestBuilder {
    http.get(app.url(path)).bearer_auth(token)
}

pub async fn each_list_s_csv_has_its_json_s_rows_under_its_filters(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let http = &app.client;
    let some = app
        .get_json("/api/v1/holds?status=all&per_page=1", 200)
        .await;
    let port = some["items"][0]["port_code"].as_str().unwrap().to_string();
    for filter in [
        "status=all".to_string(),
        "status=all&sort=port".into(),
        "sort=due".into(),
        "sort=dwell_asc".into(),
        format!("port={port}&status=all&min_age_hours=24"),
        "reason=documentation".into(),
    ] {
        let items = all_json(http, &app, &format!("/api/v1/holds?{filter}")).await;
        let csv = csv_of(
            http.get(app.url(&format!("/api/v1/holds?{filter}&format=csv"))),
            "holds",
        )
        .await;
        assert!(!items.is_empty() || filter.contains("reason"), "{filter}");
        assert_rows_equal(&format!("holds?{filter}"), &csv, &items);
    }
    let queue_port = app
        .get_json("/api/v1/inspections?status=all&per_page=1", 200)
        .await["items"][0]["port_code"]
        .as_str()
        .unwrap()
        .to_string();
    for filter in [
        "status=all".to_string(),
        "status=open".into(),
        format!("port={queue_port}&status=all"),
        "overdue=true".into(),
        "status=all&priority=urgent".into(),
    ] {
        let items = all_json(http, &app, &format!("/api/v1/inspections?{filter}")).await;
        let csv = csv_of(
            http.get(app.url(&format!("/api/v1/inspections?{filter}&format=csv"))),
            "inspections",
        )
        .await;
        assert_rows_equal(&format!("inspections?{filter}"), &csv, &items);
    }
    // Some examinations are assigned: the officer's columns are filled from the JSON's.
    let assigned = all_json(http, &app, "/api/v1/inspections?status=all").await;
    assert!(assigned.iter().any(|i| !i["assigned_officer"].is_null()));

    let overview = app.get_json("/api/v1/ports", 200).await;
    let ports = overview["ports"].as_array().unwrap();
    assert!(
        ports
            .iter()
            .any(|p| !p["notices"].as_array().unwrap().is_empty())
    );
    let csv = csv_of(http.get(app.url("/api/v1/ports?format=csv")), "ports").await;
    assert_rows_equal("ports", &csv, ports);

    // The rules' figures are for rule managers.
    app.account("csv.analyst", Role::Analyst, "all").await;
    let token = app.token_for("csv.analyst").await;
    let today = chrono::Utc::now().date_naive();
    let period = format!(
        "from={}&to={}",
        today - chrono::Duration::days(300),
        today + chrono::Duration::days(1)
    );
    let report: Value = with_token(
        http,
        &app,
        &format!("/api/v1/targeting/stats?{period}"),
        &token,
    )
    .send()
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let flat = |stats: &Value, head: Value| {
        let mut row = head;
        for (k, v) in stats.as_object().unwrap() {
            row[k] = v.clone();
        }
        row["from"] = report["from"].clone();
        row["to"] = report["to"].clone();
        row
    };
    let mut items: Vec<Value> = report["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let head = json!({"selection": "rule", "rule_id": r["rule_id"], "name": r["name"],
                "enabled": r["enabled"], "current_version": r["current_version"]});
            flat(&r["stats"], head)
        })
        .collect();
    assert!(!items.is_empty());
    items.push(flat(
        &report["random"],
        json!({"selection": "random", "rule_id": null, "name": null, "enabled": null,
            "current_version": null}),
    ));
    let csv = csv_of(
        with_token(
            http,
            &app,
            &format!("/api/v1/targeting/stats?{period}&format=csv"),
            &token,
        ),
        "targeting-stats",
    )
    .await;
    assert_rows_equal("targeting stats", &csv, &items);
}

pub async fn csv_is_asked_for_either_way_and_a_bad_format_is_named(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let http = &app.client;
    for list in ["holds", "inspections", "ports"] {
        let by_parameter = csv_of(
            http.get(app.url(&format!("/api/v1/{list}?format=csv"))),
            list,
        )
        .await;
        let by_header = csv_of(
            http.get(app.url(&format!("/api/v1/{list}")))
                .header(header::ACCEPT, "text/csv"),
            list,
        )
        .await;
        assert_eq!(by_parameter, by_header, "{list}");
        assert!(by_parameter.len() > 1, "{list} has rows");
        // `format=json` wins over the header, and is accepted by the filter.
        let json = http
            .get(app.url(&format!("/api/v1/{list}?format=json")))
            .header(header::ACCEPT, "text/csv")
            .send()
            .await
            .unwrap();
        assert_eq!(json.status(), StatusCode::OK, "{list}");
        assert!(
            json.headers()[header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with("application/json")
        );
        for (query, field) in [
            ("format=xml", "format"),
            ("format=CSV;drop", "format"),
            ("format=csv&formats=csv", "formats"),
        ] {
            let body = app.get_json(&format!("/api/v1/{list}?{query}"), 422).await;
            assert_eq!(body["error"]["field"], field, "{list}?{query}: {body}");
        }
        let body = app
            .get_json(&format!("/api/v1/{list}?format=xml"), 422)
            .await;
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("csv or json"),
            "{body}"
        );
    }
    // A CSV carries every row: paging is refused by name, with how to narrow instead.
    for list in ["holds", "inspections"] {
        for field in ["page", "per_page"] {
            let body = app
                .get_json(&format!("/api/v1/{list}?format=csv&{field}=2"), 422)
                .await;
            assert_eq!(body["error"]["field"], field);
            assert!(
                body["error"]["message"]
                    .as_str()
                    .unwrap()
                    .contains("filters"),
                "{body}"
            );
        }
    }
    // The refusal is in the language asked for, with the same field.
    let body: Value = http
        .get(app.url("/api/v1/holds?format=xml"))
        .header(header::ACCEPT_LANGUAGE, "fr-CA")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(body["error"]["field"], "format");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("csv ou json"),
        "{body}"
    );
    // The README's call, with a viewer's token: `curl -OJ` saves it under the name given.
    app.account("csv.reader", Role::Viewer, "all").await;
    let token = app.token_for("csv.reader").await;
    let rows = csv_of(
        with_token(
            &client(false),
            &app,
            "/api/v1/holds?port=YVR&status=all&format=csv",
            &token,
        ),
        "holds",
    )
    .await;
    assert!(rows.len() > 1 && rows[1..].iter().all(|r| r[5] == "YVR"));
    // A bad filter is still a 422 in CSV, before anything is sent.
    let body = app.get_json("/api/v1/holds?format=csv&port=ZZZ", 422).await;
    assert_eq!(body["error"]["field"], "port");
}

pub async fn a_formula_in_a_description_comes_out_defused(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let hold = app.get_json("/api/v1/holds?per_page=1", 200).await["items"][0].clone();
    let formula = "=cmd|' /C calc'!A0";
    sqlx::query("update shipments set description = $1, importer_name = $2 where id = $3")
        .bind(formula)
        .bind("-Importer, \"Ltd\"")
        .bind(hold["shipment_id"].as_i64().unwrap())
        .execute(&app.db.pool)
        .await
        .unwrap();
    let csv = csv_of(app.client.get(app.url("/api/v1/holds?format=csv")), "holds").await;
    let header = &csv[0];
    let column = |name: &str| header.iter().position(|c| c == name).unwrap();
    let id = hold["id"].to_string();
    let row = csv
        .iter()
        .find(|r| r[column("id")] == id)
        .expect("the hold is in the file");
    assert_eq!(row[column("description")], format!("'{formula}"));
    assert_eq!(row[column("importer_name")], "'-Importer, \"Ltd\"");
    // Numbers stay numbers.
    assert_eq!(row[column("paused_ms")], hold["paused_ms"].to_string());
    assert_eq!(row[column("version")], hold["version"].to_string());
}

pub async fn csv_downloads_are_allowed_as_their_json_is(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let anonymous = client(false);
    for path in [
        "/api/v1/holds?format=csv",
        "/api/v1/inspections?format=csv",
        "/api/v1/ports?format=csv",
        "/api/v1/targeting/stats?format=csv",
    ] {
        let response = anonymous.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{path}");
        let response = anonymous
            .get(app.url(path.split('?').next().unwrap()))
            .header(header::ACCEPT, "text/csv")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{path}");
    }
    // A viewer reads the board's lists, not the rules' figures: the same as in JSON.
    for (path, status) in [
        ("/api/v1/targeting/stats", StatusCode::FORBIDDEN),
        ("/api/v1/holds", StatusCode::OK),
    ] {
        for query in ["", "?format=csv"] {
            let response = app.get(&format!("{path}{query}")).await;
            assert_eq!(response.status(), status, "{path}{query}");
        }
    }
    // An officer of one port gets in CSV the very rows the JSON gives them.
    app.account("csv.officer", Role::Officer, "YVR").await;
    let token = app.token_for("csv.officer").await;
    let officer = client(false);
    let json: Vec<Value> = {
        let body: Value = with_token(
            &officer,
            &app,
            "/api/v1/holds?status=all&per_page=500",
            &token,
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
        body["items"].as_array().unwrap().clone()
    };
    let csv = csv_of(
        with_token(
            &officer,
            &app,
            "/api/v1/holds?status=all&format=csv",
            &token,
        ),
        "holds",
    )
    .await;
    assert_rows_equal("an officer's holds", &csv, &json);
    let response = with_token(&officer, &app, "/api/v1/targeting/stats?format=csv", &token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    // The board's link is a plain link: the signed-in session is enough.
    let password = app.account("csv.browser", Role::Viewer, "all").await;
    let browser = client(true);
    assert!(
        app.sign_in(&browser, "csv.browser", &password)
            .await
            .status()
            .is_success()
    );
    let csv = csv_of(browser.get(app.url("/api/v1/holds?format=csv")), "holds").await;
    assert!(csv.len() > 1);
}

pub async fn a_large_list_is_sent_whole_a_part_at_a_time(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    // 5,000 ended holds, made at once: many placed at the same instant, so that the order
    // rests on the id as well.
    let now = chrono::Utc::now().timestamp_millis();
    sqlx::query(
        "insert into holds (shipment_id, port_code, reason, status, placed_at, placed_by, \
         due_at, resolved_at, resolved_by, notes) \
         select s.id, s.port_code, 'documentation', 'released', \
         $1 - (s.id % 40) * 3600000 - n.n * 60000, 'bulk', $1, $1, 'bulk', '' \
         from shipments s cross join (select 1 as n union all select 2 union all select 3 \
         union all select 4 union all select 5 union all select 6) n \
         order by s.id, n.n limit 5000",
    )
    .bind(now)
    .execute(&app.db.pool)
    .await
    .expect("the holds are made");
    let filter = "status=released&sort=port";
    let items = all_json(&app.client, &app, &format!("/api/v1/holds?{filter}")).await;
    assert!(items.len() >= 5000, "{}", items.len());

    let mut response = app.get(&format!("/api/v1/holds?{filter}&format=csv")).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers().get(header::CONTENT_LENGTH).is_none(),
        "sent as it is read, its length unknown at the start"
    );
    let mut body = Vec::new();
    let (mut parts, mut largest) = (0, 0);
    while let Some(chunk) = response.chunk().await.expect("the body comes") {
        parts += 1;
        largest = largest.max(chunk.len());
        body.extend_from_slice(&chunk);
    }
    let csv = parse_csv(&String::from_utf8(body.clone()).expect("UTF-8"));
    // The server reads and sends 1,000 rows at a time: no piece of the body holds much more
    // than that (a body built whole leaves the server in pieces of what its writer takes at
    // once, several times that).
    let per_row = body.len() / csv.len();
    assert!(
        largest < per_row * 1_500,
        "pieces of at most about 1,000 rows: {largest} bytes of {} in {parts} pieces, \
         {per_row} bytes a row",
        body.len()
    );
    assert_rows_equal("5,000 holds", &csv, &items);

    // In the default order too (dwell, with ties), every row once.
    let items = all_json(&app.client, &app, "/api/v1/holds?status=released").await;
    let csv = csv_of(
        app.client
            .get(app.url("/api/v1/holds?status=released"))
            .header(header::ACCEPT, "text/csv"),
        "holds",
    )
    .await;
    assert_rows_equal("5,000 holds by dwell", &csv, &items);
}
