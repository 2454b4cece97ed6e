//! Global accounts: registering and checking credentials. Server-only.
use super::password;
use crate::db::global::users;
use crate::db::{is_unique_violation, new_id, now};
use crate::domain::{DisplayName, Email, NewPassword};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, Set,
};

#[derive(Debug, thiserror::Error)]
pub enum RegisterError {
    /// The unique index on `users.email` said no: a field error on the form.
    #[error("an account with this email already exists")]
    EmailTaken,
    #[error(transparent)]
    Db(#[from] DbErr),
    #[error(transparent)]
    Password(#[from] password::PasswordError),
}

/// Creates an account. The email is already normalised by [`Email`], so the unique index
/// compares addresses case-insensitively; no SELECT is made first.
pub async fn register(
    global: &DatabaseConnection,
    name: &DisplayName,
    email: &Email,
    new_password: &NewPassword,
) -> Result<users::Model, RegisterError> {
    let password_hash = password::hash(new_password.expose().to_string()).await?;
    users::ActiveModel {
        id: Set(new_id()),
        email: Set(email.as_str().to_string()),
        password_hash: Set(password_hash),
        display_name: Set(name.as_str().to_string()),
        is_platform_operator: Set(false),
        session_epoch: Set(0),
        created_at: Set(now()),
        // Unverified until the mailed link is followed (see `verification`).
        email_verified_at: Set(None),
        email_verification_hash: Set(None),
    }
    .insert(global)
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            RegisterError::EmailTaken
        } else {
            e.into()
        }
    })
}

/// The account for these credentials, or `None` — the same answer, after the same work,
/// whether the email is unknown or the password wrong.
pub async fn authenticate(
    global: &DatabaseConnection,
    email: &str,
    password: &str,
) -> Result<Option<users::Model>, RegisterError> {
    let user = match Email::parse(email) {
        Ok(email) => {
            users::Entity::find()
                .filter(users::Column::Email.eq(email.as_str()))
                .one(global)
                .await?
        }
        Err(_) => None,
    };
    let ok = password::verify(
        password.to_string(),
        user.as_ref().map(|u| u.password_hash.clone()),
    )
    .await?;
    Ok(user.filter(|_| ok))
}
