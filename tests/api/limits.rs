//! Limits no client can push past, tried the way an attacker would: request heads sent slowly
//! or never finished, kept-alive connections left idle, more connections than the server
//! holds, a forged `X-Forwarded-For`.

use crate::helpers::{Backend, TestApp, client, spawn_app_configured};
use app::domain::Role;
use border_ops::proxies::TrustedProxies;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const REQUEST: &[u8] = b"GET /healthz HTTP/1.1\r\nHost: board\r\n\r\n";

async fn connect(app: &TestApp) -> TcpStream {
    TcpStream::connect(app.address.trim_start_matches("http://"))
        .await
        .expect("connects")
}

/// One answer read off the connection: its status line and headers, and its body.
async fn answer(stream: &mut TcpStream) -> (String, String) {
    let mut bytes = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = bytes.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&bytes[..end]).to_lowercase();
            let length: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length: "))
                .and_then(|l| l.trim().parse().ok())
                .expect("a content length");
            if bytes.len() >= end + 4 + length {
                let body = String::from_utf8_lossy(&bytes[end + 4..end + 4 + length]).into();
                return (head, body);
            }
        }
        let n = stream.read(&mut chunk).await.expect("the answer is read");
        assert!(
            n > 0,
            "closed before answering: {:?}",
            String::from_utf8_lossy(&bytes)
        );
        bytes.extend_from_slice(&chunk[..n]);
    }
}

/// How long, from `since`, before the server closes `stream` (reading whatever it sends);
/// gives up after 20 s.
async fn closed_after(stream: &mut TcpStream, since: Instant) -> Duration {
    let mut scratch = [0u8; 1024];
    let read_all = async {
        loop {
            match stream.read(&mut scratch).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(20), read_all)
        .await
        .expect("the server closes the connection within 20 s");
    since.elapsed()
}

fn within_the_deadline(elapsed: Duration, what: &str) {
    assert!(
        (Duration::from_millis(9_500)..=Duration::from_secs(12)).contains(&elapsed),
        "{what}: closed after {elapsed:?}, not within 10 to 12 s"
    );
}

/// Slow-loris: a head left unfinished, a head sent one byte a second, and the second request of
/// a kept-alive connection left unfinished are each cut off 10 s after the server began
/// waiting for them, whatever trickles in meanwhile.
pub async fn request_heads_sent_slowly_are_cut_off() {
    let Some(app) = spawn_app_configured(Backend::Sqlite, 0, |_| {}).await else {
        return;
    };
    let started = Instant::now();
    let mut unfinished = connect(&app).await;
    unfinished
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: board\r\n")
        .await
        .unwrap();

    let dribbled = connect(&app).await;
    let (mut dribble_read, mut dribble_write) = dribbled.into_split();
    let dribbling = tokio::spawn(async move {
        let head = format!(
            "GET /healthz HTTP/1.1\r\nHost: board\r\nX-Pad: {}\r\n\r\n",
            "a".repeat(40)
        );
        for byte in head.bytes() {
            if dribble_write.write_all(&[byte]).await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    });

    let mut kept = connect(&app).await;
    kept.write_all(REQUEST).await.unwrap();
    let (head, _) = answer(&mut kept).await;
    assert!(head.starts_with("http/1.1 200"), "{head}");
    let answered = Instant::now();
    kept.write_all(b"GET /healthz HTTP/1.1\r\nHost: bo")
        .await
        .unwrap();

    let (unfinished_after, dribbled_after, kept_after) = tokio::join!(
        closed_after(&mut unfinished, started),
        async {
            let mut scratch = [0u8; 1024];
            tokio::time::timeout(Duration::from_secs(20), async {
                while !matches!(dribble_read.read(&mut scratch).await, Ok(0) | Err(_)) {}
            })
            .await
            .expect("the dribbling connection is closed within 20 s");
            started.elapsed()
        },
        closed_after(&mut kept, answered),
    );
    within_the_deadline(unfinished_after, "an unfinished head");
    within_the_deadline(dribbled_after, "a head sent a byte a second");
    within_the_deadline(
        kept_after,
        "the unfinished second head of a kept-alive connection",
    );
    dribbling.abort();
}

/// A kept-alive connection is served again while in use, and closed 10 s after its last
/// answer when nothing more comes.
pub async fn idle_kept_alive_connections_are_closed() {
    let Some(app) = spawn_app_configured(Backend::Sqlite, 0, |_| {}).await else {
        return;
    };
    let mut stream = connect(&app).await;
    stream.write_all(REQUEST).await.unwrap();
    let (head, _) = answer(&mut stream).await;
    assert!(head.starts_with("http/1.1 200"), "{head}");
    tokio::time::sleep(Duration::from_secs(5)).await;
    stream.write_all(REQUEST).await.unwrap();
    let (head, _) = answer(&mut stream).await;
    assert!(
        head.starts_with("http/1.1 200"),
        "kept alive for 5 s: {head}"
    );
    let answered = Instant::now();
    let idle = closed_after(&mut stream, answered).await;
    within_the_deadline(idle, "an idle kept-alive connection");
}

/// With a cap of 5 open connections, a sixth is answered 429 with when to try again, without
/// the server reading a request from it, and closed; once one of the five closes, a new
/// connection is served.
pub async fn connections_beyond_the_cap_are_refused() {
    let Some(app) = spawn_app_configured(Backend::Sqlite, 0, |config| {
        config.connections.max_open = 5;
    })
    .await
    else {
        return;
    };
    let mut open = Vec::new();
    for _ in 0..5 {
        let mut stream = connect(&app).await;
        stream.write_all(REQUEST).await.unwrap();
        let (head, _) = answer(&mut stream).await;
        assert!(head.starts_with("http/1.1 200"), "{head}");
        open.push(stream);
    }
    // Nothing sent: the answer does not wait for a request.
    let mut sixth = connect(&app).await;
    let (head, body) = tokio::time::timeout(Duration::from_secs(2), answer(&mut sixth))
        .await
        .expect("the sixth connection is answered at once");
    assert!(head.starts_with("http/1.1 429"), "{head}");
    assert!(head.contains("\r\nretry-after: 5"), "{head}");
    let body: serde_json::Value = serde_json::from_str(&body).unwrap();
    let message = body["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("as many connections open as it accepts (5)")
            && message.contains("try again in 5 seconds"),
        "{message}"
    );
    closed_after(&mut sixth, Instant::now()).await;
    // A sixth that sends its request at once is refused the same way.
    let mut another = connect(&app).await;
    let _ = another.write_all(REQUEST).await;
    let (head, _) = answer(&mut another).await;
    assert!(head.starts_with("http/1.1 429"), "{head}");

    drop(open.pop());
    let deadline = Instant::now() + Duration::from_secs(3);
    loop {
        let mut stream = connect(&app).await;
        stream.write_all(REQUEST).await.unwrap();
        let (head, _) = answer(&mut stream).await;
        if head.starts_with("http/1.1 200") {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "no connection served after one of the five closed: {head}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Where the journal and "Your sessions" say `username` last signed in from.
async fn signed_in_from(app: &TestApp, username: &str) -> (String, String) {
    use sqlx::Row;
    let session = sqlx::query(
        "select s.address from sessions s join accounts a on a.id = s.account_id \
         where a.username = $1 order by s.signed_in_at desc limit 1",
    )
    .bind(username)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    let entry = sqlx::query(
        "select after_json from journal where entity = 'session' and action = 'signed_in' \
         and actor = $1 order by seq desc limit 1",
    )
    .bind(username)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    let after: serde_json::Value =
        serde_json::from_str(&entry.get::<String, _>("after_json")).unwrap();
    (
        session.get("address"),
        after["address"].as_str().unwrap().to_string(),
    )
}

/// A new officer `username` signs in with `X-Forwarded-For: forwarded`; the address its
/// session and its journal entry recorded.
async fn sign_in_forwarded(app: &TestApp, username: &str, forwarded: &str) -> (String, String) {
    let password = app.account(username, Role::Officer, "all").await;
    let signed_in = client(true)
        .post(app.url("/rpc/sign_in"))
        .header("accept", "application/json")
        .header("x-forwarded-for", forwarded)
        .form(&[("username", username), ("password", password.as_str())])
        .send()
        .await
        .unwrap();
    assert!(signed_in.status().is_success(), "{}", signed_in.status());
    signed_in_from(app, username).await
}

/// Behind a trusted proxy, the client is the rightmost address of `X-Forwarded-For` that is
/// not the proxy, and that is the address journaled and shown in "Your sessions". Without the
/// setting the header is ignored: a guesser forging a new address for each guess still meets
/// the per-address limit of the address it really comes from.
pub async fn client_addresses_come_from_trusted_proxies_only(backend: Backend) {
    let forwarded = "203.0.113.9, 198.51.100.7";
    let Some(proxied) = spawn_app_configured(backend, 0, |config| {
        config.trusted_proxies = TrustedProxies::parse("127.0.0.1").unwrap();
    })
    .await
    else {
        return;
    };
    let (session, journal) = sign_in_forwarded(&proxied, "p.officer", forwarded).await;
    assert_eq!(session, "198.51.100.7");
    assert_eq!(journal, "198.51.100.7");

    let Some(direct) = spawn_app_configured(backend, 0, |config| {
        config.auth.limits.per_address = 8;
    })
    .await
    else {
        return;
    };
    let (session, journal) = sign_in_forwarded(&direct, "d.officer", forwarded).await;
    assert_eq!(session, "127.0.0.1");
    assert_eq!(journal, "127.0.0.1");

    // Eight wrong guesses from one address, each claiming another, then the ninth is refused.
    let guesser = client(false);
    for n in 0..9 {
        let response = guesser
            .post(direct.url("/rpc/sign_in"))
            .header("accept", "application/json")
            .header("x-forwarded-for", format!("198.51.100.{n}"))
            .form(&[
                ("username", format!("d.guess{n}")),
                ("password", "guess-guess-guess".to_string()),
            ])
            .send()
            .await
            .unwrap();
        let expected = if n < 8 { 401 } else { 429 };
        assert_eq!(response.status().as_u16(), expected, "guess {n}");
    }
}

/// A 422 whose answer stays short (under 64 KiB) however large the request was: its body.
async fn short_refusal(response: reqwest::Response) -> serde_json::Value {
    assert_eq!(response.status().as_u16(), 422);
    let text = response.text().await.unwrap();
    assert!(text.len() < 64 * 1024, "{} bytes", text.len());
    serde_json::from_str(&text).unwrap()
}

/// A body of unknown keys costs the server one short line per declaration, and the report of
/// a batch no declaration of which can be read lists the first 1,000 problems, then a count:
/// 150,000 unknown keys get an answer under 64 KiB, in one declaration or in a thousand.
pub async fn unknown_fields_cost_one_short_line_per_declaration(backend: Backend) {
    let Some(app) = crate::helpers::spawn_app_with(backend, 50).await else {
        return;
    };
    app.account("k.declarer", Role::Supervisor, "all").await;
    let token = app.token_for("k.declarer").await;
    let send = |body: String| {
        app.client
            .post(app.url("/api/v1/shipments"))
            .bearer_auth(&token)
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    let object = |keys: std::ops::Range<usize>| {
        let fields: Vec<String> = keys.map(|k| format!("\"k{k}\":1")).collect();
        format!("{{{}}}", fields.join(","))
    };
    let before = app.scalar("select count(*) from shipments").await;

    let one = send(object(0..150_000)).await.unwrap();
    let body = short_refusal(one).await;
    let message = body["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("unknown field \"k0\" (and 149,999 more)"),
        "{message}"
    );

    let thousand: Vec<String> = (0..1_000).map(|d| object(d * 150..d * 150 + 150)).collect();
    let many = send(format!("[{}]", thousand.join(","))).await.unwrap();
    let body = short_refusal(many).await;
    let problems = body["error"]["problems"].as_array().unwrap();
    // Each declaration's unknown fields are one problem among those it has (the fields it
    // lacks are the others); 1,000 are listed, then how many more.
    assert_eq!(problems.len(), 1_001);
    assert_eq!(
        problems[0],
        "declaration 0: unknown field \"k0\" (and 149 more)"
    );
    let unknown = |d: usize| {
        problems
            .iter()
            .filter(|p| {
                p.as_str()
                    .unwrap()
                    .starts_with(&format!("declaration {d}: unknown"))
            })
            .count()
    };
    assert_eq!((unknown(0), unknown(1)), (1, 1), "{problems:?}");
    let last = problems[1_000].as_str().unwrap();
    assert!(
        last.starts_with("and ") && last.ends_with(" more problems"),
        "{last}"
    );

    // More problems than are listed: the first 1,000, then how many more.
    let bad: Vec<String> = (0..1_500)
        .map(|d| format!("{{\"reference\":\"X{d}\",\"colour\":\"red\"}}"))
        .collect();
    let capped = send(format!("[{}]", bad.join(","))).await.unwrap();
    let body = short_refusal(capped).await;
    let problems = body["error"]["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 1_001);
    assert!(
        problems[1_000].as_str().unwrap().starts_with("and ")
            && problems[1_000]
                .as_str()
                .unwrap()
                .ends_with(" more problems"),
        "{}",
        problems[1_000]
    );
    assert_eq!(app.scalar("select count(*) from shipments").await, before);
}

/// At most `MAX_CONCURRENT_IMPORTS` imports run at once, their turn taken before the body is
/// read: with one turn, an import whose body is still arriving holds it, and another import
/// (JSON or CSV) is refused at once with 429, `Retry-After` and a sentence; a body that does
/// not arrive within the deadline is refused and gives the turn back, and imports are
/// accepted again.
pub async fn imports_run_a_few_at_a_time_and_slow_bodies_give_their_turn_back(backend: Backend) {
    let Some(app) = spawn_app_configured(backend, 50, |config| {
        config.max_concurrent_imports = 1;
        config.import_body_deadline = Duration::from_secs(3);
    })
    .await
    else {
        return;
    };
    app.account("i.declarer", Role::Supervisor, "all").await;
    let token = app.token_for("i.declarer").await;

    // A body announced at 1,000 bytes, of which 10 are sent.
    let mut slow = connect(&app).await;
    let head = format!(
        "POST /api/v1/shipments HTTP/1.1\r\nHost: board\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n[{{\"mode\":"
    );
    slow.write_all(head.as_bytes()).await.unwrap();
    let started = Instant::now();
    tokio::time::sleep(Duration::from_millis(500)).await;

    let json = app
        .client
        .post(app.url("/api/v1/shipments"))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body("[]")
        .send()
        .await
        .unwrap();
    assert_eq!(json.status().as_u16(), 429);
    let retry = json.headers().get("retry-after").cloned();
    assert!(retry.is_some(), "Retry-After");
    let text = json.text().await.unwrap();
    assert!(
        text.contains("imports of declarations are running on this server already"),
        "{text}"
    );
    let csv = app
        .client
        .post(app.url("/api/v1/shipments/import"))
        .bearer_auth(&token)
        .header("content-type", "text/csv")
        .header("accept-language", "fr-CA")
        .body("reference\n")
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status().as_u16(), 429, "a manifest waits its turn too");
    let text = csv.text().await.unwrap();
    assert!(
        text.contains("importations de déclarations sont déjà en cours sur ce serveur"),
        "the refusal in the caller's language: {text}"
    );

    // The slow body is refused once its deadline passes, and gives the turn back.
    let (status, body) = answer(&mut slow).await;
    assert!(status.starts_with("http/1.1 422"), "{status}");
    assert!(body.contains("took longer than 3 s to arrive"), "{body}");
    assert!(started.elapsed() < Duration::from_secs(8));
    let again = app
        .client
        .post(app.url("/api/v1/shipments"))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body("[]")
        .send()
        .await
        .unwrap();
    assert_eq!(
        again.status().as_u16(),
        422,
        "read again: an empty batch is refused"
    );
    assert!(again.text().await.unwrap().contains("the batch is empty"));
}
