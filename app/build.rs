//! Builds the string catalogue (`../locales/<language>/<area>.json`) into the `i18n` module,
//! and refuses to build when the languages disagree: a key, or a `{{ value }}` a sentence
//! takes, present in one language and not in the other, or a sentence left empty. A missing
//! translation therefore fails the build instead of showing English to a French reader.
//! Plural forms (`…_one`, `…_other`) are refused too: the catalogue is built without ICU's
//! data, so a count's two forms are written as `…_single` / `…_several` and the code chooses
//! with `lang::singular`.

use leptos_i18n_build::{Config, ParseOptions, TranslationsInfos};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const LANGUAGES: [&str; 2] = ["en", "fr"];
const PLURAL_SUFFIXES: [&str; 6] = ["_zero", "_one", "_two", "_few", "_many", "_other"];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?);
    // `sqlx::migrate!` embeds the migrations in `db.rs` but cannot tell Cargo to watch them: a
    // new migration must rebuild this crate, or a cached build would run without it.
    println!(
        "cargo::rerun-if-changed={}",
        manifest.join("../migrations").display()
    );
    let root = manifest.join("../locales");
    println!("cargo::rerun-if-changed={}", root.display());
    let areas = areas(&root.join(LANGUAGES[0]))?;
    let mut faults = Vec::new();
    for area in &areas {
        let mut keys = Vec::new();
        for language in LANGUAGES {
            let path = root.join(language).join(format!("{area}.json"));
            println!("cargo::rerun-if-changed={}", path.display());
            match read(&path) {
                Ok(value) => {
                    let mut flat = BTreeMap::new();
                    flatten("", &value, &mut flat);
                    for (key, text) in &flat {
                        if text.trim().is_empty() {
                            faults.push(format!("{language}/{area}.json: `{key}` is empty"));
                        }
                    }
                    plural_forms("", &value, &mut |key| {
                        faults.push(format!(
                            "{language}/{area}.json: `{key}` is a plural form: write \
                             `…_single` and `…_several` and choose with `lang::singular`"
                        ))
                    });
                    keys.push((language, flat));
                }
                Err(e) => faults.push(format!("{}: {e}", path.display())),
            }
        }
        if let [(first, a), (second, b)] = &keys[..] {
            compare(area, (first, a), (second, b), &mut faults);
            compare(area, (second, b), (first, a), &mut faults);
        }
    }
    if !faults.is_empty() {
        for fault in &faults {
            println!("cargo::error=string catalogue: {fault}");
        }
        return Err(format!("the string catalogue has {} faults", faults.len()).into());
    }

    let config = Config::new(LANGUAGES[0])?
        .add_locales(&LANGUAGES[1..])?
        .locales_path(root.to_string_lossy().into_owned())
        .add_namespaces(&areas)?
        .parse_options(ParseOptions::default().interpolate_display(true));
    let infos = TranslationsInfos::parse(config)?;
    infos.emit_diagnostics();
    infos.rerun_if_locales_changed();
    infos.generate_i18n_module(PathBuf::from(std::env::var("OUT_DIR")?).join("i18n"))?;
    Ok(())
}

/// The catalogue's areas: one JSON file per area in the first language's folder.
fn areas(dir: &Path) -> Result<Vec<String>, Box<dyn std::error::Error>> {
    let mut areas = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "json")
            && let Some(stem) = path.file_stem().and_then(|s| s.to_str())
        {
            areas.push(stem.to_string());
        }
    }
    areas.sort();
    Ok(areas)
}

fn read(path: &Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    serde_json::from_str(&text).map_err(|e| e.to_string())
}

/// Every sentence under its dotted key, plural forms folded into their key.
fn flatten(prefix: &str, value: &Value, out: &mut BTreeMap<String, String>) {
    match value {
        Value::Object(map) => {
            for (key, value) in map {
                let key = PLURAL_SUFFIXES
                    .iter()
                    .find_map(|suffix| key.strip_suffix(suffix))
                    .unwrap_or(key);
                let path = if prefix.is_empty() {
                    key.to_string()
                } else {
                    format!("{prefix}.{key}")
                };
                flatten(&path, value, out);
            }
        }
        Value::String(text) => {
            out.entry(prefix.to_string())
                .and_modify(|all: &mut String| {
                    all.push('\u{1f}');
                    all.push_str(text);
                })
                .or_insert_with(|| text.clone());
        }
        other => {
            out.insert(prefix.to_string(), other.to_string());
        }
    }
}

/// Calls `found` with each key that leptos_i18n would read as a plural form.
fn plural_forms(prefix: &str, value: &Value, found: &mut dyn FnMut(String)) {
    if let Value::Object(map) = value {
        for (key, value) in map {
            let path = if prefix.is_empty() {
                key.clone()
            } else {
                format!("{prefix}.{key}")
            };
            if PLURAL_SUFFIXES.iter().any(|suffix| key.ends_with(suffix)) {
                found(path.clone());
            }
            plural_forms(&path, value, found);
        }
    }
}

/// The `{{ name }}` values a sentence takes.
fn values(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else { break };
        found.insert(after[..end].trim().to_string());
        rest = &after[end + 2..];
    }
    found
}

fn compare(
    area: &str,
    (lang, ours): (&str, &BTreeMap<String, String>),
    (other_lang, theirs): (&str, &BTreeMap<String, String>),
    faults: &mut Vec<String>,
) {
    for (key, text) in ours {
        match theirs.get(key) {
            None => faults.push(format!(
                "{area}.{key} is in {lang} but has no {other_lang} translation"
            )),
            Some(other) if lang < other_lang && values(text) != values(other) => {
                faults.push(format!(
                    "{area}.{key} takes {:?} in {lang} but {:?} in {other_lang}",
                    values(text),
                    values(other)
                ))
            }
            Some(_) => {}
        }
    }
}
