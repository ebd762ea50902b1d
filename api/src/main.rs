//! The `api` command: `api serve` (the default) runs the server, `api migrate` applies the
//! migrations and exits.
use std::process::ExitCode;

use api::{config::Settings, startup::Application, telemetry};
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "api",
    version,
    about = "The DJCD API server (Direction du Jumelage et de la Coopération Décentralisée, Bamako)"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API (the default). Settings come from the environment: see the README.
    Serve,
    /// Apply the database migrations, then exit.
    Migrate,
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let settings = match Settings::from_env() {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(2);
        }
    };
    telemetry::init(&settings.log_level, settings.log_format);
    let outcome = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(settings).await,
        Command::Migrate => migrate(settings).await,
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(settings: Settings) -> anyhow::Result<()> {
    let bind_addr = settings.bind_addr;
    let application = Application::build(settings).await?;
    tracing::info!(%bind_addr, port = application.port(), "DJCD API listening");
    application.run_until_stopped().await?;
    tracing::info!("stopped");
    Ok(())
}

async fn migrate(settings: Settings) -> anyhow::Result<()> {
    let db = api::db::connect(&settings).await?;
    api::db::migrate(&db).await?;
    println!("migrations applied");
    Ok(())
}
