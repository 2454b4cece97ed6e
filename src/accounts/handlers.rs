//! The accounts host's forms: sign up, sign in, sign out, forgotten password, reset. Each
//! answers with a redirect (post/redirect/get); errors and typed values travel to the next
//! page in the session's flash. Sign-out also works on hub hosts.
use super::reset;
use super::users::authenticate;
use crate::domain::{DisplayName, Email, NewPassword};
use crate::sso::handlers::sso_query;
use crate::sso::SsoParams;
use crate::web::auth::{sign_in, sign_out};
use crate::web::client::ClientAddr;
use crate::web::flash::Flash;
use crate::web::limits::{address_key, Scope};
use crate::web::respond::{back, request_id_of, FormResult};
use crate::web::site::Site;
use crate::web::AppError;
use crate::web::AppState;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect};
use axum::{Extension, Form};
use serde::Deserialize;
use tower_sessions::Session;

/// Where a sign-in continues: back into the SSO round trip it interrupted, or home.
fn continuation(sso: &SsoParams) -> String {
    match (&sso.host, &sso.state) {
        (Some(host), Some(state)) => format!(
            "/sso/authorize?{}",
            sso_query(host, state, sso.return_to.as_deref().unwrap_or("/"))
        ),
        _ => "/".to_string(),
    }
}

/// A page of the accounts host, keeping the SSO round trip in its query.
fn with_sso(path: &str, sso: &SsoParams) -> String {
    match (&sso.host, &sso.state) {
        (Some(host), Some(state)) => format!(
            "{path}?{}",
            sso_query(host, state, sso.return_to.as_deref().unwrap_or("/"))
        ),
        _ => path.to_string(),
    }
}

/// The sign-in and sign-up forms of an SSO round trip show the hub they lead to: filling
/// one in is consent to be signed in there (see `sso::consent`); nobody is asked twice.
async fn consent_by_form(
    state: &AppState,
    sso: &SsoParams,
    user_id: uuid::Uuid,
) -> Result<(), AppError> {
    if let Some(host) = sso.host.as_deref() {
        if let Some((tenant, _)) = crate::sso::handlers::verify_hub_host(state, host).await {
            crate::sso::consent::give(state.registry.global(), user_id, tenant.id).await?;
        }
    }
    Ok(())
}

/// These forms exist on the accounts host only.
fn accounts_only(site: &Site) -> Result<(), AppError> {
    match site {
        Site::Accounts => Ok(()),
        Site::Hub(_) => Err(AppError::NotFound),
    }
}

// Every field defaults to empty: a form with a field missing gets field errors, not a 422.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SignupForm {
    display_name: String,
    email: String,
    password: String,
    host: Option<String>,
    state: Option<String>,
    return_to: Option<String>,
}

pub async fn signup(
    State(state): State<AppState>,
    Extension(site): Extension<Site>,
    ClientAddr(addr): ClientAddr,
    headers: HeaderMap,
    Form(form): Form<SignupForm>,
) -> FormResult {
    accounts_only(&site)?;
    // Each sign-up hashes a password: bounded per address, before any of that work.
    state
        .limiter
        .hit(
            Scope::SignUpAddress,
            &address_key(addr),
            state.config.login_attempts_per_address,
        )
        .await?;
    let sso = SsoParams {
        host: form.host,
        state: form.state,
        return_to: form.return_to,
    };
    let mut flash = Flash::new("signup")
        .with_value("display_name", form.display_name.trim())
        .with_value("email", form.email.trim());
    let name = DisplayName::parse(&form.display_name)
        .map_err(|e| flash = flash.clone().with_error("display_name", e.to_string()))
        .ok();
    let email = Email::parse(&form.email)
        .map_err(|e| flash = flash.clone().with_error("email", e.to_string()))
        .ok();
    let password = NewPassword::parse(&form.password)
        .map_err(|e| flash = flash.clone().with_error("password", e.to_string()))
        .ok();
    let (Some(name), Some(email), Some(password)) = (name, email, password) else {
        return Err(AppError::invalid(with_sso("/signup", &sso), flash));
    };
    let accounts_url = state
        .config
        .url_for_host(&format!("accounts.{}", state.config.root_domain));
    super::verification::sign_up(
        state.registry.global(),
        &name,
        &email,
        &password,
        &accounts_url,
        request_id_of(&headers),
    )
    .await
    .map_err(AppError::unavailable)?;
    // The same answer whether or not the address had an account already (no session, no
    // flash, not even the address): the page says where to look and how to go on.
    let mut to = "/signup/sent".to_string();
    if let (Some(host), Some(state_)) = (&sso.host, &sso.state) {
        to.push('?');
        to.push_str(&sso_query(
            host,
            state_,
            sso.return_to.as_deref().unwrap_or("/"),
        ));
    }
    Ok(Redirect::to(&to).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LoginForm {
    email: String,
    password: String,
    host: Option<String>,
    state: Option<String>,
    return_to: Option<String>,
}

/// The one message for every failed sign-in: an unknown email and a wrong password must
/// not be told apart.
pub const LOGIN_FAILED: &str = "That email and password do not match an account.";

pub async fn login(
    State(state): State<AppState>,
    Extension(site): Extension<Site>,
    ClientAddr(addr): ClientAddr,
    session: Session,
    Form(form): Form<LoginForm>,
) -> FormResult {
    accounts_only(&site)?;
    let sso = SsoParams {
        host: form.host,
        state: form.state,
        return_to: form.return_to,
    };
    // The attempt counts as a failure while it runs, so parallel guesses cannot all pass
    // the check; a success takes it back and forgives the account's earlier failures.
    let address = address_key(addr);
    let limits = &state.config;
    let counted = async {
        state
            .limiter
            .hit(
                Scope::SignInAddress,
                &address,
                limits.login_attempts_per_address,
            )
            .await?;
        state
            .limiter
            .hit(
                Scope::SignInAccount,
                &form.email,
                limits.login_attempts_per_account,
            )
            .await
    };
    if let Err(wait) = counted.await {
        tracing::warn!(client = ?addr, "sign-in rate limit reached");
        return Err(wait.into());
    }
    match authenticate(state.registry.global(), &form.email, &form.password).await {
        Ok(Some(user)) => {
            metrics::counter!(crate::web::metrics::LOGINS, "result" => "success").increment(1);
            state.limiter.clear(Scope::SignInAccount, &form.email).await;
            state.limiter.undo(Scope::SignInAddress, &address).await;
            sign_in(&session, &user).await?;
            consent_by_form(&state, &sso, user.id).await?;
            Ok(Redirect::to(&continuation(&sso)).into_response())
        }
        Ok(None) => {
            metrics::counter!(crate::web::metrics::LOGINS, "result" => "failure").increment(1);
            let flash = Flash::new("login")
                .with_value("email", form.email.trim())
                .with_error("form", LOGIN_FAILED);
            Err(AppError::invalid(with_sso("/login", &sso), flash))
        }
        Err(e) => Err(AppError::unavailable(e)),
    }
}

/// Sign out, on any host: this session and every other session of the user end.
pub async fn logout(State(state): State<AppState>, session: Session) -> FormResult {
    sign_out(&session, state.registry.global()).await?;
    Ok(Redirect::to("/").into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ForgotForm {
    email: String,
}

pub const RESET_SENT: &str = "If an account uses that address, we have sent it a link to choose a new password. The link works once, for 30 minutes.";

pub async fn forgot(
    State(state): State<AppState>,
    Extension(site): Extension<Site>,
    ClientAddr(addr): ClientAddr,
    headers: HeaderMap,
    Form(form): Form<ForgotForm>,
) -> FormResult {
    accounts_only(&site)?;
    let email = match Email::parse(&form.email) {
        Ok(e) => e,
        Err(e) => {
            let flash = Flash::new("forgot")
                .with_value("email", form.email.trim())
                .with_error("email", e.to_string());
            return Err(AppError::invalid("/password/forgot", flash));
        }
    };
    // Reset mail is limited per address and per account, so the form can neither flood an
    // inbox nor be used to probe many addresses.
    let limits = &state.config;
    state
        .limiter
        .hit(
            Scope::ForgotAddress,
            &address_key(addr),
            limits.login_attempts_per_address,
        )
        .await?;
    state
        .limiter
        .hit(
            Scope::ForgotAccount,
            email.as_str(),
            limits.login_attempts_per_account,
        )
        .await?;
    let accounts_url = state
        .config
        .url_for_host(&format!("accounts.{}", state.config.root_domain));
    reset::request(
        state.registry.global(),
        &email,
        &accounts_url,
        request_id_of(&headers),
    )
    .await?;
    Ok(Redirect::to("/password/forgot?sent=1").into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ResetForm {
    token: String,
    password: String,
}

pub async fn reset_password(
    State(state): State<AppState>,
    Extension(site): Extension<Site>,
    ClientAddr(addr): ClientAddr,
    session: Session,
    Form(form): Form<ResetForm>,
) -> FormResult {
    accounts_only(&site)?;
    // Guessing tokens is bounded per address.
    state
        .limiter
        .hit(
            Scope::ResetAddress,
            &address_key(addr),
            state.config.login_attempts_per_address,
        )
        .await?;
    let token_query: String = url::form_urlencoded::byte_serialize(form.token.as_bytes()).collect();
    let password = match NewPassword::parse(&form.password) {
        Ok(p) => p,
        Err(e) => {
            let flash = Flash::new("reset").with_error("password", e.to_string());
            return Err(AppError::invalid(
                format!("/password/reset?token={token_query}"),
                flash,
            ));
        }
    };
    match reset::complete(state.registry.global(), &form.token, &password).await {
        Ok(_) => {
            // Every session of the user has ended, this one included.
            let _ = session.flush().await;
            let flash = Flash::notice(
                "login",
                "Your password was changed and you were signed out everywhere. Sign in with the new password.",
            );
            Ok(back(&session, "/login", flash).await)
        }
        Err(reset::ResetError::InvalidToken) => {
            let flash = Flash::new("forgot").with_error(
                "form",
                "That reset link is not valid any more: it has expired or was already used. Ask for a new one.",
            );
            Err(AppError::invalid("/password/forgot", flash))
        }
        Err(e) => Err(AppError::unavailable(e)),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct VerifyQuery {
    token: String,
}

/// `GET /verify?token=…`, the link mailed at sign-up: the address is confirmed.
pub async fn verify(
    State(state): State<AppState>,
    Extension(site): Extension<Site>,
    axum::extract::Query(q): axum::extract::Query<VerifyQuery>,
) -> FormResult {
    use crate::web::pages::message_page;
    use axum::http::StatusCode;
    accounts_only(&site)?;
    match super::verification::confirm(state.registry.global(), &q.token).await? {
        Some(user) => Ok(message_page(
            StatusCode::OK,
            "Your email address is confirmed",
            &format!(
                "Thank you. {} is confirmed as yours; invitations sent to other addresses can be accepted with this account now.",
                user.email
            ),
            Some(("/", "Go to your Rally account")),
        )),
        None => Ok(message_page(
            StatusCode::BAD_REQUEST,
            "This confirmation link is not valid",
            "It was already used, or a newer one replaced it. Sign in and ask for a new one if your address is not confirmed yet.",
            Some(("/", "Go to your Rally account")),
        )),
    }
}
