//! Form posts for contacts and groups, and the CSV export.
use super::csv_field;
use crate::db::tenant::{contacts, group_members, groups};
use crate::db::{is_unique_violation, new_id, now};
use crate::domain::Role;
use crate::forms::Flash;
use crate::membership::handlers::{Admin, Marketer, Member};
use crate::membership::{STATUS_ACTIVE, STATUS_DEACTIVATED};
use crate::server::pages;
use crate::server::respond::{back, existing, unavailable};
use axum::extract::{Path, Query};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Form;
use sea_orm::{ActiveValue::NotSet, ColumnTrait, Condition, Set};
use serde::Deserialize;
use tower_sessions::Session;
use uuid::Uuid;

fn parse_id(raw: &str) -> Option<Uuid> {
    Uuid::parse_str(raw).ok()
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
) -> Response {
    let Some(id) = parse_id(&id) else {
        return pages::not_here();
    };
    let Ok(role) = Role::parse(&form.role) else {
        return back(
            &session,
            "/admin/contacts",
            Flash::new("contacts").with_error("form", "Choose advocate, marketer or admin."),
        )
        .await;
    };
    if id == viewer.id {
        return back(
            &session,
            "/admin/contacts",
            Flash::new("contacts").with_error("form", "You cannot change your own role."),
        )
        .await;
    }
    let changed = hub
        .db
        .update(contacts::ActiveModel {
            id: Set(id),
            role: Set(role.as_str().to_string()),
            ..Default::default()
        })
        .await;
    match changed {
        Ok(0) => pages::not_here(),
        Ok(_) => {
            back(
                &session,
                "/admin/contacts",
                Flash::notice("contacts", format!("Role changed to {}.", role.label())),
            )
            .await
        }
        Err(e) => unavailable(e),
    }
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
) -> Response {
    let Some(id) = parse_id(&id) else {
        return pages::not_here();
    };
    let status = match form.status.as_str() {
        STATUS_ACTIVE => STATUS_ACTIVE,
        STATUS_DEACTIVATED => STATUS_DEACTIVATED,
        _ => {
            return back(
                &session,
                "/admin/contacts",
                Flash::new("contacts").with_error("form", "Choose active or deactivated."),
            )
            .await
        }
    };
    if id == viewer.id {
        return back(
            &session,
            "/admin/contacts",
            Flash::new("contacts").with_error("form", "You cannot deactivate yourself."),
        )
        .await;
    }
    // Marketers cannot deactivate admins.
    match hub.db.find_by_id::<contacts::Entity>(id).await {
        Ok(Some(c)) if c.role == Role::Admin.as_str() && viewer.role != Role::Admin.as_str() => {
            return pages::forbidden()
        }
        Ok(Some(_)) => {}
        Ok(None) => return pages::not_here(),
        Err(e) => return unavailable(e),
    }
    match hub
        .db
        .update(contacts::ActiveModel {
            id: Set(id),
            status: Set(status.to_string()),
            ..Default::default()
        })
        .await
    {
        Ok(_) => {
            let text = if status == STATUS_ACTIVE {
                "Reactivated."
            } else {
                "Deactivated: they can no longer use the hub."
            };
            back(&session, "/admin/contacts", Flash::notice("contacts", text)).await
        }
        Err(e) => unavailable(e),
    }
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
) -> Response {
    let rows = hub
        .db
        .select::<contacts::Entity>()
        .filter(super::api::search_condition(&query.q))
        .order_by_asc(contacts::Column::DisplayName)
        .all()
        .await;
    let rows = match rows {
        Ok(r) => r,
        Err(e) => return unavailable(e),
    };
    let mut csv = String::from("name,email,role,status,joined\r\n");
    for c in rows {
        let line = [
            csv_field(&c.display_name),
            csv_field(c.email.as_deref().unwrap_or("")),
            csv_field(&c.role),
            csv_field(&c.status),
            c.created_at.format("%Y-%m-%d").to_string(),
        ]
        .join(",");
        csv.push_str(&line);
        csv.push_str("\r\n");
    }
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}-contacts.csv\"", hub.tenant.slug),
            ),
        ],
        csv,
    )
        .into_response()
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

pub async fn create_group(
    Member { hub, .. }: Member<Marketer>,
    session: Session,
    Form(form): Form<NameForm>,
) -> Response {
    let name = match group_name(&form.name) {
        Ok(n) => n,
        Err(e) => {
            return back(
                &session,
                "/admin/groups",
                Flash::new("groups").with_error("name", e),
            )
            .await
        }
    };
    let row = groups::ActiveModel {
        id: Set(new_id()),
        tenant_id: NotSet,
        name: Set(name.clone()),
        created_at: Set(now()),
    };
    match hub.db.insert(row).await {
        Ok(g) => {
            back(
                &session,
                &format!("/admin/groups/{}", g.id),
                Flash::notice("group", format!("Created “{name}”.")),
            )
            .await
        }
        Err(e) if is_unique_violation(&e) => {
            back(
                &session,
                "/admin/groups",
                Flash::new("groups")
                    .with_value("name", name)
                    .with_error("name", "a group with this name already exists"),
            )
            .await
        }
        Err(e) => unavailable(e),
    }
}

pub async fn rename_group(
    Member { hub, .. }: Member<Marketer>,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<NameForm>,
) -> Response {
    let Some(id) = parse_id(&id) else {
        return pages::not_here();
    };
    let to = format!("/admin/groups/{id}");
    let name = match group_name(&form.name) {
        Ok(n) => n,
        Err(e) => return back(&session, &to, Flash::new("group").with_error("name", e)).await,
    };
    match hub
        .db
        .update(groups::ActiveModel {
            id: Set(id),
            name: Set(name),
            ..Default::default()
        })
        .await
    {
        Ok(0) => pages::not_here(),
        Ok(_) => back(&session, &to, Flash::notice("group", "Renamed.")).await,
        Err(e) if is_unique_violation(&e) => {
            back(
                &session,
                &to,
                Flash::new("group").with_error("name", "a group with this name already exists"),
            )
            .await
        }
        Err(e) => unavailable(e),
    }
}

pub async fn delete_group(
    Member { hub, .. }: Member<Marketer>,
    session: Session,
    Path(id): Path<String>,
) -> Response {
    let id = match existing::<groups::Entity>(&hub.db, &id).await {
        Ok(id) => id,
        Err(res) => return res,
    };
    // Members first, then the group; challenges aimed at it fall back to everyone.
    let done = async {
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
        tx.commit().await
    }
    .await;
    match done {
        Ok(()) => {
            back(
                &session,
                "/admin/groups",
                Flash::notice("groups", "Group deleted."),
            )
            .await
        }
        Err(e) => unavailable(e),
    }
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
) -> Response {
    let Some(id) = parse_id(&id) else {
        return pages::not_here();
    };
    let to = format!("/admin/groups/{id}");
    let group = hub.db.find_by_id::<groups::Entity>(id).await;
    let contact = match Uuid::parse_str(form.contact.trim()) {
        Ok(c) => hub.db.find_by_id::<contacts::Entity>(c).await,
        Err(_) => Ok(None),
    };
    match (group, contact) {
        (Ok(None), _) => pages::not_here(),
        (Ok(Some(_)), Ok(None)) => {
            back(
                &session,
                &to,
                Flash::new("group").with_error("contact", "choose someone from the list"),
            )
            .await
        }
        (Ok(Some(_)), Ok(Some(c))) => {
            let row = group_members::ActiveModel {
                id: Set(new_id()),
                tenant_id: NotSet,
                group_id: Set(id),
                contact_id: Set(c.id),
                created_at: Set(now()),
            };
            match hub
                .db
                .insert_or_ignore(
                    row,
                    [
                        group_members::Column::TenantId,
                        group_members::Column::GroupId,
                        group_members::Column::ContactId,
                    ],
                )
                .await
            {
                Ok(_) => {
                    back(
                        &session,
                        &to,
                        Flash::notice("group", format!("Added {}.", c.display_name)),
                    )
                    .await
                }
                Err(e) => unavailable(e),
            }
        }
        (Err(e), _) | (_, Err(e)) => unavailable(e),
    }
}

pub async fn remove_member(
    Member { hub, .. }: Member<Marketer>,
    session: Session,
    Path((id, contact)): Path<(String, String)>,
) -> Response {
    let (Some(id), Some(contact)) = (parse_id(&id), parse_id(&contact)) else {
        return pages::not_here();
    };
    let removed = hub
        .db
        .delete_where::<group_members::Entity>(
            Condition::all()
                .add(group_members::Column::GroupId.eq(id))
                .add(group_members::Column::ContactId.eq(contact)),
        )
        .await;
    match removed {
        Ok(0) => pages::not_here(),
        Ok(_) => {
            back(
                &session,
                &format!("/admin/groups/{id}"),
                Flash::notice("group", "Removed."),
            )
            .await
        }
        Err(e) => unavailable(e),
    }
}
