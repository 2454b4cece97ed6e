//! The storage keys Rally makes, one kind per use. Every key is random (a new UUID each
//! upload), so replacing a logo changes its URL and no cache shows the old one.
use crate::storage::content::FileType;
use uuid::Uuid;

/// A branding image: `branding/<what>-<uuid>.<ext>`.
pub fn branding(what: &str, file_type: FileType) -> String {
    format!(
        "branding/{what}-{}.{}",
        Uuid::now_v7(),
        file_type.extension()
    )
}

/// A challenge's image.
pub fn challenge_image(file_type: FileType) -> String {
    format!("challenges/{}.{}", Uuid::now_v7(), file_type.extension())
}

/// An upload challenge's answer, under the advocate's contact id (who may see it).
pub fn answer(contact_id: Uuid, file_type: FileType) -> String {
    format!(
        "answers/{contact_id}/{}.{}",
        Uuid::now_v7(),
        file_type.extension()
    )
}

/// The contact whose answer a key holds, if it is an answer.
pub fn answer_owner(key: &str) -> Option<Uuid> {
    let rest = key.strip_prefix("answers/")?;
    Uuid::parse_str(rest.split('/').next()?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::valid_key;

    #[test]
    fn keys_are_valid_and_answers_name_their_owner() {
        let c = Uuid::now_v7();
        for k in [
            branding("logo", FileType::Png),
            challenge_image(FileType::Jpeg),
            answer(c, FileType::Pdf),
        ] {
            assert!(valid_key(&k), "{k}");
        }
        assert_eq!(answer_owner(&answer(c, FileType::Webp)), Some(c));
        assert_eq!(answer_owner(&branding("logo", FileType::Png)), None);
        assert_eq!(answer_owner("answers/not-a-uuid/x.png"), None);
    }
}
