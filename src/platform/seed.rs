//! `rally seed demo`: two hubs on two shards with distinct branding, and demo people.
//! Idempotent: what exists is left as it is (an admin's edits survive a re-seed), what is
//! missing is made.
use super::{domains, members, tenants, OpError};
use crate::accounts::users::{register, RegisterError};
use crate::db::ShardRegistry;
use crate::domain::{DisplayName, Email, NewPassword, Role};

/// The password of every demo account (printed by the README's run command).
pub const DEMO_PASSWORD: &str = "rally-demo-password";

struct DemoUser {
    email: &'static str,
    name: &'static str,
    operator: bool,
    hubs: &'static [(&'static str, Role)],
}

const USERS: [DemoUser; 4] = [
    DemoUser {
        email: "alice@example.com",
        name: "Alice Advocate",
        operator: false,
        hubs: &[("acme", Role::Advocate), ("globex", Role::Advocate)],
    },
    DemoUser {
        email: "mia@example.com",
        name: "Mia Marketer",
        operator: false,
        hubs: &[("acme", Role::Marketer)],
    },
    DemoUser {
        email: "owner@example.com",
        name: "Olivia Owner",
        operator: false,
        hubs: &[("acme", Role::Admin)],
    },
    DemoUser {
        email: "ops@example.com",
        name: "Oscar Operator",
        operator: true,
        hubs: &[],
    },
];

struct DemoHub {
    slug: &'static str,
    name: &'static str,
    tagline: &'static str,
    color: &'static str,
    /// Preferred shard; falls back to the n-th registered shard.
    shard: &'static str,
    custom_domain: Option<&'static str>,
}

const HUBS: [DemoHub; 2] = [
    DemoHub {
        slug: "acme",
        name: "Acme Advocates",
        tagline: "Champions of the Acme toolkit, building the future one review at a time.",
        color: "#e11d48",
        shard: "shard1",
        custom_domain: None,
    },
    DemoHub {
        slug: "globex",
        name: "Globex Insiders",
        tagline: "Where Globex power users trade tips, stories and referrals.",
        color: "#0d9488",
        shard: "shard2",
        custom_domain: Some("hub.globex.test"),
    },
];

/// Are demo accounts (with their published password) in this global database? Production
/// refuses to serve them.
pub async fn demo_accounts_present(
    global: &sea_orm::DatabaseConnection,
) -> Result<bool, sea_orm::DbErr> {
    use crate::db::global::users;
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    let emails = USERS.iter().map(|u| u.email);
    Ok(users::Entity::find()
        .filter(users::Column::Email.is_in(emails))
        .count(global)
        .await?
        > 0)
}

/// Seeds the demo, history included; returns one line per thing done, for the CLI.
pub async fn demo(registry: &ShardRegistry, root_domain: &str) -> Result<Vec<String>, OpError> {
    demo_with(registry, root_domain, true).await
}

/// The demo; `history` adds the challenges and forty advocates with their activity (tests
/// that do not need them skip the time it takes).
pub async fn demo_with(
    registry: &ShardRegistry,
    root_domain: &str,
    history: bool,
) -> Result<Vec<String>, OpError> {
    let shards = registry.shards();
    if shards.is_empty() {
        return Err(OpError::invalid(
            "there is no shard; add one with `rally shard add`",
        ));
    }
    let mut done = Vec::new();
    for (i, hub) in HUBS.iter().enumerate() {
        let shard = shards
            .iter()
            .find(|s| s.name == hub.shard)
            .unwrap_or(&shards[i % shards.len()]);
        let tenant = match tenants::find_by_slug(registry, hub.slug).await? {
            Some(t) => {
                // Repair a hub whose settings write was interrupted; no-op otherwise.
                let db = registry.tenant_db(t.id, t.shard_id).await?;
                tenants::ensure_hub_settings(&db, hub.name, hub.tagline, hub.color).await?;
                done.push(format!("tenant {} exists", hub.slug));
                t
            }
            None => {
                let defaults = tenants::HubDefaults {
                    tagline: hub.tagline.into(),
                    brand_color: hub.color.into(),
                };
                let t = tenants::create(registry, hub.slug, hub.name, Some(&shard.name), defaults)
                    .await?;
                done.push(format!("created tenant {} on {}", hub.slug, shard.name));
                t
            }
        };
        if let Some(host) = hub.custom_domain {
            match domains::add_custom(registry, root_domain, &tenant.slug, host, true).await {
                Ok(_) => done.push(format!("added domain {host}")),
                // Already there from an earlier seed.
                Err(OpError::Taken(_)) => {}
                Err(e) => return Err(e),
            }
        }
    }
    for user in &USERS {
        let created = register(
            registry.global(),
            &DisplayName::parse(user.name).expect("valid demo name"),
            &Email::parse(user.email).expect("valid demo email"),
            &NewPassword::parse(DEMO_PASSWORD).expect("valid demo password"),
        )
        .await;
        match created {
            Ok(u) => {
                // Demo addresses receive no mail: count them as confirmed.
                crate::accounts::verification::mark_verified(registry.global(), u.id).await?;
                done.push(format!("created account {}", user.email))
            }
            Err(RegisterError::EmailTaken) => {}
            Err(RegisterError::Db(e)) => return Err(e.into()),
            Err(e) => return Err(OpError::invalid(e.to_string())),
        }
        for (slug, role) in user.hubs {
            members::add_member(registry, slug, user.email, *role).await?;
        }
        if user.operator {
            members::promote(registry.global(), user.email).await?;
        }
    }
    if !history {
        return Ok(done);
    }
    let hash = crate::accounts::password::hash(DEMO_PASSWORD.to_string())
        .await
        .map_err(|e| OpError::invalid(e.to_string()))?;
    for slug in ["acme", "globex"] {
        done.extend(super::seed_loop::seed_hub(registry, slug, &hash).await?);
    }
    Ok(done)
}
