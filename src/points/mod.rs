//! Points, levels and badges: the append-only ledger, what it adds up to, and the rewards
//! for milestones. Views are shared; the logic ([`ledger`]) is server-only.
pub mod api;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod ledger;

use serde::{Deserialize, Serialize};

/// Default ladder for a hub that has not set its own.
pub const DEFAULT_LEVELS: [(&str, i64); 4] = [
    ("Rookie", 0),
    ("Insider", 500),
    ("Champion", 2000),
    ("Legend", 10000),
];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Level {
    pub name: String,
    pub min_points: i64,
}

/// Where lifetime points put someone on a ladder (sorted by `min_points`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LevelProgress {
    pub current: Level,
    pub next: Option<Level>,
    /// 0–100 towards `next` (100 at the top).
    pub percent: u8,
}

pub fn progress(lifetime: i64, ladder: &[Level]) -> LevelProgress {
    let fallback = Level {
        name: DEFAULT_LEVELS[0].0.to_string(),
        min_points: 0,
    };
    let current = ladder
        .iter()
        .rev()
        .find(|l| lifetime >= l.min_points)
        .cloned()
        .unwrap_or(fallback);
    let next = ladder.iter().find(|l| l.min_points > lifetime).cloned();
    let percent = match &next {
        None => 100,
        Some(n) => {
            let span = (n.min_points - current.min_points).max(1);
            (((lifetime - current.min_points).max(0) * 100) / span).min(100) as u8
        }
    };
    LevelProgress {
        current,
        next,
        percent,
    }
}

/// Badge keys and how they read.
pub fn badge_label(key: &str) -> String {
    match key {
        "first-challenge" => "First challenge".to_string(),
        "five-challenges" => "Five challenges".to_string(),
        "first-referral" => "First referral".to_string(),
        other => match other.strip_prefix("level:") {
            Some(level) => format!("Reached {level}"),
            None => other.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ladder() -> Vec<Level> {
        DEFAULT_LEVELS
            .iter()
            .map(|(n, p)| Level {
                name: n.to_string(),
                min_points: *p,
            })
            .collect()
    }

    #[test]
    fn levels_follow_lifetime_points() {
        let p = progress(0, &ladder());
        assert_eq!((p.current.name.as_str(), p.percent), ("Rookie", 0));
        let p = progress(250, &ladder());
        assert_eq!(p.next.unwrap().name, "Insider");
        assert_eq!(p.percent, 50);
        let p = progress(2000, &ladder());
        assert_eq!(p.current.name, "Champion");
        let p = progress(50_000, &ladder());
        assert_eq!(
            (p.current.name.as_str(), p.next, p.percent),
            ("Legend", None, 100)
        );
    }
}
