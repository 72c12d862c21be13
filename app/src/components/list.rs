//! The pieces of a filtered list page (holds, the inspection queue): its filter read from the
//! address, the choices of its filter form, and its results with the pager.

use super::common::{Loaded, Pager};
use crate::domain::Vocabulary;
use crate::error::AppError;
use crate::i18n::{t, td_string, use_i18n};
use crate::lang;
use crate::paging::{ListFilter, Page, StatusFilter, WorkStatus};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The page's filter, read again from the address's query string whenever it changes. A
/// parameter that does not parse is the error the results show.
pub fn use_list_filter<F>(
    parse: impl Fn(Vec<(&str, &str)>) -> Result<F, AppError> + Send + Sync + 'static,
) -> Memo<Result<F, AppError>>
where
    F: Clone + PartialEq + Send + Sync + 'static,
{
    let query = use_query_map();
    Memo::new(move |_| query.with(|q| parse(q.into_iter().map(|(k, v)| (k.as_ref(), v)).collect())))
}

/// A filter's choice of one value of a vocabulary, or (the empty value) any.
#[component]
pub fn VocabSelect<V: Vocabulary>(
    label: &'static str,
    name: &'static str,
    /// The words of the empty choice: "Any reason".
    any: &'static str,
    selected: Option<V>,
) -> impl IntoView {
    view! {
        <label>
            {label} <select name=name>
                <option value="">{any}</option>
                <VocabOptions selected />
            </select>
        </label>
    }
}

/// A status filter's choices: the items still being worked (the default), all, or one status.
#[component]
pub fn StatusSelect<S: WorkStatus>(status: StatusFilter<S>) -> impl IntoView {
    let (unfinished, unfinished_label) = S::UNFINISHED;
    let i18n = use_i18n();
    // The word for the items still being worked, in the language spoken.
    let unfinished_label = match unfinished {
        "active" => td_string!(lang::current(), components.status_active),
        "open" => td_string!(lang::current(), components.status_open),
        _ => unfinished_label,
    };
    let one = match status {
        StatusFilter::One(s) => Some(s),
        _ => None,
    };
    view! {
        <label>
            {t!(i18n, components.status)} <select name="status">
                <option value=unfinished selected=status == StatusFilter::Unfinished>
                    {unfinished_label}
                </option>
                <option value="all" selected=status == StatusFilter::All>
                    {t!(i18n, components.status_all)}
                </option>
                <VocabOptions selected=one />
            </select>
        </label>
    }
}

/// One `<option>` for each value of a vocabulary, its code as the value.
#[component]
fn VocabOptions<V: Vocabulary>(selected: Option<V>) -> impl IntoView {
    V::all()
        .iter()
        .map(|v| {
            view! {
                <option value=v.code() selected=selected == Some(*v)>
                    {v.label()}
                </option>
            }
        })
        .collect_view()
}

/// A list page's results: a loading line while they come, then the rows and the pager to the
/// other pages of the same filter, or what went wrong with the filter or the fetch.
#[component]
pub fn ListResults<F, R, V>(
    filter: Memo<Result<F, AppError>>,
    results: Resource<Result<Page<R>, AppError>>,
    /// The page's address, for the pager's links.
    base: &'static str,
    /// The words while the results come: "Loading holds…".
    loading: &'static str,
    /// The rows of one page, as a table.
    rows: impl Fn(Vec<R>) -> V + Clone + Send + Sync + 'static,
) -> impl IntoView
where
    F: ListFilter + Default + PartialEq,
    R: Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    view! {
        <Loaded
            resource=results
            loading
            show=move |page| {
                let current = filter.get_untracked().unwrap_or_default();
                let at = page.position();
                view! {
                    {rows(page.items)}
                    <Pager base filter=current at />
                }
            }
        />
    }
}
