//! Every error the HTTP API returns: an `ErrorReply` (a code a desk branches on, a Chinese message
//! for the person, the offending entry when there is one) with its HTTP status.
//!
//! Invariant: a PostgreSQL that cannot be reached (connection refused, closed, shutting down, pool
//! timeout) is `503 unavailable` so that the desk keeps its outbox and retries later; anything else
//! unexpected is `500 internal` and is logged with its cause.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use frontdesk_sync_proto::ErrorReply;

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub reply: ErrorReply,
}

impl ApiError {
    fn new(status: StatusCode, code: &str, message: impl Into<String>, entry: Option<i64>) -> Self {
        ApiError {
            status,
            reply: ErrorReply {
                code: code.to_string(),
                message: message.into(),
                entry,
            },
        }
    }

    pub fn unauthorised() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorised",
            "凭据无效：本前台未登记或凭据已失效，请重新登记",
            None,
        )
    }

    pub fn bad_code() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "bad_code",
            "登记码：无效、已使用或已过期",
            None,
        )
    }

    pub fn protocol(got: u32) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "protocol",
            format!(
                "协议版本：服务器使用第 {} 版，请求为第 {got} 版，请升级前台程序",
                frontdesk_sync_proto::PROTOCOL
            ),
            None,
        )
    }

    pub fn bad_batch(message: impl Into<String>, entry: Option<i64>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad_batch", message, entry)
    }

    pub fn broken_chain(message: impl Into<String>, entry: i64) -> Self {
        Self::new(StatusCode::CONFLICT, "broken_chain", message, Some(entry))
    }

    pub fn not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "地址：服务器没有这个接口，请检查同步服务器地址",
            None,
        )
    }

    pub fn unavailable() -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "数据库暂时不可用，请稍后重试（本机数据不受影响）",
            None,
        )
    }

    pub fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "服务器内部错误，请联系信息部门（本机数据不受影响）",
            None,
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, axum::Json(self.reply)).into_response()
    }
}

/// Whether a PostgreSQL error means "the database is not there right now" (retry later) rather
/// than a statement it refused.
pub fn is_unavailable(e: &tokio_postgres::Error) -> bool {
    if let Some(code) = e.code() {
        let c = code.code();
        // 08: connection exception; 57P0x: shutdown / cannot connect now; 53: resources;
        // 40001/40P01: serialisation failure, deadlock (a retry succeeds).
        return c.starts_with("08")
            || c.starts_with("57P")
            || c.starts_with("53")
            || c == "40001"
            || c == "40P01";
    }
    if e.is_closed() {
        return true;
    }
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        if s.is::<std::io::Error>() {
            return true;
        }
        source = s.source();
    }
    false
}

impl From<tokio_postgres::Error> for ApiError {
    fn from(e: tokio_postgres::Error) -> Self {
        if is_unavailable(&e) {
            tracing::warn!(error = %e, "database unavailable");
            ApiError::unavailable()
        } else {
            tracing::error!(error = ?e, "database error");
            ApiError::internal()
        }
    }
}

impl From<deadpool_postgres::PoolError> for ApiError {
    fn from(e: deadpool_postgres::PoolError) -> Self {
        match e {
            deadpool_postgres::PoolError::Backend(e) => e.into(),
            other => {
                tracing::warn!(error = %other, "database pool unavailable");
                ApiError::unavailable()
            }
        }
    }
}
