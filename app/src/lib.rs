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
pub mod detentions;
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
pub mod rights;
pub mod seizures;
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
    let links = LinksFollowedByTheBrowser::until_hydrated();
    // The page's own part of the bundle is loaded before hydrating (see `pages`).
    wasm_bindgen_futures::spawn_local(async move {
        let body = leptos::prelude::document()
            .body()
            .expect("the page has a body");
        leptos::mount::hydrate_from_async(body, App).await.forget();
        drop(links);
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

/// While the page hydrates, a link clicked is followed by the browser, as before the bundle
/// loaded. The router listens for clicks from the start of hydration, which waits for the
/// page's part of the bundle; a link it took over then was never followed (the page stayed
/// where it was, its menu closed: seen in 1 load of 12 clicked at once). Listening first, in the
/// capture phase, this keeps the click from the router; the browser's own navigation goes on.
/// Dropped once the page has hydrated, it stops listening.
#[cfg(feature = "hydrate")]
struct LinksFollowedByTheBrowser {
    listener: Option<wasm_bindgen::closure::Closure<dyn Fn(web_sys::Event)>>,
}

#[cfg(feature = "hydrate")]
impl LinksFollowedByTheBrowser {
    fn until_hydrated() -> Self {
        use wasm_bindgen::JsCast;
        let listener = wasm_bindgen::closure::Closure::<dyn Fn(web_sys::Event)>::new(
            |event: web_sys::Event| {
                let on_link = event
                    .target()
                    .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
                    .and_then(|element| element.closest("a[href]").ok().flatten())
                    .is_some();
                if on_link {
                    event.stop_immediate_propagation();
                }
            },
        );
        let listening = web_sys::window().is_some_and(|window| {
            window
                .add_event_listener_with_callback_and_bool(
                    "click",
                    listener.as_ref().unchecked_ref(),
                    true,
                )
                .is_ok()
        });
        LinksFollowedByTheBrowser {
            listener: listening.then_some(listener),
        }
    }
}

#[cfg(feature = "hydrate")]
impl Drop for LinksFollowedByTheBrowser {
    fn drop(&mut self) {
        use wasm_bindgen::JsCast;
        if let (Some(listener), Some(window)) = (self.listener.take(), web_sys::window()) {
            let _ = window.remove_event_listener_with_callback_and_bool(
                "click",
                listener.as_ref().unchecked_ref(),
                true,
            );
        }
    }
}
