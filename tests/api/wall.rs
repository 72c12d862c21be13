//! The wall screen (`/wall`): rendered on the server for anyone who may read the board, in the
//! language its address names, with its cycle checked, country-wide like the overview.

use crate::helpers::{Backend, client, spawn_app};
use app::domain::Role;
use app::lang::{Locale, format};
use reqwest::StatusCode;

/// The page's HTML, which must answer 200.
async fn page(browser: &reqwest::Client, url: String) -> String {
    let response = browser.get(&url).send().await.expect("request is sent");
    assert_eq!(response.status(), StatusCode::OK, "GET {url}");
    response.text().await.expect("a body")
}

pub async fn the_wall_shows_a_viewer_the_country_totals_and_no_controls(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let overview = app.get_json("/api/v1/ports", 200).await;
    let totals = &overview["totals"];
    let html = page(&app.client, app.url("/wall")).await;
    // Each figure: its label, then its value, in the wall's number format.
    let figure = |label: &str, value: i64| {
        let at = html
            .find(&format!("data-figure=\"{label}\""))
            .unwrap_or_else(|| panic!("{label} is on the wall"));
        let value = format!(
            "wall-figure-value\">{}<",
            format::integer(Locale::en, value)
        );
        html[at..(at + 400).min(html.len())].contains(&value)
    };
    for (label, value) in [
        ("Ports of entry", totals["ports"].as_i64().unwrap()),
        ("Active holds", totals["active_holds"].as_i64().unwrap()),
        (
            "Overdue items",
            totals["holds_overdue"].as_i64().unwrap()
                + totals["inspections_overdue"].as_i64().unwrap(),
        ),
        (
            "Inspection queue",
            totals["queued_inspections"].as_i64().unwrap(),
        ),
    ] {
        assert!(figure(label, value), "{label} = {value}");
    }
    assert!(html.contains("<html lang=\"en\""));
    assert!(html.contains("Most urgent") && html.contains("Notices"));
    // RWI is closed with an equipment notice in the demo country.
    assert!(html.contains("RWI · Equipment: "), "the notices are listed");
    // A region on the first screen, and its ports.
    assert!(html.contains("data-region=\"pacific\""));
    assert!(html.contains("data-port=\"YVR\""));
    // No controls: no header, no navigation, no links, no buttons, no fields.
    for control in [
        "<header", "<nav", "<a ", "<button", "<input", "<select", "<form",
    ] {
        assert!(!html.contains(control), "{control} on the wall");
    }
    // The same header is still on the other pages.
    assert!(page(&app.client, app.url("/")).await.contains("<nav"));

    // The wall's server function, as the browser calls it on each change: the same figures.
    let call = app
        .client
        .post(app.url("/rpc/wall"))
        .header("accept", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(call.status(), StatusCode::OK);
    let read: serde_json::Value = call.json().await.unwrap();
    assert_eq!(read["overview"]["totals"], *totals);
    assert!(read["urgent"].as_array().is_some_and(|u| !u.is_empty()));
    let refused = client(false)
        .post(app.url("/rpc/wall"))
        .header("accept", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);

    // Not signed in: sent to sign in, and back.
    let anonymous = client(false)
        .get(app.url("/wall?lang=fr&cycle=30"))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        anonymous.headers()["location"],
        "/signin?next=%2Fwall%3Flang%3Dfr%26cycle%3D30"
    );
}

pub async fn the_wall_speaks_the_language_of_its_address(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    // The address wins over the cookie and the browser's languages, on the wall only.
    let asked = |path: &str| {
        app.client
            .get(app.url(path))
            .header("cookie", "lang=en")
            .header("accept-language", "en-CA,en;q=0.9")
            .send()
    };
    let french = asked("/wall?lang=fr&cycle=20").await.unwrap();
    assert_eq!(french.status(), StatusCode::OK);
    assert_eq!(french.headers()["content-language"], "fr");
    let html = french.text().await.unwrap();
    assert!(html.contains("<html lang=\"fr\""));
    for text in [
        "Retenues actives",
        "File des examens",
        "Les plus urgents",
        "Pacifique",
        "Écran mural",
        "RWI · Équipement\u{a0}: ",
    ] {
        assert!(html.contains(text), "{text}");
    }
    assert!(!html.contains("Active holds"));
    let english = asked("/wall?lang=en").await.unwrap().text().await.unwrap();
    assert!(english.contains("<html lang=\"en\"") && english.contains("Active holds"));
    // Elsewhere the address does not choose.
    let board = asked("/?lang=fr").await.unwrap().text().await.unwrap();
    assert!(board.contains("<html lang=\"en\""));
}

pub async fn a_cycle_out_of_bounds_runs_at_the_default_and_says_so(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let chosen = page(&app.client, app.url("/wall?cycle=45")).await;
    assert!(chosen.contains("data-cycle=\"45\""));
    assert!(!chosen.contains("wall-cycle-refused"));
    for bad in ["4", "601", "soon", "-20"] {
        let html = page(&app.client, app.url(&format!("/wall?cycle={bad}"))).await;
        assert!(html.contains("data-cycle=\"20\""), "{bad}");
        assert!(
            html.contains(&format!("cycle={bad} is not 5 to 600 seconds: 20 s used")),
            "{bad}"
        );
    }
    let french = page(&app.client, app.url("/wall?cycle=2&lang=fr")).await;
    assert!(french.contains("cycle=2 n’est pas entre 5 et 600 secondes\u{a0}: 20 s utilisées"));
}

pub async fn an_officer_of_one_port_sees_the_whole_country_as_on_the_overview(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.account("w.officer", Role::Officer, "YVR").await;
    let token = app.token_for("w.officer").await;
    let officer = client(false)
        .get(app.url("/wall"))
        .header("authorization", format!("Bearer {token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(officer.status(), StatusCode::OK);
    let officer = officer.text().await.unwrap();
    let viewer = page(&app.client, app.url("/wall")).await;
    // The same ports as the overview, those of other ports included.
    let ports = app.get_json("/api/v1/ports", 200).await;
    for port in ports["ports"].as_array().unwrap() {
        let code = port["code"].as_str().unwrap();
        let region = app::wall::Region::of_province(port["province"].as_str().unwrap());
        let marker = format!("data-region=\"{}\"", region.code());
        // Ports of regions on the first screen are rendered on the server.
        if viewer.contains(&marker) {
            let tile = format!("data-port=\"{code}\"");
            assert!(officer.contains(&tile), "{code} for the officer");
        }
    }
    assert!(
        officer.contains("data-port=\"YYC\""),
        "a port outside the officer's"
    );
    let total = ports["totals"]["active_holds"].as_i64().unwrap();
    assert!(officer.contains(&format!(
        "<span class=\"wall-figure-value\">{}</span>",
        format::integer(Locale::en, total)
    )));
}
