//! border-ops: the Leptos application. Pages and components render on the server and hydrate
//! in the browser; server functions reach the database through `AppState`; the domain types
//! are shared by both sides.

#![recursion_limit = "256"]

pub mod accounts;
pub mod admin;
pub mod app;
pub mod auth;
pub mod board;
pub mod components;
#[macro_use]
pub mod domain;
pub mod error;
pub mod export;
pub mod forecast;
pub mod holds;
pub mod inspections;
pub mod journal;
pub mod lang;
pub mod live;
pub mod map;
pub mod pages;
pub mod paging;
pub mod ports;
pub mod replay;
pub mod shipments;
pub mod sim;
pub mod targeting;
pub mod trends;
pub mod wall;

#[cfg(feature = "ssr")]
pub mod counters;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod demo;
/// The demo's sentences, shown in the reader's language on the server and in the browser
/// alike (the rest of the demo is the server's).
#[path = "demo/texts.rs"]
pub mod demo_texts;
#[cfg(feature = "ssr")]
pub mod sql;
#[cfg(feature = "ssr")]
pub mod state;

// The string catalogue of `locales/`, built by `build.rs`: `crate::i18n::{Locale, t!, td_string!, …}`.
include!(concat!(env!("OUT_DIR"), "/i18n/mod.rs"));

pub use app::{App, shell};
pub use error::AppError;
#[cfg(feature = "ssr")]
pub use error::ErrorBody;

/// Entry point of the WASM bundle: hydrates the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Speak the language the server rendered the page in from the first line hydrated.
    lang::set_shown(auth::preferences::initial_locale());
    // The page's own part of the bundle is loaded before hydrating (see `pages`).
    wasm_bindgen_futures::spawn_local(async {
        let body = leptos::prelude::document()
            .body()
            .expect("the page has a body");
        leptos::mount::hydrate_from_async(body, App).await.forget();
        // The live stream waits for the page to have hydrated (see `page_hydrated`).
        live::client::page_hydrated();
        let Some(window) = web_sys::window() else {
            return;
        };
        // Lets end-to-end tests (and anyone curious) know the page is interactive.
        let _ = js_sys::Reflect::set(&window, &"__bocHydrated".into(), &true.into());
        // The other pages' code, once the person has had this page a while: loading and
        // compiling it then does not compete with the page's first actions.
        let path = window.location().pathname().unwrap_or_default();
        if !pages::preloads_others(&path) {
            return;
        }
        leptos::prelude::set_timeout(
            move || {
                wasm_bindgen_futures::spawn_local(async move {
                    pages::preload_all().await;
                    let _ =
                        js_sys::Reflect::set(&window, &"__bocAllPagesLoaded".into(), &true.into());
                })
            },
            pages::PRELOAD_AFTER,
        );
    });
}
