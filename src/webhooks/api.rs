//! Loader of `/admin/webhooks` (runs on the server while the page renders).
use crate::web::flash::Flash;
use crate::web::AppError;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryRow {
    pub id: String,
    pub event: String,
    pub status: String,
    pub attempts: i64,
    /// "HTTP 200 in 35 ms", or the error.
    pub result: String,
    pub excerpt: String,
    pub at: String,
    /// Ended, or left pending by a job that is gone: it can be sent again.
    pub can_redeliver: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookRow {
    pub id: String,
    pub url: String,
    pub events: Vec<String>,
    pub deliveries: Vec<DeliveryRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhooksPage {
    pub rows: Vec<WebhookRow>,
    /// Every event: its name and label.
    pub events: Vec<(String, String)>,
    pub flash: Option<Flash>,
}

/// Deliveries shown per webhook.
const LOG_LENGTH: u64 = 20;

/// `/admin/webhooks` (hub admins).
pub async fn load_webhooks() -> Result<WebhooksPage, AppError> {
    use super::service;
    use crate::domain::Role;
    use crate::web::guard::hub_with_role;
    let (ctx, _) = hub_with_role(Role::Admin).await?;
    let db = &ctx.hub()?.db;
    let fmt = |t: chrono::DateTime<chrono::Utc>| t.format("%Y-%m-%d %H:%M:%S UTC").to_string();
    let mut rows = Vec::new();
    for hook in service::list(db).await? {
        let deliveries = service::deliveries(db, hook.id, LOG_LENGTH)
            .await?
            .into_iter()
            .map(|d| DeliveryRow {
                id: d.id.to_string(),
                result: match (d.response_status, &d.last_error) {
                    (Some(s), _) => format!("HTTP {s} in {} ms", d.latency_ms.unwrap_or(0)),
                    (None, Some(e)) => e.clone(),
                    (None, None) => "Not sent yet".into(),
                },
                can_redeliver: d.status != service::PENDING
                    || d.updated_at < crate::db::now() - service::STUCK_AFTER,
                event: d.event,
                status: d.status,
                attempts: d.attempts,
                excerpt: d.response_excerpt.unwrap_or_default(),
                at: fmt(d.updated_at),
            })
            .collect();
        rows.push(WebhookRow {
            id: hook.id.to_string(),
            url: hook.url,
            events: hook.events.split(' ').map(str::to_string).collect(),
            deliveries,
        });
    }
    Ok(WebhooksPage {
        rows,
        events: super::Event::ALL
            .iter()
            .map(|e| (e.name().to_string(), e.label().to_string()))
            .collect(),
        flash: ctx.flash("webhooks").await,
    })
}
