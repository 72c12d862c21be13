//! The OpenAPI document against the routes actually served, and the API page served by the
//! product itself.

use crate::helpers::{Backend, client, spawn_app_with};
use reqwest::Method;
use serde_json::Value;
use std::collections::BTreeSet;

/// The bodies of the `fn router` functions of a source file.
fn router_bodies(source: &str) -> Vec<&str> {
    let mut bodies = vec![];
    for (at, _) in source.match_indices("fn router") {
        let Some(open) = source[at..].find('{').map(|i| at + i) else {
            continue;
        };
        let mut depth = 0;
        for (i, c) in source[open..].char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        bodies.push(&source[open..open + i]);
                        break;
                    }
                }
                _ => {}
            }
        }
    }
    bodies
}

/// The route paths written in the router source: the `router()` functions of `src/api/`
/// (under `/api/v1`) and of `src/health.rs`. Every route must be added there, with a literal
/// path, and every router merged must be one of those files', so that no route escapes.
fn routes_in_source() -> BTreeSet<String> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = vec![("", root.join("health.rs"))];
    for entry in std::fs::read_dir(root.join("api")).expect("src/api is readable") {
        let path = entry.expect("an entry").path();
        if path.extension().is_some_and(|e| e == "rs") {
            files.push(("/api/v1", path));
        }
    }
    let mut paths = BTreeSet::new();
    for (prefix, file) in files {
        let source = std::fs::read_to_string(&file).expect("the source is readable");
        let name = file.display();
        let bodies = router_bodies(&source);
        let routes_in_bodies: usize = bodies.iter().map(|b| b.matches(".route(").count()).sum();
        assert_eq!(
            source.matches(".route(").count(),
            routes_in_bodies,
            "{name} adds a route outside its `fn router`"
        );
        for body in bodies {
            for hidden in [".nest(", ".nest_service(", ".route_service("] {
                assert!(
                    !body.contains(hidden),
                    "{name} uses `{hidden}`: this check cannot see the routes behind it"
                );
            }
            for (at, _) in body.match_indices(".merge(") {
                let module = body[at + ".merge(".len()..]
                    .trim_start()
                    .split("::router()")
                    .next()
                    .unwrap_or_default();
                let merged = file.with_file_name(format!("{module}.rs"));
                assert!(
                    merged.exists(),
                    "{name} merges `{module}`, which is not a router of src/api/"
                );
            }
            for (at, _) in body.match_indices(".route(") {
                let rest = body[at + ".route(".len()..].trim_start();
                let path = rest
                    .strip_prefix('"')
                    .and_then(|r| r.split('"').next())
                    .unwrap_or_else(|| panic!("{name}: a route whose path is not a literal"));
                paths.insert(format!("{prefix}{path}"));
            }
        }
    }
    paths
}

/// A concrete URL for a route template: `{id}` → `1`, `{code}` → `YVR`, … .
fn sample(template: &str) -> String {
    template
        .split('/')
        .map(|segment| match segment {
            "{code}" => "YVR",
            s if s.starts_with('{') => "1",
            s => s,
        })
        .collect::<Vec<_>>()
        .join("/")
}

pub async fn every_served_route_is_documented_and_nothing_else(backend: Backend) {
    let Some(app) = spawn_app_with(backend, 0).await else {
        return;
    };
    let doc = app.get_json("/api/v1/openapi.json", 200).await;
    assert_eq!(doc["openapi"], "3.1.0");
    let mut documented = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("a path item") {
            if operation.get("responses").is_some() {
                documented.insert((method.to_uppercase(), path.clone()));
            }
        }
    }

    // What the server actually routes: a method no route takes (TRACE) gets 405 and the
    // `Allow` header on a routed path, 404 elsewhere.
    let candidates: BTreeSet<String> = routes_in_source()
        .into_iter()
        .chain(documented.iter().map(|(_, p)| p.clone()))
        .collect();
    let mut served = BTreeSet::new();
    for template in &candidates {
        let response = app
            .client
            .request(Method::TRACE, app.url(&sample(template)))
            .send()
            .await
            .expect("request is sent");
        match response.status().as_u16() {
            405 => {
                let allow = response.headers()["allow"].to_str().unwrap().to_string();
                for method in allow.split(',').map(str::trim) {
                    if method != "HEAD" {
                        served.insert((method.to_string(), template.clone()));
                    }
                }
            }
            404 => {}
            other => panic!("TRACE {template}: {other}"),
        }
    }
    assert!(
        served.len() >= 28,
        "only {} routes found: {served:?}",
        served.len()
    );
    let undocumented: Vec<_> = served.difference(&documented).collect();
    let unserved: Vec<_> = documented.difference(&served).collect();
    assert!(
        undocumented.is_empty(),
        "served but not in the OpenAPI document (add #[utoipa::path] and list it in the \
         module's Docs): {undocumented:?}"
    );
    assert!(
        unserved.is_empty(),
        "in the OpenAPI document but not served: {unserved:?}"
    );

    // The filters documented are the ones the list endpoints read.
    let query_params = |path: &str| -> BTreeSet<String> {
        doc["paths"][path]["get"]["parameters"]
            .as_array()
            .expect("parameters")
            .iter()
            .filter(|p| p["in"] == "query")
            .map(|p| p["name"].as_str().unwrap().to_string())
            .collect()
    };
    let set = |names: &[&str]| names.iter().map(|n| n.to_string()).collect::<BTreeSet<_>>();
    // … and `format`, which every list takes (`json`, or `csv` for all its rows), and `at`,
    // the past instant a read of the board may be answered at.
    assert_eq!(
        query_params("/api/v1/holds"),
        set(&[&app::holds::HoldFilter::PARAMS[..], &["format", "at"]].concat())
    );
    assert_eq!(
        query_params("/api/v1/inspections"),
        set(&[
            &app::inspections::InspectionFilter::PARAMS[..],
            &["format", "at"]
        ]
        .concat())
    );
    for read in [
        "/api/v1/ports",
        "/api/v1/ports/{code}",
        "/api/v1/shipments/{id}",
    ] {
        assert!(query_params(read).contains("at"), "{read} documents at");
    }
    for list in [
        "/api/v1/holds",
        "/api/v1/inspections",
        "/api/v1/ports",
        "/api/v1/targeting/stats",
    ] {
        assert!(query_params(list).contains("format"), "{list}");
        let content = &doc["paths"][list]["get"]["responses"]["200"]["content"];
        assert!(content["text/csv"].is_object(), "{list} documents its CSV");
        assert!(
            content["application/json"].is_object(),
            "{list} documents its JSON"
        );
    }

    // Every API operation says how it refuses a caller, and with which body.
    for (method, path) in documented.iter().filter(|(_, p)| p.starts_with("/api/")) {
        let operation = &doc["paths"][path][method.to_lowercase()];
        assert_eq!(
            operation["responses"]["401"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/ErrorBody",
            "{method} {path}"
        );
    }
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
    assert!(doc["components"]["securitySchemes"]["session"].is_object());
}

/// The `src` and `href` attribute values of an HTML page.
fn references(html: &str) -> Vec<String> {
    let mut found = vec![];
    for attribute in ["src=\"", "href=\""] {
        for (at, _) in html.match_indices(attribute) {
            let rest = &html[at + attribute.len()..];
            found.push(rest.split('"').next().unwrap_or_default().to_string());
        }
    }
    found
}

pub async fn the_api_page_is_served_by_the_product_alone(backend: Backend) {
    let Some(app) = spawn_app_with(backend, 0).await else {
        return;
    };
    // Signed-in only: a browser is sent to sign in, a program gets 401.
    let anonymous = client(false);
    let page = anonymous
        .get(app.url("/api/v1/docs/"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status().as_u16(), 303);
    assert_eq!(
        page.headers()["location"],
        "/signin?next=%2Fapi%2Fv1%2Fdocs%2F"
    );
    let document = anonymous
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(document.status().as_u16(), 401);
    let file = anonymous
        .get(app.url("/api/v1/docs/swagger-ui.css"))
        .send()
        .await
        .unwrap();
    assert_eq!(file.status().as_u16(), 401);

    let signed_in = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(
            [(
                reqwest::header::AUTHORIZATION,
                format!("Bearer {}", app.token_for("test.reader").await)
                    .parse()
                    .unwrap(),
            )]
            .into_iter()
            .collect(),
        )
        .build()
        .unwrap();
    let moved = signed_in.get(app.url("/api/v1/docs")).send().await.unwrap();
    assert_eq!(moved.status().as_u16(), 303);
    assert_eq!(moved.headers()["location"], "/api/v1/docs/");

    let page = app.get("/api/v1/docs/").await;
    assert_eq!(page.status().as_u16(), 200);
    let header = |name: &str| {
        page.headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default()
    };
    assert!(header("content-type").starts_with("text/html"));
    // The board's page policy: scripts, styles and connections to this origin only.
    let csp = header("content-security-policy");
    assert!(csp.contains("script-src 'self'"), "{csp}");
    assert!(csp.contains("connect-src 'self'"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert!(!csp.contains("http"), "{csp}");
    let html = page.text().await.unwrap();
    assert!(html.contains("swagger-ui"), "{html}");
    assert!(!html.contains("<script>"), "no inline script: {html}");
    let refs = references(&html);
    assert!(refs.len() >= 4, "{refs:?}");
    for reference in &refs {
        assert!(
            !reference.contains("//") && !reference.contains(':'),
            "{reference} is not a same-origin relative URL"
        );
        let path = format!("/api/v1/docs/{}", reference.trim_start_matches("./"));
        let file = app.get(&path).await;
        assert_eq!(file.status().as_u16(), 200, "{path}");
        assert!(!file.bytes().await.unwrap().is_empty(), "{path}");
    }
    // The script that starts the page loads this product's document and sends it nowhere
    // else.
    let start = app.get("/api/v1/docs/swagger-initializer.js").await;
    assert_eq!(start.status().as_u16(), 200);
    assert!(
        start.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("javascript")
    );
    let script = start.text().await.unwrap();
    assert!(script.contains("\"/api/v1/openapi.json\""), "{script}");
    assert!(script.contains("\"validatorUrl\": \"none\""), "{script}");
    assert!(!script.contains("http"), "{script}");
    // A file the page does not have is a 404 in the API's error shape.
    let missing = app.get("/api/v1/docs/nothing.js").await;
    assert_eq!(missing.status().as_u16(), 404);
    let body: Value = missing.json().await.unwrap();
    assert_eq!(body["error"]["code"], "not_found");
}
