//! `/signin`, the signed-in account in the header, `/account/sessions` and `/account`.

use super::password::ChangePassword;
use super::theme::ThemeChoice;
use super::{
    DemoSignIn, EndSession, SignIn, SignOut, demo_personas, my_sessions, safe_next, whoami,
};
use crate::accounts::{MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS};
use crate::components::common::{ErrorNotice, Loaded, LocalTime, changed_by};
use crate::components::forms::InputField;
use crate::components::me::MeResource;
use crate::components::table::{ColumnHeads, RecordTable};
use crate::domain::{Action, Me};
use crate::error::AppError;
use crate::i18n::td_string;
use crate::lang;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use std::sync::LazyLock;

/// Loads `path` in full, so that every part of the screen starts again as the new account.
fn load_page(path: &str) {
    #[cfg(feature = "hydrate")]
    {
        let _ = window().location().assign(path);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = path;
}

/// The failure of a form, under it, or nothing.
fn failure<T, S>(value: S) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    S: Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
{
    move || match value.get() {
        Some(Err(error)) => Some(view! { <ErrorNotice error /> }),
        _ => None,
    }
}

#[component]
pub fn SignInPage() -> impl IntoView {
    let query = use_query_map();
    let next = move || safe_next(&query.read().get("next").unwrap_or_default());
    let sign_in = ServerAction::<SignIn>::new();
    let demo = ServerAction::<DemoSignIn>::new();
    let personas = Resource::new(|| (), |_| demo_personas());
    Effect::new(move |_| {
        if matches!(sign_in.value().get(), Some(Ok(())))
            || matches!(demo.value().get(), Some(Ok(())))
        {
            load_page(&next());
        }
    });
    let busy = move || sign_in.pending().get() || demo.pending().get();
    view! {
        <Title text=td_string!(lang::current(), auth.sign_in) />
        <div class="signin">
            <section class="panel signin-panel" aria-labelledby="signin-title">
                <h1 id="signin-title">{td_string!(lang::current(), auth.sign_in)}</h1>
                <p class="lede">{td_string!(lang::current(), auth.signin_lede)}</p>
                <ActionForm action=sign_in attr:class="signin-form">
                    <label>
                        {td_string!(lang::current(), auth.username)}
                        <input
                            name="username"
                            autocomplete="username"
                            autocapitalize="none"
                            spellcheck="false"
                            required
                        />
                    </label>
                    <label>
                        {td_string!(lang::current(), auth.password)}
                        <input
                            type="password"
                            name="password"
                            autocomplete="current-password"
                            required
                        />
                    </label>
                    <button type="submit" class="primary" disabled=busy>
                        {move || {
                            if sign_in.pending().get() {
                                td_string!(lang::current(), auth.signing_in)
                            } else {
                                td_string!(lang::current(), auth.sign_in)
                            }
                        }}
                    </button>
                </ActionForm>
                {failure(sign_in.value())}
            </section>
            <Suspense>
                {move || Suspend::new(async move {
                    let personas = personas.await.unwrap_or_default();
                    (!personas.is_empty())
                        .then(|| {
                            view! {
                                <section class="panel demo-personas" aria-labelledby="demo-title">
                                    <p class="demo-banner" role="note">
                                        <strong>{td_string!(lang::current(), auth.demo)}</strong>
                                        " "
                                        {td_string!(lang::current(), auth.demo_banner)}
                                    </p>
                                    <h2 id="demo-title">
                                        {td_string!(lang::current(), auth.sign_in_as)}
                                    </h2>
                                    <ul class="personas">
                                        {personas
                                            .into_iter()
                                            .map(|p| {
                                                view! {
                                                    <li>
                                                        <ActionForm action=demo>
                                                            <input
                                                                type="hidden"
                                                                name="username"
                                                                value=p.username.clone()
                                                            />
                                                            <button type="submit" class="persona" disabled=busy>
                                                                <strong>{p.display_name}</strong>
                                                                <span>{format!("{} · {}", p.role.label(), p.ports)}</span>
                                                            </button>
                                                        </ActionForm>
                                                    </li>
                                                }
                                            })
                                            .collect_view()}
                                    </ul>
                                    {failure(demo.value())}
                                </section>
                            }
                        })
                })}
            </Suspense>
        </div>
    }
}

/// The signed-in account in the header, with its sessions and a sign-out button.
#[component]
pub fn UserBox(me: Me) -> impl IntoView {
    let sign_out = ServerAction::<SignOut>::new();
    Effect::new(move |_| {
        if sign_out.value().get().is_some() {
            load_page("/signin");
        }
    });
    let scope = me.ports.to_string();
    let i18n = crate::i18n::use_i18n();
    // The account's own pages and the secondary links, folded under the name: a disclosure
    // that works without JavaScript; once live, it folds again on a choice or on Escape.
    let menu = NodeRef::<leptos::html::Details>::new();
    let fold = move |focus_summary: bool| {
        if let Some(details) = menu.get() {
            details.set_open(false);
            #[cfg(feature = "hydrate")]
            if focus_summary
                && let Some(summary) = details.first_element_child()
                && let Ok(summary) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(summary)
            {
                let _ = summary.focus();
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = focus_summary;
    };
    view! {
        <div class="userbox">
            <details
                class="usermenu"
                node_ref=menu
                on:keydown=move |ev| {
                    if ev.key() == "Escape" {
                        fold(true);
                    }
                }
            >
                <summary>
                    <span class="who">
                        <strong>{me.display_name.clone()}</strong>
                        <span class="role">{format!("{} · {scope}", me.role.label())}</span>
                    </span>
                </summary>
                <nav
                    class="menu"
                    aria-label=move || crate::i18n::t_string!(i18n, a11y.account_menu)
                    on:click=move |_| fold(false)
                >
                    <a href="/account">{td_string!(lang::current(), auth.nav_account)}</a>
                    <a href="/account/sessions">{td_string!(lang::current(), auth.nav_sessions)}</a>
                    <AccountNav me=me.clone() />
                    <a href="/trends">{td_string!(lang::current(), trends.nav)}</a>
                    // Served by the server, not the board's router: a full page load.
                    <a
                        href="/api/v1/docs/"
                        rel="external"
                        title=td_string!(lang::current(), auth.nav_api_title)
                    >
                        {td_string!(lang::current(), auth.nav_api)}
                    </a>
                </nav>
            </details>
            <ActionForm action=sign_out>
                <button
                    type="submit"
                    class="link"
                    on:click=move |_| crate::live::client::signing_out()
                >
                    {td_string!(lang::current(), auth.sign_out)}
                </button>
            </ActionForm>
        </div>
    }
}

/// The links of the header that this account may follow.
#[component]
pub fn AccountNav(me: Me) -> impl IntoView {
    view! {
        {me
            .role
            .may(Action::HandOverShift)
            .then(|| {
                let port = match &me.ports {
                    crate::domain::PortScope::Only(codes) => {
                        codes.first().cloned().unwrap_or_default()
                    }
                    crate::domain::PortScope::All => String::new(),
                };
                view! {
                    <a href=format!(
                        "/handover?port={port}",
                    )>{td_string!(lang::current(), auth.nav_handover)}</a>
                }
            })}
        {me
            .may(Action::ManageAccounts, None)
            .then(|| {
                view! {
                    <a href="/admin/accounts">{td_string!(lang::current(), auth.nav_accounts)}</a>
                }
            })}
    }
}

/// Loads the account signed in, once per page load, and shares it with every page.
pub fn use_me() -> Resource<Result<Option<Me>, AppError>> {
    let me = Resource::new(|| (), |_| whoami());
    provide_context(MeResource(me));
    me
}

#[component]
pub fn SessionsPage() -> impl IntoView {
    let end = ServerAction::<EndSession>::new();
    let ended = changed_by(end.version(), end.value());
    let sessions = Resource::new(move || ended.get(), |_| my_sessions());
    Effect::new(move |_| {
        // Ending the session in use is signing out.
        if matches!(end.value().get(), Some(Ok(true))) {
            load_page("/signin");
        }
    });
    view! {
        <Title text=td_string!(lang::current(), auth.sessions_title) />
        <div class="page-head">
            <h1>{td_string!(lang::current(), auth.sessions_title)}</h1>
            <p class="lede">
                {td_string!(lang::current(), auth.sessions_lede_before)} " "
                <a href="/account">{td_string!(lang::current(), auth.account_title)}</a>
                {td_string!(lang::current(), auth.sessions_lede_after)}
            </p>
        </div>
        {failure(end.value())}
        <Loaded
            resource=sessions
            loading=td_string!(lang::current(), auth.sessions_loading)
            show=move |list| {
                view! {
                    <RecordTable
                        class="sessions"
                        heads=view! {
                            <ColumnHeads
                                names=session_heads()
                                actions=td_string!(lang::current(), auth.head_action)
                            />
                        }
                        records=list
                        row=move |s| {
                            view! {
                                <tr class:current=s.current>
                                    <td>
                                        <LocalTime at=s.signed_in_at zone="UTC".into() />
                                    </td>
                                    <td>
                                        <LocalTime at=s.last_seen_at zone="UTC".into() />
                                    </td>
                                    <td>{s.address.clone()}</td>
                                    <td class="agent">{s.user_agent.clone()}</td>
                                    <td>
                                        <ActionForm action=end>
                                            <input type="hidden" name="key" value=s.key.clone() />
                                            <button
                                                type="submit"
                                                on:click={
                                                    let current = s.current;
                                                    move |_| {
                                                        if current {
                                                            crate::live::client::signing_out();
                                                        }
                                                    }
                                                }
                                            >
                                                {if s.current {
                                                    td_string!(lang::current(), auth.end_current)
                                                } else {
                                                    td_string!(lang::current(), auth.end)
                                                }}
                                            </button>
                                        </ActionForm>
                                        {s
                                            .current
                                            .then(|| {
                                                view! {
                                                    <span class="this">
                                                        {td_string!(lang::current(), auth.this_browser)}
                                                    </span>
                                                }
                                            })}
                                    </td>
                                </tr>
                            }
                        }
                    />
                }
            }
        />
    }
}

/// The heads of the sessions table, in the language being spoken.
fn session_heads() -> &'static [&'static str] {
    fn names(l: lang::Locale) -> Vec<&'static str> {
        vec![
            td_string!(l, auth.head_signed_in),
            td_string!(l, auth.head_last_seen),
            td_string!(l, auth.head_from),
            td_string!(l, auth.head_browser),
        ]
    }
    static HEADS: LazyLock<[Vec<&'static str>; 2]> =
        LazyLock::new(|| [names(lang::Locale::en), names(lang::Locale::fr)]);
    match lang::current() {
        lang::Locale::en => &HEADS[0],
        lang::Locale::fr => &HEADS[1],
    }
}

/// The fields of the form, whose refusals are shown under them rather than under the form.
const FIELDS: [&str; 3] = ["current_password", "new_password", "new_password_again"];

#[component]
pub fn AccountPage() -> impl IntoView {
    let change = ServerAction::<ChangePassword>::new();
    let form = NodeRef::<leptos::html::Form>::new();
    let problem = Signal::derive(move || match change.value().get() {
        Some(Err(error)) => Some(error),
        _ => None,
    });
    // A refusal that is not about one of the fields (too many attempts, signed out, …).
    let other_problem = move || {
        problem.get().filter(
            |error| !matches!(error, AppError::Invalid { field, .. } if FIELDS.contains(&field.as_str())),
        )
    };
    Effect::new(move |_| {
        if matches!(change.value().get(), Some(Ok(_)))
            && let Some(form) = form.get()
        {
            form.reset();
        }
    });
    view! {
        <Title text=td_string!(lang::current(), auth.account_title) />
        <div class="page-head">
            <h1>{td_string!(lang::current(), auth.account_title)}</h1>
            <p class="lede">
                {td_string!(lang::current(), auth.account_lede_before)} " "
                <a href="/account/sessions">{td_string!(lang::current(), auth.sessions_title)}</a>
                " " {td_string!(lang::current(), auth.account_lede_after)}
            </p>
        </div>
        <section class="panel password-panel" aria-labelledby="password-title">
            <h2 id="password-title">{td_string!(lang::current(), auth.change_heading)}</h2>
            <p>{td_string!(lang::current(), auth.change_lede)}</p>
            <ActionForm action=change node_ref=form attr:class="password-form">
                <InputField
                    form="account"
                    name="current_password"
                    label=td_string!(lang::current(), auth.current_password)
                    kind="password"
                    autocomplete="current-password"
                    problem
                />
                <InputField
                    form="account"
                    name="new_password"
                    label=td_string!(lang::current(), auth.new_password)
                    kind="password"
                    autocomplete="new-password"
                    problem
                    hint=td_string!(lang::current(), auth.new_password_hint)
                />
                <InputField
                    form="account"
                    name="new_password_again"
                    label=td_string!(lang::current(), auth.new_password_again)
                    kind="password"
                    autocomplete="new-password"
                    problem
                />
                <label class="check">
                    <input type="checkbox" name="revoke_tokens" value="true" checked />
                    {td_string!(lang::current(), auth.revoke_tokens)}
                </label>
                <button type="submit" class="primary" disabled=move || change.pending().get()>
                    {move || {
                        if change.pending().get() {
                            td_string!(lang::current(), auth.changing)
                        } else {
                            td_string!(lang::current(), auth.change_password)
                        }
                    }}
                </button>
            </ActionForm>
            {move || other_problem().map(|error| view! { <ErrorNotice error /> })}
            <div role="status" aria-live="polite">
                {move || match change.value().get() {
                    Some(Ok(changed)) => Some(view! { <p class="notice">{changed.sentence()}</p> }),
                    _ => None,
                }}
            </div>
        </section>
        <ThemeChoice />
    }
}

// The hint under the new password (`auth.new_password_hint`) says what the rules are.
const _: () = assert!(MIN_PASSWORD_CHARS == 12 && MAX_PASSWORD_CHARS == 128);
