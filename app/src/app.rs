//! The document shell, the header and the routes of the board.

use crate::auth::page::{UserBox, use_me};
use crate::auth::preferences::{LanguageToggle, follow_locale, initial_locale};
use crate::board::announce::LiveAnnouncer;
use crate::components::clock::{HeaderClock, provide_clock};
use crate::domain::Action;
use crate::i18n::{I18nSubContextProvider, t, t_string, td_string, use_i18n};
use crate::lang;
use crate::live::client::{LiveIndicator, StaleNotice, provide_live, use_live};
use crate::pages;
use crate::replay::banner::ReplayBanner;
use crate::sim::SimBadge;
use crate::wall::page::NotOnWall;
use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::{
    SsrMode,
    components::{A, Route, Router, Routes},
    path,
};

/// The HTML document the server renders around the application.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    // Where the journal stood before this page read its data: the browser follows the live
    // stream from here, so that nothing committed while the page loads is missed. Only for a
    // signed-in caller: the sign-in page tells nobody how long the journal is.
    #[cfg(feature = "ssr")]
    let position = crate::auth::server::current()
        .ok()
        .and_then(|_| crate::state::app_state().ok())
        .map(|state| state.live.latest().to_string());
    #[cfg(not(feature = "ssr"))]
    let position: Option<String> = None;
    // The colours the signed-in person chose (the device's when they chose none).
    #[cfg(feature = "ssr")]
    let theme = crate::auth::server::current()
        .map(|caller| caller.account.theme)
        .unwrap_or_default();
    #[cfg(not(feature = "ssr"))]
    let theme = crate::domain::Theme::Auto;
    view! {
        <!DOCTYPE html>
        <html lang=lang::code(lang::current()) data-theme=theme.code()>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="dark light" />
                <meta name="journal-position" content=position />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <I18nSubContextProvider initial_locale=Signal::stored(initial_locale())>
            <Board />
        </I18nSubContextProvider>
    }
}

#[component]
fn Board() -> impl IntoView {
    let i18n = use_i18n();
    follow_locale(i18n);
    // After a change of language: the page's scroll position and typed values, put back.
    Effect::new(|_| crate::auth::preferences::carry::restore());
    provide_clock();
    provide_live();
    crate::replay::rpc::provide_reads();
    let live = use_live();
    let me = use_me();
    // The title follows the language shown. The server may write the document's title after
    // the page's reactive values are gone (a load the browser gave up on): it then asks the
    // request's language instead of reading a value that no longer exists.
    let shown = Memo::new(move |_| i18n.get_locale());
    view! {
        <Stylesheet id="leptos" href="/pkg/border-ops.css" />
        <Title formatter=move |page: String| {
            let locale = shown.try_get().unwrap_or_else(lang::current);
            if page.is_empty() {
                td_string!(locale, common.product).to_string()
            } else {
                td_string!(locale, common.title_suffix, page = page).to_string()
            }
        } />
        <Router>
            // The wall screen has no controls: no header.
            <NotOnWall>
                <header class="topbar">
                    <a class="brand" href="/">
                        <span class="brand-mark" aria-hidden="true">
                            {t!(i18n, common.product_short)}
                        </span>
                        <span>{t!(i18n, common.product)}</span>
                    </a>
                    <Suspense>
                        {move || Suspend::new(async move {
                            me.await
                                .ok()
                                .flatten()
                                .map(|me| {
                                    view! {
                                        <nav aria-label=move || t_string!(i18n, common.nav_label)>
                                            <A href="/" exact=true>
                                                {t!(i18n, common.nav_overview)}
                                            </A>
                                            <A href="/holds">{t!(i18n, common.nav_holds)}</A>
                                            <A href="/inspections">
                                                {t!(i18n, common.nav_inspections)}
                                            </A>
                                            {me
                                                .may(Action::ManageRules, None)
                                                .then(|| {
                                                    view! {
                                                        <A href="/targeting">{t!(i18n, common.nav_targeting)}</A>
                                                    }
                                                })}
                                            {me
                                                .may(Action::DeclareShipments, None)
                                                .then(|| {
                                                    view! {
                                                        <A href="/import">{t!(i18n, common.nav_manifests)}</A>
                                                    }
                                                })}
                                            {me
                                                .may(Action::ShareSeizures, None)
                                                .then(|| {
                                                    view! {
                                                        <A href="/seizures/reports">
                                                            {t!(i18n, common.nav_seizures)}
                                                        </A>
                                                    }
                                                })}
                                        </nav>
                                    }
                                })
                        })}
                    </Suspense>
                    <LiveIndicator />
                    <HeaderClock />
                    <SimBadge />
                    <LanguageToggle />
                    <Suspense>
                        {move || Suspend::new(async move {
                            me.await.ok().flatten().map(|me| view! { <UserBox me /> })
                        })}
                    </Suspense>
                </header>
            </NotOnWall>
            <NotOnWall>
                <LiveAnnouncer />
            </NotOnWall>
            <main id="main" class:stale=move || live.connection.get().is_stale()>
                <ReplayBanner />
                <NotOnWall>
                    <StaleNotice />
                </NotOnWall>
                // Async rendering waits for the data before the first byte, so a page's HTTP
                // status (404 for an unknown shipment, 422 for a bad filter) is the real one
                // and the wall screen never paints a half-loaded board.
                <Routes fallback=|| view! { <NotFound /> }>
                    <Route path=path!("/") view=pages::Overview::route() ssr=SsrMode::Async />
                    <Route path=path!("/holds") view=pages::Holds::route() ssr=SsrMode::Async />
                    <Route
                        path=path!("/inspections")
                        view=pages::Inspections::route()
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/ports/:code")
                        view=pages::Port::route()
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/shipments/:id")
                        view=pages::Shipment::route()
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("/signin") view=pages::SignIn::route() ssr=SsrMode::Async />
                    <Route path=path!("/account") view=pages::Account::route() ssr=SsrMode::Async />
                    <Route
                        path=path!("/account/sessions")
                        view=pages::Sessions::route()
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/admin/accounts")
                        view=pages::Accounts::route()
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/handover")
                        view=pages::Handover::route()
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/targeting")
                        view=pages::Targeting::route()
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("/import") view=pages::Import::route() ssr=SsrMode::Async />
                    <Route
                        path=path!("/seizures/reports")
                        view=pages::SeizureReports::route()
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/rights")
                        view=pages::RightsRequests::route()
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/detentions/:id/notice")
                        view=pages::DetentionNotice::route()
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("/wall") view=pages::Wall::route() ssr=SsrMode::Async />
                    <Route path=path!("/map") view=pages::Map::route() ssr=SsrMode::Async />
                    <Route path=path!("/trends") view=pages::Trends::route() ssr=SsrMode::Async />
                </Routes>
            </main>
        </Router>
    }
}

#[component]
fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(axum::http::StatusCode::NOT_FOUND);
        }
    }
    let i18n = use_i18n();
    view! {
        <Title text=move || t_string!(i18n, common.not_found_title) />
        <section class="panel">
            <h1>{t!(i18n, common.not_found_heading)}</h1>
            <p>
                {t!(i18n, common.not_found_text)} " "
                <a href="/">{t!(i18n, common.back_to_overview)}</a>
            </p>
        </section>
    }
}
