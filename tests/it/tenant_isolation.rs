//! The tenant handle never lets one tenant see or touch another's rows, on either backend.
use crate::helpers::backends;
use rally::db::sea_orm::{ActiveValue::Set, ColumnTrait};
use rally::db::tenant::contacts;
use rally::db::{new_id, now, TenantDb};
use rally::platform::tenants::{self, HubDefaults};

fn contact(name: &str, tenant_claimed: rally::db::uuid::Uuid) -> contacts::ActiveModel {
    contacts::ActiveModel {
        id: Set(new_id()),
        // Deliberately wrong: the handle must overwrite it.
        tenant_id: Set(tenant_claimed),
        user_id: Set(new_id()),
        display_name: Set(name.to_string()),
        email: Set(None),
        role: Set(rally::domain::Role::Advocate),
        status: Set(rally::domain::ContactStatus::Active),
        created_at: Set(now()),
    }
}

#[tokio::test]
async fn tenant_handle_isolates_tenants_on_a_shared_shard() {
    for env in backends().await {
        let registry = env.registry().await;
        let shard = env.shard_names()[0];
        let a = tenants::create(
            &registry,
            "tenant-a",
            "A",
            Some(shard),
            HubDefaults::default(),
        )
        .await
        .unwrap();
        let b = tenants::create(
            &registry,
            "tenant-b",
            "B",
            Some(shard),
            HubDefaults::default(),
        )
        .await
        .unwrap();
        assert_eq!(a.shard_id, b.shard_id, "both on one shard");
        let db_a: TenantDb = registry.tenant_db(a.id, a.shard_id).await.unwrap();
        let db_b: TenantDb = registry.tenant_db(b.id, b.shard_id).await.unwrap();

        // Inserts are stamped with the handle's tenant, whatever the row claimed.
        let a1 = db_a.insert(contact("Ada 🚀", b.id)).await.unwrap();
        let a2 = db_a.insert(contact("Alan", b.id)).await.unwrap();
        let b1 = db_b.insert(contact("Bea", a.id)).await.unwrap();
        assert_eq!(a1.tenant_id, a.id);
        assert_eq!(a2.tenant_id, a.id);
        assert_eq!(b1.tenant_id, b.id);
        // A 4-byte character round-trips.
        assert_eq!(
            db_a.find_by_id::<contacts::Entity>(a1.id)
                .await
                .unwrap()
                .unwrap()
                .display_name,
            "Ada 🚀"
        );

        // Reads: lists, counts, find by id.
        let listed: Vec<_> = db_a.select::<contacts::Entity>().all().await.unwrap();
        assert_eq!(listed.len(), 2);
        assert!(listed.iter().all(|c| c.tenant_id == a.id));
        assert_eq!(db_a.select::<contacts::Entity>().count().await.unwrap(), 2);
        assert_eq!(db_b.select::<contacts::Entity>().count().await.unwrap(), 1);
        assert!(db_a
            .find_by_id::<contacts::Entity>(b1.id)
            .await
            .unwrap()
            .is_none());
        // A filter naming B's row explicitly still finds nothing through A.
        let sneaky = db_a
            .select::<contacts::Entity>()
            .filter(contacts::Column::Id.eq(b1.id))
            .all()
            .await
            .unwrap();
        assert!(sneaky.is_empty());

        // Updates: B's row through A's handle changes nothing.
        let hijack = contacts::ActiveModel {
            id: Set(b1.id),
            display_name: Set("hijacked".into()),
            ..Default::default()
        };
        assert_eq!(db_a.update(hijack).await.unwrap(), 0);
        let rename_all = contacts::ActiveModel {
            display_name: Set("renamed".into()),
            ..Default::default()
        };
        assert_eq!(
            db_a.update_where(rename_all, contacts::Column::Id.is_not_null())
                .await
                .unwrap(),
            2
        );
        let b_row = db_b
            .find_by_id::<contacts::Entity>(b1.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(b_row.display_name, "Bea");
        // An update cannot move a row to another tenant.
        let move_row = contacts::ActiveModel {
            id: Set(a1.id),
            tenant_id: Set(b.id),
            display_name: Set("moved?".into()),
            ..Default::default()
        };
        assert_eq!(db_a.update(move_row).await.unwrap(), 1);
        assert_eq!(
            db_a.find_by_id::<contacts::Entity>(a1.id)
                .await
                .unwrap()
                .unwrap()
                .tenant_id,
            a.id
        );

        // Deletes.
        assert_eq!(
            db_a.delete_by_id::<contacts::Entity>(b1.id).await.unwrap(),
            0
        );
        assert_eq!(
            db_a.delete_where::<contacts::Entity>(contacts::Column::Id.is_not_null())
                .await
                .unwrap(),
            2
        );
        assert_eq!(db_b.select::<contacts::Entity>().count().await.unwrap(), 1);

        // Transactions keep the same scoping.
        let tx = db_b.begin().await.unwrap();
        assert_eq!(tx.select::<contacts::Entity>().count().await.unwrap(), 1);
        let t1 = tx.insert(contact("Tx", a.id)).await.unwrap();
        assert_eq!(t1.tenant_id, b.id);
        tx.commit().await.unwrap();
        assert_eq!(db_b.select::<contacts::Entity>().count().await.unwrap(), 2);
        assert_eq!(db_a.select::<contacts::Entity>().count().await.unwrap(), 0);
    }
}

#[tokio::test]
async fn unique_index_rejects_a_second_contact_for_the_same_user() {
    for env in backends().await {
        let registry = env.registry().await;
        let t = tenants::create(&registry, "uniq", "U", None, HubDefaults::default())
            .await
            .unwrap();
        let db = registry.tenant_db(t.id, t.shard_id).await.unwrap();
        let first = db.insert(contact("One", t.id)).await.unwrap();
        let mut dup = contact("Two", t.id);
        dup.user_id = Set(first.user_id);
        let err = db.insert(dup).await.unwrap_err();
        assert!(rally::db::is_unique_violation(&err), "{err}");
    }
}
