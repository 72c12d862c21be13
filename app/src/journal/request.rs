//! The request a change is made in. The server gives every request an id (`x-request-id`:
//! the proxy's, or one it makes) and runs the request's work in its [`scope`]; each journal
//! entry written there carries the id, as each of the request's log lines does, so that an
//! entry can be found in the logs and a log line in the journal. Work that is not a request's
//! (the simulator, the timers, the commands) writes entries without one.

use std::future::Future;

tokio::task_local! {
    static REQUEST_ID: String;
}

/// Runs `work` as the request `id`'s.
pub async fn scope<F: Future>(id: String, work: F) -> F::Output {
    REQUEST_ID.scope(id, work).await
}

/// The id of the request being served, if any.
pub fn current() -> Option<String> {
    REQUEST_ID.try_with(Clone::clone).ok()
}
