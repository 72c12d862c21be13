//! The port page's operations panel.
