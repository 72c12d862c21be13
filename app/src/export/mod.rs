//! Lists written as CSV, for people who take the board's figures into a spreadsheet and for
//! other systems. One way for every list (and, later, every chart's table): a [`CsvTable`]
//! is a header and rows of [`Cell`]s; a record type says its columns and cells once
//! ([`CsvRecord`]); [`write_row`] writes a row as RFC 4180 asks (comma-separated, quoted
//! where needed, CRLF), with formula injection defused.
//!
//! The header is the JSON field names (machine-readable, stable, English codes), the values as
//! the JSON gives them: codes, RFC 3339 UTC instants, numbers with a dot, `true`/`false`,
//! nothing for null. The file starts with a UTF-8 byte order mark ([`BOM`]), so that Excel
//! (French Canadian settings included) reads accents right; other readers skip it.

use chrono::{DateTime, SecondsFormat, Utc};

pub mod link;

/// The UTF-8 byte order mark a file starts with.
pub const BOM: &str = "\u{feff}";

/// One value of a row.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Null: an empty cell.
    Empty,
    /// A number, written as it is (never defused: a negative number stays a number).
    Number(String),
    /// Text, defused if a spreadsheet would read it as a formula.
    Text(String),
}

impl Cell {
    pub fn int(n: i64) -> Self {
        Cell::Number(n.to_string())
    }

    /// A number with a dot, as short as it reads back exactly.
    pub fn decimal(x: f64) -> Self {
        if x.is_finite() {
            Cell::Number(x.to_string())
        } else {
            Cell::Empty
        }
    }

    pub fn text(s: impl Into<String>) -> Self {
        Cell::Text(s.into())
    }

    /// `true` or `false`, as in the JSON.
    pub fn flag(b: bool) -> Self {
        Cell::Text(b.to_string())
    }

    /// An instant as the JSON writes it: RFC 3339 in UTC (`2026-11-30T07:14:00.123Z`).
    pub fn time(at: DateTime<Utc>) -> Self {
        Cell::Text(at.to_rfc3339_opts(SecondsFormat::AutoSi, true))
    }

    /// Any of the above, or an empty cell for `None`.
    pub fn or_empty<T>(value: Option<T>, cell: impl FnOnce(T) -> Cell) -> Self {
        value.map(cell).unwrap_or(Cell::Empty)
    }
}

/// A record type of a list: its columns, and the cells of one record in that order.
pub trait CsvRecord {
    /// The header: the JSON field names (a nested value flattened, e.g.
    /// `assigned_officer_name`).
    const COLUMNS: &'static [&'static str];
    fn cells(&self) -> Vec<Cell>;
}

/// A whole table: a header and its rows.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CsvTable {
    pub header: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

impl CsvTable {
    /// The table of `records`, under their type's header.
    pub fn of<'a, R: CsvRecord + 'a>(records: impl IntoIterator<Item = &'a R>) -> Self {
        Self {
            header: R::COLUMNS.iter().map(|c| c.to_string()).collect(),
            rows: records.into_iter().map(CsvRecord::cells).collect(),
        }
    }

    /// The file: the byte order mark, the header, then every row.
    pub fn to_csv(&self) -> String {
        let mut out = String::from(BOM);
        write_header(&mut out, self.header.iter().map(String::as_str));
        for row in &self.rows {
            write_row(&mut out, row);
        }
        out
    }
}

/// Writes the header line (column names are codes: never defused).
pub fn write_header<'a>(out: &mut String, columns: impl IntoIterator<Item = &'a str>) {
    for (i, column) in columns.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_quoted(out, column);
    }
    out.push_str("\r\n");
}

/// Writes one row.
pub fn write_row(out: &mut String, cells: &[Cell]) {
    for (i, cell) in cells.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        match cell {
            Cell::Empty => {}
            Cell::Number(n) => write_quoted(out, n),
            Cell::Text(text) => write_quoted(out, &defused(text)),
        }
    }
    out.push_str("\r\n");
}

/// The characters a spreadsheet reads as the start of a formula (OWASP's list).
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// `text`, prefixed with `'` when a spreadsheet would take it for a formula; a text that is a
/// plain number (`-12`, `+3.5`) is left as it is, a spreadsheet reading it as that number.
pub fn defused(text: &str) -> std::borrow::Cow<'_, str> {
    let risky = text.starts_with(FORMULA_STARTS) && !is_plain_number(text);
    if risky {
        format!("'{text}").into()
    } else {
        text.into()
    }
}

fn is_plain_number(text: &str) -> bool {
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    !whole.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.bytes().all(|b| b.is_ascii_digit())
}

/// The value as RFC 4180 writes it: in double quotes (inner ones doubled) when it holds a
/// comma, a quote or a line break.
fn write_quoted(out: &mut String, value: &str) {
    if value.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&value.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(value);
    }
}

/// A download's file name: the list and the moment, e.g. `holds-2026-11-30T0714Z.csv`.
pub fn file_name(list: &str, at: DateTime<Utc>) -> String {
    format!("{list}-{}.csv", at.format("%Y-%m-%dT%H%MZ"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    struct Row(&'static str, i64);

    impl CsvRecord for Row {
        const COLUMNS: &'static [&'static str] = &["description", "n"];
        fn cells(&self) -> Vec<Cell> {
            vec![Cell::text(self.0), Cell::int(self.1)]
        }
    }

    #[test]
    fn formulas_are_defused_and_numbers_are_not() {
        for risky in [
            "=cmd|' /C calc'!A0",
            "+1+1",
            "-2+3",
            "@SUM(A1)",
            "\tx",
            "\rx",
        ] {
            assert_eq!(defused(risky), format!("'{risky}"), "{risky:?}");
        }
        for safe in ["-12", "+3.5", "12", "plain", "", "a=b", "'quoted"] {
            assert_eq!(defused(safe), safe, "{safe:?}");
        }
        let mut out = String::new();
        write_row(
            &mut out,
            &[Cell::int(-5), Cell::decimal(-0.25), Cell::text("-x")],
        );
        assert_eq!(out, "-5,-0.25,'-x\r\n");
    }

    #[test]
    fn tables_are_written_as_rfc_4180_asks() {
        let table = CsvTable::of(&[
            Row("Pièces, \"usagées\"", 3),
            Row("two\nlines", -1),
            Row("=HYPERLINK(\"x\")", 0),
        ]);
        assert_eq!(
            table.to_csv(),
            "\u{feff}description,n\r\n\
             \"Pièces, \"\"usagées\"\"\",3\r\n\
             \"two\nlines\",-1\r\n\
             \"'=HYPERLINK(\"\"x\"\")\",0\r\n"
        );
    }

    #[test]
    fn values_are_written_as_the_json_writes_them() {
        let at = Utc.with_ymd_and_hms(2026, 11, 30, 7, 14, 5).unwrap();
        assert_eq!(
            Cell::time(at),
            Cell::Text(serde_json::to_value(at).unwrap().as_str().unwrap().into())
        );
        let at = at + chrono::Duration::milliseconds(120);
        assert_eq!(
            Cell::time(at),
            Cell::Text(serde_json::to_value(at).unwrap().as_str().unwrap().into())
        );
        assert_eq!(Cell::decimal(0.5), Cell::Number("0.5".into()));
        assert_eq!(Cell::flag(true), Cell::Text("true".into()));
        assert_eq!(Cell::or_empty(None::<i64>, Cell::int), Cell::Empty);
        assert_eq!(file_name("holds", at), "holds-2026-11-30T0714Z.csv");
    }
}
