//! `/admin/accounts`: administrators add accounts, reset passwords and disable accounts.
//! Passwords are generated and shown once, to be handed over in person.

use super::{CreateAccount, DisableAccount, ResetPassword, list_accounts};
use crate::accounts::Issued;
use crate::components::common::{ErrorNotice, Loaded, LocalTime};
use crate::components::table::{ColumnHeads, RecordTable};
use crate::domain::Role;
use crate::error::AppError;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn AccountsPage() -> impl IntoView {
    let create = ServerAction::<CreateAccount>::new();
    let disable = ServerAction::<DisableAccount>::new();
    let reset = ServerAction::<ResetPassword>::new();
    let accounts = Resource::new(
        move || {
            (
                create.version().get(),
                disable.version().get(),
                reset.version().get(),
            )
        },
        |_| list_accounts(),
    );
    view! {
        <Title text="Accounts" />
        <div class="page-head">
            <h1>"Accounts"</h1>
            <p class="lede">
                "Who may use the board, in which role, at which ports. New and reset passwords are shown once: hand them over in person."
            </p>
        </div>
        <IssuedPassword value=Signal::derive(move || create.value().get()) verb="created" />
        <IssuedPassword
            value=Signal::derive(move || reset.value().get())
            verb="given a new password"
        />
        {move || match disable.value().get() {
            Some(Err(error)) => Some(view! { <ErrorNotice error /> }.into_any()),
            Some(Ok(account)) => {
                Some(
                    view! {
                        <p class="notice" role="status">
                            {format!(
                                "{} is disabled; their sessions have ended.",
                                account.username,
                            )}
                        </p>
                    }
                        .into_any(),
                )
            }
            None => None,
        }}
        <section class="panel" aria-labelledby="new-account">
            <h2 id="new-account">"Add an account"</h2>
            <ActionForm action=create attr:class="filters account-form">
                <label>
                    "Username"
                    <input name="username" required autocomplete="off" autocapitalize="none" />
                </label>
                <label>"Name" <input name="display_name" required autocomplete="off" /></label>
                <label>"Badge" <input name="badge" size="8" autocomplete="off" /></label>
                <label>
                    "Role"
                    <select name="role">
                        {Role::ALL
                            .iter()
                            .map(|r| view! { <option value=r.code()>{r.label()}</option> })
                            .collect_view()}
                    </select>
                </label>
                <label>
                    "Ports"
                    <input name="ports" value="all" size="16" placeholder="YVR,YYZ or all" />
                </label>
                <button type="submit" class="primary">
                    "Add"
                </button>
            </ActionForm>
        </section>
        <Loaded
            resource=accounts
            loading="Loading accounts…"
            show=move |list| {
                view! {
                    <RecordTable
                        class="accounts"
                        heads=view! {
                            <ColumnHeads
                                names=&[
                                    "Username",
                                    "Name",
                                    "Badge",
                                    "Role",
                                    "Ports",
                                    "Since",
                                    "Status",
                                ]
                                actions="Actions"
                            />
                        }
                        records=list
                        row=move |a| {
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
                                    <td>{if active { "active" } else { "disabled" }}</td>
                                    <td class="row-actions">
                                        {active
                                            .then(move || {
                                                let for_disable = username.clone();
                                                view! {
                                                    <ActionForm action=reset>
                                                        <input type="hidden" name="username" value=username />
                                                        <button type="submit">"Reset password"</button>
                                                    </ActionForm>
                                                    <ActionForm action=disable>
                                                        <input type="hidden" name="username" value=for_disable />
                                                        <button type="submit" class="danger">
                                                            "Disable"
                                                        </button>
                                                    </ActionForm>
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

/// The password of an account just created or reset, or what went wrong.
#[component]
fn IssuedPassword(
    value: Signal<Option<Result<Issued, AppError>>>,
    verb: &'static str,
) -> impl IntoView {
    move || match value.get() {
        Some(Ok(issued)) => Some(
            view! {
                <div class="notice issued" role="status">
                    <p>
                        {format!(
                            "{} ({}) was {verb}. Their password, shown only now:",
                            issued.account.username,
                            issued.account.role.label(),
                        )}
                    </p>
                    <code class="password">{issued.password}</code>
                </div>
            }
            .into_any(),
        ),
        Some(Err(error)) => Some(view! { <ErrorNotice error /> }.into_any()),
        None => None,
    }
}
