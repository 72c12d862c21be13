//! Tables that list records: the table with one row per record, and the heads of its columns.

use leptos::prelude::*;

/// One row of column heads, in order; the columns named in `numeric` hold figures and are
/// right-aligned like them.
#[component]
pub fn ColumnHeads(
    names: &'static [&'static str],
    #[prop(optional)] numeric: &'static [&'static str],
    /// A last column of buttons, its head read out but not shown: "Actions".
    #[prop(optional)]
    actions: Option<&'static str>,
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
            {actions
                .map(|name| {
                    view! {
                        <th scope="col">
                            <span class="visually-hidden">{name}</span>
                        </th>
                    }
                })}
        </tr>
    }
}

/// A cell naming a shipment, linked to its page, with what the goods are under it.
#[component]
pub fn ShipmentCell(id: i64, reference: String, description: String) -> impl IntoView {
    view! {
        <td>
            <a href=super::moment::keep_at(format!("/shipments/{id}")) class="shipment-link">
                {reference}
            </a>
            <div class="sub">{description}</div>
        </td>
    }
}

/// A cell naming a port, linked to its page.
#[component]
pub fn PortCell(code: String) -> impl IntoView {
    view! {
        <td>
            <a href=super::moment::keep_at(format!("/ports/{code}"))>{code.clone()}</a>
        </td>
    }
}

/// A table of records, one row each; `empty`, when given, is said instead of an empty table.
#[component]
pub fn RecordTable<R, H, V>(
    /// Names the table for the style sheet: `holds` gives `grid holds`.
    class: &'static str,
    #[prop(optional)] label: Option<&'static str>,
    /// The row of column heads.
    heads: H,
    records: Vec<R>,
    row: impl FnMut(R) -> V,
    #[prop(optional)] empty: Option<&'static str>,
) -> impl IntoView
where
    H: IntoView + 'static,
    V: IntoView + 'static,
{
    if let Some(empty) = empty.filter(|_| records.is_empty()) {
        return view! { <p class="empty">{empty}</p> }.into_any();
    }
    view! {
        // Narrower than its table, the page scrolls the table in its own box, not sideways.
        <div class="table-wrap">
            <table class=format!("grid {class}") aria-label=label>
                <thead>{heads}</thead>
                <tbody>{records.into_iter().map(row).collect_view()}</tbody>
            </table>
        </div>
    }
    .into_any()
}
