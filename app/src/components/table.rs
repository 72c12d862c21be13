//! The heads of a table's columns, written once for every table that lists records.

use leptos::prelude::*;

/// One row of column heads, in order; the columns named in `numeric` hold figures and are
/// right-aligned like them.
#[component]
pub fn ColumnHeads(
    names: &'static [&'static str],
    #[prop(optional)] numeric: &'static [&'static str],
) -> impl IntoView {
    view! {
        <tr>
            {names
                .iter()
                .map(|&name| {
                    let class = numeric.contains(&name).then_some("num");
                    view! {
                        <th scope="col" class=class>
                            {name}
                        </th>
                    }
                })
                .collect_view()}
        </tr>
    }
}
