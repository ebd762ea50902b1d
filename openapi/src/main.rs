//! `cargo run -p openapi` rewrites `openapi/openapi.json` from the code; `--check` only compares.
use std::{path::PathBuf, process::ExitCode};

fn main() -> ExitCode {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("openapi.json");
    let rendered = openapi::render();
    if std::env::args().any(|arg| arg == "--check") {
        return match std::fs::read_to_string(&path) {
            Ok(committed) if committed == rendered => ExitCode::SUCCESS,
            _ => {
                eprintln!("{} is stale: run `cargo run -p openapi`", path.display());
                ExitCode::FAILURE
            }
        };
    }
    match std::fs::write(&path, rendered) {
        Ok(()) => {
            println!("wrote {}", path.display());
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("cannot write {}: {error}", path.display());
            ExitCode::FAILURE
        }
    }
}
