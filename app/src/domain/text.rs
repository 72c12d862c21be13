//! The free text people write into the record (reasons, notes): trimmed, required where the
//! record must say why, and bounded, checked the same way on both sides.

use crate::error::AppError;

/// The longest reason or note, in characters.
pub const MAX_TEXT_CHARS: usize = 1000;

/// Trims a reason or note and checks its length; `required` refuses an empty one.
pub fn check_text(field: &str, text: &str, required: bool) -> Result<String, AppError> {
    let text = text.trim();
    if required && text.is_empty() {
        return Err(AppError::invalid(field, said!(domain.text_required)));
    }
    if text.chars().count() > MAX_TEXT_CHARS {
        return Err(AppError::invalid(
            field,
            crate::i18n::td_string!(
                crate::lang::current(),
                domain.text_too_long,
                max = crate::lang::format::integer(crate::lang::current(), MAX_TEXT_CHARS as i64)
            )
            .to_string(),
        ));
    }
    Ok(text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_are_trimmed_required_and_bounded() {
        assert_eq!(
            check_text("reason", "  docs received ", true).unwrap(),
            "docs received"
        );
        assert!(check_text("reason", "   ", true).is_err());
        assert_eq!(check_text("notes", "", false).unwrap(), "");
        let long = "x".repeat(MAX_TEXT_CHARS + 1);
        assert!(matches!(
            check_text("notes", &long, false),
            Err(AppError::Invalid { field, .. }) if field == "notes"
        ));
    }
}
