//! Form posts for contacts and groups, and the CSV export. Roles are checked by the
//! [`Member`] guard; every failure is an [`AppError`] (field errors go back as a flash).
use super::csv_field;
use crate::db::tenant::{contacts, group_members, groups};
use crate::db::{is_unique_violation, new_id, now};
use crate::domain::{ContactStatus, Role};
use crate::web::context::parse_id;
use crate::web::flash::Flash;
use crate::web::guard::{Admin, Marketer, Member};
use crate::web::respond::{back, existing, FormResult};
use crate::web::AppError;
use axum::extract::{Path, Query};
use axum::http::header;
use axum::response::IntoResponse;
use axum::Form;
use sea_orm::{ActiveValue::NotSet, ColumnTrait, Condition, Set};
use serde::Deserialize;
use tower_sessions::Session;
use uuid::Uuid;

/// Back to the contacts page with an error about the whole form.
fn contacts_error(message: &str) -> AppError {
    AppError::invalid(
        "/admin/contacts",
        Flash::new("contacts").with_error("form", message),
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RoleForm {
    role: String,
}

/// Admins only: another person's role.
pub async fn set_role(
    Member {
        hub,
        contact: viewer,
        ..
    }: Member<Admin>,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<RoleForm>,
) -> FormResult {
    let id = parse_id(&id)?;
    let role = Role::parse(&form.role)
        .map_err(|_| contacts_error("Choose advocate, marketer or admin."))?;
    if id == viewer.id {
        return Err(contacts_error("You cannot change your own role."));
    }
    let changed = hub
        .db
        .update(contacts::ActiveModel {
            id: Set(id),
            role: Set(role),
            ..Default::default()
        })
        .await?;
    if changed == 0 {
        return Err(AppError::NotFound);
    }
    let flash = Flash::notice("contacts", format!("Role changed to {}.", role.label()));
    Ok(back(&session, "/admin/contacts", flash).await)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct StatusForm {
    status: String,
}

/// Deactivate or reactivate (marketers and admins). A deactivated contact cannot use
/// the hub: every member check looks for an active contact.
pub async fn set_status(
    Member {
        hub,
        contact: viewer,
        ..
    }: Member<Marketer>,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<StatusForm>,
) -> FormResult {
    let id = parse_id(&id)?;
    let status = ContactStatus::parse(&form.status)
        .ok_or_else(|| contacts_error("Choose active or deactivated."))?;
    if id == viewer.id {
        return Err(contacts_error("You cannot deactivate yourself."));
    }
    let target = hub
        .db
        .find_by_id::<contacts::Entity>(id)
        .await?
        .ok_or(AppError::NotFound)?;
    // Marketers cannot deactivate admins.
    if target.role == Role::Admin && viewer.role != Role::Admin {
        return Err(AppError::Forbidden);
    }
    hub.db
        .update(contacts::ActiveModel {
            id: Set(id),
            status: Set(status),
            ..Default::default()
        })
        .await?;
    let text = if status == ContactStatus::Active {
        "Reactivated."
    } else {
        "Deactivated: they can no longer use the hub."
    };
    Ok(back(&session, "/admin/contacts", Flash::notice("contacts", text)).await)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ExportQuery {
    q: String,
}

/// `GET /admin/contacts.csv`: every contact matching the search, as CSV.
pub async fn export_csv(
    Member { hub, .. }: Member<Marketer>,
    Query(query): Query<ExportQuery>,
) -> FormResult {
    let rows = hub
        .db
        .select::<contacts::Entity>()
        .filter(super::api::search_condition(&query.q))
        .order_by_asc(contacts::Column::DisplayName)
        .all()
        .await?;
    let mut csv = String::from("name,email,role,status,joined\r\n");
    for c in rows {
        let line = [
            csv_field(&c.display_name),
            csv_field(c.email.as_deref().unwrap_or("")),
            csv_field(c.role.as_str()),
            csv_field(c.status.as_str()),
            c.created_at.format("%Y-%m-%d").to_string(),
        ]
        .join(",");
        csv.push_str(&line);
        csv.push_str("\r\n");
    }
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}-contacts.csv\"", hub.tenant.slug),
            ),
        ],
        csv,
    )
        .into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NameForm {
    name: String,
}

fn group_name(raw: &str) -> Result<String, &'static str> {
    let n = raw.trim().to_string();
    match n.chars().count() {
        0 => Err("enter a name"),
        c if c > 80 => Err("use at most 80 characters"),
        _ => Ok(n),
    }
}

const NAME_TAKEN: &str = "a group with this name already exists";

pub async fn create_group(
    Member { hub, .. }: Member<Marketer>,
    session: Session,
    Form(form): Form<NameForm>,
) -> FormResult {
    let back_with = |flash: Flash| AppError::invalid("/admin/groups", flash);
    let name = group_name(&form.name)
        .map_err(|e| back_with(Flash::new("groups").with_error("name", e)))?;
    let row = groups::ActiveModel {
        id: Set(new_id()),
        tenant_id: NotSet,
        name: Set(name.clone()),
        created_at: Set(now()),
    };
    match hub.db.insert(row).await {
        Ok(g) => {
            let flash = Flash::notice("group", format!("Created “{name}”."));
            Ok(back(&session, &format!("/admin/groups/{}", g.id), flash).await)
        }
        // Uniqueness is the database's: a taken name is a field error.
        Err(e) if is_unique_violation(&e) => Err(back_with(
            Flash::new("groups")
                .with_value("name", name)
                .with_error("name", NAME_TAKEN),
        )),
        Err(e) => Err(e.into()),
    }
}

pub async fn rename_group(
    Member { hub, .. }: Member<Marketer>,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<NameForm>,
) -> FormResult {
    let id = parse_id(&id)?;
    let to = format!("/admin/groups/{id}");
    let name = group_name(&form.name)
        .map_err(|e| AppError::invalid(&to, Flash::new("group").with_error("name", e)))?;
    let renamed = hub
        .db
        .update(groups::ActiveModel {
            id: Set(id),
            name: Set(name),
            ..Default::default()
        })
        .await;
    match renamed {
        Ok(0) => Err(AppError::NotFound),
        Ok(_) => Ok(back(&session, &to, Flash::notice("group", "Renamed.")).await),
        Err(e) if is_unique_violation(&e) => Err(AppError::invalid(
            &to,
            Flash::new("group").with_error("name", NAME_TAKEN),
        )),
        Err(e) => Err(e.into()),
    }
}

pub async fn delete_group(
    Member { hub, .. }: Member<Marketer>,
    session: Session,
    Path(id): Path<String>,
) -> FormResult {
    let id = existing::<groups::Entity>(&hub.db, &id).await?;
    // Members first, then the group; challenges aimed at it fall back to everyone.
    let tx = hub.db.begin().await?;
    tx.delete_where::<group_members::Entity>(group_members::Column::GroupId.eq(id))
        .await?;
    tx.update_exprs_where::<crate::db::tenant::challenges::Entity>(
        vec![(
            crate::db::tenant::challenges::Column::TargetGroupId,
            sea_orm::sea_query::Expr::value(Option::<Uuid>::None),
        )],
        crate::db::tenant::challenges::Column::TargetGroupId.eq(id),
    )
    .await?;
    tx.delete_by_id::<groups::Entity>(id).await?;
    tx.commit().await?;
    let flash = Flash::notice("groups", "Group deleted.");
    Ok(back(&session, "/admin/groups", flash).await)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct MemberForm {
    contact: String,
}

pub async fn add_member(
    Member { hub, .. }: Member<Marketer>,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<MemberForm>,
) -> FormResult {
    let id = existing::<groups::Entity>(&hub.db, &id).await?;
    let to = format!("/admin/groups/{id}");
    let contact = match Uuid::parse_str(form.contact.trim()) {
        Ok(c) => hub.db.find_by_id::<contacts::Entity>(c).await?,
        Err(_) => None,
    };
    let Some(c) = contact else {
        return Err(AppError::invalid(
            &to,
            Flash::new("group").with_error("contact", "choose someone from the list"),
        ));
    };
    let row = group_members::ActiveModel {
        id: Set(new_id()),
        tenant_id: NotSet,
        group_id: Set(id),
        contact_id: Set(c.id),
        created_at: Set(now()),
    };
    hub.db
        .insert_or_ignore(
            row,
            [
                group_members::Column::TenantId,
                group_members::Column::GroupId,
                group_members::Column::ContactId,
            ],
        )
        .await?;
    let flash = Flash::notice("group", format!("Added {}.", c.display_name));
    Ok(back(&session, &to, flash).await)
}

pub async fn remove_member(
    Member { hub, .. }: Member<Marketer>,
    session: Session,
    Path((id, contact)): Path<(String, String)>,
) -> FormResult {
    let (id, contact) = (parse_id(&id)?, parse_id(&contact)?);
    let removed = hub
        .db
        .delete_where::<group_members::Entity>(
            Condition::all()
                .add(group_members::Column::GroupId.eq(id))
                .add(group_members::Column::ContactId.eq(contact)),
        )
        .await?;
    if removed == 0 {
        return Err(AppError::NotFound);
    }
    let flash = Flash::notice("group", "Removed.");
    Ok(back(&session, &format!("/admin/groups/{id}"), flash).await)
}
