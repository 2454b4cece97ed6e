//! Loader of `/platform` (runs on the server while the page renders).
use crate::web::flash::Flash;
use crate::web::AppError;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantRow {
    pub slug: String,
    pub name: String,
    pub shard: String,
    pub status: String,
    pub spam_score: i64,
    pub mail_suppressed: bool,
    /// "until 14:05 UTC", when debug logging is on.
    pub debug_until: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardRow {
    pub name: String,
    pub status: String,
    pub tenants: i64,
    /// "3 ms", or why it did not answer.
    pub ping: String,
    pub size: String,
}

/// A tenant move and how far it got.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MoveRow {
    pub slug: String,
    pub from: String,
    pub to: String,
    pub phase: String,
    /// 0–100: rows copied (or removed from the source, while cleaning) of the hub's total.
    pub percent: u8,
    pub rows: String,
    /// "840 ms", once writes resumed.
    pub pause: String,
    pub error: String,
    pub started: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonRow {
    pub email: String,
    pub name: String,
    pub operator: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobRow {
    pub id: String,
    pub place: String,
    pub kind: String,
    pub attempts: i64,
    pub error: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRow {
    pub when: String,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub detail: String,
    pub request_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Console {
    /// The operator, for the page's header.
    pub account: crate::web::viewer::AccountView,
    pub tenant_query: String,
    pub tenants: Vec<TenantRow>,
    pub shards: Vec<ShardRow>,
    pub moves: Vec<MoveRow>,
    pub people_query: String,
    pub people: Vec<PersonRow>,
    pub dead_jobs: Vec<JobRow>,
    pub audit: Vec<AuditRow>,
    pub flash: Option<Flash>,
}

fn size(bytes: Option<i64>) -> String {
    match bytes {
        None => "unknown".into(),
        Some(b) if b < 1024 * 1024 => format!("{} KB", b / 1024),
        Some(b) => format!("{:.1} MB", b as f64 / (1024.0 * 1024.0)),
    }
}

/// `/platform` (operators only).
pub async fn load_console(tenant_query: String, people_query: String) -> Result<Console, AppError> {
    use crate::platform::{audit, members, shards, tenants};
    use crate::web::context::request_ctx;
    use crate::web::guard::require_operator;
    let ctx = request_ctx()?;
    let operator = require_operator(&ctx).await?;
    let registry = &ctx.state.registry;
    let global = registry.global();
    let op = |e: crate::platform::OpError| AppError::internal(e);
    let now = chrono::Utc::now();
    let tenants = tenants::search(registry, &tenant_query, 100)
        .await
        .map_err(op)?
        .into_iter()
        .map(|(t, shard)| TenantRow {
            debug_until: t
                .debug_logging_until
                .filter(|u| *u > now)
                .map(|u| format!("until {}", u.format("%H:%M UTC"))),
            slug: t.slug,
            name: t.name,
            shard,
            status: t.status.to_string(),
            spam_score: t.spam_score,
            mail_suppressed: t.mail_suppressed,
        })
        .collect();
    let shards = shards::health(registry)
        .await
        .map_err(op)?
        .into_iter()
        .map(|h| ShardRow {
            name: h.shard.name,
            status: h.shard.status.to_string(),
            tenants: h.tenants,
            ping: match h.ping {
                Ok(d) => format!("{} ms", d.as_millis()),
                Err(e) => format!("down: {e}"),
            },
            size: size(h.size_bytes),
        })
        .collect();
    let names: std::collections::HashMap<_, _> = registry
        .shards()
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect();
    let slugs: std::collections::HashMap<_, _> = tenants::list(registry)
        .await
        .map_err(op)?
        .into_iter()
        .map(|(t, _)| (t.id, t.slug))
        .collect();
    let shard_name = |id| names.get(&id).cloned().unwrap_or_else(|| "?".into());
    let moves = crate::platform::moves::recent(global, 20)
        .await?
        .into_iter()
        .map(|m| MoveRow {
            slug: slugs.get(&m.tenant_id).cloned().unwrap_or_default(),
            from: shard_name(m.from_shard),
            to: shard_name(m.to_shard),
            percent: if m.total > 0 {
                ((m.copied.clamp(0, m.total) * 100) / m.total) as u8
            } else {
                0
            },
            rows: format!("{} / {}", m.copied, m.total),
            pause: m.pause_ms.map(|ms| format!("{ms} ms")).unwrap_or_default(),
            error: m.error.clone().unwrap_or_default(),
            started: m.created_at.format("%Y-%m-%d %H:%M:%S").to_string(),
            phase: m.phase,
        })
        .collect();
    let people = members::find_people(global, &people_query, 50)
        .await
        .map_err(op)?
        .into_iter()
        .map(|u| PersonRow {
            email: u.email,
            name: u.display_name,
            operator: u.is_platform_operator,
        })
        .collect();
    let dead_jobs = crate::jobs::dead(registry)
        .await?
        .into_iter()
        .map(|d| JobRow {
            id: d.job.id.to_string(),
            place: d.shard.unwrap_or_else(|| "global".into()),
            kind: d.job.kind,
            attempts: d.job.attempts,
            error: d.job.last_error.unwrap_or_default(),
        })
        .collect();
    let audit = audit::recent(global, 50)
        .await?
        .into_iter()
        .map(|a| AuditRow {
            when: a.created_at.format("%Y-%m-%d %H:%M:%S").to_string(),
            actor: a.actor,
            action: a.action,
            target: a.target,
            detail: a.detail,
            request_id: a.request_id.unwrap_or_default(),
        })
        .collect();
    Ok(Console {
        account: (&operator).into(),
        tenant_query,
        tenants,
        shards,
        moves,
        people_query,
        people,
        dead_jobs,
        audit,
        flash: ctx.flash("console").await,
    })
}
