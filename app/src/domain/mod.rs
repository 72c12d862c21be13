//! The trade's own types, shared by the server and the browser so that validation runs on
//! both sides: references, vocabularies, status rules, the service clock, authority and the
//! checks of free text.

// First, so that its `vocabulary!` macro serves the modules below.
#[macro_use]
pub mod vocab;

pub mod authority;
pub mod calendar;
pub mod clock;
pub mod goods;
pub mod hash;
pub mod port_rules;
pub mod preferences;
pub mod rules;
pub mod text;
pub mod waybill;

pub use authority::{Action, Me, PortScope, Principal, Refusal, Role, authorize};
pub use clock::ServiceClock;
pub use preferences::Theme;
pub use rules::{HoldAction, InspectionAction};
pub use text::{MAX_TEXT_CHARS, check_text};
pub use vocab::*;
pub use waybill::{AirWaybill, ShipmentReference};
