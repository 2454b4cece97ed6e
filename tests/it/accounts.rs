//! Global accounts on both backends: one account per email whatever its case, credentials
//! checked without telling an unknown email from a wrong password.
use crate::helpers::backends;
use rally::accounts::users::{authenticate, register, RegisterError};
use rally::domain::{DisplayName, Email, NewPassword};

#[tokio::test]
async fn register_then_authenticate() {
    for env in backends().await {
        let registry = env.registry().await;
        let global = registry.global();
        let name = DisplayName::parse("Ada 🚀 Lovelace").unwrap();
        let password = NewPassword::parse("analytical-engine").unwrap();
        let ada = register(
            global,
            &name,
            &Email::parse("Ada@Example.com").unwrap(),
            &password,
        )
        .await
        .unwrap();
        assert_eq!(ada.email, "ada@example.com");
        assert_eq!(ada.display_name, "Ada 🚀 Lovelace", "emoji round-trips");
        assert!(ada.password_hash.starts_with("$argon2id$"));

        // The same address in another case is the same account: the unique index says so.
        let again = register(
            global,
            &name,
            &Email::parse(" ADA@example.COM ").unwrap(),
            &password,
        )
        .await;
        assert!(matches!(again, Err(RegisterError::EmailTaken)), "{again:?}");

        let found = authenticate(global, "ADA@example.com", "analytical-engine")
            .await
            .unwrap();
        assert_eq!(found.map(|u| u.id), Some(ada.id));
        assert!(authenticate(global, "ada@example.com", "difference-engine")
            .await
            .unwrap()
            .is_none());
        assert!(
            authenticate(global, "nobody@example.com", "analytical-engine")
                .await
                .unwrap()
                .is_none()
        );
        assert!(authenticate(global, "not an email", "analytical-engine")
            .await
            .unwrap()
            .is_none());
    }
}
