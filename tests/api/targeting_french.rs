//! Targeting in French: a manifest's refusals in the language of `Accept-Language` (the
//! machine's codes and field names unchanged), and `/targeting` for a reader who chose French.

use crate::helpers::{Backend, TestApp, spawn_app_with};
use app::domain::Role;
use reqwest::StatusCode;
use serde_json::Value;

async fn import(
    app: &TestApp,
    token: &str,
    language: Option<&str>,
    csv: &str,
) -> (StatusCode, Value) {
    let mut request = reqwest::Client::new()
        .post(app.url("/api/v1/shipments/import?name=fr.csv"))
        .bearer_auth(token)
        .header("content-type", "text/csv");
    if let Some(language) = language {
        request = request.header("accept-language", language);
    }
    let response = request.body(csv.to_string()).send().await.expect("sent");
    let status = response.status();
    (status, response.json().await.expect("JSON"))
}

/// The refused rows of an import report: (line, field, reason).
fn refusals(report: &Value) -> Vec<(i64, String, String)> {
    report["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter(|r| r["status"] == "refused")
        .map(|r| {
            (
                r["line"].as_i64().unwrap(),
                r["errors"][0]["field"].as_str().unwrap().to_string(),
                r["errors"][0]["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

pub async fn a_manifest_row_is_refused_in_the_language_asked_for(backend: Backend) {
    let Some(app) = spawn_app_with(backend, 50).await else {
        return;
    };
    app.account("fr.supervisor", Role::Supervisor, "all").await;
    let token = app.token_for("fr.supervisor").await;
    let eta = (chrono::Utc::now() + chrono::Duration::days(1)).to_rfc3339();
    let csv = [
        "mode,reference,carrier,voyage,origin_country,origin_location,port_code,shipper_name,shipper_address,consignee_name,consignee_address,importer_name,hs_code,description,pieces,weight_kg,declared_value,eta".to_string(),
        format!("air,999-60000010,AC,AC 100,FR,CDG,NOPE,Lyon Pharma SA,Lyon,Csv Importer,Halifax,Csv Importer,847130,Laptops,2,30,15000,{eta}"),
        "air,only,three".to_string(),
    ]
    .join("\n");

    let (status, french) = import(&app, &token, Some("fr-CA,fr;q=0.9"), &csv).await;
    assert_eq!(status, StatusCode::OK, "{french}");
    assert_eq!(
        refusals(&french),
        [
            (
                2,
                "port_code".to_string(),
                "il n’existe aucun point d’entrée «\u{a0}NOPE\u{a0}»".to_string()
            ),
            (
                3,
                "row".to_string(),
                "cette ligne compte 3 cellules\u{a0}; l’en-tête nomme 18 colonnes".to_string()
            ),
        ]
    );

    // The same rows again, without a language: English, the same codes and fields.
    let (status, english) = import(&app, &token, None, &csv).await;
    assert_eq!(status, StatusCode::OK, "{english}");
    assert_eq!(
        refusals(&english),
        [
            (
                2,
                "port_code".to_string(),
                "there is no port of entry \"NOPE\"".to_string()
            ),
            (
                3,
                "row".to_string(),
                "this row has 3 cells; the header names 18 columns".to_string()
            ),
        ]
    );

    // A header the file cannot be read by: the whole file refused, in French, code and field
    // unchanged.
    let (status, refused) = import(&app, &token, Some("fr"), "mode,colour\nair,red").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(refused["error"]["code"], "invalid");
    assert_eq!(refused["error"]["field"], "header");
    let message = refused["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("il n’existe aucun champ «\u{a0}colour\u{a0}»"),
        "{message}"
    );
}

pub async fn the_targeting_page_is_in_french_for_a_reader_who_chose_it(backend: Backend) {
    let Some(app) = spawn_app_with(backend, 50).await else {
        return;
    };
    app.account("fr.analyst", Role::Analyst, "all").await;
    let token = app.token_for("fr.analyst").await;
    let page = |cookie: Option<&'static str>| {
        let mut request = reqwest::Client::new()
            .get(app.url("/targeting"))
            .bearer_auth(&token);
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        async move {
            let response = request.send().await.expect("sent");
            assert_eq!(response.status(), StatusCode::OK);
            response.text().await.expect("HTML")
        }
    };
    let french = page(Some("lang=fr")).await;
    assert!(
        french.contains("<html lang=\"fr\""),
        "the page says its language"
    );
    for words in [
        "Règles de ciblage",
        "Nouvelle règle",
        "Créer et activer",
        "Ce que les règles ont trouvé",
        "Taux de résultats positifs",
        "Sélection aléatoire (référence aléatoire)",
        "Pays d’origine ou de transit",
    ] {
        assert!(french.contains(words), "{words} is on the French page");
    }
    for words in [
        "Targeting rules",
        "New rule",
        "Create and enable",
        "Hit rate",
    ] {
        assert!(!french.contains(words), "no English left: {words}");
    }
    let english = page(None).await;
    assert!(english.contains("Targeting rules") && english.contains("Create and enable"));
}
