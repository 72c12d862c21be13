//! `/admin/accounts`: administrators add accounts, reset passwords and disable accounts.
//! Passwords are generated and shown once, to be handed over in person. The people come
//! first; the accounts the demo's simulator acts as are folded away under their count. A
//! search by name or username narrows both (`?q=`, a plain form, filtered as typed once the
//! page has hydrated).

use super::{CreateAccount, DisableAccount, ResetPassword, list_accounts};
use crate::accounts::{Account, Issued};
use crate::components::common::{ErrorNotice, Loaded, LocalTime, changed_by};
use crate::components::table::{ColumnHeads, RecordTable};
use crate::domain::Role;
use crate::error::AppError;
use crate::i18n::{Locale, t, t_string, td_string, use_i18n};
use crate::lang;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use std::sync::LazyLock;

/// The accounts a search finds, people first (in the store's order) and the simulated
/// accounts apart.
pub fn people_and_simulated(accounts: Vec<Account>, q: &str) -> (Vec<Account>, Vec<Account>) {
    accounts
        .into_iter()
        .filter(|a| a.matches(q))
        .partition(|a| !a.is_simulated())
}

/// The heads of the accounts table, in the language being spoken.
fn heads() -> &'static [&'static str] {
    fn names(l: Locale) -> Vec<&'static str> {
        vec![
            td_string!(l, admin.head_username),
            td_string!(l, admin.head_name),
            td_string!(l, admin.head_badge),
            td_string!(l, admin.head_role),
            td_string!(l, admin.head_ports),
            td_string!(l, admin.head_since),
            td_string!(l, admin.head_status),
        ]
    }
    static HEADS: LazyLock<[Vec<&'static str>; 2]> =
        LazyLock::new(|| [names(Locale::en), names(Locale::fr)]);
    match lang::current() {
        Locale::en => &HEADS[0],
        Locale::fr => &HEADS[1],
    }
}

#[component]
pub fn AccountsPage() -> impl IntoView {
    let i18n = use_i18n();
    let create = ServerAction::<CreateAccount>::new();
    let disable = ServerAction::<DisableAccount>::new();
    let reset = ServerAction::<ResetPassword>::new();
    let (created, disabled, reset_done) = (
        changed_by(create.version(), create.value()),
        changed_by(disable.version(), disable.value()),
        changed_by(reset.version(), reset.value()),
    );
    let accounts = Resource::new(
        move || (created.get(), disabled.get(), reset_done.get()),
        |_| list_accounts(),
    );
    // The search: the address's `q` when the page is loaded, then what is typed.
    let query = use_query_map();
    let search = RwSignal::new(query.with_untracked(|q| q.get("q").unwrap_or_default()));
    Effect::new(move |_| search.set(query.with(|q| q.get("q").unwrap_or_default())));
    let table = move |list: Vec<Account>| {
        view! {
            <RecordTable
                class="accounts"
                heads=view! {
                    <ColumnHeads
                        names=heads()
                        actions=td_string!(lang::current(), admin.head_actions)
                    />
                }
                records=list
                row=move |a| view! { <AccountRow a reset disable /> }
            />
        }
    };
    view! {
        <Title text=move || t_string!(i18n, admin.title) />
        <div class="page-head">
            <h1>{t!(i18n, admin.title)}</h1>
            <p class="lede">{t!(i18n, admin.lede)}</p>
        </div>
        <IssuedPassword value=Signal::derive(move || create.value().get()) reset=false />
        <IssuedPassword value=Signal::derive(move || reset.value().get()) reset=true />
        {move || match disable.value().get() {
            Some(Err(error)) => Some(view! { <ErrorNotice error /> }.into_any()),
            Some(Ok(account)) => {
                Some(
                    view! {
                        <p class="notice" role="status">
                            {td_string!(
                                lang::current(), admin.disabled_notice, username = account.username
                            )
                                .to_string()}
                        </p>
                    }
                        .into_any(),
                )
            }
            None => None,
        }}
        <section class="panel" aria-labelledby="new-account">
            <h2 id="new-account">{t!(i18n, admin.add_heading)}</h2>
            <ActionForm action=create attr:class="filters account-form">
                <label>
                    {t!(i18n, admin.head_username)}
                    <input name="username" required autocomplete="off" autocapitalize="none" />
                </label>
                <label>
                    {t!(i18n, admin.head_name)}
                    <input name="display_name" required autocomplete="off" />
                </label>
                <label>
                    {t!(i18n, admin.head_badge)} <input name="badge" size="8" autocomplete="off" />
                </label>
                <label>
                    {t!(i18n, admin.head_role)}
                    <select name="role">
                        {Role::ALL
                            .iter()
                            .map(|r| view! { <option value=r.code()>{r.label()}</option> })
                            .collect_view()}
                    </select>
                </label>
                <label>
                    {t!(i18n, admin.head_ports)}
                    <input
                        name="ports"
                        value="all"
                        size="16"
                        placeholder=move || t_string!(i18n, admin.ports_placeholder)
                    />
                </label>
                <button type="submit" class="primary">
                    {t!(i18n, admin.add)}
                </button>
            </ActionForm>
        </section>
        <form method="get" action="/admin/accounts" class="filters account-search" role="search">
            <label>
                {t!(i18n, admin.search_label)}
                <input
                    type="search"
                    name="q"
                    autocomplete="off"
                    prop:value=move || search.get()
                    value=search.get_untracked()
                    on:input=move |ev| search.set(event_target_value(&ev))
                />
            </label>
            <button type="submit">{t!(i18n, admin.search)}</button>
        </form>
        <Loaded
            resource=accounts
            loading=td_string!(lang::current(), admin.loading)
            show=move |list| {
                move || {
                    let q = search.get();
                    let searching = !q.trim().is_empty();
                    let (people, simulated) = people_and_simulated(list.clone(), &q);
                    let simulated_count = simulated.len();
                    let people_view = if people.is_empty() {
                        // Folded unless a search is looking among them.
                        view! { <p class="empty">{t!(i18n, admin.no_people)}</p> }
                            .into_any()
                    } else {
                        table(people).into_any()
                    };
                    let simulated_view = (simulated_count > 0)
                        .then(|| {
                            view! {
                                <details class="simulated-accounts" open=searching>
                                    <summary>
                                        {crate::counted!(
                                            lang::current(), simulated_count, admin.simulated_summary_single | admin.simulated_summary_several, count = simulated_count
                                        )}
                                    </summary>
                                    <p class="hint">{t!(i18n, admin.simulated_hint)}</p>
                                    {table(simulated)}
                                </details>
                            }
                        });
                    view! {
                        {people_view}
                        {simulated_view}
                    }
                }
            }
        />
    }
}

/// One account's row, with its buttons while it is active.
#[component]
fn AccountRow(
    a: Account,
    reset: ServerAction<ResetPassword>,
    disable: ServerAction<DisableAccount>,
) -> impl IntoView {
    let i18n = use_i18n();
    let active = a.active;
    let username = a.username.clone();
    view! {
        <tr class:disabled=!active>
            <td>{a.username.clone()}</td>
            <td>{a.display_name.clone()}</td>
            <td>{a.badge.clone().unwrap_or_default()}</td>
            <td>{a.role.label()}</td>
            <td>{a.ports.to_string()}</td>
            <td>
                <LocalTime at=a.created_at zone="UTC".into() short=true />
            </td>
            <td>
                {if active {
                    td_string!(lang::current(), admin.status_active)
                } else {
                    td_string!(lang::current(), admin.status_disabled)
                }}
            </td>
            <td class="row-actions">
                {active
                    .then(move || {
                        let for_disable = username.clone();
                        view! {
                            <ActionForm action=reset>
                                <input type="hidden" name="username" value=username />
                                <button type="submit">{t!(i18n, admin.reset_password)}</button>
                            </ActionForm>
                            <ActionForm action=disable>
                                <input type="hidden" name="username" value=for_disable />
                                <button type="submit" class="danger">
                                    {t!(i18n, admin.disable)}
                                </button>
                            </ActionForm>
                        }
                    })}
            </td>
        </tr>
    }
}

/// The password of an account just created or reset, or what went wrong.
#[component]
fn IssuedPassword(
    value: Signal<Option<Result<Issued, AppError>>>,
    /// A reset password rather than a new account.
    reset: bool,
) -> impl IntoView {
    move || match value.get() {
        Some(Ok(issued)) => {
            let username = issued.account.username.clone();
            let role = issued.account.role.label();
            let said = if reset {
                td_string!(
                    lang::current(),
                    admin.password_reset,
                    username = username,
                    role = role
                )
                .to_string()
            } else {
                td_string!(
                    lang::current(),
                    admin.account_created,
                    username = username,
                    role = role
                )
                .to_string()
            };
            Some(
                view! {
                    <div class="notice issued" role="status">
                        <p>{said}</p>
                        <code class="password">{issued.password}</code>
                    </div>
                }
                .into_any(),
            )
        }
        Some(Err(error)) => Some(view! { <ErrorNotice error /> }.into_any()),
        None => None,
    }
}
