//! A person's own choices, kept with their account: the language of the board and its colours.
//! The language is also kept in the `lang` cookie, so that the sign-in page and a browser
//! nobody is signed in on speak it too.

use crate::domain::Theme;
use crate::error::AppError;
use crate::i18n::{Locale, t_string, use_i18n};
use crate::lang;
use leptos::prelude::*;
use leptos_i18n::I18nContext;

/// Switches the board to `language` (`en` or `fr`): sets the cookie and, for a signed-in
/// person, saves it with their account. Without JavaScript the form posts here and the
/// browser is sent back to the page it was on.
#[server(prefix = "/rpc", endpoint = "choose_language")]
pub async fn choose_language(language: String) -> Result<Locale, AppError> {
    let locale = lang::parse(&language)
        .filter(|_| language.len() <= 8)
        .ok_or_else(|| {
            AppError::invalid(
                "language",
                crate::i18n::td_string!(lang::current(), common.language_unknown).to_string(),
            )
        })?;
    server::choose_language(locale).await?;
    Ok(locale)
}

/// Saves the colours a signed-in person chose (`auto`, `light` or `dark`).
#[server(prefix = "/rpc", endpoint = "choose_theme")]
pub async fn choose_theme(theme: String) -> Result<Theme, AppError> {
    let chosen = Theme::parse(&theme).ok_or_else(|| {
        AppError::invalid(
            "theme",
            crate::i18n::td_string!(lang::current(), common.theme_unknown).to_string(),
        )
    })?;
    server::choose_theme(chosen).await?;
    Ok(chosen)
}

#[cfg(feature = "ssr")]
mod server {
    use crate::accounts::db;
    use crate::auth::server::{current, require};
    use crate::domain::{Action, Theme};
    use crate::error::AppError;
    use crate::lang::{self, Locale};
    use axum::http::{HeaderValue, header};
    use chrono::Utc;

    pub async fn choose_language(locale: Locale) -> Result<(), AppError> {
        let state = crate::state::app_state()?;
        if let Ok(caller) = current()
            && caller.account.language != Some(locale)
        {
            db::set_language(&state.db.pool, &caller.account, Some(locale), Utc::now()).await?;
        }
        if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            // A year; readable by the page (it carries nothing secret); sent on every visit.
            let secure = if state.auth.secure_cookies {
                "; Secure"
            } else {
                ""
            };
            let cookie = format!(
                "{}={}; Path=/; Max-Age=31536000; SameSite=Lax{secure}",
                lang::COOKIE,
                lang::code(locale)
            );
            if let Ok(value) = HeaderValue::from_str(&cookie) {
                response.append_header(header::SET_COOKIE, value);
            }
        }
        Ok(())
    }

    pub async fn choose_theme(theme: Theme) -> Result<(), AppError> {
        let caller = require(Action::Read, None).await?;
        let state = crate::state::app_state()?;
        if caller.account.theme != theme {
            db::set_theme(&state.db.pool, &caller.account, theme, Utc::now()).await?;
        }
        Ok(())
    }
}

/// The language the page is shown in, as the server chose it: from the request on the server,
/// from `<html lang>` in the browser (which the server wrote), so that hydration starts in the
/// language of the first paint.
pub fn initial_locale() -> Locale {
    #[cfg(feature = "hydrate")]
    {
        web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
            .and_then(|html| html.get_attribute("lang"))
            .and_then(|code| lang::parse(&code))
            .unwrap_or_default()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        lang::current()
    }
}

/// Keeps `<html lang>` and `lang::current` in step with the language shown.
pub fn follow_locale(i18n: I18nContext<Locale>) {
    Effect::new(move |_| {
        let locale = i18n.get_locale();
        lang::set_shown(locale);
        #[cfg(feature = "hydrate")]
        if let Some(html) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = html.set_attribute("lang", lang::code(locale));
        }
    });
}

/// "Français" / "English", as on Canada.ca: shows the page in the other official language
/// without leaving it, keeping its filters, scroll position and anything typed into a form.
/// Without JavaScript it is a form that posts the choice and comes back to the page.
#[component]
pub fn LanguageToggle() -> impl IntoView {
    let i18n = use_i18n();
    let choose = ServerAction::<ChooseLanguage>::new();
    Effect::new(move |_| {
        if let Some(Ok(locale)) = choose.value().get() {
            i18n.set_locale(locale);
        }
    });
    let other = move || lang::code(lang::other(i18n.get_locale()));
    view! {
        <ActionForm action=choose attr:class="language-toggle">
            <input type="hidden" name="language" value=other />
            <button type="submit" lang=other>
                {move || t_string!(i18n, common.language_toggle)}
            </button>
        </ActionForm>
    }
}
