//! The map: every port's place through the API and on `/map`, and a port without a place
//! listed but not drawn.

use crate::helpers::{Backend, TestApp, spawn_app};
use app::demo::country::PORTS;
use serde_json::Value;

/// Canada between its southernmost (Middle Island, 41.68° N) and northernmost (Cape Columbia,
/// 83.11° N) points and its westernmost (the Yukon–Alaska line, 141° W) and easternmost (Cape
/// Spear, 52.62° W).
fn inside_canada(latitude: f64, longitude: f64) -> bool {
    (41.68..=83.11).contains(&latitude) && (-141.0..=-52.62).contains(&longitude)
}

async fn page(app: &TestApp, path: &str, language: &str) -> String {
    let response = app
        .client
        .get(app.url(path))
        .header("accept-language", language)
        .send()
        .await
        .expect("request is sent");
    assert_eq!(response.status().as_u16(), 200, "GET {path}");
    response.text().await.expect("a page")
}

/// A marker on the map, as the server writes it.
fn marker(code: &str) -> String {
    format!("href=\"/ports/{code}\" data-port=\"{code}\"")
}

pub async fn every_demo_port_has_its_place_in_the_api_and_on_the_map(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let overview = app.get_json("/api/v1/ports", 200).await;
    let ports = overview["ports"].as_array().unwrap();
    assert_eq!(ports.len(), PORTS.len());
    assert_eq!(ports.len(), 21);
    for spec in PORTS {
        let port = ports.iter().find(|p| p["code"] == spec.code).unwrap();
        let (latitude, longitude) = (
            port["latitude"].as_f64().unwrap(),
            port["longitude"].as_f64().unwrap(),
        );
        assert!(
            inside_canada(latitude, longitude),
            "{}: {latitude}, {longitude}",
            spec.code
        );
        assert_eq!((latitude, longitude), (spec.latitude, spec.longitude));
    }
    let one = app.get_json("/api/v1/ports/LAC", 200).await;
    assert_eq!(one["summary"]["latitude"].as_f64(), Some(45.0065));
    // The API's document says so.
    let document = app.get_json("/api/v1/openapi.json", 200).await;
    let summary = &document["components"]["schemas"]["PortSummary"]["properties"];
    for field in ["latitude", "longitude"] {
        assert!(
            summary[field].is_object(),
            "PortSummary.{field} is documented"
        );
    }

    let html = page(&app, "/map", "en").await;
    for spec in PORTS {
        assert!(
            html.contains(&marker(spec.code)),
            "{} is drawn: {}",
            spec.code,
            html.find("map-marker")
                .map(|at| &html[at.saturating_sub(200)..at + 200])
                .unwrap_or("no marker")
        );
    }
    assert!(html.contains("Holds over service level:"));
    assert!(!html.contains("has no place recorded"));
    // The overview draws the same map above its tiles.
    let home = page(&app, "/", "en").await;
    assert!(home.contains(&marker("YYZ")) && home.contains("href=\"/map\""));
    let french = page(&app, "/map", "fr-CA").await;
    assert!(french.contains("Carte du Canada et de ses points d’entrée"));
    assert!(french.contains("Retenues au-delà de la norme de service\u{a0}:"));
    assert!(french.contains(&marker("YUL")));
}

pub async fn a_port_without_a_place_is_listed_not_drawn(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    sqlx::query(
        "insert into ports (code, name, kind, province, time_zone, status, hours, lanes_open, \
         lanes_available, officers_on_shift) values ('ZZQ', 'Northern test crossing', 'land', \
         'YT', 'America/Whitehorse', 'open', '24/7', 1, 2, 0)",
    )
    .execute(&app.db.pool)
    .await
    .expect("a port is registered without its place");
    let overview = app.get_json("/api/v1/ports", 200).await;
    let zzq: &Value = overview["ports"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["code"] == "ZZQ")
        .unwrap();
    assert!(zzq["latitude"].is_null() && zzq["longitude"].is_null());

    let html = page(&app, "/map", "en").await;
    assert!(
        !html.contains(&marker("ZZQ")),
        "a port without a place is not drawn"
    );
    assert!(html.contains(&marker("YYZ")));
    assert!(html.contains("<tr data-port=\"ZZQ\">"), "it is in the list");
    assert!(html.contains("No: no place recorded"));
    assert!(html.contains("1 port has no place recorded: it is in the list, not on the map."));
    let french = page(&app, "/map", "fr").await;
    assert!(french.contains(
        "1 point d’entrée n’a pas d’emplacement enregistré\u{a0}: il figure dans la liste, pas sur la carte."
    ));

    // The database keeps places on the globe.
    let refused = sqlx::query("update ports set latitude = 95 where code = 'ZZQ'")
        .execute(&app.db.pool)
        .await;
    assert!(refused.is_err(), "a latitude of 95° is refused");
}

/// A demo country seeded before ports had a place is placed by the migration that follows:
/// the migrations before it are applied, two demo ports and one of the agency's own are written
/// as the product then wrote them, then the rest are applied. The demo ports get the places the
/// seed gives them; the agency's own port stays unplaced (listed, not drawn).
pub async fn demo_ports_seeded_before_places_are_placed_by_the_migration(backend: Backend) {
    use sqlx::migrate::Migrator;
    const PLACES: i64 = 20261201000051;
    let Some((db, _dir)) = crate::helpers::fresh_db(backend).await else {
        return;
    };
    let folder = match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    let path = format!("{}/migrations/{folder}", env!("CARGO_MANIFEST_DIR"));
    let mut earlier = Migrator::new(std::path::Path::new(&path)).await.unwrap();
    earlier.migrations = earlier
        .migrations
        .iter()
        .filter(|m| m.version < PLACES)
        .cloned()
        .collect::<Vec<_>>()
        .into();
    earlier.run(&db.pool).await.unwrap();
    for (code, name) in [
        ("YYZ", "Toronto Pearson"),
        ("LAC", "Lacolle"),
        ("ZZZ", "Our own"),
    ] {
        sqlx::query(&format!(
            "insert into ports (code, name, kind, province, time_zone, status, hours, lanes_open, \
             lanes_available, officers_on_shift) values ('{code}', '{name}', 'land', 'QC', \
             'America/Toronto', 'open', '24/7', 1, 2, 3)"
        ))
        .execute(&db.pool)
        .await
        .unwrap();
    }
    db.migrate().await.unwrap();
    let place = |code: &'static str| {
        let pool = db.pool.clone();
        async move {
            let row = sqlx::query(&format!(
                "select latitude, longitude from ports where code = '{code}'"
            ))
            .fetch_one(&pool)
            .await
            .unwrap();
            use sqlx::Row;
            (
                row.try_get::<Option<f64>, _>(0).unwrap(),
                row.try_get::<Option<f64>, _>(1).unwrap(),
            )
        }
    };
    for code in ["YYZ", "LAC"] {
        let spec = PORTS.iter().find(|p| p.code == code).unwrap();
        let (latitude, longitude) = place(code).await;
        assert_eq!(latitude, Some(spec.latitude), "{code}'s latitude");
        assert_eq!(longitude, Some(spec.longitude), "{code}'s longitude");
    }
    assert_eq!(
        place("ZZZ").await,
        (None, None),
        "a port the demo does not have"
    );
}
