//! The operator's commands on a database as a whole: `backup FILE`, `restore FILE` and
//! `verify`. They connect by themselves, without applying migrations: a backup copies the
//! database as it stands, a restore fills only a new one, and a check changes nothing.
//!
//! On SQLite a backup is `VACUUM INTO`: one read transaction, so the copy is the database at
//! one instant however many writers go on meanwhile (the board keeps serving), compacted,
//! without its write-ahead log. On PostgreSQL, `pg_dump` and `pg_restore` do this job, as the
//! README shows; these commands say so rather than half-do it.

use app::db::{Backend, Db, sqlite_file, with_mode};
use app::i18n::td_string;
use app::lang::current;
use std::path::Path;

/// A consistent copy of the database into the file named by the statement's one parameter.
const VACUUM_INTO: &str = "vacuum into $1";

/// `border-ops backup FILE`.
pub async fn backup(url: &str, file: &Path) -> anyhow::Result<()> {
    if Backend::of_url(url)? == Backend::Postgres {
        anyhow::bail!("{}", td_string!(current(), cli.backup_postgres));
    }
    let target = file.display().to_string();
    anyhow::ensure!(
        !file.exists(),
        "{}",
        td_string!(current(), cli.backup_exists, file = &target)
    );
    // An existing database only (`mode=rw`): a mistyped URL is not a new, empty one to copy.
    let db = Db::connect(&with_mode(url, "rw"), 1).await.map_err(|e| {
        anyhow::anyhow!(
            "{}",
            td_string!(current(), cli.backup_unreadable, error = e)
        )
    })?;
    // A folder of backups not made yet is made (`backups/…` in the README).
    if let Some(folder) = file.parent().filter(|f| !f.as_os_str().is_empty()) {
        std::fs::create_dir_all(folder)?;
    }
    sqlx::query(VACUUM_INTO)
        .bind(&target)
        .execute(&db.pool)
        .await?;
    db.pool.close().await;
    let megabytes = std::fs::metadata(file).map_or(0, |m| m.len()) as f64 / 1_048_576.0;
    println!(
        "{}",
        td_string!(
            current(),
            cli.backup_done,
            file = &target,
            megabytes = format!("{megabytes:.1}")
        )
    );
    Ok(())
}

/// `border-ops restore FILE`: a backup into a database that does not exist yet.
pub async fn restore(url: &str, file: &Path) -> anyhow::Result<()> {
    if Backend::of_url(url)? == Backend::Postgres {
        anyhow::bail!("{}", td_string!(current(), cli.restore_postgres));
    }
    let source = file.display().to_string();
    let target = sqlite_file(url).unwrap_or_default().to_string();
    anyhow::ensure!(
        !target.is_empty() && std::fs::metadata(&target).map_or(true, |m| m.len() == 0),
        "{}",
        td_string!(current(), cli.restore_not_empty, file = &target)
    );
    let unreadable = |error: String| {
        anyhow::anyhow!(
            "{}",
            td_string!(
                current(),
                cli.restore_unreadable,
                file = &source,
                error = error
            )
        )
    };
    anyhow::ensure!(
        file.is_file(),
        unreadable(td_string!(current(), cli.restore_no_file).to_string())
    );
    // Opened read-only, as it is: nothing is set on it.
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(file)
        .read_only(true);
    let backup = sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
        .map_err(|e| unreadable(e.to_string()))?;
    let tables: i64 = sqlx::query_scalar(
        "select count(*) from sqlite_master where type = 'table' \
         and name in ('_sqlx_migrations', 'journal', 'shipments')",
    )
    .fetch_one(&backup)
    .await
    .map_err(|e| unreadable(e.to_string()))?;
    anyhow::ensure!(
        tables == 3,
        unreadable(td_string!(current(), cli.restore_not_ours).to_string())
    );
    if let Some(folder) = Path::new(&target).parent() {
        std::fs::create_dir_all(folder)?;
    }
    // A zero-length file (left by a tool that made it) is replaced whole.
    let _ = std::fs::remove_file(&target);
    sqlx::query(VACUUM_INTO)
        .bind(&target)
        .execute(&backup)
        .await?;
    backup.close().await;
    // The restored copy opens as the server will open it (write-ahead log and all).
    let restored = Db::connect(url, 1).await?;
    let pending = restored.pending_migrations().await?.len();
    restored.pool.close().await;
    println!(
        "{}",
        td_string!(
            current(),
            cli.restore_done,
            file = &source,
            target = &target
        )
    );
    if pending > 0 {
        println!(
            "{}",
            td_string!(current(), cli.restore_older, count = pending)
        );
    }
    Ok(())
}

/// `border-ops verify`: prints what the check found, a `key=value` line last; fails (exit
/// status 1) when the database does not pass.
pub async fn verify(db: &Db) -> anyhow::Result<()> {
    let mut shown = 0;
    let found = app::replay::verify::verify(&db.pool, &mut |n| {
        if n - shown >= 100_000 {
            shown = n;
            eprintln!(
                "{}",
                td_string!(current(), cli.verify_progress, shipments = n)
            );
        }
    })
    .await?;
    let l = current();
    println!(
        "{}",
        td_string!(
            l,
            cli.verify_journal,
            entries = found.entries,
            first = found.first.unwrap_or(0),
            last = found.last.unwrap_or(0)
        )
    );
    if found.missing > 0 {
        let named = found
            .missing_named
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        if found.gaps_are_faults {
            println!(
                "{}",
                td_string!(
                    l,
                    cli.verify_gaps_lost,
                    missing = found.missing,
                    named = named
                )
            );
        } else {
            println!(
                "{}",
                td_string!(l, cli.verify_gaps_unused, missing = found.missing)
            );
        }
    }
    println!(
        "{}",
        td_string!(
            l,
            cli.verify_shipments,
            shipments = found.shipments,
            differing = found.differing
        )
    );
    for d in &found.differing_named {
        println!(
            "{}",
            td_string!(
                l,
                cli.verify_difference,
                id = d.shipment_id,
                field = d.field,
                row = &d.row,
                journal = &d.journal
            )
        );
    }
    if found.passed() {
        println!("{}", td_string!(l, cli.verify_passed));
    }
    println!(
        "entries={} missing={} shipments={} differing={} passed={}",
        found.entries,
        found.missing,
        found.shipments,
        found.differing,
        found.passed()
    );
    anyhow::ensure!(found.passed(), "{}", td_string!(l, cli.verify_failed));
    Ok(())
}
