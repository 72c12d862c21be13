//! Border waits at a crossing: what its officers measure (`measure`, behind the port page's
//! form, its server function and `POST /api/v1/ports/{code}/waits`), what CBSA's wait times
//! file says (`feed`), and what the demo's simulated feed measures (`record_waits`). All three
//! write through [`write`]: the conditional update of the port on its version and the
//! `waits_measured` journal entry, in one transaction, so every board sees the change live.
//!
//! A crossing measures two flows, commercial and travellers. Which flows a port has follows
//! its mode ([`flows_at`]): land crossings both, the other ports (air cargo sheds, marine
//! terminals, rail) neither. A wait is given for a flow the port has; `null` for one it has
//! not, or for one not measured this time (its last measurement is kept).

use crate::domain::Mode;
use crate::error::AppError;
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The longest wait recorded, in minutes: a day. Beyond it a figure is a typing error.
pub const MAX_WAIT_MIN: i64 = 1_440;

/// The flows a port of this mode measures waits for: (commercial, travellers).
pub fn flows_at(kind: Mode) -> (bool, bool) {
    match kind {
        Mode::Land => (true, true),
        _ => (false, false),
    }
}

/// A port's waits as they now are, with the version a change must name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PortWaits {
    pub code: String,
    /// Whether the port has a commercial flow (land crossings do).
    pub commercial_applies: bool,
    /// Whether the port has a travellers flow (land crossings do).
    pub traveller_applies: bool,
    pub commercial_wait_min: Option<i64>,
    pub traveller_wait_min: Option<i64>,
    pub waits_measured_at: Option<DateTime<Utc>>,
    pub version: i64,
}

/// The waits an officer measured at a crossing, in minutes (0 to 1,440).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MeasuredWaits {
    /// The commercial flow's wait; `null` where the port has no commercial flow or it was not
    /// measured this time (its last measurement is kept).
    #[serde(default)]
    pub commercial_min: Option<i64>,
    /// The travellers flow's wait; `null` as for `commercial_min`.
    #[serde(default)]
    pub traveller_min: Option<i64>,
    /// The port's version the caller saw: when it has changed since, nothing is recorded and
    /// the answer is 409 with the port's waits as they now are.
    #[serde(default)]
    pub version: Option<i64>,
}

/// A port's waits and which flows it has: what the port page's form starts from.
#[server(prefix = "/rpc", endpoint = "port_waits")]
pub async fn get_port_waits(code: String) -> Result<PortWaits, AppError> {
    crate::auth::server::require(crate::domain::Action::Read, None).await?;
    let state = crate::state::app_state()?;
    let code = code.trim().to_ascii_uppercase();
    Ok(current(&state.db.pool, &code).await?.waits())
}

/// A wait typed in a form: empty is "not measured this time".
#[cfg(feature = "ssr")]
fn typed_minutes(field: &str, text: Option<String>) -> Result<Option<i64>, AppError> {
    let text = text.unwrap_or_default();
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    text.parse::<i64>().map(Some).map_err(|_| {
        AppError::invalid(
            field,
            crate::i18n::td_string!(crate::lang::current(), waits.not_a_number, value = text)
                .to_string(),
        )
    })
}

/// The port page's "Record waits" form: the waits typed (empty where not measured) and the
/// version of the port the page showed. Posted by the form itself before the page hydrates.
#[server(prefix = "/rpc", endpoint = "record_waits")]
pub async fn record_port_waits(
    code: String,
    commercial_min: Option<String>,
    traveller_min: Option<String>,
    version: Option<i64>,
) -> Result<PortWaits, AppError> {
    let caller = crate::auth::server::current()?;
    let state = crate::state::app_state()?;
    let measured = MeasuredWaits {
        commercial_min: typed_minutes("commercial_min", commercial_min)?,
        traveller_min: typed_minutes("traveller_min", traveller_min)?,
        version,
    };
    measure(
        &state.db.pool,
        &caller,
        &code.trim().to_ascii_uppercase(),
        &measured,
        Utc::now(),
    )
    .await
}

#[cfg(feature = "ssr")]
pub use server::*;

#[cfg(feature = "ssr")]
mod server {
    use super::*;
    use crate::auth::server::Caller;
    use crate::domain::Action;
    use crate::domain::clock::{from_millis, to_millis};
    use crate::i18n::td_string;
    use crate::journal::acting::{check_version, stale};
    use crate::journal::db::{NewEntry, record};
    use crate::lang;
    use crate::sql::decode_error;
    use serde_json::json;
    use sqlx::{AnyPool, Row};

    /// A port's waits as stored, read before a change.
    #[derive(Debug, Clone)]
    pub struct Current {
        pub code: String,
        pub kind: Mode,
        pub time_zone: String,
        pub commercial_min: Option<i64>,
        pub traveller_min: Option<i64>,
        pub measured_at: Option<DateTime<Utc>>,
        pub version: i64,
    }

    impl Current {
        pub fn waits(&self) -> PortWaits {
            let (commercial_applies, traveller_applies) = flows_at(self.kind);
            PortWaits {
                code: self.code.clone(),
                commercial_applies,
                traveller_applies,
                commercial_wait_min: self.commercial_min,
                traveller_wait_min: self.traveller_min,
                waits_measured_at: self.measured_at,
                version: self.version,
            }
        }

        fn what(&self) -> String {
            AppError::port_named(&self.code)
        }
    }

    /// The port's waits as they are now (404 for a code no port has).
    pub async fn current(pool: &AnyPool, code: &str) -> Result<Current, AppError> {
        let row = sqlx::query(
            "select code, kind, time_zone, commercial_wait_min, traveller_wait_min, waits_measured_at, \
             version from ports where code = $1",
        )
        .bind(code)
        .fetch_optional(pool)
        .await?
        .ok_or_else(|| AppError::not_found(AppError::port_named(code)))?;
        let kind: String = row.try_get("kind")?;
        let measured: Option<i64> = row.try_get("waits_measured_at")?;
        Ok(Current {
            code: row.try_get("code")?,
            kind: Mode::parse(&kind).ok_or_else(|| decode_error("kind", &kind))?,
            time_zone: row.try_get("time_zone")?,
            commercial_min: row.try_get("commercial_wait_min")?,
            traveller_min: row.try_get("traveller_wait_min")?,
            measured_at: measured.map(from_millis),
            version: row.try_get("version")?,
        })
    }

    /// What a wait must be: 0 to [`MAX_WAIT_MIN`] minutes. The refusal names `field`.
    pub fn check_minutes(field: &str, minutes: Option<i64>) -> Result<(), AppError> {
        match minutes {
            Some(m) if !(0..=MAX_WAIT_MIN).contains(&m) => Err(AppError::invalid(
                field,
                td_string!(
                    lang::current(),
                    waits.range,
                    value = m,
                    max = lang::format::integer(lang::current(), MAX_WAIT_MIN)
                )
                .to_string(),
            )),
            _ => Ok(()),
        }
    }

    /// Refuses a wait given for a flow the port has not (the refusal names `field`).
    pub fn check_flows(
        port: &Current,
        commercial: (&str, Option<i64>),
        traveller: (&str, Option<i64>),
    ) -> Result<(), AppError> {
        let (has_commercial, has_traveller) = flows_at(port.kind);
        let l = lang::current();
        if commercial.1.is_some() && !has_commercial {
            return Err(AppError::invalid(
                commercial.0,
                td_string!(
                    l,
                    waits.no_commercial_flow,
                    port = port.code.clone(),
                    kind = port.kind.label()
                )
                .to_string(),
            ));
        }
        if traveller.1.is_some() && !has_traveller {
            return Err(AppError::invalid(
                traveller.0,
                td_string!(
                    l,
                    waits.no_traveller_flow,
                    port = port.code.clone(),
                    kind = port.kind.label()
                )
                .to_string(),
            ));
        }
        Ok(())
    }

    /// Where a measurement came from, for its journal entry.
    pub struct Measurement<'a> {
        /// Who signs the entry: a person's username, `feed:cbsa`, the simulated feed.
        pub actor: &'a str,
        /// The waits measured; `None` keeps the flow's last measurement.
        pub commercial_min: Option<i64>,
        pub traveller_min: Option<i64>,
        /// When they were measured (the feed's "last updated"; now, for a person).
        pub measured_at: DateTime<Utc>,
        /// What else the journal keeps of it (the feed's line, who sent the file).
        pub source: serde_json::Value,
    }

    /// The waits a write stores, and the flows measured this time (the others keep their last
    /// measurement, or none).
    struct Stored {
        commercial: Option<i64>,
        traveller: Option<i64>,
        /// The flows this measurement measured, as the journal's `measured` names them: the
        /// trends count a measurement of a flow only where it was measured, not kept.
        measured: Vec<&'static str>,
    }

    impl Stored {
        /// Waits stored as given, each given one measured.
        fn as_given(commercial: Option<i64>, traveller: Option<i64>) -> Stored {
            Stored {
                commercial,
                traveller,
                measured: measured_flows(commercial, traveller),
            }
        }
    }

    /// The flows, by their journal names, that have a value.
    fn measured_flows(commercial: Option<i64>, traveller: Option<i64>) -> Vec<&'static str> {
        [("commercial", commercial), ("traveller", traveller)]
            .into_iter()
            .filter_map(|(flow, minutes)| minutes.map(|_| flow))
            .collect()
    }

    /// The one write of waits: the port's waits set to those `stored` holds (`None` stored as
    /// none), conditional on the version read, and the journal entry (which names the flows
    /// measured), in one transaction. False, with nothing written, when the port changed since
    /// it was read.
    async fn write(
        pool: &AnyPool,
        port: &Current,
        actor: &str,
        Stored {
            commercial,
            traveller,
            measured,
        }: Stored,
        measured_at: DateTime<Utc>,
        source: serde_json::Value,
        now: DateTime<Utc>,
    ) -> Result<bool, AppError> {
        let mut tx = crate::db::WriteTx::begin(pool).await?;
        let updated = sqlx::query(
            "update ports set commercial_wait_min = $1, traveller_wait_min = $2, \
             waits_measured_at = $3, version = version + 1 where code = $4 and version = $5",
        )
        .bind(commercial)
        .bind(traveller)
        .bind(to_millis(measured_at))
        .bind(&port.code)
        .bind(port.version)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if updated == 0 {
            return Ok(false);
        }
        let mut after = json!({
            "commercial_wait_min": commercial,
            "traveller_wait_min": traveller,
            "waits_measured_at": to_millis(measured_at),
            "measured": measured,
            "version": port.version + 1,
        });
        if !source.is_null() {
            after["source"] = source;
        }
        record(
            &mut tx,
            NewEntry {
                at: now,
                actor,
                entity: "port",
                entity_id: port.code.clone(),
                shipment_id: None,
                port_code: Some(&port.code),
                action: "waits_measured",
                before: Some(json!({
                    "commercial_wait_min": port.commercial_min,
                    "traveller_wait_min": port.traveller_min,
                    "waits_measured_at": port.measured_at.map(to_millis),
                    "version": port.version,
                })),
                after: Some(after),
                reason: None,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Records a measurement on the port as read: each flow measured replaces its last
    /// measurement, each not measured keeps it. False when the port changed since it was read.
    pub async fn apply(
        pool: &AnyPool,
        port: &Current,
        m: Measurement<'_>,
        now: DateTime<Utc>,
    ) -> Result<bool, AppError> {
        let waits = Stored {
            commercial: m.commercial_min.or(port.commercial_min),
            traveller: m.traveller_min.or(port.traveller_min),
            measured: measured_flows(m.commercial_min, m.traveller_min),
        };
        write(pool, port, m.actor, waits, m.measured_at, m.source, now).await
    }

    /// The refusal of a change that lost its race: the port's waits as they now are.
    async fn lost_race(pool: &AnyPool, code: &str) -> AppError {
        match current(pool, code).await {
            Ok(port) => stale(&port.what(), &port.waits(), None),
            Err(e) => e,
        }
    }

    /// An officer or supervisor of the port records the waits they measured: checked, allowed
    /// at the port, on the version they saw, journaled under their username.
    pub async fn measure(
        pool: &AnyPool,
        caller: &Caller,
        code: &str,
        measured: &MeasuredWaits,
        now: DateTime<Utc>,
    ) -> Result<PortWaits, AppError> {
        check_minutes("commercial_min", measured.commercial_min)?;
        check_minutes("traveller_min", measured.traveller_min)?;
        let port = current(pool, code).await?;
        caller
            .authorize(pool, Action::RecordWaits, Some(&port.code))
            .await?;
        check_version(&port.what(), &port.waits(), port.version, measured.version)?;
        check_flows(
            &port,
            ("commercial_min", measured.commercial_min),
            ("traveller_min", measured.traveller_min),
        )?;
        if measured.commercial_min.is_none() && measured.traveller_min.is_none() {
            let (commercial, _) = flows_at(port.kind);
            return Err(AppError::invalid(
                if commercial {
                    "commercial_min"
                } else {
                    "traveller_min"
                },
                td_string!(
                    lang::current(),
                    waits.nothing_measured,
                    port = port.code.clone()
                )
                .to_string(),
            ));
        }
        let m = Measurement {
            actor: &caller.account.username,
            commercial_min: measured.commercial_min,
            traveller_min: measured.traveller_min,
            measured_at: now,
            source: serde_json::Value::Null,
        };
        if !apply(pool, &port, m, now).await? {
            return Err(lost_race(pool, &port.code).await);
        }
        Ok(current(pool, &port.code).await?.waits())
    }

    /// Records the waits the demo's simulated feed measured at a crossing, as given (`None`
    /// where the flow does not apply or the crossing is closed). `actor` names the feed; no
    /// person is authorized here, and no endpoint reaches this function.
    pub async fn record_waits(
        pool: &AnyPool,
        actor: &str,
        code: &str,
        commercial_min: Option<i64>,
        traveller_min: Option<i64>,
        seen: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<(), AppError> {
        check_minutes("commercial_min", commercial_min)?;
        check_minutes("traveller_min", traveller_min)?;
        let port = current(pool, code).await?;
        check_version(&port.what(), &port.waits(), port.version, seen)?;
        let waits = Stored::as_given(commercial_min, traveller_min);
        if !write(pool, &port, actor, waits, now, serde_json::Value::Null, now).await? {
            return Err(lost_race(pool, code).await);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn land_crossings_measure_both_flows_and_other_ports_none() {
        assert_eq!(flows_at(Mode::Land), (true, true));
        for mode in [Mode::Air, Mode::Marine, Mode::Rail] {
            assert_eq!(flows_at(mode), (false, false), "{mode:?}");
        }
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn a_typed_wait_is_a_whole_number_or_nothing() {
        assert_eq!(typed_minutes("commercial_min", None).unwrap(), None);
        assert_eq!(
            typed_minutes("commercial_min", Some("  ".into())).unwrap(),
            None
        );
        assert_eq!(
            typed_minutes("commercial_min", Some(" 35 ".into())).unwrap(),
            Some(35)
        );
        let Err(AppError::Invalid { field, reason }) =
            typed_minutes("traveller_min", Some("half an hour".into()))
        else {
            panic!("not refused");
        };
        assert_eq!(field, "traveller_min");
        assert!(reason.contains("\"half an hour\""), "{reason}");
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn a_wait_is_zero_to_a_day() {
        assert!(check_minutes("commercial_min", Some(0)).is_ok());
        assert!(check_minutes("commercial_min", Some(1_440)).is_ok());
        assert!(check_minutes("commercial_min", None).is_ok());
        for bad in [-1, 1_441] {
            let Err(AppError::Invalid { field, reason }) =
                check_minutes("commercial_min", Some(bad))
            else {
                panic!("{bad} accepted");
            };
            assert_eq!(field, "commercial_min");
            assert_eq!(
                reason,
                format!("a wait is 0 to 1,440 minutes (a day); {bad} is not")
            );
        }
    }
}
