//! What the goods are, as far as holding them goes: perishable goods (by their Harmonized
//! System code) spoil while they wait, so a hold on them has a short service level.

use super::HoldReason;
use chrono::Duration;

/// The longest a hold on perishable goods may last before the port is late, whatever its
/// reason: within a shift, before a cold chain or a ripening room is needed.
pub const PERISHABLE_HOLD_HOURS: i64 = 8;

/// Whether goods of this Harmonized System code spoil within days: live animals, meat, fish
/// and seafood, dairy and eggs (chapters 01–04), live plants and cut flowers (06), fresh or
/// chilled vegetables (headings 0701–0709) and fresh fruit (0803–0810). Frozen, dried and
/// preserved goods of chapters 07 and 08 keep, except fish and seafood, which chapter 03 holds
/// fresh, chilled and frozen alike and which are carried in a cold chain either way. The code
/// may be written with or without its dot ("0306.17", "030617").
pub fn perishable(hs_code: &str) -> bool {
    let digits: String = hs_code
        .chars()
        .filter(char::is_ascii_digit)
        .take(4)
        .collect();
    let Ok(heading) = digits.parse::<u32>() else {
        return false;
    };
    if digits.len() < 4 {
        return false;
    }
    matches!(heading / 100, 1..=4 | 6)
        || (701..=709).contains(&heading)
        || (803..=810).contains(&heading)
}

impl HoldReason {
    /// The service level of a hold for this reason on goods of `hs_code`: the reason's, or
    /// [`PERISHABLE_HOLD_HOURS`] when the goods are perishable and the reason's is longer.
    pub fn service_level_for(self, hs_code: &str) -> Duration {
        let level = self.service_level();
        if perishable(hs_code) {
            level.min(Duration::hours(PERISHABLE_HOLD_HOURS))
        } else {
            level
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fresh_food_fish_and_flowers_are_perishable_dried_and_manufactured_goods_are_not() {
        for code in [
            "030617", "0306.17", "080390", "0201.30", "0401", "060311", "070200",
        ] {
            assert!(perishable(code), "{code}");
        }
        for code in [
            "071320", "0801.11", "090111", "851713", "720449", "", "03", "x306",
        ] {
            assert!(!perishable(code), "{code}");
        }
    }

    #[test]
    fn a_hold_on_perishable_goods_is_due_within_a_shift() {
        let shrimp = "030617";
        assert_eq!(
            HoldReason::IntellectualProperty.service_level_for(shrimp),
            Duration::hours(PERISHABLE_HOLD_HOURS)
        );
        assert_eq!(
            HoldReason::OtherAgency.service_level_for(shrimp),
            Duration::hours(PERISHABLE_HOLD_HOURS)
        );
        // A reason already shorter keeps its own.
        assert_eq!(
            HoldReason::DoNotLoad.service_level_for(shrimp),
            Duration::hours(4)
        );
        // Goods that keep keep the reason's.
        assert_eq!(
            HoldReason::OtherAgency.service_level_for("071320"),
            HoldReason::OtherAgency.service_level()
        );
    }
}
