//! The colours of the board on "Your account": automatic (the device's setting), light or
//! dark, saved with the account. Without JavaScript the form posts and the page comes back in
//! the chosen colours; once the page is live the choice applies at once.

use super::preferences::ChooseTheme;
use crate::components::common::ErrorNotice;
use crate::domain::Theme;
use crate::i18n::{t, use_i18n};
use leptos::form::ActionForm;
use leptos::prelude::*;

/// The theme the page was rendered with: the account's on the server, `<html data-theme>`
/// (which the server wrote) in the browser, so that hydration starts from the same choice.
fn rendered_theme() -> Theme {
    #[cfg(feature = "ssr")]
    {
        crate::auth::server::current()
            .map(|caller| caller.account.theme)
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        shown_theme().unwrap_or_default()
    }
}

#[cfg(not(feature = "ssr"))]
fn shown_theme() -> Option<Theme> {
    #[cfg(feature = "hydrate")]
    {
        web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
            .and_then(|html| html.get_attribute("data-theme"))
            .and_then(|code| Theme::parse(&code))
    }
    #[cfg(not(feature = "hydrate"))]
    {
        None
    }
}

/// Puts `theme` on `<html data-theme>`, which the stylesheet's palettes follow.
fn show_theme(theme: Theme) {
    #[cfg(feature = "hydrate")]
    if let Some(html) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = html.set_attribute("data-theme", theme.code());
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = theme;
}

#[component]
pub fn ThemeChoice() -> impl IntoView {
    let i18n = use_i18n();
    let choose = ServerAction::<ChooseTheme>::new();
    let rendered = rendered_theme();
    Effect::new(move |_| {
        if let Some(Ok(theme)) = choose.value().get() {
            show_theme(theme);
        }
    });
    let option = move |theme: Theme| {
        let label = match theme {
            Theme::Auto => t!(i18n, a11y.theme_auto).into_any(),
            Theme::Light => t!(i18n, a11y.theme_light).into_any(),
            Theme::Dark => t!(i18n, a11y.theme_dark).into_any(),
        };
        view! {
            <label class="choice">
                <input type="radio" name="theme" value=theme.code() checked=theme == rendered />
                {label}
            </label>
        }
    };
    view! {
        <section class="panel theme-panel" aria-labelledby="theme-title">
            <h2 id="theme-title">{t!(i18n, a11y.theme_title)}</h2>
            <ActionForm action=choose attr:class="theme-form">
                <fieldset>
                    <legend>{t!(i18n, a11y.theme_legend)}</legend>
                    <p class="hint">{t!(i18n, a11y.theme_text)}</p>
                    {Theme::ALL.into_iter().map(option).collect_view()}
                </fieldset>
                <button type="submit" class="primary" disabled=move || choose.pending().get()>
                    {t!(i18n, a11y.theme_save)}
                </button>
            </ActionForm>
            <div role="status" aria-live="polite">
                {move || {
                    matches!(choose.value().get(), Some(Ok(_)))
                        .then(|| view! { <p class="notice">{t!(i18n, a11y.theme_saved)}</p> })
                }}
            </div>
            {move || match choose.value().get() {
                Some(Err(error)) => Some(view! { <ErrorNotice error /> }),
                _ => None,
            }}
        </section>
    }
}
