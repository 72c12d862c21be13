//! `/map`: the map of Canada full screen, live like the overview.

use super::CountryMap;
use crate::components::common::ErrorNotice;
use crate::components::moment::{self, provide_at, read, read_at};
use crate::i18n::td_string;
use crate::lang;
use crate::live::client::live_tick;
use crate::ports::get_overview;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn MapPage() -> impl IntoView {
    // The overview's own read, fetched again on each live refresh (or as it was at `?at=`).
    let at = provide_at();
    let replay = read_at();
    let overview = Resource::new(
        move || (at.get(), moment::tick(at, live_tick)),
        move |(at, _)| read(at, (), replay, get_overview()),
    );
    let shown = RwSignal::new(None);
    let l = lang::current();
    view! {
        <Title text=td_string!(l, map.title) />
        <h1 class="visually-hidden">{td_string!(l, map.heading)}</h1>
        <Transition fallback=move || {
            view! { <p class="loading">{td_string!(l, map.loading)}</p> }
        }>
            {move || Suspend::new(async move {
                match overview.await {
                    Ok(overview) => {
                        view! { <CountryMap ports=overview.ports full=true shown /> }.into_any()
                    }
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Transition>
    }
}
