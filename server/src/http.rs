//! The HTTP face: the proto crate's types as JSON over POST at `proto::path::*`.
//!
//! Invariants: the server keeps no state between requests (any number of instances can stand
//! behind a load balancer); every error body is an `ErrorReply`, bad JSON included.

use crate::error::ApiError;
use crate::{enrol, pull, push};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::HeaderMap;
use axum::routing::{get, post};
use axum::{Json, Router};
use deadpool_postgres::Pool;
use frontdesk_sync_proto::path;
use serde::de::DeserializeOwned;

/// The largest request body (a full batch of changes with their fields).
const BODY_LIMIT: usize = 64 * 1024 * 1024;

/// A request body as the expected JSON; a body too large or malformed is `bad_batch`.
type Body = Result<Bytes, BytesRejection>;

fn parse<T: DeserializeOwned>(body: Body) -> Result<T, ApiError> {
    let body = body.map_err(|e| ApiError {
        // 413 for a body over the limit, 400 otherwise.
        status: e.status(),
        ..ApiError::bad_batch(
            format!(
                "请求：内容无法读取（{e}），每次请求最多 {} MB",
                BODY_LIMIT >> 20
            ),
            None,
        )
    })?;
    serde_json::from_slice(&body)
        .map_err(|e| ApiError::bad_batch(format!("请求：内容格式不正确（{e}）"), None))
}

async fn not_found() -> ApiError {
    ApiError::not_found()
}

async fn enrol_handler(
    State(pool): State<Pool>,
    body: Body,
) -> Result<Json<frontdesk_sync_proto::EnrolReply>, ApiError> {
    let req = parse(body)?;
    let mut client = pool.get().await?;
    Ok(Json(enrol::enrol(&mut client, &req).await?))
}

async fn push_handler(
    State(pool): State<Pool>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<frontdesk_sync_proto::PushReply>, ApiError> {
    let req = parse(body)?;
    let mut client = pool.get().await?;
    Ok(Json(
        push::push(&mut client, enrol::bearer(&headers), &req).await?,
    ))
}

async fn pull_handler(
    State(pool): State<Pool>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<frontdesk_sync_proto::PullReply>, ApiError> {
    let req = parse(body)?;
    let client = pool.get().await?;
    Ok(Json(
        pull::pull(&client, enrol::bearer(&headers), &req).await?,
    ))
}

async fn health_handler(State(pool): State<Pool>) -> Result<Json<serde_json::Value>, ApiError> {
    let client = pool.get().await?;
    client.query_one("SELECT 1", &[]).await?;
    Ok(Json(serde_json::json!({ "ok": true })))
}

pub fn router(pool: Pool) -> Router {
    Router::new()
        .route(path::ENROL, post(enrol_handler))
        .route(path::PUSH, post(push_handler))
        .route(path::PULL, post(pull_handler))
        .route(path::HEALTH, get(health_handler).post(health_handler))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(pool)
}
