//! The sentences of the declaration endpoints (`/api/v1/shipments`, `…/import`) that the
//! server crate writes about the declarations themselves: a refusal and its other reasons, and
//! where declarations came from. In the language of the request, from the `manifests`
//! catalogue.

use crate::i18n::td_string;
use crate::lang;

/// The reason of a refusal that gave none.
pub fn refused() -> String {
    td_string!(lang::current(), manifests.api.refused).to_string()
}

/// The first problem of a refused declaration, with the others after it
/// (`field: reason`, each).
pub fn with_others(first: &str, others: &[(String, String)]) -> String {
    let l = lang::current();
    let others: Vec<String> = others
        .iter()
        .map(|(field, reason)| {
            td_string!(
                l,
                manifests.api.field_reason,
                field = field,
                reason = reason
            )
            .to_string()
        })
        .collect();
    td_string!(
        l,
        manifests.api.also,
        first = first,
        others = others.join("; ")
    )
    .to_string()
}

/// Where declarations came from, for the journal's why: the API.
pub fn source_api() -> String {
    td_string!(lang::current(), manifests.api.source_api).to_string()
}

/// Where declarations came from: a manifest, by its name when it has one.
pub fn source_manifest(name: Option<&str>) -> String {
    let l = lang::current();
    match name {
        Some(name) => td_string!(l, manifests.api.source_manifest, name = name).to_string(),
        None => td_string!(l, manifests.api.source_upload).to_string(),
    }
}
