//! The sentences of the declaration endpoints (`/api/v1/shipments`, `…/import`) that the
//! server crate builds around a body: its type, size, arrival and shape. In the language of
//! the request (`Accept-Language`), from the `manifests` catalogue.

use crate::i18n::td_string;
use crate::lang::{self, format};

/// No `Content-Type` given: what to send.
pub fn send_as(expected: &str) -> String {
    td_string!(lang::current(), manifests.api.send_as, expected = expected).to_string()
}

/// Another `Content-Type` given than the one read.
pub fn reads(expected: &str, given: &str) -> String {
    td_string!(
        lang::current(),
        manifests.api.reads,
        expected = expected,
        given = given
    )
    .to_string()
}

/// A body over `megabytes`.
pub fn too_large(megabytes: usize) -> String {
    let l = lang::current();
    let size = format::integer(l, megabytes as i64);
    td_string!(l, manifests.api.too_large, size = size).to_string()
}

pub fn unreadable(error: &dyn std::fmt::Display) -> String {
    td_string!(lang::current(), manifests.api.unreadable, error = error).to_string()
}

/// A body slower to arrive than `seconds`.
pub fn too_slow(seconds: u64) -> String {
    td_string!(lang::current(), manifests.api.too_slow, seconds = seconds).to_string()
}

pub fn not_json(error: &dyn std::fmt::Display) -> String {
    td_string!(lang::current(), manifests.api.not_json, error = error).to_string()
}

pub fn not_declaration() -> String {
    td_string!(lang::current(), manifests.api.not_declaration).to_string()
}

pub fn empty_batch() -> String {
    td_string!(lang::current(), manifests.api.empty_batch).to_string()
}

/// A batch of `count` declarations, over `max`.
pub fn batch_too_large(count: usize, max: usize) -> String {
    let l = lang::current();
    td_string!(
        l,
        manifests.api.batch_too_large,
        count = format::integer(l, count as i64),
        max = format::integer(l, max as i64)
    )
    .to_string()
}

/// Not one of `count` declarations can be read; the first `listed` problems follow.
pub fn none_readable(count: usize, listed: usize) -> String {
    let l = lang::current();
    td_string!(
        l,
        manifests.api.none_readable,
        count = format::integer(l, count as i64),
        listed = format::integer(l, listed as i64)
    )
    .to_string()
}

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

pub fn version() -> String {
    td_string!(lang::current(), manifests.api.version).to_string()
}

/// A period's end that is neither a date nor an instant.
pub fn not_date(text: &str) -> String {
    td_string!(lang::current(), manifests.api.not_date, text = text).to_string()
}

/// A query parameter the period does not take.
pub fn period_params() -> String {
    td_string!(lang::current(), manifests.api.period_params).to_string()
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
