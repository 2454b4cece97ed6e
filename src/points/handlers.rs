//! Form posts of `/admin/levels` (admins): save the hub's ladder, or go back to the default.
use super::{validate_ladder, MAX_LEVELS};
use crate::db::new_id;
use crate::db::tenant::levels;
use crate::web::flash::Flash;
use crate::web::guard::{Admin, Member};
use crate::web::respond::{back, FormResult};
use crate::web::AppError;
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
) -> FormResult {
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
            return Err(AppError::invalid(PAGE, flash));
        }
    };
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
    tx.commit().await?;
    let notice = match super::ledger::award_reached_levels(&hub.db, &ladder).await? {
        0 => "Levels saved.".to_string(),
        n => format!("Levels saved; {n} badges awarded for levels already reached."),
    };
    Ok(back(&session, PAGE, Flash::notice("levels", notice)).await)
}

/// Forgets the hub's own ladder: the default one applies again.
pub async fn reset(Member { hub, .. }: Member<Admin>, session: Session) -> FormResult {
    hub.db
        .delete_where::<levels::Entity>(sea_orm::Condition::all())
        .await?;
    let flash = Flash::notice("levels", "Back to the default levels.");
    Ok(back(&session, PAGE, flash).await)
}
