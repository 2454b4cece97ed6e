//! The hot-configuration generation: one counter in the global database, bumped by every
//! change to what app servers cache (domains, tenants' status and switches, shards'
//! status, hubs' branding). Each server polls it ([`crate::web::hot_config`]) and drops
//! its caches when it moves, so a change made anywhere — another server, the CLI — is
//! seen everywhere within the poll interval.
use sea_orm::{ConnectionTrait, DbErr, Statement};

/// Moves the counter on (call after the change is committed).
pub async fn bump(conn: &impl ConnectionTrait) -> Result<(), DbErr> {
    conn.execute_raw(Statement::from_string(
        conn.get_database_backend(),
        "UPDATE config_generation SET generation = generation + 1 WHERE id = 1",
    ))
    .await?;
    Ok(())
}

/// The counter now.
pub async fn current(conn: &impl ConnectionTrait) -> Result<i64, DbErr> {
    let backend = conn.get_database_backend();
    let row = conn
        .query_one_raw(Statement::from_string(
            backend,
            "SELECT generation FROM config_generation WHERE id = 1",
        ))
        .await?;
    Ok(match row {
        Some(r) => r.try_get::<i64>("", "generation")?,
        None => 0,
    })
}
