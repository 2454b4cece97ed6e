//! Form posts of the console. Each is an operator's action: done through the same
//! platform operation as its CLI command, then recorded in the audit log with the
//! operator and the request id. Refused input comes back as the console's form error.
use crate::domain::{ShardStatus, TenantStatus};
use crate::platform::audit::{self, Actor};
use crate::platform::{members, shards, tenants, OpError};
use crate::web::flash::Flash;
use crate::web::guard::Operator;
use crate::web::respond::{back, FormResult};
use crate::web::{AppError, AppState};
use axum::extract::{Path, State};
use axum::Form;
use serde::Deserialize;
use tower_sessions::Session;

const PAGE: &str = "/platform";

/// An action as the audit log records it, and what the console says once it is done.
struct Action<'a> {
    name: &'static str,
    target: &'a str,
    detail: String,
    done: String,
}

/// Answers an operation's result: on success records it and says it is done, on refusal
/// shows why.
async fn act<T>(
    state: &AppState,
    session: &Session,
    op: &Operator,
    action: Action<'_>,
    result: Result<T, OpError>,
) -> FormResult {
    let Action {
        name: action,
        target,
        detail,
        done,
    } = action;
    match result {
        Ok(_) => {
            // This server follows at once; the others through the generation counter.
            state.tenants.invalidate_all();
            state.hub_config.invalidate_all();
            let actor = Actor::Operator {
                id: op.user.id,
                email: op.user.email.clone(),
            };
            audit::record(
                state.registry.global(),
                &actor,
                action,
                target,
                detail,
                Some(op.request_id.clone()),
            )
            .await?;
            Ok(back(session, PAGE, Flash::notice("console", done)).await)
        }
        Err(OpError::Invalid(m) | OpError::Taken(m)) => Err(AppError::invalid(
            PAGE,
            Flash::new("console").with_error("form", m),
        )),
        Err(OpError::Db(e)) => Err(e.into()),
        Err(OpError::Shard(e)) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NewTenant {
    slug: String,
    name: String,
    shard: String,
}

pub async fn create_tenant(
    State(state): State<AppState>,
    op: Operator,
    session: Session,
    Form(f): Form<NewTenant>,
) -> FormResult {
    let shard = Some(f.shard.trim()).filter(|s| !s.is_empty());
    let result = tenants::create(
        &state.registry,
        f.slug.trim(),
        &f.name,
        shard,
        Default::default(),
    )
    .await;
    let detail = format!(
        "name {:?}, shard {}",
        f.name.trim(),
        shard.unwrap_or("(least loaded)")
    );
    let done = format!("Created {}.", f.slug.trim());
    act(
        &state,
        &session,
        &op,
        Action {
            name: "tenant.create",
            target: f.slug.trim(),
            detail,
            done,
        },
        result,
    )
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct StatusForm {
    status: String,
}

pub async fn tenant_status(
    State(state): State<AppState>,
    op: Operator,
    session: Session,
    Path(slug): Path<String>,
    Form(f): Form<StatusForm>,
) -> FormResult {
    let Some(status) = TenantStatus::parse(&f.status) else {
        return Err(AppError::invalid(
            PAGE,
            Flash::new("console").with_error("form", format!("'{}' is not a hub status", f.status)),
        ));
    };
    let result = tenants::set_status(&state.registry, &slug, status).await;
    let done = format!("{slug} is now {status}.");
    act(
        &state,
        &session,
        &op,
        Action {
            name: "tenant.status",
            target: &slug,
            detail: status.to_string(),
            done,
        },
        result,
    )
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DebugForm {
    minutes: String,
}

pub async fn tenant_debug(
    State(state): State<AppState>,
    op: Operator,
    session: Session,
    Path(slug): Path<String>,
    Form(f): Form<DebugForm>,
) -> FormResult {
    let minutes = match f.minutes.trim().parse::<i64>() {
        Ok(m) if (0..=1440).contains(&m) => m,
        _ => {
            return Err(AppError::invalid(
                PAGE,
                Flash::new("console").with_error(
                    "form",
                    "debug logging takes a number of minutes from 0 to 1440",
                ),
            ))
        }
    };
    let until = (minutes > 0).then(|| chrono::Utc::now() + chrono::Duration::minutes(minutes));
    let result = tenants::set_debug_until(&state.registry, &slug, until).await;
    let done = match until {
        Some(_) => format!("Debug logging for {slug} is on for {minutes} minutes."),
        None => format!("Debug logging for {slug} is off."),
    };
    act(
        &state,
        &session,
        &op,
        Action {
            name: "tenant.debug",
            target: &slug,
            detail: format!("{minutes} minutes"),
            done,
        },
        result,
    )
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct MailForm {
    spam_score: String,
    /// Checkbox.
    suppressed: Option<String>,
}

pub async fn tenant_mail(
    State(state): State<AppState>,
    op: Operator,
    session: Session,
    Path(slug): Path<String>,
    Form(f): Form<MailForm>,
) -> FormResult {
    let Ok(score) = f.spam_score.trim().parse::<i64>() else {
        return Err(AppError::invalid(
            PAGE,
            Flash::new("console").with_error("form", "a spam score is a number from 0 to 100"),
        ));
    };
    let suppressed = f.suppressed.is_some();
    let result = tenants::set_mail(&state.registry, &slug, Some(suppressed), Some(score)).await;
    let detail = format!("spam score {score}, suppressed {suppressed}");
    let done = format!("Mail switches of {slug} saved.");
    act(
        &state,
        &session,
        &op,
        Action {
            name: "tenant.mail",
            target: &slug,
            detail,
            done,
        },
        result,
    )
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct MoveForm {
    to: String,
}

/// Starts moving a hub to another shard: the move is recorded (or the one under way to
/// that shard found again) and queued as a job, which an app server's worker runs; the
/// console shows its progress.
pub async fn tenant_move(
    State(state): State<AppState>,
    op: Operator,
    session: Session,
    Path(slug): Path<String>,
    Form(f): Form<MoveForm>,
) -> FormResult {
    use crate::platform::moves;
    let to = f.to.trim().to_string();
    let result = async {
        let m = moves::start(&state.registry, &slug, &to).await?;
        crate::jobs::enqueue_global(
            state.registry.global(),
            Some(m.tenant_id),
            moves::JOB,
            &moves::MoveJob { move_id: m.id },
            Some(op.request_id.clone()),
        )
        .await?;
        Ok::<_, OpError>(m)
    }
    .await;
    let done = format!("Moving {slug} to {to}: its progress is under Moves.");
    act(
        &state,
        &session,
        &op,
        Action {
            name: "tenant.move",
            target: &slug,
            detail: format!("to shard {to}"),
            done,
        },
        result,
    )
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NewShard {
    name: String,
    url: String,
}

pub async fn add_shard(
    State(state): State<AppState>,
    op: Operator,
    session: Session,
    Form(f): Form<NewShard>,
) -> FormResult {
    let result = shards::add(state.registry.global(), f.name.trim(), f.url.trim(), None).await;
    if result.is_ok() {
        // The shard is registered: the audit below must not be skipped for these.
        if let Err(e) = state.registry.reload().await {
            tracing::warn!(error = %e, "reloading the shard list after an add failed");
        }
        if let Err(e) = crate::db::config_generation::bump(state.registry.global()).await {
            tracing::warn!(error = %e, "announcing the new shard failed");
        }
    }
    // The URL may hold a password: only its scheme goes to the log.
    let scheme = f.url.split(':').next().unwrap_or("").to_string();
    let done = format!("Added shard {}.", f.name.trim());
    act(
        &state,
        &session,
        &op,
        Action {
            name: "shard.add",
            target: f.name.trim(),
            detail: scheme,
            done,
        },
        result,
    )
    .await
}

pub async fn shard_status(
    State(state): State<AppState>,
    op: Operator,
    session: Session,
    Path(name): Path<String>,
    Form(f): Form<StatusForm>,
) -> FormResult {
    let Some(status) = ShardStatus::parse(&f.status) else {
        return Err(AppError::invalid(
            PAGE,
            Flash::new("console")
                .with_error("form", format!("'{}' is not a shard status", f.status)),
        ));
    };
    let result = shards::set_status(&state.registry, &name, status).await;
    let done = format!("Shard {name} is now {status}.");
    act(
        &state,
        &session,
        &op,
        Action {
            name: "shard.status",
            target: &name,
            detail: status.to_string(),
            done,
        },
        result,
    )
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PersonForm {
    email: String,
}

pub async fn promote(
    State(state): State<AppState>,
    op: Operator,
    session: Session,
    Form(f): Form<PersonForm>,
) -> FormResult {
    let result = members::promote(state.registry.global(), &f.email).await;
    let done = format!("{} is now a platform operator.", f.email.trim());
    act(
        &state,
        &session,
        &op,
        Action {
            name: "user.promote",
            target: f.email.trim(),
            detail: String::new(),
            done,
        },
        result,
    )
    .await
}

pub async fn sign_out_everywhere(
    State(state): State<AppState>,
    op: Operator,
    session: Session,
    Form(f): Form<PersonForm>,
) -> FormResult {
    let result = members::sign_out_everywhere(state.registry.global(), &f.email).await;
    let done = format!("{} is signed out everywhere.", f.email.trim());
    act(
        &state,
        &session,
        &op,
        Action {
            name: "user.sign_out_everywhere",
            target: f.email.trim(),
            detail: String::new(),
            done,
        },
        result,
    )
    .await
}

pub async fn retry_job(
    State(state): State<AppState>,
    op: Operator,
    session: Session,
    Path(id): Path<String>,
) -> FormResult {
    let id = crate::web::context::parse_id(&id)?;
    let result = match crate::jobs::retry(&state.registry, id).await {
        Ok(true) => Ok(()),
        Ok(false) => Err(OpError::invalid(format!("there is no dead job {id}"))),
        Err(e) => Err(OpError::Db(e)),
    };
    let done = "The job is queued again.".to_string();
    act(
        &state,
        &session,
        &op,
        Action {
            name: "job.retry",
            target: &id.to_string(),
            detail: String::new(),
            done,
        },
        result,
    )
    .await
}
