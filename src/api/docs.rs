//! The OpenAPI document of the JSON API, generated from the handlers' annotations and the
//! types they exchange, and Swagger UI to browse it. Both are served by the product itself
//! (Swagger UI's files are compiled into the binary), to signed-in callers like the rest of
//! `/api/v1`.

use super::responses::SignIn;
use crate::auth::{API_PAGE_PATH, Authenticated, SharedFile};
use app::ErrorBody;
use app::i18n::td_string;
use app::lang::{Locale, current};
use axum::{
    Router,
    extract::Path,
    http::header,
    response::{IntoResponse, Redirect, Response},
    routing::get,
};
use std::sync::{Arc, LazyLock};
use utoipa::{
    OpenApi,
    openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme},
};

/// Where the document is served; Swagger UI fetches it from there.
pub const DOCUMENT_PATH: &str = "/api/v1/openapi.json";

pub fn router<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route("/openapi.json", get(document))
        .route("/docs", get(to_page))
        .route("/docs/", get(page))
        .route("/docs/{file}", get(file))
}

/// The document's own entry and its head: title, version, security schemes and tags.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "border-ops API",
        // The title and description are replaced by the catalogue's, per language.
        description = "See `api.docs_description` in the catalogue."
    ),
    paths(crate::health::healthz, crate::health::readyz),
    modifiers(&Security),
    security(("bearer" = []), ("session" = [])),
    tags(
        (name = "ports", description = "Ports of entry and their workload"),
        (name = "forecast", description = "When the examinations waiting clear, and the holds about to pass their service level"),
        (name = "holds", description = "Holds on shipments and the actions on them"),
        (name = "inspections", description = "The inspection queue and the actions on it"),
        (name = "shipments", description = "Shipments, their holds, inspections and timeline"),
        (name = "targeting", description = "Declarations in, risk scores, examination capacity and the targeting rules"),
        (name = "trends", description = "Trends over days: release times, holds, examinations, hit rates and officers' work"),
        (name = "rights", description = "The register of requests for assistance from rights holders, and the declarations they match"),
        (name = "seizures", description = "Seizure reports for partner administrations, each export journaled"),
        (name = "detentions", description = "Goods detained for a rights holder: the notice, the deadline, the charges and the outcome"),
        (name = "waits", description = "Border waits: measured at a crossing, and CBSA's wait times file"),
        (name = "live", description = "The journal as it happens"),
        (name = "api", description = "This description of the API"),
        (name = "health", description = "Probes for load balancers (no sign-in)"),
    )
)]
struct Head;

/// The routes of `api::router` itself (the areas document theirs in their own modules).
#[derive(OpenApi)]
#[openapi(paths(super::live::live, document, to_page, page, file))]
pub struct Docs;

struct Security;

impl utoipa::Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "An API token: `Authorization: Bearer <token>`. Administrators issue them (`border-ops token issue`).",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                crate::auth::SESSION_COOKIE,
                "The board's session cookie, set on signing in (what this page uses); `__Host-boc_session` when the board is served over TLS.",
            ))),
        );
    }
}

/// The whole document: the health probes at the root, every area under `/api/v1`.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let mut v1 = Docs::openapi();
    v1.merge(super::ports::Docs::openapi());
    v1.merge(super::forecast::Docs::openapi());
    v1.merge(super::holds::Docs::openapi());
    v1.merge(super::inspections::Docs::openapi());
    v1.merge(super::shipments::Docs::openapi());
    v1.merge(super::targeting::Docs::openapi());
    v1.merge(super::waits::Docs::openapi());
    v1.merge(super::trends::Docs::openapi());
    v1.merge(super::rights::Docs::openapi());
    v1.merge(super::seizures::Docs::openapi());
    v1.merge(super::detentions::Docs::openapi());
    let mut doc = Head::openapi().nest("/api/v1", v1);
    doc.info.version = env!("CARGO_PKG_VERSION").to_string();
    bodies_may_be_left_out(&mut doc);
    doc
}

/// An action's body is optional (`Option<ActionBody>` in its annotation): the call may send
/// none at all, but not the JSON `null` that the `Option` adds to the schema.
fn bodies_may_be_left_out(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::{
        RefOr,
        schema::{Schema, SchemaType, Type},
    };
    let operations = doc
        .paths
        .paths
        .values_mut()
        .filter_map(|item| item.post.as_mut());
    for operation in operations {
        let Some(body) = operation.request_body.as_mut() else {
            continue;
        };
        if body.required.is_some() {
            continue;
        }
        for content in body.content.values_mut() {
            let Some(RefOr::T(Schema::OneOf(one_of))) = &content.schema else {
                continue;
            };
            let is_null = |schema: &RefOr<Schema>| {
                matches!(schema, RefOr::T(Schema::Object(o))
                    if o.schema_type == SchemaType::Type(Type::Null))
            };
            if let [a, b] = one_of.items.as_slice()
                && (is_null(a) || is_null(b))
            {
                let other = if is_null(a) { b.clone() } else { a.clone() };
                content.schema = Some(other);
            }
        }
    }
}

/// The document in each language: its title, introduction and the descriptions of its tags
/// are the catalogue's; the descriptions of paths and fields are English in both.
static DOCUMENT_EN: LazyLock<String> = LazyLock::new(|| document_in(Locale::en));
static DOCUMENT_FR: LazyLock<String> = LazyLock::new(|| document_in(Locale::fr));

fn document_in(locale: Locale) -> String {
    let mut doc = openapi();
    doc.info.title = td_string!(locale, api.docs_title).to_string();
    doc.info.description = Some(td_string!(locale, api.docs_description).to_string());
    for tag in doc.tags.iter_mut().flatten() {
        let description = match tag.name.as_str() {
            "ports" => td_string!(locale, api.tag_ports),
            "holds" => td_string!(locale, api.tag_holds),
            "inspections" => td_string!(locale, api.tag_inspections),
            "shipments" => td_string!(locale, api.tag_shipments),
            "targeting" => td_string!(locale, api.tag_targeting),
            "live" => td_string!(locale, api.tag_live),
            "api" => td_string!(locale, api.tag_api),
            "health" => td_string!(locale, api.tag_health),
            "forecast" => td_string!(locale, api.tag_forecast),
            "trends" => td_string!(locale, api.tag_trends),
            "waits" => td_string!(locale, api.tag_waits),
            "rights" => td_string!(locale, api.tag_rights),
            "seizures" => td_string!(locale, api.tag_seizures),
            "detentions" => td_string!(locale, api.tag_detentions),
            _ => continue,
        };
        tag.description = Some(description.to_string());
    }
    doc.to_pretty_json().unwrap_or_default()
}

/// Swagger UI's settings: the document above, no layout bar to load other documents, and no
/// online validator (it would send the document to another site).
static CONFIG: LazyLock<Arc<utoipa_swagger_ui::Config<'static>>> = LazyLock::new(|| {
    Arc::new(
        utoipa_swagger_ui::Config::new([DOCUMENT_PATH])
            .use_base_layout()
            .validator_url("none")
            .deep_linking(true),
    )
});

/// This document.
#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "api",
    responses(
        (status = 200, description = "The OpenAPI 3.1 document", body = Object),
        SignIn,
    )
)]
async fn document(_: Authenticated) -> Response {
    let document = match current() {
        Locale::en => DOCUMENT_EN.as_str(),
        Locale::fr => DOCUMENT_FR.as_str(),
    };
    ([(header::CONTENT_TYPE, "application/json")], document).into_response()
}

/// The browsable page lives in a folder, so that its files resolve next to it.
#[utoipa::path(
    get,
    path = "/docs",
    tag = "api",
    responses(
        (status = 303, description = "To `/api/v1/docs/`"),
        SignIn,
    )
)]
async fn to_page(_: Authenticated) -> Redirect {
    Redirect::to(API_PAGE_PATH)
}

/// The browsable page of this document (Swagger UI).
#[utoipa::path(
    get,
    path = "/docs/",
    tag = "api",
    responses(
        (status = 200, description = "The page", content_type = "text/html", body = String),
        SignIn,
    )
)]
async fn page(caller: Authenticated) -> Response {
    let mut page = file(caller, Path("index.html".into())).await;
    // A page like the board's, kept by no cache: only the files it loads may be.
    page.extensions_mut().remove::<SharedFile>();
    page
}

/// One of the page's files: its scripts, styles and icons.
#[utoipa::path(
    get,
    path = "/docs/{file}",
    tag = "api",
    params(("file" = String, Path, description = "The file's name, e.g. `swagger-ui.css`")),
    responses(
        (status = 200, description = "The file (JavaScript, CSS, an image or a source map)"),
        (status = 404, description = "The page has no such file", body = ErrorBody),
        SignIn,
    )
)]
async fn file(_: Authenticated, Path(name): Path<String>) -> Response {
    match utoipa_swagger_ui::serve(&name, CONFIG.clone()) {
        Ok(Some(file)) => (
            [
                (header::CONTENT_TYPE, file.content_type),
                (header::CACHE_CONTROL, "private, max-age=3600".into()),
            ],
            // Swagger UI's own files, the same for everyone: the browser may keep them.
            axum::Extension(SharedFile),
            file.bytes.into_owned(),
        )
            .into_response(),
        Ok(None) => app::AppError::not_found(
            td_string!(current(), api.docs_file, name = format!("{name:?}")).to_string(),
        )
        .into_response(),
        Err(error) => {
            tracing::error!(%error, file = %name, "the API page's file cannot be prepared");
            app::AppError::Internal {
                reference: "api-docs".into(),
            }
            .into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_document_is_valid_json_with_every_area() {
        let doc: serde_json::Value = serde_json::from_str(&DOCUMENT_EN).unwrap();
        assert_eq!(doc["openapi"], "3.1.0");
        for path in ["/api/v1/ports", "/api/v1/holds/{id}/release", "/healthz"] {
            assert!(doc["paths"][path].is_object(), "{path}");
        }
        assert!(doc["components"]["schemas"]["HoldRow"].is_object());
        // An action's body may be left out, but is never `null`.
        let release = &doc["paths"]["/api/v1/holds/{id}/release"]["post"]["requestBody"];
        assert_eq!(
            release["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/ActionBody"
        );
        assert!(release.get("required").is_none());
        let place = &doc["paths"]["/api/v1/holds"]["post"]["requestBody"];
        assert_eq!(place["required"], true);
        assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
    }

    #[test]
    fn the_document_says_which_language_message_is_in_in_both_languages() {
        let en: serde_json::Value = serde_json::from_str(&DOCUMENT_EN).unwrap();
        let fr: serde_json::Value = serde_json::from_str(&DOCUMENT_FR).unwrap();
        let said = en["info"]["description"].as_str().unwrap();
        assert!(
            said.contains("`code` (and `field`, where there is one) is the same in every language, while `message` is in the language of the request's `Accept-Language` header (English or French; English by default)"),
            "{said}"
        );
        assert_eq!(en["info"]["title"], "border-ops API");
        assert_eq!(fr["info"]["title"], "API de border-ops");
        let dit = fr["info"]["description"].as_str().unwrap();
        assert!(
            dit.contains("`message` est dans la langue de l’en-tête `Accept-Language`"),
            "{dit}"
        );
        // The paths and fields are the same document in both.
        assert_eq!(en["paths"], fr["paths"]);
        assert_eq!(en["components"], fr["components"]);
    }

    #[tokio::test]
    async fn the_error_body_is_the_documented_one() {
        let response = app::AppError::not_found("hold 7").into_response();
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 16)
            .await
            .unwrap();
        let body: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(
            body,
            json!({"error": {"code": "not_found", "what": "hold 7", "message": "hold 7 was not found"}})
        );
        // A variant with its own `message` has it once.
        let response = app::AppError::Conflict {
            message: "already released".into(),
        }
        .into_response();
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 16)
            .await
            .unwrap();
        assert_eq!(
            std::str::from_utf8(&bytes)
                .unwrap()
                .matches("message")
                .count(),
            1
        );
    }
}
