//! Redemptions under concurrency, on both backends: stock and balances never go below
//! zero, a cancel refunds once; and the mails go through the hub's outbox.
use crate::helpers::{backends, hub_db, spawn_demo, Browser};
use rally::db::sea_orm::Set;
use rally::db::tenant::{contacts, outbound_mail, redemptions, rewards};
use rally::db::{new_id, now, TenantDb};
use rally::points::ledger;
use rally::rewards::service::{self, MailContext, RedeemError};
use rally::rewards::RewardForm;

/// An advocate with `points` to spend.
pub(crate) async fn advocate(db: &TenantDb, n: usize, points: i64) -> contacts::Model {
    let c = db
        .insert(contacts::ActiveModel {
            id: Set(new_id()),
            tenant_id: Set(new_id()),
            user_id: Set(new_id()),
            display_name: Set(format!("Advocate {n} 🎁")),
            email: Set(Some(format!("adv{n}@example.com"))),
            role: Set(rally::domain::Role::Advocate),
            status: Set(rally::domain::ContactStatus::Active),
            created_at: Set(now()),
        })
        .await
        .unwrap();
    let tx = db.begin().await.unwrap();
    ledger::award(&tx, c.id, points, "seed", &format!("seed:{}", c.id))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    c
}

pub(crate) async fn reward(db: &TenantDb, cost: i64, stock: Option<i64>) -> rewards::Model {
    let form = RewardForm {
        name: "Hoodie".into(),
        cost: cost.to_string(),
        stock: stock.map(|s| s.to_string()).unwrap_or_default(),
        active: Some("on".into()),
        ..Default::default()
    };
    service::create(db, &form.validate().unwrap())
        .await
        .unwrap()
}

pub(crate) fn ctx() -> MailContext<'static> {
    MailContext {
        hub_name: "Acme Advocates",
        request_id: None,
    }
}

#[tokio::test]
async fn fifty_advocates_race_for_ten_hoodies() {
    for env in backends().await {
        let app = spawn_demo(&env).await;
        let db = hub_db(&app, "acme").await;
        let hoodie = reward(&db, 50, Some(10)).await;
        let mut people = Vec::new();
        for n in 0..50 {
            people.push(advocate(&db, n, 100).await);
        }
        let tasks: Vec<_> = people
            .iter()
            .cloned()
            .map(|c| {
                let db = db.clone();
                tokio::spawn(async move { service::redeem(&db, hoodie.id, &c, &ctx()).await })
            })
            .collect();
        let mut ok = 0;
        let mut out_of_stock = 0;
        for t in tasks {
            match t.await.unwrap() {
                Ok(_) => ok += 1,
                Err(RedeemError::OutOfStock) => out_of_stock += 1,
                Err(e) => panic!("unexpected: {e}"),
            }
        }
        assert_eq!((ok, out_of_stock), (10, 40));
        let left = db
            .find_by_id::<rewards::Entity>(hoodie.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(left.stock, Some(0));
        for c in &people {
            let balance = ledger::totals(&db, c.id).await.unwrap().balance;
            assert!(balance == 100 || balance == 50, "balance {balance}");
        }
        let mails = db.select::<outbound_mail::Entity>().count().await.unwrap();
        assert_eq!(mails, 10, "one mail per redemption, in the hub's outbox");
    }
}

#[tokio::test]
async fn one_advocate_cannot_overspend_concurrently() {
    for env in backends().await {
        let app = spawn_demo(&env).await;
        let db = hub_db(&app, "acme").await;
        let sticker = reward(&db, 30, None).await;
        let me = advocate(&db, 1, 100).await;
        let tasks: Vec<_> = (0..10)
            .map(|_| {
                let (db, me) = (db.clone(), me.clone());
                tokio::spawn(async move { service::redeem(&db, sticker.id, &me, &ctx()).await })
            })
            .collect();
        let mut ok = 0;
        for t in tasks {
            match t.await.unwrap() {
                Ok(_) => ok += 1,
                Err(RedeemError::InsufficientPoints(_)) => {}
                Err(e) => panic!("unexpected: {e}"),
            }
        }
        assert_eq!(ok, 3);
        assert_eq!(ledger::totals(&db, me.id).await.unwrap().balance, 10);

        // Too few points: a clear error and nothing changed.
        let before = db.select::<redemptions::Entity>().count().await.unwrap();
        let err = service::redeem(&db, sticker.id, &me, &ctx())
            .await
            .unwrap_err();
        assert_eq!(err.to_string(), "you need 20 more points for this reward");
        assert_eq!(
            db.select::<redemptions::Entity>().count().await.unwrap(),
            before
        );
        assert_eq!(ledger::totals(&db, me.id).await.unwrap().balance, 10);

        // Cancel, clicked twice at once: refunded once, stock restored once.
        let limited = reward(&db, 5, Some(1)).await;
        let r = service::redeem(&db, limited.id, &me, &ctx()).await.unwrap();
        let mail = ctx();
        let (a, b) = tokio::join!(
            service::cancel(&db, r.id, &mail),
            service::cancel(&db, r.id, &mail)
        );
        assert_eq!([a.unwrap(), b.unwrap()].iter().filter(|x| **x).count(), 1);
        assert_eq!(ledger::totals(&db, me.id).await.unwrap().balance, 10);
        let back = db
            .find_by_id::<rewards::Entity>(limited.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(back.stock, Some(1));
        // A cancelled redemption cannot be fulfilled.
        assert!(!service::fulfil(&db, r.id, &ctx()).await.unwrap());
    }
}

#[tokio::test]
async fn redeeming_over_http_with_reasons_and_roles() {
    let env = crate::helpers::TestEnv::sqlite().await;
    let app = spawn_demo(&env).await;
    let acme = app.host("acme.localhost");
    let db = hub_db(&app, "acme").await;
    let mug = reward(&db, 300, Some(0)).await;
    let cap = reward(&db, 1000, None).await;
    let mut alice = Browser::new(&app);
    alice
        .sign_in("alice@example.com", rally::platform::seed::DEMO_PASSWORD)
        .await;
    alice.sso_sign_in(&acme, "/").await;
    let page = alice.get(&acme, "/rewards").await;
    assert!(
        page.body.contains("Out of stock") && page.body.contains("You need 1000 more points"),
        "{}",
        page.body
    );
    let r = alice
        .post_form(&acme, &format!("/rewards/{}/redeem", cap.id), &[])
        .await;
    assert_eq!(r.location(), "/rewards");
    let page = alice.get(&acme, "/rewards").await;
    assert!(page.body.contains("you need 1000 more points"));
    let r = alice
        .post_form(&acme, &format!("/rewards/{}/redeem", mug.id), &[])
        .await;
    let page = alice.get(&acme, r.location()).await;
    assert!(page.body.contains("out of stock"));
    // Advocates cannot manage the catalogue.
    for path in [
        "/admin/rewards",
        "/admin/redemptions",
        &format!("/admin/rewards/{}", mug.id),
    ] {
        assert_eq!(alice.get(&acme, path).await.status, 403, "{path}");
    }
    let r = alice
        .post_form(&acme, "/admin/rewards", &[("name", "x"), ("cost", "1")])
        .await;
    assert_eq!(r.status, 403);
    // Bad input is a field error for the team.
    let mut mia = Browser::new(&app);
    mia.sign_in("mia@example.com", rally::platform::seed::DEMO_PASSWORD)
        .await;
    mia.sso_sign_in(&acme, "/").await;
    mia.post_form(
        &acme,
        "/admin/rewards",
        &[("name", ""), ("cost", "0"), ("stock", "-3")],
    )
    .await;
    let page = mia.get(&acme, "/admin/rewards").await;
    for f in ["name", "cost", "stock"] {
        assert!(page.body.contains(&format!("error-{f}")), "{f}");
    }
    // Another hub's reward id is a 404 here.
    let gdb = hub_db(&app, "globex").await;
    let theirs = reward(&gdb, 1, None).await;
    assert_eq!(
        mia.get(&acme, &format!("/admin/rewards/{}", theirs.id))
            .await
            .status,
        404
    );
    assert_eq!(
        alice
            .post_form(&acme, &format!("/rewards/{}/redeem", theirs.id), &[])
            .await
            .status,
        404
    );
}
