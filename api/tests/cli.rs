//! The `api` command line: help, an invalid setting, `users create` and `migrate`.
use std::{
    io::Write,
    process::{Command, Stdio},
};

fn api() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_api"));
    for variable in ["DATABASE_URL", "BIND_ADDR", "APP_ENV", "JWT_KEYS", "LOG_FORMAT", "RUST_LOG"] {
        command.env_remove(variable);
    }
    command
}

fn temp_database() -> (std::path::PathBuf, String) {
    let folder = std::env::temp_dir().join(format!("djcd-cli-{}", uuid::Uuid::new_v4().simple()));
    let url = format!("sqlite://{}/nested/djcd.db?mode=rwc", folder.display());
    (folder, url)
}

#[test]
fn help_lists_the_subcommands() {
    let output = api().arg("--help").output().expect("api runs");
    assert!(output.status.success());
    let text = String::from_utf8_lossy(&output.stdout);
    for word in ["serve", "migrate", "users"] {
        assert!(text.contains(word), "{text}");
    }
}

#[test]
fn an_invalid_setting_stops_with_one_line_naming_the_variable() {
    let output = api().env("BIND_ADDR", "nowhere").arg("migrate").output().expect("api runs");
    assert_eq!(output.status.code(), Some(2));
    let text = String::from_utf8_lossy(&output.stderr);
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(text.contains("BIND_ADDR"), "{text}");
    assert!(!text.contains("panicked"), "{text}");
}

#[test]
fn migrate_creates_the_sqlite_file_and_users_create_adds_an_account() {
    let (folder, url) = temp_database();
    let output = api().env("DATABASE_URL", &url).arg("migrate").output().expect("api runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(folder.join("nested/djcd.db").exists());

    let mut child = api()
        .env("DATABASE_URL", &url)
        .args([
            "users",
            "create",
            "--email",
            "Agent@DJCD.test",
            "--role",
            "agent",
            "--division",
            "twinning",
            "--password-stdin",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("api runs");
    child.stdin.take().expect("stdin").write_all(b"Segou-Mopti-Kayes-1\n").expect("password written");
    let output = child.wait_with_output().expect("api ends");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(String::from_utf8_lossy(&output.stdout).contains("created"));

    let weak = api()
        .env("DATABASE_URL", &url)
        .args(["users", "create", "--email", "x@djcd.test", "--role", "director"])
        .arg("--password-stdin")
        .stdin(Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            child.stdin.take().map(|mut stdin| stdin.write_all(b"password1234\n"));
            child.wait_with_output()
        })
        .expect("api runs");
    assert!(!weak.status.success(), "a common password is refused");
    let _ = std::fs::remove_dir_all(folder);
}
