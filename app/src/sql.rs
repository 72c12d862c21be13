//! A small builder for the `where` clauses of filtered lists: conditions with `$n` binds,
//! numbered in order, so that user input only ever reaches SQL as a bound value.

use sqlx::{Any, any::AnyArguments, query::Query};

#[derive(Debug, Clone)]
pub enum Bind {
    Int(i64),
    Text(String),
}

#[derive(Debug, Default)]
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
    pub fn bind(&mut self, sql: &str, value: Bind) {
        self.binds.push(value);
        self.conditions
            .push(sql.replacen('?', &format!("${}", self.binds.len()), 1));
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
            query = match b {
                Bind::Int(i) => query.bind(*i),
                Bind::Text(t) => query.bind(t.clone()),
            };
        }
        query
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binds_are_numbered_in_order() {
        let mut w = Where::default();
        w.fixed("h.status = 'placed'");
        w.bind("h.port_code = ?", Bind::Text("YVR".into()));
        w.bind("h.placed_at <= ?", Bind::Int(5));
        assert_eq!(
            w.clause(),
            " where h.status = 'placed' and h.port_code = $1 and h.placed_at <= $2"
        );
        assert_eq!(Where::default().clause(), "");
    }
}
