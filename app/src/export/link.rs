//! The "Download CSV" link of a list page: a plain link to the API's CSV of the same list with
//! the page's filters (`/api/v1` takes the board's session, so no script is needed), which the
//! browser saves under the name the answer gives.

use crate::i18n::td_string;
use crate::lang;
use leptos::prelude::*;

/// The API address of a list's CSV: `path` with the filter's `query` (paging left out) and
/// `format=csv`.
pub fn csv_href(path: &str, query: &str) -> String {
    if query.is_empty() {
        format!("{path}?format=csv")
    } else {
        format!("{path}?{query}&format=csv")
    }
}

/// The link; `title` says what the file holds ("every hold matching this filter…").
#[component]
pub fn DownloadCsv(href: String, title: &'static str) -> impl IntoView {
    view! {
        <a class="download-csv" href=href download="" rel="external" title=title>
            {td_string!(lang::current(), export.download_csv)}
        </a>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_link_carries_the_filter_and_asks_for_csv() {
        assert_eq!(csv_href("/api/v1/ports", ""), "/api/v1/ports?format=csv");
        assert_eq!(
            csv_href("/api/v1/holds", "port=YVR&reason=documentation"),
            "/api/v1/holds?port=YVR&reason=documentation&format=csv"
        );
    }
}
