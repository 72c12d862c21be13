//! Keeps the keyboard's place when the board redraws a record. A live refresh replaces a
//! list's rows with new ones; the control that had the focus (a row's assign list, its claim
//! button, the row itself) is then gone, and the browser would put the focus back at the top
//! of the page. Each focused control of a record is remembered by what names it (the record's
//! `data-*` id and the control's own name or label), and when it leaves the page while it has
//! the focus, the same control of the same record gets the focus as soon as it is drawn again.

/// The attributes that name the record a row or a panel shows.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
const RECORD_IDS: [&str; 6] = [
    "data-inspection",
    "data-hold",
    "data-shipment",
    "data-rule",
    "data-account",
    "data-port",
];

/// How long after losing its control the focus may still be given back to it.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
const GIVE_BACK_WITHIN_MS: f64 = 10_000.0;

/// `value` inside the double quotes of a CSS attribute selector.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
fn quoted(value: &str) -> String {
    value.replace('\\', "\\\\").replace('"', "\\\"")
}

/// The selector that finds the same control of the same record after a redraw: `record` is
/// the record's (tag, attribute, value), `control` the control's (tag, [(attribute, value)]),
/// or `None` when the record itself has the focus.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
fn selector(record: (&str, &str, &str), control: Option<(&str, &[(&str, String)])>) -> String {
    let (tag, attribute, value) = record;
    let mut found = format!("{tag}[{attribute}=\"{}\"]", quoted(value));
    if let Some((tag, attributes)) = control {
        found.push(' ');
        found.push_str(tag);
        for (name, value) in attributes {
            found.push_str(&format!("[{name}=\"{}\"]", quoted(value)));
        }
    }
    found
}

/// Starts keeping the focus (in the browser; once per page).
pub fn keep_focus() {
    #[cfg(feature = "hydrate")]
    browser::install();
}

#[cfg(feature = "hydrate")]
mod browser {
    use super::{GIVE_BACK_WITHIN_MS, RECORD_IDS, selector};
    use leptos::prelude::document;
    use std::cell::{Cell, RefCell};
    use wasm_bindgen::{JsCast, closure::Closure};
    use web_sys::{Element, HtmlElement, MutationObserver, MutationObserverInit};

    /// The control that has (or last had) the focus, the selector that finds it again, and
    /// since when it has been gone.
    struct Kept {
        element: Element,
        selector: String,
        gone_since: Option<f64>,
    }

    thread_local! {
        static KEPT: RefCell<Option<Kept>> = const { RefCell::new(None) };
        static INSTALLED: Cell<bool> = const { Cell::new(false) };
    }

    fn now() -> f64 {
        js_sys::Date::now()
    }

    /// The selector of `element`, when it belongs to a record on the board.
    fn key(element: &Element) -> Option<String> {
        let any = RECORD_IDS.map(|a| format!("[{a}]")).join(",");
        let record = element.closest(&any).ok().flatten()?;
        let (attribute, value) = RECORD_IDS
            .iter()
            .find_map(|a| record.get_attribute(a).map(|v| (*a, v)))?;
        let record_tag = record.tag_name().to_ascii_lowercase();
        if record == *element {
            return Some(selector((&record_tag, attribute, &value), None));
        }
        let tag = element.tag_name().to_ascii_lowercase();
        let attributes: Vec<(&str, String)> = ["name", "aria-label", "type", "value"]
            .into_iter()
            .filter(|a| !(*a == "value" && tag == "select"))
            .filter_map(|a| element.get_attribute(a).map(|v| (a, v)))
            .collect();
        Some(selector(
            (&record_tag, attribute, &value),
            Some((&tag, &attributes)),
        ))
    }

    fn nothing_focused() -> bool {
        let document = document();
        match document.active_element() {
            None => true,
            Some(active) => document.body().is_some_and(|body| *body == active),
        }
    }

    /// After the page changed: the kept control, when it left the page with the focus, gets
    /// it back as soon as its record's new row has it.
    fn give_back() {
        KEPT.with(|kept| {
            let mut kept = kept.borrow_mut();
            let Some(k) = kept.as_mut() else {
                return;
            };
            if k.element.is_connected() {
                return;
            }
            let since = *k.gone_since.get_or_insert_with(now);
            if now() - since > GIVE_BACK_WITHIN_MS {
                *kept = None;
                return;
            }
            if !nothing_focused() {
                return;
            }
            let Some(again) = document()
                .query_selector(&k.selector)
                .ok()
                .flatten()
                .and_then(|e| e.dyn_into::<HtmlElement>().ok())
            else {
                return;
            };
            let _ = again.focus();
            k.element = again.into();
            k.gone_since = None;
        });
    }

    pub fn install() {
        if INSTALLED.with(|i| i.replace(true)) {
            return;
        }
        let document = document();
        let on_focus_in = Closure::<dyn FnMut(web_sys::Event)>::new(|event: web_sys::Event| {
            let Some(element) = event.target().and_then(|t| t.dyn_into::<Element>().ok()) else {
                return;
            };
            let inside = element.closest("main").ok().flatten().is_some();
            let kept = inside
                .then(|| key(&element))
                .flatten()
                .map(|selector| Kept {
                    element,
                    selector,
                    gone_since: None,
                });
            KEPT.with(|k| *k.borrow_mut() = kept);
        });
        let on_focus_out = Closure::<dyn FnMut(web_sys::Event)>::new(|event: web_sys::Event| {
            let Some(element) = event.target().and_then(|t| t.dyn_into::<Element>().ok()) else {
                return;
            };
            // Left by the person (the control is still there and nothing took the focus):
            // nothing to give back.
            let left = Closure::once_into_js(move || {
                if element.is_connected() && nothing_focused() {
                    KEPT.with(|k| {
                        let mut k = k.borrow_mut();
                        if k.as_ref().is_some_and(|kept| kept.element == element) {
                            *k = None;
                        }
                    });
                }
            });
            let _ = leptos::prelude::window()
                .set_timeout_with_callback_and_timeout_and_arguments_0(left.unchecked_ref(), 0);
        });
        let _ = document
            .add_event_listener_with_callback("focusin", on_focus_in.as_ref().unchecked_ref());
        let _ = document
            .add_event_listener_with_callback("focusout", on_focus_out.as_ref().unchecked_ref());
        on_focus_in.forget();
        on_focus_out.forget();
        let on_change = Closure::<dyn FnMut(js_sys::Array, MutationObserver)>::new(
            |_: js_sys::Array, _: MutationObserver| give_back(),
        );
        if let (Ok(observer), Some(body)) = (
            MutationObserver::new(on_change.as_ref().unchecked_ref()),
            document.body(),
        ) {
            let options = MutationObserverInit::new();
            options.set_child_list(true);
            options.set_subtree(true);
            let _ = observer.observe_with_options(&body, &options);
        }
        on_change.forget();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_control_is_found_by_its_record_and_its_name() {
        assert_eq!(
            selector(
                ("tr", "data-inspection", "42"),
                Some(("select", &[("aria-label", "Assign inspection #42".into())]))
            ),
            r#"tr[data-inspection="42"] select[aria-label="Assign inspection #42"]"#
        );
        assert_eq!(
            selector(("tr", "data-hold", "7"), None),
            r#"tr[data-hold="7"]"#
        );
        assert_eq!(quoted(r#"say "hi" \ there"#), r#"say \"hi\" \\ there"#);
    }
}
