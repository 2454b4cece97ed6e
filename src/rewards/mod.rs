//! Rewards: what points are for. The catalogue (admins), redeeming (advocates), and
//! fulfilling or cancelling redemptions (the team). Redeeming debits points and stock
//! atomically; see [`service`].
pub mod api;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod handlers;
#[cfg(feature = "ssr")]
pub mod service;

use serde::{Deserialize, Serialize};

pub use crate::domain::RedemptionStatus;

pub const REQUESTED: RedemptionStatus = RedemptionStatus::Requested;
pub const FULFILLED: RedemptionStatus = RedemptionStatus::Fulfilled;
pub const CANCELLED: RedemptionStatus = RedemptionStatus::Cancelled;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RewardForm {
    pub name: String,
    pub description: String,
    pub cost: String,
    /// Empty: unlimited.
    pub stock: String,
    /// Checkbox.
    pub active: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RewardInput {
    pub name: String,
    pub description: String,
    pub cost: i64,
    pub stock: Option<i64>,
    pub active: bool,
}

impl RewardForm {
    pub fn validate(&self) -> Result<RewardInput, Vec<(String, String)>> {
        let mut e = Vec::new();
        let name = self.name.trim().to_string();
        match name.chars().count() {
            0 => e.push(("name".into(), "enter a name".into())),
            n if n > 120 => e.push(("name".into(), "use at most 120 characters".into())),
            _ => {}
        }
        if self.description.chars().count() > 2000 {
            e.push(("description".into(), "use at most 2000 characters".into()));
        }
        let cost = match self.cost.trim().parse::<i64>() {
            Ok(c) if (1..=1_000_000).contains(&c) => c,
            _ => {
                e.push((
                    "cost".into(),
                    "the cost must be a whole number from 1 to 1000000".into(),
                ));
                0
            }
        };
        let stock = match self.stock.trim() {
            "" => None,
            s => match s.parse::<i64>() {
                Ok(n) if (0..=1_000_000).contains(&n) => Some(n),
                _ => {
                    e.push((
                        "stock".into(),
                        "leave empty for unlimited, or a whole number from 0".into(),
                    ));
                    None
                }
            },
        };
        if e.is_empty() {
            Ok(RewardInput {
                name,
                description: self.description.trim().to_string(),
                cost,
                stock,
                active: self.active.is_some(),
            })
        } else {
            Err(e)
        }
    }
}

/// Why "Redeem" is not offered, if it is not.
pub fn redeem_blocker(balance: i64, cost: i64, stock: Option<i64>) -> Option<String> {
    if stock == Some(0) {
        Some("Out of stock".to_string())
    } else if balance < cost {
        Some(format!("You need {} more points", cost - balance))
    } else {
        None
    }
}

/// This feature's form posts and other non-page routes (its pages are in `pages.rs`).
#[cfg(feature = "ssr")]
pub fn routes() -> axum::Router<crate::web::AppState> {
    use axum::routing::post;
    axum::Router::new()
        .route("/admin/rewards", post(handlers::create))
        .route("/admin/rewards/{id}", post(handlers::update))
        .route("/rewards/{id}/redeem", post(handlers::redeem))
        .route("/admin/redemptions/{id}/fulfil", post(handlers::fulfil))
        .route("/admin/redemptions/{id}/cancel", post(handlers::cancel))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reward_rules() {
        let ok = RewardForm {
            name: "Mug ☕".into(),
            cost: "300".into(),
            stock: "10".into(),
            active: Some("on".into()),
            ..Default::default()
        };
        assert_eq!(ok.validate().unwrap().stock, Some(10));
        let bad = RewardForm {
            name: " ".into(),
            cost: "0".into(),
            stock: "-1".into(),
            ..Default::default()
        };
        let fields: Vec<_> = bad
            .validate()
            .unwrap_err()
            .into_iter()
            .map(|(f, _)| f)
            .collect();
        assert_eq!(fields, ["name", "cost", "stock"]);
        assert_eq!(
            redeem_blocker(100, 300, None).as_deref(),
            Some("You need 200 more points")
        );
        assert_eq!(
            redeem_blocker(1000, 300, Some(0)).as_deref(),
            Some("Out of stock")
        );
        assert_eq!(redeem_blocker(300, 300, Some(1)), None);
    }
}
