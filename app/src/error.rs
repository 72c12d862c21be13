//! The one error type of the application. The client learns only what it may know: what was
//! not found, which field is wrong and why, what conflicts. Internal failures are logged with
//! a reference and shown as that reference alone.

use crate::i18n::td_string;
use crate::lang::current;
use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};

/// Its sentence (`Display`, the API's `message`) is in the language being spoken; its `code`
/// and fields are the same in every language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum AppError {
    #[error("{}", td_string!(current(), errors.not_found, what = what))]
    NotFound { what: String },
    #[error("{}", td_string!(current(), errors.invalid, field = field, reason = reason))]
    Invalid { field: String, reason: String },
    #[error("{message}")]
    Conflict { message: String },
    /// The caller acted on a version of the record that has since changed: nothing was
    /// written, and `current` is the record as it is now.
    #[error("{message}")]
    Stale {
        message: String,
        current: serde_json::Value,
    },
    /// Nobody is signed in (or the token is not valid): sign in first.
    #[error("{message}")]
    Unauthenticated { message: String },
    #[error("{message}")]
    Forbidden { message: String },
    /// Too many attempts: wait `retry_after_secs` before trying again.
    #[error("{message}")]
    TooManyAttempts {
        message: String,
        retry_after_secs: u64,
    },
    /// The request body is larger than the endpoint reads.
    #[error("{message}")]
    TooLarge { message: String },
    /// The request body is not of a type the endpoint reads.
    #[error("{message}")]
    UnsupportedMediaType { message: String },
    #[error("{}", td_string!(current(), errors.unavailable))]
    Unavailable,
    #[error("{}", td_string!(current(), errors.internal, reference = reference))]
    Internal { reference: String },
    /// The request did not reach the server, or its answer could not be read.
    #[error("{}", td_string!(current(), errors.transport, message = message))]
    Transport { message: String },
}

impl AppError {
    /// A port named in a sentence ("port YVR", « point d’entrée YVR »).
    pub fn port_named(code: &str) -> String {
        td_string!(current(), errors.port_named, code = code).to_string()
    }

    pub fn not_found(what: impl Into<String>) -> Self {
        AppError::NotFound { what: what.into() }
    }

    pub fn unauthenticated() -> Self {
        AppError::Unauthenticated {
            message: td_string!(current(), errors.sign_in).into(),
        }
    }

    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        AppError::Invalid {
            field: field.into(),
            reason: reason.into(),
        }
    }
}

impl AppError {
    /// Its `code`, as the API's body names it.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::NotFound { .. } => "not_found",
            AppError::Invalid { .. } => "invalid",
            AppError::Conflict { .. } => "conflict",
            AppError::Stale { .. } => "stale",
            AppError::Unauthenticated { .. } => "unauthenticated",
            AppError::Forbidden { .. } => "forbidden",
            AppError::TooManyAttempts { .. } => "too_many_attempts",
            AppError::TooLarge { .. } => "too_large",
            AppError::UnsupportedMediaType { .. } => "unsupported_media_type",
            AppError::Unavailable => "unavailable",
            AppError::Internal { .. } => "internal",
            AppError::Transport { .. } => "transport",
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::Transport {
            message: value.to_string(),
        }
    }
}

#[cfg(feature = "ssr")]
pub use server::{ErrorBody, ErrorDetail, Refused};

#[cfg(feature = "ssr")]
mod server {
    use super::AppError;
    use axum::{
        Json,
        http::StatusCode,
        response::{IntoResponse, Response},
    };

    impl AppError {
        pub fn status(&self) -> StatusCode {
            match self {
                AppError::NotFound { .. } => StatusCode::NOT_FOUND,
                AppError::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
                AppError::Conflict { .. } | AppError::Stale { .. } => StatusCode::CONFLICT,
                AppError::Unauthenticated { .. } => StatusCode::UNAUTHORIZED,
                AppError::Forbidden { .. } => StatusCode::FORBIDDEN,
                AppError::TooManyAttempts { .. } => StatusCode::TOO_MANY_REQUESTS,
                AppError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
                AppError::UnsupportedMediaType { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
                AppError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
                AppError::Internal { .. } => StatusCode::INTERNAL_SERVER_ERROR,
                AppError::Transport { .. } => StatusCode::BAD_REQUEST,
            }
        }
    }

    /// On a response that refuses a request, the error's code: the server counts the
    /// refusals it answers by it ([`crate::counters::REFUSALS`]).
    #[derive(Debug, Clone, Copy)]
    pub struct Refused(pub &'static str);

    /// The body every failed API call returns: `{"error": {"code": …, "message": …, …}}`.
    #[derive(serde::Serialize, utoipa::ToSchema)]
    pub struct ErrorBody {
        pub error: ErrorDetail,
    }

    /// What went wrong: the error's `code` and its fields, and the sentence the screens show.
    #[derive(serde::Serialize, utoipa::ToSchema)]
    pub struct ErrorDetail {
        /// What went wrong, in words for people: in the language of the request's
        /// `Accept-Language` (English or French; English by default), as `Content-Language`
        /// says. `code` and the fields beside it are the same in every language.
        pub message: String,
        #[serde(flatten)]
        pub error: AppError,
    }

    impl AppError {
        /// Gives `response` what every refusal carries: the error's status, its code for the
        /// refusal counter, and `Retry-After` when it says when to try again.
        pub fn mark(&self, response: &mut Response) {
            *response.status_mut() = self.status();
            response.extensions_mut().insert(Refused(self.code()));
            if let AppError::TooManyAttempts {
                retry_after_secs, ..
            } = self
            {
                response.headers_mut().insert(
                    axum::http::header::RETRY_AFTER,
                    axum::http::HeaderValue::from(*retry_after_secs),
                );
            }
        }

        /// The refusal in a server function's shape (the error itself, by `code`), which the
        /// page that called it reads; the API's shape is [`IntoResponse`]'s.
        pub fn into_server_fn_response(self) -> Response {
            let mut response = Json(&self).into_response();
            self.mark(&mut response);
            response
        }
    }

    impl IntoResponse for AppError {
        fn into_response(self) -> Response {
            // Through a JSON value: the variants that carry a `message` have it once.
            let body = serde_json::to_value(ErrorBody {
                error: ErrorDetail {
                    message: self.to_string(),
                    error: self.clone(),
                },
            })
            .unwrap_or_default();
            let mut response = (self.status(), Json(body)).into_response();
            self.mark(&mut response);
            response
        }
    }

    impl From<sqlx::Error> for AppError {
        fn from(err: sqlx::Error) -> Self {
            match err {
                sqlx::Error::RowNotFound => AppError::not_found(crate::i18n::td_string!(
                    crate::lang::current(),
                    errors.the_record
                )),
                other => match crate::db::unavailability(&other) {
                    Some(why) => {
                        crate::counters::database_unavailable(why);
                        tracing::error!(error = %other, "database unavailable");
                        AppError::Unavailable
                    }
                    None => {
                        let reference = uuid::Uuid::new_v4().simple().to_string()[..12].to_string();
                        tracing::error!(%reference, error = %other, "database error");
                        AppError::Internal { reference }
                    }
                },
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::AppError;

    /// The code counted for a refusal is the code its body names.
    #[test]
    fn each_errors_code_is_the_one_its_body_names() {
        let text = || String::from("x");
        for error in [
            AppError::not_found(text()),
            AppError::invalid(text(), text()),
            AppError::Conflict { message: text() },
            AppError::Stale {
                message: text(),
                current: serde_json::Value::Null,
            },
            AppError::Unauthenticated { message: text() },
            AppError::Forbidden { message: text() },
            AppError::TooManyAttempts {
                message: text(),
                retry_after_secs: 1,
            },
            AppError::TooLarge { message: text() },
            AppError::UnsupportedMediaType { message: text() },
            AppError::Unavailable,
            AppError::Internal { reference: text() },
            AppError::Transport { message: text() },
        ] {
            let body = serde_json::to_value(&error).unwrap();
            assert_eq!(body["code"], error.code(), "{error:?}");
        }
    }
}
