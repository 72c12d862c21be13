//! What the rules find, and why a shipment was scored as it was: per-rule selections,
//! examinations and findings against the random-selection baseline ([`stats`]), a draft rule
//! tried on the shipments of the last days ([`trial`]), and the latest score of a shipment
//! explained line by line ([`breakdown`]).

use super::db::{DECLARATION_COLUMNS, context, declaration_from_row};
use super::scoring::{self, History};
use super::{
    BreakdownLine, DeclarationKind, Lane, MatchedRequest, RuleDraft, RuleKind, RuleStats,
    ScoreBreakdown, SelectionStats, StatsReport, TrialDay, TrialPort, TrialReport,
};
use crate::domain::clock::{from_millis, to_millis};
use crate::domain::{InspectionKind, Referral};
use crate::error::AppError;
use crate::export::{Cell, CsvTable};
use chrono::{DateTime, Duration, Utc};
use sqlx::{AnyPool, Row};
use std::collections::HashMap;

/// The figures as a CSV table: one row per rule (`selection` = `rule`), then random
/// selection (`random`, without a rule); each rule's `stats` flattened into its columns, and
/// the period (`from`, `to`) on every row.
pub fn table(report: &StatsReport) -> CsvTable {
    let period = [Cell::time(report.from), Cell::time(report.to)];
    let figures = |s: &SelectionStats| {
        [
            Cell::int(s.selections),
            Cell::int(s.examined),
            Cell::int(s.findings),
            Cell::or_empty(s.hit_rate, Cell::decimal),
            Cell::int(s.sample_size),
        ]
    };
    let mut rows: Vec<Vec<Cell>> = report
        .rules
        .iter()
        .map(|r| {
            let mut row = vec![
                Cell::text("rule"),
                Cell::int(r.rule_id),
                Cell::text(&r.name),
                Cell::flag(r.enabled),
                Cell::int(r.current_version),
            ];
            row.extend(figures(&r.stats));
            row.extend(period.clone());
            row
        })
        .collect();
    let mut random = vec![
        Cell::text("random"),
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
    ];
    random.extend(figures(&report.random));
    random.extend(period);
    rows.push(random);
    CsvTable {
        header: STATS_COLUMNS.iter().map(|c| c.to_string()).collect(),
        rows,
    }
}

/// The columns of [`table`].
pub const STATS_COLUMNS: [&str; 12] = [
    "selection",
    "rule_id",
    "name",
    "enabled",
    "current_version",
    "selections",
    "examined",
    "findings",
    "hit_rate",
    "sample_size",
    "from",
    "to",
];

/// The latest score of a shipment, explained; `None` when it has not been scored, not found
/// when there is no such shipment.
pub async fn latest_breakdown(
    pool: &AnyPool,
    shipment_id: i64,
) -> Result<Option<ScoreBreakdown>, AppError> {
    match breakdown(pool, shipment_id).await {
        Ok(breakdown) => Ok(Some(breakdown)),
        Err(AppError::NotFound { .. }) => {
            let known: i64 = sqlx::query("select count(*) as n from shipments where id = $1")
                .bind(shipment_id)
                .fetch_one(pool)
                .await?
                .try_get("n")?;
            if known == 0 {
                return Err(AppError::not_found(
                    crate::i18n::td_string!(
                        crate::lang::current(),
                        targeting.what.shipment,
                        id = shipment_id
                    )
                    .to_string(),
                ));
            }
            Ok(None)
        }
        Err(other) => Err(other),
    }
}

/// The latest score of a shipment, explained line by line; not found when it has none.
pub async fn breakdown(pool: &AnyPool, shipment_id: i64) -> Result<ScoreBreakdown, AppError> {
    let row = sqlx::query(
        "select id, scored_at, declaration_kind, score, lane, referral, random_selected, \
         trusted_credit, ruleset from shipment_scores where shipment_id = $1 \
         order by id desc limit 1",
    )
    .bind(shipment_id)
    .fetch_optional(pool)
    .await?
    .ok_or_else(|| {
        AppError::not_found(
            crate::i18n::td_string!(
                crate::lang::current(),
                targeting.what.score,
                id = shipment_id
            )
            .to_string(),
        )
    })?;
    let score_id: i64 = row.try_get("id")?;
    let kind: String = row.try_get("declaration_kind")?;
    let lane: String = row.try_get("lane")?;
    let referral: Option<String> = row.try_get("referral")?;
    let lines = sqlx::query(
        "select h.rule_id, h.rule_version, h.weight, h.rights_request_id, r.name, v.kind, \
         v.reason, v.instructions from score_hits h join rules r on r.id = h.rule_id \
         join rule_versions v on v.rule_id = h.rule_id and v.version = h.rule_version \
         where h.score_id = $1 order by h.weight desc, h.rule_id",
    )
    .bind(score_id)
    .fetch_all(pool)
    .await?
    .iter()
    .map(|r| {
        let kind: String = r.try_get("kind")?;
        Ok((
            r.try_get::<Option<i64>, _>("rights_request_id")?,
            BreakdownLine {
                rule_id: r.try_get("rule_id")?,
                version: r.try_get("rule_version")?,
                name: r.try_get("name")?,
                kind: RuleKind::parse(&kind).unwrap_or(RuleKind::Intelligence),
                weight: r.try_get("weight")?,
                reason: r.try_get("reason")?,
                instructions: r.try_get("instructions")?,
                rights_request: None,
            },
        ))
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let lines = name_requests(pool, shipment_id, lines).await?;
    let waiting: Option<String> = sqlx::query(
        "select kind from referrals_waiting where shipment_id = $1 and released_at is null \
         order by id desc limit 1",
    )
    .bind(shipment_id)
    .fetch_optional(pool)
    .await?
    .map(|r| r.try_get("kind"))
    .transpose()?;
    Ok(ScoreBreakdown {
        shipment_id,
        scored_at: from_millis(row.try_get("scored_at")?),
        declaration_kind: DeclarationKind::parse(&kind).unwrap_or(DeclarationKind::Full),
        score: row.try_get("score")?,
        lane: Lane::parse(&lane).unwrap_or(Lane::Green),
        referral: referral.as_deref().and_then(Referral::parse),
        random: row.try_get::<i64, _>("random_selected")? == 1,
        trusted_credit: row.try_get("trusted_credit")?,
        ruleset: row.try_get("ruleset")?,
        lines,
        waiting_for: waiting.as_deref().and_then(InspectionKind::parse),
    })
}

/// The lines of a breakdown, each rights-request rule's with the request it matched (as the
/// register has it now) and the marks the shipment's description names.
async fn name_requests(
    pool: &AnyPool,
    shipment_id: i64,
    lines: Vec<(Option<i64>, BreakdownLine)>,
) -> Result<Vec<BreakdownLine>, AppError> {
    if lines.iter().all(|(request, _)| request.is_none()) {
        return Ok(lines.into_iter().map(|(_, line)| line).collect());
    }
    let description: String = sqlx::query("select description from shipments where id = $1")
        .bind(shipment_id)
        .fetch_one(pool)
        .await?
        .try_get("description")?;
    let mut named = Vec::with_capacity(lines.len());
    for (request, mut line) in lines {
        if let Some(id) = request
            && let Some(q) = crate::rights::db::get(pool, id).await?
        {
            line.rights_request = Some(MatchedRequest {
                id,
                marks: q
                    .marks_in(&description)
                    .into_iter()
                    .map(str::to_string)
                    .collect(),
                rights_holder: q.rights_holder,
                valid_to: q.valid_to,
            });
        }
        named.push(line);
    }
    Ok(named)
}

/// The outcomes that count as a finding.
pub(crate) const FINDINGS: &str = "('seizure', 'penalty', 'agency_referral')";

/// `examined` and `findings`: how many shipments (the column `shipment`) had an examination
/// completed, and how many of those found something, through [`completed_examinations`].
pub(crate) fn examined_and_findings(shipment: &str) -> String {
    let examined = format!("count(distinct {shipment}) as examined");
    let findings = format!(
        "count(distinct case when i.outcome in {FINDINGS} then {shipment} end) as findings"
    );
    format!("{examined}, {findings}")
}

/// The completed examinations (`i`) of the holds placed on the shipment `shipment` since its
/// score `s`.
pub(crate) fn completed_examinations(shipment: &str) -> String {
    let holds =
        format!("join holds ho on ho.shipment_id = {shipment} and ho.placed_at >= s.scored_at");
    format!("{holds} join inspections i on i.hold_id = ho.id and i.status = 'completed'")
}

/// A score `s` that selected its shipment: sent to yellow or red, or referred.
pub(crate) const SELECTED: &str = "(s.lane <> 'green' or s.referral is not null)";

/// The longest period the figures are read over: a year, leap day included. A longer one
/// reads more than any question about a rule needs.
pub const MAX_PERIOD: Duration = Duration::days(366);

/// Selections, examinations and findings per rule over `[from, to)`, and the same for random
/// selections: the baseline a rule's hit rate is judged against.
pub async fn stats(
    pool: &AnyPool,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<StatsReport, AppError> {
    if to <= from {
        return Err(AppError::invalid(
            "to",
            crate::i18n::td_string!(crate::lang::current(), targeting.period.after_start),
        ));
    }
    if to - from > MAX_PERIOD {
        return Err(AppError::invalid(
            "to",
            crate::i18n::td_string!(crate::lang::current(), targeting.period.max),
        ));
    }
    let (from_ms, to_ms) = (to_millis(from), to_millis(to));
    let selected = SELECTED;
    let mut selections: HashMap<i64, i64> = HashMap::new();
    for row in sqlx::query(&format!(
        "select h.rule_id, count(distinct h.shipment_id) as n from score_hits h \
         join shipment_scores s on s.id = h.score_id \
         where h.scored_at >= $1 and h.scored_at < $2 and {selected} group by h.rule_id"
    ))
    .bind(from_ms)
    .bind(to_ms)
    .fetch_all(pool)
    .await?
    {
        selections.insert(row.try_get("rule_id")?, row.try_get("n")?);
    }
    let mut outcomes: HashMap<i64, (i64, i64)> = HashMap::new();
    for row in sqlx::query(&format!(
        "select h.rule_id, {} from score_hits h join shipment_scores s on s.id = h.score_id {} \
         where h.scored_at >= $1 and h.scored_at < $2 and {selected} group by h.rule_id",
        examined_and_findings("h.shipment_id"),
        completed_examinations("h.shipment_id"),
    ))
    .bind(from_ms)
    .bind(to_ms)
    .fetch_all(pool)
    .await?
    {
        outcomes.insert(
            row.try_get("rule_id")?,
            (row.try_get("examined")?, row.try_get("findings")?),
        );
    }
    let rules = sqlx::query("select id, name, enabled, current_version from rules order by id")
        .fetch_all(pool)
        .await?
        .iter()
        .map(|r| {
            let id: i64 = r.try_get("id")?;
            let (examined, findings) = outcomes.get(&id).copied().unwrap_or((0, 0));
            Ok(RuleStats {
                rule_id: id,
                name: r.try_get("name")?,
                enabled: r.try_get::<i64, _>("enabled")? == 1,
                current_version: r.try_get("current_version")?,
                stats: SelectionStats::new(
                    selections.get(&id).copied().unwrap_or(0),
                    examined,
                    findings,
                ),
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let random_selections: i64 = sqlx::query(
        "select count(distinct shipment_id) as n from shipment_scores \
         where random_selected = 1 and scored_at >= $1 and scored_at < $2",
    )
    .bind(from_ms)
    .bind(to_ms)
    .fetch_one(pool)
    .await?
    .try_get("n")?;
    let row = sqlx::query(&format!(
        "select {} from shipment_scores s {} \
         where s.random_selected = 1 and s.scored_at >= $1 and s.scored_at < $2",
        examined_and_findings("s.shipment_id"),
        completed_examinations("s.shipment_id"),
    ))
    .bind(from_ms)
    .bind(to_ms)
    .fetch_one(pool)
    .await?;
    Ok(StatsReport {
        from,
        to,
        rules,
        random: SelectionStats::new(
            random_selections,
            row.try_get("examined")?,
            row.try_get("findings")?,
        ),
    })
}

/// How a draft rule would have done on the shipments declared in the last `days` days: scored
/// again with the enabled rules plus the draft, what it fires on, what it would have selected
/// per day and per port (against the port's daily capacity for the examination it asks for),
/// and what examinations of those shipments actually found.
pub async fn trial(
    pool: &AnyPool,
    draft: &RuleDraft,
    days: i64,
    now: DateTime<Utc>,
) -> Result<TrialReport, AppError> {
    draft.check()?;
    if !(1..=90).contains(&days) {
        return Err(AppError::invalid(
            "days",
            crate::i18n::td_string!(crate::lang::current(), targeting.period.trial_days),
        ));
    }
    let ctx = context(pool).await?;
    let from = now - Duration::days(days);
    // Scoring reads only a rule's id, version, indicator, weight and examination.
    let draft_rule = draft.rule(i64::MAX, 0, &draft.name, true, "", now);
    let mut rules = ctx.rules.clone();
    rules.push(draft_rule.clone());
    let ruleset = scoring::ruleset_fingerprint(&rules);
    // Each importer's first shipment, to know who was new at the time.
    let mut first_of: HashMap<String, i64> = HashMap::new();
    for row in sqlx::query(
        "select importer_name, min(id) as first_id from shipments group by importer_name",
    )
    .fetch_all(pool)
    .await?
    {
        first_of.insert(row.try_get("importer_name")?, row.try_get("first_id")?);
    }
    let mut outcome_of: HashMap<i64, bool> = HashMap::new();
    for row in sqlx::query(&format!(
        "select ho.shipment_id, max(case when i.outcome in {FINDINGS} then 1 else 0 end) as found \
         from inspections i join holds ho on ho.id = i.hold_id \
         join shipments s on s.id = ho.shipment_id \
         where i.status = 'completed' and s.created_at >= $1 group by ho.shipment_id"
    ))
    .bind(to_millis(from))
    .fetch_all(pool)
    .await?
    {
        outcome_of.insert(
            row.try_get("shipment_id")?,
            row.try_get::<i64, _>("found")? == 1,
        );
    }
    let rows = sqlx::query(&format!(
        "select id, created_at, {DECLARATION_COLUMNS} from shipments where created_at >= $1 \
         and created_at <= $2 order by id"
    ))
    .bind(to_millis(from))
    .bind(to_millis(now))
    .fetch_all(pool)
    .await?;
    let mut report = TrialReport {
        from,
        to: now,
        shipments: rows.len() as i64,
        matched: 0,
        selected: 0,
        per_day: vec![],
        per_port: vec![],
        history: SelectionStats::new(0, 0, 0),
    };
    let mut per_day: HashMap<String, i64> = HashMap::new();
    let mut per_port: HashMap<String, i64> = HashMap::new();
    let (mut examined, mut findings) = (0, 0);
    for row in &rows {
        let id: i64 = row.try_get("id")?;
        let created: i64 = row.try_get("created_at")?;
        let d = declaration_from_row(row)?;
        let history = History {
            importer_seen_before: first_of.get(&d.importer_name).is_some_and(|f| *f < id),
            rights: &ctx.rights,
        };
        if !scoring::fires(&draft_rule.indicator, &d, history) {
            continue;
        }
        report.matched += 1;
        if let Some(found) = outcome_of.get(&id) {
            examined += 1;
            findings += i64::from(*found);
        }
        let a = scoring::assess(&d, history, &rules, &ruleset, &ctx.settings);
        if a.lane != Lane::Green || a.referral.is_some() {
            report.selected += 1;
            let day = from_millis(created).format("%Y-%m-%d").to_string();
            *per_day.entry(day).or_default() += 1;
            *per_port.entry(d.port_code.clone()).or_default() += 1;
        }
    }
    report.history = SelectionStats::new(report.matched, examined, findings);
    let mut days_list: Vec<TrialDay> = per_day
        .into_iter()
        .map(|(day, selected)| TrialDay { day, selected })
        .collect();
    days_list.sort_by(|a, b| a.day.cmp(&b.day));
    report.per_day = days_list;
    let exam = draft.inspection.unwrap_or(InspectionKind::Xray);
    let mut ports: Vec<TrialPort> = per_port
        .into_iter()
        .map(|(port_code, selected)| TrialPort {
            capacity_per_day: ctx.capacity.get(&(port_code.clone(), exam)).map(|h| h * 24),
            per_day: selected as f64 / days as f64,
            port_code,
            selected,
        })
        .collect();
    ports.sort_by(|a, b| {
        b.selected
            .cmp(&a.selected)
            .then(a.port_code.cmp(&b.port_code))
    });
    report.per_port = ports;
    Ok(report)
}
