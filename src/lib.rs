//! The server process of border-ops: configuration, start-up, the JSON API, the command line
//! and the demo country. The application itself (pages, server functions, domain) is the
//! `app` crate.

pub mod api;
pub mod auth;
pub mod bench;
pub mod cli;
pub mod config;
pub mod exporter;
pub mod health;
pub mod lang;
pub mod live;
pub mod maintenance;
pub mod proxies;
pub mod request_id;
pub mod rpc;
pub mod security;
pub mod seed;
pub mod serve;
pub mod startup;
pub mod state;
pub mod telemetry;
