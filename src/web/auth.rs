//! Who is signed in on this host. Each host keeps its own host-only session; the session
//! holds the user id and the user's session epoch at sign-in. Bumping the epoch (sign out,
//! password reset) ends every session of that user on every host at once: a session whose
//! epoch is stale is signed out the next time it is used.
use crate::db::global::users;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};
use tower_sessions::Session;
use uuid::Uuid;

const KEY: &str = "user";

#[derive(Debug, Clone, Serialize, Deserialize)]
struct SignedIn {
    user_id: Uuid,
    epoch: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error("session store: {0}")]
    Store(#[from] tower_sessions::session::Error),
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// Signs `user` in on this host, under a fresh session id (no fixation).
pub async fn sign_in(session: &Session, user: &users::Model) -> Result<(), SessionError> {
    session.cycle_id().await?;
    session
        .insert(
            KEY,
            SignedIn {
                user_id: user.id,
                epoch: user.session_epoch,
            },
        )
        .await?;
    Ok(())
}

/// Accounts read lately, by id: a warm page does not read its viewer's account row again.
/// Kept for [`USER_TTL`] at most, and forgotten at once on this server when their sessions
/// are ended; another server may honour an ended session for that long.
static USERS: std::sync::LazyLock<moka::future::Cache<Uuid, users::Model>> =
    std::sync::LazyLock::new(|| {
        moka::future::Cache::builder()
            .max_capacity(100_000)
            .time_to_live(USER_TTL)
            .build()
    });

/// How long an account row read for a session is trusted.
pub const USER_TTL: std::time::Duration = std::time::Duration::from_secs(2);

/// Drops a cached account (its sessions were ended, its password changed).
pub async fn forget_user(id: Uuid) {
    USERS.invalidate(&id).await;
}

/// Drops every cached account (the hot configuration moved).
pub fn forget_users() {
    USERS.invalidate_all();
}

/// The signed-in user, if the session still stands (the user exists and the epoch is
/// current). A stale sign-in is removed from the session.
pub async fn current_user(
    session: &Session,
    global: &DatabaseConnection,
) -> Result<Option<users::Model>, SessionError> {
    let Some(signed_in) = session.get::<SignedIn>(KEY).await? else {
        return Ok(None);
    };
    // A cached account whose epoch differs may be the stale one (the user signed in again
    // since): the database decides before a session is ended.
    let cached = USERS
        .get(&signed_in.user_id)
        .await
        .filter(|u| u.session_epoch == signed_in.epoch);
    let user = match cached {
        Some(u) => Some(u),
        None => {
            let found = users::Entity::find_by_id(signed_in.user_id)
                .one(global)
                .await?;
            if let Some(u) = &found {
                USERS.insert(u.id, u.clone()).await;
            }
            found
        }
    };
    match user {
        Some(u) if u.session_epoch == signed_in.epoch => Ok(Some(u)),
        _ => {
            // Not `flush`: a page may read the session again in the same request, and a
            // flushed session cannot be used after that.
            session.remove::<SignedIn>(KEY).await?;
            Ok(None)
        }
    }
}

/// Ends every session of this user, on every host.
pub async fn end_all_sessions(global: &DatabaseConnection, user_id: Uuid) -> Result<(), DbErr> {
    users::Entity::update_many()
        .col_expr(
            users::Column::SessionEpoch,
            Expr::col(users::Column::SessionEpoch).add(1),
        )
        .filter(users::Column::Id.eq(user_id))
        .exec(global)
        .await?;
    forget_user(user_id).await;
    Ok(())
}

/// Sign out: this session, and (through the epoch) every other one of the user.
pub async fn sign_out(session: &Session, global: &DatabaseConnection) -> Result<(), SessionError> {
    if let Some(signed_in) = session.get::<SignedIn>(KEY).await? {
        end_all_sessions(global, signed_in.user_id).await?;
    }
    session.flush().await?;
    Ok(())
}
