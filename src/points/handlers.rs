//! Form posts of `/admin/levels` (admins): save the hub's ladder, or go back to the default.
use super::{validate_ladder, MAX_LEVELS};
use crate::db::new_id;
use crate::db::tenant::levels;
use crate::forms::Flash;
use crate::membership::handlers::{Admin, Member};
use crate::server::respond::{back, unavailable};
use axum::response::Response;
use axum::Form;
use sea_orm::{ActiveValue::NotSet, Set};
use std::collections::HashMap;
use tower_sessions::Session;

const PAGE: &str = "/admin/levels";

/// Replaces the ladder in one transaction, so readers see the old one or the new one.
/// Progress follows the new ladder at once; advocates already past a new level get its
/// badge now. Badges awarded for earlier levels keep their names.
pub async fn save(
    Member { hub, .. }: Member<Admin>,
    session: Session,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let field = |k: String| form.get(&k).cloned().unwrap_or_default();
    let rows: Vec<(String, String)> = (0..MAX_LEVELS)
        .map(|i| (field(format!("name_{i}")), field(format!("points_{i}"))))
        .collect();
    let ladder = match validate_ladder(&rows) {
        Ok(l) => l,
        Err(errors) => {
            let mut flash = Flash::new("levels");
            for (i, (name, points)) in rows.iter().enumerate() {
                flash = flash
                    .with_value(&format!("name_{i}"), name.as_str())
                    .with_value(&format!("points_{i}"), points.as_str());
            }
            for (f, m) in errors {
                flash = flash.with_error(&f, m);
            }
            return back(&session, PAGE, flash).await;
        }
    };
    let saved = async {
        let tx = hub.db.begin().await?;
        tx.delete_where::<levels::Entity>(sea_orm::Condition::all())
            .await?;
        for level in &ladder {
            tx.insert(levels::ActiveModel {
                id: Set(new_id()),
                tenant_id: NotSet,
                name: Set(level.name.clone()),
                min_points: Set(level.min_points),
            })
            .await?;
        }
        tx.commit().await
    }
    .await;
    if let Err(e) = saved {
        return unavailable(e);
    }
    let notice = match super::ledger::award_reached_levels(&hub.db, &ladder).await {
        Ok(0) => "Levels saved.".to_string(),
        Ok(n) => format!("Levels saved; {n} badges awarded for levels already reached."),
        Err(e) => return unavailable(e),
    };
    back(&session, PAGE, Flash::notice("levels", notice)).await
}

/// Forgets the hub's own ladder: the default one applies again.
pub async fn reset(Member { hub, .. }: Member<Admin>, session: Session) -> Response {
    match hub
        .db
        .delete_where::<levels::Entity>(sea_orm::Condition::all())
        .await
    {
        Ok(_) => {
            back(
                &session,
                PAGE,
                Flash::notice("levels", "Back to the default levels."),
            )
            .await
        }
        Err(e) => unavailable(e),
    }
}
