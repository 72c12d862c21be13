//! CBSA's border wait times file: semicolon-separated, a header row, then one row per office
//! with its last update and the waits of each flow both ways ("No Delay", "30 minutes",
//! "1 hour 15 minutes", "Not Applicable", "Closed", "Missing"). The Canada-bound waits of the
//! offices that are ours are recorded through the same write as an officer's
//! (`waits::apply`), signed [`FEED_ACTOR`].
//!
//! How a row finds its port: its office (the first column) is compared with each port's
//! `cbsa_office` (letter case and repeated spaces aside). A row for an office that is not ours
//! is skipped, not refused; so is a row that measures nothing Canada-bound (closed, missing,
//! not applicable) and one older than the port's measurement on record. A row that cannot be
//! read is refused with its line and each field's reason, as a manifest's rows are; the
//! others are still recorded.

use crate::error::AppError;
use crate::i18n::td_string;
use crate::lang;
use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};

/// Who signs the waits the file records.
pub const FEED_ACTOR: &str = "feed:cbsa";
/// The largest file read: CBSA's lists a few dozen offices in a few kilobytes.
pub const MAX_BYTES: usize = 1024 * 1024;
/// The most rows a file may hold.
pub const MAX_ROWS: usize = 1_000;

/// A wait as the file gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wait {
    /// "No Delay" is 0.
    Minutes(i64),
    /// The flow does not exist at this office.
    NotApplicable,
    /// The flow is closed: nothing measured.
    Closed,
    /// Nothing measured ("Missing", "--", an empty cell).
    Missing,
}

impl Wait {
    pub fn minutes(self) -> Option<i64> {
        match self {
            Wait::Minutes(m) => Some(m),
            _ => None,
        }
    }
}

/// Lower case, one space between words, `’` as `'`.
fn normal(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
        .replace('’', "'")
}

/// Reads a wait in English or French: "No Delay", "Not Applicable", "Closed", "Missing",
/// "--", "45 minutes", "1 hour 15 minutes", "2 hours" ("Aucun délai", "Sans objet", "Fermé",
/// "1 heure 15 minutes"). An error names the value.
pub fn parse_wait(text: &str) -> Result<Wait, String> {
    let text = normal(text);
    match text.as_str() {
        "no delay" | "aucun délai" | "aucun delai" | "pas de délai" => {
            return Ok(Wait::Minutes(0));
        }
        "not applicable" | "n/a" | "sans objet" | "non applicable" | "s/o" => {
            return Ok(Wait::NotApplicable);
        }
        "closed" | "fermé" | "ferme" => return Ok(Wait::Closed),
        "missing" | "manquant" | "--" | "-" | "" => return Ok(Wait::Missing),
        _ => {}
    }
    let refused =
        || td_string!(lang::current(), waits.feed.bad_wait, value = text.clone()).to_string();
    let words: Vec<&str> = text.split(' ').collect();
    if !words.len().is_multiple_of(2) {
        return Err(refused());
    }
    let mut total: i64 = 0;
    let mut units_seen = (false, false);
    for pair in words.chunks(2) {
        let n: i64 = pair[0]
            .parse()
            .ok()
            .filter(|n| (0..=100_000).contains(n))
            .ok_or_else(refused)?;
        match pair[1] {
            "hour" | "hours" | "hr" | "hrs" | "h" | "heure" | "heures"
                if !units_seen.0 && !units_seen.1 =>
            {
                units_seen.0 = true;
                total += n * 60;
            }
            "minute" | "minutes" | "min" | "mins" if !units_seen.1 => {
                units_seen.1 = true;
                total += n;
            }
            _ => return Err(refused()),
        }
    }
    Ok(Wait::Minutes(total))
}

/// The offset of a time zone abbreviation the file uses (English or French), in minutes.
fn zone_offset(abbreviation: &str) -> Option<i32> {
    Some(match abbreviation.to_ascii_uppercase().as_str() {
        "NST" | "HNT" => -(3 * 60 + 30),
        "NDT" | "HAT" => -(2 * 60 + 30),
        "AST" | "HNA" => -4 * 60,
        "ADT" | "HAA" => -3 * 60,
        "EST" | "HNE" => -5 * 60,
        "EDT" | "HAE" => -4 * 60,
        "CST" | "HNC" => -6 * 60,
        "CDT" | "HAC" => -5 * 60,
        "MST" | "HNR" => -7 * 60,
        "MDT" | "HAR" => -6 * 60,
        "PST" | "HNP" => -8 * 60,
        "PDT" | "HAP" => -7 * 60,
        "UTC" | "GMT" | "Z" => 0,
        _ => return None,
    })
}

/// Reads a row's "last updated": `2026-11-29 14:05 EST`, a time alone (`14:05 EST`, the
/// latest such instant not more than an hour after `now`), or RFC 3339. An error names the
/// value.
pub fn parse_updated(text: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    let text = text.trim();
    let refused = || td_string!(lang::current(), waits.feed.bad_updated, value = text).to_string();
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Ok(at.with_timezone(&Utc));
    }
    let (clock, zone) = text.rsplit_once(' ').ok_or_else(refused)?;
    let offset = zone_offset(zone)
        .and_then(|m| FixedOffset::east_opt(m * 60))
        .ok_or_else(refused)?;
    let clock = clock.trim();
    if let Ok(at) = NaiveDateTime::parse_from_str(clock, "%Y-%m-%d %H:%M") {
        return offset
            .from_local_datetime(&at)
            .single()
            .map(|at| at.with_timezone(&Utc))
            .ok_or_else(refused);
    }
    let time = NaiveTime::parse_from_str(clock, "%H:%M").map_err(|_| refused())?;
    let today: NaiveDate = now.with_timezone(&offset).date_naive();
    let at = offset
        .from_local_datetime(&today.and_time(time))
        .single()
        .ok_or_else(refused)?
        .with_timezone(&Utc);
    Ok(if at > now + Duration::hours(1) {
        at - Duration::days(1)
    } else {
        at
    })
}

/// The text of the file: UTF-8 (its byte-order mark dropped), or else Windows-1252, in which
/// CBSA's French file has been published.
pub fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(_) => bytes.iter().map(|&b| windows_1252(b)).collect(),
    }
}

fn windows_1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9f => HIGH[usize::from(b - 0x80)],
        _ => char::from(b),
    }
}

/// Which of the file's columns hold what is read, by the header's names.
#[derive(Debug, Clone)]
struct Columns {
    office: (usize, String),
    updated: (usize, String),
    commercial: (usize, String),
    traveller: (usize, String),
}

/// Whether a column's name says it is the U.S.-bound one.
fn us_bound(name: &str) -> bool {
    [
        "u.s",
        "us bound",
        "us-bound",
        "united states",
        "états-unis",
        "etats-unis",
        "é.-u",
    ]
    .iter()
    .any(|w| name.contains(w))
}

fn columns(header: &[String]) -> Result<Columns, AppError> {
    let l = lang::current();
    let find = |test: &dyn Fn(&str) -> bool| {
        header
            .iter()
            .enumerate()
            .find(|(_, name)| test(&normal(name)))
            .map(|(i, name)| (i, name.trim().to_string()))
    };
    let missing = |what: &str| {
        AppError::invalid(
            "header",
            td_string!(l, waits.feed.missing_column, column = what).to_string(),
        )
    };
    let office =
        find(&|n| n.contains("office") || n.starts_with("bureau") || n.contains("port of entry"))
            .ok_or_else(|| missing("CBSA Office"))?;
    let updated = find(&|n| n.contains("updated") || n.contains("mise à jour"))
        .ok_or_else(|| missing("Last updated"))?;
    let commercial = find(&|n| n.contains("commercial") && !us_bound(n))
        .ok_or_else(|| missing("Commercial Flow - Canada bound"))?;
    let traveller = find(&|n| {
        (n.contains("traveller") || n.contains("traveler") || n.contains("voyageur"))
            && !us_bound(n)
    })
    .ok_or_else(|| missing("Travellers Flow - Canada bound"))?;
    Ok(Columns {
        office,
        updated,
        commercial,
        traveller,
    })
}

/// A field of a row and why it was refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FeedProblem {
    /// The column as the file's header names it, or `row` for the row as a whole.
    pub field: String,
    pub reason: String,
}

/// One data row as read: its line (the header is line 1), its office, and its values or why
/// they cannot be read.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedLine {
    pub line: u64,
    pub office: Option<String>,
    pub read: Result<Reading, Vec<FeedProblem>>,
}

/// What a row says of its office's Canada-bound traffic.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Reading {
    pub updated: DateTime<Utc>,
    pub commercial: Wait,
    pub traveller: Wait,
}

/// The names of the columns read, as the header gives them: for refusals.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ColumnNames {
    pub office: String,
    pub updated: String,
    pub commercial: String,
    pub traveller: String,
}

/// Reads the file: refused as a whole (422) only when its header lacks a column read or it
/// holds more than [`MAX_ROWS`] rows. Every row's problems are named, not only the first.
pub fn read(bytes: &[u8], now: DateTime<Utc>) -> Result<(ColumnNames, Vec<FeedLine>), AppError> {
    read_at_most(bytes, now, MAX_ROWS)
}

fn read_at_most(
    bytes: &[u8],
    now: DateTime<Utc>,
    max_rows: usize,
) -> Result<(ColumnNames, Vec<FeedLine>), AppError> {
    let l = lang::current();
    let text = decode(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .has_headers(true)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| {
            AppError::invalid(
                "header",
                td_string!(l, waits.feed.header_unreadable, error = e).to_string(),
            )
        })?
        .iter()
        .map(str::to_string)
        .collect();
    let c = columns(&header)?;
    let names = ColumnNames {
        office: c.office.1.clone(),
        updated: c.updated.1.clone(),
        commercial: c.commercial.1.clone(),
        traveller: c.traveller.1.clone(),
    };
    let needed = [c.office.0, c.updated.0, c.commercial.0, c.traveller.0]
        .into_iter()
        .max()
        .unwrap_or(0)
        + 1;
    let mut rows = vec![];
    for record in reader.records() {
        let (line, record) = match record {
            Ok(record) => (
                record
                    .position()
                    .map(|p| first_line(text.as_bytes(), p))
                    .unwrap_or(0),
                record,
            ),
            Err(e) => {
                rows.push(FeedLine {
                    line: e.position().map(|p| p.line()).unwrap_or(0),
                    office: None,
                    read: Err(vec![FeedProblem {
                        field: "row".into(),
                        reason: td_string!(l, waits.feed.bad_csv, error = &e).to_string(),
                    }]),
                });
                continue;
            }
        };
        if record.iter().all(str::is_empty) {
            continue;
        }
        if rows.len() == max_rows {
            return Err(AppError::invalid(
                "row",
                td_string!(
                    l,
                    waits.feed.too_many_rows,
                    line = line,
                    max = lang::format::integer(l, max_rows as i64)
                )
                .to_string(),
            ));
        }
        let office = record
            .get(c.office.0)
            .filter(|o| !o.is_empty())
            .map(str::to_string);
        if record.len() < needed {
            rows.push(FeedLine {
                line,
                office,
                read: Err(vec![FeedProblem {
                    field: "row".into(),
                    reason: td_string!(
                        l,
                        waits.feed.cells,
                        cells = record.len(),
                        columns = header.len()
                    )
                    .to_string(),
                }]),
            });
            continue;
        }
        let mut problems = vec![];
        let mut cell = |(i, name): &(usize, String), parse: &dyn Fn(&str) -> Result<_, String>| {
            parse(record.get(*i).unwrap_or("")).map_err(|reason| {
                problems.push(FeedProblem {
                    field: name.clone(),
                    reason,
                })
            })
        };
        let updated = cell(&c.updated, &|t: &str| {
            parse_updated(t, now).map(|at| (at, Wait::Missing))
        });
        let commercial = cell(&c.commercial, &|t: &str| {
            parse_wait(t).map(|w| (DateTime::<Utc>::MIN_UTC, w))
        });
        let traveller = cell(&c.traveller, &|t: &str| {
            parse_wait(t).map(|w| (DateTime::<Utc>::MIN_UTC, w))
        });
        let read = match (updated, commercial, traveller) {
            (Ok((updated, _)), Ok((_, commercial)), Ok((_, traveller))) => Ok(Reading {
                updated,
                commercial,
                traveller,
            }),
            _ => Err(problems),
        };
        rows.push(FeedLine { line, office, read });
    }
    Ok((names, rows))
}

/// The line a record starts on. The reader reports a record as starting where it began
/// looking for it, before the line ends and blank lines it skipped (a `\r\n` counts as a
/// `\r` that ends the record and a `\n` skipped): count those too.
fn first_line(bytes: &[u8], position: &csv::Position) -> u64 {
    let mut line = position.line();
    let mut at = position.byte() as usize;
    loop {
        match bytes.get(at) {
            Some(b'\n') => at += 1,
            Some(b'\r') if bytes.get(at + 1) == Some(&b'\n') => at += 2,
            Some(b'\r') => at += 1,
            _ => return line,
        }
        line += 1;
    }
}

/// What became of a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum FeedOutcome {
    /// Its waits were recorded at its port.
    Recorded,
    /// Left aside: an office that is not ours, nothing measured, or older than the port's
    /// measurement on record (`reason` says which).
    Skipped,
    /// It cannot be read or recorded (`errors` names each field and why).
    Refused,
}

/// One row of the file and what became of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FeedRow {
    /// The row's line in the file (the header is line 1).
    pub line: u64,
    pub office: Option<String>,
    /// The port the office is, when it is ours.
    pub port: Option<String>,
    pub outcome: FeedOutcome,
    /// The waits recorded (Canada-bound), for a row recorded.
    pub commercial_min: Option<i64>,
    pub traveller_min: Option<i64>,
    /// Why a row was skipped.
    pub reason: Option<String>,
    /// Why a row was refused: each field and its reason.
    pub errors: Vec<FeedProblem>,
}

/// What an import of the file did.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FeedReport {
    pub received: usize,
    pub recorded: usize,
    pub skipped: usize,
    pub refused: usize,
    /// Every row, in the file's order.
    pub rows: Vec<FeedRow>,
}

impl FeedReport {
    fn push(&mut self, row: FeedRow) {
        match row.outcome {
            FeedOutcome::Recorded => self.recorded += 1,
            FeedOutcome::Skipped => self.skipped += 1,
            FeedOutcome::Refused => self.refused += 1,
        }
        self.received += 1;
        self.rows.push(row);
    }
}

#[cfg(feature = "ssr")]
pub use server::import;

#[cfg(feature = "ssr")]
mod server {
    use super::*;
    use crate::ports::waits::{Measurement, apply, check_flows, check_minutes, current};
    use sqlx::{AnyPool, Row};
    use std::collections::HashMap;

    /// A row's last update may run this far ahead of the server's clock.
    const CLOCK_SKEW: Duration = Duration::minutes(15);
    /// Attempts at a row whose port another writer changed in between.
    const ATTEMPTS: usize = 5;

    /// Each port with a CBSA office, by the office's name (compared as [`normal`] leaves it).
    async fn offices(pool: &AnyPool) -> Result<HashMap<String, String>, AppError> {
        let rows = sqlx::query("select code, cbsa_office from ports where cbsa_office is not null")
            .fetch_all(pool)
            .await?;
        let mut map = HashMap::new();
        for row in rows {
            let office: String = row.try_get("cbsa_office")?;
            map.insert(normal(&office), row.try_get("code")?);
        }
        Ok(map)
    }

    fn problem(field: &str, error: AppError) -> FeedProblem {
        FeedProblem {
            field: field.to_string(),
            reason: match error {
                AppError::Invalid { reason, .. } => reason,
                other => other.to_string(),
            },
        }
    }

    /// Imports CBSA's border wait times file, sent by `sender` (for the journal): each row of
    /// an office that is ours records its Canada-bound waits at its port, one transaction a
    /// row, signed [`FEED_ACTOR`]; the report says what became of every row.
    pub async fn import(
        pool: &AnyPool,
        sender: &str,
        bytes: &[u8],
        now: DateTime<Utc>,
    ) -> Result<FeedReport, AppError> {
        let (names, lines) = read(bytes, now)?;
        let offices = offices(pool).await?;
        let mut report = FeedReport::default();
        let l = lang::current();
        for line in lines {
            let mut row = FeedRow {
                line: line.line,
                office: line.office.clone(),
                port: None,
                outcome: FeedOutcome::Refused,
                commercial_min: None,
                traveller_min: None,
                reason: None,
                errors: vec![],
            };
            let code = line
                .office
                .as_deref()
                .and_then(|o| offices.get(&normal(o)))
                .cloned();
            // Another office's row is skipped whatever it holds; one of ours, or one that names
            // no office, is refused when it cannot be read.
            let (reading, code) = match (line.read, code) {
                (_, None) if line.office.is_some() => {
                    row.outcome = FeedOutcome::Skipped;
                    row.reason = Some(td_string!(l, waits.feed.not_ours).to_string());
                    report.push(row);
                    continue;
                }
                (Ok(reading), Some(code)) => (reading, code),
                (Err(errors), code) => {
                    row.port = code;
                    row.errors = errors;
                    report.push(row);
                    continue;
                }
                (Ok(_), None) => {
                    row.errors = vec![FeedProblem {
                        field: names.office.clone(),
                        reason: td_string!(l, waits.feed.no_office).to_string(),
                    }];
                    report.push(row);
                    continue;
                }
            };
            row.port = Some(code.clone());
            let commercial = reading.commercial.minutes();
            let traveller = reading.traveller.minutes();
            let mut errors = vec![];
            if reading.updated > now + CLOCK_SKEW {
                errors.push(FeedProblem {
                    field: names.updated.clone(),
                    reason: td_string!(l, waits.feed.in_future).to_string(),
                });
            }
            if let Err(e) = check_minutes(&names.commercial, commercial) {
                errors.push(problem(&names.commercial, e));
            }
            if let Err(e) = check_minutes(&names.traveller, traveller) {
                errors.push(problem(&names.traveller, e));
            }
            let mut attempt = 0;
            loop {
                attempt += 1;
                let port = current(pool, &code).await?;
                if let Err(e) = check_flows(
                    &port,
                    (&names.commercial, commercial),
                    (&names.traveller, traveller),
                ) {
                    let field = match &e {
                        AppError::Invalid { field, .. } => field.clone(),
                        _ => "row".into(),
                    };
                    errors.push(problem(&field, e));
                }
                if !errors.is_empty() {
                    row.errors = errors;
                    break;
                }
                if commercial.is_none() && traveller.is_none() {
                    row.outcome = FeedOutcome::Skipped;
                    row.reason = Some(td_string!(l, waits.feed.nothing_measured).to_string());
                    break;
                }
                if let Some(on_record) = port.measured_at
                    && on_record >= reading.updated
                {
                    row.outcome = FeedOutcome::Skipped;
                    row.reason = Some(
                        td_string!(
                            l,
                            waits.feed.older,
                            port = code.clone(),
                            at = lang::format::local_time(l, on_record, &port.time_zone)
                        )
                        .to_string(),
                    );
                    break;
                }
                let m = Measurement {
                    actor: FEED_ACTOR,
                    commercial_min: commercial,
                    traveller_min: traveller,
                    measured_at: reading.updated,
                    source: serde_json::json!({
                        "feed": "cbsa",
                        "office": line.office,
                        "line": line.line,
                        "sent_by": sender,
                    }),
                };
                if apply(pool, &port, m, now).await? {
                    row.outcome = FeedOutcome::Recorded;
                    row.commercial_min = commercial;
                    row.traveller_min = traveller;
                    break;
                }
                if attempt == ATTEMPTS {
                    return Err(AppError::Unavailable);
                }
            }
            report.push(row);
        }
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn waits_read_as_cbsa_writes_them() {
        assert_eq!(parse_wait("No Delay"), Ok(Wait::Minutes(0)));
        assert_eq!(parse_wait("No delay").unwrap().minutes(), Some(0));
        assert_eq!(parse_wait("Not Applicable"), Ok(Wait::NotApplicable));
        assert_eq!(parse_wait("Not Applicable").unwrap().minutes(), None);
        assert_eq!(parse_wait("Closed"), Ok(Wait::Closed));
        assert_eq!(parse_wait("Missing"), Ok(Wait::Missing));
        assert_eq!(parse_wait("--"), Ok(Wait::Missing));
        assert_eq!(parse_wait("30 minutes"), Ok(Wait::Minutes(30)));
        assert_eq!(parse_wait("1 minute"), Ok(Wait::Minutes(1)));
        assert_eq!(parse_wait("1 hour 15 minutes"), Ok(Wait::Minutes(75)));
        assert_eq!(parse_wait("2 hours"), Ok(Wait::Minutes(120)));
        assert_eq!(parse_wait(" 1  Hour 5 Minutes "), Ok(Wait::Minutes(65)));
        assert_eq!(parse_wait("Aucun délai"), Ok(Wait::Minutes(0)));
        assert_eq!(parse_wait("1 heure 15 minutes"), Ok(Wait::Minutes(75)));
        assert_eq!(parse_wait("Sans objet"), Ok(Wait::NotApplicable));
        for junk in [
            "soon",
            "15",
            "minutes 15",
            "1 hour 1 hour",
            "5 minutes 1 hour",
            "-5 minutes",
        ] {
            let error = parse_wait(junk).unwrap_err();
            assert!(
                error.starts_with(&format!("\"{}\" is not a wait", normal(junk))),
                "{junk}: {error}"
            );
        }
    }

    #[test]
    fn last_updated_reads_the_zone_it_names() {
        let now = Utc.with_ymd_and_hms(2026, 11, 30, 12, 0, 0).unwrap();
        assert_eq!(
            parse_updated("2026-11-29 14:05 EST", now),
            Ok(Utc.with_ymd_and_hms(2026, 11, 29, 19, 5, 0).unwrap())
        );
        assert_eq!(
            parse_updated("2026-07-01 09:30 PDT", now),
            Ok(Utc.with_ymd_and_hms(2026, 7, 1, 16, 30, 0).unwrap())
        );
        // A time alone is the latest such instant, today or yesterday.
        assert_eq!(
            parse_updated("06:45 EST", now),
            Ok(Utc.with_ymd_and_hms(2026, 11, 30, 11, 45, 0).unwrap())
        );
        assert_eq!(
            parse_updated("23:50 EST", now),
            Ok(Utc.with_ymd_and_hms(2026, 11, 30, 4, 50, 0).unwrap())
        );
        let error = parse_updated("yesterday", now).unwrap_err();
        assert!(error.contains("\"yesterday\""), "{error}");
        assert!(parse_updated("2026-11-29 14:05 XYZ", now).is_err());
    }

    #[test]
    fn a_file_in_windows_1252_or_with_a_bom_reads_the_same() {
        assert_eq!(decode(b"\xEF\xBB\xBFFerm\xC3\xA9"), "Fermé");
        assert_eq!(decode(b"Ferm\xE9 \x96 \x92"), "Fermé – ’");
    }

    const HEADER: &str = "CBSA Office;Location;Last updated;Commercial Flow - Canada bound;\
Commercial Flow - U.S. bound;Travellers Flow - Canada bound;Travellers Flow - U.S. bound;";

    #[test]
    fn rows_are_read_by_the_headers_names_and_each_bad_field_named() {
        let now = Utc.with_ymd_and_hms(2026, 11, 30, 12, 0, 0).unwrap();
        let file = format!(
            "{HEADER}\nPeace Bridge;Fort Erie, ON/Buffalo, NY;2026-11-30 06:40 EST;25 minutes;--;No Delay;--;\n\
             \nBlue Water Bridge;Sarnia;soon;a while;--;No Delay;--;\nshort;row\n"
        );
        let (names, rows) = read(file.as_bytes(), now).unwrap();
        assert_eq!(names.commercial, "Commercial Flow - Canada bound");
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].line, 2);
        assert_eq!(
            rows[0].read,
            Ok(Reading {
                updated: Utc.with_ymd_and_hms(2026, 11, 30, 11, 40, 0).unwrap(),
                commercial: Wait::Minutes(25),
                traveller: Wait::Minutes(0),
            })
        );
        assert_eq!(rows[1].line, 4);
        let problems = rows[1].read.clone().unwrap_err();
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["Last updated", "Commercial Flow - Canada bound"]);
        assert_eq!(rows[2].line, 5);
        assert_eq!(rows[2].read.clone().unwrap_err()[0].field, "row");
    }

    #[test]
    fn lines_are_counted_alike_with_windows_line_ends() {
        let now = Utc.with_ymd_and_hms(2026, 11, 30, 12, 0, 0).unwrap();
        let row = "Peace Bridge;Fort Erie;2026-11-30 06:40 EST;No Delay;--;No Delay;--";
        for end in ["\n", "\r\n"] {
            let file = format!("{HEADER}{end}{row}{end}{end}{row}{end}{row}{end}");
            let lines: Vec<u64> = read(file.as_bytes(), now)
                .unwrap()
                .1
                .iter()
                .map(|r| r.line)
                .collect();
            assert_eq!(lines, [2, 4, 5], "{end:?}");
        }
    }

    #[test]
    fn a_file_without_the_columns_read_or_with_too_many_rows_is_refused() {
        let now = Utc::now();
        let Err(AppError::Invalid { field, reason }) =
            read(b"Office;Location;Last updated;Commercial Flow\n", now)
        else {
            panic!("read");
        };
        assert_eq!(field, "header");
        assert!(
            reason.contains("Travellers Flow - Canada bound"),
            "{reason}"
        );
        let file = format!("{HEADER}\na;b;c;d;e;f;g\na;b;c;d;e;f;g\na;b;c;d;e;f;g\n");
        assert_eq!(read_at_most(file.as_bytes(), now, 3).unwrap().1.len(), 3);
        let file = format!("{file}a;b;c;d;e;f;g\n");
        let Err(AppError::Invalid { field, reason }) = read_at_most(file.as_bytes(), now, 3) else {
            panic!("read");
        };
        assert_eq!(field, "row");
        assert!(reason.starts_with("line 5: "), "{reason}");
    }
}
