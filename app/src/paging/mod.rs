//! Pages of results, and the parsing of query-string filters shared by the board pages and the
//! JSON API, so both refuse the same bad input with the same words. On the server, `db` reads
//! one page of a filtered list.

use crate::domain::Vocabulary;
use crate::error::AppError;
use crate::i18n::td_string;
use crate::lang::current;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub mod db;

pub const DEFAULT_PER_PAGE: i64 = 50;
pub const MAX_PER_PAGE: i64 = 500;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Rows matching the filter over all pages.
    pub total: i64,
    /// 1-based.
    pub page: i64,
    pub per_page: i64,
}

impl<T> Page<T> {
    pub fn page_count(&self) -> i64 {
        ((self.total + self.per_page - 1) / self.per_page).max(1)
    }

    /// Where this page stands among the others, for the pager.
    pub fn position(&self) -> PagePosition {
        PagePosition {
            page: self.page,
            page_count: self.page_count(),
            total: self.total,
        }
    }
}

/// A page's place in its list: which page, of how many, over how many rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PagePosition {
    pub page: i64,
    pub page_count: i64,
    pub total: i64,
}

/// A filter of a paged list, as its links need it: the same filter at another page, written
/// back as a query string; and read from one, by the parser the address and the API share.
pub trait ListFilter: Clone + Send + Sync + 'static {
    /// The query string that reproduces this filter (defaults left out).
    fn to_query(&self) -> String;
    /// The same filter at page `page`.
    fn at_page(&self, page: i64) -> Self;
    /// The filter a query string's pairs give, or what is wrong with them.
    fn parse(pairs: Vec<(&str, &str)>) -> Result<Self, AppError>;

    /// This filter as the address would give it: written as its query and read back, so a
    /// filter a server function receives whole (a page of 100,000 rows, an age of a million
    /// hours) is refused with the same words, naming the same field, as the same address.
    fn checked(&self) -> Result<Self, AppError> {
        let query = self.to_query();
        let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        Self::parse(
            pairs
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect(),
        )
    }
}

/// A status vocabulary whose lists show only the items still being worked, unless asked for
/// all of them or for one status.
pub trait WorkStatus: Vocabulary {
    /// The code and the label of "still being worked" in a filter: `active` holds, `open`
    /// inspections.
    const UNFINISHED: (&'static str, &'static str);
}

/// Which rows of a list a status filter selects. In a server function's arguments the
/// default is named by its label (`Active`, `Open`), as it was when each list had its own enum.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum StatusFilter<S> {
    /// Those still being worked (the default).
    #[default]
    Unfinished,
    All,
    One(S),
}

impl<S: WorkStatus> StatusFilter<S> {
    /// The code of the filter's choice: `all`, a status, or the word for the default.
    pub fn code(self) -> &'static str {
        match self {
            Self::Unfinished => S::UNFINISHED.0,
            Self::All => "all",
            Self::One(s) => s.code(),
        }
    }

    /// The code for a link; the default is left out.
    pub fn to_query(self) -> Option<&'static str> {
        (self != Self::Unfinished).then(|| self.code())
    }

    fn parse(code: &str) -> Option<Self> {
        match code {
            "all" => Some(Self::All),
            code if code == S::UNFINISHED.0 => Some(Self::Unfinished),
            code => S::parse(code).map(Self::One),
        }
    }
}

impl<S: WorkStatus + Serialize> Serialize for StatusFilter<S> {
    fn serialize<Z: serde::Serializer>(&self, to: Z) -> Result<Z::Ok, Z::Error> {
        match self {
            Self::Unfinished => to.serialize_unit_variant("StatusFilter", 0, S::UNFINISHED.1),
            Self::All => to.serialize_unit_variant("StatusFilter", 1, "All"),
            Self::One(status) => to.serialize_newtype_variant("StatusFilter", 2, "One", status),
        }
    }
}

impl<'de, S: WorkStatus + Deserialize<'de>> Deserialize<'de> for StatusFilter<S> {
    fn deserialize<D: serde::Deserializer<'de>>(from: D) -> Result<Self, D::Error> {
        use serde::de::{EnumAccess, Error, VariantAccess, Visitor};
        struct Read<S>(std::marker::PhantomData<S>);
        impl<'de, S: WorkStatus + Deserialize<'de>> Visitor<'de> for Read<S> {
            type Value = StatusFilter<S>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                write!(f, "{}, All or One", S::UNFINISHED.1)
            }
            fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Self::Value, A::Error> {
                let (name, variant): (String, _) = data.variant()?;
                match name.as_str() {
                    "One" => variant.newtype_variant().map(StatusFilter::One),
                    "All" => variant.unit_variant().map(|()| StatusFilter::All),
                    name if name == S::UNFINISHED.1 => {
                        variant.unit_variant().map(|()| StatusFilter::Unfinished)
                    }
                    name => Err(A::Error::unknown_variant(name, &["All", "One"])),
                }
            }
        }
        from.deserialize_enum(
            "StatusFilter",
            &["All", "One"],
            Read(std::marker::PhantomData),
        )
    }
}

/// A query string being written back from a filter, defaults left out (for links).
#[derive(Debug, Default)]
pub struct QueryString(Vec<String>);

impl QueryString {
    /// `key=value` when there is a value, the value encoded as a form's would be.
    pub fn push(&mut self, key: &str, value: Option<impl std::fmt::Display>) -> &mut Self {
        if let Some(value) = value {
            let value: String =
                form_urlencoded::byte_serialize(value.to_string().as_bytes()).collect();
            self.0.push(format!("{key}={value}"));
        }
        self
    }

    /// `page` and `per_page`, when they are not the first page and the default size.
    pub fn paging(mut self, page: i64, per_page: i64) -> String {
        self.push("page", (page != 1).then_some(page));
        self.push(
            "per_page",
            (per_page != DEFAULT_PER_PAGE).then_some(per_page),
        );
        self.0.join("&")
    }
}

/// Query-string pairs, as both axum and the router hand them over.
pub struct QueryPairs<'a> {
    pairs: Vec<(&'a str, &'a str)>,
}

impl<'a> QueryPairs<'a> {
    /// Refuses parameters the endpoint does not know, so a typo is not silently ignored.
    pub fn new(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
        known: &[&str],
    ) -> Result<Self, AppError> {
        // A stray `&` or `?` yields an empty key: nothing was asked, nothing to refuse.
        let pairs: Vec<_> = pairs.into_iter().filter(|(k, _)| !k.is_empty()).collect();
        if let Some((unknown, _)) = pairs.iter().find(|(k, _)| !known.contains(k)) {
            return Err(AppError::invalid(
                *unknown,
                td_string!(
                    current(),
                    components.filter_unknown,
                    known = known.join(", ")
                )
                .to_string(),
            ));
        }
        Ok(Self { pairs })
    }

    /// The value of `key`; an empty value counts as absent (an unset form field).
    pub fn get(&self, key: &str) -> Option<&'a str> {
        self.pairs
            .iter()
            .rev()
            .find(|(k, v)| *k == key && !v.trim().is_empty())
            .map(|(_, v)| v.trim())
    }

    pub fn parse_with<T>(
        &self,
        key: &str,
        parse: impl Fn(&str) -> Option<T>,
        expected: impl Fn() -> String,
    ) -> Result<Option<T>, AppError> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => parse(v).map(Some).ok_or_else(|| {
                AppError::invalid(
                    key,
                    td_string!(
                        current(),
                        components.filter_invalid,
                        value = v,
                        expected = expected()
                    )
                    .to_string(),
                )
            }),
        }
    }

    pub fn int_in(&self, key: &str, min: i64, max: i64) -> Result<Option<i64>, AppError> {
        self.parse_with(
            key,
            |v| v.parse::<i64>().ok().filter(|n| (min..=max).contains(n)),
            || {
                td_string!(
                    current(),
                    components.filter_whole_number,
                    min = min,
                    max = max
                )
                .to_string()
            },
        )
    }

    /// `page` (from 1) and `per_page` (1 to 500).
    pub fn paging(&self) -> Result<(i64, i64), AppError> {
        let page = self.int_in("page", 1, 1_000_000)?.unwrap_or(1);
        let per_page = self
            .int_in("per_page", 1, MAX_PER_PAGE)?
            .unwrap_or(DEFAULT_PER_PAGE);
        Ok((page, per_page))
    }

    /// `status`: the word for the items still being worked (the default), `all`, or one
    /// status.
    pub fn status<S: WorkStatus>(&self) -> Result<StatusFilter<S>, AppError> {
        Ok(self
            .parse_with("status", StatusFilter::parse, || {
                td_string!(
                    current(),
                    components.filter_status,
                    unfinished = S::UNFINISHED.0,
                    codes = S::codes()
                )
                .to_string()
            })?
            .unwrap_or_default())
    }

    /// A port code: 2 to 8 capital letters or digits (validated against the database later).
    pub fn port(&self) -> Result<Option<String>, AppError> {
        self.parse_with(
            "port",
            |v| {
                let v = v.to_ascii_uppercase();
                let ok = (2..=8).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_alphanumeric());
                ok.then_some(v)
            },
            || td_string!(current(), components.filter_port).into(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paging_has_defaults_and_bounds() {
        let q = QueryPairs::new([], &["page", "per_page"]).unwrap();
        assert_eq!(q.paging().unwrap(), (1, DEFAULT_PER_PAGE));
        let q = QueryPairs::new([("per_page", "501")], &["page", "per_page"]).unwrap();
        let err = q.paging().unwrap_err();
        assert_eq!(
            err,
            AppError::invalid(
                "per_page",
                "\"501\" is not valid; expected a whole number from 1 to 500"
            )
        );
        let q = QueryPairs::new([("page", "zero")], &["page", "per_page"]).unwrap();
        assert!(q.paging().is_err());
    }

    #[test]
    fn unknown_parameters_are_named() {
        let err = QueryPairs::new([("prot", "YVR")], &["port"]).err().unwrap();
        assert!(matches!(err, AppError::Invalid { field, .. } if field == "prot"));
    }

    #[test]
    fn stray_separators_are_ignored() {
        let q = QueryPairs::new([("", ""), ("port", "YVR")], &["port"]).unwrap();
        assert_eq!(q.port().unwrap(), Some("YVR".into()));
    }

    #[test]
    fn empty_values_count_as_unset() {
        let q = QueryPairs::new([("port", "")], &["port"]).unwrap();
        assert_eq!(q.port().unwrap(), None);
        let q = QueryPairs::new([("port", "yvr")], &["port"]).unwrap();
        assert_eq!(q.port().unwrap(), Some("YVR".into()));
        let q = QueryPairs::new([("port", "Y'; drop")], &["port"]).unwrap();
        assert!(q.port().is_err());
    }

    #[test]
    fn status_filters_keep_their_wire_names() {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
        enum Stage {
            Started,
        }
        impl Vocabulary for Stage {
            fn all() -> &'static [Self] {
                &[Stage::Started]
            }
            fn code(self) -> &'static str {
                "started"
            }
            fn label(self) -> &'static str {
                "Started"
            }
            fn parse(code: &str) -> Option<Self> {
                (code == "started").then_some(Stage::Started)
            }
            fn codes() -> String {
                "started".into()
            }
        }
        impl WorkStatus for Stage {
            const UNFINISHED: (&'static str, &'static str) = ("active", "Active");
        }
        for (filter, json) in [
            (StatusFilter::Unfinished, r#""Active""#),
            (StatusFilter::All, r#""All""#),
            (StatusFilter::One(Stage::Started), r#"{"One":"Started"}"#),
        ] {
            assert_eq!(serde_json::to_string(&filter).unwrap(), json);
            assert_eq!(
                serde_json::from_str::<StatusFilter<Stage>>(json).unwrap(),
                filter
            );
        }
        assert!(serde_json::from_str::<StatusFilter<Stage>>(r#""Open""#).is_err());
    }

    #[test]
    fn page_count_rounds_up() {
        let p = Page::<()> {
            items: vec![],
            total: 101,
            page: 1,
            per_page: 50,
        };
        assert_eq!(p.page_count(), 3);
        let p = Page::<()> {
            items: vec![],
            total: 0,
            page: 1,
            per_page: 50,
        };
        assert_eq!(p.page_count(), 1);
    }
}
