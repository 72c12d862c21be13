//! Which official language a request is answered in. Pages and server functions: the
//! signed-in account's saved choice, then the `lang` cookie, then `Accept-Language`. The JSON
//! API: `Accept-Language` alone (English by default), so that a machine client's answers do not
//! change with a person's choice. The language is put on the request (for the pages' context)
//! and everything the request's handling says is said in it (`app::lang::current`).

use app::auth::server::Caller;
use app::lang::{self, Locale};
use axum::{
    extract::Request,
    http::{HeaderValue, header},
    middleware::Next,
    response::Response,
};

/// Resolves the request's language and answers in it, with `Content-Language` saying which.
/// Runs twice: outside authentication (so that its refusals are in the reader's language
/// too) and inside it, where the account's choice is known.
pub async fn answer_in_language(mut request: Request, next: Next) -> Response {
    let locale = resolve(&request);
    request.extensions_mut().insert(locale);
    let mut response = lang::serve_in(locale, next.run(request)).await;
    response.headers_mut().insert(
        header::CONTENT_LANGUAGE,
        HeaderValue::from_static(lang::code(locale)),
    );
    response
}

fn resolve(request: &Request) -> Locale {
    let path = request.uri().path();
    let headers = request.headers();
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(lang::from_accept_language);
    // The API's browsable page is for people, and follows their choice like any page.
    let machine = path.starts_with("/api/") && !path.starts_with("/api/v1/docs");
    if machine {
        return lang::negotiate(None, None, accept);
    }
    let saved = request
        .extensions()
        .get::<Caller>()
        .and_then(|caller| caller.account.language);
    let cookie = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(lang::from_cookie_header);
    lang::negotiate(saved, cookie, accept)
}
