//! Guessing passwords the way an attacker does, on both backends: many guesses for one
//! username at once are counted before any is checked, and a burst of sign-ins does not stall
//! the rest of the server.

use crate::helpers::{Backend, TestApp, client, spawn_app_configured};
use app::domain::Role;
use reqwest::StatusCode;
use serde_json::Value;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Sends `n` sign-ins for `username` with `password` at the same moment, each from a browser
/// of its own; returns each answer's status, `Retry-After` and message.
async fn at_once(
    app: &Arc<TestApp>,
    n: usize,
    username: &str,
    password: &str,
) -> Vec<(StatusCode, Option<u64>, String)> {
    let gate = Arc::new(tokio::sync::Barrier::new(n));
    let mut tasks = vec![];
    for _ in 0..n {
        let (app, gate) = (app.clone(), gate.clone());
        let (username, password) = (username.to_string(), password.to_string());
        tasks.push(tokio::spawn(async move {
            let browser = client(false);
            gate.wait().await;
            answer(app.sign_in(&browser, &username, &password).await).await
        }));
    }
    let mut answers = vec![];
    for task in tasks {
        answers.push(task.await.expect("the sign-in ends"));
    }
    answers
}

async fn answer(response: reqwest::Response) -> (StatusCode, Option<u64>, String) {
    let status = response.status();
    let retry = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    let body: Value = response.json().await.unwrap_or_default();
    (
        status,
        retry,
        body["message"].as_str().unwrap_or_default().to_string(),
    )
}

/// Forty wrong passwords sent at once for one username: at most five (the limit) are checked
/// and answered 401; every other is refused 429 with when to try again. The right password
/// then is refused the same way, and the flood of refusals leaves one journal entry (a minute)
/// that counts them, not one each.
pub async fn forty_guesses_at_once_are_checked_at_most_five_times(backend: Backend) {
    let Some(app) = spawn_app_configured(backend, 0, |_| {}).await else {
        return;
    };
    let password = app.account("g.victim", Role::Viewer, "all").await;
    let app = Arc::new(app);
    let answers = at_once(&app, 40, "g.victim", "a-wrong-guess-1234").await;
    let checked = answers
        .iter()
        .filter(|(status, ..)| *status == StatusCode::UNAUTHORIZED)
        .count();
    assert!(
        (1..=5).contains(&checked),
        "{checked} of 40 were checked: {:?}",
        answers[0]
    );
    for (status, retry, message) in &answers {
        match *status {
            StatusCode::UNAUTHORIZED => {}
            StatusCode::TOO_MANY_REQUESTS => {
                let retry = retry.expect("a refusal says when to try again");
                assert!(retry > 0 && retry <= 15 * 60, "{retry}");
                assert!(
                    message.starts_with("too many failed sign-ins: wait 15 min and try again"),
                    "{message}"
                );
            }
            other => panic!("unexpected {other}: {message}"),
        }
    }
    let failed = app
        .scalar("select count(*) from journal where entity = 'sign_in' and action = 'failed'")
        .await;
    assert_eq!(failed, checked as i64, "each checked guess is journaled");

    // The right password, now: refused until the window has passed.
    let (status, retry, message) =
        answer(app.sign_in(&client(true), "g.victim", &password).await).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{message}");
    assert!(retry.is_some_and(|r| r > 0));

    let refusals = app
        .scalar(
            "select count(*) from journal where entity = 'sign_in' and action = 'sign_in_refused'",
        )
        .await;
    assert_eq!(
        refusals, 1,
        "one entry for the minute's refusals, not one each"
    );
    let counted = app
        .scalar("select refusals_unjournaled from sign_in_attempts where key = 'user:g.victim'")
        .await;
    assert_eq!(
        counted,
        40 - checked as i64,
        "the refusals after the entry are counted for the next one"
    );
}

/// Sign-ins keep the hashing threads busy for seconds: the health check is answered promptly
/// all the while (a bound far above its usual few milliseconds, below the seconds it waits
/// when hashing runs on the threads that serve requests).
pub async fn a_burst_of_sign_ins_does_not_stall_other_requests(backend: Backend) {
    let Some(app) = spawn_app_configured(backend, 0, |config| {
        config.auth.limits.slow_step = Duration::ZERO;
        config.auth.limits.per_address = 1_000_000;
    })
    .await
    else {
        return;
    };
    let app = Arc::new(app);
    let stop = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicUsize::new(0));
    let mut flood = vec![];
    for worker in 0..64 {
        let (app, stop, done) = (app.clone(), stop.clone(), done.clone());
        flood.push(tokio::spawn(async move {
            let browser = client(false);
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                // A different unknown username each time: every one is checked.
                let who = format!("g.flood{worker}x{n}");
                let response = app.sign_in(&browser, &who, "a-wrong-guess-1234").await;
                assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
                done.fetch_add(1, Ordering::Relaxed);
                n += 1;
            }
        }));
    }
    // Let the flood fill the hashing threads, then ask for other things while it runs.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let started_at = done.load(Ordering::Relaxed);
    let mut took = vec![];
    for n in 0..20 {
        let path = if n % 2 == 0 {
            "/healthz"
        } else {
            "/api/v1/ports"
        };
        let started = Instant::now();
        let response = app.get(path).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        took.push(started.elapsed());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let during = done.load(Ordering::Relaxed) - started_at;
    stop.store(true, Ordering::Relaxed);
    for task in flood {
        task.await.expect("the flood ends");
    }
    let slowest = took.iter().max().copied().unwrap_or_default();
    assert!(during >= 20, "the flood ran all along ({during} sign-ins)");
    assert!(
        slowest < Duration::from_secs(1),
        "other requests waited {slowest:?} behind {during} sign-ins"
    );
}
