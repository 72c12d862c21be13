//! What the handlers of every area take from a request besides its body: the signed-in caller
//! with the state to serve it (`Signed`), the same once allowed to do what the endpoint does
//! (`Allowed`), and the query string's pairs (`QueryParams`).

use crate::auth::Authenticated;
use app::auth::server::Caller;
use app::domain::Action;
use app::{AppError, state::AppState};
use axum::extract::{FromRef, FromRequestParts, RawQuery};
use axum::http::request::Parts;
use std::convert::Infallible;
use std::marker::PhantomData;

/// A signed-in caller and the state to serve it with. What the caller may do is checked by the
/// operation the handler calls, which knows the port it acts on.
pub struct Signed {
    pub state: AppState,
    pub caller: Caller,
}

impl Signed {
    pub fn pool(&self) -> &sqlx::AnyPool {
        &self.state.db.pool
    }
}

impl<S> FromRequestParts<S> for Signed
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        let Authenticated(caller) = Authenticated::from_request_parts(parts, state).await?;
        Ok(Self {
            state: AppState::from_ref(state),
            caller,
        })
    }
}

/// What an endpoint's caller must be allowed to do, at any port.
pub trait Permission {
    const ACTION: Action;
}

/// Reading the board.
pub struct Read;

impl Permission for Read {
    const ACTION: Action = Action::Read;
}

/// Managing the targeting rules and their settings.
pub struct ManageRules;

impl Permission for ManageRules {
    const ACTION: Action = Action::ManageRules;
}

/// Sending declarations in.
pub struct DeclareShipments;

impl Permission for DeclareShipments {
    const ACTION: Action = Action::DeclareShipments;
}

/// Sending CBSA's border wait times file.
pub struct ImportWaits;

impl Permission for ImportWaits {
    const ACTION: Action = Action::ImportWaits;
}

/// Sharing seizure reports with partner administrations.
pub struct ShareSeizures;

impl Permission for ShareSeizures {
    const ACTION: Action = Action::ShareSeizures;
}

/// A signed-in caller allowed to do `P::ACTION`, checked as it is extracted (so before what
/// the handler takes after it): a refusal is journaled and answered with a 403 that says why.
pub struct Allowed<P> {
    pub state: AppState,
    pub caller: Caller,
    permission: PhantomData<fn() -> P>,
}

impl<P> Allowed<P> {
    pub fn pool(&self) -> &sqlx::AnyPool {
        &self.state.db.pool
    }
}

impl<S, P> FromRequestParts<S> for Allowed<P>
where
    AppState: FromRef<S>,
    S: Send + Sync,
    P: Permission,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        let Signed { state, caller } = Signed::from_request_parts(parts, state).await?;
        caller.authorize(&state.db.pool, P::ACTION, None).await?;
        Ok(Self {
            state,
            caller,
            permission: PhantomData,
        })
    }
}

/// The decoded `key=value` pairs of the query string, in their order.
pub struct QueryParams(Vec<(String, String)>);

impl QueryParams {
    pub fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// The first value given for `key`.
    pub fn first(&self, key: &str) -> Option<&str> {
        self.pairs().find(|(k, _)| *k == key).map(|(_, v)| v)
    }
}

impl From<Option<String>> for QueryParams {
    fn from(raw: Option<String>) -> Self {
        Self(
            raw.map(|q| {
                form_urlencoded::parse(q.as_bytes())
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect()
            })
            .unwrap_or_default(),
        )
    }
}

impl<S: Send + Sync> FromRequestParts<S> for QueryParams {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Infallible> {
        let RawQuery(raw) = RawQuery::from_request_parts(parts, state).await?;
        Ok(raw.into())
    }
}
