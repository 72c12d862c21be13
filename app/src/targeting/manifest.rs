//! CSV manifests: a header row naming the declaration's fields (any order, any subset that
//! includes the required ones), then one declaration per row. Each row becomes the same JSON
//! object a `POST /api/v1/shipments` would carry, so the two paths share one validation.
//! A row that cannot be read is reported by its line and does not stop the others.

use super::FieldError;
use super::declaration::{FIELDS, REQUIRED};
use crate::error::AppError;
use crate::i18n::td_string;
use crate::lang;
use serde_json::{Map, Value};

/// One data row: the line it starts on (the header is line 1) and its cells by field, or why
/// the row itself could not be read.
#[derive(Debug, Clone, PartialEq)]
pub struct ManifestRow {
    pub line: u64,
    pub fields: Result<Map<String, Value>, FieldError>,
}

/// The data rows a manifest may hold: a day's declarations at the busiest port, well within
/// the 128 MB a file may weigh, and a report the screens can show.
pub const MAX_ROWS: usize = 200_000;

/// Reads a manifest. The file as a whole is refused only when its header is unusable (no
/// header, an unknown or repeated column, a required column missing) or it holds more than
/// [`MAX_ROWS`] rows.
pub fn read(bytes: &[u8]) -> Result<Vec<ManifestRow>, AppError> {
    read_at_most(bytes, MAX_ROWS)
}

fn read_at_most(bytes: &[u8], max_rows: usize) -> Result<Vec<ManifestRow>, AppError> {
    let l = lang::current();
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(bytes);
    let header = reader
        .byte_headers()
        .map_err(|e| {
            AppError::invalid(
                "header",
                td_string!(l, manifests.file.header_unreadable, error = e).to_string(),
            )
        })?
        .clone();
    let mut columns: Vec<String> = vec![];
    for cell in header.iter() {
        let name = String::from_utf8_lossy(cell).trim().to_ascii_lowercase();
        if name.is_empty() {
            return Err(AppError::invalid(
                "header",
                td_string!(l, manifests.file.unnamed_column),
            ));
        }
        if !FIELDS.contains(&name.as_str()) {
            return Err(AppError::invalid(
                "header",
                td_string!(
                    l,
                    manifests.file.unknown_column,
                    name = name.clone(),
                    fields = FIELDS.join(", ")
                )
                .to_string(),
            ));
        }
        if columns.contains(&name) {
            return Err(AppError::invalid(
                "header",
                td_string!(l, manifests.file.twice, name = name.clone()).to_string(),
            ));
        }
        columns.push(name);
    }
    if let Some(missing) = REQUIRED.iter().find(|r| !columns.iter().any(|c| c == *r)) {
        return Err(AppError::invalid(
            "header",
            td_string!(l, manifests.file.required, name = missing).to_string(),
        ));
    }
    let mut rows = vec![];
    let mut record = csv::ByteRecord::new();
    loop {
        let line = reader.position().line();
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = record
                    .position()
                    .map(|p| first_line(bytes, p))
                    .unwrap_or(line);
                if record.iter().all(|c| c.is_empty()) {
                    continue; // a blank line
                }
                if rows.len() == max_rows {
                    return Err(AppError::invalid(
                        "row",
                        td_string!(
                            l,
                            manifests.file.too_many_rows,
                            line = line,
                            max = super::declaration::thousands(max_rows)
                        )
                        .to_string(),
                    ));
                }
                rows.push(ManifestRow {
                    line,
                    fields: row_fields(&columns, &record),
                });
            }
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(line);
                rows.push(ManifestRow {
                    line,
                    fields: Err(FieldError {
                        field: "row".into(),
                        reason: td_string!(l, manifests.file.bad_csv, error = &e).to_string(),
                    }),
                });
                if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                    break;
                }
            }
        }
    }
    Ok(rows)
}

/// The line a record starts on. The reader reports a record as starting where it began
/// looking for it, before the blank lines it skipped: count those too.
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

fn row_fields(
    columns: &[String],
    record: &csv::ByteRecord,
) -> Result<Map<String, Value>, FieldError> {
    if record.len() != columns.len() {
        return Err(FieldError {
            field: "row".into(),
            reason: td_string!(
                lang::current(),
                manifests.file.cells,
                cells = record.len(),
                columns = columns.len()
            )
            .to_string(),
        });
    }
    let mut fields = Map::with_capacity(columns.len());
    for (name, cell) in columns.iter().zip(record.iter()) {
        let text = std::str::from_utf8(cell).map_err(|_| FieldError {
            field: name.clone(),
            reason: td_string!(lang::current(), manifests.file.not_utf8).to_string(),
        })?;
        if !text.is_empty() {
            fields.insert(name.clone(), Value::String(text.to_string()));
        }
    }
    Ok(fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_row_after_the_cap_is_refused_naming_the_cap() {
        let csv = format!("{HEADER}\na\n\nb\nc\n");
        assert_eq!(read_at_most(csv.as_bytes(), 3).unwrap().len(), 3);
        let csv = format!("{csv}d\n");
        let AppError::Invalid { field, reason } = read_at_most(csv.as_bytes(), 3).unwrap_err()
        else {
            panic!("not a 422");
        };
        assert_eq!(field, "row");
        assert_eq!(
            reason,
            "line 6: a manifest holds at most 3 rows; send the rest in another file"
        );
        assert_eq!(MAX_ROWS, 200_000);
    }

    const HEADER: &str = "mode,reference,carrier,voyage,origin_country,origin_location,port_code,\
shipper_name,shipper_address,consignee_name,consignee_address,importer_name,hs_code,description,\
pieces,weight_kg,declared_value,eta";

    #[test]
    fn rows_keep_their_line_numbers_even_across_quoted_newlines() {
        let csv = format!(
            "{HEADER}\n\
air,176-12345675,AC,AC 871,FR,CDG,YUL,\"Lumière\nExport\",Paris,Maple,Montréal,Maple,851713,Phones,1,10,100,2026-06-02T08:00:00Z\n\
\n\
air,176-1234567,AC,AC 871,FR,CDG,YUL,S,A,C,A,I,851713,Phones,1,10,100\n\
air,176-12345675,AC,AC 871,FR,CDG,YUL,S,A,C,A,I,851713,Phones,1,10,100,2026-06-02T08:00:00Z\n"
        );
        let rows = read(csv.as_bytes()).unwrap();
        let lines: Vec<u64> = rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, [2, 5, 6]);
        let first = rows[0].fields.as_ref().unwrap();
        assert_eq!(first["shipper_name"], "Lumière\nExport");
        assert_eq!(rows[1].line, 5);
        assert_eq!(rows[1].fields.as_ref().unwrap_err().field, "row");
        assert_eq!(rows[2].line, 6);
        assert!(rows[2].fields.is_ok());
    }

    /// `work` as a request in French would run it.
    fn in_french<T>(work: impl FnOnce() -> T) -> T {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a runtime")
            .block_on(crate::lang::serve_in(crate::lang::Locale::fr, async {
                work()
            }))
    }

    #[test]
    fn a_refused_row_and_a_refused_file_are_told_in_french() {
        let csv = format!("{HEADER}\nair,only,three\n");
        let rows = in_french(|| read(csv.as_bytes()).unwrap());
        let refusal = rows[0].fields.as_ref().unwrap_err();
        assert_eq!(refusal.field, "row");
        assert_eq!(
            refusal.reason,
            "cette ligne compte 3 cellules\u{a0}; l’en-tête nomme 18 colonnes"
        );
        let AppError::Invalid { field, reason } =
            in_french(|| read(b"mode,reference,colour\nair,1,red\n").unwrap_err())
        else {
            panic!("not a 422");
        };
        assert_eq!(field, "header");
        assert!(
            reason.starts_with(
                "il n’existe aucun champ «\u{a0}colour\u{a0}»\u{a0}; les colonnes possibles sont "
            ) && reason.contains(" mode, "),
            "{reason}"
        );
        // The same file read outside any French request: English.
        let AppError::Invalid { reason, .. } =
            read(b"mode,reference,colour\nair,1,red\n").unwrap_err()
        else {
            panic!("not a 422");
        };
        assert!(
            reason.starts_with("there is no field \"colour\""),
            "{reason}"
        );
    }

    #[test]
    fn an_unusable_header_refuses_the_file_naming_the_column() {
        let err = read(b"mode,reference,colour\nair,1,red\n").unwrap_err();
        assert!(err.to_string().contains("colour"), "{err}");
        let err = read(b"mode,reference\nair,1\n").unwrap_err();
        assert!(err.to_string().contains("carrier"), "{err}");
        let twice = format!("{HEADER},mode\n");
        assert!(
            read(twice.as_bytes())
                .unwrap_err()
                .to_string()
                .contains("twice")
        );
    }

    #[test]
    fn empty_cells_are_absent_fields() {
        let csv = format!(
            "{HEADER},house_waybill\nair,176-12345675,AC,AC 871,FR,CDG,YUL,S,A,C,A,I,851713,Phones,1,10,100,2026-06-02T08:00:00Z,\n"
        );
        let rows = read(csv.as_bytes()).unwrap();
        assert!(
            !rows[0]
                .fields
                .as_ref()
                .unwrap()
                .contains_key("house_waybill")
        );
    }
}
