//! Batched multi-row inserts: the seed writes tens of thousands of rows, and one statement per
//! hundred rows keeps that to seconds on both backends.

use sqlx::{Any, AnyConnection, any::AnyArguments, query::Query};

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Int(Option<i64>),
    Real(f64),
    Text(Option<String>),
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(Some(v))
    }
}
impl From<Option<i64>> for Value {
    fn from(v: Option<i64>) -> Self {
        Value::Int(v)
    }
}
impl From<f64> for Value {
    fn from(v: f64) -> Self {
        Value::Real(v)
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(Some(v.to_string()))
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(Some(v))
    }
}
impl From<Option<String>> for Value {
    fn from(v: Option<String>) -> Self {
        Value::Text(v)
    }
}

fn bind<'q>(q: Query<'q, Any, AnyArguments<'q>>, v: &Value) -> Query<'q, Any, AnyArguments<'q>> {
    match v {
        Value::Int(i) => q.bind(*i),
        Value::Real(r) => q.bind(*r),
        Value::Text(t) => q.bind(t.clone()),
    }
}

/// Inserts `rows` (each with one value per column) into `table`, in the given order.
pub async fn insert_rows(
    conn: &mut AnyConnection,
    table: &str,
    columns: &[&str],
    rows: &[Vec<Value>],
) -> Result<(), sqlx::Error> {
    const ROWS_PER_STATEMENT: usize = 100;
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let mut n = 0;
        let tuples: Vec<String> = chunk
            .iter()
            .map(|row| {
                debug_assert_eq!(row.len(), columns.len(), "{table}");
                let marks: Vec<String> = row
                    .iter()
                    .map(|_| {
                        n += 1;
                        format!("${n}")
                    })
                    .collect();
                format!("({})", marks.join(", "))
            })
            .collect();
        let sql = format!(
            "insert into {table} ({}) values {}",
            columns.join(", "),
            tuples.join(", ")
        );
        let mut query = sqlx::query::<Any>(&sql);
        for row in chunk {
            for value in row {
                query = bind(query, value);
            }
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}
