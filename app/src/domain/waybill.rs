//! Shipment references: the air waybill (with its mod-7 check digit), the bill of lading and
//! the cargo control number. Parsing is the only way to build one, so a reference held by the
//! program is always well formed, on the server and in the browser alike.

use crate::i18n::td_string;
use crate::lang::current;
use serde::{Deserialize, Serialize};
use std::fmt;

/// An air waybill number: a 3-digit airline prefix and an 8-digit serial whose last digit is
/// the remainder of the first seven serial digits divided by 7.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AirWaybill {
    prefix: u16,
    serial: u32,
}

/// Why a shipment reference was refused, in words an officer understands.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReferenceError {
    #[error("{}", said!(domain.waybill_shape))]
    WaybillShape,
    #[error("{}", td_string!(current(), domain.waybill_check_digit, expected = expected))]
    WaybillCheckDigit { expected: u32 },
    /// `kind`: `bill_of_lading`, `cargo_control` or `shipment_reference`.
    #[error("{}", Self::shape(kind, *max))]
    Shape { kind: &'static str, max: usize },
}

impl ReferenceError {
    fn shape(kind: &str, max: usize) -> String {
        let locale = current();
        match kind {
            "bill_of_lading" => {
                td_string!(locale, domain.reference_shape.bill_of_lading, max = max).to_string()
            }
            "cargo_control" => {
                td_string!(locale, domain.reference_shape.cargo_control, max = max).to_string()
            }
            _ => {
                td_string!(locale, domain.reference_shape.shipment_reference, max = max).to_string()
            }
        }
    }
}

impl AirWaybill {
    /// Parses `176-12345675`, `17612345675` or `176 1234 5675`.
    pub fn parse(input: &str) -> Result<Self, ReferenceError> {
        let digits: String = input.chars().filter(|c| !matches!(c, '-' | ' ')).collect();
        if digits.len() != 11 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ReferenceError::WaybillShape);
        }
        let prefix: u16 = digits[..3]
            .parse()
            .map_err(|_| ReferenceError::WaybillShape)?;
        let serial: u32 = digits[3..]
            .parse()
            .map_err(|_| ReferenceError::WaybillShape)?;
        let expected = Self::check_digit(serial / 10);
        if serial % 10 != expected {
            return Err(ReferenceError::WaybillCheckDigit { expected });
        }
        Ok(Self { prefix, serial })
    }

    /// Builds a valid waybill from an airline prefix and the first seven serial digits.
    pub fn from_parts(prefix: u16, serial_without_check: u32) -> Self {
        let base = serial_without_check % 10_000_000;
        Self {
            prefix: prefix % 1000,
            serial: base * 10 + Self::check_digit(base),
        }
    }

    fn check_digit(serial_without_check: u32) -> u32 {
        serial_without_check % 7
    }

    pub fn airline_prefix(&self) -> u16 {
        self.prefix
    }
}

impl fmt::Display for AirWaybill {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:03}-{:08}", self.prefix, self.serial)
    }
}

impl TryFrom<String> for AirWaybill {
    type Error = ReferenceError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<AirWaybill> for String {
    fn from(value: AirWaybill) -> Self {
        value.to_string()
    }
}

/// How a shipment is identified, by mode: air cargo by waybill, sea freight by bill of lading,
/// highway and rail by the carrier's cargo control number.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "number", rename_all = "snake_case")]
pub enum ShipmentReference {
    AirWaybill(AirWaybill),
    BillOfLading(String),
    CargoControl(String),
}

impl ShipmentReference {
    pub const KINDS: [&'static str; 3] = ["air_waybill", "bill_of_lading", "cargo_control"];

    /// A stored reference as people read it ("AWB 176-12345675"), or the number as stored
    /// when it does not parse.
    pub fn shown(kind: &str, number: &str) -> String {
        Self::parse(kind, number)
            .map(|r| r.to_string())
            .unwrap_or_else(|_| number.to_string())
    }

    pub fn parse(kind: &str, number: &str) -> Result<Self, ReferenceError> {
        match kind {
            "air_waybill" => AirWaybill::parse(number).map(Self::AirWaybill),
            "bill_of_lading" => {
                Self::free_form(number, "bill_of_lading", 35).map(Self::BillOfLading)
            }
            "cargo_control" => Self::free_form(number, "cargo_control", 25).map(Self::CargoControl),
            _ => Err(ReferenceError::Shape {
                kind: "shipment_reference",
                max: 35,
            }),
        }
    }

    fn free_form(number: &str, kind: &'static str, max: usize) -> Result<String, ReferenceError> {
        let number = number.trim().to_ascii_uppercase();
        let ok = (4..=max).contains(&number.len())
            && number
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-');
        if ok {
            Ok(number)
        } else {
            Err(ReferenceError::Shape { kind, max })
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Self::AirWaybill(_) => "air_waybill",
            Self::BillOfLading(_) => "bill_of_lading",
            Self::CargoControl(_) => "cargo_control",
        }
    }

    pub fn label(&self) -> &'static str {
        match self {
            Self::AirWaybill(_) => "AWB",
            Self::BillOfLading(_) => "B/L",
            Self::CargoControl(_) => "CCN",
        }
    }

    pub fn number(&self) -> String {
        match self {
            Self::AirWaybill(awb) => awb.to_string(),
            Self::BillOfLading(n) | Self::CargoControl(n) => n.clone(),
        }
    }
}

impl fmt::Display for ShipmentReference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.label(), self.number())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_a_waybill_with_its_check_digit() {
        // 1234567 mod 7 = 5
        let awb = AirWaybill::parse("176-12345675").unwrap();
        assert_eq!(awb.to_string(), "176-12345675");
        assert_eq!(awb.airline_prefix(), 176);
        assert_eq!(AirWaybill::parse("176 1234 5675").unwrap(), awb);
        assert_eq!(AirWaybill::parse("17612345675").unwrap(), awb);
        assert_eq!(AirWaybill::from_parts(176, 1_234_567), awb);
    }

    #[test]
    fn refuses_a_wrong_check_digit_and_names_the_right_one() {
        assert_eq!(
            AirWaybill::parse("176-12345671"),
            Err(ReferenceError::WaybillCheckDigit { expected: 5 })
        );
    }

    #[test]
    fn refuses_waybills_of_the_wrong_shape() {
        for bad in [
            "",
            "176-1234567",
            "176-123456712",
            "17A-12345671",
            "176_12345671",
        ] {
            assert_eq!(
                AirWaybill::parse(bad),
                Err(ReferenceError::WaybillShape),
                "{bad}"
            );
        }
    }

    #[test]
    fn free_form_references_are_normalised_and_bounded() {
        assert_eq!(
            ShipmentReference::parse("bill_of_lading", " mscu1234567 ").unwrap(),
            ShipmentReference::BillOfLading("MSCU1234567".into())
        );
        assert!(ShipmentReference::parse("cargo_control", "AB").is_err());
        assert!(ShipmentReference::parse("cargo_control", "ABCD<script>").is_err());
        assert!(ShipmentReference::parse("teleport", "ABCD1234").is_err());
    }

    proptest! {
        #[test]
        fn every_built_waybill_parses_back(prefix in 0u16..1000, serial in 0u32..10_000_000) {
            let awb = AirWaybill::from_parts(prefix, serial);
            prop_assert_eq!(AirWaybill::parse(&awb.to_string()), Ok(awb));
        }

        #[test]
        fn changing_the_check_digit_is_always_caught(prefix in 0u16..1000, serial in 0u32..10_000_000, delta in 1u32..7) {
            let awb = AirWaybill::from_parts(prefix, serial).to_string();
            let last = awb.chars().last().unwrap().to_digit(10).unwrap();
            let wrong = (last + delta) % 7;
            let tampered = format!("{}{}", &awb[..awb.len() - 1], wrong);
            prop_assert!(AirWaybill::parse(&tampered).is_err());
        }
    }
}
