//! The board's areas in French: pages, server functions and API refusals built by the holds,
//! inspections, shipments, ports, overview, accounts, sign-in and simulator code come out in
//! French for a French reader (`Accept-Language: fr` or the `lang=fr` cookie), with the same
//! machine-readable codes as in English; and the accounts page lists people before the
//! simulator's accounts, which it folds away, with a search by name or username.

use crate::helpers::{Backend, TestApp, spawn_app_with};
use app::accounts::db as accounts;
use app::domain::{PortScope, Role};
use chrono::Utc;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// A page as a French browser reads it, signed in with `token`.
async fn page_fr(app: &TestApp, token: &str, path: &str) -> String {
    let response = app
        .client
        .get(app.url(path))
        .bearer_auth(token)
        .header("accept-language", "fr-CA,fr;q=0.9,en;q=0.5")
        .send()
        .await
        .expect("request is sent");
    assert_eq!(response.status(), StatusCode::OK, "GET {path}");
    response.text().await.expect("a page")
}

/// A call of the JSON API in `language`.
async fn api(
    app: &TestApp,
    token: &str,
    language: &str,
    path: &str,
    body: Value,
) -> (StatusCode, Value) {
    let response = app
        .client
        .post(app.url(&format!("/api/v1{path}")))
        .bearer_auth(token)
        .header("accept-language", language)
        .json(&body)
        .send()
        .await
        .expect("request is sent");
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// A server function called as a French page calls it.
async fn rpc_fr(
    app: &TestApp,
    token: &str,
    endpoint: &str,
    form: &[(&str, &str)],
) -> (u16, String) {
    let response = app
        .client
        .post(app.url(&format!("/rpc/{endpoint}")))
        .bearer_auth(token)
        .header("accept-language", "fr")
        .form(form)
        .send()
        .await
        .expect("request is sent");
    let status = response.status().as_u16();
    (status, response.text().await.unwrap_or_default())
}

fn assert_has(html: &str, words: &[&str], page: &str) {
    for w in words {
        assert!(html.contains(w), "{page} should say {w:?}");
    }
}

pub async fn the_areas_pages_speak_french(backend: Backend) {
    let Some(app) = spawn_app_with(backend, 300).await else {
        return;
    };
    app.account("fr.admin", Role::Admin, "all").await;
    app.account("fr.super", Role::Supervisor, "YYZ").await;
    let admin = app.token_for("fr.admin").await;
    let supervisor = app.token_for("fr.super").await;
    let shipment = app.scalar("select min(shipment_id) from holds").await;

    // Every hold, released ones too: a small country can have none active at some hours.
    let holds = page_fr(&app, &admin, "/holds?status=all").await;
    assert_has(
        &holds,
        &[
            "<title>Retenues",
            "Marchandises arrêtées à la frontière",
            ">Temps de séjour</th>",
            ">Norme de service</th>",
            "Tout motif",
            "Plus long temps de séjour d’abord",
        ],
        "/holds",
    );
    assert!(!holds.contains(">Dwell</th>"), "no English head on /holds");
    let queue = page_fr(&app, &admin, "/inspections").await;
    assert_has(
        &queue,
        &["File des examens", "Toute priorité", "prendre en charge"],
        "/inspections",
    );
    assert!(
        queue.contains(">Échéance</th>") || queue.contains("Aucun examen ne correspond."),
        "/inspections shows its table or says it is empty, in French"
    );
    let board = page_fr(&app, &admin, "/").await;
    assert_has(
        &board,
        &["Totaux du pays", "Examens en retard", "Agents en service"],
        "/",
    );
    let port = page_fr(&app, &admin, "/ports/YYZ").await;
    assert_has(
        &port,
        &[
            "Temps d’attente à la frontière",
            "Retenues les plus longues",
        ],
        "/ports/YYZ",
    );
    let goods = page_fr(&app, &admin, &format!("/shipments/{shipment}")).await;
    assert_has(
        &goods,
        &["Chronologie", "Déclaration", "Valeur déclarée"],
        "a shipment",
    );
    let accounts_page = page_fr(&app, &admin, "/admin/accounts").await;
    assert_has(
        &accounts_page,
        &[
            "<title>Comptes",
            "Ajouter un compte",
            ">Nom d’utilisateur</th>",
        ],
        "/admin/accounts",
    );
    let account = page_fr(&app, &admin, "/account").await;
    assert_has(
        &account,
        &["Votre compte", "Mot de passe actuel"],
        "/account",
    );
    let sessions = page_fr(&app, &admin, "/account/sessions").await;
    assert_has(&sessions, &["Vos sessions"], "/account/sessions");
    let handover = page_fr(&app, &supervisor, "/handover?port=YYZ").await;
    assert_has(
        &handover,
        &["Relève de quart", ">En service</th>"],
        "/handover",
    );

    // The sign-in page follows the lang cookie, for a browser nobody is signed in on.
    let signin = reqwest::Client::new()
        .get(app.url("/signin"))
        .header("cookie", "lang=fr")
        .send()
        .await
        .expect("request is sent")
        .text()
        .await
        .unwrap();
    assert_has(
        &signin,
        &["<title>Se connecter", "Nom d’utilisateur", "Mot de passe"],
        "/signin",
    );
}

pub async fn refusals_of_the_areas_are_french_with_the_same_codes(backend: Backend) {
    let Some(app) = spawn_app_with(backend, 600).await else {
        return;
    };
    // A hold closed by its release: releasing it again is refused, naming who released it.
    let (hold, port) = {
        use sqlx::Row;
        let row = sqlx::query(
            "select id, port_code from holds where status = 'released' \
             and resolved_by is not null order by id limit 1",
        )
        .fetch_one(&app.db.pool)
        .await
        .expect("the demo country has released holds");
        (row.get::<i64, _>("id"), row.get::<String, _>("port_code"))
    };
    app.account("fr.officer", Role::Officer, &port).await;
    let officer = app.token_for("fr.officer").await;
    let path = format!("/holds/{hold}/release");
    let body = json!({ "reason": "documents reçus" });
    let (status, fr) = api(&app, &officer, "fr-CA", &path, body.clone()).await;
    assert_eq!(status, StatusCode::CONFLICT, "{fr}");
    let (_, en) = api(&app, &officer, "en", &path, body).await;
    assert_eq!(fr["error"]["code"], en["error"]["code"]);
    let message = fr["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message.starts_with("cette retenue est close (mainlevée accordée par ")
            && message.ends_with("elle ne peut plus faire l’objet d’une mainlevée"),
        "{fr}"
    );
    assert!(
        en["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .starts_with("this hold was released by "),
        "{en}"
    );

    // An examination someone holds is refused to another officer's claim.
    let taken = app
        .scalar(&format!(
            "select coalesce(min(id), 0) from inspections where port_code = '{port}' \
             and status in ('assigned', 'in_progress')"
        ))
        .await;
    if taken > 0 {
        let (status, fr) = api(
            &app,
            &officer,
            "fr",
            &format!("/inspections/{taken}/claim"),
            json!({}),
        )
        .await;
        assert_eq!(status, StatusCode::CONFLICT, "{fr}");
        let message = fr["error"]["message"].as_str().unwrap_or_default();
        assert!(
            message.starts_with(&format!("l’examen nº {taken} est déjà pris en charge par ")),
            "{fr}"
        );
    }

    // A server function's refusal, by its field, in French: a username the simulator keeps.
    app.account("fr.admin2", Role::Admin, "all").await;
    let admin = app.token_for("fr.admin2").await;
    let (status, text) = rpc_fr(
        &app,
        &admin,
        "create_account",
        &[
            ("username", "sim.officer.zzz"),
            ("display_name", "Someone"),
            ("badge", ""),
            ("role", "officer"),
            ("ports", "YYZ"),
        ],
    )
    .await;
    assert_eq!(status, 422, "{text}");
    assert!(text.contains("username"), "{text}");
    assert!(
        text.contains(
            "les noms d’utilisateur commençant par sim. sont réservés aux comptes du simulateur"
        ),
        "{text}"
    );
    // A simulation that does not run cannot be paused: said in French too.
    let (status, text) = rpc_fr(&app, &admin, "set_sim_paused", &[("paused", "true")]).await;
    assert_eq!(status, 404, "{text}");
    assert!(text.contains("une simulation en cours"), "{text}");
    // A wrong password on sign-in, in French.
    let (status, text) = {
        let response = reqwest::Client::new()
            .post(app.url("/rpc/sign_in"))
            .header("accept", "application/json")
            .header("accept-language", "fr")
            .form(&[("username", "fr.officer"), ("password", "not the password")])
            .send()
            .await
            .expect("request is sent");
        (response.status().as_u16(), response.text().await.unwrap())
    };
    assert_eq!(status, 401, "{text}");
    assert!(
        text.contains("ne correspondent à aucun compte actif"),
        "{text}"
    );
}

/// Where `needle` is in `html`, or a failure naming it.
fn at(html: &str, needle: &str) -> usize {
    html.find(needle)
        .unwrap_or_else(|| panic!("the page should hold {needle:?}"))
}

pub async fn the_accounts_page_lists_people_first_and_folds_the_simulated(backend: Backend) {
    let Some(app) = spawn_app_with(backend, 0).await else {
        return;
    };
    app.account("zoe.admin", Role::Admin, "all").await;
    let admin = app.token_for("zoe.admin").await;
    // The simulator's accounts, as its cast makes them; their names sort before the person's.
    for (username, name) in [
        ("sim.officer.yyz", "Simulated officer — YYZ"),
        ("sim.carriers", "Simulated carriers (EDI)"),
        ("sim.release", "Simulated release system"),
    ] {
        accounts::create(
            &app.db.pool,
            accounts::NewAccount {
                username,
                display_name: name,
                badge: None,
                role: Role::Viewer,
                ports: PortScope::All,
                password: &accounts::generate_password(),
                demo: false,
            },
            "sim.control",
            Utc::now(),
        )
        .await
        .expect("a simulated account");
    }
    let page = |q: &'static str| {
        let app = &app;
        let admin = admin.clone();
        async move {
            let response = app
                .client
                .get(app.url(&format!("/admin/accounts{q}")))
                .bearer_auth(admin)
                .send()
                .await
                .expect("request is sent");
            assert_eq!(response.status(), StatusCode::OK);
            response.text().await.unwrap()
        }
    };

    let all = page("").await;
    let folded = at(&all, "<details class=\"simulated-accounts\"");
    assert!(at(&all, "<td>zoe.admin</td>") < folded, "people first");
    assert!(at(&all, "<td>test.reader</td>") < folded, "people first");
    assert!(
        folded < at(&all, "<td>sim.carriers</td>"),
        "simulated folded"
    );
    assert!(
        folded < at(&all, "<td>sim.officer.yyz</td>"),
        "simulated folded"
    );
    // The fold of simulated accounts (the header's account menu is a <details> too).
    let details_tag = |html: &str| {
        let fold = at(html, "simulated-accounts");
        let at = html[..fold]
            .rfind("<details")
            .expect("the fold is a <details>");
        html[at..at + html[at..].find('>').unwrap()].to_string()
    };
    let tag = details_tag(&all);
    assert!(!tag.contains("open"), "closed by default: {tag}");
    assert!(all.contains("3 simulated accounts"), "with their count");
    assert!(all.contains("name=\"q\""), "a search box");

    // Search by name or username narrows both lists.
    let zoe = page("?q=ZOE").await;
    assert!(zoe.contains("<td>zoe.admin</td>"));
    assert!(!zoe.contains("<td>test.reader</td>"));
    assert!(
        !zoe.contains("simulated-accounts"),
        "no simulated account matches"
    );
    let by_name = page("?q=release%20system").await;
    assert!(by_name.contains("<td>sim.release</td>"));
    assert!(!by_name.contains("<td>sim.carriers</td>"));
    assert!(by_name.contains("1 simulated account<"), "{by_name}");
    let tag = details_tag(&by_name);
    assert!(
        tag.contains("open"),
        "open when the search finds simulated accounts: {tag}"
    );
    assert!(by_name.contains("No account of a person matches this search."));

    let french = page_fr(&app, &admin, "/admin/accounts").await;
    assert!(french.contains("3 comptes simulés"));
}
