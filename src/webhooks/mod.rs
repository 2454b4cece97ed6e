//! Webhooks at `/admin/webhooks` (hub admins): subscribe a URL to the hub's events, see
//! each delivery (status, latency, the start of the answer) and send one again. Messages
//! are signed the Standard Webhooks way ([`signing`]), sent from the job queue
//! ([`service::deliver`]) and never to Rally's own network (`web::outbound`).
pub mod api;
pub mod handlers;
pub mod pages;
pub mod service;
pub mod signing;

pub use service::emit;

/// What a hub can subscribe to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    CompletionSubmitted,
    CompletionApproved,
    CompletionRejected,
    PointsAwarded,
    RewardRedeemed,
    RewardFulfilled,
    MemberJoined,
}

impl Event {
    pub const ALL: [Event; 7] = [
        Event::CompletionSubmitted,
        Event::CompletionApproved,
        Event::CompletionRejected,
        Event::PointsAwarded,
        Event::RewardRedeemed,
        Event::RewardFulfilled,
        Event::MemberJoined,
    ];

    /// The `type` of the message, and the name subscriptions use.
    pub fn name(self) -> &'static str {
        match self {
            Event::CompletionSubmitted => "completion.submitted",
            Event::CompletionApproved => "completion.approved",
            Event::CompletionRejected => "completion.rejected",
            Event::PointsAwarded => "points.awarded",
            Event::RewardRedeemed => "reward.redeemed",
            Event::RewardFulfilled => "reward.fulfilled",
            Event::MemberJoined => "member.joined",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.name() == name)
    }

    /// How the admin page names it.
    pub fn label(self) -> &'static str {
        match self {
            Event::CompletionSubmitted => "A completion was submitted",
            Event::CompletionApproved => "A completion was approved",
            Event::CompletionRejected => "A completion was rejected",
            Event::PointsAwarded => "Points were awarded",
            Event::RewardRedeemed => "A reward was redeemed",
            Event::RewardFulfilled => "A redemption was fulfilled",
            Event::MemberJoined => "A member joined",
        }
    }
}

/// This feature's form posts (its page is in `pages.rs`).
pub fn routes() -> axum::Router<crate::web::AppState> {
    use axum::routing::post;
    axum::Router::new()
        .route("/admin/webhooks", post(handlers::subscribe))
        .route("/admin/webhooks/{id}/remove", post(handlers::remove))
        .route(
            "/admin/webhooks/{id}/deliveries/{delivery}/redeliver",
            post(handlers::redeliver),
        )
}
