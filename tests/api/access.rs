//! Identity and authority, on both backends: the role × endpoint matrix, sessions (cookie
//! flags, rotation, sign-out, revocation, timeouts), throttled sign-ins, demo personas, and
//! the journal entries all of these leave.

use crate::helpers::{Backend, TestApp, client, spawn_app_configured, spawn_app_with};
use app::accounts::db as accounts;
use app::domain::Role;
use chrono::Utc;
use reqwest::{Method, StatusCode};
use serde_json::Value;
use std::time::{Duration, Instant};

/// A request of the matrix: method, path and form body.
type Call = (Method, String, Option<String>);

async fn journal_count(app: &TestApp, entity: &str, action: &str) -> i64 {
    app.scalar(&format!(
        "select count(*) from journal where entity = '{entity}' and action = '{action}'"
    ))
    .await
}

/// A shipment at `port` (the demo country has some at every busy port).
async fn shipment_at(app: &TestApp, port: &str) -> i64 {
    app.scalar(&format!(
        "select min(id) from shipments where port_code = '{port}'"
    ))
    .await
}

fn cookie_of(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("boc_session=") || c.starts_with("__Host-boc_session="))
        .map(str::to_string)
}

/// A server function without arguments, called as `browser`, answering JSON.
async fn call(browser: &reqwest::Client, url: String) -> Value {
    browser
        .post(url)
        .send()
        .await
        .expect("request is sent")
        .json()
        .await
        .expect("JSON body")
}

/// `boc_session=…` (or `__Host-boc_session=…`) alone, to send back by hand.
fn cookie_pair(set_cookie: &str) -> String {
    set_cookie.split(';').next().unwrap_or_default().to_string()
}

pub async fn every_role_meets_the_same_authority_on_every_endpoint(backend: Backend) {
    let Some(app) = spawn_app_with(backend, 300).await else {
        return;
    };
    let roles = [
        ("m.viewer", Role::Viewer, "all"),
        ("m.officer", Role::Officer, "YVR"),
        ("m.supervisor", Role::Supervisor, "YYZ"),
        ("m.analyst", Role::Analyst, "all"),
        ("m.admin", Role::Admin, "all"),
    ];
    let mut tokens = vec![];
    for (username, role, ports) in roles {
        app.account(username, role, ports).await;
        tokens.push((username, app.token_for(username).await));
    }
    for target in ["m.target1", "m.target2", "m.target3"] {
        app.account(target, Role::Viewer, "all").await;
    }
    let yvr = shipment_at(&app, "YVR").await;
    let yyz = shipment_at(&app, "YYZ").await;
    let hold = app.scalar("select min(id) from holds").await;

    const ALL: &[&str] = &[
        "m.viewer",
        "m.officer",
        "m.supervisor",
        "m.analyst",
        "m.admin",
    ];
    let get = |path: String| (Method::GET, path, None::<String>);
    let form = |path: &str, body: String| (Method::POST, path.to_string(), Some(body));
    // (request, the accounts allowed; everyone else gets 403)
    let matrix: Vec<(Call, &[&str])> = vec![
        (get("/api/v1/ports".into()), ALL),
        (get("/api/v1/ports/YVR".into()), ALL),
        (get("/api/v1/ports/YVR/forecast".into()), ALL),
        (get("/api/v1/forecast".into()), ALL),
        (get("/api/v1/holds".into()), ALL),
        (get(format!("/api/v1/holds/{hold}")), ALL),
        (get("/api/v1/inspections".into()), ALL),
        (get(format!("/api/v1/shipments/{yvr}")), ALL),
        (form("/rpc/overview", String::new()), ALL),
        (form("/rpc/port", "code=YVR".into()), ALL),
        (form("/rpc/port_forecast", "code=YVR".into()), ALL),
        (form("/rpc/country_forecast", String::new()), ALL),
        (form("/rpc/shipment", format!("id={yvr}")), ALL),
        (
            form(
                "/rpc/holds",
                "filter[status]=Active&filter[sort]=DwellDesc&filter[page]=1&filter[per_page]=5"
                    .into(),
            ),
            ALL,
        ),
        (
            form(
                "/rpc/inspections",
                "filter[status]=Open&filter[overdue]=false&filter[page]=1&filter[per_page]=5"
                    .into(),
            ),
            ALL,
        ),
        (form("/rpc/whoami", String::new()), ALL),
        (form("/rpc/my_sessions", String::new()), ALL),
        (form("/rpc/accounts", String::new()), &["m.admin"]),
        (
            form(
                "/rpc/create_account",
                "username=m.new&display_name=New&badge=&role=viewer&ports=all".into(),
            ),
            &["m.admin"],
        ),
        (
            form("/rpc/disable_account", "username=m.target1".into()),
            &["m.admin"],
        ),
        (
            form("/rpc/reset_password", "username=m.target2".into()),
            &["m.admin"],
        ),
        // Port-scoped: the officer acts at YVR only, the supervisor at YYZ only.
        (
            form(
                "/rpc/add_note",
                format!("shipment_id={yvr}&text=seal+checked"),
            ),
            &["m.officer"],
        ),
        (
            form(
                "/rpc/add_note",
                format!("shipment_id={yyz}&text=seal+checked"),
            ),
            &["m.supervisor"],
        ),
    ];
    let mut refusals = 0;
    for ((method, path, body), allowed) in &matrix {
        for (username, token) in &tokens {
            let mut request = app
                .client
                .request(method.clone(), app.url(path))
                .bearer_auth(token);
            if let Some(body) = body {
                request = request
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(body.clone());
            }
            let status = request.send().await.unwrap().status();
            if allowed.contains(username) {
                assert!(status.is_success(), "{username} {method} {path}: {status}");
            } else {
                assert_eq!(status, StatusCode::FORBIDDEN, "{username} {method} {path}");
                refusals += 1;
            }
        }
        // Nobody signed in: 401, whatever the endpoint.
        let mut request = client(false).request(method.clone(), app.url(path));
        if let Some(body) = body {
            request = request
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body.clone());
        }
        let status = request.send().await.unwrap().status();
        assert_eq!(
            status,
            StatusCode::UNAUTHORIZED,
            "anonymous {method} {path}"
        );
    }
    // The JSON API's own write endpoint: the same decision.
    for (username, token) in &tokens {
        let response = app
            .client
            .post(app.url(&format!("/api/v1/shipments/{yvr}/notes")))
            .bearer_auth(token)
            .json(&serde_json::json!({ "text": "documents seen" }))
            .send()
            .await
            .unwrap();
        if *username == "m.officer" {
            assert_eq!(response.status(), StatusCode::CREATED);
        } else {
            assert_eq!(response.status(), StatusCode::FORBIDDEN, "{username}");
            let body: Value = response.json().await.unwrap();
            assert_eq!(body["error"]["code"], "forbidden");
            refusals += 1;
        }
    }
    // An officer at a port not theirs is told why.
    let officer = &tokens[1].1;
    let refused: Value = app
        .client
        .post(app.url(&format!("/api/v1/shipments/{yyz}/notes")))
        .bearer_auth(officer)
        .json(&serde_json::json!({ "text": "x" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    refusals += 1;
    assert_eq!(
        refused["error"]["message"],
        "this account may not add a note at YYZ; it acts on YVR"
    );
    // The actions on holds and inspections: those allowed may still meet the rules (409) or
    // bad input (422), but never a 403; everyone else gets 403 before anything is looked at.
    let hold_yvr = app
        .scalar("select min(id) from holds where port_code = 'YVR'")
        .await;
    let item_yvr = app
        .scalar("select min(id) from inspections where port_code = 'YVR'")
        .await;
    let item_yyz = app
        .scalar("select min(id) from inspections where port_code = 'YYZ'")
        .await;
    let officer_yyz = app
        .scalar("select min(id) from officers where home_port = 'YYZ'")
        .await;
    let json = |path: String, body: Value, allowed: &'static [&'static str]| (path, body, allowed);
    let actions = [
        json(
            format!("/api/v1/holds/{hold_yvr}/release"),
            serde_json::json!({ "reason": "x" }),
            &["m.officer"],
        ),
        json(
            format!("/api/v1/holds/{hold_yvr}/seizure/approve"),
            serde_json::json!({}),
            &[],
        ),
        json(
            "/rpc/hold_action".into(),
            serde_json::json!({ "hold_id": hold_yvr, "command": { "action": "note", "text": "x" }, "version": null }),
            &["m.officer"],
        ),
        json(
            format!("/api/v1/inspections/{item_yvr}/claim"),
            serde_json::json!({}),
            &["m.officer"],
        ),
        json(
            "/rpc/inspection_action".into(),
            serde_json::json!({ "inspection_id": item_yvr, "command": { "action": "start" }, "version": null }),
            &["m.officer"],
        ),
        json(
            format!("/api/v1/inspections/{item_yyz}/priority"),
            serde_json::json!({ "priority": "urgent", "reason": "x" }),
            &["m.supervisor"],
        ),
        json(
            "/api/v1/handover".into(),
            serde_json::json!({ "port": "YYZ", "from_officer_id": officer_yyz, "to_officer_id": null }),
            &["m.supervisor"],
        ),
        json(
            format!("/api/v1/holds/{hold_yvr}/detention"),
            serde_json::json!({ "request_id": 1, "daily_charge_cents": 5000 }),
            &["m.officer"],
        ),
        json(
            "/rpc/place_hold".into(),
            serde_json::json!({ "request": { "shipment_id": yvr, "reason": "random" } }),
            &["m.officer"],
        ),
        json(
            "/rpc/open_inspection".into(),
            serde_json::json!({ "request": { "hold_id": hold_yvr, "kind": "xray" } }),
            &["m.officer"],
        ),
    ];
    for (path, body, allowed) in &actions {
        for (username, token) in &tokens {
            let status = app
                .client
                .post(app.url(path))
                .bearer_auth(token)
                .json(body)
                .send()
                .await
                .unwrap()
                .status();
            if allowed.contains(username) {
                assert!(
                    status != StatusCode::FORBIDDEN && status != StatusCode::UNAUTHORIZED,
                    "{username} {path}: {status}"
                );
            } else {
                assert_eq!(status, StatusCode::FORBIDDEN, "{username} {path}");
                refusals += 1;
            }
        }
    }

    // Every refusal is in the journal, with the address it came from: in full the first time
    // in a minute for one account, action and port, counted after that.
    assert_eq!(app.refusals_accounted("refused").await, refusals);
    let written = journal_count(&app, "access", "refused").await;
    assert!(
        written > 0 && written <= refusals,
        "{written} of {refusals}"
    );
    let address = app
        .scalar("select count(*) from journal where entity = 'access' and action = 'refused' and after_json like '%127.0.0.1%'")
        .await;
    assert_eq!(address, written);
    // The notes that were allowed are on the timelines, by whom they were written.
    assert_eq!(
        app.scalar(
            "select count(*) from journal where action = 'note_added' and entity = 'shipment' and actor = 'm.officer'"
        )
        .await,
        2
    );
}

pub async fn sessions_are_server_side_and_end_when_they_should(backend: Backend) {
    let Some(app) = spawn_app_with(backend, 50).await else {
        return;
    };
    let password = app.account("s.officer", Role::Officer, "YVR").await;

    // Not signed in: pages send you to sign in (and back), the API says 401.
    let anonymous = client(false);
    let page = anonymous
        .get(app.url("/holds?port=YVR"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        page.headers()["location"],
        "/signin?next=%2Fholds%3Fport%3DYVR"
    );
    let api = anonymous
        .get(app.url("/api/v1/ports"))
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), StatusCode::UNAUTHORIZED);
    let signin = anonymous.get(app.url("/signin")).send().await.unwrap();
    assert_eq!(signin.status(), StatusCode::OK);
    assert!(cookie_of(&signin).is_none(), "no session before signing in");

    // A wrong password and an unknown username get the same answer.
    let wrong = app
        .sign_in(&anonymous, "s.officer", "not the password")
        .await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let wrong: Value = wrong.json().await.unwrap();
    let unknown: Value = app
        .sign_in(&anonymous, "nobody.here", "not the password")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(wrong, unknown);
    assert_eq!(
        wrong["message"],
        app::auth::wrong_credentials(app::lang::Locale::en)
    );
    assert_eq!(journal_count(&app, "sign_in", "failed").await, 2);

    // Signing in: an opaque, HttpOnly, SameSite=Strict cookie, and the session works.
    let browser = client(true);
    let ok = app.sign_in(&browser, "s.officer", &password).await;
    assert_eq!(ok.status(), StatusCode::OK);
    let set_cookie = cookie_of(&ok).expect("a session cookie");
    assert!(set_cookie.contains("HttpOnly"), "{set_cookie}");
    assert!(set_cookie.contains("SameSite=Strict"), "{set_cookie}");
    assert!(set_cookie.contains("Path=/"), "{set_cookie}");
    assert!(!set_cookie.contains("Secure"), "plain HTTP: {set_cookie}");
    assert!(!set_cookie.contains("officer"), "opaque: {set_cookie}");
    let first = cookie_pair(&set_cookie);
    let me: Value = call(&browser, app.url("/rpc/whoami")).await;
    assert_eq!(me["username"], "s.officer");
    assert_eq!(
        browser.get(app.url("/")).send().await.unwrap().status(),
        StatusCode::OK
    );
    let signed_in = app
        .scalar(
            "select count(*) from journal where entity = 'session' and action = 'signed_in' \
             and actor = 's.officer' and after_json like '%127.0.0.1%'",
        )
        .await;
    assert_eq!(signed_in, 1);

    // Signing in again through the same browser gives a new session id; the old one is dead.
    let password2 = app.account("s.other", Role::Viewer, "all").await;
    let again = app.sign_in(&browser, "s.other", &password2).await;
    let second = cookie_pair(&cookie_of(&again).expect("a new cookie"));
    assert_ne!(first, second, "the session id changes at sign-in");
    let replay = anonymous
        .get(app.url("/api/v1/ports"))
        .header("cookie", &first)
        .send()
        .await
        .unwrap();
    assert_eq!(replay.status(), StatusCode::UNAUTHORIZED);

    // Signing out ends the session on the server, not just in the browser.
    let out = browser.post(app.url("/rpc/sign_out")).send().await.unwrap();
    assert_eq!(out.status(), StatusCode::OK);
    let replay = anonymous
        .get(app.url("/api/v1/ports"))
        .header("cookie", &second)
        .send()
        .await
        .unwrap();
    assert_eq!(replay.status(), StatusCode::UNAUTHORIZED);
    let signed_out = app
        .scalar(
            "select count(*) from journal where entity = 'session' and action = 'signed_out' \
             and actor = 's.other' and after_json like '%127.0.0.1%'",
        )
        .await;
    assert_eq!(signed_out, 1);

    // Disabling an account or changing its password ends its sessions at once.
    for (change, reason) in [
        ("password", "password_changed"),
        ("disable", "account_disabled"),
    ] {
        let browser = client(true);
        let password = if change == "password" {
            password.clone()
        } else {
            "pw-new-password-1".to_string()
        };
        assert!(
            app.sign_in(&browser, "s.officer", &password)
                .await
                .status()
                .is_success()
        );
        let probe = || browser.get(app.url("/api/v1/ports")).send();
        assert_eq!(probe().await.unwrap().status(), StatusCode::OK);
        if change == "password" {
            accounts::set_password(
                &app.db.pool,
                "s.officer",
                "pw-new-password-1",
                accounts::Tokens::Revoke,
                "admin",
                Utc::now(),
            )
            .await
            .unwrap();
        } else {
            accounts::disable(&app.db.pool, "s.officer", "admin", Utc::now())
                .await
                .unwrap();
        }
        assert_eq!(
            probe().await.unwrap().status(),
            StatusCode::UNAUTHORIZED,
            "{change}"
        );
        let ended = app
            .scalar(&format!(
                "select count(*) from sessions where end_reason = '{reason}'"
            ))
            .await;
        assert_eq!(ended, 1, "{change}");
    }

    // A person sees their sessions and ends one they do not recognise.
    let password = app.account("s.two", Role::Viewer, "all").await;
    let (desk, stolen) = (client(true), client(true));
    app.sign_in(&desk, "s.two", &password).await;
    app.sign_in(&stolen, "s.two", &password).await;
    let sessions: Value = call(&desk, app.url("/rpc/my_sessions")).await;
    let sessions = sessions.as_array().unwrap();
    assert_eq!(sessions.len(), 2);
    let other = sessions.iter().find(|s| s["current"] == false).unwrap();
    let ended = desk
        .post(app.url("/rpc/end_session"))
        .form(&[("key", other["key"].as_str().unwrap())])
        .send()
        .await
        .unwrap();
    assert_eq!(ended.status(), StatusCode::OK);
    let stolen_probe = stolen.get(app.url("/api/v1/ports")).send().await.unwrap();
    assert_eq!(stolen_probe.status(), StatusCode::UNAUTHORIZED);
    let desk_probe = desk.get(app.url("/api/v1/ports")).send().await.unwrap();
    assert_eq!(desk_probe.status(), StatusCode::OK);

    // Nobody ends another person's session.
    let password = app.account("s.three", Role::Viewer, "all").await;
    let third = client(true);
    app.sign_in(&third, "s.three", &password).await;
    let theirs = app
        .scalar("select count(*) from sessions where ended_at is null and account_id = (select id from accounts where username = 's.two')")
        .await;
    assert_eq!(theirs, 1);
    let key: String = sqlx::Row::get(
        &sqlx::query("select key from sessions where ended_at is null and account_id = (select id from accounts where username = 's.two')")
            .fetch_one(&app.db.pool)
            .await
            .unwrap(),
        0,
    );
    let refused = third
        .post(app.url("/rpc/end_session"))
        .form(&[("key", key.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        desk.get(app.url("/api/v1/ports"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );

    // A sign-in posted from another site is refused before it is looked at.
    let cross = anonymous
        .post(app.url("/rpc/sign_in"))
        .header("origin", "https://evil.example")
        .form(&[("username", "s.two"), ("password", password.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(cross.status(), StatusCode::FORBIDDEN);
    assert!(cookie_of(&cross).is_none());
}

pub async fn sessions_time_out_and_cookies_are_secure_over_tls(backend: Backend) {
    let Some(app) = spawn_app_configured(backend, 0, |config| {
        config.auth.idle = Duration::from_secs(2);
        config.auth.absolute = Duration::from_secs(4);
        config.auth.secure_cookies = true;
    })
    .await
    else {
        return;
    };
    let password = app.account("t.officer", Role::Officer, "YVR").await;
    let browser = client(false);
    let signed = app.sign_in(&browser, "t.officer", &password).await;
    let set_cookie = cookie_of(&signed).expect("cookie");
    assert!(set_cookie.contains("Secure"), "{set_cookie}");
    // The `__Host-` prefix, with what browsers require of it: `Secure`, `Path=/`, no `Domain`.
    assert!(
        set_cookie.starts_with("__Host-boc_session="),
        "{set_cookie}"
    );
    assert!(set_cookie.contains("Path=/"), "{set_cookie}");
    assert!(
        !set_cookie.to_ascii_lowercase().contains("domain="),
        "{set_cookie}"
    );
    // Served over TLS, the board tells browsers to come back over TLS only.
    for path in ["/signin", "/healthz", "/api/v1/ports"] {
        let response = client(false).get(app.url(path)).send().await.unwrap();
        assert_eq!(
            response
                .headers()
                .get("strict-transport-security")
                .map(|v| v.to_str().unwrap()),
            Some("max-age=63072000; includeSubDomains"),
            "{path}"
        );
    }
    let cookie = cookie_pair(&set_cookie);
    let probe = || {
        browser
            .get(app.url("/api/v1/ports"))
            .header("cookie", &cookie)
            .send()
    };
    // Idle: unused for longer than the idle timeout, the session is over.
    assert_eq!(probe().await.unwrap().status(), StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(2600)).await;
    assert_eq!(probe().await.unwrap().status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        app.scalar("select count(*) from sessions where end_reason = 'idle'")
            .await,
        1
    );

    // Absolute: in constant use, it still ends at the limit, counted from the sign-in (which
    // the session's clock starts during, so the time is taken before it is sent).
    let started = Instant::now();
    let signed = app.sign_in(&browser, "t.officer", &password).await;
    let cookie = cookie_pair(&cookie_of(&signed).expect("cookie"));
    let mut ended_after = None;
    while started.elapsed() < Duration::from_secs(8) {
        let status = browser
            .get(app.url("/api/v1/ports"))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap()
            .status();
        if status == StatusCode::UNAUTHORIZED {
            ended_after = Some(started.elapsed());
            break;
        }
        tokio::time::sleep(Duration::from_millis(400)).await;
    }
    let ended_after = ended_after.expect("the session ended");
    assert!(ended_after >= Duration::from_secs(4), "{ended_after:?}");
    assert_eq!(
        app.scalar("select count(*) from sessions where end_reason = 'expired'")
            .await,
        1
    );
}

pub async fn signed_in_answers_are_never_stored(backend: Backend) {
    let Some(app) = spawn_app_with(backend, 50).await else {
        return;
    };
    let cache = |response: &reqwest::Response| {
        response
            .headers()
            .get("cache-control")
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default()
    };
    let password = app.account("c.officer", Role::Officer, "YVR").await;
    let browser = client(true);
    let signed = app.sign_in(&browser, "c.officer", &password).await;
    assert_eq!(signed.status(), StatusCode::OK);
    assert_eq!(cache(&signed), "no-store", "the sign-in's answer");
    let answers = [
        ("a page", browser.get(app.url("/holds")).send().await),
        (
            "the API",
            browser.get(app.url("/api/v1/ports")).send().await,
        ),
        (
            "a server function",
            browser
                .post(app.url("/rpc/overview"))
                .header("content-type", "application/x-www-form-urlencoded")
                .body("")
                .send()
                .await,
        ),
        (
            "the API page",
            browser.get(app.url("/api/v1/docs/")).send().await,
        ),
        ("the API with a token", Ok(app.get("/api/v1/holds").await)),
        ("a page with a token", Ok(app.get("/inspections").await)),
    ];
    for (what, answer) in answers {
        let answer = answer.expect("request is sent");
        assert_eq!(answer.status(), StatusCode::OK, "{what}");
        assert_eq!(cache(&answer), "no-store", "{what}");
    }
    // The live stream too: what it sends was chosen for its reader.
    let stream = browser
        .get(app.url("/api/v1/live"))
        .send()
        .await
        .expect("request is sent");
    assert_eq!(stream.status(), StatusCode::OK);
    assert_eq!(cache(&stream), "no-store");
    drop(stream);
    // Nobody's answers say nothing about anyone, but are not kept either.
    let refused = client(false)
        .get(app.url("/api/v1/ports"))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(cache(&refused), "no-store");
    // Files that are the same for everyone may be kept.
    for path in ["/favicon.svg", "/pkg/border-ops.css"] {
        let file = browser.get(app.url(path)).send().await.unwrap();
        assert!(
            !cache(&file).contains("no-store"),
            "{path}: {}",
            cache(&file)
        );
    }
    let swagger = browser
        .get(app.url("/api/v1/docs/swagger-ui.css"))
        .send()
        .await
        .unwrap();
    assert_eq!(swagger.status(), StatusCode::OK);
    assert_eq!(cache(&swagger), "private, max-age=3600");
}

pub async fn failed_sign_ins_are_slowed_then_refused(backend: Backend) {
    let Some(app) = spawn_app_configured(backend, 0, |config| {
        config.auth.limits.slow_step = Duration::from_millis(300);
        config.auth.limits.per_address = 8;
    })
    .await
    else {
        return;
    };
    let password = app.account("g.target", Role::Viewer, "all").await;
    let guesser = client(false);
    let mut took = vec![];
    for _ in 0..5 {
        let started = Instant::now();
        let response = app.sign_in(&guesser, "g.target", "guess-guess-guess").await;
        took.push(started.elapsed());
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    // Each failure beyond the first makes the next answer slower.
    assert!(took[4] >= Duration::from_millis(900), "{took:?}");
    assert!(took[4] > took[1], "{took:?}");
    // The sixth attempt is refused, even with the right password, and says when to retry.
    let refused = app.sign_in(&guesser, "g.target", &password).await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = refused.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry > 0 && retry <= 15 * 60, "{retry}");
    let body: Value = refused.json().await.unwrap();
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .starts_with("too many failed sign-ins"),
        "{body}"
    );
    assert!(cookie_of(&app.sign_in(&guesser, "g.target", &password).await).is_none());
    // Two refusals within a minute: one entry, the second counted in the next one.
    assert_eq!(journal_count(&app, "sign_in", "sign_in_refused").await, 1);

    // Per address: many usernames from one address are refused too, known or not.
    for n in 0..3 {
        let r = app
            .sign_in(&guesser, &format!("g.guess{n}"), "guess-guess-guess")
            .await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    let r = app.sign_in(&guesser, "g.guess9", "guess-guess-guess").await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
}

pub async fn demo_mode_offers_personas_and_only_in_demo_mode(backend: Backend) {
    let Some(demo) = spawn_app_configured(backend, 30, |config| config.auth.demo = true).await
    else {
        return;
    };
    let personas: Value = call(&client(false), demo.url("/rpc/demo_personas")).await;
    let roles: Vec<&str> = personas
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["role"].as_str().unwrap())
        .collect();
    assert_eq!(
        roles,
        ["officer", "supervisor", "analyst", "viewer", "admin"]
    );
    let browser = client(true);
    let ok = browser
        .post(demo.url("/rpc/demo_sign_in"))
        .form(&[("username", "duty.yvr")])
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), StatusCode::OK);
    let me: Value = call(&browser, demo.url("/rpc/whoami")).await;
    assert_eq!(me["role"], "officer");
    // Only demo personas: not an account someone made.
    let refused = client(true)
        .post(demo.url("/rpc/demo_sign_in"))
        .form(&[("username", "test.reader")])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::NOT_FOUND);

    // Outside demo mode the shortcut does not exist, though the personas do.
    let Some(plain) = spawn_app_with(backend, 30).await else {
        return;
    };
    let none: Value = call(&client(false), plain.url("/rpc/demo_personas")).await;
    assert_eq!(none, serde_json::json!([]));
    let refused = client(true)
        .post(plain.url("/rpc/demo_sign_in"))
        .form(&[("username", "duty.yvr")])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::NOT_FOUND);
    assert!(cookie_of(&refused).is_none());
}

pub async fn bearer_tokens_stop_when_revoked(backend: Backend) {
    let Some(app) = spawn_app_with(backend, 0).await else {
        return;
    };
    app.account("b.system", Role::Viewer, "all").await;
    let token = app.token_for("b.system").await;
    let call = |auth: String| {
        client(false)
            .get(app.url("/api/v1/ports"))
            .header("authorization", auth)
            .send()
    };
    assert_eq!(
        call(format!("Bearer {token}")).await.unwrap().status(),
        StatusCode::OK
    );
    assert_eq!(
        call("Basic Yjpj".into()).await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    app::accounts::tokens::revoke_tokens(&app.db.pool, "b.system", "admin", Utc::now())
        .await
        .unwrap();
    let revoked = call(format!("Bearer {token}")).await.unwrap();
    assert_eq!(revoked.status(), StatusCode::UNAUTHORIZED);
    let body: Value = revoked.json().await.unwrap();
    assert_eq!(body["error"]["code"], "unauthenticated");
}

pub async fn a_database_without_an_administrator_gets_one_once(backend: Backend) {
    let Some(app) = spawn_app_with(backend, 0).await else {
        return;
    };
    let password = border_ops::cli::first_administrator(&app.db)
        .await
        .unwrap()
        .expect("an administrator is made");
    assert!(password.len() >= 20, "generated, not a default");
    let admin = accounts::check_credentials(&app.db.pool, "admin", &password)
        .await
        .unwrap()
        .expect("the printed password signs in");
    assert_eq!(admin.role, Role::Admin);
    assert_eq!(
        border_ops::cli::first_administrator(&app.db).await.unwrap(),
        None,
        "made once only"
    );

    // Demo personas are added to a database that lacks them, and only once.
    border_ops::seed::personas(&app.db, Utc::now())
        .await
        .unwrap();
    border_ops::seed::personas(&app.db, Utc::now())
        .await
        .unwrap();
    assert_eq!(
        app.scalar("select count(*) from accounts where demo = 1")
            .await,
        4,
        "an admin already existed, so four personas are added"
    );
}

/// A flood of refusals cannot fill the journal, and none goes unaccounted: 120 refused actions
/// sent at once by one account, and 120 cross-site posts at once from one address, each write
/// one entry in full; the rest are counted, and the counts are journaled as
/// `refused_repeatedly` entries that add up to every refusal.
pub async fn a_flood_of_refusals_is_counted_not_written_each(backend: Backend) {
    let Some(app) = spawn_app_with(backend, 50).await else {
        return;
    };
    app.account("flood.viewer", Role::Viewer, "all").await;
    let token = app.token_for("flood.viewer").await;
    let hold = app.scalar("select min(id) from holds").await;
    let before = app.scalar("select count(*) from journal").await;
    let refused = futures_util::future::join_all((0..120).map(|_| {
        app.client
            .post(app.url(&format!("/api/v1/holds/{hold}/notes")))
            .bearer_auth(&token)
            .json(&serde_json::json!({ "text": "let me in" }))
            .send()
    }))
    .await;
    assert!(
        refused
            .iter()
            .all(|r| r.as_ref().unwrap().status() == StatusCode::FORBIDDEN)
    );
    let cross_site = futures_util::future::join_all((0..120).map(|_| {
        app.client
            .post(app.url("/rpc/overview"))
            .header("origin", "https://elsewhere.example")
            .header("sec-fetch-site", "cross-site")
            .header("content-type", "application/x-www-form-urlencoded")
            .body("")
            .send()
    }))
    .await;
    assert!(
        cross_site
            .iter()
            .all(|r| r.as_ref().unwrap().status() == StatusCode::FORBIDDEN)
    );
    assert_eq!(journal_count(&app, "access", "refused").await, 1);
    assert_eq!(journal_count(&app, "access", "cross_site_refused").await, 1);
    let cross = app
        .scalar(
            "select count(*) from journal where action = 'cross_site_refused' \
             and after_json like '%elsewhere.example%' and after_json like '%127.0.0.1%'",
        )
        .await;
    assert_eq!(cross, 1, "the entry says where the request came from");
    assert_eq!(app.refusals_accounted("refused").await, 120);
    assert_eq!(app.refusals_accounted("cross_site_refused").await, 120);
    let written = app.scalar("select count(*) from journal").await - before;
    assert_eq!(written, 4, "two in full, two counts");
}
