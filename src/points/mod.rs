//! Points, levels and badges: the append-only ledger, what it adds up to, and the rewards
//! for milestones. Views are shared; the logic ([`ledger`]) is server-only.
pub mod api;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod handlers;
#[cfg(feature = "ssr")]
pub mod ledger;
#[cfg(feature = "ssr")]
pub mod totals;

use crate::web::flash::FieldErrors;
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

/// Most levels a hub's ladder may have (the editor shows this many rows).
pub const MAX_LEVELS: usize = 8;
/// Highest point threshold a level may have.
pub const MAX_LEVEL_POINTS: i64 = 10_000_000;
const MAX_LEVEL_NAME: usize = 40;

/// The ladder editor's rows as typed, `(name, points)` (fields `name_{i}`, `points_{i}`);
/// blank rows are skipped. A valid ladder has distinct names and thresholds and a level
/// at 0 points, where everyone starts. Returned lowest first.
pub fn validate_ladder(rows: &[(String, String)]) -> Result<Vec<Level>, FieldErrors> {
    let mut errors = FieldErrors::new();
    let mut levels: Vec<(usize, Level)> = Vec::new();
    for (i, (name, points)) in rows.iter().enumerate() {
        let (name, points) = (name.trim(), points.trim());
        if name.is_empty() && points.is_empty() {
            continue;
        }
        let mut ok = true;
        if name.is_empty() {
            errors.push((format!("name_{i}"), "give this level a name".into()));
            ok = false;
        } else if name.chars().count() > MAX_LEVEL_NAME {
            errors.push((
                format!("name_{i}"),
                format!("at most {MAX_LEVEL_NAME} characters"),
            ));
            ok = false;
        } else if levels
            .iter()
            .any(|(_, l)| l.name.to_lowercase() == name.to_lowercase())
        {
            errors.push((format!("name_{i}"), "another level has this name".into()));
            ok = false;
        }
        let min_points = match points.parse::<i64>() {
            Ok(p) if (0..=MAX_LEVEL_POINTS).contains(&p) => p,
            _ => {
                errors.push((
                    format!("points_{i}"),
                    format!("a whole number from 0 to {MAX_LEVEL_POINTS}"),
                ));
                continue;
            }
        };
        if levels.iter().any(|(_, l)| l.min_points == min_points) {
            errors.push((
                format!("points_{i}"),
                "another level starts at these points".into(),
            ));
            continue;
        }
        if ok {
            levels.push((
                i,
                Level {
                    name: name.to_string(),
                    min_points,
                },
            ));
        }
    }
    if errors.is_empty() && !levels.iter().any(|(_, l)| l.min_points == 0) {
        errors.push((
            "form".into(),
            "One level must start at 0 points: it is where everyone begins.".into(),
        ));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut ladder: Vec<Level> = levels.into_iter().map(|(_, l)| l).collect();
    ladder.sort_by_key(|l| l.min_points);
    Ok(ladder)
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

/// This feature's form posts and other non-page routes (its pages are in `pages.rs`).
#[cfg(feature = "ssr")]
pub fn routes() -> axum::Router<crate::web::AppState> {
    use axum::routing::post;
    axum::Router::new()
        .route("/admin/levels", post(handlers::save))
        .route("/admin/levels/reset", post(handlers::reset))
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

    fn rows(r: &[(&str, &str)]) -> Vec<(String, String)> {
        r.iter()
            .map(|(n, p)| (n.to_string(), p.to_string()))
            .collect()
    }

    fn fields(e: FieldErrors) -> Vec<String> {
        e.into_iter().map(|(f, _)| f).collect()
    }

    #[test]
    fn a_ladder_is_sorted_and_skips_blank_rows() {
        let l = validate_ladder(&rows(&[
            ("Gold", "1000"),
            ("", ""),
            (" Bronze ", "0"),
            ("Silver", "250"),
        ]))
        .unwrap();
        let got: Vec<_> = l.iter().map(|l| (l.name.as_str(), l.min_points)).collect();
        assert_eq!(got, [("Bronze", 0), ("Silver", 250), ("Gold", 1000)]);
    }

    #[test]
    fn bad_ladders_name_the_fields_at_fault() {
        let e = validate_ladder(&rows(&[("Start", "0"), ("", "10"), ("Big", "ten")]));
        assert_eq!(fields(e.unwrap_err()), ["name_1", "points_2"]);
        let e = validate_ladder(&rows(&[("A", "0"), ("a", "5"), ("B", "0")]));
        assert_eq!(fields(e.unwrap_err()), ["name_1", "points_2"]);
        let e = validate_ladder(&rows(&[("A", "-1"), ("B", "10000001")]));
        assert_eq!(fields(e.unwrap_err()), ["points_0", "points_1"]);
        let long = "x".repeat(41);
        let e = validate_ladder(&rows(&[("A", "0"), (long.as_str(), "9")]));
        assert_eq!(fields(e.unwrap_err()), ["name_1"]);
        // Without a level at 0, or with nothing at all: an error about the whole form.
        assert_eq!(
            fields(validate_ladder(&rows(&[("A", "5")])).unwrap_err()),
            ["form"]
        );
        assert_eq!(
            fields(validate_ladder(&rows(&[("", "")])).unwrap_err()),
            ["form"]
        );
    }

    #[test]
    fn emoji_names_count_as_characters() {
        let name = "🏆".repeat(40);
        let l = validate_ladder(&rows(&[(name.as_str(), "0")])).unwrap();
        assert_eq!(l[0].name, name);
    }
}
