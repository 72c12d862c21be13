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
    wall_first(path, request.uri().query())
        .unwrap_or_else(|| lang::negotiate(saved, cookie, accept))
}

/// A wall screen is set up once by its address (`/wall?lang=fr`) and signed in as an account
/// shared by screens in both languages: on `/wall` the address's `lang` comes before the
/// account's choice, the cookie and the browser.
fn wall_first(path: &str, query: Option<&str>) -> Option<Locale> {
    if path != "/wall" {
        return None;
    }
    query?.split('&').find_map(|pair| {
        let (name, value) = pair.split_once('=')?;
        (name == "lang").then(|| lang::parse(value)).flatten()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;

    fn request(uri: &str, cookie: Option<&str>, accept: Option<&str>) -> Request {
        let mut builder = Request::builder().uri(uri);
        if let Some(cookie) = cookie {
            builder = builder.header(header::COOKIE, cookie);
        }
        if let Some(accept) = accept {
            builder = builder.header(header::ACCEPT_LANGUAGE, accept);
        }
        builder.body(Body::empty()).expect("a request")
    }

    #[test]
    fn on_the_wall_the_address_comes_first_then_the_cookie_then_the_browser() {
        use Locale::{en, fr};
        let cases = [
            ("/wall?lang=fr", Some("lang=en"), Some("en"), fr),
            ("/wall?cycle=20&lang=en", Some("lang=fr"), Some("fr"), en),
            ("/wall?lang=de", Some("lang=fr"), Some("en"), fr),
            ("/wall", None, Some("fr-CA"), fr),
            ("/wall?lang=fr-CA", None, None, fr),
            // Elsewhere the address does not choose.
            ("/?lang=fr", Some("lang=en"), None, en),
            ("/holds?lang=fr", None, None, en),
            ("/api/v1/ports?lang=fr", None, Some("en"), en),
        ];
        for (uri, cookie, accept, expected) in cases {
            assert_eq!(resolve(&request(uri, cookie, accept)), expected, "{uri}");
        }
        // Before the account's saved choice as well (which `negotiate` puts before the rest).
        assert_eq!(wall_first("/wall", Some("lang=fr")), Some(fr));
        assert_eq!(wall_first("/walls", Some("lang=fr")), None);
    }
}
