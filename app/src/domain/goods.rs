//! What the goods are, as far as the board's clocks care: perishable goods are dealt with
//! within hours, whatever they are held for.

use super::HoldReason;

/// A hold on perishable goods is due within this many hours, whatever its reason: fresh food
/// spoils in a shed long before a documentation or intellectual property hold would be late.
pub const PERISHABLE_HOLD_HOURS: i64 = 8;

/// HS chapters of perishable goods: live animals (01), meat (02), fish and seafood (03), dairy,
/// eggs and honey (04), live plants and cut flowers (06).
const PERISHABLE_CHAPTERS: &[&str] = &["01", "02", "03", "04", "06"];

/// HS headings of perishable goods in other chapters: fresh or chilled vegetables (0701–0709)
/// and fresh fruit (0803–0810). Dried, frozen or preserved ones (0710–0714, 0811–0814) keep.
const PERISHABLE_HEADINGS: &[(u16, u16)] = &[(701, 709), (803, 810)];

/// Whether goods of this HS code (digits only, as declarations store it) are perishable. A
/// declaration without its code yet (a pre-load one) is not taken for perishable.
pub fn perishable(hs_code: &str) -> bool {
    if hs_code.len() < 4 || !hs_code.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    if PERISHABLE_CHAPTERS.contains(&&hs_code[..2]) {
        return true;
    }
    let heading: u16 = hs_code[..4].parse().unwrap_or(0);
    PERISHABLE_HEADINGS
        .iter()
        .any(|(first, last)| (*first..=*last).contains(&heading))
}

impl HoldReason {
    /// Service level of a hold for this reason on goods of `hs_code`: the reason's own, or
    /// [`PERISHABLE_HOLD_HOURS`] for perishable goods when that is shorter.
    pub fn service_level_for(self, hs_code: &str) -> chrono::Duration {
        let own = self.service_level();
        if perishable(hs_code) {
            own.min(chrono::Duration::hours(PERISHABLE_HOLD_HOURS))
        } else {
            own
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn fresh_food_fish_live_animals_and_plants_are_perishable() {
        for code in [
            "030617", "0306.17", "080390", "070200", "040110", "010229", "060311",
        ] {
            let digits: String = code.chars().filter(char::is_ascii_digit).collect();
            assert!(perishable(&digits), "{code} is perishable");
        }
    }

    #[test]
    fn dried_frozen_vegetables_and_manufactured_goods_keep() {
        for code in [
            "071320", "071080", "081190", "090111", "220421", "851713", "720449",
        ] {
            assert!(!perishable(code), "{code} keeps");
        }
    }

    #[test]
    fn a_declaration_without_its_code_is_not_perishable() {
        assert!(!perishable(""));
        assert!(!perishable("03"));
        assert!(!perishable("03A617"));
    }

    #[test]
    fn a_hold_on_perishable_goods_is_due_within_eight_hours_whatever_its_reason() {
        assert_eq!(
            HoldReason::IntellectualProperty.service_level_for("030617"),
            Duration::hours(8)
        );
        assert_eq!(
            HoldReason::Documentation.service_level_for("080390"),
            Duration::hours(8)
        );
        // Shorter service levels stay as they are.
        assert_eq!(
            HoldReason::DoNotLoad.service_level_for("030617"),
            Duration::hours(4)
        );
        // Goods that keep have the reason's own.
        assert_eq!(
            HoldReason::IntellectualProperty.service_level_for("910221"),
            HoldReason::IntellectualProperty.service_level()
        );
    }
}
