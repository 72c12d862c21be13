//! The demo's own sentences, as its simulated people write them: the notices its incidents
//! post, the officers' notes and reasons, the examiners' results. They are stored in English,
//! taken from the `demo` catalogue, as a person's words would be; a screen shows each in the
//! reader's language by finding the stored sentence in the catalogue ([`shown`]). Words a
//! person typed are not in it and are shown as they were written.

use crate::i18n::td_string;
use crate::lang::Locale;

/// The demo's sentences, each by its key in the `demo` catalogue: `every(locale)[i]` is the
/// same sentence in every language.
macro_rules! demo_sentences {
    ($($group:ident . $key:ident),* $(,)?) => {
        fn every(locale: Locale) -> Vec<&'static str> {
            vec![$(td_string!(locale, demo.$group.$key)),*]
        }
    };
}

demo_sentences!(
    notice.winter_storm,
    notice.deck_rehabilitation,
    notice.tunnel_ventilation,
    notice.xray_two_down,
    notice.release_slowness,
    notice.xray_down,
    notice.xray_back,
    notice.release_outage,
    notice.release_restored,
    notice.pavement_repair,
    notice.repairs_done,
    notice.staff_shortage,
    notice.relief_arrived,
    notice.bridge_closed,
    notice.bridge_reopened,
    notice.high_winds,
    notice.winds_eased,
    notice.vacis_down,
    notice.vacis_back,
    notice.rail_vacis_down,
    notice.rail_vacis_back,
    note.risk_target,
    note.documentation,
    note.random,
    note.intellectual_property,
    note.other_agency,
    note.do_not_load,
    note.intelligence,
    reason.pause,
    reason.resume,
    reason.cancel,
    reason.seizure_request,
    reason.seizure_approval,
    result.no_finding,
    result.seizure,
    result.penalty,
    result.agency_referral,
    result.inconclusive,
    decision.returned,
    decision.penalty_released,
    decision.nothing_released,
    decision.regulated,
);

/// A stored text in `locale`: one of the demo's sentences (stored in English) translated, any
/// other text (a person's words) as it is.
pub fn shown(stored: &str, locale: Locale) -> String {
    if locale == Locale::en {
        return stored.to_string();
    }
    every(Locale::en)
        .iter()
        .position(|english| *english == stored)
        .map(|i| every(locale)[i].to_string())
        .unwrap_or_else(|| stored.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_notice_of_the_demo_is_shown_in_french_and_a_persons_words_as_written() {
        let posted = td_string!(Locale::en, demo.notice.high_winds);
        assert_eq!(posted, "High winds: crane operations suspended");
        assert_eq!(
            shown(posted, Locale::fr),
            "Vents violents\u{a0}: manutention par grue suspendue"
        );
        assert_eq!(shown(posted, Locale::en), posted);
        assert_eq!(shown("Gate 4 closed", Locale::fr), "Gate 4 closed");
    }

    #[test]
    fn every_sentence_has_its_french() {
        let (en, fr) = (every(Locale::en), every(Locale::fr));
        assert_eq!(en.len(), fr.len());
        assert!(en.iter().zip(&fr).all(|(e, f)| e != f));
    }
}
