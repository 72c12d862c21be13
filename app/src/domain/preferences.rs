//! What a person chooses for themself and the board keeps with their account.

use serde::{Deserialize, Serialize};

/// The board's colours: the device's setting, or one chosen by hand.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Theme {
    #[default]
    Auto,
    Light,
    Dark,
}

impl Theme {
    pub const ALL: [Theme; 3] = [Theme::Auto, Theme::Light, Theme::Dark];

    /// As stored and as `<html data-theme>` carries it (`auto` is stored as nothing).
    pub fn code(self) -> &'static str {
        match self {
            Theme::Auto => "auto",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    pub fn parse(text: &str) -> Option<Theme> {
        Theme::ALL.into_iter().find(|t| t.code() == text.trim())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn themes_read_back_what_they_write() {
        for theme in Theme::ALL {
            assert_eq!(Theme::parse(theme.code()), Some(theme));
        }
        assert_eq!(Theme::parse("sepia"), None);
    }
}
