//! The simulator's accounts: who it acts as (`sim.officer.yvr`, `sim.supervisor.yvr`,
//! `sim.targeting`, `sim.carriers`, `sim.release`, `sim.waits`), found or made on its first
//! start with a password nobody knows, and each port as the simulation plays it, with its
//! share of the country's traffic.

use super::traffic::DECLARATIONS_PER_DAY;
use crate::accounts::db as accounts;
use crate::auth::server::Caller;
use crate::demo::{country, model};
use crate::domain::clock::zone;
use crate::domain::{Mode, PortScope, Role};
use crate::error::AppError;
use crate::ports::db as ports;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use sqlx::AnyPool;

/// One port as the simulation plays it, with the people who work there.
pub(super) struct Port {
    pub code: String,
    pub mode: Mode,
    pub time_zone: Tz,
    /// Declarations per hour at its busiest hour.
    pub peak_per_hour: f64,
    pub officer: Caller,
    pub supervisor: Caller,
    /// How the officer signs what they place, to recognise the holds of the simulation.
    pub officer_signature: String,
}

/// The simulated accounts.
pub(super) struct Cast {
    pub ports: Vec<Port>,
    pub targeting: Caller,
    pub carriers: String,
    pub release: String,
    pub waits: String,
}

impl Cast {
    /// Finds or makes every simulated account, and the ports with their traffic.
    pub async fn make(pool: &AnyPool, at: DateTime<Utc>) -> Result<Cast, AppError> {
        let states = ports::states(pool).await?;
        let targeting = account(
            pool,
            "sim.targeting",
            "Simulated targeting centre",
            Some("SIM-NTC"),
            Role::Analyst,
            PortScope::All,
            at,
        )
        .await?;
        let mut cast = Cast {
            ports: vec![],
            targeting,
            carriers: system(pool, "sim.carriers", "Simulated carriers (EDI)", at).await?,
            release: system(pool, "sim.release", "Simulated release system", at).await?,
            waits: system(pool, "sim.waits", "Simulated border-wait feed", at).await?,
        };
        // A port's share of its mode's traffic: its weight in the demo country (its lanes for
        // a port the country does not know).
        let weight = |code: &str, lanes: i64| {
            country::PORTS
                .iter()
                .find(|p| p.code == code)
                .map(|p| p.weight as f64)
                .unwrap_or(lanes as f64)
        };
        let mode_total: u32 = country::MODE_SHARE.iter().map(|(_, w)| w).sum();
        for state in &states {
            let code = state.code.clone();
            let scope = PortScope::Only(vec![code.clone()]);
            let badge = format!("SIM-{code}");
            let lower = code.to_lowercase();
            let officer = account(
                pool,
                &format!("sim.officer.{lower}"),
                &format!("Simulated officer — {code}"),
                Some(&badge),
                Role::Officer,
                scope.clone(),
                at,
            )
            .await?;
            let supervisor = account(
                pool,
                &format!("sim.supervisor.{lower}"),
                &format!("Simulated supervisor — {code}"),
                Some(&format!("{badge}-SUP")),
                Role::Supervisor,
                scope,
                at,
            )
            .await?;
            let mode_weight: f64 = states
                .iter()
                .filter(|s| s.kind == state.kind)
                .map(|s| weight(&s.code, s.lanes_available))
                .sum();
            let mode_share = country::MODE_SHARE
                .iter()
                .find(|(m, _)| *m == state.kind)
                .map(|(_, w)| *w as f64 / mode_total as f64)
                .unwrap_or(0.0);
            let per_day =
                DECLARATIONS_PER_DAY * mode_share * weight(&state.code, state.lanes_available)
                    / mode_weight.max(1.0);
            cast.ports.push(Port {
                officer_signature: format!("{} ({badge})", officer.account.display_name),
                code,
                mode: state.kind,
                time_zone: zone(&state.time_zone),
                peak_per_hour: model::peak_per_hour(state.kind, per_day),
                officer,
                supervisor,
            });
        }
        Ok(cast)
    }

    /// The position of the port `code` among the cast's.
    pub fn port(&self, code: &str) -> Option<usize> {
        self.ports.iter().position(|p| p.code == code)
    }
}

/// A system of the simulation (the carriers' feed, the release system, the wait feed): an
/// account that reads everything and signs its changes.
async fn system(
    pool: &AnyPool,
    username: &str,
    display_name: &str,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    let caller = account(
        pool,
        username,
        display_name,
        None,
        Role::Viewer,
        PortScope::All,
        now,
    )
    .await?;
    Ok(caller.account.username)
}

/// The simulated account of that name, made the first time (with a password nobody knows).
async fn account(
    pool: &AnyPool,
    username: &str,
    display_name: &str,
    badge: Option<&str>,
    role: Role,
    ports: PortScope,
    now: DateTime<Utc>,
) -> Result<Caller, AppError> {
    let account = match accounts::by_username(pool, username).await {
        Ok(account) => account,
        Err(AppError::NotFound { .. }) => {
            accounts::create(
                pool,
                accounts::NewAccount {
                    username,
                    display_name,
                    badge,
                    role,
                    ports,
                    password: &accounts::generate_password(),
                    demo: false,
                },
                "sim.control",
                now,
            )
            .await?
        }
        Err(e) => return Err(e),
    };
    Ok(Caller {
        account,
        address: "simulator".into(),
        session: None,
        token: None,
    })
}
