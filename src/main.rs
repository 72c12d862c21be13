//! The `border-ops` binary: reads the command line and configuration, then hands over.

use border_ops::cli::{Cli, run};
use clap::Parser;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    border_ops::telemetry::init(&cli.settings.log, cli.settings.log_format);
    run(cli).await
}
