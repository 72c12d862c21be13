//! The journal: an append-only record of every change — who, when, what, before and after,
//! and why. Shipment timelines are read from it.

use crate::domain::{HoldReason, InspectionKind, Outcome, Referral};
use crate::i18n::td_string;
use crate::lang;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub mod acting;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod refusals;
#[cfg(feature = "ssr")]
pub mod request;

/// One recorded change, as read back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct JournalEntry {
    /// Position in the journal; strictly increasing in commit order of the inserting
    /// transactions on one database.
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub entity: String,
    pub entity_id: String,
    pub shipment_id: Option<i64>,
    pub port_code: Option<String>,
    pub action: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub reason: Option<String>,
}

impl JournalEntry {
    /// A sentence for the timeline: "Hold #12 released — documents received", in the
    /// language spoken. An action the catalogue does not name is shown by its code.
    pub fn headline(&self) -> String {
        let locale = lang::current();
        let subject = self.subject();
        let action = self
            .action_words()
            .map(str::to_string)
            .unwrap_or_else(|| self.action.replace('_', " "));
        let detail = self.after.as_ref().and_then(|after| {
            let code = |key: &str| after.get(key).and_then(|v| v.as_str());
            code("outcome")
                .and_then(Outcome::parse)
                .map(|o| o.label().to_string())
                .or_else(|| {
                    code("kind")
                        .and_then(InspectionKind::parse)
                        .map(|k| k.label().to_string())
                })
                .or_else(|| {
                    code("reason")
                        .and_then(HoldReason::parse)
                        .map(|r| r.label().to_string())
                })
                .or_else(|| {
                    code("referral")
                        .and_then(Referral::parse)
                        .map(|r| r.label().to_string())
                })
        });
        match detail {
            Some(detail) => td_string!(
                locale,
                domain.journal.headline_detail,
                subject = subject,
                action = action,
                detail = detail
            )
            .to_string(),
            None => td_string!(
                locale,
                domain.journal.headline,
                subject = subject,
                action = action
            )
            .to_string(),
        }
    }

    /// What was changed: "Hold #12", "Shipment".
    fn subject(&self) -> String {
        let locale = lang::current();
        let id = &self.entity_id;
        match self.entity.as_str() {
            "shipment" => td_string!(locale, domain.journal.shipment).to_string(),
            "hold" => td_string!(locale, domain.journal.hold, id = id).to_string(),
            "inspection" => td_string!(locale, domain.journal.inspection, id = id).to_string(),
            "detention" => td_string!(locale, domain.journal.detention, id = id).to_string(),
            other => format!("{} #{id}", capitalise(other)),
        }
    }

    /// What was done, in words that agree with the subject, when the catalogue names it.
    fn action_words(&self) -> Option<&'static str> {
        let locale = lang::current();
        Some(match (self.entity.as_str(), self.action.as_str()) {
            ("hold", "placed") => td_string!(locale, domain.journal.hold_placed),
            ("hold", "examination_begun") => {
                td_string!(locale, domain.journal.hold_examination_begun)
            }
            ("hold", "seizure_requested") => {
                td_string!(locale, domain.journal.hold_seizure_requested)
            }
            ("hold", "seized") => td_string!(locale, domain.journal.hold_seized),
            ("hold", "released") => td_string!(locale, domain.journal.hold_released),
            ("hold", "referred") => td_string!(locale, domain.journal.hold_referred),
            ("hold", "returned") => td_string!(locale, domain.journal.hold_returned),
            ("hold", "clock_paused") => td_string!(locale, domain.journal.hold_clock_paused),
            ("hold", "clock_resumed") => td_string!(locale, domain.journal.hold_clock_resumed),
            ("hold", "note_added") => td_string!(locale, domain.journal.note_added),
            ("inspection", "opened") => td_string!(locale, domain.journal.inspection_opened),
            ("inspection", "assigned") => td_string!(locale, domain.journal.inspection_assigned),
            ("inspection", "unassigned") => {
                td_string!(locale, domain.journal.inspection_unassigned)
            }
            ("inspection", "started") => td_string!(locale, domain.journal.inspection_started),
            ("inspection", "completed") => {
                td_string!(locale, domain.journal.inspection_completed)
            }
            ("inspection", "cancelled") => {
                td_string!(locale, domain.journal.inspection_cancelled)
            }
            ("inspection", "handed_over") => {
                td_string!(locale, domain.journal.inspection_handed_over)
            }
            ("shipment", "declared") => td_string!(locale, domain.journal.shipment_declared),
            ("shipment", "declaration_updated") => {
                td_string!(locale, domain.journal.shipment_declaration_updated)
            }
            ("shipment", "referral_issued") => {
                td_string!(locale, domain.journal.shipment_referral_issued)
            }
            ("shipment", "note_added") => td_string!(locale, domain.journal.note_added),
            ("detention", "notice_sent") => {
                td_string!(locale, domain.journal.detention_notice_sent)
            }
            ("detention", "extended") => td_string!(locale, domain.journal.detention_extended),
            ("detention", "proceedings") => {
                td_string!(locale, domain.journal.detention_proceedings)
            }
            ("detention", "not_counterfeit") => {
                td_string!(locale, domain.journal.detention_not_counterfeit)
            }
            ("detention", "no_action") => td_string!(locale, domain.journal.detention_no_action),
            ("detention", "seized") => td_string!(locale, domain.journal.detention_seized),
            ("detention", "abandoned") => td_string!(locale, domain.journal.detention_abandoned),
            _ => return None,
        })
    }
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(entity: &str, action: &str, after: serde_json::Value) -> JournalEntry {
        JournalEntry {
            seq: 1,
            at: Utc::now(),
            actor: "someone".into(),
            entity: entity.into(),
            entity_id: "12".into(),
            shipment_id: Some(3),
            port_code: Some("YVR".into()),
            action: action.into(),
            before: None,
            after: Some(after),
            reason: None,
        }
    }

    #[test]
    fn headlines_read_as_sentences_with_what_matters() {
        let e = entry(
            "inspection",
            "completed",
            serde_json::json!({"outcome": "seizure"}),
        );
        assert_eq!(e.headline(), "Inspection #12 completed: Finding: seizure");
        let e = entry("inspection", "opened", serde_json::json!({"kind": "xray"}));
        assert_eq!(
            e.headline(),
            "Inspection #12 opened: Non-intrusive (X-ray / gamma)"
        );
        let e = entry(
            "shipment",
            "declared",
            serde_json::json!({"status": "awaiting_arrival"}),
        );
        assert_eq!(e.headline(), "Shipment declared");
        let e = entry("hold", "clock_paused", serde_json::json!({}));
        assert_eq!(e.headline(), "Hold #12 clock paused");
    }

    #[cfg(feature = "ssr")]
    #[tokio::test]
    async fn headlines_are_said_in_french_with_the_words_agreeing() {
        let e = entry(
            "inspection",
            "completed",
            serde_json::json!({"outcome": "seizure"}),
        );
        let said = lang::serve_in(lang::Locale::fr, async { e.headline() }).await;
        assert_eq!(
            said,
            "Examen n\u{ba}\u{a0}12\u{a0}: terminé \u{2014} Constatation\u{a0}: saisie"
        );
        let e = entry("hold", "released", serde_json::json!({}));
        let said = lang::serve_in(lang::Locale::fr, async { e.headline() }).await;
        assert_eq!(said, "Retenue n\u{ba}\u{a0}12\u{a0}: mainlevée accordée");
    }
}
