//! Protections every response and request gets: security headers, and the refusal of
//! state-changing requests sent from another site (a page elsewhere cannot make a signed-in
//! officer's browser act on the board).

use app::i18n::td_string;
use app::journal::refusals;
use app::lang::current;
use axum::{
    Router,
    extract::{Request, State},
    http::{HeaderMap, HeaderName, HeaderValue, Method, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use tower_http::set_header::SetResponseHeaderLayer;

/// What the board may ask the browser for: nothing of the device (camera, microphone,
/// location, sensors, payment, USB and the like), here or in any frame.
pub const PERMISSIONS_POLICY: &str = "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), hid=(), magnetometer=(), microphone=(), midi=(), payment=(), publickey-credentials-get=(), serial=(), usb=(), xr-spatial-tracking=()";

/// Two years, this host and every subdomain.
pub const TRANSPORT_SECURITY: &str = "max-age=63072000; includeSubDomains";

/// Sets the headers every response carries, unless it sets its own policy (pages set a CSP
/// with a nonce). `over_tls` (`SECURE_COOKIES=true`) adds `Strict-Transport-Security`: only
/// a board served over TLS may tell browsers never to reach it otherwise.
pub fn with_headers(router: Router, over_tls: bool) -> Router {
    let router = if over_tls {
        router.layer(SetResponseHeaderLayer::overriding(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(TRANSPORT_SECURITY),
        ))
    } else {
        router
    };
    router
        .layer(SetResponseHeaderLayer::overriding(
            HeaderName::from_static("cross-origin-opener-policy"),
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            HeaderName::from_static("permissions-policy"),
            HeaderValue::from_static(PERMISSIONS_POLICY),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
        ))
}

/// True when a request that changes state comes from another site, judged by the browser's
/// `Sec-Fetch-Site`, or failing that by `Origin` against `Host`. Requests without either
/// (command-line clients, other systems) are not browser-driven and pass.
pub fn is_cross_site(method: &Method, headers: &HeaderMap) -> bool {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return false;
    }
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return !matches!(site, "same-origin" | "none");
    }
    match (
        headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()),
        headers.get(header::HOST).and_then(|v| v.to_str().ok()),
    ) {
        (Some(origin), Some(host)) => {
            let origin_host = origin
                .split_once("://")
                .map(|(_, rest)| rest)
                .unwrap_or(origin);
            !origin_host.eq_ignore_ascii_case(host)
        }
        (Some(_), None) => true,
        _ => false,
    }
}

/// The nonce of one page response, shared by its header and its hydration scripts.
#[derive(Debug, Clone)]
pub struct PageNonce(pub String);

/// The Content-Security-Policy of a page: scripts only from this origin or carrying this
/// response's nonce (the hydration bootstrap and the serialized data), WebAssembly allowed to
/// compile, nothing framed, no plug-ins, no other origin contacted.
pub fn page_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// Gives every request a fresh nonce (the page renderer uses it for its scripts) and every
/// HTML response the policy naming it. Set here, on the response itself, so that no page can
/// leave with the fallback policy that would block its own scripts.
pub async fn with_page_policy(mut request: Request, next: Next) -> Response {
    let mut bytes = [0u8; 16];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut bytes);
    let nonce: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    request.extensions_mut().insert(PageNonce(nonce.clone()));
    let mut response = next.run(request).await;
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/html"));
    if is_html && let Ok(value) = HeaderValue::from_str(&page_policy(&nonce)) {
        response
            .headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, value);
    }
    response
}

/// Refuses a state-changing request sent from another site, and journals it (counted, so a
/// page posting in a loop costs the journal two entries a minute: see
/// `app::journal::refusals`). Nobody is signed in as far as this layer knows: the entry names
/// the address.
pub async fn refuse_cross_site(
    State(state): State<crate::state::ServerState>,
    request: Request,
    next: Next,
) -> Response {
    if is_cross_site(request.method(), request.headers()) {
        tracing::warn!(method = %request.method(), uri = %request.uri(), "cross-site request refused");
        let address = crate::auth::client_address(&state.proxies, &request);
        let pool = state.app.db.pool.clone();
        let headers = request.headers();
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(|v| v.chars().take(200).collect::<String>())
        };
        let what = format!("{} {}", request.method(), request.uri().path());
        let after = serde_json::json!({
            "request": what,
            "origin": header("origin"),
            "sec_fetch_site": header("sec-fetch-site"),
            "address": address,
        });
        drop(request);
        let kind = refusals::Kind {
            actor: "unknown".into(),
            entity: "access",
            entity_id: address,
            action: "cross_site_refused",
            what: what.chars().take(200).collect(),
            port: None,
        };
        let reason = "a request from another site";
        if let Err(error) = refusals::journal(&pool, kind, after, reason, chrono::Utc::now()).await
        {
            tracing::error!(%error, "journaling a cross-site refusal");
        }
        return app::AppError::Forbidden {
            message: td_string!(current(), api.cross_site).into(),
        }
        .into_response();
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn reads_are_never_refused() {
        let h = headers(&[("sec-fetch-site", "cross-site")]);
        assert!(!is_cross_site(&Method::GET, &h));
    }

    #[test]
    fn browsers_say_where_a_request_comes_from() {
        assert!(is_cross_site(
            &Method::POST,
            &headers(&[("sec-fetch-site", "cross-site")])
        ));
        assert!(is_cross_site(
            &Method::POST,
            &headers(&[("sec-fetch-site", "same-site")])
        ));
        assert!(!is_cross_site(
            &Method::POST,
            &headers(&[("sec-fetch-site", "same-origin")])
        ));
    }

    #[test]
    fn without_fetch_metadata_the_origin_must_match_the_host() {
        let evil = headers(&[
            ("origin", "https://evil.example"),
            ("host", "boc.local:3000"),
        ]);
        assert!(is_cross_site(&Method::POST, &evil));
        let same = headers(&[
            ("origin", "http://boc.local:3000"),
            ("host", "boc.local:3000"),
        ]);
        assert!(!is_cross_site(&Method::POST, &same));
        assert!(!is_cross_site(
            &Method::POST,
            &headers(&[("host", "boc.local:3000")])
        ));
    }
}
