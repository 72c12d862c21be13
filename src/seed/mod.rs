//! The demo country: ports, officers and 14 days of traffic, with holds and inspections in
//! every state, and the demo's personas. Each shipment's story follows the demo's model
//! (`app::demo::model`, which the simulator follows too) and is played through the same status
//! rules as the live product, and every step is written to the journal, so timelines read as
//! they would have happened. Deterministic: the same seed and end instant give the same
//! database.
//!
//! Each declaration is scored by the demo's rules when it comes in, with targeting's own
//! functions, as ingest scores the simulator's: the score's lane or random selection holds the
//! goods with an examination, and the figures of the targeting page have fourteen days behind
//! them from the start.
//!
//! Here: the options, the report and the whole run; `world.rs` holds the country in memory,
//! `story.rs` scores each declaration and plays each shipment's history, `write.rs` writes it
//! all out, `targeting.rs` adds the targeting centre's rules and capacities (and scores with
//! them), `rights.rs` the register of requests for assistance.

mod rights;
mod story;
pub mod targeting;
mod world;
mod write;

use app::db::{Backend, Db};
use chrono::{DateTime, Duration, DurationRound, Utc};
use sqlx::{Acquire, Row};
use std::fmt;

pub const DEFAULT_SEED: u64 = 2026;
pub const DEFAULT_SHIPMENTS: usize = 12_000;

#[derive(Debug, Clone)]
pub struct SeedOptions {
    pub seed: u64,
    /// The history ends here ("now" of the demo), truncated to the minute.
    pub end: DateTime<Utc>,
    pub shipments: usize,
    pub days: i64,
}

impl SeedOptions {
    pub fn new(seed: u64, end: DateTime<Utc>) -> Self {
        Self {
            seed,
            end: end.duration_trunc(Duration::minutes(1)).unwrap_or(end),
            shipments: DEFAULT_SHIPMENTS,
            days: 14,
        }
    }
}

/// What the seed wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SeedReport {
    pub ports: usize,
    pub officers: usize,
    pub shipments: usize,
    pub holds: usize,
    pub active_holds: usize,
    pub inspections: usize,
    pub open_inspections: usize,
    pub journal_entries: usize,
}

impl fmt::Display for SeedReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "ports={} officers={} shipments={} holds={} active_holds={} inspections={} open_inspections={} journal_entries={}",
            self.ports,
            self.officers,
            self.shipments,
            self.holds,
            self.active_holds,
            self.inspections,
            self.open_inspections,
            self.journal_entries
        )
    }
}

/// True when no port exists yet: a fresh database.
pub async fn is_empty(db: &Db) -> Result<bool, sqlx::Error> {
    let row = sqlx::query("select count(*) as n from ports")
        .fetch_one(&db.pool)
        .await?;
    Ok(row.try_get::<i64, _>("n")? == 0)
}

/// Builds the demo country and writes it in one transaction, then adds the personas.
pub async fn demo(db: &Db, options: &SeedOptions) -> anyhow::Result<SeedReport> {
    let mut world = story::build(options);
    let mut conn = db.pool.acquire().await?;
    let mut tx = conn.begin().await?;
    let journal_entries = write::country(&mut tx, &mut world, options.days).await?;
    targeting::seed(&mut tx, options.end, options.days).await?;
    rights::seed(&mut tx, options.end, options.days).await?;
    write::scores(&mut tx, &world).await?;
    if db.backend == Backend::Postgres {
        // Explicit ids leave the identity sequences behind; move them past the seeded rows.
        for table in [
            "officers",
            "shipments",
            "shipment_scores",
            "holds",
            "inspections",
        ] {
            sqlx::query(&format!(
                "select setval(pg_get_serial_sequence('{table}', 'id'), (select coalesce(max(id), 1) from {table}))"
            ))
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await?;
    // The personas are written by the accounts' own operations, each with a connection of its
    // own: this one goes back first, or a pool of one would wait for itself.
    drop(conn);
    personas(db, options.end).await?;

    Ok(SeedReport {
        ports: app::demo::country::PORTS.len(),
        officers: world.officers.len(),
        shipments: world.shipments.len(),
        holds: world.holds.len(),
        active_holds: world.holds.iter().filter(|h| h.status.is_active()).count(),
        inspections: world.inspections.len(),
        open_inspections: world
            .inspections
            .iter()
            .filter(|i| i.status.is_open())
            .count(),
        journal_entries,
    })
}

/// The demo personas, one per role, offered for one-click sign-in by `serve --demo`. The
/// duty officer and the supervisor are officers of the demo country; their passwords are
/// random and never shown (in demo mode nobody types one). Those that exist are left alone,
/// so a demo database seeded before the personas existed gets them on its next start.
pub async fn personas(db: &Db, now: DateTime<Utc>) -> anyhow::Result<()> {
    use app::accounts::db::{NewAccount, by_username, create, generate_password};
    use app::domain::{PortScope, Role};
    let officer_at = |port: &'static str| async move {
        let row = sqlx::query(
            "select name, badge from officers where home_port = $1 \
             order by on_shift desc, id limit 1",
        )
        .bind(port)
        .fetch_optional(&db.pool)
        .await?;
        anyhow::Ok(match row {
            Some(row) => Some((row.try_get::<String, _>("name")?, row.try_get("badge")?)),
            None => None,
        })
    };
    let personas = [
        ("duty.yvr", officer_at("YVR").await?, Role::Officer, "YVR"),
        (
            "supervisor.yyz",
            officer_at("YYZ").await?,
            Role::Supervisor,
            "YYZ",
        ),
        (
            "analyst.ntc",
            Some((
                "Targeting analyst, National Targeting Centre".into(),
                "NTC0042".into(),
            )),
            Role::Analyst,
            "all",
        ),
        (
            "viewer",
            Some(("Operations centre wall screen".into(), String::new())),
            Role::Viewer,
            "all",
        ),
        (
            "admin",
            Some(("System administrator".into(), String::new())),
            Role::Admin,
            "all",
        ),
    ];
    for (username, who, role, ports) in personas {
        if by_username(&db.pool, username).await.is_ok() {
            continue;
        }
        let (name, badge) = who.unwrap_or_else(|| (username.to_string(), String::new()));
        let display_name = match role {
            Role::Officer => format!("{name}, duty officer"),
            Role::Supervisor => format!("{name}, supervisor"),
            _ => name,
        };
        let password = generate_password();
        create(
            &db.pool,
            NewAccount {
                username,
                display_name: &display_name,
                badge: (!badge.is_empty()).then_some(badge.as_str()),
                role,
                ports: PortScope::parse(ports).map_err(anyhow::Error::msg)?,
                password: &password,
                demo: true,
            },
            "demo seed",
            now,
        )
        .await?;
    }
    Ok(())
}
