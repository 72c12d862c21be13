//! The trade's own types, shared by the server and the browser so that validation runs on
//! both sides: references, vocabularies, status rules and the service clock.

pub mod clock;
pub mod rules;
pub mod vocab;
pub mod waybill;

pub use clock::ServiceClock;
pub use rules::{HoldAction, InspectionAction};
pub use vocab::*;
pub use waybill::{AirWaybill, ShipmentReference};
