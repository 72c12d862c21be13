//! Authentication, once per request: the session cookie (through the session layer) or an
//! `Authorization: Bearer` token names the caller, who is put on the request for every
//! handler and server function to authorize against. Nothing is served to nobody but the
//! sign-in page, its assets and the health checks.

use crate::proxies::TrustedProxies;
use crate::state::ServerState;
use app::AppError;
use app::accounts::tokens;
use app::auth::server::{Caller, ClientAddress, resolve_session};
use app::db::{Db, NativePool};
use app::i18n::td_string;
use app::lang::current;
use app::state::AppState;
use app::state::AuthSettings;
use axum::{
    Router,
    extract::{ConnectInfo, FromRequestParts, Request, State},
    http::{HeaderMap, HeaderValue, Method, header, request::Parts},
    middleware::Next,
    response::{IntoResponse, Redirect, Response},
};
use chrono::Utc;
use std::net::SocketAddr;
use tower_sessions::{
    Expiry, Session, SessionManagerLayer, SessionStore,
    cookie::{SameSite, time},
    session_store::ExpiredDeletion,
};
use tower_sessions_sqlx_store::{PostgresStore, SqliteStore};

pub const SESSION_COOKIE: &str = "boc_session";

/// The session cookie's name over TLS. Browsers accept a `__Host-` cookie only with `Secure`,
/// `Path=/` and no `Domain`, so neither a sibling subdomain nor a plain-HTTP page can set or
/// shadow it.
pub const SECURE_SESSION_COOKIE: &str = "__Host-boc_session";

/// The name the session cookie has with these settings.
pub fn session_cookie(secure: bool) -> &'static str {
    if secure {
        SECURE_SESSION_COOKIE
    } else {
        SESSION_COOKIE
    }
}

/// Marks a response that is the same for every caller and carries no data (a file of the
/// API's page), so that it keeps the `Cache-Control` it was given.
#[derive(Debug, Clone, Copy)]
pub struct SharedFile;

/// The API's browsable page: a page like the board's, so a browser without a session is sent
/// to sign in rather than answered 401.
pub const API_PAGE_PATH: &str = "/api/v1/docs/";

/// Paths served without signing in.
pub fn is_public(path: &str) -> bool {
    is_asset_or_probe(path)
        || matches!(
            path,
            "/signin"
                | "/rpc/sign_in"
                | "/rpc/demo_sign_in"
                | "/rpc/demo_personas"
                // The sign-in page speaks the language its reader chooses.
                | "/rpc/choose_language"
        )
}

/// Public paths that need no identity at all.
fn is_asset_or_probe(path: &str) -> bool {
    matches!(path, "/healthz" | "/readyz" | "/favicon.svg") || path.starts_with("/pkg/")
}

/// What the `Authorization` header says: nothing, a bearer token, or something unusable.
fn bearer(headers: &HeaderMap) -> Option<Result<&str, ()>> {
    let value = headers.get(header::AUTHORIZATION)?;
    let token = value
        .to_str()
        .ok()
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty());
    Some(token.ok_or(()))
}

/// Names the caller of every request but those of files and health checks, and marks every
/// answer that passed here `Cache-Control: no-store`: what it carries was chosen for the
/// caller (or says that there is none), and no browser cache or proxy may keep it for the next
/// person at that desk.
pub async fn authenticate(
    State(state): State<ServerState>,
    mut request: Request,
    next: Next,
) -> Response {
    let address = client_address(&state.proxies, &request);
    let state = state.app;
    request
        .extensions_mut()
        .insert(ClientAddress(address.clone()));
    if is_asset_or_probe(request.uri().path()) {
        // No identity needed and none looked up: files and health checks never touch the
        // session store, and answer while the database is away.
        let code = request.uri().path().starts_with("/pkg/");
        let mut response = next.run(request).await;
        if code && !response.headers().contains_key(header::CACHE_CONTROL) {
            // The bundle's files keep their names from one build to the next (each page's
            // parts are `chunk_N.wasm`): a browser asks each time whether the one it holds is
            // still current (a 304 when it is), and never runs a part of one build with the
            // bundle of another.
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        }
        return response;
    }
    let mut response = identify(state, request, next, address).await;
    if response.extensions().get::<SharedFile>().is_none() {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// The client's address, the one every later layer uses (sign-in limits, the journal, "Your
/// sessions"): the peer's, or behind a trusted proxy the client its `X-Forwarded-For` names.
pub fn client_address(proxies: &TrustedProxies, request: &Request) -> String {
    let Some(ConnectInfo(peer)) = request.extensions().get::<ConnectInfo<SocketAddr>>() else {
        return "unknown".into();
    };
    let forwarded = request
        .headers()
        .get_all("x-forwarded-for")
        .iter()
        .map(HeaderValue::as_bytes);
    proxies.client(peer.ip(), forwarded).to_string()
}

/// Puts the caller named by a bearer token or the session on the request, or answers for
/// nobody: sign in for a page, 401 for a call, the request itself for a public path.
async fn identify(state: AppState, mut request: Request, next: Next, address: String) -> Response {
    let rpc = request.uri().path().starts_with("/rpc/");
    let refuse = |error: AppError| refusal(rpc, error);
    let caller = match bearer(request.headers()) {
        Some(Ok(token)) => match tokens::account_for_token(&state.db.pool, token, Utc::now()).await
        {
            Ok(Some((account, token))) => Some(Caller {
                account,
                address,
                session: None,
                token: Some(token),
            }),
            Ok(None) => {
                return refuse(AppError::Unauthenticated {
                    message: td_string!(current(), api.token_invalid).into(),
                });
            }
            Err(error) => return refuse(error),
        },
        Some(Err(())) => {
            return refuse(AppError::Unauthenticated {
                message: td_string!(current(), api.authorization_header).into(),
            });
        }
        None => match request.extensions().get::<Session>().cloned() {
            Some(session) => match resolve_session(&state, &session, &address).await {
                Ok(caller) => caller,
                Err(error) => return refuse(error),
            },
            None => None,
        },
    };
    let path = request.uri().path();
    // The API's browsable page is a page too: a browser without a session is sent to sign in.
    let is_page = matches!(*request.method(), Method::GET | Method::HEAD)
        && ((!path.starts_with("/api/") && !path.starts_with("/rpc/"))
            || path == "/api/v1/docs"
            || path == API_PAGE_PATH);
    match caller {
        Some(caller) => {
            if is_page && path == "/signin" {
                return Redirect::to("/").into_response();
            }
            request.extensions_mut().insert(caller);
        }
        None if is_public(path) => {}
        None if is_page => {
            let wanted = request
                .uri()
                .path_and_query()
                .map(|p| p.as_str())
                .unwrap_or("/");
            let next_param: String = form_urlencoded::byte_serialize(wanted.as_bytes()).collect();
            let target = if wanted == "/" {
                "/signin".to_string()
            } else {
                format!("/signin?next={next_param}")
            };
            return Redirect::to(&target).into_response();
        }
        None => return refuse(AppError::unauthenticated()),
    }
    next.run(request).await
}

/// A refusal before the handler: in the API's shape (`{"error": …}`), or for a server function
/// in the shape its caller in the browser reads, so that a page says "the database cannot be
/// reached" or "sign in" rather than that it could not read the answer.
fn refusal(rpc: bool, error: AppError) -> Response {
    if rpc {
        error.into_server_fn_response()
    } else {
        error.into_response()
    }
}

/// The caller of an API handler (401 when nobody is signed in).
pub struct Authenticated(pub Caller);

impl<S: Send + Sync> FromRequestParts<S> for Authenticated {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Caller>()
            .cloned()
            .map(Authenticated)
            .ok_or_else(AppError::unauthenticated)
    }
}

fn session_layer<S: SessionStore + Clone>(
    store: S,
    settings: &AuthSettings,
) -> SessionManagerLayer<S> {
    // A little longer than a session may last, so that the server, not the cookie's expiry,
    // ends it (and journals why).
    let longest = (settings.absolute + settings.idle).as_secs();
    let longest = i64::try_from(longest).unwrap_or(i64::MAX);
    SessionManagerLayer::new(store)
        .with_name(session_cookie(settings.secure_cookies))
        .with_http_only(true)
        .with_same_site(SameSite::Strict)
        .with_secure(settings.secure_cookies)
        // `Path=/` and no `Domain`, as the `__Host-` name requires.
        .with_path("/")
        // The cookie lasts as long as a session may; the idle timeout is enforced (and
        // journaled) by the server, which sees every request.
        .with_expiry(Expiry::OnInactivity(time::Duration::seconds(longest)))
}

/// Puts the session layer, kept in the product's own database, around `router`, and starts
/// the task that clears expired sessions from it. Its table (`web_sessions`) is made by the
/// migrations, so that nothing here needs the right to create tables.
pub async fn with_sessions(
    router: Router,
    db: &Db,
    settings: &AuthSettings,
) -> anyhow::Result<Router> {
    let every = std::time::Duration::from_secs(15 * 60);
    Ok(match db.native_pool(4).await? {
        NativePool::Sqlite(pool) => {
            let store = SqliteStore::new(pool)
                .with_table_name("web_sessions")
                .map_err(anyhow::Error::msg)?;
            tokio::spawn(store.clone().continuously_delete_expired(every));
            router.layer(session_layer(store, settings))
        }
        NativePool::Postgres(pool) => {
            let store = PostgresStore::new(pool)
                .with_table_name("web_sessions")
                .map_err(anyhow::Error::msg)?;
            tokio::spawn(store.clone().continuously_delete_expired(every));
            router.layer(session_layer(store, settings))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_sign_in_page_its_assets_and_health_are_public() {
        for path in [
            "/signin",
            "/pkg/border-ops.wasm",
            "/healthz",
            "/rpc/sign_in",
        ] {
            assert!(is_public(path), "{path}");
        }
        for path in [
            "/",
            "/holds",
            "/api/v1/ports",
            "/rpc/holds",
            "/rpc/whoami",
            "/signin/x",
        ] {
            assert!(!is_public(path), "{path}");
        }
    }

    #[test]
    fn bearer_tokens_are_read_from_the_authorization_header() {
        let mut headers = HeaderMap::new();
        assert_eq!(bearer(&headers), None);
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer boc_abc"),
        );
        assert_eq!(bearer(&headers), Some(Ok("boc_abc")));
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Basic dXNlcg=="),
        );
        assert_eq!(bearer(&headers), Some(Err(())));
    }
}
