//! Conditions at the simulated ports: the wait-time feed, whose waits drift with the traffic
//! and the lanes open, and the incidents (a scanner down, lanes closed, a storm) that a port's
//! supervisor posts and clears through the port's operations (`ports::operations`). How waits tend and what can go wrong come from the demo's
//! model (`demo::model`, `demo::incidents`).

use super::engine::{Event, Simulator, minutes};
use crate::demo::incidents;
use crate::demo::model::{self, COMMERCIAL_WAIT, TRAVELLER_WAIT};
use crate::domain::{PortStatus, Severity};
use crate::error::AppError;
use crate::ports::db as ports;
use crate::ports::operations::{self, NoticeText};
use chrono::{DateTime, Utc};
use rand::seq::SliceRandom;
use sqlx::AnyPool;

impl Simulator {
    /// The wait-time feed: waits drift towards what the traffic and the lanes open make them,
    /// with some noise.
    pub(super) async fn waits(
        &mut self,
        pool: &AnyPool,
        now: DateTime<Utc>,
        port: usize,
    ) -> Result<(), AppError> {
        let (code, mode, tz) = {
            let p = &self.cast().ports[port];
            (p.code.clone(), p.mode, p.time_zone)
        };
        let next = now + minutes(&mut self.rng, 10, 20);
        self.schedule(next, Event::Waits { port });
        let state = ports::state(pool, &code).await?;
        let busy = model::rhythm(mode, tz, now);
        let mut measure = |base: &model::WaitBase, last: Option<i64>| {
            if state.status == PortStatus::Closed {
                return None;
            }
            let trend = base.trend(busy, state.lanes_open, state.lanes_available);
            Some(base.measure(&mut self.rng, last, trend))
        };
        let commercial = measure(&COMMERCIAL_WAIT, state.commercial_wait_min);
        let traveller = measure(&TRAVELLER_WAIT, state.traveller_wait_min);
        if (commercial, traveller) == (state.commercial_wait_min, state.traveller_wait_min) {
            return Ok(());
        }
        let actor = &self.cast().waits;
        crate::ports::waits::record_waits(
            pool,
            actor,
            &code,
            commercial,
            traveller,
            Some(state.version),
            now,
        )
        .await
    }

    /// Something goes wrong at a port running normally: its supervisor limits or closes it,
    /// saying why and when it should be back, closes lanes and posts a notice, through the
    /// same operations a person uses; and clears it all when it is over.
    pub(super) async fn incident(
        &mut self,
        pool: &AnyPool,
        now: DateTime<Utc>,
    ) -> Result<(), AppError> {
        let next = now + incidents::BETWEEN.draw(&mut self.rng);
        self.schedule(next, Event::Incident);
        let mut calm = vec![];
        for (i, port) in self.cast().ports.iter().enumerate() {
            let state = ports::state(pool, &port.code).await?;
            if state.status == PortStatus::Open && state.open_notices == 0 {
                calm.push((i, state));
            }
        }
        let Some((port, state)) = calm.choose(&mut self.rng).cloned() else {
            return Ok(());
        };
        let incident = *incidents::incidents(state.kind)
            .choose(&mut self.rng)
            .expect("every mode has incidents");
        let lasts = incidents::LASTS.draw(&mut self.rng);
        let supervisor = &self.cast().ports[port].supervisor;
        let message = (incident.message)();
        let mut version = state.version;
        if incident.status != state.status {
            version = operations::set_status(
                pool,
                supervisor,
                &state.code,
                incident.status,
                message,
                Some(now + lasts),
                Some(version),
                now,
            )
            .await?
            .version;
        }
        let lanes = incident.lanes.open(state.lanes_open);
        if incident.status != PortStatus::Closed && lanes != state.lanes_open {
            version = operations::set_lanes(
                pool,
                supervisor,
                &state.code,
                lanes,
                message,
                Some(version),
                now,
            )
            .await?
            .version;
        }
        let severity = match incident.status {
            PortStatus::Closed => Severity::Critical,
            _ => Severity::Warning,
        };
        let notice = operations::post_notice(
            pool,
            supervisor,
            &state.code,
            NoticeText {
                kind: incident.kind,
                severity,
                message: message.to_string(),
                expires_at: None,
            },
            Some(version),
            now,
        )
        .await?;
        self.schedule(
            now + lasts,
            Event::IncidentEnds {
                port,
                notice: notice.id,
                lanes_open: state.lanes_open,
                reason: (incident.clears_with)(),
            },
        );
        Ok(())
    }

    /// The incident is over: its notice is cleared and the port reopens with the lanes it had.
    /// What a person changed in between stays: a notice they cleared is not cleared again.
    pub(super) async fn incident_ends(
        &mut self,
        pool: &AnyPool,
        now: DateTime<Utc>,
        port: usize,
        notice: i64,
        lanes_open: i64,
        reason: &str,
    ) -> Result<(), AppError> {
        let p = &self.cast().ports[port];
        let cleared =
            operations::clear_notice(pool, &p.supervisor, &p.code, notice, reason, None, now).await;
        if let Err(error) = cleared {
            tracing::debug!(%error, port = %p.code, "the incident's notice was already ended");
        }
        let state = ports::state(pool, &p.code).await?;
        let mut version = state.version;
        if state.status != PortStatus::Open {
            version = operations::set_status(
                pool,
                &p.supervisor,
                &p.code,
                PortStatus::Open,
                reason,
                None,
                Some(version),
                now,
            )
            .await?
            .version;
        }
        let lanes = lanes_open.min(state.lanes_available);
        if lanes != state.lanes_open {
            operations::set_lanes(
                pool,
                &p.supervisor,
                &p.code,
                lanes,
                reason,
                Some(version),
                now,
            )
            .await?;
        }
        Ok(())
    }
}
