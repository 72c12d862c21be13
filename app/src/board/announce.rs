//! What the live board says to a screen reader, in one polite live region: a new overdue item
//! at the person's ports, the connection lost, the connection back. Never each row that
//! changes, and at most one sentence set every [`QUIET_MS`]: what comes meanwhile waits and
//! is said together (the connection's latest state, the overdue items added up).

use crate::components::clock::use_now;
use crate::components::me::MeResource;
use crate::i18n::td_string;
use crate::live::client::use_live;
use leptos::prelude::*;

/// The shortest time between two announcements.
pub const QUIET_MS: i64 = 5_000;
/// How often the overdue count is read again when nothing has changed on the board (time
/// alone makes items overdue).
pub const OVERDUE_EVERY_MS: i64 = 30_000;

/// What waits to be said.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Waiting {
    /// The connection's latest change: `Some(true)` lost, `Some(false)` back.
    pub lost: Option<bool>,
    /// Items newly overdue since the last announcement.
    pub overdue: i64,
}

/// The throttle: what waits, and when something was last said.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Announcements {
    pub waiting: Waiting,
    pub said_at: Option<i64>,
}

impl Announcements {
    /// The connection was lost (`true`) or is back (`false`); the latest change wins, and a
    /// loss and return in one quiet window cancel out.
    pub fn connection(&mut self, lost: bool) {
        self.waiting.lost = match self.waiting.lost {
            Some(before) if before != lost => None,
            _ => Some(lost),
        };
    }

    pub fn overdue(&mut self, more: i64) {
        self.waiting.overdue += more.max(0);
    }

    /// What to say at `now` (milliseconds), if anything waits and the last announcement is
    /// old enough; it then counts as said.
    pub fn due(&mut self, now: i64) -> Option<Waiting> {
        if self.waiting == Waiting::default() || self.said_at.is_some_and(|at| now - at < QUIET_MS)
        {
            return None;
        }
        self.said_at = Some(now);
        Some(std::mem::take(&mut self.waiting))
    }
}

/// The sentences of one announcement, in the page's language.
fn sentences(waiting: Waiting) -> String {
    let locale = crate::lang::current();
    let mut said = vec![];
    match waiting.lost {
        Some(true) => said.push(td_string!(locale, a11y.connection_lost).to_string()),
        Some(false) => said.push(td_string!(locale, a11y.connection_back).to_string()),
        None => {}
    }
    if waiting.overdue > 0 {
        // Two sentences chosen here: plural rules need data the page does not carry.
        said.push(if waiting.overdue == 1 {
            td_string!(locale, a11y.overdue_one_more).to_string()
        } else {
            td_string!(locale, a11y.overdue_more, count = waiting.overdue).to_string()
        });
    }
    said.join(" ")
}

/// The page's one polite live region.
#[component]
pub fn LiveAnnouncer() -> impl IntoView {
    let live = use_live();
    let now = use_now();
    let me = use_context::<MeResource>();
    let said = RwSignal::new(String::new());
    let queue = StoredValue::new(Announcements::default());
    // The connection: only its changes between live and not live.
    Effect::new(move |before: Option<bool>| {
        let stale = live.connection.get().is_stale();
        if let Some(before) = before
            && before != stale
        {
            queue.update_value(|q| q.connection(stale));
        }
        stale
    });
    // Overdue items at the person's ports: read again after the board changed (at most once
    // per quiet window) and every half minute.
    let overdue = StoredValue::new(None::<i64>);
    let read_at = StoredValue::new(None::<(i64, u64)>);
    Effect::new(move |_| {
        let _ = now.get();
        let tick = live.tick.get() + live.epoch.get();
        let at = chrono::Utc::now().timestamp_millis();
        let read = read_at.get_value();
        let wanted = match read {
            None => true,
            Some((when, seen)) => {
                (seen != tick && at - when >= QUIET_MS) || at - when >= OVERDUE_EVERY_MS
            }
        };
        let Some(me) = me
            .and_then(|m| m.0.get_untracked())
            .and_then(|m| m.ok().flatten())
        else {
            return;
        };
        if !wanted || live.connection.get_untracked().is_stale() {
            return;
        }
        read_at.set_value(Some((at, tick)));
        leptos::task::spawn_local(async move {
            let Ok(overview) = crate::ports::get_overview().await else {
                return;
            };
            let count: i64 = overview
                .ports
                .iter()
                .filter(|p| me.ports.covers(&p.code))
                .map(|p| p.holds_overdue + p.inspections_overdue)
                .sum();
            if let Some(before) = overdue.get_value()
                && count > before
            {
                queue.update_value(|q| q.overdue(count - before));
            }
            overdue.set_value(Some(count));
        });
    });
    // Say what waits, when the last announcement is old enough.
    Effect::new(move |_| {
        let _ = now.get();
        let at = chrono::Utc::now().timestamp_millis();
        let mut due = None;
        queue.update_value(|q| due = q.due(at));
        if let Some(waiting) = due {
            said.set(sentences(waiting));
        }
    });
    view! {
        <div id="announcer" class="visually-hidden" role="status" aria-live="polite">
            {move || said.get()}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_is_said_twice_within_the_quiet_window() {
        let mut a = Announcements::default();
        a.connection(true);
        assert_eq!(
            a.due(1_000),
            Some(Waiting {
                lost: Some(true),
                overdue: 0
            })
        );
        // Back a second later, and two overdue items: all of it waits for the window to end.
        a.connection(false);
        a.overdue(1);
        a.overdue(1);
        assert_eq!(a.due(2_000), None);
        assert_eq!(a.due(5_999), None);
        assert_eq!(
            a.due(6_000),
            Some(Waiting {
                lost: Some(false),
                overdue: 2
            })
        );
        // Nothing waits: nothing is said, and the window is not restarted.
        assert_eq!(a.due(20_000), None);
        assert_eq!(a.said_at, Some(6_000));
    }

    #[test]
    fn a_loss_and_return_within_one_window_cancel_out() {
        let mut a = Announcements {
            said_at: Some(0),
            ..Default::default()
        };
        a.connection(true);
        a.connection(false);
        assert_eq!(a.due(10_000), None);
    }

    #[test]
    fn the_sentences_are_in_the_language_of_the_page() {
        let said = sentences(Waiting {
            lost: Some(true),
            overdue: 3,
        });
        assert!(said.contains("connection to the board is lost"), "{said}");
        assert!(said.contains("3 more items are overdue"), "{said}");
        let locale = crate::lang::Locale::fr;
        assert!(
            td_string!(locale, a11y.overdue_more, count = 2)
                .to_string()
                .contains("2 éléments de plus")
        );
    }
}
