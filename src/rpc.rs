//! Server functions answer every error with status 500 and the serialized `AppError` as the
//! body. This layer gives such answers the status their error means (404, 422, 409, 400 for
//! arguments that could not be read, …), so that bad input is never reported as a fault of
//! the server, to the browser or to anything watching the logs.

use app::AppError;
use axum::{
    body::{Body, to_bytes},
    extract::Request,
    http::StatusCode,
    middleware::Next,
    response::Response,
};

/// Server-function answers are small; anything larger is passed on untouched.
const MAX_ERROR_BODY: usize = 64 * 1024;

pub async fn error_status(request: Request, next: Next) -> Response {
    let is_rpc = request.uri().path().starts_with("/rpc/");
    let response = next.run(request).await;
    if !is_rpc || response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_ERROR_BODY).await else {
        parts.status = StatusCode::INTERNAL_SERVER_ERROR;
        return Response::from_parts(parts, Body::empty());
    };
    let error = serde_json::from_slice::<AppError>(&bytes).ok();
    let mut response = Response::from_parts(parts, Body::from(bytes));
    if let Some(error) = error {
        error.mark(&mut response);
    }
    response
}
