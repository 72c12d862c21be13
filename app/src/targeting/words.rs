//! The closed vocabularies of targeting (what a rule looks at, the lanes, the kinds of
//! declaration), declared like the trade's others (`domain::vocab`) but named in the reader's
//! language: each label is a key of the `targeting` catalogue.

/// Declares an enum whose variants have a stable code (database, JSON, URLs) and a label
/// from the `targeting` catalogue. Generates `ALL`, `code`, `label`, `parse`, `codes`,
/// `Display`, serde by code, and [`crate::domain::Vocabulary`].
macro_rules! targeting_vocabulary {
    (
        $(#[$meta:meta])*
        pub enum $name:ident { $( $variant:ident => $code:literal, $key:ident; )+ }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
        pub enum $name { $( #[serde(rename = $code)] $variant, )+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable code used in the database, JSON and URLs.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code,)+ }
            }

            /// The words shown to people, in the language being spoken.
            pub fn label(self) -> &'static str {
                let locale = crate::lang::current();
                match self {
                    $($name::$variant => crate::i18n::td_string!(locale, targeting.vocab.$key),)+
                }
            }

            pub fn parse(code: &str) -> Option<Self> {
                match code { $($code => Some($name::$variant),)+ _ => None }
            }

            /// The codes, for error messages that list what is allowed.
            pub fn codes() -> String {
                [$($code),+].join(", ")
            }
        }

        impl $crate::domain::Vocabulary for $name {
            fn all() -> &'static [Self] {
                Self::ALL
            }
            fn code(self) -> &'static str {
                $name::code(self)
            }
            fn label(self) -> &'static str {
                $name::label(self)
            }
            fn parse(code: &str) -> Option<Self> {
                $name::parse(code)
            }
            fn codes() -> String {
                $name::codes()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.label())
            }
        }
    };
}
