//! The two official languages, as a reader meets them: the JSON API answers `message` in the
//! language of `Accept-Language` (English by default) with the same `code` and `field`; pages
//! follow the account's saved choice, then the `lang` cookie, then `Accept-Language`; the
//! choice is saved only when it is one of ours, journaled with the change; the command line
//! speaks the language of its locale.

use crate::cli::{fresh_database, run_with};
use crate::helpers::{Backend, client, spawn_app_with};
use app::domain::Role;
use reqwest::header::{ACCEPT_LANGUAGE, CONTENT_LANGUAGE, COOKIE, SET_COOKIE};
use serde_json::Value;

const FRENCH: &str = "fr-CA,fr;q=0.9";

/// A refused call's status, `Content-Language` and error body.
async fn refused(request: reqwest::RequestBuilder) -> (u16, String, Value) {
    let response = request.send().await.expect("request is sent");
    let status = response.status().as_u16();
    let language = response
        .headers()
        .get(CONTENT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let body: Value = response.json().await.expect("JSON body");
    (status, language, body["error"].clone())
}

/// A refused API call says why in French when `Accept-Language` asks for it, in English
/// otherwise; its `code` and `field` do not change, and the `lang` cookie (a person's choice
/// for the pages) does not change the API's language.
pub async fn the_api_answers_in_the_language_asked_with_the_same_codes(backend: Backend) {
    let Some(app) = spawn_app_with(backend, 0).await else {
        return;
    };
    let bad_filter = "/api/v1/holds?status=zzz";
    let (status, language, french) = refused(
        app.client
            .get(app.url(bad_filter))
            .header(ACCEPT_LANGUAGE, FRENCH),
    )
    .await;
    assert_eq!((status, language.as_str()), (422, "fr"), "{french}");
    let (status, language, english) = refused(app.client.get(app.url(bad_filter))).await;
    assert_eq!((status, language.as_str()), (422, "en"), "{english}");
    let (_, language, with_cookie) = refused(
        app.client
            .get(app.url(bad_filter))
            .header(COOKIE, "lang=fr"),
    )
    .await;
    assert_eq!(
        language, "en",
        "the cookie does not choose the API's language"
    );
    for key in ["code", "field", "reason"] {
        assert!(english.get(key).is_some(), "{key}: {english}");
    }
    assert_eq!(french["code"], "invalid");
    assert_eq!(french["code"], english["code"]);
    assert_eq!(french["field"], "status");
    assert_eq!(french["field"], english["field"]);
    let french_message = french["message"].as_str().unwrap();
    let english_message = english["message"].as_str().unwrap();
    assert!(
        english_message.starts_with("status: \"zzz\" is not valid; expected "),
        "{english_message}"
    );
    assert!(
        french_message
            .starts_with("status\u{a0}: «\u{a0}zzz\u{a0}» n’est pas valide\u{a0}; attendu\u{a0}: "),
        "{french_message}"
    );
    assert_eq!(with_cookie["message"], english["message"]);

    // Nobody signed in: 401, in the language asked.
    let anonymous = client(false);
    let (status, language, french) = refused(
        anonymous
            .get(app.url("/api/v1/holds"))
            .header(ACCEPT_LANGUAGE, FRENCH),
    )
    .await;
    assert_eq!((status, language.as_str()), (401, "fr"), "{french}");
    let (status, language, english) = refused(anonymous.get(app.url("/api/v1/holds"))).await;
    assert_eq!((status, language.as_str()), (401, "en"), "{english}");
    assert_eq!(french["code"], english["code"]);
    assert_eq!(english["message"], "sign in to use the board");
    assert_eq!(french["message"], "connectez-vous pour utiliser le tableau");
}

/// The cookies a response sets, as a `Cookie` header sends them back.
fn cookies_set(response: &reqwest::Response) -> Vec<String> {
    response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .map(str::to_string)
        .collect()
}

/// A page's `<html lang>` and whether it names the product in French.
async fn page_language(request: reqwest::RequestBuilder) -> (String, bool, bool) {
    let response = request.send().await.expect("request is sent");
    assert_eq!(response.status().as_u16(), 200);
    let html = response.text().await.expect("text");
    let lang = html
        .split("<html lang=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_default()
        .to_string();
    (
        lang,
        html.contains("Centre des opérations frontalières"),
        html.contains("Border Operations Centre"),
    )
}

/// Pages: `Accept-Language: fr` gives a French page from the first paint; a `lang=en` cookie
/// beats it; a signed-in account's saved French beats both the cookie and the browser.
pub async fn pages_follow_the_saved_choice_then_the_cookie_then_the_browser(backend: Backend) {
    let Some(app) = spawn_app_with(backend, 0).await else {
        return;
    };
    let browser = client(false);
    let signin = app.url("/signin");
    let french = page_language(browser.get(&signin).header(ACCEPT_LANGUAGE, "fr")).await;
    assert_eq!(french, ("fr".into(), true, false));
    let english = page_language(browser.get(&signin)).await;
    assert_eq!(english, ("en".into(), false, true));
    let cookie_first = page_language(
        browser
            .get(&signin)
            .header(ACCEPT_LANGUAGE, "fr")
            .header(COOKIE, "lang=en"),
    )
    .await;
    assert_eq!(cookie_first, ("en".into(), false, true));

    // A person who chose French has it everywhere, whatever the browser and the cookie say.
    let password = app.account("lang.officer", Role::Officer, "YVR").await;
    let signed_in = app.sign_in(&browser, "lang.officer", &password).await;
    assert_eq!(signed_in.status().as_u16(), 200);
    let session = cookies_set(&signed_in).join("; ");
    assert!(!session.is_empty(), "the sign-in sets a session cookie");
    let chosen = browser
        .post(app.url("/rpc/choose_language"))
        .header("accept", "application/json")
        .header(COOKIE, &session)
        .form(&[("language", "fr")])
        .send()
        .await
        .expect("request is sent");
    assert_eq!(chosen.status().as_u16(), 200);
    assert!(cookies_set(&chosen).contains(&"lang=fr".to_string()));
    let saved_first = page_language(
        browser
            .get(app.url("/"))
            .header(ACCEPT_LANGUAGE, "en")
            .header(COOKIE, format!("{session}; lang=en")),
    )
    .await;
    assert_eq!(saved_first, ("fr".into(), true, false));
}

/// Choosing a language that is not ours is a 422 naming the field and changes nothing; a
/// choice that is saved is journaled once, as the account's own.
pub async fn a_language_choice_is_checked_saved_and_journaled(backend: Backend) {
    let Some(app) = spawn_app_with(backend, 0).await else {
        return;
    };
    let browser = client(true);
    let password = app.account("lang.chooser", Role::Viewer, "all").await;
    let signed_in = app.sign_in(&browser, "lang.chooser", &password).await;
    let status = signed_in.status().as_u16();
    assert_eq!(
        status,
        200,
        "{}",
        signed_in.text().await.unwrap_or_default()
    );
    let choose = |language: &'static str| {
        browser
            .post(app.url("/rpc/choose_language"))
            .header("accept", "application/json")
            .form(&[("language", language)])
            .send()
    };
    let saved = "select count(*) from accounts where username = 'lang.chooser' and language = 'fr'";
    let journaled = "select count(*) from journal where action = 'preference_set' \
                     and entity = 'account' and actor = 'lang.chooser'";

    let refused = choose("de").await.expect("request is sent");
    assert_eq!(refused.status().as_u16(), 422);
    let error: Value = refused.json().await.expect("JSON body");
    assert_eq!(error["code"], "invalid", "{error}");
    assert_eq!(error["field"], "language", "{error}");
    assert_eq!(
        app.scalar(
            "select count(*) from accounts where username = 'lang.chooser' and language is not null"
        )
        .await,
        0,
        "a refused choice changes nothing"
    );
    assert_eq!(app.scalar(journaled).await, 0, "and journals nothing");

    let chosen = choose("fr").await.expect("request is sent");
    assert_eq!(chosen.status().as_u16(), 200);
    assert_eq!(app.scalar(saved).await, 1);
    assert_eq!(
        app.scalar(journaled).await,
        1,
        "one entry, the account's own"
    );
    // Choosing it again changes nothing and journals nothing more.
    let again = choose("fr").await.expect("request is sent");
    assert_eq!(again.status().as_u16(), 200);
    assert_eq!(app.scalar(journaled).await, 1);
}

/// The command line speaks French under a French locale and English under `LANG=C`.
pub async fn the_command_line_speaks_its_locale(backend: Backend) {
    let Some((database, _dir)) = fresh_database(backend).await else {
        return;
    };
    let bad_role = ["user", "add", "--username", "x.y", "--role", "chief"];
    let french = run_with(&database, &[("LANG", "fr_CA.UTF-8")], &bad_role, None).await;
    french.refused(
        "a role that does not exist, in French",
        "role\u{a0}: choisissez l’un de ceux-ci\u{a0}: viewer, officer",
    );
    let english = run_with(&database, &[("LANG", "C")], &bad_role, None).await;
    english.refused(
        "a role that does not exist, in English",
        "role: use one of viewer, officer",
    );
    let add = ["user", "add", "--username", "ops.fr", "--role", "viewer"];
    let added = run_with(&database, &[("LC_ALL", "fr_CA.UTF-8")], &add, None)
        .await
        .ok("user add");
    assert!(
        added
            .stderr
            .contains("compte ops.fr créé (Observateur, tous les points d’entrée)"),
        "{}",
        added.stderr
    );
    let listed = run_with(
        &database,
        &[("LANG", "fr_CA.UTF-8")],
        &["user", "list"],
        None,
    )
    .await
    .ok("user list");
    assert!(listed.stdout.contains(" actif "), "{}", listed.stdout);
    let listed = run_with(&database, &[("LANG", "C")], &["user", "list"], None)
        .await
        .ok("user list");
    assert!(listed.stdout.contains(" active "), "{}", listed.stdout);
}
