//! CSV downloads take turns: at most `MAX_CONCURRENT_CSV` at once per instance and one at a
//! time per account, the rest refused with 429, `Retry-After` and a sentence in the reader's
//! language, the turns given back when a file has been sent or its client has gone; and a file
//! stops at `CSV_MAX_ROWS` rows with a last row saying so.

use crate::helpers::{Backend, TestApp, spawn_app_configured};
use app::domain::Role;
use reqwest::Response;
use std::time::Duration;

/// A client sending the token of a new viewer `username`, and the account's id.
async fn reader(app: &TestApp, username: &str) -> (reqwest::Client, i64) {
    app.account(username, Role::Viewer, "all").await;
    let token = app.token_for(username).await;
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::AUTHORIZATION,
        format!("Bearer {token}").parse().unwrap(),
    );
    let client = reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .unwrap();
    let id = sqlx::query_scalar::<_, i64>("select id from accounts where username = $1")
        .bind(username)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    (client, id)
}

/// Every hold as CSV, asked in French.
async fn download(app: &TestApp, who: &reqwest::Client) -> Response {
    who.get(app.url("/api/v1/holds?status=all&format=csv"))
        .header("accept-language", "fr-CA")
        .send()
        .await
        .unwrap()
}

/// A refusal of a turn: 429, when to ask again, and `sentence` (French).
async fn refused(response: Response, sentence: &str) {
    assert_eq!(response.status().as_u16(), 429);
    assert_eq!(
        response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok()),
        Some("10")
    );
    let body = response.text().await.unwrap();
    assert!(body.contains(sentence), "{body}");
    assert!(body.contains("too_many"), "{body}");
}

/// With two turns: while the test holds both, three downloads asked at once are all refused
/// (and JSON is still answered); given back, a download is sent. An account's own download
/// under way refuses its second, not another account's. A client that leaves after the
/// answer's head gives its turns back: the account downloads again, and with one of the two
/// turns held by the test another download still gets the other.
pub async fn csv_downloads_take_turns_and_give_them_back(backend: Backend) {
    let Some(app) = spawn_app_configured(backend, 300, |config| {
        config.max_concurrent_csv = 2;
    })
    .await
    else {
        return;
    };
    let (a, a_id) = reader(&app, "csv.a").await;
    let (b, _) = reader(&app, "csv.b").await;
    let (c, _) = reader(&app, "csv.c").await;

    // Both turns taken (by two other accounts' downloads, as far as the gate knows).
    let held = [app.csv.enter(-1).unwrap(), app.csv.enter(-2).unwrap()];
    let (ra, rb, rc) = tokio::join!(download(&app, &a), download(&app, &b), download(&app, &c));
    for response in [ra, rb, rc] {
        refused(
            response,
            "2 fichiers CSV sont déjà en cours d’envoi sur ce serveur",
        )
        .await;
    }
    let json = a
        .get(app.url("/api/v1/holds?status=all"))
        .send()
        .await
        .unwrap();
    assert_eq!(json.status().as_u16(), 200, "JSON takes no turn");
    drop(held);
    let sent = download(&app, &a).await;
    assert_eq!(sent.status().as_u16(), 200);
    assert!(sent.text().await.unwrap().starts_with("\u{feff}id,"));

    // One download per account at once.
    let own = app.csv.enter(a_id).unwrap();
    refused(
        download(&app, &a).await,
        "Un fichier CSV est déjà en cours d’envoi à ce compte",
    )
    .await;
    assert_eq!(download(&app, &b).await.status().as_u16(), 200);
    drop(own);

    // A client that reads the head and leaves.
    let left = download(&app, &a).await;
    assert_eq!(left.status().as_u16(), 200);
    drop(left);
    let one = app.csv.enter(-3).unwrap();
    let mut status = 0;
    for _ in 0..50 {
        status = download(&app, &a).await.status().as_u16();
        if status == 200 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(status, 200, "the turns of a client gone are given back");
    assert_eq!(download(&app, &c).await.status().as_u16(), 200);
    drop(one);
}

/// A file longer than `CSV_MAX_ROWS` holds that many rows and a last row saying the list has
/// more, in the reader's language; a list within the cap is whole, without it.
pub async fn a_csv_file_stops_at_its_row_cap_and_says_so(backend: Backend) {
    let Some(app) = spawn_app_configured(backend, 300, |config| {
        config.csv_max_rows = 5;
    })
    .await
    else {
        return;
    };
    let holds = app.scalar("select count(*) from holds").await;
    assert!(holds > 5, "{holds} holds");
    let file = |lang: &'static str| {
        let app = &app;
        async move {
            app.client
                .get(app.url("/api/v1/holds?status=all&format=csv"))
                .header("accept-language", lang)
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
        }
    };
    let english = file("en").await;
    let lines: Vec<&str> = english.trim_end().split("\r\n").collect();
    // The header, 5 holds, the last row.
    assert_eq!(lines.len(), 7, "{english}");
    assert_eq!(
        lines[6],
        "# This file stops at 5 rows and the list has more: narrow it with its filters to download the rest."
    );
    let french = file("fr-CA").await;
    assert!(
        french.trim_end().ends_with(
            "# Ce fichier s’arrête à 5 lignes et la liste en compte davantage\u{a0}: précisez-la avec ses filtres pour télécharger le reste."
        ),
        "{french}"
    );
    // Within the cap: whole, with no such row.
    let port: String = sqlx::query_scalar(
        "select port_code from holds group by port_code having count(*) <= 5 limit 1",
    )
    .fetch_optional(&app.db.pool)
    .await
    .unwrap()
    .unwrap_or_default();
    if !port.is_empty() {
        let whole = app
            .client
            .get(app.url(&format!("/api/v1/holds?status=all&port={port}&format=csv")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(!whole.contains("This file stops"), "{whole}");
    }
}
