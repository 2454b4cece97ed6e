//! Email ownership. Sign-up mails a link to the address; following it marks the account
//! verified. Until then the account can sign in, but cannot accept an invitation sent to
//! another address (`invitations::service::accept`). Sign-up answers the same whether or
//! not the address already has an account: its owner gets a mail saying so instead.
use super::users::{register, RegisterError};
use crate::db::global::users;
use crate::db::now;
use crate::domain::{DisplayName, Email, NewPassword};
use crate::mail::outbox::{self, NewMail};
use crate::web::tokens::{digest, new_token};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, TransactionTrait};
use uuid::Uuid;

/// Signs up `email`: a new, unverified account with a verification link mailed to it, or,
/// when the address has an account already, a mail to its owner saying so. The caller
/// answers the same in both cases; both cost one password hash (`register` hashes before
/// the unique index answers).
pub async fn sign_up(
    global: &DatabaseConnection,
    name: &DisplayName,
    email: &Email,
    new_password: &NewPassword,
    accounts_url: &str,
    request_id: Option<String>,
) -> Result<(), RegisterError> {
    match register(global, name, email, new_password).await {
        Ok(user) => {
            send_link(global, &user, accounts_url, request_id).await?;
            Ok(())
        }
        Err(RegisterError::EmailTaken) => {
            let body = format!(
                "Hello,\n\nSomeone (perhaps you) tried to create a Rally account with this address, \
                 which already has one. Nothing was changed.\n\n\
                 Sign in: {accounts_url}/login\n\
                 Forgot your password? {accounts_url}/password/forgot\n\n\
                 If it was not you, you can ignore this mail.\n"
            );
            outbox::queue(
                global,
                NewMail {
                    tenant_id: None,
                    to: email.as_str(),
                    subject: "You already have a Rally account",
                    body,
                    request_id,
                },
            )
            .await?;
            Ok(())
        }
        Err(e) => Err(e),
    }
}

/// A fresh verification link for `user`, mailed (the previous link stops working).
pub async fn send_link(
    global: &DatabaseConnection,
    user: &users::Model,
    accounts_url: &str,
    request_id: Option<String>,
) -> Result<(), DbErr> {
    let token = new_token();
    let txn = global.begin().await?;
    users::Entity::update_many()
        .col_expr(
            users::Column::EmailVerificationHash,
            Expr::value(Some(digest(&token))),
        )
        .filter(users::Column::Id.eq(user.id))
        .exec(&txn)
        .await?;
    let body = format!(
        "Hello {name},\n\nWelcome to Rally. Confirm that this address is yours:\n\n\
         {accounts_url}/verify?token={token}\n\n\
         If you did not sign up, ignore this mail.\n",
        name = user.display_name
    );
    outbox::queue(
        &txn,
        NewMail {
            tenant_id: None,
            to: &user.email,
            subject: "Confirm your email address",
            body,
            request_id,
        },
    )
    .await?;
    txn.commit().await
}

/// Follows a verification link: the account it was for, now verified; `None` for a link
/// that is unknown or already used.
pub async fn confirm(
    global: &DatabaseConnection,
    token: &str,
) -> Result<Option<users::Model>, DbErr> {
    let hash = digest(token);
    let Some(user) = users::Entity::find()
        .filter(users::Column::EmailVerificationHash.eq(hash.as_str()))
        .one(global)
        .await?
    else {
        return Ok(None);
    };
    let changed = users::Entity::update_many()
        .col_expr(users::Column::EmailVerifiedAt, Expr::value(Some(now())))
        .col_expr(
            users::Column::EmailVerificationHash,
            Expr::value(None::<String>),
        )
        .filter(users::Column::Id.eq(user.id))
        .filter(users::Column::EmailVerificationHash.eq(hash))
        .exec(global)
        .await?
        .rows_affected;
    Ok((changed == 1).then_some(user))
}

/// Marks an address as verified by other proof (an invitation mailed to it, the demo).
pub async fn mark_verified(global: &DatabaseConnection, user_id: Uuid) -> Result<(), DbErr> {
    users::Entity::update_many()
        .col_expr(users::Column::EmailVerifiedAt, Expr::value(Some(now())))
        .col_expr(
            users::Column::EmailVerificationHash,
            Expr::value(None::<String>),
        )
        .filter(users::Column::Id.eq(user_id))
        .filter(users::Column::EmailVerifiedAt.is_null())
        .exec(global)
        .await?;
    Ok(())
}
