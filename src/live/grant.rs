//! What a stream may read, for as long as it may read it. Each stream holds a [`Grant`]: the
//! account and credential (session or token) it was opened with, the principal it reads as
//! (replaced when the account's role or ports change) and, once its access has ended, why. The
//! hub keeps the grants of its open streams by account ([`Registry`]), which also caps how many
//! streams one account may hold open on this instance.
//!
//! The warden ([`LiveHub::keep_watch`]) keeps the grants true. The journal says when a session,
//! a token or an account changed: every pump of every instance reads every entry, and before
//! it publishes a batch it checks the grants the batch concerns against the database
//! (`app::auth::access`), so a change made on any instance reaches the grants of all, and
//! reaches them before any stream reads what follows it. A session's time limits (idle,
//! absolute) pass without an entry: each grant carries the time of its next check, and the
//! warden looks at the grants whose time has come every [`WATCH_EVERY`]. An open stream is
//! not activity: it does not keep its session from going idle.
//!
//! A grant that ends wakes both kinds of stream: the fan-out threads (a pass finds the grant
//! ended with one atomic load per stream, and sends the stream back to its task) and the tasks
//! following the broadcast (an empty batch). The task writes an `ended` frame with the
//! reason, then closes the connection.

use super::{Batch, LiveHub};
use app::AppError;
use app::auth::access::{Credential, Standing, standing};
use app::auth::server::Caller;
use app::domain::Principal;
use app::domain::clock::to_millis;
use app::i18n::td_string;
use app::lang::current;
use app::live::ENDED;
use app::state::AuthSettings;
use chrono::Utc;
use sqlx::AnyPool;
use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock, Weak};
use std::time::Duration;

/// How often the warden looks for grants whose time to be checked has come.
pub const WATCH_EVERY: Duration = Duration::from_secs(1);
/// Live streams one account may hold open on one instance, unless configured otherwise.
pub const DEFAULT_STREAMS_PER_ACCOUNT: usize = 20;
/// How long a caller refused for too many streams is told to wait.
const RETRY_AFTER_SECS: u64 = 30;

/// One stream's right to read: see the module's documentation.
#[derive(Debug)]
pub struct Grant {
    account_id: i64,
    credential: Credential,
    /// Where the stream was opened from, for the journal entry of a session the warden ends.
    address: String,
    principal: Mutex<Principal>,
    /// Moves each time `principal` is replaced, so that readers copy it only then.
    version: AtomicU64,
    /// Why access ended; empty while it holds.
    ended: OnceLock<String>,
    /// When the warden must check this grant again, in milliseconds since the epoch.
    check_at: AtomicI64,
}

impl Grant {
    /// A grant for `caller`'s stream, to be checked by the warden at once.
    pub fn of(caller: &Caller) -> Grant {
        let credential = match (&caller.session, caller.token) {
            (Some(key), _) => Credential::Session(key.clone()),
            (None, Some(id)) => Credential::Token(id),
            // A caller with neither was made inside the server (a bench); it reads as made.
            (None, None) => Credential::Token(0),
        };
        Grant::new(
            caller.account.id,
            credential,
            &caller.address,
            caller.account.principal(),
        )
    }

    pub fn new(account_id: i64, credential: Credential, address: &str, reader: Principal) -> Self {
        Grant {
            account_id,
            credential,
            address: address.to_string(),
            principal: Mutex::new(reader),
            version: AtomicU64::new(0),
            ended: OnceLock::new(),
            check_at: AtomicI64::new(0),
        }
    }

    /// Why access ended, once it has.
    pub fn ended(&self) -> Option<&str> {
        self.ended.get().map(String::as_str)
    }

    /// Ends access (the first reason given stays).
    pub fn end(&self, reason: &str) {
        let _ = self.ended.set(reason.to_string());
    }

    /// Moves when `principal` is replaced.
    pub fn version(&self) -> u64 {
        self.version.load(Ordering::Acquire)
    }

    /// Who the stream reads as now.
    pub fn principal(&self) -> Principal {
        self.principal
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    fn replace(&self, reader: Principal) -> bool {
        let mut principal = self.principal.lock().unwrap_or_else(|e| e.into_inner());
        if *principal == reader {
            return false;
        }
        *principal = reader;
        self.version.fetch_add(1, Ordering::AcqRel);
        true
    }

    /// The frame that tells the client why its stream ends.
    pub fn ended_frame(&self) -> bytes::Bytes {
        let reason = serde_json::json!({ "reason": self.ended().unwrap_or("ended") });
        format!("event: {ENDED}\ndata: {reason}\n\n").into()
    }
}

/// The grants of this instance's open streams, by account.
#[derive(Debug)]
pub(super) struct Registry {
    by_account: Mutex<HashMap<i64, Vec<Weak<Grant>>>>,
    per_account: AtomicUsize,
}

impl Default for Registry {
    fn default() -> Self {
        Registry {
            by_account: Mutex::new(HashMap::new()),
            per_account: AtomicUsize::new(DEFAULT_STREAMS_PER_ACCOUNT),
        }
    }
}

impl Registry {
    pub(super) fn all(&self) -> Vec<Arc<Grant>> {
        let mut by_account = self.by_account.lock().unwrap_or_else(|e| e.into_inner());
        by_account.retain(|_, grants| {
            grants.retain(|g| g.strong_count() > 0);
            !grants.is_empty()
        });
        by_account
            .values()
            .flatten()
            .filter_map(Weak::upgrade)
            .collect()
    }
}

impl LiveHub {
    /// Registers the grant of a stream about to open for `caller`, or refuses it (429) when
    /// the account already holds as many open streams on this instance as it may.
    pub fn grant(&self, caller: &Caller) -> Result<Arc<Grant>, AppError> {
        let registry = &self.inner.grants;
        let most = registry.per_account.load(Ordering::Relaxed);
        let mut by_account = registry
            .by_account
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        let open = by_account.entry(caller.account.id).or_default();
        open.retain(|g| g.upgrade().is_some_and(|g| g.ended().is_none()));
        if open.len() >= most {
            return Err(AppError::TooManyAttempts {
                message: td_string!(current(), api.live_streams_full, most = most).to_string(),
                retry_after_secs: RETRY_AFTER_SECS,
            });
        }
        let grant = Arc::new(Grant::of(caller));
        open.push(Arc::downgrade(&grant));
        Ok(grant)
    }

    /// How many open streams `account_id` holds on this instance.
    pub fn streams_of(&self, account_id: i64) -> usize {
        self.inner
            .grants
            .by_account
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&account_id)
            .map_or(0, |open| {
                open.iter()
                    .filter(|g| g.upgrade().is_some_and(|g| g.ended().is_none()))
                    .count()
            })
    }

    /// Starts the warden of this hub's grants (see the module's documentation): it checks
    /// them against `pool` with the session limits of `settings`, and lets each account hold
    /// at most `per_account` streams open.
    pub fn keep_watch(&self, pool: AnyPool, settings: AuthSettings, per_account: usize) {
        self.inner
            .grants
            .per_account
            .store(per_account.max(1), Ordering::Relaxed);
        if self.inner.warden.set(Warden { pool, settings }).is_ok() {
            tokio::spawn(self.clone().warden());
        }
    }

    /// Before the pump publishes `batch`, the grants its entries concern are checked again,
    /// so that no stream reads a change that follows the end of its access, or reads it with
    /// the rights it had before its role or ports changed.
    pub(super) async fn reconsider(&self, batch: &Batch) {
        let Some(warden) = self.inner.warden.get() else {
            return;
        };
        // Most batches are the board's: they concern no grant, and cost nothing here.
        if !batch.iter().any(|p| concerns_access(&p.event.entity)) {
            return;
        }
        let due = concerned(&self.inner.grants.all(), batch);
        let mut changed = false;
        for grant in due {
            changed |= warden.check(&grant).await;
        }
        if changed {
            self.woken_for_grants();
        }
    }

    /// The session limits pass without a journal entry: every [`WATCH_EVERY`], the grants
    /// whose time has come are checked again.
    async fn warden(self) {
        let Some(warden) = self.inner.warden.get() else {
            return;
        };
        let mut closing = self.inner.closing.subscribe();
        let mut every = tokio::time::interval(WATCH_EVERY);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = closing.changed() => return,
                _ = every.tick() => {}
            }
            let now = to_millis(Utc::now());
            let mut changed = false;
            for grant in self.inner.grants.all() {
                if grant.ended().is_none() && grant.check_at.load(Ordering::Relaxed) <= now {
                    changed |= warden.check(&grant).await;
                }
            }
            if changed {
                self.woken_for_grants();
            }
        }
    }

    /// Wakes the fan-out threads and the streams following the broadcast: each finds its
    /// grant ended or its principal replaced.
    fn woken_for_grants(&self) {
        self.inner.signal();
        let _ = self.inner.sender.send(Arc::default());
    }
}

/// What the warden checks grants with.
pub(super) struct Warden {
    pool: AnyPool,
    settings: AuthSettings,
}

impl Warden {
    /// Checks one grant against the database; whether it ended or its principal changed.
    async fn check(&self, grant: &Grant) -> bool {
        if grant.ended().is_some() {
            return false;
        }
        let now = Utc::now();
        let address = &grant.address;
        let found = standing(
            &self.pool,
            &self.settings,
            grant.account_id,
            &grant.credential,
            address,
            now,
        )
        .await;
        match found {
            Ok(Standing::Ended(reason)) => {
                grant.end(&reason);
                true
            }
            Ok(Standing::Holds {
                principal,
                check_by,
            }) => {
                grant.check_at.store(to_millis(check_by), Ordering::Relaxed);
                grant.replace(principal)
            }
            Err(AppError::NotFound { .. }) => {
                grant.end("account_removed");
                true
            }
            Err(error) => {
                // The database is away: look again at the next round.
                tracing::warn!(%error, "checking a live stream's access");
                grant.check_at.store(0, Ordering::Relaxed);
                false
            }
        }
    }
}

/// The grants that journal entries of `batch` concern: a session's, a token's, an account's.
fn concerned(grants: &[Arc<Grant>], batch: &Batch) -> Vec<Arc<Grant>> {
    let touches = |grant: &Grant| {
        batch.iter().any(|published| {
            let event = &published.event;
            match event.entity.as_str() {
                "account" => event.entity_id == grant.account_id.to_string(),
                "session" => {
                    matches!(&grant.credential, Credential::Session(key) if *key == event.entity_id)
                }
                "api_token" => {
                    matches!(grant.credential, Credential::Token(id) if id.to_string() == event.entity_id)
                }
                _ => false,
            }
        })
    };
    grants
        .iter()
        .filter(|g| g.ended().is_none() && touches(g))
        .cloned()
        .collect()
}

/// Whether changes to records of `entity` may end or change access.
fn concerns_access(entity: &str) -> bool {
    matches!(entity, "account" | "session" | "api_token")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::live::Published;
    use app::domain::{PortScope, Role};
    use app::live::LiveEvent;

    fn grant(account_id: i64, credential: Credential) -> Arc<Grant> {
        let reader = Principal {
            username: format!("a{account_id}"),
            role: Role::Admin,
            ports: PortScope::All,
            active: true,
        };
        Arc::new(Grant::new(account_id, credential, "test", reader))
    }

    fn batch(changes: &[(&str, &str)]) -> Batch {
        Arc::new(
            changes
                .iter()
                .enumerate()
                .map(|(n, (entity, id))| {
                    Arc::new(Published::from(LiveEvent {
                        seq: n as i64 + 1,
                        at: 0,
                        actor: "test".into(),
                        entity: (*entity).into(),
                        entity_id: (*id).into(),
                        shipment_id: None,
                        port_code: None,
                        action: "changed".into(),
                        version: None,
                    }))
                })
                .collect(),
        )
    }

    #[test]
    fn a_change_concerns_the_grants_of_its_session_token_or_account() {
        let by_session = grant(3, Credential::Session("k".into()));
        let by_token = grant(3, Credential::Token(7));
        let other = grant(4, Credential::Session("j".into()));
        let grants = [by_session.clone(), by_token.clone(), other.clone()];
        let keys = |found: Vec<Arc<Grant>>| {
            found
                .iter()
                .map(|g| (g.account_id, g.credential.clone()))
                .collect::<Vec<_>>()
        };
        let of = |g: &Arc<Grant>| (g.account_id, g.credential.clone());
        assert_eq!(
            keys(concerned(&grants, &batch(&[("session", "k")]))),
            [of(&by_session)]
        );
        assert_eq!(
            keys(concerned(&grants, &batch(&[("api_token", "7")]))),
            [of(&by_token)]
        );
        assert_eq!(
            keys(concerned(&grants, &batch(&[("account", "3")]))),
            [of(&by_session), of(&by_token)]
        );
        assert!(concerned(&grants, &batch(&[("hold", "3"), ("shipment", "k")])).is_empty());
        // An ended grant is not looked at again; its stream is closing.
        other.end("signed_out");
        assert!(concerned(&grants, &batch(&[("session", "j")])).is_empty());
        assert_eq!(other.ended(), Some("signed_out"));
        other.end("idle");
        assert_eq!(other.ended(), Some("signed_out"), "the first reason stays");
    }

    #[test]
    fn a_new_principal_moves_the_version_and_the_same_one_does_not() {
        let grant = grant(1, Credential::Token(1));
        let before = grant.version();
        let mut viewer = grant.principal();
        assert!(!grant.replace(viewer.clone()));
        assert_eq!(grant.version(), before);
        viewer.role = Role::Viewer;
        assert!(grant.replace(viewer));
        assert_eq!(grant.version(), before + 1);
        assert_eq!(grant.principal().role, Role::Viewer);
        assert_eq!(
            grant.ended_frame(),
            bytes::Bytes::from("event: ended\ndata: {\"reason\":\"ended\"}\n\n")
        );
    }
}
