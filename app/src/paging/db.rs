//! One page of a filtered list, read the same way for every list: the port a filter names
//! must exist (an unknown port is named as such rather than answered with an empty page),
//! then one `count(*)` over the filter and one query for the page. A whole list (a CSV
//! download) is read instead in pages that each start after the last row of the one before
//! (keyset paging, [`ListQuery::after`]), so no row count or offset grows with the list.

use super::Page;
use crate::error::AppError;
use crate::sql::{Bind, Where};
use sqlx::{AnyPool, Row, any::AnyRow};

/// Refuses a filter naming a port that does not exist.
pub async fn check_port(pool: &AnyPool, port: Option<&str>) -> Result<(), AppError> {
    let Some(port) = port else { return Ok(()) };
    let row = sqlx::query("select count(*) as n from ports where code = $1")
        .bind(port)
        .fetch_one(pool)
        .await?;
    if row.try_get::<i64, _>("n")? > 0 {
        return Ok(());
    }
    Err(AppError::invalid(
        "port",
        crate::i18n::td_string!(crate::lang::current(), components.port_unknown, port = port)
            .to_string(),
    ))
}

/// A list's query: `count_from` is what `select count(*)` reads (e.g. `holds h`), `select` the
/// columns and joins of a row, `order` the page's order. The filter and the order name only
/// `count_from`'s columns: a page's rows are picked there by `key` (e.g. `h.id`), sorted on
/// that one table, and only the page's rows are then joined, so a page of a long list costs
/// one sort of small rows and `per_page` joins, not a join of every row that matches.
pub struct ListQuery<'a> {
    pub count_from: &'a str,
    pub key: &'a str,
    pub select: &'a str,
    pub order: &'a str,
}

impl ListQuery<'_> {
    /// Page `page` (from 1) of `per_page` rows matching `filter`, each read by `row`.
    pub async fn page<T>(
        &self,
        pool: &AnyPool,
        filter: &Where,
        page: i64,
        per_page: i64,
        row: impl Fn(&AnyRow) -> Result<T, sqlx::Error>,
    ) -> Result<Page<T>, AppError> {
        let where_clause = filter.clause();
        let count_sql = format!(
            "select count(*) as n from {}{where_clause}",
            self.count_from
        );
        let total: i64 = filter
            .apply(sqlx::query(&count_sql))
            .fetch_one(pool)
            .await?
            .try_get("n")?;
        let list_sql = format!(
            "{select} where {key} in (select {key} from {from}{where_clause} order by {order} \
             limit {per_page} offset {offset}) order by {order}",
            select = self.select,
            key = self.key,
            from = self.count_from,
            order = self.order,
            offset = (page - 1) * per_page
        );
        let items = filter
            .apply(sqlx::query(&list_sql))
            .fetch_all(pool)
            .await?
            .iter()
            .map(row)
            .collect::<Result<_, _>>()?;
        Ok(Page {
            items,
            total,
            page,
            per_page,
        })
    }
}

/// One key of a list's order: a column or expression (never null), and its direction.
#[derive(Debug, Clone, Copy)]
pub struct SortKey {
    pub expr: &'static str,
    pub desc: bool,
}

impl SortKey {
    pub const fn asc(expr: &'static str) -> Self {
        Self { expr, desc: false }
    }

    pub const fn desc(expr: &'static str) -> Self {
        Self { expr, desc: true }
    }
}

/// The `order by` text of `keys`: `a asc, b asc`.
pub fn order_by(keys: &[SortKey]) -> String {
    keys.iter()
        .map(|k| format!("{} {}", k.expr, if k.desc { "desc" } else { "asc" }))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The condition "after the row whose keys are `values`" in the order of `keys`:
/// `(k1 > v1) or (k1 = v1 and k2 > v2) or …` (with `<` for a descending key), the `?`s in the
/// order of the values returned with it.
fn after_condition(keys: &[SortKey], values: &[Bind]) -> (String, Vec<Bind>) {
    let mut alternatives = Vec::with_capacity(keys.len());
    let mut binds = Vec::new();
    for (i, key) in keys.iter().enumerate() {
        let mut parts: Vec<String> = keys[..i]
            .iter()
            .map(|k| format!("{} = ?", k.expr))
            .collect();
        binds.extend(values[..i].iter().cloned());
        parts.push(format!(
            "{} {} ?",
            key.expr,
            if key.desc { "<" } else { ">" }
        ));
        binds.push(values[i].clone());
        alternatives.push(format!("({})", parts.join(" and ")));
    }
    (format!("({})", alternatives.join(" or ")), binds)
}

impl ListQuery<'_> {
    /// Up to `limit` rows matching `filter` in the order of `keys`, starting after the row
    /// whose key values are `after` (from the start when `None`).
    pub async fn after<T>(
        &self,
        pool: &AnyPool,
        filter: &Where,
        keys: &[SortKey],
        after: Option<Vec<Bind>>,
        limit: i64,
        row: impl Fn(&AnyRow) -> Result<T, sqlx::Error>,
    ) -> Result<Vec<T>, AppError> {
        let mut filter = filter.clone();
        if let Some(values) = after {
            assert_eq!(values.len(), keys.len(), "one value per key");
            let (condition, binds) = after_condition(keys, &values);
            filter.bind_all(&condition, binds);
        }
        let sql = format!(
            "{}{} order by {} limit {limit}",
            self.select,
            filter.clause(),
            order_by(keys)
        );
        Ok(filter
            .apply(sqlx::query(&sql))
            .fetch_all(pool)
            .await?
            .iter()
            .map(row)
            .collect::<Result<_, _>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn after_a_row_is_after_it_in_every_key() {
        let keys = [SortKey::asc("a"), SortKey::desc("b"), SortKey::asc("id")];
        let (sql, binds) = after_condition(&keys, &[Bind::from(1), Bind::from("x"), Bind::from(7)]);
        assert_eq!(
            sql,
            "((a > ?) or (a = ? and b < ?) or (a = ? and b = ? and id > ?))"
        );
        let (one, x, seven) = (Bind::from(1), Bind::from("x"), Bind::from(7));
        assert_eq!(binds, [one.clone(), one.clone(), x.clone(), one, x, seven]);
        let mut w = Where::default();
        w.bind("s = ?", "placed");
        w.bind_all(&sql, binds);
        assert!(
            w.clause().ends_with("(a = $5 and b = $6 and id > $7))"),
            "{}",
            w.clause()
        );
        assert_eq!(order_by(&keys), "a asc, b desc, id asc");
    }
}
