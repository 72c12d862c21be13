//! Small inline icons, drawn rather than taken from a font, so that they show the same on
//! every device. Each is decorative: the words beside it say what it means.

use leptos::prelude::*;

/// Two bars: a clock that is paused.
#[component]
pub fn PauseIcon() -> impl IntoView {
    view! {
        <svg
            class="icon icon-pause"
            viewBox="0 0 16 16"
            width="12"
            height="12"
            aria-hidden="true"
            focusable="false"
        >
            <rect x="3" y="2" width="3.5" height="12" rx="1" fill="currentColor" />
            <rect x="9.5" y="2" width="3.5" height="12" rx="1" fill="currentColor" />
        </svg>
    }
}
