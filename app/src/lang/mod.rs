//! The two official languages: which one a request is served in, and the one the code is
//! running in now. The sentences themselves are in the catalogue (`locales/`, compiled into
//! `crate::i18n`); `format` writes dates, times, numbers and durations the way each language
//! writes them.
//!
//! A page is rendered in the language its request was resolved to (the account's saved
//! choice, then the `lang` cookie, then `Accept-Language`; the JSON API reads only
//! `Accept-Language`). Code that builds a sentence outside a view (a refusal, a server
//! function's error) asks `current()`: on the server, the language of the request being
//! served; in the browser, the language the page is shown in.

pub mod format;

pub use crate::i18n::Locale;

/// The cookie that keeps a browser's choice between visits.
pub const COOKIE: &str = "lang";

/// The language's code as `<html lang>`, the cookie and the account store it.
pub fn code(locale: Locale) -> &'static str {
    match locale {
        Locale::en => "en",
        Locale::fr => "fr",
    }
}

/// A language named by its code (`fr`, `fr-CA`, `en-GB` …), if it is one of ours.
pub fn parse(text: &str) -> Option<Locale> {
    let primary = text.trim().split(['-', '_']).next()?.to_ascii_lowercase();
    match primary.as_str() {
        "en" => Some(Locale::en),
        "fr" => Some(Locale::fr),
        _ => None,
    }
}

/// Whether a count takes the singular: 1 in English; 0 and 1 in French. (The catalogue
/// writes the two forms as `…_single` / `…_several` keys and the code chooses with this.)
pub fn singular(locale: Locale, n: u64) -> bool {
    match locale {
        Locale::en => n == 1,
        Locale::fr => n <= 1,
    }
}

/// The sentence of a count in `locale`: the `…_single` key's or the `…_several` key's, as
/// [`singular`] chooses, with the same values. `counted!(l, n, cli.tokens_revoked_single |
/// cli.tokens_revoked_several, count = n)`.
#[macro_export]
macro_rules! counted {
    ($locale:expr, $n:expr, $($single:ident).+ | $($several:ident).+ $(, $k:ident = $v:expr)* $(,)?) => {{
        let locale = $locale;
        if $crate::lang::singular(locale, ($n) as u64) {
            $crate::i18n::td_string!(locale, $($single).+ $(, $k = $v)*).to_string()
        } else {
            $crate::i18n::td_string!(locale, $($several).+ $(, $k = $v)*).to_string()
        }
    }};
}

/// The other official language: what the header's toggle offers.
pub fn other(locale: Locale) -> Locale {
    match locale {
        Locale::en => Locale::fr,
        Locale::fr => Locale::en,
    }
}

/// The best of our languages in an `Accept-Language` header, by its q-values (the first
/// listed wins a tie); `None` when it names neither.
pub fn from_accept_language(header: &str) -> Option<Locale> {
    let mut best: Option<(Locale, f32)> = None;
    for item in header.split(',').take(32) {
        let mut parts = item.split(';');
        let Some(locale) = parts.next().and_then(parse) else {
            continue;
        };
        let q = parts
            .find_map(|p| p.trim().strip_prefix("q="))
            .and_then(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        if q > 0.0 && best.is_none_or(|(_, b)| q > b) {
            best = Some((locale, q));
        }
    }
    best.map(|(locale, _)| locale)
}

/// The `lang` cookie's language in a `Cookie` header.
pub fn from_cookie_header(header: &str) -> Option<Locale> {
    header.split(';').find_map(|pair| {
        let (name, value) = pair.split_once('=')?;
        (name.trim() == COOKIE).then(|| parse(value)).flatten()
    })
}

/// The language to serve: the account's saved choice, else the cookie's, else the browser's,
/// else English.
pub fn negotiate(
    saved: Option<Locale>,
    cookie: Option<Locale>,
    accept_language: Option<Locale>,
) -> Locale {
    saved.or(cookie).or(accept_language).unwrap_or_default()
}

#[cfg(feature = "ssr")]
tokio::task_local! {
    static SERVING: Locale;
}

/// Runs `work` (a request's handling) in `locale`: everything it says is in that language.
#[cfg(feature = "ssr")]
pub async fn serve_in<F: std::future::Future>(locale: Locale, work: F) -> F::Output {
    SERVING.scope(locale, work).await
}

#[cfg(not(feature = "ssr"))]
static SHOWN: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(0);

/// Records the language the page is shown in (the browser's side of `current`).
pub fn set_shown(locale: Locale) {
    #[cfg(not(feature = "ssr"))]
    SHOWN.store(
        match locale {
            Locale::en => 0,
            Locale::fr => 1,
        },
        std::sync::atomic::Ordering::Relaxed,
    );
    #[cfg(feature = "ssr")]
    let _ = locale;
}

/// The language being spoken now: the request's on the server (English outside any request,
/// as for the command line unless it chose), the page's in the browser.
pub fn current() -> Locale {
    #[cfg(feature = "ssr")]
    {
        if let Ok(locale) = SERVING.try_with(|l| *l) {
            return locale;
        }
        // Rendering a page may run in tasks of its own; the page's context still knows.
        leptos::prelude::use_context::<Locale>().unwrap_or_else(command_line)
    }
    #[cfg(not(feature = "ssr"))]
    {
        match SHOWN.load(std::sync::atomic::Ordering::Relaxed) {
            1 => Locale::fr,
            _ => Locale::en,
        }
    }
}

/// The command line's language: `LC_ALL`, `LC_MESSAGES` or `LANG` (`fr_CA.UTF-8` → French).
#[cfg(feature = "ssr")]
pub fn command_line() -> Locale {
    ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|name| std::env::var(name).ok())
        .find(|v| !v.is_empty())
        .and_then(|v| parse(&v))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_the_highest_quality_of_ours() {
        assert_eq!(
            from_accept_language("fr-CA,fr;q=0.9,en;q=0.8"),
            Some(Locale::fr)
        );
        assert_eq!(
            from_accept_language("de-DE, en;q=0.5, fr;q=0.7"),
            Some(Locale::fr)
        );
        assert_eq!(
            from_accept_language("en-US,en;q=0.9,fr;q=0.8"),
            Some(Locale::en)
        );
        assert_eq!(from_accept_language("fr;q=0, en;q=0.1"), Some(Locale::en));
        assert_eq!(from_accept_language("de, es"), None);
        assert_eq!(from_accept_language(""), None);
    }

    #[test]
    fn the_cookie_is_read_among_others() {
        assert_eq!(
            from_cookie_header("__Host-id=abc; lang=fr; x=1"),
            Some(Locale::fr)
        );
        assert_eq!(from_cookie_header("language=fr"), None);
        assert_eq!(from_cookie_header("lang=de"), None);
    }

    #[test]
    fn the_saved_choice_comes_first_then_the_cookie_then_the_browser() {
        use Locale::{en, fr};
        assert_eq!(negotiate(Some(en), Some(fr), Some(fr)), en);
        assert_eq!(negotiate(None, Some(fr), Some(en)), fr);
        assert_eq!(negotiate(None, None, Some(fr)), fr);
        assert_eq!(negotiate(None, None, None), en);
    }
}
