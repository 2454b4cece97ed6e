//! Invitation tokens and their mail (queued on the shard in the same transaction).
use crate::db::global::users;
use crate::db::tenant::{contacts, invitations};
use crate::db::{new_id, now, TenantDb};
use crate::domain::{ContactStatus, Role};
use crate::mail::outbox::queue_for_tenant;
use crate::web::tokens::{digest, new_token};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::NotSet, ColumnTrait, Condition, DatabaseConnection, DbErr, Set};
use uuid::Uuid;

pub const INVITATION_TTL: chrono::Duration = chrono::Duration::days(14);

/// What the mail needs to say and link to.
pub struct InviteMail<'a> {
    pub hub_name: &'a str,
    /// `https://<hub host>`: the link is `<hub_url>/invite?token=…`.
    pub hub_url: &'a str,
    pub inviter: &'a str,
    pub request_id: Option<String>,
}

fn body(m: &InviteMail<'_>, token: &str) -> String {
    format!(
        "Hello,\n\n{inviter} invites you to join {hub} on Rally, where advocates take on challenges, earn points and get rewarded.\n\n\
         Accept the invitation (sign up, or sign in if you already have a Rally account):\n\n{url}/invite?token={token}\n\n\
         The link works once, for 14 days.\n",
        inviter = m.inviter,
        hub = m.hub_name,
        url = m.hub_url
    )
}

/// Invites one address. `Err(reason)` for a row the marketer must see (already invited,
/// already a member).
pub async fn invite(
    db: &TenantDb,
    email: &str,
    invited_by: Option<Uuid>,
    mail: &InviteMail<'_>,
) -> Result<Result<(), String>, DbErr> {
    let member = db
        .select::<contacts::Entity>()
        .filter(contacts::Column::Email.eq(email))
        .one()
        .await?;
    if member.is_some() {
        return Ok(Err("already a member of this hub".into()));
    }
    let token = new_token();
    let tx = db.begin().await?;
    let inserted = tx
        .insert_or_ignore(
            invitations::ActiveModel {
                id: Set(new_id()),
                tenant_id: NotSet,
                email: Set(email.to_string()),
                token_hash: Set(digest(&token)),
                invited_by: Set(invited_by),
                expires_at: Set(now() + INVITATION_TTL),
                accepted_at: Set(None),
                revoked_at: Set(None),
                created_at: Set(now()),
            },
            [invitations::Column::TenantId, invitations::Column::Email],
        )
        .await?;
    if !inserted {
        return Ok(Err("already invited (resend it from the list below)".into()));
    }
    queue_for_tenant(
        &tx,
        email,
        &format!("You are invited to {}", mail.hub_name),
        body(mail, &token),
        mail.request_id.clone(),
    )
    .await?;
    tx.commit().await?;
    Ok(Ok(()))
}

/// A fresh token and 14 more days, mailed again. `false` if not this hub's or accepted.
pub async fn resend(db: &TenantDb, id: Uuid, mail: &InviteMail<'_>) -> Result<bool, DbErr> {
    let token = new_token();
    let tx = db.begin().await?;
    let changed = tx
        .update_exprs_where::<invitations::Entity>(
            vec![
                (invitations::Column::TokenHash, Expr::value(digest(&token))),
                (
                    invitations::Column::ExpiresAt,
                    Expr::value(now() + INVITATION_TTL),
                ),
                (
                    invitations::Column::RevokedAt,
                    Expr::value(Option::<chrono::DateTime<chrono::Utc>>::None),
                ),
            ],
            Condition::all()
                .add(invitations::Column::Id.eq(id))
                .add(invitations::Column::AcceptedAt.is_null()),
        )
        .await?;
    if changed != 1 {
        return Ok(false);
    }
    let inv = tx
        .find_by_id::<invitations::Entity>(id)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("invitation".into()))?;
    queue_for_tenant(
        &tx,
        &inv.email,
        &format!("Reminder: you are invited to {}", mail.hub_name),
        body(mail, &token),
        mail.request_id.clone(),
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

pub async fn revoke(db: &TenantDb, id: Uuid) -> Result<bool, DbErr> {
    let changed = db
        .update_exprs_where::<invitations::Entity>(
            vec![(invitations::Column::RevokedAt, Expr::value(Some(now())))],
            Condition::all()
                .add(invitations::Column::Id.eq(id))
                .add(invitations::Column::AcceptedAt.is_null())
                .add(invitations::Column::RevokedAt.is_null()),
        )
        .await?;
    Ok(changed == 1)
}

/// Why a token cannot be used, in words for the person holding it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("This invitation link is not valid. Check that you copied all of it.")]
    Unknown,
    #[error("This invitation was withdrawn by the hub's team.")]
    Revoked,
    #[error("This invitation has expired. Ask the hub's team to send it again.")]
    Expired,
    #[error("This invitation has already been used.")]
    Used,
    #[error(
        "Your access to this hub was deactivated by its team; an invitation does not restore it."
    )]
    Deactivated,
    #[error("Confirm your email address first, with the link we mailed you when you signed up: an invitation sent to another address needs a confirmed account.")]
    Unverified,
}

/// The state of a token, without using it.
pub async fn check(
    db: &TenantDb,
    token: &str,
) -> Result<Result<invitations::Model, Refused>, DbErr> {
    let inv = db
        .select::<invitations::Entity>()
        .filter(invitations::Column::TokenHash.eq(digest(token)))
        .one()
        .await?;
    Ok(match inv {
        None => Err(Refused::Unknown),
        Some(i) if i.revoked_at.is_some() => Err(Refused::Revoked),
        Some(i) if i.accepted_at.is_some() => Err(Refused::Used),
        Some(i) if i.expires_at <= now() => Err(Refused::Expired),
        Some(i) => Ok(i),
    })
}

/// Uses the token for `user` and joins them to the hub as an advocate — invite-only or
/// not. The token is spent (one conditional UPDATE: once) in the same shard transaction
/// that writes the contact, so it is spent exactly when the join happens: a failure or a
/// deactivated contact leaves it usable. The directory entry follows (see `membership`).
pub async fn accept(
    global: &DatabaseConnection,
    db: &TenantDb,
    token: &str,
    user: &users::Model,
) -> Result<Result<(), Refused>, DbErr> {
    let invitation = match check(db, token).await? {
        Ok(i) => i,
        Err(why) => return Ok(Err(why)),
    };
    // Sent to this account's own address: the token, mailed there, proves the address.
    // Sent elsewhere: only a confirmed account may take it (else anyone could sign up with
    // someone's address and collect what was meant for them).
    let to_own_address = invitation.email.eq_ignore_ascii_case(&user.email);
    if user.email_verified_at.is_none() && !to_own_address {
        return Ok(Err(Refused::Unverified));
    }
    let at = now();
    let tx = db.begin().await?;
    let used = tx
        .update_exprs_where::<invitations::Entity>(
            vec![(invitations::Column::AcceptedAt, Expr::value(Some(at)))],
            Condition::all()
                .add(invitations::Column::TokenHash.eq(digest(token)))
                .add(invitations::Column::AcceptedAt.is_null())
                .add(invitations::Column::RevokedAt.is_null())
                .add(invitations::Column::ExpiresAt.gt(at)),
        )
        .await?;
    if used != 1 {
        return Ok(Err(Refused::Used));
    }
    let contact = crate::membership::ensure_contact(&tx, user, Role::Advocate).await?;
    if contact.status != ContactStatus::Active {
        // Dropping the transaction rolls the token back: it stays usable.
        return Ok(Err(Refused::Deactivated));
    }
    tx.commit().await?;
    crate::membership::ensure_membership(global, user.id, db.tenant_id()).await?;
    if to_own_address {
        crate::accounts::verification::mark_verified(global, user.id).await?;
    }
    Ok(Ok(()))
}
