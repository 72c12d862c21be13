//! The wall screen of the operations centre (`/wall`): the overview's figures laid out to be
//! read across a room, its ports grouped by region, the most urgent items and the notices in
//! force. It reads what the overview reads (`ports::db::overview`) and the holds and
//! examination lists (`holds::db::list`, `inspections::db::list`); like the overview it is
//! country-wide for every account that may read the board.

use crate::domain::{HoldReason, NoticeKind};
use crate::error::AppError;
use crate::ports::{Overview, PortSummary};
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub mod page;

/// Seconds between two pages of regions, unless the address says otherwise.
pub const DEFAULT_CYCLE_SECONDS: u64 = 20;
/// The shortest and longest cycle the address may ask for.
pub const CYCLE_SECONDS: std::ops::RangeInclusive<u64> = 5..=600;
/// How many urgent items the wall shows.
pub const URGENT_ITEMS: usize = 6;

/// The cycle asked for in the address: its seconds, and the value refused if one was (the
/// wall then runs at the default and says so in a corner, rather than going dark).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cycle {
    pub seconds: u64,
    pub refused: Option<String>,
}

impl Cycle {
    pub fn from_query(value: Option<&str>) -> Cycle {
        let Some(text) = value else {
            return Cycle {
                seconds: DEFAULT_CYCLE_SECONDS,
                refused: None,
            };
        };
        match text.trim().parse::<u64>() {
            Ok(seconds) if CYCLE_SECONDS.contains(&seconds) => Cycle {
                seconds,
                refused: None,
            },
            _ => Cycle {
                seconds: DEFAULT_CYCLE_SECONDS,
                // Shown back on the screen: kept short and printable.
                refused: Some(text.chars().filter(|c| !c.is_control()).take(12).collect()),
            },
        }
    }
}

/// The regions the operations centre groups ports by (the domain's, shared with the trends).
pub use crate::domain::Region;

/// A region and its ports, in the overview's order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegionPorts {
    pub region: Region,
    pub ports: Vec<PortSummary>,
}

/// Groups the overview's ports by region, regions in their order, empty ones left out.
pub fn by_region(ports: &[PortSummary]) -> Vec<RegionPorts> {
    let mut regions: Vec<RegionPorts> = vec![];
    let mut sorted: Vec<&PortSummary> = ports.iter().collect();
    sorted.sort_by_key(|p| Region::of_province(&p.province));
    for port in sorted {
        let region = Region::of_province(&port.province);
        match regions.last_mut() {
            Some(last) if last.region == region => last.ports.push(port.clone()),
            _ => regions.push(RegionPorts {
                region,
                ports: vec![port.clone()],
            }),
        }
    }
    regions
}

/// What needs someone soonest: a hold or an examination, with when it is (or was) due.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UrgentItem {
    pub kind: UrgentKind,
    pub id: i64,
    pub port_code: String,
    pub reference: String,
    /// When it is due, with a hold's paused time added.
    pub due_at: DateTime<Utc>,
    /// The hold's clock is paused: it is waiting on the trader, not on the port.
    pub paused: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum UrgentKind {
    Hold(HoldReason),
    Examination,
}

/// A notice in force at a port.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WallNotice {
    pub port_code: String,
    pub kind: NoticeKind,
    pub message: String,
}

/// Everything the wall shows, read at `overview.as_of`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Wall {
    pub overview: Overview,
    pub urgent: Vec<UrgentItem>,
}

impl Wall {
    pub fn regions(&self) -> Vec<RegionPorts> {
        by_region(&self.overview.ports)
    }

    pub fn notices(&self) -> Vec<WallNotice> {
        self.overview
            .ports
            .iter()
            .flat_map(|p| {
                p.notices.iter().map(|n| WallNotice {
                    port_code: p.code.clone(),
                    kind: n.kind,
                    message: n.message.clone(),
                })
            })
            .collect()
    }
}

/// The urgent items among holds and overdue examinations: soonest due first (so the most
/// overdue lead), paused holds after the rest as their clock is stopped.
pub fn most_urgent(mut items: Vec<UrgentItem>, count: usize) -> Vec<UrgentItem> {
    items.sort_by_key(|i| (i.paused, i.due_at, i.id));
    items.truncate(count);
    items
}

#[server(prefix = "/rpc", endpoint = "wall")]
pub async fn get_wall() -> Result<Wall, AppError> {
    crate::auth::server::require(crate::domain::Action::Read, None).await?;
    let state = crate::state::app_state()?;
    read(&state.db.pool, Utc::now()).await
}

#[cfg(feature = "ssr")]
async fn read(pool: &sqlx::AnyPool, now: DateTime<Utc>) -> Result<Wall, AppError> {
    use crate::holds::{HoldFilter, HoldSort};
    use crate::inspections::InspectionFilter;
    let overview = crate::ports::db::overview(pool, now).await?;
    let holds = HoldFilter {
        sort: HoldSort::Due,
        per_page: URGENT_ITEMS as i64 * 2,
        ..HoldFilter::default()
    };
    let examinations = InspectionFilter {
        overdue: true,
        per_page: URGENT_ITEMS as i64 * 2,
        ..InspectionFilter::default()
    };
    let holds = crate::holds::db::list(pool, &holds, now).await?;
    let examinations = crate::inspections::db::list(pool, &examinations, now).await?;
    let items = holds
        .items
        .into_iter()
        .map(|h| {
            let clock = h.clock();
            UrgentItem {
                kind: UrgentKind::Hold(h.reason),
                id: h.id,
                port_code: h.port_code,
                reference: h.shipment_reference,
                due_at: clock.effective_due(now),
                paused: clock.is_paused(),
            }
        })
        .chain(examinations.items.into_iter().map(|i| UrgentItem {
            kind: UrgentKind::Examination,
            id: i.id,
            port_code: i.port_code,
            reference: i.shipment_reference,
            due_at: i.due_at,
            paused: false,
        }))
        .collect();
    Ok(Wall {
        overview,
        urgent: most_urgent(items, URGENT_ITEMS),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cycle_outside_five_to_six_hundred_seconds_falls_back_to_the_default() {
        assert_eq!(Cycle::from_query(None).seconds, DEFAULT_CYCLE_SECONDS);
        assert_eq!(
            Cycle::from_query(Some("5")),
            Cycle {
                seconds: 5,
                refused: None
            }
        );
        assert_eq!(Cycle::from_query(Some("600")).seconds, 600);
        for bad in ["4", "601", "0", "-5", "abc", "", "1e3"] {
            let cycle = Cycle::from_query(Some(bad));
            assert_eq!(cycle.seconds, DEFAULT_CYCLE_SECONDS, "{bad}");
            assert_eq!(cycle.refused.as_deref(), Some(bad), "{bad}");
        }
    }

    #[test]
    fn provinces_fall_into_regions() {
        assert_eq!(Region::of_province("BC"), Region::Pacific);
        assert_eq!(Region::of_province("MB"), Region::Prairies);
        assert_eq!(Region::of_province("NL"), Region::Atlantic);
        assert_eq!(Region::of_province("YT"), Region::North);
    }

    #[test]
    fn the_most_overdue_come_first_and_paused_holds_last() {
        let at = |minutes: i64, paused: bool, id: i64| UrgentItem {
            kind: UrgentKind::Examination,
            id,
            port_code: "YYZ".into(),
            reference: String::new(),
            due_at: DateTime::<Utc>::UNIX_EPOCH + chrono::Duration::minutes(minutes),
            paused,
        };
        let items = vec![
            at(30, false, 1),
            at(5, true, 2),
            at(10, false, 3),
            at(20, false, 4),
        ];
        let ids: Vec<i64> = most_urgent(items, 3).iter().map(|i| i.id).collect();
        assert_eq!(ids, vec![3, 4, 1]);
    }
}
