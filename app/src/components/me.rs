//! The signed-in account, as every page shares it: loaded once per page load (by the shell,
//! see `auth::page::use_me`) and read from context wherever a screen offers only what the
//! account may do.

use crate::domain::Me;
use crate::error::AppError;
use leptos::prelude::*;

/// The account signed in, loaded once per page load and shared with every page.
#[derive(Clone, Copy)]
pub struct MeResource(pub Resource<Result<Option<Me>, AppError>>);

/// Renders `view` for the signed-in account, once it is loaded; nothing for nobody.
pub fn with_me<V: IntoView + 'static>(
    view: impl Fn(Me) -> V + Send + Sync + Clone + 'static,
) -> impl IntoView {
    let me = use_context::<MeResource>();
    view! {
        <Suspense>
            {move || {
                let view = view.clone();
                Suspend::new(async move {
                    let me = me?.0.await.ok().flatten()?;
                    Some(view(me))
                })
            }}
        </Suspense>
    }
}
