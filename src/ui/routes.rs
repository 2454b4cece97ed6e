//! How a feature lists its pages: `page_routes!` makes the route component the app's
//! router places inside the site layout.
//!
//! Every page is `SsrMode::Async`: rendered whole before it is sent, so it works with
//! JavaScript off and can set its status. The routes sit under one parent without a path
//! of its own because, where components are erased (dev builds), a component must return
//! one route, not several (leptos#3939).

/// `page_routes!(ChallengeRoutes { "/challenges" => ChallengesPage, … });`
macro_rules! page_routes {
    ($(#[$doc:meta])* $name:ident { $($path:tt => $view:ident),+ $(,)? }) => {
        $(#[$doc])*
        #[leptos::component(transparent)]
        pub fn $name() -> impl leptos_router::MatchNestedRoutes + Clone {
            use leptos::prelude::*;
            use leptos_router::components::{Outlet, ParentRoute, Route};
            use leptos_router::{path, SsrMode};
            view! {
                <ParentRoute path=path!("") view=Outlet>
                    $(<Route path=path!($path) view=$view ssr=SsrMode::Async />)+
                </ParentRoute>
            }
            .into_inner()
        }
    };
}

pub(crate) use page_routes;
