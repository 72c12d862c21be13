//! Reading the seizures for a report and journaling the export, in one transaction: the
//! journal says exactly what was read, and nothing is sent that the journal does not record.

use super::{
    Checked, Covered, DetectionMethod, MAX_SEIZURES, Parties, SeizureExport, SeizureReport,
};
use crate::domain::authority::PortScope;
use crate::domain::clock::{from_millis, to_millis};
use crate::domain::{HoldReason, InspectionKind, Mode};
use crate::error::AppError;
use crate::journal::db::{NewEntry, record};
use crate::sql::{Bind, Where, decode_error};
use chrono::{DateTime, Utc};
use sqlx::{AnyConnection, AnyPool, Row, any::AnyRow};
use std::collections::HashMap;

/// The journal's name for an export.
pub const ENTITY: &str = "seizure_report";

const SELECT: &str = "select h.id, h.resolved_at, h.reason, h.port_code, p.name as port_name, \
     s.mode, s.carrier, s.voyage, s.reference_kind, s.reference, s.description, s.hs_code, \
     s.pieces, s.weight_kg, s.declared_value_cents, s.currency, s.origin_country, \
     s.origin_location, s.transit_location, s.shipper_name, s.shipper_address, \
     s.consignee_name, s.consignee_address, s.importer_name \
     from holds h join shipments s on s.id = h.shipment_id join ports p on p.code = h.port_code";

/// The port a seizure was made at, to check the exporter's authority there first; `None` for a
/// number that is no seizure.
pub async fn port_of(pool: &AnyPool, seizure_id: i64) -> Result<Option<String>, AppError> {
    Ok(
        sqlx::query("select port_code from holds where id = $1 and status = 'seized'")
            .bind(seizure_id)
            .fetch_optional(pool)
            .await?
            .map(|row| row.try_get("port_code"))
            .transpose()?,
    )
}

/// Reads what `checked` covers at the ports of `scope` and journals the export as `actor` (how
/// the exporter signs), in one
/// transaction. A single seizure that does not exist, or a period with more than
/// [`MAX_SEIZURES`], is refused and nothing is journaled.
pub async fn export(
    pool: &AnyPool,
    checked: &Checked,
    scope: &PortScope,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<SeizureExport, AppError> {
    let mut tx = crate::db::WriteTx::begin(pool).await?;
    let mut filter = Where::default();
    filter.fixed("h.status = 'seized'");
    match checked.covered {
        Covered::One(id) => filter.bind("h.id = ?", id),
        Covered::Period { from, to } => {
            let start = from.and_hms_opt(0, 0, 0).expect("midnight").and_utc();
            let end = (to + chrono::Days::new(1))
                .and_hms_opt(0, 0, 0)
                .expect("midnight")
                .and_utc();
            filter.bind("h.resolved_at >= ?", to_millis(start));
            filter.bind("h.resolved_at < ?", to_millis(end));
        }
    }
    if let PortScope::Only(codes) = scope {
        let marks = vec!["?"; codes.len()].join(", ");
        filter.bind_all(
            &format!("h.port_code in ({marks})"),
            codes.iter().map(|c| Bind::from(c.as_str())),
        );
    }
    let sql = format!(
        "{SELECT} {} order by h.resolved_at, h.id limit {}",
        filter.clause(),
        MAX_SEIZURES + 1
    );
    let rows = filter.apply(sqlx::query(&sql)).fetch_all(&mut *tx).await?;
    if rows.len() > MAX_SEIZURES {
        return Err(AppError::invalid(
            "from",
            crate::i18n::td_string!(
                crate::lang::current(),
                seizures.over_limit,
                max = MAX_SEIZURES
            )
            .to_string(),
        ));
    }
    if let (Covered::One(id), true) = (checked.covered, rows.is_empty()) {
        return Err(AppError::not_found(crate::i18n::td_string!(
            crate::lang::current(),
            seizures.seizure_number,
            id = id
        )));
    }
    let examinations = examinations(&mut tx, &filter).await?;
    let seizures = rows
        .iter()
        .map(|row| report(row, checked.personal_data, &examinations))
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let entity_id = match checked.covered {
        Covered::One(id) => id.to_string(),
        Covered::Period { from, to } => format!("{from}/{to}"),
    };
    let after = serde_json::json!({
        "partner": checked.partner,
        "personal_data": checked.personal_data,
        "format": checked.format,
        "count": seizures.len(),
        "seizure_ids": seizures.iter().map(|s| s.seizure_id).collect::<Vec<_>>(),
    });
    let entry = NewEntry::administrative(now, actor, ENTITY, entity_id, "exported", after)
        .reason(Some(&checked.reason));
    let journal_seq = record(&mut tx, entry).await?;
    tx.commit().await?;
    Ok(SeizureExport {
        generated_at: now,
        partner: checked.partner.clone(),
        personal_data: checked.personal_data,
        journal_seq,
        seizures,
    })
}

/// The completed examinations of the holds `filter` picks, in order, by hold.
async fn examinations(
    conn: &mut AnyConnection,
    filter: &Where,
) -> Result<HashMap<i64, Vec<InspectionKind>>, sqlx::Error> {
    let sql = format!(
        "select i.hold_id, i.kind from inspections i join holds h on h.id = i.hold_id {} \
         and i.status = 'completed' order by i.hold_id, i.completed_at, i.id",
        filter.clause()
    );
    let mut found: HashMap<i64, Vec<InspectionKind>> = HashMap::new();
    for row in filter.apply(sqlx::query(&sql)).fetch_all(conn).await? {
        let kind: String = row.try_get("kind")?;
        let kind = InspectionKind::parse(&kind).ok_or_else(|| decode_error("kind", &kind))?;
        found.entry(row.try_get("hold_id")?).or_default().push(kind);
    }
    Ok(found)
}

fn report(
    row: &AnyRow,
    personal_data: bool,
    examinations: &HashMap<i64, Vec<InspectionKind>>,
) -> Result<SeizureReport, sqlx::Error> {
    let id: i64 = row.try_get("id")?;
    let reason: String = row.try_get("reason")?;
    let reason = HoldReason::parse(&reason).ok_or_else(|| decode_error("reason", &reason))?;
    let mode: String = row.try_get("mode")?;
    let port_code: String = row.try_get("port_code")?;
    let parties = personal_data
        .then(|| -> Result<Parties, sqlx::Error> {
            Ok(Parties {
                shipper_name: row.try_get("shipper_name")?,
                shipper_address: row.try_get("shipper_address")?,
                consignee_name: row.try_get("consignee_name")?,
                consignee_address: row.try_get("consignee_address")?,
                importer_name: row.try_get("importer_name")?,
            })
        })
        .transpose()?;
    Ok(SeizureReport {
        seizure_id: id,
        seized_at: from_millis(row.try_get("resolved_at")?),
        country: "CA".into(),
        port_name: row.try_get("port_name")?,
        mode: Mode::parse(&mode).ok_or_else(|| decode_error("mode", &mode))?,
        carrier: row.try_get("carrier")?,
        voyage: row.try_get("voyage")?,
        reference_kind: row.try_get("reference_kind")?,
        reference: row.try_get("reference")?,
        goods_description: row.try_get("description")?,
        hs_code: row.try_get("hs_code")?,
        pieces: row.try_get("pieces")?,
        weight_kg: row.try_get("weight_kg")?,
        declared_value_cents: row.try_get("declared_value_cents")?,
        currency: row.try_get("currency")?,
        concealment: None,
        origin_country: row.try_get("origin_country")?,
        origin_location: row.try_get("origin_location")?,
        transit_location: row.try_get("transit_location")?,
        destination_port: port_code.clone(),
        port_code,
        detection_method: DetectionMethod::of(reason),
        examinations: examinations.get(&id).cloned().unwrap_or_default(),
        parties,
    })
}
