//! The SQLite file made unavailable under a running server. Its open connections keep the file
//! they opened, whatever happens to its name; a connection opened afterwards (the pool renews
//! them) must not make an empty database where the file was, beside the old file's write-ahead
//! log, but fail as the database being unavailable: 503 and a sentence.

use crate::helpers::{Backend, fresh_db};
use app::db::{Db, is_unreachable};

#[tokio::test]
async fn a_connection_opened_after_the_sqlite_file_went_away_makes_no_empty_database() {
    let Some((db, Some(dir))) = fresh_db(Backend::Sqlite).await else {
        return;
    };
    db.migrate().await.expect("migrations apply");
    let file = dir.0.join("board.db");
    assert!(file.exists());
    assert!(db.url().contains("mode=rw") && !db.url().contains("mode=rwc"));

    let away = file.with_extension("db.away");
    std::fs::rename(&file, &away).expect("the file moved away");
    // A pool on the same address, as the board's pool opens a connection to renew one.
    let Err(error) = Db::connect(db.url(), 2).await else {
        panic!("a connection to a file that is not there");
    };
    assert!(is_unreachable(&error), "answered as unavailable: {error}");
    let answer = app::AppError::from(error);
    assert!(matches!(answer, app::AppError::Unavailable), "{answer:?}");
    assert!(
        !file.exists(),
        "no empty database was made at the file's path"
    );

    // Once the file is back, connections open again, to the board's data.
    std::fs::rename(&away, &file).expect("the file back");
    let again = Db::connect(db.url(), 2).await.expect("connects again");
    let migrations: i64 = sqlx::query_scalar("select count(*) from _sqlx_migrations")
        .fetch_one(&again.pool)
        .await
        .expect("the board's tables");
    assert!(migrations > 0);
}
