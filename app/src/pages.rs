//! The board's pages as routes loaded when first shown.
//!
//! Each page's code is its own part of the WASM bundle (`cargo leptos build --split`, as the
//! release build does): the browser downloads the shell and the page it opens, hydrates it,
//! and some seconds later loads the other pages' code in the background (`preload_all`). On
//! the server, and in a build without `--split`, a lazy route is an ordinary one.

use leptos::prelude::*;
use leptos_router::{Lazy, LazyRoute, lazy_route};

/// A route whose view is a page component taking no properties, loaded on first use.
macro_rules! lazy_page {
    ($(#[$doc:meta])* $route:ident => $page:path) => {
        $(#[$doc])*
        pub struct $route;

        impl $route {
            /// The route's view, for `<Route view=…>`.
            pub fn route() -> Lazy<Self> {
                Lazy::new()
            }
        }

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            fn view(_route: Self) -> AnyView {
                $page().into_any()
            }
        }
    };
}

lazy_page!(
    /// `/`: the country at a glance.
    Overview => crate::board::OverviewPage
);
lazy_page!(
    /// `/holds`: the holds across the ports one may see.
    Holds => crate::holds::page::HoldsPage
);
lazy_page!(
    /// `/inspections`: the examination queue.
    Inspections => crate::inspections::page::InspectionsPage
);
lazy_page!(
    /// `/ports/:code`: one port.
    Port => crate::ports::page::PortPage
);
lazy_page!(
    /// `/shipments/:id`: one shipment and its timeline.
    Shipment => crate::shipments::page::ShipmentPage
);
lazy_page!(
    /// `/signin`.
    SignIn => crate::auth::page::SignInPage
);
lazy_page!(
    /// `/account`: one's own account and preferences.
    Account => crate::auth::page::AccountPage
);
lazy_page!(
    /// `/account/sessions`: where one is signed in.
    Sessions => crate::auth::page::SessionsPage
);
lazy_page!(
    /// `/admin/accounts`: the accounts, for administrators.
    Accounts => crate::admin::page::AccountsPage
);
lazy_page!(
    /// `/handover`: the shift handover.
    Handover => crate::inspections::handover::HandoverPage
);
lazy_page!(
    /// `/targeting`: the rules and their statistics.
    Targeting => crate::targeting::page::TargetingPage
);
lazy_page!(
    /// `/seizures/reports`: seizure reports for partner administrations.
    SeizureReports => crate::seizures::page::SeizureReportsPage
);
lazy_page!(
    /// `/rights`: the register of requests for assistance.
    RightsRequests => crate::rights::page::RightsRequestsPage
);
lazy_page!(
    /// `/detentions/{id}/notice`: the notice of a detention to the rights holder, to print.
    DetentionNotice => crate::detentions::page::NoticePage
);
lazy_page!(
    /// `/import`: manifests sent as files.
    Import => crate::targeting::upload::ImportPage
);
lazy_page!(
    /// `/wall`: the wall screen.
    Wall => crate::wall::page::WallPage
);
lazy_page!(
    /// `/map`: the map of the ports.
    Map => crate::map::page::MapPage
);
lazy_page!(
    /// `/trends`: the figures over days.
    Trends => crate::trends::page::TrendsPage
);

/// How long after a page has hydrated the other pages' code is loaded (`preload_all`).
pub const PRELOAD_AFTER: std::time::Duration = std::time::Duration::from_secs(10);

/// Whether a page opened at `path` loads the other pages' code. The wall screen does not: it
/// has no link to follow, and compiling every page's code competes with its paging through the
/// regions on a slow screen.
pub fn preloads_others(path: &str) -> bool {
    path.trim_end_matches('/') != "/wall"
}

/// Loads every page's code, for a page that has hydrated. An open board then never fetches
/// code again: a later deployment (whose parts have the same names and other contents), or a
/// network lost in the middle of a shift, cannot leave it without the code of the next page a
/// person opens.
pub async fn preload_all() {
    // One after the other, the most used first: the person may be working meanwhile.
    Overview::preload().await;
    Holds::preload().await;
    Inspections::preload().await;
    Port::preload().await;
    Shipment::preload().await;
    Map::preload().await;
    Wall::preload().await;
    Handover::preload().await;
    Trends::preload().await;
    Targeting::preload().await;
    Import::preload().await;
    SeizureReports::preload().await;
    RightsRequests::preload().await;
    Account::preload().await;
    Sessions::preload().await;
    Accounts::preload().await;
    SignIn::preload().await;
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_page_but_the_wall_loads_the_others() {
        for path in ["/", "/holds", "/ports/YYZ", "/walls", "/wall/x"] {
            assert!(super::preloads_others(path), "{path}");
        }
        assert!(!super::preloads_others("/wall"));
        assert!(!super::preloads_others("/wall/"));
    }
}
