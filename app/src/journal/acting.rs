//! What every action on a versioned record shares, whatever the record: how a person signs
//! the record, the refusal of a change based on a stale view ("changed by X while you were
//! looking at it"), and who acted on a record last, read from the journal.

use crate::error::AppError;
use crate::i18n::td_string;
use serde_json::Value;
use sqlx::{AnyPool, Row};

/// How an account signs the records it changes: "Yasmin Roy (Y1025)".
pub fn signature(display_name: &str, badge: Option<&str>) -> String {
    match badge {
        Some(badge) => format!("{display_name} ({badge})"),
        None => display_name.to_string(),
    }
}

/// The refusal of a change made on a record that has changed since it was read: 409, with the
/// record as it now is.
pub fn stale<T: serde::Serialize>(what: &str, current: &T, changed_by: Option<&str>) -> AppError {
    let message = match changed_by {
        Some(who) => td_string!(
            crate::lang::current(),
            errors.stale_changed_by,
            what = what,
            who = who
        )
        .to_string(),
        None => td_string!(crate::lang::current(), errors.stale, what = what).to_string(),
    };
    AppError::Stale {
        message,
        current: serde_json::to_value(current).unwrap_or(Value::Null),
    }
}

/// Refuses a change when the caller says which version it saw and that is not the current
/// one. A caller that names no version acts on the record as it is.
pub fn check_version<T: serde::Serialize>(
    what: &str,
    current: &T,
    current_version: i64,
    seen: Option<i64>,
) -> Result<(), AppError> {
    match seen {
        Some(seen) if seen != current_version => Err(stale(what, current, None)),
        _ => Ok(()),
    }
}

/// Who last changed a record, from the journal.
pub async fn last_actor(pool: &AnyPool, entity: &str, id: i64) -> Option<String> {
    sqlx::query(
        "select actor from journal where entity = $1 and entity_id = $2 order by seq desc limit 1",
    )
    .bind(entity)
    .bind(id.to_string())
    .fetch_optional(pool)
    .await
    .ok()
    .flatten()
    .and_then(|row| row.try_get::<String, _>("actor").ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_badge_follows_the_name() {
        assert_eq!(signature("Yasmin Roy", Some("Y1025")), "Yasmin Roy (Y1025)");
        assert_eq!(signature("Administrator", None), "Administrator");
    }

    #[test]
    fn a_stale_view_is_refused_with_the_record_as_it_is() {
        let current = serde_json::json!({ "id": 7, "version": 3 });
        assert!(check_version("hold #7", &current, 3, Some(3)).is_ok());
        assert!(check_version("hold #7", &current, 3, None).is_ok());
        match check_version("hold #7", &current, 3, Some(2)) {
            Err(AppError::Stale { message, current }) => {
                assert_eq!(
                    message,
                    "hold #7 has changed since you looked at it; check it again"
                );
                assert_eq!(current["version"], 3);
            }
            other => panic!("{other:?}"),
        }
        let AppError::Stale { message, .. } =
            stale("inspection #9", &current, Some("Ann Lee (A1)"))
        else {
            panic!("stale");
        };
        assert_eq!(
            message,
            "inspection #9 was changed by Ann Lee (A1) while you were looking at it; check it again"
        );
    }

    #[test]
    fn a_stale_view_is_refused_in_french_too() {
        let current = serde_json::json!({ "id": 7, "version": 3 });
        let said = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(crate::lang::serve_in(crate::lang::Locale::fr, async {
                (
                    stale("retenue nº 7", &current, None).to_string(),
                    stale("examen nº 9", &current, Some("Ann Lee (A1)")).to_string(),
                    AppError::not_found(AppError::port_named("YUL")).to_string(),
                )
            }));
        assert_eq!(
            said.0,
            "modification faite depuis votre consultation (retenue nº 7)\u{a0}; vérifiez de nouveau"
        );
        assert_eq!(
            said.1,
            "modification faite par Ann Lee (A1) pendant votre consultation (examen nº 9)\u{a0}; \
             vérifiez de nouveau"
        );
        assert_eq!(said.2, "introuvable\u{a0}: point d’entrée YUL");
    }
}
