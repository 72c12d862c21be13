//! The database roles of the README's "Running as a role that owns nothing": the owner applies
//! the migrations and gives a serving role its rights (`migrate --serving-role`); `serve` runs
//! as that role with `MIGRATE_ON_START=false`, does all its work, and cannot change or empty
//! the journal. Run as a reader runs them: the real binary, the documented flags.

use crate::cli::{Server, fresh_database, run_with};
use crate::helpers::Backend;
use app::db::Db;
use serde_json::Value;
use std::time::Duration;

const AT: &str = "2026-11-28T12:00:00Z";

/// `serve` with `MIGRATE_ON_START=false` checks the migrations instead of applying them: on a
/// database that lacks one it refuses to start and says what to run. On SQLite a serving role
/// is refused (there are no roles); on PostgreSQL a role that owns nothing serves the board,
/// its sessions, its actions and its live stream, and may neither change nor empty the
/// journal, nor apply migrations.
pub async fn serve_runs_as_a_role_that_owns_nothing(backend: Backend) {
    let Some((database, _dir)) = fresh_database(backend).await else {
        return;
    };
    run_with(
        &database,
        &[("MIGRATE_ON_START", "false")],
        &["serve"],
        None,
    )
    .await
    .refused(
        "serve on a database never migrated",
        "run `border-ops migrate` as the database's owner",
    );
    if backend == Backend::Sqlite {
        run_with(
            &database,
            &[],
            &["migrate", "--serving-role", "boc_app"],
            None,
        )
        .await
        .refused(
            "a serving role on SQLite",
            "a serving role exists only on PostgreSQL",
        );
        return;
    }

    let suffix = &uuid::Uuid::new_v4().simple().to_string()[..12];
    let role = format!("boc_serve_{suffix}");
    let password = format!("serve-{suffix}");
    run_with(&database, &[], &["migrate", "--serving-role", &role], None)
        .await
        .refused("a role that does not exist", "there is no role");
    run_with(
        &database,
        &[],
        &["migrate", "--serving-role", "Robert'); drop"],
        None,
    )
    .await
    .refused(
        "a role name that needs quoting",
        "is not a plain PostgreSQL name",
    );

    let owner = Db::connect(&database, 2).await.expect("the owner connects");
    sqlx::query(&format!("create role {role} login password '{password}'"))
        .execute(&owner.pool)
        .await
        .expect("the role is made");
    let granted = run_with(&database, &[], &["migrate", "--serving-role", &role], None)
        .await
        .ok("migrate --serving-role");
    assert!(
        granted.stdout.contains(&format!("{role} may now serve")),
        "{}",
        granted.stdout
    );
    run_with(
        &database,
        &[],
        &["seed", "--demo", "--shipments", "600", "--at", AT],
        None,
    )
    .await
    .ok("seed");
    let added = run_with(
        &database,
        &[],
        &[
            "user",
            "add",
            "--username",
            "role.check",
            "--role",
            "supervisor",
            "--display-name",
            "Role Check",
        ],
        None,
    )
    .await
    .ok("user add");
    let sign_in_password = added.stdout.trim().to_string();
    let token = run_with(
        &database,
        &[],
        &["token", "issue", "--username", "role.check"],
        None,
    )
    .await
    .ok("token issue")
    .stdout
    .trim()
    .to_string();

    let mut as_role = reqwest::Url::parse(&database).expect("a URL");
    as_role.set_username(&role).expect("a user name");
    as_role.set_password(Some(&password)).expect("a password");
    let as_role = as_role.to_string();

    // Left to migrate on start, the role cannot: it is told how to run instead.
    run_with(&as_role, &[], &["serve"], None).await.refused(
        "serve as the role, migrating on start",
        "MIGRATE_ON_START=false",
    );

    let server = Server::start_with(&as_role, &[("MIGRATE_ON_START", "false")], &["serve"]).await;
    let client = reqwest::Client::new();
    let journal = |db: &Db| {
        let pool = db.pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>("select count(*) from journal")
                .fetch_one(&pool)
                .await
                .expect("the journal is read")
        }
    };
    let before = journal(&owner).await;

    // Reads and a journaled action, with the token.
    let holds: Value = client
        .get(server.url("/api/v1/holds?status=active&per_page=1"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("holds")
        .json()
        .await
        .expect("JSON");
    let hold = &holds["items"][0];
    assert!(hold["id"].is_i64(), "an active hold to act on: {holds}");
    let noted = client
        .post(server.url(&format!("/api/v1/holds/{}/notes", hold["id"])))
        .bearer_auth(&token)
        .json(&serde_json::json!({ "text": "served by a role that owns nothing", "version": hold["version"] }))
        .send()
        .await
        .expect("note");
    assert_eq!(
        noted.status(),
        200,
        "{}",
        noted.text().await.unwrap_or_default()
    );
    assert!(journal(&owner).await > before, "the action was journaled");

    // A session: signing in writes the session tables, and the cookie then serves.
    let browser = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .expect("a client");
    let signed_in = browser
        .post(server.url("/rpc/sign_in"))
        .form(&[("username", "role.check"), ("password", &sign_in_password)])
        .send()
        .await
        .expect("sign in");
    assert!(signed_in.status().is_success(), "{}", signed_in.status());
    let ports = browser
        .get(server.url("/api/v1/ports"))
        .send()
        .await
        .expect("ports");
    assert_eq!(ports.status(), 200);

    // The live stream listens and starts.
    let mut live = client
        .get(server.url("/api/v1/live"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("live");
    assert_eq!(live.status(), 200);
    let first = tokio::time::timeout(Duration::from_secs(10), live.chunk())
        .await
        .expect("a first frame within 10 s")
        .expect("a chunk")
        .expect("not the end");
    assert!(String::from_utf8_lossy(&first).contains("event: hello"));
    drop(live);

    // The role itself may not change the journal, empty it, or apply migrations.
    let limited = Db::connect(&as_role, 1).await.expect("the role connects");
    for statement in [
        "update journal set actor = 'someone else'",
        "delete from journal",
        "truncate journal",
        "delete from _sqlx_migrations",
        "create table intruder (id integer)",
    ] {
        let refused = sqlx::query(statement)
            .execute(&limited.pool)
            .await
            .expect_err(statement);
        assert!(
            refused.to_string().contains("permission denied"),
            "{statement}: {refused}"
        );
    }
    limited.pool.close().await;
    server.stop().await;

    // Roles belong to the cluster, not to the test's database: this one goes with the test.
    for statement in [format!("drop owned by {role}"), format!("drop role {role}")] {
        sqlx::query(&statement)
            .execute(&owner.pool)
            .await
            .expect("the role is dropped");
    }
    owner.pool.close().await;
}
