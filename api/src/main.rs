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
    /// Manage accounts from the command line.
    Users {
        #[command(subcommand)]
        command: UsersCommand,
    },
}

#[derive(Subcommand)]
enum UsersCommand {
    /// Create a person's account. Without --password-stdin a random password is printed once.
    Create {
        #[arg(long)]
        email: String,
        /// director, division_head or agent.
        #[arg(long)]
        role: String,
        /// twinning or decentralized_cooperation (division heads and agents).
        #[arg(long)]
        division: Option<String>,
        #[arg(long, default_value = "")]
        full_name: String,
        /// Read the password from standard input (one line).
        #[arg(long)]
        password_stdin: bool,
    },
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
        Command::Users { command: UsersCommand::Create { email, role, division, full_name, password_stdin } } => {
            create_user(settings, email, role, division, full_name, password_stdin).await
        }
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
    // Fault injection for the tests that kill the server at the worst moment (never in production).
    if std::env::var("FAULT_INJECTION").as_deref() == Ok("exit_after_commit") {
        tracing::warn!(
            "FAULT_INJECTION=exit_after_commit: the server exits after its first committed change made with an Idempotency-Key"
        );
        api::records::unit_of_work::inject_exit_after_commit();
    }
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

async fn create_user(
    settings: Settings,
    email: String,
    role: String,
    division: Option<String>,
    full_name: String,
    password_stdin: bool,
) -> anyhow::Result<()> {
    use api::auth::{Division, Role};
    let role =
        Role::parse(&role).ok_or_else(|| anyhow::anyhow!("--role: expected director, division_head or agent"))?;
    let division = match division {
        Some(text) => Some(
            Division::parse(&text)
                .ok_or_else(|| anyhow::anyhow!("--division: expected twinning or decentralized_cooperation"))?,
        ),
        None => None,
    };
    let (password, generated) = if password_stdin {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line)?;
        (line.trim_end_matches(['\r', '\n']).to_owned(), false)
    } else {
        (api::auth::secrets::random_secret()?, true)
    };
    let db = api::db::connect(&settings).await?;
    api::db::migrate(&db).await?;
    let full_name = if full_name.trim().is_empty() { email.clone() } else { full_name };
    let new = api::domain::accounts::types::NewPerson { email, full_name, role, division };
    let account = api::domain::accounts::service::create_person_directly(
        &db,
        &api::records::audit::ChangeContext::system(),
        new,
        &password,
    )
    .await
    .map_err(|error| match error {
        api::error::ApiError::Validation(errors) => anyhow::anyhow!(
            "{}",
            errors.iter().map(|e| format!("{}: {}", e.field, e.message.en)).collect::<Vec<_>>().join("; ")
        ),
        other => anyhow::anyhow!("{other}"),
    })?;
    println!("created {} ({})", account.id, account.role);
    if generated {
        println!("password (shown once): {password}");
    }
    Ok(())
}
