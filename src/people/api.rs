//! Loaders of the contacts and groups pages (run on the server while the page renders).
use crate::web::flash::Flash;
use crate::web::AppError;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactRow {
    pub id: String,
    pub name: String,
    pub email: String,
    pub role: crate::domain::Role,
    pub status: crate::domain::ContactStatus,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactsPage {
    pub rows: Vec<ContactRow>,
    pub query: String,
    pub page: u64,
    pub pages: u64,
    pub total: u64,
    /// Only admins may change roles.
    pub viewer_is_admin: bool,
    pub viewer_contact: String,
    pub flash: Option<Flash>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupRow {
    pub id: String,
    pub name: String,
    pub members: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupsPage {
    pub groups: Vec<GroupRow>,
    pub flash: Option<Flash>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupPage {
    pub id: String,
    pub name: String,
    pub members: Vec<ContactRow>,
    /// Active contacts not in the group, to add.
    pub others: Vec<ContactRow>,
    pub flash: Option<Flash>,
}

#[cfg(feature = "ssr")]
pub fn contact_row(c: crate::db::tenant::contacts::Model) -> ContactRow {
    ContactRow {
        id: c.id.to_string(),
        name: c.display_name,
        email: c.email.unwrap_or_default(),
        role: c.role,
        status: c.status,
    }
}

/// The contacts matching `query` (name or email, any case), a page at a time.
#[cfg(feature = "ssr")]
pub fn search_condition(query: &str) -> sea_orm::Condition {
    use crate::db::tenant::contacts;
    use sea_orm::sea_query::{Expr, ExprTrait, Func};
    let q = query.trim().to_lowercase();
    if q.is_empty() {
        return sea_orm::Condition::all();
    }
    // LIKE with the user's % and _ taken literally.
    let pattern = format!(
        "%{}%",
        q.replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    );
    let like = |col: contacts::Column| {
        Expr::expr(Func::lower(Expr::col(col)))
            .like(sea_orm::sea_query::LikeExpr::new(pattern.clone()).escape('\\'))
    };
    sea_orm::Condition::any()
        .add(like(contacts::Column::DisplayName))
        .add(like(contacts::Column::Email))
}

pub async fn load_admin_contacts(
    query: Option<String>,
    page: Option<u64>,
) -> Result<ContactsPage, AppError> {
    use crate::db::tenant::contacts;
    use crate::domain::Role;
    use crate::web::guard::hub_with_role;
    let (ctx, viewer) = hub_with_role(Role::Marketer).await?;
    let db = &ctx.hub()?.db;
    let query = query
        .unwrap_or_default()
        .chars()
        .take(100)
        .collect::<String>();
    let total = db
        .select::<contacts::Entity>()
        .filter(search_condition(&query))
        .count()
        .await?;
    let pages = total.div_ceil(super::PAGE_SIZE).max(1);
    let page = page.unwrap_or(1).clamp(1, pages);
    let rows = db
        .select::<contacts::Entity>()
        .filter(search_condition(&query))
        .order_by_asc(contacts::Column::DisplayName)
        .order_by_asc(contacts::Column::Id)
        .offset((page - 1) * super::PAGE_SIZE)
        .limit(super::PAGE_SIZE)
        .all()
        .await?;
    Ok(ContactsPage {
        rows: rows.into_iter().map(contact_row).collect(),
        query,
        page,
        pages,
        total,
        viewer_is_admin: viewer.role == Role::Admin,
        viewer_contact: viewer.id.to_string(),
        flash: ctx.flash("contacts").await,
    })
}

pub async fn load_admin_groups() -> Result<GroupsPage, AppError> {
    use crate::db::tenant::{group_members, groups};
    use crate::domain::Role;
    use crate::web::guard::hub_with_role;
    let (ctx, _) = hub_with_role(Role::Marketer).await?;
    let db = &ctx.hub()?.db;
    let list = db
        .select::<groups::Entity>()
        .order_by_asc(groups::Column::Name)
        .all()
        .await?;
    // Counted by the database: one row per group, not every membership.
    let counts: std::collections::HashMap<uuid::Uuid, i64> = db
        .select::<group_members::Entity>()
        .tuples(|s| {
            use sea_orm::sea_query::{Expr, ExprTrait};
            use sea_orm::QuerySelect;
            s.select_only()
                .column(group_members::Column::GroupId)
                .expr(Expr::col(group_members::Column::ContactId).count())
                .group_by(group_members::Column::GroupId)
        })
        .await?
        .into_iter()
        .collect();
    Ok(GroupsPage {
        groups: list
            .into_iter()
            .map(|g| GroupRow {
                id: g.id.to_string(),
                members: counts.get(&g.id).copied().unwrap_or(0) as u64,
                name: g.name,
            })
            .collect(),
        flash: ctx.flash("groups").await,
    })
}

pub async fn load_admin_group(id: String) -> Result<GroupPage, AppError> {
    use crate::db::tenant::{contacts, group_members, groups};
    use crate::domain::Role;
    use crate::web::context::parse_id;
    use crate::web::guard::hub_with_role;

    use sea_orm::ColumnTrait;
    let (ctx, _) = hub_with_role(Role::Marketer).await?;
    let db = &ctx.hub()?.db;
    let g = db
        .find_by_id::<groups::Entity>(parse_id(&id)?)
        .await?
        .ok_or(AppError::NotFound)?;
    let member_ids: Vec<_> = db
        .select::<group_members::Entity>()
        .filter(group_members::Column::GroupId.eq(g.id))
        .all()
        .await?
        .into_iter()
        .map(|m| m.contact_id)
        .collect();
    let all = db
        .select::<contacts::Entity>()
        .filter(contacts::Column::Status.eq(crate::domain::ContactStatus::Active))
        .order_by_asc(contacts::Column::DisplayName)
        .limit(1000)
        .all()
        .await?;
    let (members, others): (Vec<_>, Vec<_>) =
        all.into_iter().partition(|c| member_ids.contains(&c.id));
    Ok(GroupPage {
        id: g.id.to_string(),
        name: g.name,
        members: members.into_iter().map(contact_row).collect(),
        others: others.into_iter().map(contact_row).collect(),
        flash: ctx.flash("group").await,
    })
}
