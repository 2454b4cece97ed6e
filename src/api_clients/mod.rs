//! API clients at `/admin/api` (hub admins): the systems of the hub's company that call the
//! service API on `api.<root>`. A client has a name, scopes and keys: shared secrets
//! (HS256), shown once and sealed at rest, or Ed25519 public keys (EdDSA). Rotation adds a
//! second key, moves the caller over, then revokes the first; both verify meanwhile.
//! The page also maps the Events API's event types to points or challenges.
pub mod api;
pub mod handlers;
pub mod pages;
pub mod service;

/// What a client may do; each `/v1` route requires one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Scope {
    EventsWrite,
    ContactsRead,
    InvitationsWrite,
    ChallengesRead,
    CompletionsRead,
    CompletionsWrite,
}

impl Scope {
    pub const ALL: [Scope; 6] = [
        Scope::EventsWrite,
        Scope::ContactsRead,
        Scope::InvitationsWrite,
        Scope::ChallengesRead,
        Scope::CompletionsRead,
        Scope::CompletionsWrite,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Scope::EventsWrite => "events:write",
            Scope::ContactsRead => "contacts:read",
            Scope::InvitationsWrite => "invitations:write",
            Scope::ChallengesRead => "challenges:read",
            Scope::CompletionsRead => "completions:read",
            Scope::CompletionsWrite => "completions:write",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.name() == name)
    }

    pub fn label(self) -> &'static str {
        match self {
            Scope::EventsWrite => "Record events (award points)",
            Scope::ContactsRead => "Read contacts, balances and levels",
            Scope::InvitationsWrite => "Send invitations",
            Scope::ChallengesRead => "Read challenges",
            Scope::CompletionsRead => "Read completions",
            Scope::CompletionsWrite => "Approve and reject completions",
        }
    }
}

/// This feature's form posts (its page is in `pages.rs`).
pub fn routes() -> axum::Router<crate::web::AppState> {
    use axum::routing::post;
    axum::Router::new()
        .route("/admin/api/clients", post(handlers::create_client))
        .route(
            "/admin/api/clients/{id}/secrets",
            post(handlers::add_secret),
        )
        .route(
            "/admin/api/clients/{id}/public-keys",
            post(handlers::add_public_key),
        )
        .route(
            "/admin/api/clients/{id}/keys/{key}/revoke",
            post(handlers::revoke_key),
        )
        .route(
            "/admin/api/clients/{id}/remove",
            post(handlers::remove_client),
        )
        .route("/admin/api/event-types", post(handlers::add_event_type))
        .route(
            "/admin/api/event-types/{id}/remove",
            post(handlers::remove_event_type),
        )
}
