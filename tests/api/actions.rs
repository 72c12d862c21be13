//! Acting on holds and inspections, on both backends: the rules and their sentences, versions,
//! atomic claims under contention, one journal entry per accepted action and none for a
//! refused one, and a random walk that never leaves the rules.

use crate::helpers::{Backend, TestApp, spawn_app_with};
use app::accounts::db as accounts;
use app::auth::server::Caller;
use app::domain::{HoldStatus, InspectionKind, InspectionStatus, Outcome, PortScope, Role};
use app::holds::{HoldCommand, act as hold_ops};
use app::inspections::{InspectionCommand, act as inspection_ops};
use chrono::Utc;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// A port with a hold that is placed and has no open inspection.
const PORT: &str = "YYZ";

struct Team {
    officer: String,
    supervisor: String,
    supervisor2: String,
}

async fn team(app: &TestApp) -> Team {
    for (name, role) in [
        ("a.officer", Role::Officer),
        ("a.supervisor", Role::Supervisor),
        ("a.supervisor2", Role::Supervisor),
    ] {
        app.account(name, role, PORT).await;
    }
    Team {
        officer: app.token_for("a.officer").await,
        supervisor: app.token_for("a.supervisor").await,
        supervisor2: app.token_for("a.supervisor2").await,
    }
}

/// A fresh hold, placed through the engine on a shipment of `PORT` still at the border.
async fn placed_hold(app: &TestApp) -> i64 {
    let pool = &app.db.pool;
    if accounts::by_username(pool, "h.placer").await.is_err() {
        app.account("h.placer", Role::Officer, PORT).await;
    }
    let caller = Caller {
        account: accounts::by_username(pool, "h.placer").await.unwrap(),
        address: "127.0.0.1".into(),
        session: None,
        token: None,
    };
    let request = app::holds::NewHold {
        shipment_id: free_shipment(app).await,
        reason: app::domain::HoldReason::Random,
        notes: String::new(),
    };
    hold_ops::place_hold(pool, &caller, &request, Utc::now())
        .await
        .expect("a hold is placed")
        .id
}

/// A shipment of `PORT` still at the border without an active hold.
async fn free_shipment(app: &TestApp) -> i64 {
    let pool = &app.db.pool;
    // Goods still at the border, without an active hold: the small demo country has few, so
    // a released shipment is brought back to "arrived" for the test when none is left.
    let candidate = format!(
        "select count(*) from shipments s where s.port_code = '{PORT}' \
         and s.status in ('arrived', 'awaiting_arrival') \
         and not exists (select 1 from holds h where h.shipment_id = s.id \
         and h.status in ('placed', 'examination', 'seizure_requested'))"
    );
    if app.scalar(&candidate).await == 0 {
        sqlx::query(&format!(
            "update shipments set status = 'arrived', released_at = null where id = \
             (select min(id) from shipments where port_code = '{PORT}' and status = 'released')"
        ))
        .execute(pool)
        .await
        .unwrap();
    }
    app.scalar(&candidate.replace("count(*)", "min(s.id)"))
        .await
}

async fn journal_rows(app: &TestApp) -> i64 {
    app.scalar("select count(*) from journal").await
}

async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
    let response = app
        .client
        .post(app.url(&format!("/api/v1{path}")))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .expect("request is sent");
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

pub async fn holds_move_only_as_the_rules_allow(backend: Backend) {
    let Some(app) = spawn_app_with(backend, 600).await else {
        return;
    };
    let t = team(&app).await;
    let hold = placed_hold(&app).await;
    let path = |action: &str| format!("/holds/{hold}/{action}");
    let before = journal_rows(&app).await;

    // Bad input and stale views change nothing.
    let (status, body) = post(&app, &t.officer, &path("release"), json!({})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["field"], "reason");
    let long = "x".repeat(1001);
    let (status, _) = post(
        &app,
        &t.officer,
        &path("release"),
        json!({ "reason": long }),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, body) = post(
        &app,
        &t.officer,
        &path("release"),
        json!({ "reason": "x", "colour": 1 }),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, body) = post(
        &app,
        &t.officer,
        &path("release"),
        json!({ "reason": "documents received", "version": 999 }),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["error"]["code"], "stale");
    assert_eq!(body["error"]["current"]["id"], hold);
    let (status, _) = post(
        &app,
        &t.officer,
        "/holds/999999/release",
        json!({ "reason": "x" }),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(journal_rows(&app).await, before, "nothing written");

    // A note with markup is kept as the words typed.
    let (status, note) = post(
        &app,
        &t.officer,
        &path("notes"),
        json!({ "text": "<script>alert(1)</script> seal intact" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let version = note["version"].as_i64().unwrap();

    // Pause and resume the clock while waiting on the trader.
    let (status, paused) = post(
        &app,
        &t.officer,
        &path("pause"),
        json!({ "reason": "invoice requested", "version": version }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{paused}");
    assert!(paused["paused_since"].is_string());
    let (status, _) = post(
        &app,
        &t.officer,
        &path("pause"),
        json!({ "reason": "again" }),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, resumed) = post(&app, &t.officer, &path("resume"), json!({})).await;
    assert_eq!(status, StatusCode::OK);
    assert!(resumed["paused_since"].is_null());

    // Release, then try to seize: the refusal names who released it and when.
    let (status, released) = post(
        &app,
        &t.officer,
        &path("release"),
        json!({ "reason": "documents received", "version": resumed["version"] }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{released}");
    assert_eq!(released["status"], "released");
    assert_eq!(
        released["version"],
        resumed["version"].as_i64().unwrap() + 1
    );
    let (status, body) = post(
        &app,
        &t.officer,
        &path("seizure"),
        json!({ "reason": "too late" }),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let message = body["error"]["message"].as_str().unwrap();
    assert!(
        message.starts_with("this hold was released by a.officer at ")
            && message.ends_with("; it can no longer be put forward for seizure"),
        "{message}"
    );
    // Four accepted actions, four entries.
    assert_eq!(journal_rows(&app).await, before + 4);
    let stored: String = sqlx::Row::get(
        &sqlx::query("select reason from journal where action = 'note_added' and entity = 'hold'")
            .fetch_one(&app.db.pool)
            .await
            .unwrap(),
        0,
    );
    assert_eq!(stored, "<script>alert(1)</script> seal intact");

    // Placing a hold: 201, once per reason; a second identical one is refused.
    let shipment = released["shipment_id"].as_i64().unwrap();
    let other = free_shipment(&app).await;
    let (status, placed) = post(
        &app,
        &t.officer,
        "/holds",
        json!({ "shipment_id": other, "reason": "documentation", "notes": "invoice missing" }),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{placed}");
    assert_eq!(placed["status"], "placed");
    assert_eq!(placed["placed_by"], "a.officer");
    let (status, body) = post(
        &app,
        &t.officer,
        "/holds",
        json!({ "shipment_id": other, "reason": "documentation" }),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("already has an active hold")
    );
    let (status, _) = post(
        &app,
        &t.officer,
        "/holds",
        json!({ "shipment_id": shipment, "reason": "documentation" }),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "released goods cannot be held"
    );
    let (status, body) = post(
        &app,
        &t.officer,
        "/holds",
        json!({ "shipment_id": shipment, "reason": "smuggling" }),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");

    // Seizure: requested by one, approved by a supervisor who did not ask for it.
    let hold = placed_hold(&app).await;
    let (status, _) = post(
        &app,
        &t.supervisor,
        &format!("/holds/{hold}/seizure"),
        json!({ "reason": "undeclared currency" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = post(
        &app,
        &t.officer,
        &format!("/holds/{hold}/seizure/approve"),
        json!({}),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "officers do not approve seizures"
    );
    let (status, body) = post(
        &app,
        &t.supervisor,
        &format!("/holds/{hold}/seizure/approve"),
        json!({}),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("another supervisor")
    );
    let (status, seized) = post(
        &app,
        &t.supervisor2,
        &format!("/holds/{hold}/seizure/approve"),
        json!({ "reason": "confirmed" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(seized["status"], "seized");
}

pub async fn inspections_are_claimed_worked_and_completed(backend: Backend) {
    let Some(app) = spawn_app_with(backend, 600).await else {
        return;
    };
    let t = team(&app).await;
    let hold = placed_hold(&app).await;
    let (status, opened) = post(
        &app,
        &t.officer,
        "/inspections",
        json!({ "hold_id": hold, "kind": "xray", "priority": "high" }),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{opened}");
    assert_eq!(opened["status"], "queued");
    let id = opened["id"].as_i64().unwrap();
    let path = |a: &str| format!("/inspections/{id}/{a}");

    // Nobody starts what is not theirs; the officer claims, starts, finds something.
    let (status, _) = post(&app, &t.officer, &path("start"), json!({})).await;
    assert_eq!(status, StatusCode::CONFLICT, "not claimed yet");
    let (status, claimed) = post(
        &app,
        &t.officer,
        &path("claim"),
        json!({ "version": opened["version"] }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{claimed}");
    assert_eq!(claimed["status"], "assigned");
    assert_eq!(claimed["assigned_officer"]["name"], "a.officer");
    let (status, body) = post(&app, &t.supervisor, &path("claim"), json!({})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(
        body["error"]["message"],
        format!("inspection #{id} is already claimed by a.officer (A.OFFICER)")
    );
    let (status, body) = post(&app, &t.supervisor, &path("start"), json!({})).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let (status, started) = post(&app, &t.officer, &path("start"), json!({})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(started["status"], "in_progress");
    let hold_now = app.get_json(&format!("/api/v1/holds/{hold}"), 200).await;
    assert_eq!(hold_now["status"], "examination", "work began on the goods");
    let (status, body) = post(&app, &t.officer, &path("complete"), json!({})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["field"], "outcome");
    let (status, done) = post(
        &app,
        &t.officer,
        &path("complete"),
        json!({ "outcome": "seizure", "notes": "undeclared cigarettes" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(done["outcome"], "seizure");
    let hold_now = app.get_json(&format!("/api/v1/holds/{hold}"), 200).await;
    assert_eq!(hold_now["status"], "seizure_requested");
    let (status, seized) = post(
        &app,
        &t.supervisor,
        &format!("/holds/{hold}/seizure/approve"),
        json!({}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{seized}");
    // The shipment's timeline tells the story in order.
    let shipment = app
        .get_json(
            &format!("/api/v1/shipments/{}", hold_now["shipment_id"]),
            200,
        )
        .await;
    let actions: Vec<&str> = shipment["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["actor"].as_str().unwrap().starts_with("a."))
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        ["opened", "claimed", "started", "completed", "seized"]
    );

    // Inconclusive work asks for another kind of inspection and opens it.
    let hold = placed_hold(&app).await;
    let (_, opened) = post(
        &app,
        &t.officer,
        "/inspections",
        json!({ "hold_id": hold, "kind": "xray" }),
    )
    .await;
    let id = opened["id"].as_i64().unwrap();
    for step in ["claim", "start"] {
        let (status, _) = post(
            &app,
            &t.officer,
            &format!("/inspections/{id}/{step}"),
            json!({}),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{step}");
    }
    let (status, body) = post(
        &app,
        &t.officer,
        &format!("/inspections/{id}/complete"),
        json!({ "outcome": "inconclusive", "follow_up": "xray" }),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["field"], "follow_up");
    let (status, _) = post(
        &app,
        &t.officer,
        &format!("/inspections/{id}/complete"),
        json!({ "outcome": "inconclusive", "follow_up": "physical" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let follow = app
        .scalar(&format!("select count(*) from inspections where follows_id = {id} and kind = 'physical' and status = 'queued'"))
        .await;
    assert_eq!(follow, 1);

    // A supervisor reprioritises, reassigns and hands a shift over.
    let next = app
        .scalar(&format!(
            "select id from inspections where follows_id = {id}"
        ))
        .await;
    let (status, body) = post(
        &app,
        &t.officer,
        &format!("/inspections/{next}/priority"),
        json!({ "priority": "urgent", "reason": "x" }),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, urgent) = post(
        &app,
        &t.supervisor,
        &format!("/inspections/{next}/priority"),
        json!({ "priority": "urgent", "reason": "vessel sails at noon" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(urgent["priority"], "urgent");
    let officer_id = app
        .scalar("select officer_id from accounts where username = 'a.officer'")
        .await;
    let (status, assigned) = post(
        &app,
        &t.supervisor,
        &format!("/inspections/{next}/assign"),
        json!({ "officer_id": officer_id }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{assigned}");
    let elsewhere = app
        .scalar("select min(id) from officers where home_port <> 'YYZ'")
        .await;
    let (status, body) = post(
        &app,
        &t.supervisor,
        &format!("/inspections/{next}/assign"),
        json!({ "officer_id": elsewhere }),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let workload = app
        .get_json(&format!("/api/v1/ports/{PORT}/workload"), 200)
        .await;
    let mine = workload
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["officer_id"] == officer_id)
        .unwrap();
    assert_eq!(mine["assigned"], 1);
    let (status, report) = post(&app, &t.supervisor, "/handover", json!({ "port": PORT, "from_officer_id": officer_id, "to_officer_id": null, "reason": "end of shift" })).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["moved"], json!([next]));
    let back = app
        .get_json(
            &format!("/api/v1/inspections?port={PORT}&status=queued&per_page=100"),
            200,
        )
        .await;
    assert!(
        back["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["id"] == next)
    );
    let (status, _) = post(
        &app,
        &t.officer,
        "/handover",
        json!({ "port": PORT, "from_officer_id": officer_id, "to_officer_id": null }),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "officers do not hand shifts over"
    );
}

/// Accounts sharing one badge claim an inspection each, all at once: the first to link
/// becomes the officer of that badge, the others are refused, and nothing of theirs is done.
pub async fn accounts_of_one_badge_racing_to_act_link_one(backend: Backend) {
    const RACERS: usize = 12;
    let Some(app) = spawn_app_with(backend, 300).await else {
        return;
    };
    app.account("l.opener", Role::Officer, PORT).await;
    let opener = app.token_for("l.opener").await;
    let mut claims = vec![];
    for n in 0..RACERS {
        let username = format!("l.twin{n:02}");
        accounts::create(
            &app.db.pool,
            accounts::NewAccount {
                username: &username,
                display_name: &username,
                badge: Some("TWIN-1"),
                role: Role::Officer,
                ports: PortScope::parse(PORT).unwrap(),
                password: &format!("pw-{}", uuid::Uuid::new_v4().simple()),
                demo: false,
            },
            "test",
            Utc::now(),
        )
        .await
        .expect("account is created");
        let hold = placed_hold(&app).await;
        let (status, opened) = post(
            &app,
            &opener,
            "/inspections",
            json!({ "hold_id": hold, "kind": "physical" }),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{opened}");
        claims.push((
            app.token_for(&username).await,
            opened["id"].as_i64().unwrap(),
        ));
    }
    let before = journal_rows(&app).await;
    let app = std::sync::Arc::new(app);
    let gate = std::sync::Arc::new(tokio::sync::Barrier::new(RACERS));
    let mut tasks = vec![];
    for (token, id) in claims {
        let (app, gate) = (app.clone(), gate.clone());
        tasks.push(tokio::spawn(async move {
            gate.wait().await;
            let (status, body) =
                post(&app, &token, &format!("/inspections/{id}/claim"), json!({})).await;
            (id, status, body)
        }));
    }
    let (mut claimed, mut refused) = (vec![], vec![]);
    for task in tasks {
        let (id, status, body) = task.await.unwrap();
        match status {
            StatusCode::OK => claimed.push(id),
            StatusCode::CONFLICT => {
                refused.push(id.to_string());
                assert_eq!(
                    body["error"]["message"],
                    "the officer with badge TWIN-1 on the roster acts through another account: \
                     two accounts cannot act as one officer",
                    "{body}"
                );
            }
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!((claimed.len(), refused.len()), (1, RACERS - 1));
    assert_eq!(
        app.scalar("select count(*) from officers where badge = 'TWIN-1'")
            .await,
        1,
        "the badge is one officer"
    );
    assert_eq!(
        app.scalar(
            "select count(*) from accounts where officer_id = \
             (select id from officers where badge = 'TWIN-1')"
        )
        .await,
        1,
        "acting through one account"
    );
    assert_eq!(
        app.scalar(&format!(
            "select count(*) from inspections where id in ({}) and status = '{}' \
             and assigned_officer_id is null",
            refused.join(", "),
            InspectionStatus::Queued.code()
        ))
        .await,
        (RACERS - 1) as i64,
        "the refused claims changed nothing"
    );
    assert_eq!(journal_rows(&app).await, before + 1, "one claim, one entry");
}

pub async fn fifty_officers_claim_one_inspection_and_one_wins(backend: Backend) {
    let Some(app) = spawn_app_with(backend, 300).await else {
        return;
    };
    let mut tokens = vec![];
    for n in 0..50 {
        let name = format!("c.officer{n:02}");
        app.account(&name, Role::Officer, PORT).await;
        tokens.push(app.token_for(&name).await);
    }
    let supervisor = {
        app.account("c.supervisor", Role::Supervisor, PORT).await;
        app.token_for("c.supervisor").await
    };
    let hold = placed_hold(&app).await;
    let (_, opened) = post(
        &app,
        &tokens[0],
        "/inspections",
        json!({ "hold_id": hold, "kind": "physical" }),
    )
    .await;
    let id = opened["id"].as_i64().unwrap();
    let before = journal_rows(&app).await;
    let app = std::sync::Arc::new(app);
    let mut tasks = vec![];
    for token in tokens {
        let app = app.clone();
        tasks.push(tokio::spawn(async move {
            post(&app, &token, &format!("/inspections/{id}/claim"), json!({})).await
        }));
    }
    let mut wins = vec![];
    let mut conflicts = vec![];
    for task in tasks {
        let (status, body) = task.await.unwrap();
        match status {
            StatusCode::OK => wins.push(body),
            StatusCode::CONFLICT => conflicts.push(body),
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!(wins.len(), 1, "exactly one claim wins");
    assert_eq!(conflicts.len(), 49);
    let winner = wins[0]["assigned_officer"]["name"]
        .as_str()
        .unwrap()
        .to_string();
    for body in &conflicts {
        let message = body["error"]["message"].as_str().unwrap();
        assert!(
            message.contains(&format!("already claimed by {winner}")),
            "{message}"
        );
    }
    assert_eq!(journal_rows(&app).await, before + 1, "one claim, one entry");

    // Release and seizure of one hold at once, both from the same view: one wins, the other
    // is told.
    let hold = placed_hold(&app).await;
    let seen = app.get_json(&format!("/api/v1/holds/{hold}"), 200).await["version"].clone();
    let (seen_a, seen_b) = (seen.clone(), seen);
    let release = {
        let app = app.clone();
        let token = supervisor.clone();
        tokio::spawn(async move {
            post(
                &app,
                &token,
                &format!("/holds/{hold}/release"),
                json!({ "reason": "cleared", "version": seen_a }),
            )
            .await
        })
    };
    let seize = {
        let app = app.clone();
        let token = supervisor.clone();
        tokio::spawn(async move {
            post(
                &app,
                &token,
                &format!("/holds/{hold}/seizure"),
                json!({ "reason": "found", "version": seen_b }),
            )
            .await
        })
    };
    let (a, b) = (release.await.unwrap(), seize.await.unwrap());
    let statuses = [a.0, b.0];
    assert!(statuses.contains(&StatusCode::OK), "{a:?} {b:?}");
    let loser = if a.0 == StatusCode::OK { &b } else { &a };
    assert_eq!(loser.0, StatusCode::CONFLICT, "{loser:?}");
    assert!(!loser.1["error"]["message"].as_str().unwrap().is_empty());
}

/// A deterministic random walk of actions by people of every role: after each step the hold
/// and the inspection are in states the rules allow, and the journal grew by exactly one entry
/// for an accepted action and by none (beyond a refusal record) for a refused one.
pub async fn random_actions_never_break_the_rules(backend: Backend) {
    use rand::{Rng, SeedableRng};
    let Some(app) = spawn_app_with(backend, 300).await else {
        return;
    };
    let pool = &app.db.pool;
    let mut callers = vec![];
    for (name, role) in [
        ("w.officer", Role::Officer),
        ("w.officer2", Role::Officer),
        ("w.supervisor", Role::Supervisor),
        ("w.supervisor2", Role::Supervisor),
        ("w.viewer", Role::Viewer),
    ] {
        app.account(name, role, PORT).await;
        callers.push(Caller {
            account: accounts::by_username(pool, name).await.unwrap(),
            address: "127.0.0.1".into(),
            session: None,
            token: None,
        });
    }
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let mut hold = placed_hold(&app).await;
    let mut inspection: Option<i64> = None;
    let (mut accepted, mut refused) = (0, 0);
    for _ in 0..150 {
        let caller = &callers[rng.gen_range(0..callers.len())];
        let before = app
            .scalar("select count(*) from journal where entity <> 'access'")
            .await;
        let step = rng.gen_range(0..10);
        let hold_command = match step {
            0 => Some(HoldCommand::Release {
                reason: "cleared".into(),
            }),
            1 => Some(HoldCommand::RequestSeizure {
                reason: "found".into(),
            }),
            2 => Some(HoldCommand::ApproveSeizure {
                reason: String::new(),
            }),
            4..=8 if inspection.is_some() => None,
            3 => None,
            _ => Some(HoldCommand::Note {
                text: "looked again".into(),
            }),
        };
        let result = if let Some(command) = hold_command {
            hold_ops::hold_action(pool, caller, hold, command, None, Utc::now())
                .await
                .map(|_| ())
        } else if step == 3 {
            let request = app::inspections::NewInspection {
                hold_id: hold,
                kind: InspectionKind::Xray,
                priority: app::domain::Priority::Normal,
            };
            inspection_ops::open_inspection(pool, caller, &request, Utc::now())
                .await
                .map(|i| inspection = Some(i.id))
        } else {
            let command = match rng.gen_range(0..6) {
                0 => InspectionCommand::Claim,
                1 => InspectionCommand::Start,
                2 => InspectionCommand::Complete {
                    outcome: Outcome::NoFinding,
                    notes: String::new(),
                    follow_up: None,
                },
                3 => InspectionCommand::Cancel {
                    reason: "duplicate".into(),
                },
                4 => InspectionCommand::Assign { officer_id: None },
                _ => InspectionCommand::Complete {
                    outcome: Outcome::Seizure,
                    notes: String::new(),
                    follow_up: None,
                },
            };
            let id = inspection.expect("an inspection is open");
            inspection_ops::inspection_action(pool, caller, id, command, None, Utc::now())
                .await
                .map(|_| ())
        };
        let after = app
            .scalar("select count(*) from journal where entity <> 'access'")
            .await;
        match result {
            Ok(()) => {
                accepted += 1;
                assert_eq!(after, before + 1, "an accepted action leaves one entry");
            }
            Err(_) => {
                refused += 1;
                assert_eq!(after, before, "a refused action leaves no change");
            }
        }
        let h = app::holds::db::by_id(pool, hold).await.unwrap();
        if let Some(i) = inspection {
            let i = app::inspections::db::by_id(pool, i).await.unwrap();
            if i.status == InspectionStatus::InProgress || i.status == InspectionStatus::Assigned {
                assert!(i.assigned_officer.is_some(), "open work has an owner");
            }
            if i.status.is_open() {
                assert!(h.status.is_active(), "no open inspection on a closed hold");
            }
        }
        if h.status == HoldStatus::Seized {
            assert!(h.resolved_by.is_some());
        }
        if !h.status.is_active() {
            // Carry on with another placed hold, so the walk keeps exercising the rules.
            hold = placed_hold(&app).await;
            inspection = None;
        }
    }
    assert!(
        accepted > 20 && refused > 20,
        "accepted {accepted}, refused {refused}"
    );
}

/// Twenty people placing the same hold on the same goods at the same moment: the unique index
/// on active holds lets one in and every other is told, in words, that the goods are already
/// held for that reason (409, never a 500), and nothing else is written.
pub async fn twenty_people_placing_one_hold_at_once_place_it_once(backend: Backend) {
    let Some(app) = spawn_app_with(backend, 300).await else {
        return;
    };
    let mut tokens = vec![];
    for n in 0..20 {
        let name = format!("p.officer{n:02}");
        app.account(&name, Role::Officer, PORT).await;
        tokens.push(app.token_for(&name).await);
    }
    let shipment = free_shipment(&app).await;
    let before = journal_rows(&app).await;
    let app = std::sync::Arc::new(app);
    let gate = std::sync::Arc::new(tokio::sync::Barrier::new(tokens.len()));
    let mut tasks = vec![];
    for token in tokens {
        let (app, gate) = (app.clone(), gate.clone());
        tasks.push(tokio::spawn(async move {
            gate.wait().await;
            let body = json!({ "shipment_id": shipment, "reason": "documentation" });
            post(&app, &token, "/holds", body).await
        }));
    }
    let (mut placed, mut refused) = (0, 0);
    for task in tasks {
        let (status, body) = task.await.unwrap();
        match status {
            StatusCode::CREATED => placed += 1,
            StatusCode::CONFLICT => {
                refused += 1;
                let message = body["error"]["message"].as_str().unwrap();
                assert!(
                    message.ends_with("already has an active hold for documentation discrepancy"),
                    "{message}"
                );
            }
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!((placed, refused), (1, 19));
    let active = app
        .scalar(&format!(
            "select count(*) from holds where shipment_id = {shipment} and reason = 'documentation' \
             and status in ('placed', 'examination', 'seizure_requested')"
        ))
        .await;
    assert_eq!(active, 1, "one active hold for the reason");
    assert_eq!(journal_rows(&app).await, before + 1, "one hold, one entry");
}
