//! `/rights`: the register of requests for assistance. Everyone signed in reads it (an officer
//! examining goods needs what tells genuine goods apart); analysts and administrators register
//! requests and renew those in force.

use super::RightsRequest;
use super::rpc::{RegisterRightsRequest, RenewRightsRequest, list_rights_requests};
use crate::components::common::{ErrorNotice, Loaded, changed_by};
use crate::components::forms::FieldNotes;
use crate::components::me::{MeResource, with_me};
use crate::domain::Action;
use crate::error::AppError;
use crate::i18n::{t, t_string, td_string, use_i18n};
use crate::lang;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn RightsRequestsPage() -> impl IntoView {
    let i18n = use_i18n();
    let register = ServerAction::<RegisterRightsRequest>::new();
    let renew = ServerAction::<RenewRightsRequest>::new();
    let (registered, renewed) = (
        changed_by(register.version(), register.value()),
        changed_by(renew.version(), renew.value()),
    );
    let requests = Resource::new(
        move || (registered.get(), renewed.get()),
        |_| list_rights_requests(),
    );
    let me = expect_context::<MeResource>();
    let keeps = Signal::derive(move || {
        me.0.get()
            .and_then(Result::ok)
            .flatten()
            .is_some_and(|me| me.may(Action::ManageRightsRequests, None))
    });
    let today = chrono::Utc::now().date_naive();
    view! {
        <Title text=move || t_string!(i18n, rights.page.title) />
        <div class="page-head">
            <h1>{t!(i18n, rights.page.title)}</h1>
            <p class="lede">{t!(i18n, rights.page.lede)}</p>
        </div>
        {move || match renew.value().get() {
            Some(Err(error)) => Some(view! { <ErrorNotice error /> }.into_any()),
            Some(Ok(r)) => {
                Some(
                    view! {
                        <p class="notice" role="status">
                            {td_string!(
                                lang::current(), rights.page.renewed, id = r.id, holder = r.rights_holder.clone(), day = crate::lang::format::date(lang::current(), r.valid_to)
                            )
                                .to_string()}
                        </p>
                    }
                        .into_any(),
                )
            }
            None => None,
        }}
        <Loaded
            resource=requests
            loading=td_string!(lang::current(), rights.page.loading)
            show=move |list| {
                if list.is_empty() {
                    view! { <p class="empty">{t!(i18n, rights.page.empty)}</p> }.into_any()
                } else {
                    view! { <Register list today keeps renew /> }.into_any()
                }
            }
        />
        {with_me(move |me| {
            me.may(Action::ManageRightsRequests, None).then(|| view! { <RegisterForm register /> })
        })}
    }
}

/// The register as a table, a renewal form on each request in force for those who keep it.
#[component]
fn Register(
    list: Vec<RightsRequest>,
    today: chrono::NaiveDate,
    keeps: Signal<bool>,
    renew: ServerAction<RenewRightsRequest>,
) -> impl IntoView {
    let i18n = use_i18n();
    let rows = list
        .into_iter()
        .map(|r| {
            let (status, kind) = if r.in_force_on(today) {
                (td_string!(lang::current(), rights.page.in_force), "in-force")
            } else if r.valid_to < today {
                (td_string!(lang::current(), rights.page.expired), "expired")
            } else {
                (td_string!(lang::current(), rights.page.not_yet), "not-yet")
            };
            let renewable = r.valid_to >= today;
            let (id, version) = (r.id, r.version);
            let security = crate::lang::format::money(lang::current(), r.security_cents, "CAD");
            view! {
                <tr data-request=id id=format!("rfa-{id}")>
                    <th scope="row">
                        {r.rights_holder.clone()}
                        <span class="hint">
                            {td_string!(lang::current(), rights.page.number, id = id).to_string()}
                        </span>
                    </th>
                    <td>{r.marks.join(", ")}</td>
                    <td>
                        {r.goods.join(", ")} <span class="hint">{r.goods_description.clone()}</span>
                    </td>
                    <td>{r.genuine_features.clone()}</td>
                    <td>
                        {td_string!(
                            lang::current(), rights.page.period, from = crate::lang::format::date(lang::current(), r.valid_from), to = crate::lang::format::date(lang::current(), r.valid_to)
                        )
                            .to_string()}
                        <span class=format!("badge badge-rights-{kind}")>{status}</span>
                    </td>
                    <td class="num">{security}</td>
                    <td>
                        {r.contact_name.clone()} <br /> {r.contact_email.clone()} <br />
                        {r.contact_phone.clone()}
                    </td>
                    <td>
                        {move || {
                            (keeps.get() && renewable)
                                .then(|| {
                                    view! {
                                        <ActionForm action=renew attr:class="renew-form">
                                            <input type="hidden" name="id" value=id />
                                            <input type="hidden" name="version" value=version />
                                            <label>
                                                {t!(i18n, rights.page.renew_reason)}
                                                <input name="reason" required autocomplete="off" />
                                            </label>
                                            <button type="submit">{t!(i18n, rights.page.renew)}</button>
                                        </ActionForm>
                                    }
                                })
                        }}
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="records rights-register">
                <caption class="visually-hidden">{t!(i18n, rights.page.title)}</caption>
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, rights.page.head_holder)}</th>
                        <th scope="col">{t!(i18n, rights.page.head_marks)}</th>
                        <th scope="col">{t!(i18n, rights.page.head_goods)}</th>
                        <th scope="col">{t!(i18n, rights.page.head_genuine)}</th>
                        <th scope="col">{t!(i18n, rights.page.head_period)}</th>
                        <th scope="col">{t!(i18n, rights.page.head_security)}</th>
                        <th scope="col">{t!(i18n, rights.page.head_contact)}</th>
                        <th scope="col">{t!(i18n, rights.page.head_actions)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

/// One labelled field of the form: an input, or a text area for lists and descriptions.
#[component]
fn Field(
    name: &'static str,
    /// The name the server's refusal gives this field, when it differs from `name`.
    #[prop(optional)]
    refused_as: Option<&'static str>,
    label: &'static str,
    #[prop(optional)] hint: &'static str,
    #[prop(optional)] area: bool,
    #[prop(optional)] kind: Option<&'static str>,
    #[prop(optional)] optional: bool,
    problem: Signal<Option<AppError>>,
) -> impl IntoView {
    let id = format!("rfa-{name}");
    let notes = FieldNotes::new(&id, refused_as.unwrap_or(name), hint, problem);
    let (invalid, described) = (notes.invalid(), notes.described());
    let input = if area {
        view! {
            <textarea
                id=id.clone()
                name=format!("request[{name}]")
                rows="3"
                required=!optional
                aria-invalid=invalid
                aria-describedby=described
            ></textarea>
        }
        .into_any()
    } else {
        view! {
            <input
                id=id.clone()
                name=format!("request[{name}]")
                type=kind.unwrap_or("text")
                autocomplete="off"
                required=!optional
                aria-invalid=invalid
                aria-describedby=described
            />
        }
        .into_any()
    };
    view! {
        <div class="field">
            <label for=id>{label}</label>
            {input}
            {notes.view()}
        </div>
    }
}

/// Registering a request: every field of the register, refused field by field.
#[component]
fn RegisterForm(register: ServerAction<RegisterRightsRequest>) -> impl IntoView {
    let i18n = use_i18n();
    let problem = Signal::derive(move || register.value().get().and_then(Result::err));
    let l = lang::current();
    view! {
        <section class="panel" aria-labelledby="rfa-new">
            <h2 id="rfa-new">{t!(i18n, rights.page.register_heading)}</h2>
            {move || match register.value().get() {
                Some(Ok(r)) => {
                    Some(
                        view! {
                            <p class="notice" role="status">
                                {td_string!(
                                    lang::current(), rights.page.registered, id = r.id, holder = r.rights_holder.clone(), day = crate::lang::format::date(lang::current(), r.valid_to)
                                )
                                    .to_string()}
                            </p>
                        }
                            .into_any(),
                    )
                }
                Some(Err(error)) => {
                    Some(
                        view! {
                            <crate::components::common::RefusalNotice
                                error
                                nothing_done=td_string!(lang::current(), rights.page.nothing_done)
                            />
                        }
                            .into_any(),
                    )
                }
                None => None,
            }}
            <ActionForm action=register attr:class="rfa-form">
                <Field name="rights_holder" label=td_string!(l, rights.page.head_holder) problem />
                <Field
                    name="marks"
                    label=td_string!(l, rights.page.head_marks)
                    hint=td_string!(l, rights.page.marks_hint)
                    area=true
                    problem
                />
                <Field
                    name="goods"
                    label=td_string!(l, rights.page.goods_codes)
                    hint=td_string!(l, rights.page.goods_hint)
                    problem
                />
                <Field
                    name="goods_description"
                    label=td_string!(l, rights.page.goods_words)
                    area=true
                    problem
                />
                <Field
                    name="genuine_features"
                    label=td_string!(l, rights.page.head_genuine)
                    area=true
                    problem
                />
                <Field name="contact_name" label=td_string!(l, rights.page.contact_name) problem />
                <Field
                    name="contact_email"
                    label=td_string!(l, rights.page.contact_email)
                    kind="email"
                    problem
                />
                <Field
                    name="contact_phone"
                    label=td_string!(l, rights.page.contact_phone)
                    kind="tel"
                    problem
                />
                <Field
                    name="valid_from"
                    label=td_string!(l, rights.page.valid_from)
                    hint=td_string!(l, rights.page.valid_from_hint)
                    kind="date"
                    optional=true
                    problem
                />
                <Field
                    name="security"
                    refused_as="security_cents"
                    label=td_string!(l, rights.page.security)
                    hint=td_string!(l, rights.page.security_hint)
                    problem
                />
                <Field name="reason" label=td_string!(l, rights.page.reason) problem />
                <button type="submit" class="primary">
                    {t!(i18n, rights.page.register)}
                </button>
            </ActionForm>
        </section>
    }
}
