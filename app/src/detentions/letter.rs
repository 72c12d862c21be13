//! The notice to the rights holder, as words: one letter in English and in French (a federal
//! letter is bilingual), built once here for the printed page and the PDF alike. It gives
//! what s. 51.06(1)(b) of the Trademarks Act lets the border share about the goods (their
//! description and quantity; the names and addresses of the exporter, consignee and importer;
//! the country of origin and the route), the deadline, the charges that run from the day
//! after, and the limit on using what it says (s. 51.07(2)).

use super::Detention;
use crate::i18n::td_string;
use crate::lang::{Locale, format};
use crate::rights::RightsRequest;
use chrono::Duration;
use serde::{Deserialize, Serialize};

/// What the letter is written from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NoticeLetter {
    pub detention: Detention,
    pub request: RightsRequest,
    pub shipment: Goods,
}

/// What the letter says of the goods and the parties: what s. 51.06(1)(b) lets the border
/// share, and the shipment's reference and port to answer about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Goods {
    pub reference_kind: String,
    pub reference: String,
    pub carrier: String,
    pub voyage: String,
    pub description: String,
    pub hs_code: String,
    pub pieces: i64,
    pub weight_kg: f64,
    pub origin_country: String,
    pub origin_location: String,
    pub transit_location: Option<String>,
    pub shipper_name: String,
    pub shipper_address: String,
    pub consignee_name: String,
    pub consignee_address: String,
    pub importer_name: String,
    pub port_code: String,
    pub port_name: String,
}

impl Goods {
    /// "AWB 176-12345675", for people.
    pub fn reference_label(&self) -> String {
        crate::domain::ShipmentReference::shown(&self.reference_kind, &self.reference)
    }
}

/// A part of the letter: a heading (empty for the opening) and its paragraphs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub heading: String,
    pub paragraphs: Vec<String>,
}

/// The letter in one language: its title and its parts, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub title: String,
    pub parts: Vec<Part>,
}

impl NoticeLetter {
    /// The letter in `l`.
    pub fn written(&self, l: Locale) -> Written {
        let (d, r, s) = (&self.detention, &self.request, &self.shipment);
        let day = |day| format::date(l, day);
        let reference = s.reference_label();
        let addressee = vec![
            r.rights_holder.clone(),
            td_string!(
                l,
                detentions.letter.attention,
                name = r.contact_name.clone(),
                email = r.contact_email.clone(),
                phone = r.contact_phone.clone()
            )
            .to_string(),
        ];
        let references = vec![
            td_string!(
                l,
                detentions.letter.our_references,
                detention = d.id,
                request = r.id,
                hold = d.hold_id
            )
            .to_string(),
            td_string!(
                l,
                detentions.letter.sent,
                day = day(d.notice_day),
                port = format!("{} {}", s.port_code, s.port_name)
            )
            .to_string(),
        ];
        let opening = vec![
            td_string!(
                l,
                detentions.letter.opening,
                request = r.id,
                marks = r.marks.join(", ")
            )
            .to_string(),
        ];
        let route = match &s.transit_location {
            Some(via) => td_string!(
                l,
                detentions.letter.origin_via,
                place = s.origin_location.clone(),
                country = s.origin_country.clone(),
                via = via.clone()
            )
            .to_string(),
            None => td_string!(
                l,
                detentions.letter.origin,
                place = s.origin_location.clone(),
                country = s.origin_country.clone()
            )
            .to_string(),
        };
        let goods = vec![
            td_string!(
                l,
                detentions.letter.shipment,
                reference = reference,
                carrier = s.carrier.clone(),
                voyage = s.voyage.clone()
            )
            .to_string(),
            td_string!(
                l,
                detentions.letter.description,
                description = s.description.clone(),
                hs = s.hs_code.clone()
            )
            .to_string(),
            td_string!(
                l,
                detentions.letter.quantity,
                pieces = format::integer(l, s.pieces),
                weight = format::decimal(l, s.weight_kg, 1)
            )
            .to_string(),
            route,
            td_string!(
                l,
                detentions.letter.exporter,
                name = s.shipper_name.clone(),
                address = s.shipper_address.clone()
            )
            .to_string(),
            td_string!(
                l,
                detentions.letter.consignee,
                name = s.consignee_name.clone(),
                address = s.consignee_address.clone()
            )
            .to_string(),
            td_string!(
                l,
                detentions.letter.importer,
                name = s.importer_name.clone()
            )
            .to_string(),
        ];
        let mut next = vec![if d.perishable {
            td_string!(
                l,
                detentions.letter.deadline_perishable,
                day = day(d.deadline_day)
            )
            .to_string()
        } else {
            td_string!(l, detentions.letter.deadline, day = day(d.deadline_day)).to_string()
        }];
        if d.extended_at.is_some() {
            next.push(
                td_string!(l, detentions.letter.extended, day = day(d.deadline_day)).to_string(),
            );
        }
        next.push(
            td_string!(
                l,
                detentions.letter.charges,
                from = day(d.notice_day + Duration::days(1)),
                rate = format::money(l, d.daily_charge_cents, "CAD")
            )
            .to_string(),
        );
        next.push(td_string!(l, detentions.letter.use_limit).to_string());
        let contact = vec![
            td_string!(
                l,
                detentions.letter.signed,
                officer = d.notice_by.clone(),
                port = format!("{} {}", s.port_code, s.port_name)
            )
            .to_string(),
        ];
        let part = |heading: String, paragraphs: Vec<String>| Part {
            heading,
            paragraphs,
        };
        Written {
            title: td_string!(l, detentions.letter.title).to_string(),
            parts: vec![
                part(td_string!(l, detentions.letter.to).to_string(), addressee),
                part(
                    td_string!(l, detentions.letter.references).to_string(),
                    references,
                ),
                part(String::new(), opening),
                part(td_string!(l, detentions.letter.goods).to_string(), goods),
                part(td_string!(l, detentions.letter.next).to_string(), next),
                part(
                    td_string!(l, detentions.letter.contact).to_string(),
                    contact,
                ),
            ],
        }
    }
}
