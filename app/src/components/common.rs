//! Small pieces used across pages: errors, pagination, badges and local times.

use crate::domain::clock::{local_time, local_time_short};
use crate::error::AppError;
use crate::i18n::{t, t_string, td_string, use_i18n};
use crate::lang::{self, format};
use crate::paging::{ListFilter, PagePosition};
use chrono::{DateTime, Utc};
use leptos::prelude::*;

/// A failure, said plainly. Sets the HTTP status of a server-rendered page to match.
#[component]
pub fn ErrorNotice(error: AppError) -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(error.status());
        }
    }
    let locale = lang::current();
    let title = match &error {
        AppError::NotFound { .. } => td_string!(locale, components.error_not_found),
        AppError::Invalid { .. } => td_string!(locale, components.error_invalid),
        AppError::Unavailable | AppError::Transport { .. } => {
            td_string!(locale, components.error_unreachable)
        }
        _ => td_string!(locale, components.error_general),
    };
    view! {
        <div class="notice error" role="alert">
            <strong>{title}</strong>
            " "
            {error.to_string()}
        </div>
    }
}

/// Why a request sent from a form did nothing: a refused field's reason after `nothing_done`
/// ("Nothing was imported:"), any other error as [`ErrorNotice`] says it.
#[component]
pub fn RefusalNotice(error: AppError, nothing_done: &'static str) -> impl IntoView {
    match error {
        AppError::Invalid { reason, .. } => view! {
            <div class="notice error" role="alert">
                <strong>{nothing_done}</strong>
                " "
                {reason}
            </div>
        }
        .into_any(),
        error => view! { <ErrorNotice error /> }.into_any(),
    }
}

/// What a resource holds once it has come: a loading line until then, then `show` of its value,
/// or what went wrong.
#[component]
pub fn Loaded<T, V>(
    resource: Resource<Result<T, AppError>>,
    /// The words while it comes: "Loading accounts…".
    loading: &'static str,
    show: impl Fn(T) -> V + Clone + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    view! {
        <Transition fallback=move || {
            view! { <p class="loading">{loading}</p> }
        }>
            {move || {
                let show = show.clone();
                Suspend::new(async move {
                    match resource.await {
                        Ok(value) => show(value).into_any(),
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    }
                })
            }}
        </Transition>
    }
}

/// An instant in the port's time zone, with UTC in the tooltip.
#[component]
pub fn LocalTime(at: DateTime<Utc>, zone: String, #[prop(optional)] short: bool) -> impl IntoView {
    let text = if short {
        local_time_short(at, &zone)
    } else {
        local_time(at, &zone)
    };
    view! {
        <time datetime=at.to_rfc3339() title=utc_title(at)>
            {text}
        </time>
    }
}

/// The instant in UTC, for a tooltip: "2026-11-28 14:05 UTC" / "28 nov. 2026 14 h 05 UTC".
pub fn utc_title(at: DateTime<Utc>) -> String {
    format::local_time(lang::current(), at, "UTC")
}

#[component]
pub fn Badge(#[prop(into)] kind: String, #[prop(into)] text: String) -> impl IntoView {
    view! { <span class=format!("badge badge-{kind}")>{text}</span> }
}

/// Previous / next links to the other pages of the same filter.
#[component]
pub fn Pager<F: ListFilter>(base: &'static str, filter: F, at: PagePosition) -> impl IntoView {
    let PagePosition {
        page,
        page_count,
        total,
    } = at;
    let i18n = use_i18n();
    let locale = lang::current();
    let count = td_string!(
        locale,
        components.page_of,
        count = format::integer(locale, total),
        page = page,
        pages = page_count
    )
    .to_string();
    // A replay's pages stay at its moment.
    let at = super::moment::use_at().get_untracked();
    let link = move |p: i64| {
        let q = filter.at_page(p).to_query();
        let href = if q.is_empty() {
            base.to_string()
        } else {
            format!("{base}?{q}")
        };
        super::moment::with_at(href, at.as_deref())
    };
    view! {
        <nav class="pager" aria-label=t_string!(i18n, components.pages)>
            <span class="count">{count}</span>
            {(page > 1)
                .then(|| {
                    view! {
                        <a href=link(page - 1) rel="prev">
                            {t!(i18n, components.previous)}
                        </a>
                    }
                })}
            {(page < page_count)
                .then(|| {
                    view! {
                        <a href=link(page + 1) rel="next">
                            {t!(i18n, components.next)}
                        </a>
                    }
                })}
        </nav>
    }
}

/// The port-code box of the filter forms; empty means every port.
#[component]
pub fn PortField(value: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <label>
            {t!(i18n, components.port)}
            <input
                name="port"
                value=value.unwrap_or_default()
                size="5"
                placeholder=t_string!(i18n, components.port_all)
            />
        </label>
    }
}

/// Shows `children` to a signed-in account whose role may do `action` anywhere; anyone else is
/// told why not (`refusal` for a role that may not).
#[component]
pub fn RoleGate(
    action: crate::domain::Action,
    refusal: &'static str,
    children: ChildrenFn,
) -> impl IntoView {
    let me = use_context::<super::me::MeResource>();
    let children = StoredValue::new(children);
    let i18n = use_i18n();
    view! {
        <Suspense fallback=move || {
            view! { <p class="loading">{t!(i18n, components.loading)}</p> }
        }>
            {move || Suspend::new(async move {
                let me = match me {
                    Some(me) => me.0.await,
                    None => Ok(None),
                };
                match me {
                    Ok(Some(me)) if me.may(action, None) => children.read_value()().into_any(),
                    Ok(Some(_)) => {
                        let error = AppError::Forbidden {
                            message: refusal.into(),
                        };
                        view! { <ErrorNotice error /> }.into_any()
                    }
                    Ok(None) => {
                        let error = AppError::unauthenticated();
                        view! { <ErrorNotice error /> }.into_any()
                    }
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// Moves each time an action finishes in a way that may have changed what the page shows: a
/// page's data keyed on it is fetched again then. Not when the action was refused because the
/// server or its database could not be reached: nothing changed, and fetching again would only
/// replace the page (and the form being filled in) with the same refusal.
pub fn changed_by<O, V>(version: RwSignal<usize>, value: V) -> Memo<usize>
where
    O: Send + Sync + 'static,
    V: With<Value = Option<Result<O, AppError>>> + Send + Sync + 'static,
{
    Memo::new(move |kept: Option<&usize>| {
        let version = version.get();
        let unreachable = value.with(|value| {
            matches!(
                value,
                Some(Err(AppError::Unavailable | AppError::Transport { .. }))
            )
        });
        match kept {
            Some(&kept) if unreachable => kept,
            _ => version,
        }
    })
}
