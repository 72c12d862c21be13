//! Components shared by the pages of the board.

pub mod clock;
pub mod common;
pub mod forms;
pub mod icons;
pub mod list;
pub mod me;
pub mod moment;
pub mod table;
