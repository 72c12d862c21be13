//! The trade's own types, shared by the server and the browser so that validation runs on
//! both sides: references, vocabularies, status rules, the service clock and authority.

// First, so that its `vocabulary!` macro serves the modules below.
#[macro_use]
pub mod vocab;

pub mod authority;
pub mod clock;
pub mod rules;
pub mod waybill;

pub use authority::{Action, PortScope, Principal, Refusal, Role, authorize};
pub use clock::ServiceClock;
pub use rules::{HoldAction, InspectionAction};
pub use vocab::*;
pub use waybill::{AirWaybill, ShipmentReference};
