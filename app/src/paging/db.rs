//! One page of a filtered list, read the same way for every list: the port a filter names
//! must exist (an unknown port is named as such rather than answered with an empty page),
//! then one `count(*)` over the filter and one query for the page.

use super::Page;
use crate::error::AppError;
use crate::sql::Where;
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
/// columns and joins of a row, `order` the page's order.
pub struct ListQuery<'a> {
    pub count_from: &'a str,
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
            "{}{where_clause} order by {} limit {per_page} offset {}",
            self.select,
            self.order,
            (page - 1) * per_page
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
