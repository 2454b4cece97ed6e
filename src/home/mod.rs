//! The member's home: the hub's front page (with a member's dashboard), `/me`, and the
//! team's `/admin` landing page. Its welcome banner is an island (the only client-side
//! code); everything else renders on the server.
pub mod banner;

#[cfg(feature = "ssr")]
pub mod api;
#[cfg(feature = "ssr")]
pub mod pages;
