//! Accounts and tokens, on both backends: hashing, credentials, disabling, password changes,
//! bearer tokens, and a journal entry for every change.

use crate::helpers::{Backend, spawn_app_with};
use app::AppError;
use app::accounts::db::{self as accounts, NewAccount, Tokens};
use app::accounts::tokens;
use app::domain::{PortScope, Role};
use chrono::Utc;

fn officer(password: &str) -> NewAccount<'_> {
    NewAccount {
        username: "J.Tremblay",
        display_name: "Julie Tremblay",
        badge: Some("Y1042"),
        role: Role::Officer,
        ports: PortScope::Only(vec!["YVR".into()]),
        password,
        demo: false,
    }
}

pub async fn accounts_hash_passwords_and_check_credentials(backend: Backend) {
    let Some(app) = spawn_app_with(backend, 0).await else {
        return;
    };
    let pool = &app.db.pool;
    let now = Utc::now();
    let created = accounts::create(pool, officer("correct horse battery"), "test", now)
        .await
        .unwrap();
    assert_eq!(created.username, "j.tremblay");
    assert_eq!(created.ports, PortScope::Only(vec!["YVR".into()]));

    let stored: String = sqlx::Row::get(
        &sqlx::query("select password_hash from accounts where username = 'j.tremblay'")
            .fetch_one(pool)
            .await
            .unwrap(),
        0,
    );
    assert!(stored.starts_with("$argon2id$"), "{stored}");
    assert!(!stored.contains("correct horse"));

    let ok = accounts::check_credentials(pool, "J.TREMBLAY", "correct horse battery")
        .await
        .unwrap();
    assert_eq!(ok.map(|a| a.username), Some("j.tremblay".into()));
    assert!(
        accounts::check_credentials(pool, "j.tremblay", "wrong password!!")
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        accounts::check_credentials(pool, "nobody", "correct horse battery")
            .await
            .unwrap()
            .is_none()
    );

    // A taken username and a short password are refused, and nothing is written.
    let before = app.scalar("select count(*) from journal").await;
    assert!(matches!(
        accounts::create(pool, officer("correct horse battery"), "test", now).await,
        Err(AppError::Conflict { .. })
    ));
    let mut short = officer("short");
    short.username = "someone.else";
    assert!(matches!(
        accounts::create(pool, short, "test", now).await,
        Err(AppError::Invalid { field, .. }) if field == "password"
    ));
    assert_eq!(app.scalar("select count(*) from journal").await, before);
    assert_eq!(
        app.scalar("select count(*) from accounts where username <> 'test.reader'")
            .await,
        1
    );

    // A new password replaces the old one.
    accounts::set_password(
        pool,
        "j.tremblay",
        "another long passphrase",
        Tokens::Revoke,
        "test",
        now,
    )
    .await
    .unwrap();
    assert!(
        accounts::check_credentials(pool, "j.tremblay", "correct horse battery")
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        accounts::check_credentials(pool, "j.tremblay", "another long passphrase")
            .await
            .unwrap()
            .is_some()
    );

    // A disabled account cannot sign in.
    accounts::disable(pool, "j.tremblay", "test", now)
        .await
        .unwrap();
    assert!(
        accounts::check_credentials(pool, "j.tremblay", "another long passphrase")
            .await
            .unwrap()
            .is_none()
    );

    let actions = app
        .scalar(
            "select count(*) from journal where entity = 'account' \
             and action in ('created', 'password_changed', 'disabled') \
             and entity_id = (select cast(id as text) from accounts where username = 'j.tremblay')",
        )
        .await;
    assert_eq!(actions, 3);
}

pub async fn tokens_are_stored_hashed_and_can_be_revoked(backend: Backend) {
    let Some(app) = spawn_app_with(backend, 0).await else {
        return;
    };
    let pool = &app.db.pool;
    let now = Utc::now();
    let later = now + chrono::TimeDelta::days(30);
    accounts::create(pool, officer("correct horse battery"), "test", now)
        .await
        .unwrap();
    let token = tokens::issue_token(pool, "j.tremblay", "ci", later, "test", now)
        .await
        .unwrap();
    assert!(token.starts_with("boc_") && token.len() > 40);
    assert_eq!(
        app.scalar(&format!(
            "select count(*) from api_tokens where token_hash = '{token}'"
        ))
        .await,
        0,
        "the token itself is never stored"
    );
    let who = tokens::account_for_token(pool, &token, now).await.unwrap();
    assert_eq!(who.map(|(a, _)| a.username), Some("j.tremblay".into()));
    assert!(
        tokens::account_for_token(pool, "boc_forged", now)
            .await
            .unwrap()
            .is_none()
    );

    assert_eq!(
        tokens::revoke_tokens(pool, "j.tremblay", "test", now)
            .await
            .unwrap(),
        1
    );
    assert!(
        tokens::account_for_token(pool, &token, now)
            .await
            .unwrap()
            .is_none()
    );

    // Disabling an account stops its tokens too.
    let second = tokens::issue_token(pool, "j.tremblay", "ci", later, "test", now)
        .await
        .unwrap();
    accounts::disable(pool, "j.tremblay", "test", now)
        .await
        .unwrap();
    assert!(
        tokens::account_for_token(pool, &second, now)
            .await
            .unwrap()
            .is_none()
    );
    assert!(matches!(
        tokens::issue_token(pool, "j.tremblay", "ci", later, "test", now).await,
        Err(AppError::Conflict { .. })
    ));
}

/// Ten administrators creating the same username at the same moment: the unique index on
/// usernames makes one account, and every other request is told the name is taken (409,
/// never a 500), with nothing else written.
pub async fn an_account_name_raced_by_many_is_made_once(backend: Backend) {
    let Some(app) = spawn_app_with(backend, 50).await else {
        return;
    };
    app.account("r.admin", Role::Admin, "all").await;
    let token = app.token_for("r.admin").await;
    let before = app
        .scalar("select count(*) from journal where entity = 'account'")
        .await;
    let app = std::sync::Arc::new(app);
    let gate = std::sync::Arc::new(tokio::sync::Barrier::new(10));
    let mut tasks = vec![];
    for _ in 0..10 {
        let (app, gate, token) = (app.clone(), gate.clone(), token.clone());
        tasks.push(tokio::spawn(async move {
            gate.wait().await;
            let response = app
                .client
                .post(app.url("/rpc/create_account"))
                .bearer_auth(&token)
                .header("content-type", "application/x-www-form-urlencoded")
                .body("username=r.twin&display_name=Twin&badge=&role=viewer&ports=all")
                .send()
                .await
                .expect("request is sent");
            let status = response.status();
            (
                status,
                response
                    .json::<serde_json::Value>()
                    .await
                    .unwrap_or_default(),
            )
        }));
    }
    let (mut made, mut taken) = (0, 0);
    for task in tasks {
        let (status, body) = task.await.unwrap();
        match status.as_u16() {
            200 => made += 1,
            409 => {
                taken += 1;
                assert_eq!(body["message"], "the username r.twin is taken", "{body}");
            }
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!((made, taken), (1, 9));
    assert_eq!(
        app.scalar("select count(*) from accounts where username = 'r.twin'")
            .await,
        1
    );
    assert_eq!(
        app.scalar("select count(*) from journal where entity = 'account'")
            .await,
        before + 1,
        "one account, one entry"
    );
}
