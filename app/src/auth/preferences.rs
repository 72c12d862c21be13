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
pub async fn choose_language(
    language: String,
    /// The page to go back to after a plain form post (an address on this site).
    #[server(default)]
    next: String,
) -> Result<Locale, AppError> {
    let locale = lang::parse(&language)
        .filter(|_| language.len() <= 8)
        .ok_or_else(|| {
            AppError::invalid(
                "language",
                crate::i18n::td_string!(lang::current(), common.language_unknown).to_string(),
            )
        })?;
    server::choose_language(locale, &next).await?;
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

    pub async fn choose_language(locale: Locale, next: &str) -> Result<(), AppError> {
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
            // A plain form post (no JavaScript) goes back to the page it came from, now in
            // the chosen language; only to an address on this site.
            let plain_form = leptos::prelude::use_context::<axum::http::request::Parts>()
                .and_then(|parts| parts.headers.get(header::ACCEPT).cloned())
                .and_then(|accept| accept.to_str().ok().map(|a| a.contains("text/html")))
                .unwrap_or(false);
            let local = next.starts_with('/') && !next.starts_with("//") && !next.contains('\\');
            if plain_form
                && let Ok(location) = HeaderValue::from_str(if local { next } else { "/" })
            {
                response.insert_header(header::LOCATION, location);
                response.set_status(axum::http::StatusCode::SEE_OTHER);
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

/// "Français" / "English", as on Canada.ca: shows the page in the other official language.
/// The choice is saved (cookie, and the account when signed in), then the page is rendered
/// again by the server in that language, so that everything on it, the sentences the server
/// built included, speaks one language; its address (filters), scroll position and whatever was
/// typed into its forms are carried across. Without JavaScript it is a form that posts the
/// choice and comes back to the page.
#[component]
pub fn LanguageToggle() -> impl IntoView {
    let i18n = use_i18n();
    let choose = ServerAction::<ChooseLanguage>::new();
    Effect::new(move |_| {
        if let Some(Ok(_)) = choose.value().get() {
            carry::reload_keeping_page();
        }
    });
    let other = move || lang::code(lang::other(i18n.get_locale()));
    let location = leptos_router::hooks::use_location();
    let here = move || {
        let search = location.search.get();
        let search = search.trim_start_matches('?');
        if search.is_empty() {
            location.pathname.get()
        } else {
            format!("{}?{search}", location.pathname.get())
        }
    };
    view! {
        <ActionForm action=choose attr:class="language-toggle">
            <input type="hidden" name="language" value=other />
            <input type="hidden" name="next" value=here />
            <button type="submit" lang=other>
                {move || t_string!(i18n, common.language_toggle)}
            </button>
        </ActionForm>
    }
}

/// What survives the reload that changes the language: the scroll position and the values
/// typed into the page's forms, kept in the tab's session storage for the same address only.
pub mod carry {
    #[cfg(feature = "hydrate")]
    const KEY: &str = "boc-carry";

    /// Saves the page's state and reloads it.
    pub fn reload_keeping_page() {
        #[cfg(feature = "hydrate")]
        {
            let Some(window) = web_sys::window() else {
                return;
            };
            if let Some(state) = collect(&window)
                && let Ok(Some(storage)) = window.session_storage()
            {
                let _ = storage.set_item(KEY, &state.to_string());
            }
            let _ = window.location().reload();
        }
    }

    /// Puts back what `reload_keeping_page` saved, if it was saved for this address; only the
    /// fields whose value differs from the fresh page are set (and announced to the page as
    /// input, so that its forms know they were filled in).
    pub fn restore() {
        #[cfg(feature = "hydrate")]
        {
            let Some(window) = web_sys::window() else {
                return;
            };
            let Ok(Some(storage)) = window.session_storage() else {
                return;
            };
            let Ok(Some(saved)) = storage.get_item(KEY) else {
                return;
            };
            let _ = storage.remove_item(KEY);
            let Ok(state) = serde_json::from_str::<serde_json::Value>(&saved) else {
                return;
            };
            if state["address"].as_str() != Some(address(&window).as_str()) {
                return;
            }
            put_back_fields(&window, &state["fields"]);
            if let Some(y) = state["scroll"].as_f64() {
                window.scroll_to_with_x_and_y(0.0, y);
            }
        }
    }

    #[cfg(feature = "hydrate")]
    fn address(window: &web_sys::Window) -> String {
        let location = window.location();
        format!(
            "{}{}",
            location.pathname().unwrap_or_default(),
            location.search().unwrap_or_default()
        )
    }

    #[cfg(feature = "hydrate")]
    fn fields(window: &web_sys::Window) -> Vec<web_sys::Element> {
        let Some(list) = window.document().and_then(|d| {
            d.query_selector_all("form input, form select, form textarea")
                .ok()
        }) else {
            return Vec::new();
        };
        (0..list.length())
            .filter_map(|i| list.item(i))
            .filter_map(|node| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(node).ok())
            .collect()
    }

    #[cfg(feature = "hydrate")]
    fn collect(window: &web_sys::Window) -> Option<serde_json::Value> {
        use wasm_bindgen::JsCast;
        let mut saved = Vec::new();
        for (index, element) in fields(window).into_iter().enumerate() {
            let name = element.get_attribute("name").unwrap_or_default();
            if let Some(input) = element.dyn_ref::<web_sys::HtmlInputElement>() {
                match input.type_().as_str() {
                    "hidden" | "password" | "file" | "submit" | "button" => {}
                    "checkbox" | "radio" => saved.push(serde_json::json!({
                        "index": index, "name": name, "checked": input.checked()
                    })),
                    _ => saved.push(serde_json::json!({
                        "index": index, "name": name, "value": input.value()
                    })),
                }
            } else if let Some(select) = element.dyn_ref::<web_sys::HtmlSelectElement>() {
                saved.push(serde_json::json!({
                    "index": index, "name": name, "value": select.value()
                }));
            } else if let Some(area) = element.dyn_ref::<web_sys::HtmlTextAreaElement>() {
                saved.push(serde_json::json!({
                    "index": index, "name": name, "value": area.value()
                }));
            }
        }
        Some(serde_json::json!({
            "address": address(window),
            "scroll": window.scroll_y().unwrap_or(0.0),
            "fields": saved,
        }))
    }

    #[cfg(feature = "hydrate")]
    fn put_back_fields(window: &web_sys::Window, saved: &serde_json::Value) {
        use wasm_bindgen::JsCast;
        let elements = fields(window);
        for field in saved.as_array().into_iter().flatten() {
            let Some(element) = field["index"]
                .as_u64()
                .and_then(|i| elements.get(i as usize))
            else {
                continue;
            };
            if element.get_attribute("name").unwrap_or_default()
                != field["name"].as_str().unwrap_or("")
            {
                continue;
            }
            let changed = if let Some(input) = element.dyn_ref::<web_sys::HtmlInputElement>() {
                if let Some(checked) = field["checked"].as_bool() {
                    let differs = input.checked() != checked;
                    input.set_checked(checked);
                    differs
                } else {
                    let value = field["value"].as_str().unwrap_or_default();
                    let differs = input.value() != value;
                    input.set_value(value);
                    differs
                }
            } else if let Some(select) = element.dyn_ref::<web_sys::HtmlSelectElement>() {
                let value = field["value"].as_str().unwrap_or_default();
                let differs = select.value() != value;
                select.set_value(value);
                differs
            } else if let Some(area) = element.dyn_ref::<web_sys::HtmlTextAreaElement>() {
                let value = field["value"].as_str().unwrap_or_default();
                let differs = area.value() != value;
                area.set_value(value);
                differs
            } else {
                false
            };
            if changed {
                for kind in ["input", "change"] {
                    if let Ok(event) = web_sys::Event::new_with_event_init_dict(kind, &{
                        let init = web_sys::EventInit::new();
                        init.set_bubbles(true);
                        init
                    }) {
                        let _ = element.dispatch_event(&event);
                    }
                }
            }
        }
    }
}
