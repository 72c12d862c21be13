//! What the trends are asked for: a period (`period=1d|7d|30d|custom`, with `from` and `to`
//! dates for a custom one) and a scope (`port`, `region` or `mode`, at most one; none is the
//! whole country). The page and the API read the same query string through
//! [`TrendsFilter::from_pairs`], so both refuse a bad one with the same sentence.

use crate::domain::{Mode, Region};
use crate::error::AppError;
use crate::i18n::td_string;
use crate::lang::current;
use crate::paging::QueryPairs;
use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

/// The parameters the filter reads.
pub const PARAMETERS: &[&str] = &["period", "port", "region", "mode", "from", "to"];

/// The longest custom period, in days: a quarter.
pub const MAX_DAYS: i64 = 92;

/// The days the trends cover, counted back from today (in the scope's zone), or chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Period {
    /// Today.
    Day,
    /// The last 7 days, today included.
    #[default]
    Week,
    /// The last 30 days, today included.
    Month,
    /// From one date to another, both included.
    Custom { from: NaiveDate, to: NaiveDate },
}

impl Period {
    pub const CODES: [&'static str; 4] = ["1d", "7d", "30d", "custom"];

    pub fn code(self) -> &'static str {
        match self {
            Period::Day => "1d",
            Period::Week => "7d",
            Period::Month => "30d",
            Period::Custom { .. } => "custom",
        }
    }

    /// The first and last days, for `today` in the scope's zone.
    pub fn days(self, today: NaiveDate) -> (NaiveDate, NaiveDate) {
        let back = |n: i64| (today - Duration::days(n - 1), today);
        match self {
            Period::Day => back(1),
            Period::Week => back(7),
            Period::Month => back(30),
            Period::Custom { from, to } => (from, to),
        }
    }
}

/// Whose trends: the country's, a port's, a region's or a mode's.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Scope {
    #[default]
    Country,
    Port(String),
    Region(Region),
    Mode(Mode),
}

impl Scope {
    /// `country`, `port`, `region` or `mode`.
    pub fn kind(&self) -> &'static str {
        match self {
            Scope::Country => "country",
            Scope::Port(_) => "port",
            Scope::Region(_) => "region",
            Scope::Mode(_) => "mode",
        }
    }

    /// The port's code, the region's or the mode's.
    pub fn code(&self) -> Option<String> {
        match self {
            Scope::Country => None,
            Scope::Port(code) => Some(code.clone()),
            Scope::Region(region) => Some(region.code().to_string()),
            Scope::Mode(mode) => Some(mode.code().to_string()),
        }
    }
}

/// A period and a scope.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TrendsFilter {
    pub period: Period,
    pub scope: Scope,
}

impl TrendsFilter {
    /// The filter of a query string's pairs (unknown parameters refused by `pairs` itself).
    /// Dates are read only for a custom period; a custom period needs both, `to` not before
    /// `from` and at most [`MAX_DAYS`] days in all. A 422 names the field.
    pub fn from_pairs(pairs: &QueryPairs) -> Result<Self, AppError> {
        let date = |key: &str| {
            pairs.parse_with(
                key,
                |v| NaiveDate::parse_from_str(v, "%Y-%m-%d").ok(),
                || td_string!(current(), trends.filter.date_expected).to_string(),
            )
        };
        let period = match pairs.get("period") {
            None | Some("7d") => Period::Week,
            Some("1d") => Period::Day,
            Some("30d") => Period::Month,
            Some("custom") => {
                let missing = |key: &str| {
                    AppError::invalid(
                        key,
                        td_string!(current(), trends.filter.date_missing).to_string(),
                    )
                };
                let from = date("from")?.ok_or_else(|| missing("from"))?;
                let to = date("to")?.ok_or_else(|| missing("to"))?;
                if to < from {
                    return Err(AppError::invalid(
                        "to",
                        td_string!(current(), trends.filter.to_before_from).to_string(),
                    ));
                }
                if (to - from).num_days() + 1 > MAX_DAYS {
                    return Err(AppError::invalid(
                        "to",
                        td_string!(current(), trends.filter.too_long, days = MAX_DAYS).to_string(),
                    ));
                }
                Period::Custom { from, to }
            }
            Some(other) => {
                return Err(AppError::invalid(
                    "period",
                    td_string!(
                        current(),
                        components.filter_invalid,
                        value = other,
                        expected = Period::CODES.join(", ")
                    )
                    .to_string(),
                ));
            }
        };
        let port = pairs.port()?.map(Scope::Port);
        let region = pairs
            .parse_with("region", Region::parse, Region::codes)?
            .map(Scope::Region);
        let mode = pairs
            .parse_with("mode", Mode::parse, Mode::codes)?
            .map(Scope::Mode);
        let mut given = [("port", port), ("region", region), ("mode", mode)]
            .into_iter()
            .filter_map(|(key, scope)| scope.map(|s| (key, s)));
        let scope = given.next().map(|(_, s)| s).unwrap_or_default();
        if let Some((second, _)) = given.next() {
            return Err(AppError::invalid(
                second,
                td_string!(current(), trends.filter.one_scope).to_string(),
            ));
        }
        Ok(TrendsFilter { period, scope })
    }

    /// The query string of the filter (what the page's address and its CSV links carry).
    pub fn to_query(&self) -> String {
        let mut parts = vec![format!("period={}", self.period.code())];
        if let Period::Custom { from, to } = self.period {
            parts.push(format!("from={from}"));
            parts.push(format!("to={to}"));
        }
        if let Some(code) = self.scope.code() {
            parts.push(format!("{}={code}", self.scope.kind()));
        }
        parts.join("&")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(pairs: &[(&str, &str)]) -> Result<TrendsFilter, AppError> {
        TrendsFilter::from_pairs(&QueryPairs::new(pairs.iter().copied(), PARAMETERS)?)
    }

    fn field(err: AppError) -> String {
        match err {
            AppError::Invalid { field, .. } => field,
            other => panic!("not a refusal of a field: {other:?}"),
        }
    }

    #[test]
    fn periods_count_back_from_today_and_custom_ones_are_bounded() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        let day = |d: u32| NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
        assert_eq!(filter(&[]).unwrap().period.days(today), (day(24), day(30)));
        let f = filter(&[("period", "1d")]).unwrap();
        assert_eq!(f.period.days(today), (today, today));
        let f = filter(&[("period", "30d")]).unwrap();
        assert_eq!(f.period.days(today), (day(1), day(30)));
        let f = filter(&[
            ("period", "custom"),
            ("from", "2026-09-01"),
            ("to", "2026-12-01"),
        ])
        .unwrap();
        assert_eq!(f.to_query(), "period=custom&from=2026-09-01&to=2026-12-01");
        // 93 days.
        let err = filter(&[
            ("period", "custom"),
            ("from", "2026-09-01"),
            ("to", "2026-12-02"),
        ]);
        assert_eq!(field(err.unwrap_err()), "to");
        let err = filter(&[
            ("period", "custom"),
            ("from", "2026-11-02"),
            ("to", "2026-11-01"),
        ]);
        assert_eq!(field(err.unwrap_err()), "to");
        let err = filter(&[("period", "custom"), ("to", "2026-11-01")]);
        assert_eq!(field(err.unwrap_err()), "from");
        let err = filter(&[
            ("period", "custom"),
            ("from", "2026-13-01"),
            ("to", "2026-11-01"),
        ]);
        assert_eq!(field(err.unwrap_err()), "from");
        assert_eq!(field(filter(&[("period", "week")]).unwrap_err()), "period");
        // Dates of a form left filled in count only for a custom period.
        let f = filter(&[("period", "7d"), ("from", "2026-11-01"), ("to", "")]).unwrap();
        assert_eq!(f.period, Period::Week);
    }

    #[test]
    fn one_scope_at_most() {
        assert_eq!(filter(&[]).unwrap().scope, Scope::Country);
        let f = filter(&[("port", "yul")]).unwrap();
        assert_eq!(f.scope, Scope::Port("YUL".into()));
        assert_eq!(f.to_query(), "period=7d&port=YUL");
        let f = filter(&[("region", "quebec"), ("port", "")]).unwrap();
        assert_eq!(f.scope, Scope::Region(Region::Quebec));
        assert_eq!(
            filter(&[("mode", "land")]).unwrap().scope,
            Scope::Mode(Mode::Land)
        );
        assert_eq!(
            field(filter(&[("region", "prairie")]).unwrap_err()),
            "region"
        );
        let err = filter(&[("port", "YUL"), ("mode", "air")]).unwrap_err();
        assert_eq!(field(err), "mode");
    }
}
