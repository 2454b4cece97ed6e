//! The demo's advocate loop: a dozen challenges of every kind in acme (a few in globex),
//! forty advocates with a history of approved, pending and rejected submissions, so the
//! dashboards, feed and leaderboard have something to show. Runs once per hub: a hub that
//! already has challenges is left alone.
use super::OpError;
use crate::challenges::service::{self, Review};
use crate::challenges::{Answer, ChallengeForm, STATUS_PUBLISHED};
use crate::db::global::users;
use crate::db::tenant::challenges;
use crate::db::{is_unique_violation, new_id, now, ShardRegistry, TenantDb};
use crate::domain::Role;
use crate::membership;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

/// (title, kind, points, needs approval, max per advocate, description, action url)
type DemoChallenge = (
    &'static str,
    &'static str,
    i64,
    bool,
    i64,
    &'static str,
    &'static str,
);

const ACME: [DemoChallenge; 12] = [
    (
        "Why do you love Acme?",
        "question",
        100,
        true,
        1,
        "Tell us in a few sentences what made you **choose Acme**.",
        "",
    ),
    (
        "Share our launch post",
        "link",
        50,
        false,
        3,
        "Share the *Acme 5.0* announcement on LinkedIn or X and paste the link.",
        "",
    ),
    (
        "Review Acme on G2",
        "review",
        500,
        true,
        1,
        "An honest review helps others decide. [G2](https://g2.example/acme) is a great place.",
        "",
    ),
    (
        "Refer a colleague",
        "referral",
        750,
        true,
        5,
        "Know someone who would love Acme? Introduce them to us.",
        "",
    ),
    (
        "Follow us on LinkedIn",
        "action",
        25,
        false,
        1,
        "Stay in the loop with product news.",
        "https://linkedin.example/acme",
    ),
    (
        "Your favourite shortcut",
        "question",
        75,
        true,
        1,
        "Which Acme keyboard shortcut saves you the most time?",
        "",
    ),
    (
        "Write a case study quote",
        "question",
        300,
        true,
        1,
        "Give us a quote we may use in a case study (we will ask before publishing).",
        "",
    ),
    (
        "Review Acme on Capterra",
        "review",
        400,
        true,
        1,
        "Share your experience on Capterra.",
        "",
    ),
    (
        "Join the beta programme",
        "action",
        150,
        false,
        1,
        "Sign up for early access to new features.",
        "https://beta.example/acme",
    ),
    (
        "Post a tip in the community",
        "link",
        100,
        true,
        5,
        "Share a tip in the Acme community forum and paste the link.",
        "",
    ),
    (
        "Refer a partner company",
        "referral",
        1000,
        true,
        3,
        "Know a company that should partner with Acme?",
        "",
    ),
    (
        "Speak at our user meetup",
        "question",
        2000,
        true,
        1,
        "Tell us what you would like to talk about. (Draft: not published yet.)",
        "",
    ),
];

const GLOBEX: [DemoChallenge; 3] = [
    (
        "What would you build with Globex?",
        "question",
        100,
        true,
        1,
        "Dream big: what would you build?",
        "",
    ),
    (
        "Share a Globex story",
        "link",
        80,
        false,
        2,
        "Post about Globex and paste the link.",
        "",
    ),
    (
        "Refer a Globex power user",
        "referral",
        600,
        true,
        5,
        "Who else should be here?",
        "",
    ),
];

const FIRST: [&str; 20] = [
    "Ada", "Ben", "Chloé", "Dev", "Emma", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kemi",
    "Liam", "Mei", "Nils", "Olu", "Priya", "Quinn", "Rosa", "Sven", "Tariq",
];
const LAST: [&str; 10] = [
    "Okafor", "Schmidt", "Nakamura", "García", "Dubois", "Kowalski", "Haddad", "Larsen", "Silva",
    "O'Brien",
];

async fn seed_challenges(
    db: &TenantDb,
    list: &[DemoChallenge],
    publish_all_but_last: bool,
) -> Result<Vec<challenges::Model>, OpError> {
    let mut made = Vec::new();
    for (i, (title, kind, points, approval, max, description, url)) in list.iter().enumerate() {
        let form = ChallengeForm {
            title: title.to_string(),
            description: description.to_string(),
            kind: kind.to_string(),
            points: points.to_string(),
            requires_approval: approval.then(|| "on".to_string()),
            max_per_advocate: max.to_string(),
            action_url: url.to_string(),
            ..Default::default()
        };
        let input = form
            .validate()
            .map_err(|e| OpError::invalid(format!("demo challenge {title}: {e:?}")))?;
        let c = service::create(db, &input).await?;
        let is_last = i + 1 == list.len();
        if !(publish_all_but_last && is_last) {
            service::set_status(db, c.id, STATUS_PUBLISHED).await?;
        }
        made.push(c);
    }
    Ok(made)
}

fn answer_for(kind: &str, n: usize) -> Answer {
    match kind {
        "question" => Answer::Question {
            text: format!("It saves our team hours every week (answer #{n}) 🚀"),
        },
        "link" => Answer::Link {
            url: format!("https://social.example/post/{n}"),
        },
        "review" => Answer::Review {
            url: format!("https://reviews.example/r/{n}"),
            rating: 4 + (n % 2) as u8,
            text: "Solid, fast, and the support team is great.".into(),
        },
        "referral" => Answer::Referral {
            name: format!("Lead {n}"),
            email: format!("lead{n}@prospect.example"),
            company: format!("Prospect {n} Ltd"),
        },
        _ => Answer::Action { confirmed: true },
    }
}

/// Seeds the loop in `slug`'s hub if it has no challenges yet. `password_hash` is the demo
/// password's hash, computed once for all demo advocates.
pub async fn seed_hub(
    registry: &ShardRegistry,
    slug: &str,
    password_hash: &str,
) -> Result<Vec<String>, OpError> {
    let Some(tenant) = super::tenants::find_by_slug(registry, slug).await? else {
        return Ok(vec![]);
    };
    let db = registry.tenant_db(tenant.id, tenant.shard_id).await?;
    if db.select::<challenges::Entity>().count().await? > 0 {
        return Ok(vec![]);
    }
    let acme = slug == "acme";
    let made = seed_challenges(&db, if acme { &ACME } else { &GLOBEX }, acme).await?;
    let published: Vec<_> = if acme {
        made[..made.len() - 1].to_vec()
    } else {
        made.clone()
    };
    let global = registry.global();
    let reviewer = new_id();
    let advocates = if acme { 40 } else { 12 };
    let mut seeded = 0;
    for i in 0..advocates {
        let email = format!("advocate{:02}@example.com", i + 1);
        let name = format!(
            "{} {}",
            FIRST[i % FIRST.len()],
            LAST[(i * 7 + 3) % LAST.len()]
        );
        let inserted = users::ActiveModel {
            id: Set(new_id()),
            email: Set(email.clone()),
            password_hash: Set(password_hash.to_string()),
            display_name: Set(name),
            is_platform_operator: Set(false),
            session_epoch: Set(0),
            created_at: Set(now()),
            email_verified_at: Set(Some(now())),
            email_verification_hash: Set(None),
        }
        .insert(global)
        .await;
        if let Err(e) = inserted {
            if !is_unique_violation(&e) {
                return Err(e.into());
            }
        }
        let user = users::Entity::find()
            .filter(users::Column::Email.eq(email.as_str()))
            .one(global)
            .await?
            .ok_or_else(|| OpError::invalid("demo advocate vanished"))?;
        let contact = membership::join(global, &db, &user, Role::Advocate).await?;
        // A spread of activity: the first advocates are the most active.
        let activity = (advocates - i) * published.len() / advocates;
        for (j, c) in published.iter().take(activity.max(1)).enumerate() {
            let n = i * 100 + j;
            let Ok(done) =
                service::submit(&db, c.id, &contact, &answer_for(c.kind.as_str(), n)).await
            else {
                continue;
            };
            if done.status == crate::challenges::COMPLETION_PENDING {
                // Most are approved, some rejected, the newest few left for the queue.
                let decision = match n % 7 {
                    0 if i < 6 => None,
                    3 => Some(Review::Reject),
                    _ => Some(Review::Approve),
                };
                if let Some(d) = decision {
                    let note = (d == Review::Reject)
                        .then(|| "Thanks! Could you add a bit more detail?".to_string());
                    service::review(&db, done.id, d, reviewer, note).await?;
                }
            }
        }
        seeded += 1;
    }
    let rewards = seed_rewards(&db, &tenant.name, acme).await?;
    Ok(vec![format!(
        "seeded {} challenges, {rewards} rewards and {seeded} advocates with history in {slug}",
        made.len()
    )])
}

/// A small catalogue, a group of the most active advocates, and a few redemptions.
async fn seed_rewards(db: &TenantDb, hub_name: &str, acme: bool) -> Result<usize, OpError> {
    use crate::db::tenant::{contacts, group_members, groups};
    use crate::rewards::{service as rewards, RewardForm};
    let catalogue: &[(&str, &str, i64, Option<i64>)] = if acme {
        &[
            (
                "Sticker pack",
                "Laptop stickers, shipped anywhere.",
                100,
                None,
            ),
            (
                "Acme mug ☕",
                "The one from the launch event.",
                300,
                Some(25),
            ),
            ("Acme hoodie", "Warm, navy, embroidered.", 1500, Some(10)),
            (
                "Conference ticket",
                "A full pass to Acme Summit.",
                5000,
                Some(2),
            ),
        ]
    } else {
        &[("Globex tote bag", "Sturdy and useful.", 200, None)]
    };
    let mut made = Vec::new();
    for (name, description, cost, stock) in catalogue {
        let input = RewardForm {
            name: name.to_string(),
            description: description.to_string(),
            cost: cost.to_string(),
            stock: stock.map(|s| s.to_string()).unwrap_or_default(),
            active: Some("on".into()),
        }
        .validate()
        .map_err(|e| OpError::invalid(format!("demo reward {name}: {e:?}")))?;
        made.push(rewards::create(db, &input).await?);
    }
    let people = db
        .select::<contacts::Entity>()
        .order_by_asc(contacts::Column::CreatedAt)
        .all()
        .await?;
    let advocates: Vec<_> = people
        .iter()
        .filter(|c| {
            c.email
                .as_deref()
                .is_some_and(|e| e.starts_with("advocate"))
        })
        .collect();
    let group = db
        .insert(groups::ActiveModel {
            id: Set(new_id()),
            tenant_id: sea_orm::ActiveValue::NotSet,
            name: Set("Power users".into()),
            created_at: Set(now()),
        })
        .await?;
    for c in advocates.iter().take(8) {
        db.insert(group_members::ActiveModel {
            id: Set(new_id()),
            tenant_id: sea_orm::ActiveValue::NotSet,
            group_id: Set(group.id),
            contact_id: Set(c.id),
            created_at: Set(now()),
        })
        .await?;
    }
    let ctx = rewards::MailContext {
        hub_name,
        request_id: None,
    };
    // The top advocates already spent some points (mugs are the favourite).
    for c in advocates.iter().take(3) {
        if let Some(mug) = made.get(1).or(made.first()) {
            let _ = rewards::redeem(db, mug.id, c, &ctx).await;
        }
    }
    Ok(made.len())
}
