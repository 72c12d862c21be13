//! The pieces every query is built from, so that user input only ever reaches SQL as a bound
//! value and the same text runs on SQLite and PostgreSQL: one bound-value type ([`Bind`]),
//! the `where` clauses of filtered lists ([`Where`]), multi-row inserts ([`insert_many`]),
//! status lists rendered from the domain's enums ([`status_in`]), and the errors a row that
//! cannot be read back becomes ([`decode_error`]) or a unique index raises
//! ([`unique_violation`]).

use sqlx::{
    Any, AnyConnection, Arguments,
    any::{AnyArguments, AnyRow},
    query::Query,
};

/// A value bound to a statement.
#[derive(Debug, Clone, PartialEq)]
pub enum Bind {
    Int(Option<i64>),
    Real(f64),
    Text(Option<String>),
}

impl From<i64> for Bind {
    fn from(v: i64) -> Self {
        Bind::Int(Some(v))
    }
}
impl From<Option<i64>> for Bind {
    fn from(v: Option<i64>) -> Self {
        Bind::Int(v)
    }
}
impl From<bool> for Bind {
    /// Flags are stored as 0 or 1 on both backends.
    fn from(v: bool) -> Self {
        Bind::Int(Some(i64::from(v)))
    }
}
impl From<f64> for Bind {
    fn from(v: f64) -> Self {
        Bind::Real(v)
    }
}
impl From<&str> for Bind {
    fn from(v: &str) -> Self {
        Bind::Text(Some(v.to_string()))
    }
}
impl From<&String> for Bind {
    fn from(v: &String) -> Self {
        Bind::Text(Some(v.clone()))
    }
}
impl From<String> for Bind {
    fn from(v: String) -> Self {
        Bind::Text(Some(v))
    }
}
impl From<Option<String>> for Bind {
    fn from(v: Option<String>) -> Self {
        Bind::Text(v)
    }
}
impl From<Option<&str>> for Bind {
    fn from(v: Option<&str>) -> Self {
        Bind::Text(v.map(str::to_string))
    }
}

impl Bind {
    /// Appends the value to `args`.
    pub fn add_to(self, args: &mut AnyArguments<'static>) -> Result<(), sqlx::Error> {
        match self {
            Bind::Int(v) => args.add(v),
            Bind::Real(v) => args.add(v),
            Bind::Text(v) => args.add(v),
        }
        .map_err(sqlx::Error::Encode)
    }

    /// Binds the value as the query's next parameter.
    pub fn bind_to<'q>(
        &self,
        query: Query<'q, Any, AnyArguments<'q>>,
    ) -> Query<'q, Any, AnyArguments<'q>> {
        match self {
            Bind::Int(v) => query.bind(*v),
            Bind::Real(v) => query.bind(*v),
            Bind::Text(v) => query.bind(v.clone()),
        }
    }
}

/// Arguments for a statement, in order.
pub fn arguments(
    values: impl IntoIterator<Item = Bind>,
) -> Result<AnyArguments<'static>, sqlx::Error> {
    let mut args = AnyArguments::default();
    for value in values {
        value.add_to(&mut args)?;
    }
    Ok(args)
}

/// The `where` clause of a filtered list: conditions with `$n` binds, numbered in order.
#[derive(Debug, Default, Clone)]
pub struct Where {
    conditions: Vec<String>,
    binds: Vec<Bind>,
}

impl Where {
    /// A condition with no input in it, e.g. a fixed status list.
    pub fn fixed(&mut self, sql: impl Into<String>) {
        self.conditions.push(sql.into());
    }

    /// A condition whose single `?` is replaced by the next `$n` and bound to `value`.
    pub fn bind(&mut self, sql: &str, value: impl Into<Bind>) {
        self.binds.push(value.into());
        self.conditions
            .push(sql.replacen('?', &format!("${}", self.binds.len()), 1));
    }

    /// A condition whose `?`s are replaced, in order, by the next `$n`s, bound to `values`.
    pub fn bind_all(&mut self, sql: &str, values: impl IntoIterator<Item = Bind>) {
        let mut text = String::with_capacity(sql.len() + 8);
        let mut values = values.into_iter();
        for (i, part) in sql.split('?').enumerate() {
            if i > 0 {
                let value = values.next().expect("one value per `?`");
                self.binds.push(value);
                text.push_str(&format!("${}", self.binds.len()));
            }
            text.push_str(part);
        }
        debug_assert!(values.next().is_none());
        self.conditions.push(text);
    }

    /// ` where a and b`, or nothing.
    pub fn clause(&self) -> String {
        if self.conditions.is_empty() {
            String::new()
        } else {
            format!(" where {}", self.conditions.join(" and "))
        }
    }

    pub fn apply<'q>(
        &self,
        mut query: Query<'q, Any, AnyArguments<'q>>,
    ) -> Query<'q, Any, AnyArguments<'q>> {
        for b in &self.binds {
            query = b.bind_to(query);
        }
        query
    }
}

/// `column in ('a', 'b')` for a list of status codes. The codes are the domain's own
/// constants, never input. The text must match the partial indexes' conditions word for word
/// (SQLite uses a partial index only for a query that repeats its condition).
pub fn status_in<'a>(column: &str, codes: impl IntoIterator<Item = &'a str>) -> String {
    let list: Vec<String> = codes.into_iter().map(|c| format!("'{c}'")).collect();
    format!("{column} in ({})", list.join(", "))
}

/// `$first, …, $first+n-1`.
pub fn placeholders(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Whether the connection is to SQLite.
pub fn is_sqlite(conn: &AnyConnection) -> bool {
    conn.backend_name() == "SQLite"
}

/// `n` placeholders numbered from `first`; on SQLite plain `?`s. SQLite takes `$1` for a named
/// parameter and looks each one up among those already seen, which makes a statement of
/// thousands of values quadratic; `?` costs nothing. Only for statements whose parameters all
/// come this way, in order of appearance: a `?` after a `$1` would be bound to the first value
/// again.
pub fn placeholders_on(conn: &AnyConnection, first: usize, n: usize) -> String {
    if is_sqlite(conn) {
        vec!["?"; n].join(", ")
    } else {
        placeholders(first, n)
    }
}

/// Bound parameters per statement: below SQLite's 32,766 and PostgreSQL's 65,535.
pub const MAX_PARAMS: usize = 30_000;

/// `insert into table (columns) values (…), (…) [returning …]`, split so that no statement
/// binds more than [`MAX_PARAMS`] values (nor more than a thousand rows). Rows come back in the
/// order they were given.
pub async fn insert_many(
    conn: &mut AnyConnection,
    table: &str,
    columns: &[&str],
    rows: Vec<Vec<Bind>>,
    returning: Option<&str>,
) -> Result<Vec<AnyRow>, sqlx::Error> {
    let sqlite = is_sqlite(conn);
    let width = columns.len();
    let head = format!("insert into {table} ({}) values ", columns.join(", "));
    let per_statement = (MAX_PARAMS / width.max(1)).clamp(1, 1_000);
    let mut out = Vec::new();
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let batch: Vec<Vec<Bind>> = rows.by_ref().take(per_statement).collect();
        let mut sql = String::with_capacity(head.len() + batch.len() * width * 6);
        sql.push_str(&head);
        let mut args = AnyArguments::default();
        let mut n = 0;
        for (i, row) in batch.into_iter().enumerate() {
            debug_assert_eq!(row.len(), width, "{table}");
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push('(');
            for (j, value) in row.into_iter().enumerate() {
                n += 1;
                if j > 0 {
                    sql.push_str(", ");
                }
                if sqlite {
                    sql.push('?');
                } else {
                    sql.push('$');
                    sql.push_str(&n.to_string());
                }
                value.add_to(&mut args)?;
            }
            sql.push(')');
        }
        if let Some(returning) = returning {
            sql.push_str(" returning ");
            sql.push_str(returning);
            out.extend(sqlx::query_with(&sql, args).fetch_all(&mut *conn).await?);
        } else {
            sqlx::query_with(&sql, args).execute(&mut *conn).await?;
        }
    }
    Ok(out)
}

/// A stored value the code does not know: the database and the code disagree.
pub fn decode_error(column: &str, value: &str) -> sqlx::Error {
    sqlx::Error::Decode(format!("unexpected {column} {value:?}").into())
}

/// Whether `err` is a unique index refusing a row, on either backend. `index` names the index
/// (PostgreSQL reports it; SQLite names it for some indexes) and `columns` its columns as
/// SQLite otherwise reports them (`table.column`, comma-separated), so one call recognises
/// both.
pub fn unique_violation(err: &sqlx::Error, index: &str, columns: &str) -> bool {
    let sqlx::Error::Database(db) = err else {
        return false;
    };
    if !db.is_unique_violation() {
        return false;
    }
    db.constraint() == Some(index) || db.message().contains(columns) || db.message().contains(index)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binds_are_numbered_in_order() {
        let mut w = Where::default();
        w.fixed("h.status = 'placed'");
        w.bind("h.port_code = ?", "YVR");
        w.bind("h.placed_at <= ?", 5);
        assert_eq!(
            w.clause(),
            " where h.status = 'placed' and h.port_code = $1 and h.placed_at <= $2"
        );
        assert_eq!(Where::default().clause(), "");
    }

    #[test]
    fn status_lists_read_as_the_indexes_write_them() {
        assert_eq!(
            status_in("status", ["placed", "examination"]),
            "status in ('placed', 'examination')"
        );
        assert_eq!(placeholders(3, 2), "$3, $4");
    }
}
