//! A posted form whose fields may repeat (a checkbox per choice: `scope=a&scope=b`), which
//! a struct cannot take: the pairs as sent, asked for by name.
use axum::extract::{FromRequest, Request};
use axum::Form;

pub struct FormFields(Vec<(String, String)>);

impl FormFields {
    /// The first value of `name`, or empty.
    pub fn one(&self, name: &str) -> String {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    /// Every value of `name`, in order.
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0
            .iter()
            .filter(move |(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

impl<S: Send + Sync> FromRequest<S> for FormFields {
    type Rejection = <Form<Vec<(String, String)>> as FromRequest<S>>::Rejection;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let Form(pairs) = Form::<Vec<(String, String)>>::from_request(req, state).await?;
        Ok(Self(pairs))
    }
}
