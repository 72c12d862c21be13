//! People changing their own password through `/rpc/change_password`, on both backends, as
//! a signed-in browser does: every refusal names its field and changes nothing; a change ends
//! the account's other sessions and (unless kept) its tokens, and keeps the browser that made
//! it signed in under a new session id; a wrong current password is a guess, counted with the
//! sign-ins.

use crate::helpers::{Backend, TestApp, client, spawn_app_with};
use app::accounts::db as accounts;
use app::domain::Role;
use reqwest::StatusCode;
use serde_json::Value;
use std::sync::Arc;

const NEW: &str = "a river of quiet stones";

/// Posts the form of "Your account" as `browser`; the box "Also revoke my API tokens" is
/// sent only when ticked, as a browser does.
async fn change(
    app: &TestApp,
    browser: &reqwest::Client,
    current: &str,
    new: &str,
    again: &str,
    revoke_tokens: bool,
) -> reqwest::Response {
    let mut form = vec![
        ("current_password", current),
        ("new_password", new),
        ("new_password_again", again),
    ];
    if revoke_tokens {
        form.push(("revoke_tokens", "true"));
    }
    browser
        .post(app.url("/rpc/change_password"))
        .form(&form)
        .send()
        .await
        .expect("request is sent")
}

/// A server function that needs a signed-in caller: 200 while signed in, 401 after.
async fn probe(app: &TestApp, browser: &reqwest::Client) -> StatusCode {
    browser
        .post(app.url("/rpc/my_sessions"))
        .send()
        .await
        .expect("request is sent")
        .status()
}

async fn signed_in(app: &TestApp, username: &str, password: &str) -> reqwest::Client {
    let browser = client(true);
    let signed = app.sign_in(&browser, username, password).await;
    assert_eq!(signed.status(), StatusCode::OK, "{username} signs in");
    browser
}

async fn token_works(app: &TestApp, token: &str) -> StatusCode {
    client(false)
        .get(app.url("/api/v1/ports"))
        .bearer_auth(token)
        .send()
        .await
        .expect("request is sent")
        .status()
}

/// The field a 422 names, and its reason.
async fn refused_field(response: reqwest::Response) -> (String, String) {
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = response.json().await.expect("JSON body");
    assert_eq!(body["code"], "invalid", "{body}");
    (
        body["field"].as_str().unwrap_or_default().to_string(),
        body["reason"].as_str().unwrap_or_default().to_string(),
    )
}

fn session_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("boc_session="))
        .and_then(|c| c.split(';').next())
        .map(str::to_string)
}

pub async fn people_change_their_own_password(backend: Backend) {
    let Some(app) = spawn_app_with(backend, 0).await else {
        return;
    };
    let old = app.account("o.self", Role::Officer, "YVR").await;
    let token = app.token_for("o.self").await;
    let desk = client(true);
    let first_id = session_cookie(&app.sign_in(&desk, "o.self", &old).await).expect("a session");
    let laptop = signed_in(&app, "o.self", &old).await;
    let entries = || {
        app.scalar(
            "select count(*) from journal where entity = 'account' and action = 'password_changed'",
        )
    };

    // A wrong current password is refused by its field, and journaled as a failed sign-in.
    let (field, reason) =
        refused_field(change(&app, &desk, "not my password", NEW, NEW, true).await).await;
    assert_eq!(field, "current_password");
    assert!(reason.contains("not your current password"), "{reason}");
    assert_eq!(
        app.scalar(
            "select count(*) from journal where entity = 'sign_in' and action = 'failed' \
             and entity_id = 'o.self'"
        )
        .await,
        1
    );

    // A new password too short, common in any case, or typed differently twice: each refused
    // by the field to correct.
    for (new, again, field, says) in [
        (
            "short one",
            "short one",
            "new_password",
            "at least 12 characters",
        ),
        (
            "QWERTY123456",
            "QWERTY123456",
            "new_password",
            "most common",
        ),
        (
            NEW,
            "a river of quiet stone",
            "new_password_again",
            "same as the new password",
        ),
        (
            old.as_str(),
            old.as_str(),
            "new_password",
            "your current password",
        ),
    ] {
        let (named, reason) =
            refused_field(change(&app, &desk, &old, new, again, true).await).await;
        assert_eq!(named, field, "{new}");
        assert!(reason.contains(says), "{new}: {reason}");
    }

    // Nothing changed: the old password signs in, the other browser and the token still work.
    assert_eq!(entries().await, 0);
    signed_in(&app, "o.self", &old).await;
    assert_eq!(probe(&app, &laptop).await, StatusCode::OK);
    assert_eq!(token_works(&app, &token).await, StatusCode::OK);

    // The change: the other browsers are signed out, this one goes on under a new session id,
    // the token is revoked, and one journal entry counts what ended.
    let changed = change(&app, &desk, &old, NEW, NEW, true).await;
    assert_eq!(changed.status(), StatusCode::OK);
    let cycled = session_cookie(&changed).expect("the session id is cycled");
    let body: Value = changed.json().await.unwrap();
    // The laptop and the browser that signed in to check the old password.
    assert_eq!(body["sessions_ended"], 2, "{body}");
    assert_eq!(body["tokens_revoked"], 1, "{body}");
    assert_eq!(probe(&app, &laptop).await, StatusCode::UNAUTHORIZED);
    assert_eq!(probe(&app, &desk).await, StatusCode::OK);
    assert_eq!(token_works(&app, &token).await, StatusCode::UNAUTHORIZED);
    assert_ne!(cycled, first_id);
    for (id, status) in [
        (&first_id, StatusCode::UNAUTHORIZED),
        (&cycled, StatusCode::OK),
    ] {
        let by_id = client(false)
            .post(app.url("/rpc/my_sessions"))
            .header("cookie", id.as_str())
            .send()
            .await
            .unwrap();
        assert_eq!(by_id.status(), status, "{id}");
    }
    assert_eq!(
        app.sign_in(&client(true), "o.self", &old).await.status(),
        StatusCode::UNAUTHORIZED,
        "the old password no longer signs in"
    );
    signed_in(&app, "o.self", NEW).await;
    assert_eq!(entries().await, 1);
    assert_eq!(
        app.scalar(
            "select count(*) from journal where entity = 'account' and action = 'password_changed' \
             and actor = 'o.self' and after_json like '%\"sessions_ended\":2%' \
             and after_json like '%\"tokens_revoked\":1%'"
        )
        .await,
        1
    );

    // With the box unticked, the tokens are kept; the other sessions end all the same.
    let kept = app.token_for("o.self").await;
    let phone = signed_in(&app, "o.self", NEW).await;
    let third = "three quiet stones in a river";
    let changed = change(&app, &desk, NEW, third, third, false).await;
    assert_eq!(changed.status(), StatusCode::OK);
    let body: Value = changed.json().await.unwrap();
    assert_eq!(body["tokens_revoked"], 0, "{body}");
    assert_eq!(token_works(&app, &kept).await, StatusCode::OK);
    assert_eq!(probe(&app, &phone).await, StatusCode::UNAUTHORIZED);
    assert_eq!(probe(&app, &desk).await, StatusCode::OK);
    assert!(
        accounts::check_credentials(&app.db.pool, "o.self", third)
            .await
            .unwrap()
            .is_some()
    );
}

/// Twenty wrong current passwords sent at once from a stolen session: they are counted with
/// the sign-ins of the account, so at most five are checked and the rest get 429 with when to
/// try again; after that neither the right current password nor a sign-in gets through.
pub async fn current_passwords_guessed_at_once_are_checked_at_most_five_times(backend: Backend) {
    let Some(app) = spawn_app_with(backend, 0).await else {
        return;
    };
    let password = app.account("o.target", Role::Viewer, "all").await;
    let stolen = signed_in(&app, "o.target", &password).await;
    let app = Arc::new(app);
    let gate = Arc::new(tokio::sync::Barrier::new(20));
    let mut tasks = vec![];
    for n in 0..20 {
        let (app, gate, stolen) = (app.clone(), gate.clone(), stolen.clone());
        tasks.push(tokio::spawn(async move {
            gate.wait().await;
            let guess = format!("guess number {n}");
            let response = change(&app, &stolen, &guess, NEW, NEW, true).await;
            let status = response.status();
            let retry = response.headers().contains_key("retry-after");
            (status, retry)
        }));
    }
    let (mut checked, mut refused) = (0, 0);
    for task in tasks {
        match task.await.unwrap() {
            (StatusCode::UNPROCESSABLE_ENTITY, _) => checked += 1,
            (StatusCode::TOO_MANY_REQUESTS, true) => refused += 1,
            other => panic!("unexpected answer {other:?}"),
        }
    }
    assert!(
        checked <= 5 && checked + refused == 20,
        "{checked} checked, {refused} refused"
    );
    let right = change(&app, &stolen, &password, NEW, NEW, true).await;
    assert_eq!(right.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        app.sign_in(&client(true), "o.target", &password)
            .await
            .status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    assert!(
        accounts::check_credentials(&app.db.pool, "o.target", &password)
            .await
            .unwrap()
            .is_some(),
        "the password did not change"
    );
}
