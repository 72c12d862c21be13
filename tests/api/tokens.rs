//! Bearer tokens from the command line, as the README gives the commands (the real binary, on
//! the database of a running server): each expires, is listed with its label, expiry and last
//! use, and is revoked one by one or all at once, and a password change revokes them unless
//! told to keep them. Every refusal says why in a sentence and changes nothing.

use crate::cli::{Ran, run_with};
use crate::helpers::{Backend, TestApp, client, spawn_app_with};
use app::domain::Role;
use chrono::{SecondsFormat, Utc};
use reqwest::StatusCode;
use serde_json::Value;
use sqlx::Row;

/// `border-ops ARGS` on the server's database.
async fn border_ops(app: &TestApp, args: &[&str]) -> Ran {
    run_with(app.db.url(), &[], args, None).await
}

/// The status and error message of `GET /api/v1/ports` with `token`.
async fn call(app: &TestApp, token: &str) -> (StatusCode, String) {
    let answer = client(false)
        .get(app.url("/api/v1/ports"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = answer.status();
    let body: Value = answer.json().await.unwrap_or_default();
    let message = body["error"]["message"].as_str().unwrap_or_default();
    (status, message.to_string())
}

async fn token_id(app: &TestApp, label: &str) -> i64 {
    app.scalar(&format!(
        "select id from api_tokens where label = '{label}'"
    ))
    .await
}

fn instant(millis: i64) -> String {
    app::domain::clock::from_millis(millis).to_rfc3339_opts(SecondsFormat::Secs, true)
}

const NOT_VALID: &str = "this token is not valid";
const EXPIRED: &str = "this token has expired: ask an administrator for a new one";

/// `token issue --expires`, `token list`, `token revoke --id`: a token lasts as long as
/// issued and is refused with a sentence once expired; one token is revoked (journaled)
/// while another of the account goes on working; bad lifetimes, labels and ids are refused
/// with a sentence and change nothing.
pub async fn tokens_expire_and_are_listed_and_revoked_one_by_one(backend: Backend) {
    let Some(app) = spawn_app_with(backend, 0).await else {
        return;
    };
    app.account("tk.bridge", Role::Viewer, "all").await;
    let issue = |label: &'static str, expires: Option<&'static str>| {
        let mut args = vec![
            "token",
            "issue",
            "--username",
            "tk.bridge",
            "--label",
            label,
        ];
        if let Some(expires) = expires {
            args.extend(["--expires", expires]);
        }
        let app = &app;
        async move {
            let ran = border_ops(app, &args).await.ok("token issue");
            ran.stdout.trim().to_string()
        }
    };
    let export = issue("export", Some("2h")).await;
    let wall = issue("wall", None).await;
    let spare = issue("spare", None).await;
    let lasts = |label: &'static str| {
        let app = &app;
        async move {
            app.scalar(&format!(
                "select expires_at - created_at from api_tokens where label = '{label}'"
            ))
            .await
        }
    };
    assert_eq!(lasts("export").await, 2 * 3_600_000);
    assert_eq!(lasts("wall").await, 90 * 86_400_000, "90 days by default");
    for token in [&export, &wall, &spare] {
        assert_eq!(call(&app, token).await.0, StatusCode::OK);
    }

    let listed = border_ops(&app, &["token", "list", "--username", "tk.bridge"])
        .await
        .ok("token list");
    let lines: Vec<&str> = listed.stdout.lines().collect();
    let (export_id, wall_id, spare_id) = (
        token_id(&app, "export").await,
        token_id(&app, "wall").await,
        token_id(&app, "spare").await,
    );
    let ids: Vec<i64> = lines
        .iter()
        .map(|l| l.split_whitespace().next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(ids, [spare_id, wall_id, export_id], "newest first");
    let export_expires = app
        .scalar("select expires_at from api_tokens where label = 'export'")
        .await;
    let export_line = lines[2];
    assert!(export_line.contains(" export "), "{export_line}");
    assert!(
        export_line.contains(&format!("expires {}", instant(export_expires))),
        "{export_line}"
    );
    assert!(export_line.contains("created "), "{export_line}");
    // The calls above were its first use.
    assert!(!export_line.contains("last used never"), "{export_line}");

    // Bad lifetimes and labels: refused with a sentence, nothing written.
    let tokens_before = app.scalar("select count(*) from api_tokens").await;
    let journal_before = app.scalar("select count(*) from journal").await;
    let too_long = "x".repeat(101);
    for (args, why) in [
        (["--expires", "0d"], "no time at all"),
        (["--expires", "-3h"], "no time at all"),
        (["--expires", "367d"], "a token lasts at most 366 days"),
        (["--expires", "2020-01-01T00:00:00Z"], "has already passed"),
        (["--expires", "soon"], "is not a lifetime"),
        (
            ["--label", too_long.as_str()],
            "a label is 1 to 100 characters",
        ),
    ] {
        let mut all = vec!["token", "issue", "--username", "tk.bridge"];
        all.extend(args);
        border_ops(&app, &all).await.refused(&args.join(" "), why);
    }
    assert_eq!(
        app.scalar("select count(*) from api_tokens").await,
        tokens_before
    );
    assert_eq!(
        app.scalar("select count(*) from journal").await,
        journal_before
    );

    // Past its expiry, a token is refused with a sentence that says so.
    sqlx::query("update api_tokens set expires_at = $1 where id = $2")
        .bind(Utc::now().timestamp_millis() - 1_000)
        .bind(export_id)
        .execute(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(
        call(&app, &export).await,
        (StatusCode::UNAUTHORIZED, EXPIRED.to_string())
    );
    assert_eq!(call(&app, &wall).await.0, StatusCode::OK);

    // One token revoked: it stops, the account's others go on; the revocation is journaled.
    let wall_text = wall_id.to_string();
    let revoked = border_ops(&app, &["token", "revoke", "--id", &wall_text])
        .await
        .ok("token revoke --id");
    assert!(
        revoked
            .stderr
            .contains(&format!("revoked token {wall_id} (wall) of tk.bridge")),
        "{}",
        revoked.stderr
    );
    let (status, message) = call(&app, &wall).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(message.starts_with(NOT_VALID), "{message}");
    assert_eq!(call(&app, &spare).await.0, StatusCode::OK);
    let entry = sqlx::query(
        "select actor, after_json from journal where entity = 'api_token' and action = 'revoked' \
         and entity_id = $1",
    )
    .bind(&wall_text)
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(entry.len(), 1, "one journal entry");
    let actor: String = entry[0].try_get("actor").unwrap();
    assert!(actor.starts_with("shell: "), "{actor}");
    let listed = border_ops(&app, &["token", "list", "--username", "tk.bridge"])
        .await
        .ok("token list");
    let revoked_at = app
        .scalar(&format!(
            "select revoked_at from api_tokens where id = {wall_id}"
        ))
        .await;
    let wall_line = listed
        .stdout
        .lines()
        .find(|l| l.starts_with(&format!("{wall_id} ")))
        .unwrap();
    assert!(
        wall_line.ends_with(&format!("revoked {}", instant(revoked_at))),
        "{wall_line}"
    );
    assert!(
        listed
            .stdout
            .lines()
            .any(|l| l.starts_with(&format!("{export_id} ")) && l.contains("expired ")),
        "{}",
        listed.stdout
    );

    // An unknown id, a revoked one, both or neither way of saying which: refused, unchanged.
    let journal_before = app.scalar("select count(*) from journal").await;
    border_ops(&app, &["token", "revoke", "--id", "999999"])
        .await
        .refused("an unknown id", "token #999999 was not found");
    border_ops(&app, &["token", "revoke", "--id", &wall_text])
        .await
        .refused(
            "a revoked id",
            &format!(
                "token #{wall_id} was already revoked, at {}",
                instant(revoked_at)
            ),
        );
    border_ops(
        &app,
        &[
            "token",
            "revoke",
            "--id",
            &wall_text,
            "--username",
            "tk.bridge",
        ],
    )
    .await
    .refused("both", "cannot be used with");
    border_ops(&app, &["token", "revoke"])
        .await
        .refused("neither", "--id <ID>|--username <USERNAME>");
    assert_eq!(
        app.scalar("select count(*) from journal").await,
        journal_before
    );
    assert_eq!(
        app.scalar(&format!(
            "select revoked_at from api_tokens where id = {wall_id}"
        ))
        .await,
        revoked_at,
        "the first revocation's time stays"
    );
    assert_eq!(call(&app, &spare).await.0, StatusCode::OK);

    // Revoking all of them still works.
    border_ops(&app, &["token", "revoke", "--username", "tk.bridge"])
        .await
        .ok("token revoke --username");
    assert_eq!(call(&app, &spare).await.0, StatusCode::UNAUTHORIZED);
}

/// A token's last use is written at most once a minute, however many calls (even at once):
/// the stored time moves on the first call, stays on the next ones, and moves again once it
/// is more than a minute old.
pub async fn a_token_notes_its_last_use_once_a_minute(backend: Backend) {
    let Some(app) = spawn_app_with(backend, 0).await else {
        return;
    };
    app.account("tk.busy", Role::Viewer, "all").await;
    let token = app.token_for("tk.busy").await;
    let id = app
        .scalar(
            "select t.id from api_tokens t join accounts a on a.id = t.account_id \
             where a.username = 'tk.busy'",
        )
        .await;
    let last_used = || async {
        sqlx::query("select last_used_at from api_tokens where id = $1")
            .bind(id)
            .fetch_one(&app.db.pool)
            .await
            .unwrap()
            .try_get::<Option<i64>, _>(0)
            .unwrap()
    };
    assert_eq!(last_used().await, None);
    assert_eq!(call(&app, &token).await.0, StatusCode::OK);
    let first = last_used().await.expect("written on first use");
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    assert_eq!(call(&app, &token).await.0, StatusCode::OK);
    assert_eq!(
        last_used().await,
        Some(first),
        "not again within the minute"
    );
    let calls: Vec<_> = (0..20)
        .map(|_| {
            let (url, token) = (app.url("/api/v1/ports"), token.clone());
            tokio::spawn(async move {
                client(false)
                    .get(url)
                    .bearer_auth(token)
                    .send()
                    .await
                    .unwrap()
                    .status()
            })
        })
        .collect();
    for done in calls {
        assert_eq!(done.await.unwrap(), StatusCode::OK);
    }
    assert_eq!(last_used().await, Some(first), "nor for calls at once");

    let minute_ago = first - 61_000;
    sqlx::query("update api_tokens set last_used_at = $1 where id = $2")
        .bind(minute_ago)
        .bind(id)
        .execute(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(call(&app, &token).await.0, StatusCode::OK);
    let second = last_used().await.unwrap();
    assert!(second >= first, "moved on: {second} after {minute_ago}");
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    assert_eq!(call(&app, &token).await.0, StatusCode::OK);
    assert_eq!(last_used().await, Some(second));
}

/// `user passwd U` revokes the account's tokens and says how many in its journal entry;
/// `--keep-tokens` keeps them; an administrator's reset revokes them too.
pub async fn a_password_change_revokes_tokens_unless_kept(backend: Backend) {
    let Some(app) = spawn_app_with(backend, 0).await else {
        return;
    };
    app.account("tk.pw", Role::Viewer, "all").await;
    let (one, two) = (app.token_for("tk.pw").await, app.token_for("tk.pw").await);
    let last_change = || async {
        let after: String = sqlx::query(
            "select after_json from journal where entity = 'account' \
             and action = 'password_changed' order by seq desc limit 1",
        )
        .fetch_one(&app.db.pool)
        .await
        .unwrap()
        .try_get(0)
        .unwrap();
        serde_json::from_str::<Value>(&after).unwrap()
    };

    let kept = border_ops(&app, &["user", "passwd", "tk.pw", "--keep-tokens"])
        .await
        .ok("user passwd --keep-tokens");
    assert!(kept.stderr.contains("its tokens kept"), "{}", kept.stderr);
    assert_eq!(last_change().await["tokens_revoked"], 0);
    assert_eq!(call(&app, &one).await.0, StatusCode::OK);
    assert_eq!(call(&app, &two).await.0, StatusCode::OK);

    let changed = border_ops(&app, &["user", "passwd", "tk.pw"])
        .await
        .ok("user passwd");
    assert!(
        changed.stderr.contains("2 token(s) revoked"),
        "{}",
        changed.stderr
    );
    assert_eq!(last_change().await["tokens_revoked"], 2);
    for token in [&one, &two] {
        let (status, message) = call(&app, token).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert!(message.starts_with(NOT_VALID), "{message}");
    }

    // An administrator's reset from the Accounts page.
    app.account("tk.admin", Role::Admin, "all").await;
    let admin = app.token_for("tk.admin").await;
    let three = app.token_for("tk.pw").await;
    let reset = client(false)
        .post(app.url("/rpc/reset_password"))
        .bearer_auth(&admin)
        .form(&[("username", "tk.pw")])
        .send()
        .await
        .unwrap();
    assert!(reset.status().is_success(), "{}", reset.status());
    assert_eq!(last_change().await["tokens_revoked"], 1);
    assert_eq!(call(&app, &three).await.0, StatusCode::UNAUTHORIZED);
}

/// A token issued before tokens had an expiry is given 90 days from the migration that added
/// it: the migrations up to the one before are applied, a token is written as the product
/// then wrote it, and the rest are applied.
pub async fn tokens_from_before_expiry_get_ninety_days(backend: Backend) {
    use sqlx::migrate::Migrator;
    const EXPIRY: i64 = 20261130000032;
    let Some((db, _dir)) = crate::helpers::fresh_db(backend).await else {
        return;
    };
    let folder = match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    let path = format!("{}/migrations/{folder}", env!("CARGO_MANIFEST_DIR"));
    let mut earlier = Migrator::new(std::path::Path::new(&path)).await.unwrap();
    earlier.migrations = earlier
        .migrations
        .iter()
        .filter(|m| m.version < EXPIRY)
        .cloned()
        .collect::<Vec<_>>()
        .into();
    earlier.run(&db.pool).await.unwrap();
    sqlx::query(
        "insert into accounts (username, display_name, role, ports, password_hash, active, \
         created_at, password_changed_at) values ('old.bot', 'Old bot', 'viewer', 'all', 'x', 1, 0, 0)",
    )
    .execute(&db.pool)
    .await
    .unwrap();
    sqlx::query(
        "insert into api_tokens (account_id, token_hash, label, created_at) \
         select id, 'digest', 'old', 0 from accounts where username = 'old.bot'",
    )
    .execute(&db.pool)
    .await
    .unwrap();
    let before = Utc::now().timestamp_millis();
    db.migrate().await.unwrap();
    let after = Utc::now().timestamp_millis();
    let expires: i64 = sqlx::query("select expires_at from api_tokens where label = 'old'")
        .fetch_one(&db.pool)
        .await
        .unwrap()
        .try_get(0)
        .unwrap();
    let ninety_days = 90 * 86_400_000;
    // The database's clock, read to the second by SQLite.
    assert!(
        (before - 1_000 + ninety_days..=after + ninety_days).contains(&expires),
        "{expires} is 90 days after the migration ({before}..{after})"
    );
}
