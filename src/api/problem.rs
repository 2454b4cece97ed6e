//! Errors of the service API as problem documents (RFC 9457,
//! `application/problem+json`): `type` (here `about:blank`), `title` (the status's
//! phrase), `status`, `detail` (what went wrong, for a person) and `code` (for a
//! program). A 401 also says `WWW-Authenticate: Bearer`; a 429 and a 503 `Retry-After`.
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    /// Always `about:blank`: `code` tells problems apart.
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// A stable name for the problem, e.g. `token_expired`, `insufficient_scope`.
    pub code: &'static str,
    #[serde(skip)]
    #[schema(ignore)]
    retry_after: Option<u64>,
}

impl Problem {
    pub fn new(status: StatusCode, code: &'static str, detail: impl Into<String>) -> Self {
        Self {
            kind: "about:blank",
            title: status.canonical_reason().unwrap_or("Error").to_string(),
            status: status.as_u16(),
            detail: detail.into(),
            code,
            retry_after: None,
        }
    }

    pub fn unauthorized(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, code, detail)
    }

    pub fn forbidden(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, code, detail)
    }

    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", detail)
    }

    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad_request", detail)
    }

    pub fn unprocessable(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, code, detail)
    }

    pub fn conflict(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, code, detail)
    }

    pub fn rate_limited(retry_after_seconds: u64) -> Self {
        let mut p = Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            format!("This client made too many requests; try again in {retry_after_seconds} s."),
        );
        p.retry_after = Some(retry_after_seconds);
        p
    }

    pub fn unavailable(retry_after_seconds: u64) -> Self {
        let mut p = Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "The hub's data cannot be reached right now; try again shortly.",
        );
        p.retry_after = Some(retry_after_seconds);
        p
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_vec(&self).unwrap_or_default();
        let mut res = (status, body).into_response();
        let headers = res.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if status == StatusCode::UNAUTHORIZED {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"rally\", error=\"invalid_token\""),
            );
        }
        if let Some(secs) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        res
    }
}

/// A database failure: the shard is read-only (503, a minute), or cannot answer (503,
/// logged here). Never a 500: the caller can retry.
impl From<sea_orm::DbErr> for Problem {
    fn from(e: sea_orm::DbErr) -> Self {
        if crate::db::is_read_only(&e) {
            return Self::unavailable(crate::web::error::RETRY_AFTER_READ_ONLY);
        }
        if crate::db::is_tenant_moving(&e) {
            return Self::unavailable(crate::web::error::RETRY_AFTER_MOVING);
        }
        tracing::error!(error = %e, "service API: database error");
        Self::unavailable(crate::web::error::RETRY_AFTER_UNAVAILABLE)
    }
}

impl From<crate::web::AppError> for Problem {
    fn from(e: crate::web::AppError) -> Self {
        use crate::web::AppError;
        match e {
            AppError::NotFound => Self::not_found("No such resource in this hub."),
            AppError::RateLimited {
                retry_after_seconds,
            } => Self::rate_limited(retry_after_seconds),
            AppError::ReadOnly => Self::unavailable(crate::web::error::RETRY_AFTER_READ_ONLY),
            AppError::Moving => Self::unavailable(crate::web::error::RETRY_AFTER_MOVING),
            AppError::BadRequest | AppError::Invalid { .. } | AppError::TooLarge => {
                Self::bad_request("The request is not valid.")
            }
            _ => Self::unavailable(crate::web::error::RETRY_AFTER_UNAVAILABLE),
        }
    }
}

/// The JSON body of a request, with its refusals as problem documents.
pub struct ApiJson<T>(pub T);

impl<T, S> axum::extract::FromRequest<S> for ApiJson<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Problem;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Problem> {
        use axum::extract::rejection::JsonRejection;
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(Self(v)),
            Err(JsonRejection::MissingJsonContentType(_)) => Err(Problem::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "Send the body as JSON, with Content-Type: application/json.",
            )),
            Err(JsonRejection::JsonDataError(e)) => {
                Err(Problem::unprocessable("invalid_body", e.body_text()))
            }
            Err(e) => Err(Problem::bad_request(e.body_text())),
        }
    }
}

/// Query parameters, with their refusals as problem documents.
pub struct ApiQuery<T>(pub T);

impl<T, S> axum::extract::FromRequestParts<S> for ApiQuery<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Problem;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Problem> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(v)| Self(v))
            .map_err(|e| Problem::bad_request(e.body_text()))
    }
}

/// The `{id}` of a path, which must be a UUID: anything else (not UTF-8 included) is a 404
/// problem document, as no such resource exists.
pub struct ApiId(pub uuid::Uuid);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for ApiId {
    type Rejection = Problem;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Problem> {
        let missing = || Problem::not_found("No such resource in this hub.");
        let axum::extract::Path(raw) =
            axum::extract::Path::<String>::from_request_parts(parts, state)
                .await
                .map_err(|_| missing())?;
        uuid::Uuid::parse_str(&raw).map(Self).map_err(|_| missing())
    }
}
