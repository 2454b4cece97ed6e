//! Password reset: a link mailed to the account's address, single use, valid 30 minutes,
//! stored hashed. The token row and its mail are written in one transaction. Completing a
//! reset sets the new password and ends every session of the user, in one transaction.
use super::password;
use crate::db::global::{password_resets, users};
use crate::db::{new_id, now};
use crate::domain::{Email, NewPassword};
use crate::mail::outbox::{self, NewMail};
use crate::web::tokens::{digest, new_token};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, Set,
    TransactionTrait,
};

pub const RESET_TTL: chrono::Duration = chrono::Duration::minutes(30);

#[derive(Debug, thiserror::Error)]
pub enum ResetError {
    #[error("this reset link is not valid: it has expired, was already used, or is mistyped")]
    InvalidToken,
    #[error(transparent)]
    Db(#[from] DbErr),
    #[error(transparent)]
    Password(#[from] password::PasswordError),
}

/// Mails a reset link if an account has this address; says nothing either way (the caller
/// shows the same notice), so the form does not reveal who has an account.
pub async fn request(
    global: &DatabaseConnection,
    email: &Email,
    accounts_url: &str,
    request_id: Option<String>,
) -> Result<(), DbErr> {
    let Some(user) = users::Entity::find()
        .filter(users::Column::Email.eq(email.as_str()))
        .one(global)
        .await?
    else {
        return Ok(());
    };
    let token = new_token();
    let created = now();
    let txn = global.begin().await?;
    password_resets::ActiveModel {
        id: Set(new_id()),
        token_hash: Set(digest(&token)),
        user_id: Set(user.id),
        expires_at: Set(created + RESET_TTL),
        used_at: Set(None),
        created_at: Set(created),
    }
    .insert(&txn)
    .await?;
    let body = format!(
        "Hello {name},\n\nSomeone (we hope you) asked to reset the password of your Rally account.\n\
         Choose a new password here (the link works once, for 30 minutes):\n\n\
         {accounts_url}/password/reset?token={token}\n\n\
         If it was not you, ignore this mail: your password stays as it is.\n",
        name = user.display_name
    );
    outbox::queue(
        &txn,
        NewMail {
            tenant_id: None,
            to: &user.email,
            subject: "Reset your Rally password",
            body,
            request_id,
        },
    )
    .await?;
    txn.commit().await
}

/// Uses a reset token: marks it used (only if unused and unexpired, in one statement), sets
/// the password and bumps the session epoch. Returns the user.
pub async fn complete(
    global: &DatabaseConnection,
    token: &str,
    new_password: &NewPassword,
) -> Result<users::Model, ResetError> {
    // The token first: a bogus or spent one costs a lookup, never a hash.
    let live = password_resets::Entity::find()
        .filter(password_resets::Column::TokenHash.eq(digest(token)))
        .filter(password_resets::Column::UsedAt.is_null())
        .filter(password_resets::Column::ExpiresAt.gt(now()))
        .one(global)
        .await?;
    if live.is_none() {
        return Err(ResetError::InvalidToken);
    }
    // Then the hash (slow, and a failure here must not burn the token); the update below
    // checks the token again, so two requests with one token cannot both use it.
    let hash = password::hash(new_password.expose().to_string()).await?;
    let at = now();
    let txn = global.begin().await?;
    let used = password_resets::Entity::update_many()
        .col_expr(password_resets::Column::UsedAt, Expr::value(at))
        .filter(password_resets::Column::TokenHash.eq(digest(token)))
        .filter(password_resets::Column::UsedAt.is_null())
        .filter(password_resets::Column::ExpiresAt.gt(at))
        .exec(&txn)
        .await?;
    if used.rows_affected != 1 {
        return Err(ResetError::InvalidToken);
    }
    let reset = password_resets::Entity::find()
        .filter(password_resets::Column::TokenHash.eq(digest(token)))
        .one(&txn)
        .await?
        .ok_or(ResetError::InvalidToken)?;
    users::Entity::update_many()
        .col_expr(users::Column::PasswordHash, Expr::value(hash))
        .col_expr(
            users::Column::SessionEpoch,
            Expr::col(users::Column::SessionEpoch).add(1),
        )
        .filter(users::Column::Id.eq(reset.user_id))
        .exec(&txn)
        .await?;
    let user = users::Entity::find_by_id(reset.user_id)
        .one(&txn)
        .await?
        .ok_or(ResetError::InvalidToken)?;
    txn.commit().await?;
    crate::web::auth::forget_user(user.id).await;
    Ok(user)
}
