//! The register's server functions, for its page: the form's text read into a
//! [`super::NewRightsRequest`] and checked as the API checks it.

use super::RightsRequest;
use crate::error::AppError;
use leptos::prelude::*;

/// The marks typed one per line, the HS codes separated by commas, spaces or lines.
pub fn form_lists(marks: &str, goods: &str) -> (Vec<String>, Vec<String>) {
    let marks = marks
        .lines()
        .map(str::trim)
        .filter(|m| !m.is_empty())
        .map(str::to_string)
        .collect();
    let goods = goods
        .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .filter(|g| !g.is_empty())
        .map(str::to_string)
        .collect();
    (marks, goods)
}

/// Dollars as typed (`25000`, `25 000`, `25,000.50`, `25 000,50`) in cents; `None` when it is
/// no amount.
pub fn dollars_to_cents(text: &str) -> Option<i64> {
    let kept: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{a0}' && *c != '\u{202f}' && *c != '$')
        .collect();
    if kept.is_empty() {
        return Some(0);
    }
    // The last separator followed by one or two digits is the decimal one; the others group.
    let (whole, fraction) = match kept.rfind(['.', ',']) {
        Some(at) if (1..=2).contains(&(kept.len() - at - 1)) => (&kept[..at], &kept[at + 1..]),
        _ => (kept.as_str(), ""),
    };
    let whole: String = whole.chars().filter(|c| *c != ',' && *c != '.').collect();
    if whole.is_empty() || !whole.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    if !fraction.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let cents = format!("{fraction:0<2}").parse::<i64>().ok()?;
    whole
        .parse::<i64>()
        .ok()?
        .checked_mul(100)?
        .checked_add(cents)
}

/// The whole register, those in force today first.
#[server(prefix = "/rpc", endpoint = "rights_requests")]
pub async fn list_rights_requests() -> Result<Vec<RightsRequest>, AppError> {
    crate::auth::server::require(crate::domain::Action::Read, None).await?;
    let state = crate::state::app_state()?;
    super::db::list(&state.db.pool, chrono::Utc::now().date_naive()).await
}

/// The page's form as typed: lists and amounts as text, read by [`register_rights_request`].
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct RightsForm {
    pub rights_holder: String,
    /// One mark a line.
    pub marks: String,
    /// HS codes separated by commas, semicolons, spaces or lines.
    pub goods: String,
    pub goods_description: String,
    pub genuine_features: String,
    pub contact_name: String,
    pub contact_email: String,
    pub contact_phone: String,
    /// `YYYY-MM-DD`, or empty for today.
    pub valid_from: String,
    /// Dollars as typed.
    pub security: String,
    pub reason: String,
}

/// Registers a request from the page's form (analysts and administrators).
#[server(prefix = "/rpc", endpoint = "register_rights_request")]
pub async fn register_rights_request(request: RightsForm) -> Result<RightsRequest, AppError> {
    use crate::i18n::td_string;
    let caller =
        crate::auth::server::require(crate::domain::Action::ManageRightsRequests, None).await?;
    let state = crate::state::app_state()?;
    let (marks, goods) = form_lists(&request.marks, &request.goods);
    let valid_from = match request.valid_from.trim() {
        "" => None,
        day => Some(day.parse().map_err(|_| {
            AppError::invalid(
                "valid_from",
                td_string!(crate::lang::current(), api.day_invalid, value = day).to_string(),
            )
        })?),
    };
    let security_cents = dollars_to_cents(&request.security).ok_or_else(|| {
        AppError::invalid(
            "security_cents",
            td_string!(
                crate::lang::current(),
                rights.page.amount_invalid,
                value = request.security.trim()
            )
            .to_string(),
        )
    })?;
    let request = super::NewRightsRequest {
        rights_holder: request.rights_holder,
        marks,
        goods,
        goods_description: request.goods_description,
        genuine_features: request.genuine_features,
        contact_name: request.contact_name,
        contact_email: request.contact_email,
        contact_phone: request.contact_phone,
        valid_from,
        security_cents,
        reason: request.reason,
    };
    let now = chrono::Utc::now();
    let checked = request.check(now.date_naive())?;
    super::db::register(&state.db.pool, &caller, &checked, now).await
}

/// Renews request `id` at `version` (analysts and administrators).
#[server(prefix = "/rpc", endpoint = "renew_rights_request")]
pub async fn renew_rights_request(
    id: i64,
    version: i64,
    reason: String,
) -> Result<RightsRequest, AppError> {
    let caller =
        crate::auth::server::require(crate::domain::Action::ManageRightsRequests, None).await?;
    let state = crate::state::app_state()?;
    super::db::renew(
        &state.db.pool,
        &caller,
        id,
        version,
        &reason,
        chrono::Utc::now(),
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_read_as_people_type_them_in_either_language() {
        assert_eq!(dollars_to_cents("25000"), Some(2_500_000));
        assert_eq!(dollars_to_cents("25 000"), Some(2_500_000));
        assert_eq!(dollars_to_cents("25,000.50"), Some(2_500_050));
        assert_eq!(dollars_to_cents("25\u{a0}000,5"), Some(2_500_050));
        assert_eq!(dollars_to_cents("$1,200"), Some(120_000));
        assert_eq!(dollars_to_cents(""), Some(0));
        assert_eq!(dollars_to_cents("lots"), None);
        assert_eq!(dollars_to_cents("-5"), None);
    }

    #[test]
    fn marks_are_one_a_line_and_codes_any_separator() {
        let (marks, goods) = form_lists("NORTH MAPLE\n\n Caribou \n", "6201, 64;4202 9503");
        assert_eq!(marks, ["NORTH MAPLE", "Caribou"]);
        assert_eq!(goods, ["6201", "64", "4202", "9503"]);
    }
}
