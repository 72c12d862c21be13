//! The browser side of the live board: one `EventSource` per page follows `/api/v1/live`.
//! Changes arriving within [`SETTLE_MS`] of each other are gathered, and the page fetches
//! again at most every [`REFRESH_EVERY_MS`] (a busy country does not turn every open board
//! into a stream of requests): each refresh bumps [`Live::tick`], and every resource of the
//! board reads it, so what is on screen is fetched again in place; the changed records are
//! remembered for a few seconds so their rows can be highlighted. The connection's state is
//! shown in the header, and while it is not live the figures are marked stale. After a
//! reconnection the stream replays what was missed and the page fetches again, so it ends
//! exactly as current as a fresh load.

use crate::components::clock::use_now;
use crate::i18n::td_string;
use crate::lang::{self, format};
use chrono::{DateTime, Timelike, Utc};
use leptos::prelude::*;

/// How long changes are gathered before the page fetches again.
pub const SETTLE_MS: u64 = 150;
/// The shortest time between two refreshes of a page.
pub const REFRESH_EVERY_MS: u64 = 500;
/// How long a changed row stays highlighted, from when a row first shows the change.
pub const HIGHLIGHT_SECONDS: i64 = 3;
/// How long a change waits for a row to show it before it is forgotten.
const SHOWN_WITHIN_SECONDS: i64 = 60;
/// After this long without a connection, "reconnecting" becomes "offline".
pub const OFFLINE_AFTER_SECONDS: i64 = 10;
/// While the database cannot be reached, a new stream is tried at least this often.
pub const DATABASE_RETRY_MS: u64 = 3_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Connection {
    /// The page has just loaded: its figures are the server's, fresh.
    Connecting,
    Live,
    /// Lost at `since`; the browser is trying again.
    Reconnecting {
        since: DateTime<Utc>,
    },
    /// Lost at `since` and not back after [`OFFLINE_AFTER_SECONDS`].
    Offline {
        since: DateTime<Utc>,
    },
    /// Lost at `since`: the server answers, but its database does not (503). The page keeps
    /// what it shows and comes back by itself once the database does.
    DatabaseUnavailable {
        since: DateTime<Utc>,
    },
}

impl Connection {
    /// Whether figures on screen may be out of date.
    pub fn is_stale(self) -> bool {
        self.since().is_some()
    }

    /// Since when the figures on screen may be out of date.
    pub fn since(self) -> Option<DateTime<Utc>> {
        match self {
            Connection::Reconnecting { since }
            | Connection::Offline { since }
            | Connection::DatabaseUnavailable { since } => Some(since),
            Connection::Connecting | Connection::Live => None,
        }
    }
}

/// The live state of the page, in context.
#[derive(Clone, Copy)]
pub struct Live {
    pub connection: RwSignal<Connection>,
    /// Bumped after changes arrive: the board's lists and tiles fetch again.
    pub tick: RwSignal<u64>,
    /// Bumped when everything must be fetched again (after a reconnection, or when told to
    /// reload): every page, including those about one record, fetches again.
    pub epoch: RwSignal<u64>,
    /// Changes have arrived and wait until the form being filled in is sent or left.
    pub held: RwSignal<bool>,
    /// Recently changed records.
    recent: RwSignal<Vec<Recent>>,
    /// The last journal number that touched a record of each kind ("simulation" → 4410).
    touched: RwSignal<std::collections::HashMap<String, i64>>,
    /// Recent changes touching each shipment: (entity, id, version after, journal number).
    about: RwSignal<std::collections::HashMap<i64, Vec<Change>>>,
    now: ReadSignal<DateTime<Utc>>,
}

impl Live {
    /// Whether the row of `entity` #`id` made now is to be highlighted (reactive, with the
    /// page clock): a change to the record arrived before the row was made, and the first row
    /// made after that change, which shows it, was made less than [`HIGHLIGHT_SECONDS`] ago.
    /// Counted from the row, not from the change's arrival: the page fetches between the two,
    /// and on a busy machine that took over a second, leaving little of the highlight to see.
    /// Rows made before the change arrived (the old figures, kept while the page fetches)
    /// are not highlighted: they do not show it yet.
    pub fn highlight(
        self,
        entity: &'static str,
        id: impl ToString,
    ) -> impl Fn() -> bool + Send + Sync + 'static {
        let (recent, now) = (self.recent, self.now);
        let (id, made) = (id.to_string(), Utc::now());
        move || {
            let now = now.get();
            recent.with(|recent| {
                recent
                    .iter()
                    .filter(|r| r.entity == entity && r.id == id && r.at <= made)
                    .any(|r| r.shown_by(made, now))
            })
        }
    }

    /// The last journal number that touched a record of kind `entity` since the page loaded
    /// (reactive).
    pub fn touched(&self, entity: &str) -> Option<i64> {
        self.touched.with(|touched| touched.get(entity).copied())
    }

    /// The newest journal number of a change to shipment `shipment` (or its holds and
    /// inspections) that the page does not show yet: `shown` holds the (entity, id, version)
    /// of each record on the page. Changes the page already shows (its own actions, read back
    /// before their event arrived) do not count, so that they do not re-render its forms.
    /// `None` too once the live state is gone (the server, after a page was written).
    pub fn unshown(&self, shipment: i64, shown: &[(String, String, i64)]) -> Option<i64> {
        self.about
            .try_with(|about| {
                about
                    .get(&shipment)?
                    .iter()
                    .filter(|change| {
                        !shown.iter().any(|(entity, id, version)| {
                            *entity == change.entity
                                && *id == change.id
                                && change.version.is_some_and(|v| v <= *version)
                        })
                    })
                    .map(|change| change.seq)
                    .max()
            })
            .flatten()
    }

    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    fn note_change(&self, shipment: i64, change: Change) {
        self.about.update(|about| {
            if about.len() > 500 {
                about.clear();
            }
            let changes = about.entry(shipment).or_default();
            changes.push(change);
            if changes.len() > 50 {
                changes.remove(0);
            }
        });
    }

    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    fn remember(&self, entity: String, id: String, seq: i64) {
        self.touched.update(|touched| {
            touched.insert(entity.clone(), seq);
        });
        let now = Utc::now();
        self.recent.update(|recent| {
            recent.retain(|r| r.remembered(now));
            recent.push(Recent::new(entity, id, now));
        });
    }
}

/// A record changed lately, and when a row first showed it.
#[derive(Debug, Clone)]
struct Recent {
    entity: String,
    id: String,
    /// When the change arrived.
    at: DateTime<Utc>,
    /// When the first row made after the change was made (set by that row).
    shown: std::sync::Arc<std::sync::Mutex<Option<DateTime<Utc>>>>,
}

impl Recent {
    fn new(entity: String, id: String, at: DateTime<Utc>) -> Self {
        Recent {
            entity,
            id,
            at,
            shown: Default::default(),
        }
    }

    /// Whether a row made at `made` (after the change) is highlighted at `now`: the first such
    /// row marks when the change was first shown, and the highlight lasts from there.
    fn shown_by(&self, made: DateTime<Utc>, now: DateTime<Utc>) -> bool {
        let mut shown = self.shown.lock().unwrap_or_else(|e| e.into_inner());
        let first = *shown.get_or_insert(made);
        (now - first).num_milliseconds() < HIGHLIGHT_SECONDS * 1_000
    }

    /// Whether it is still worth keeping at `now`.
    fn remembered(&self, now: DateTime<Utc>) -> bool {
        match *self.shown.lock().unwrap_or_else(|e| e.into_inner()) {
            Some(first) => (now - first).num_seconds() < HIGHLIGHT_SECONDS,
            None => (now - self.at).num_seconds() < SHOWN_WITHIN_SECONDS,
        }
    }
}

/// A change to a record of a shipment, as the page keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub entity: String,
    pub id: String,
    pub version: Option<i64>,
    pub seq: i64,
}

/// The page's live state; a still one outside the application (in isolated components).
pub fn use_live() -> Live {
    use_context::<Live>().unwrap_or_else(still)
}

fn still() -> Live {
    Live {
        connection: RwSignal::new(Connection::Connecting),
        tick: RwSignal::new(0),
        epoch: RwSignal::new(0),
        held: RwSignal::new(false),
        recent: RwSignal::new(vec![]),
        touched: RwSignal::new(Default::default()),
        about: RwSignal::new(Default::default()),
        now: use_now(),
    }
}

/// What every board resource reads, so that a change anywhere fetches it again.
pub fn live_tick() -> (u64, u64) {
    let live = use_live();
    (live.tick.get(), live.epoch.get())
}

/// Provides the live state and, in the browser, follows the stream once the page has
/// hydrated (see [`page_hydrated`]).
pub fn provide_live() {
    let live = still();
    provide_context(live);
    // Effects run only in the browser.
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        browser::follow_once_hydrated(live);
        super::focus::keep_focus();
    });
    // "Reconnecting" becomes "offline" when it lasts.
    Effect::new(move |_| {
        let now = live.now.get();
        if let Connection::Reconnecting { since } = live.connection.get_untracked()
            && (now - since).num_seconds() >= OFFLINE_AFTER_SECONDS
        {
            live.connection.set(Connection::Offline { since });
        }
    });
}

/// The connection indicator of the header (not on the sign-in page, which follows nothing).
/// Not a live region itself: the page's one (`board::announce`) says when it changes.
#[component]
pub fn LiveIndicator() -> impl IntoView {
    let live = use_live();
    let location = leptos_router::hooks::use_location();
    let shown = move || !location.pathname.get().starts_with("/signin");
    let replaying = crate::components::moment::use_replaying();
    let state = move || {
        let locale = lang::current();
        if replaying.get() {
            // The page shows a past moment: what the stream brings is not on it.
            return ("replay", td_string!(locale, live.replaying).to_string());
        }
        match live.connection.get() {
            Connection::Connecting => (
                "connecting",
                td_string!(locale, live.connecting).to_string(),
            ),
            Connection::Live if live.held.get() => {
                ("live", td_string!(locale, live.live_held).to_string())
            }
            Connection::Live => ("live", td_string!(locale, live.live).to_string()),
            Connection::Reconnecting { since } => (
                "reconnecting",
                td_string!(locale, live.reconnecting, time = utc_seconds(since)).to_string(),
            ),
            Connection::DatabaseUnavailable { since } => (
                "database-unavailable",
                td_string!(locale, live.database_unavailable, time = utc_seconds(since))
                    .to_string(),
            ),
            Connection::Offline { since } => (
                "offline",
                td_string!(
                    locale,
                    live.offline,
                    time = format::clock_time(locale, since.hour(), since.minute())
                )
                .to_string(),
            ),
        }
    };
    move || {
        shown().then(|| {
            view! {
                <div
                    class=move || format!("live-indicator {}", state().0)
                    data-connection=move || state().0
                >
                    <span class="live-dot" aria-hidden="true"></span>
                    <span>{move || state().1}</span>
                </div>
            }
        })
    }
}

/// Shown above the page while the connection is down: the figures are not current.
#[component]
pub fn StaleNotice() -> impl IntoView {
    let live = use_live();
    move || {
        let connection = live.connection.get();
        let since = connection.since()?;
        let locale = lang::current();
        let said = match connection {
            Connection::DatabaseUnavailable { .. } => {
                td_string!(locale, live.stale_database, time = utc_seconds(since)).to_string()
            }
            _ => td_string!(locale, live.stale, time = utc_seconds(since)).to_string(),
        };
        Some(view! { <p class="stale-notice">{said}</p> })
    }
}

/// A UTC instant to the second, as the indicator and the notice say it: `14:05:09`.
fn utc_seconds(at: DateTime<Utc>) -> String {
    format::clock_seconds(at.hour(), at.minute(), at.second())
}

/// Says that the page has hydrated: the live stream is followed from then on.
///
/// The browser hydrates a page once it has loaded the page's part of the bundle
/// (`crate::pages`); the header and `<main>` around the page are hydrated before, and their
/// effects run while that part loads. Followed then, the stream would change them in the
/// middle of the hydration: a refused stream puts the stale notice into `<main>` where the
/// hydration has got to, just before the page, which the hydration then does not find where
/// the server rendered it; it fails and leaves a page that no longer redraws. And a change
/// applied before the page's data exists would be missed: that data starts as the server
/// rendered it. The stream opens afterwards, from the journal position the page was rendered
/// at, so what happened meanwhile still arrives.
pub fn page_hydrated() {
    #[cfg(feature = "hydrate")]
    browser::hydrated();
}

/// Says that the person is signing out from this page: when the server then ends the page's
/// live stream (its session is over), the sign-out's own way to the sign-in page is left to
/// finish, rather than the stream's way back to this page after signing in again.
pub fn signing_out() {
    #[cfg(feature = "hydrate")]
    browser::SIGNING_OUT.with(|leaving| leaving.set(true));
}

#[cfg(feature = "hydrate")]
mod browser {
    use super::{Connection, DATABASE_RETRY_MS, Live, REFRESH_EVERY_MS, SETTLE_MS};

    thread_local! {
        /// Set by [`super::signing_out`].
        pub(super) static SIGNING_OUT: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
        /// Set by [`super::page_hydrated`].
        static HYDRATED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
        /// The page's live state, when the page asked to follow the stream before it had
        /// hydrated.
        static WAITING: std::cell::Cell<Option<Live>> = const { std::cell::Cell::new(None) };
    }

    /// Follows the stream now if the page has hydrated, otherwise as soon as it has.
    pub fn follow_once_hydrated(live: Live) {
        if HYDRATED.get() {
            follow(live);
        } else {
            WAITING.set(Some(live));
        }
    }

    /// The page has hydrated: the stream is followed, if the page has asked for it already.
    pub fn hydrated() {
        HYDRATED.set(true);
        if let Some(live) = WAITING.take() {
            follow(live);
        }
    }

    /// The longest a form being filled in holds the board's changes back.
    const HOLD_AT_MOST: chrono::TimeDelta = chrono::TimeDelta::seconds(60);
    use crate::live::{ENDED, LiveEvent, RELOAD, event_names};
    use chrono::Utc;
    use leptos::prelude::*;
    use std::cell::{Cell, OnceCell, RefCell};
    use std::rc::Rc;
    use std::time::Duration;
    use wasm_bindgen::{JsCast, closure::Closure};
    use web_sys::{EventSource, MessageEvent};

    struct Follower {
        live: Live,
        /// The last journal number received, to resume from after a reconnection.
        last: Cell<Option<i64>>,
        /// A fetch is already scheduled.
        settling: Cell<bool>,
        /// Changes not yet applied.
        pending: RefCell<Vec<LiveEvent>>,
        /// When the page last fetched again for changes.
        refreshed_at: Cell<Option<chrono::DateTime<Utc>>>,
        /// Since when changes have been held back for a form being filled in.
        held_since: Cell<Option<chrono::DateTime<Utc>>>,
        /// Delay before opening a new stream after the browser gave up on one.
        backoff_ms: Cell<u64>,
        /// The stream is back after a loss: everything is fetched again at the next refresh.
        refetch_all: Cell<bool>,
        /// The stream's handlers, made when the first `EventSource` opens and given to every
        /// one the follower opens after it (see [`Handlers`]).
        handlers: OnceCell<Handlers>,
    }

    pub fn follow(live: Live) {
        // Nothing to follow before signing in.
        let path = window().location().pathname().unwrap_or_default();
        if path.starts_with("/signin") {
            return;
        }
        // The journal position the server rendered this page at.
        let rendered_at = document()
            .query_selector("meta[name=journal-position]")
            .ok()
            .flatten()
            .and_then(|meta| meta.get_attribute("content"))
            .and_then(|position| position.parse::<i64>().ok());
        let follower = Rc::new(Follower {
            live,
            last: Cell::new(rendered_at),
            settling: Cell::new(false),
            pending: RefCell::new(vec![]),
            held_since: Cell::new(None),
            refreshed_at: Cell::new(None),
            backoff_ms: Cell::new(1_000),
            refetch_all: Cell::new(false),
            handlers: OnceCell::new(),
        });
        open(follower);
    }

    fn refresh_soon(follower: &Rc<Follower>) {
        if follower.settling.replace(true) {
            return;
        }
        let since_last = follower
            .refreshed_at
            .get()
            .map(|at| (Utc::now() - at).num_milliseconds().max(0) as u64)
            .unwrap_or(u64::MAX);
        let wait = SETTLE_MS.max(REFRESH_EVERY_MS.saturating_sub(since_last));
        let follower = follower.clone();
        set_timeout(move || apply(follower), Duration::from_millis(wait));
    }

    /// Whether the person at the screen is filling in a field of the board (a reason, an
    /// outcome, an officer to assign): one has the focus, or holds a value other than the
    /// one it was rendered with. Fetching again now would re-render it and lose that.
    /// Filters (forms that only read) do not hold the board back.
    fn editing() -> bool {
        use wasm_bindgen::JsCast;
        use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
        let acting = |field: &web_sys::Element| {
            field
                .closest("form[method='get' i]")
                .ok()
                .flatten()
                .is_none()
        };
        let document = document();
        // A list only chosen from (a row's assign list) holds nothing back until it is
        // changed: the focus it has is given back to it after the redraw (`focus`).
        if let Some(active) = document.active_element()
            && matches!(
                active.tag_name().to_ascii_lowercase().as_str(),
                "input" | "textarea"
            )
            && active.closest("main").ok().flatten().is_some()
            && acting(&active)
        {
            return true;
        }
        let Ok(fields) = document.query_selector_all("main input, main textarea, main select")
        else {
            return false;
        };
        (0..fields.length())
            .filter_map(|n| fields.item(n))
            .filter_map(|node| node.dyn_into::<web_sys::Element>().ok())
            .filter(acting)
            .any(|field| {
                if let Some(input) = field.dyn_ref::<HtmlInputElement>() {
                    !matches!(input.type_().as_str(), "hidden" | "submit" | "button")
                        && input.value() != input.default_value()
                } else if let Some(text) = field.dyn_ref::<HtmlTextAreaElement>() {
                    text.default_value()
                        .is_ok_and(|rendered| text.value() != rendered)
                } else if let Some(select) = field.dyn_ref::<HtmlSelectElement>() {
                    let options = select.options();
                    let rendered = (0..options.length())
                        .filter_map(|n| options.item(n))
                        .filter_map(|o| o.dyn_into::<web_sys::HtmlOptionElement>().ok())
                        .position(|o| o.default_selected())
                        .unwrap_or(0) as i32;
                    select.selected_index() != rendered
                } else {
                    false
                }
            })
    }

    /// Applies the changes gathered: marks the records and fetches again. While a field is
    /// being filled in it waits (at most [`HOLD_AT_MOST`]), and applies them as soon as the
    /// field is sent or left as it was.
    fn apply(follower: Rc<Follower>) {
        let held = follower.held_since.get().unwrap_or_else(Utc::now);
        if editing() && Utc::now() - held < HOLD_AT_MOST {
            follower.held_since.set(Some(held));
            follower.live.held.set(true);
            set_timeout(move || apply(follower), Duration::from_millis(500));
            return;
        }
        follower.held_since.set(None);
        follower.live.held.set(false);
        follower.settling.set(false);
        let live = follower.live;
        for event in follower.pending.take() {
            if let Some(shipment) = event.shipment_id {
                let change = super::Change {
                    entity: event.entity.clone(),
                    id: event.entity_id.clone(),
                    version: event.version,
                    seq: event.seq,
                };
                live.note_change(shipment, change);
            }
            live.remember(event.entity, event.entity_id, event.seq);
        }
        follower.refreshed_at.set(Some(Utc::now()));
        if follower.refetch_all.replace(false) {
            live.epoch.update(|e| *e += 1);
        } else {
            live.tick.update(|t| *t += 1);
        }
    }

    fn lost(follower: &Follower) {
        if !follower.live.connection.get_untracked().is_stale() {
            follower
                .live
                .connection
                .set(Connection::Reconnecting { since: Utc::now() });
        }
    }

    /// The three handlers of the stream, as the functions the browser calls.
    ///
    /// They are made once for the life of the follower (which is the page's) and every
    /// `EventSource` it opens gets these same three, so that a page open all shift, whose
    /// stream the server may refuse again and again (a restart, a session that ended), does
    /// not grow by a set of closures each time. A `Closure` dropped while its source may still
    /// call it would fail in the browser, so one made per source could only be forgotten; the
    /// handlers hand their Rust side to JavaScript (`into_js_value`) instead, and the follower
    /// keeps the functions: they and the follower they hold last as long as the page.
    struct Handlers {
        on_open: js_sys::Function,
        on_event: js_sys::Function,
        on_error: js_sys::Function,
    }

    impl Handlers {
        fn new(follower: &Rc<Follower>) -> Handlers {
            let on_open = {
                let follower = follower.clone();
                Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
                    let was_stale = follower.live.connection.get_untracked().is_stale();
                    follower.live.connection.set(Connection::Live);
                    follower.backoff_ms.set(1_000);
                    if was_stale {
                        // What changed meanwhile arrives as events too; fetching everything
                        // once more makes the page exactly what a fresh load would show. Like
                        // any refresh, it waits while a form is being filled in (typed while
                        // the connection or the database was away, say), which it would clear.
                        follower.refetch_all.set(true);
                        refresh_soon(&follower);
                    }
                })
            };
            let on_event = {
                let follower = follower.clone();
                Closure::<dyn FnMut(MessageEvent)>::new(move |message: MessageEvent| {
                    if let Ok(seq) = message.last_event_id().parse::<i64>() {
                        follower.last.set(Some(seq));
                    }
                    if message.type_() == RELOAD {
                        follower.live.epoch.update(|e| *e += 1);
                        return;
                    }
                    if message.type_() == ENDED {
                        // The session, token or account no longer gives access: the browser
                        // must not reconnect, but sign in again and come back here.
                        if let Some(source) = message
                            .target()
                            .and_then(|target| target.dyn_into::<EventSource>().ok())
                        {
                            source.close();
                        }
                        sign_in_again();
                        return;
                    }
                    if let Some(event) = message
                        .data()
                        .as_string()
                        .and_then(|data| serde_json::from_str::<LiveEvent>(&data).ok())
                    {
                        follower.pending.borrow_mut().push(event);
                        refresh_soon(&follower);
                    }
                })
            };
            let on_error = {
                let follower = follower.clone();
                Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
                    lost(&follower);
                    // The browser retries by itself unless the server refused the stream (a
                    // restart answering 502, an ended session): then open a new one, slowly.
                    let closed = event
                        .target()
                        .and_then(|target| target.dyn_into::<EventSource>().ok())
                        .is_some_and(|source| source.ready_state() == EventSource::CLOSED);
                    if closed {
                        reopen_unless_signed_out(follower.clone());
                    }
                })
            };
            Handlers {
                on_open: on_open.into_js_value().unchecked_into(),
                on_event: on_event.into_js_value().unchecked_into(),
                on_error: on_error.into_js_value().unchecked_into(),
            }
        }
    }

    /// Sends the browser to the sign-in page, which brings it back to this page; unless the
    /// person is signing out from it, and already on the way there.
    fn sign_in_again() {
        if SIGNING_OUT.with(std::cell::Cell::get) {
            return;
        }
        let location = window().location();
        let here = format!(
            "{}{}",
            location.pathname().unwrap_or_default(),
            location.search().unwrap_or_default()
        );
        // Always a path of this site (the sign-in page checks `next` again all the same).
        let target = if here == "/" {
            "/signin".to_string()
        } else {
            format!("/signin?next={}", js_sys::encode_uri_component(&here))
        };
        let _ = location.assign(&target);
    }

    /// After the server refused a stream: the sign-in page if the browser is no longer signed
    /// in (401), otherwise a new stream, later each time; every few seconds while the server
    /// says its database cannot be reached (503), so that the page is live again soon after.
    fn reopen_unless_signed_out(follower: Rc<Follower>) {
        let reopen = move |database_unavailable: bool| {
            let mut delay = follower.backoff_ms.get();
            if database_unavailable {
                delay = delay.min(DATABASE_RETRY_MS);
                let since = follower
                    .live
                    .connection
                    .get_untracked()
                    .since()
                    .unwrap_or_else(Utc::now);
                follower
                    .live
                    .connection
                    .set(Connection::DatabaseUnavailable { since });
            }
            follower.backoff_ms.set((delay * 2).min(30_000));
            let follower = follower.clone();
            set_timeout(move || open(follower), Duration::from_millis(delay));
        };
        let Ok(request) = web_sys::XmlHttpRequest::new() else {
            return reopen(false);
        };
        if request.open("POST", "/rpc/whoami").is_err() {
            return reopen(false);
        }
        let _ = request.set_request_header("accept", "application/json");
        let asked = request.clone();
        let on_done = Closure::once_into_js(move || match asked.status().unwrap_or(0) {
            401 => sign_in_again(),
            503 => reopen(true),
            _ => reopen(false),
        });
        request.set_onloadend(Some(on_done.unchecked_ref()));
        // A request that cannot be sent still ends (`loadend`, status 0): a new stream, later.
        let _ = request.send();
    }

    fn open(follower: Rc<Follower>) {
        let url = match follower.last.get() {
            Some(seq) => format!("/api/v1/live?after={seq}"),
            None => "/api/v1/live".to_string(),
        };
        let Ok(source) = EventSource::new(&url) else {
            lost(&follower);
            return;
        };
        let handlers = follower.handlers.get_or_init(|| Handlers::new(&follower));
        source.set_onopen(Some(&handlers.on_open));
        for name in event_names() {
            let _ = source.add_event_listener_with_callback(name, &handlers.on_event);
        }
        source.set_onerror(Some(&handlers.on_error));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeDelta;

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::<Utc>::UNIX_EPOCH + TimeDelta::seconds(1_000 + seconds)
    }

    #[test]
    fn the_highlight_lasts_from_the_first_row_that_shows_the_change() {
        let change = Recent::new("hold".into(), "7".into(), at(0));
        // The page took 2 s to fetch: the first row showing the change is made at 2 s.
        assert!(change.shown_by(at(2), at(2)));
        assert!(change.shown_by(at(2), at(4)));
        assert!(!change.shown_by(at(2), at(5)));
        // A row made again later (another change elsewhere) does not start it over.
        assert!(!change.shown_by(at(6), at(6)));
    }

    #[test]
    fn a_change_is_kept_until_shown_and_then_for_its_highlight() {
        let change = Recent::new("inspection".into(), "3".into(), at(0));
        assert!(change.remembered(at(SHOWN_WITHIN_SECONDS - 1)));
        assert!(!change.remembered(at(SHOWN_WITHIN_SECONDS)));
        let shown = Recent::new("inspection".into(), "4".into(), at(0));
        shown.shown_by(at(1), at(1));
        assert!(shown.remembered(at(1 + HIGHLIGHT_SECONDS - 1)));
        assert!(!shown.remembered(at(1 + HIGHLIGHT_SECONDS)));
    }
}
