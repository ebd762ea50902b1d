//! Helpers for the black-box tests: each `TestApp` is the real server, built by the same app
//! factory as `main`, listening on a free port of 127.0.0.1 with a fresh database of its own.
//!
//! A test is an `async fn name(app: TestApp)` followed by `backend_test!(name)`, which declares it
//! once per backend: `name::sqlite` always, `name::postgres` against the server `TEST_DATABASE_URL`
//! names. Each case has an app and a database of its own, so the two run side by side and a
//! failure on one backend does not hide the other's result.
pub mod tools;

use std::fmt;

use api::{config::Settings, startup::Application};
use reqwest::{Client, Method, RequestBuilder, Response, header};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use serde_json::Value;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        })
    }
}

pub struct TestApp {
    pub address: String,
    /// The separate metrics listener (`METRICS_ADDR`), when the settings ask for one.
    pub metrics_address: Option<String>,
    pub backend: Backend,
    pub database_url: String,
    /// A connection of the test's own to the app's database, to check what was written.
    pub db: DatabaseConnection,
    pub client: Client,
    /// The bootstrap director's access token, used by the request helpers below.
    pub token: String,
    /// Stops the server and its webhook worker, as a signal would.
    pub stopper: api::startup::Stopper,
    /// The settings it runs with, to start it again on the same database.
    pub settings: Settings,
    _folder: Option<std::sync::Arc<TempFolder>>,
}

pub const DIRECTOR_EMAIL: &str = "directeur@djcd.test";
pub const DIRECTOR_PASSWORD: &str = "Bamako-Leipzig-1966!";
/// A valid password for accounts that tests create.
pub const STAFF_PASSWORD: &str = "Dakar-Angers-1974-Turin";

/// Declares the test `$name`, an `async fn $name(app: TestApp)` written beside it, once per
/// backend: a module `$name` holding the tests `sqlite` and `postgres`, each with an app of its
/// own. A second argument changes the settings before the app starts, e.g.
/// `backend_test!(name, |settings| settings.body_limit_bytes = 1024)`.
///
/// Without `TEST_DATABASE_URL` the `postgres` case runs nothing and says so (see
/// [`spawn_case_app`]): a `cargo test` without a PostgreSQL server stays green on SQLite alone.
#[macro_export]
macro_rules! backend_test {
    ($name:ident) => {
        $crate::backend_test!($name, |_| {});
    };
    ($name:ident, $tweak:expr) => {
        mod $name {
            // The tweak may name the test file's helpers.
            #[allow(unused_imports)]
            use super::*;

            #[::tokio::test]
            async fn sqlite() {
                if let Some(app) = $crate::spawn_case_app($crate::Backend::Sqlite, $tweak).await {
                    super::$name(app).await;
                }
            }

            #[::tokio::test]
            async fn postgres() {
                if let Some(app) = $crate::spawn_case_app($crate::Backend::Postgres, $tweak).await {
                    super::$name(app).await;
                }
            }
        }
    };
}

/// Whether `TEST_DATABASE_URL` names a PostgreSQL server to test against.
pub fn postgres_configured() -> bool {
    std::env::var("TEST_DATABASE_URL").is_ok_and(|url| !url.is_empty())
}

/// The app of one case of `backend_test!`, with `tweak` applied to its settings; `None` for
/// PostgreSQL when `TEST_DATABASE_URL` is unset. The skip is printed in the case's output, and
/// once per process past the test harness's capture, so that a green `postgres` case is never
/// taken for a PostgreSQL run.
pub async fn spawn_case_app(backend: Backend, tweak: impl Fn(&mut Settings)) -> Option<TestApp> {
    if backend == Backend::Postgres && !postgres_configured() {
        static NOTICE: std::sync::Once = std::sync::Once::new();
        NOTICE.call_once(|| {
            use std::io::Write;
            // Straight to the process's stderr: `eprintln!` is captured for passing tests.
            let notice = "note: TEST_DATABASE_URL is not set: the `::postgres` cases are skipped\n";
            let _ = std::io::stderr().write_all(notice.as_bytes());
        });
        eprintln!("skipped: TEST_DATABASE_URL is not set, nothing ran on PostgreSQL");
        return None;
    }
    Some(spawn_app(backend, &tweak).await)
}

pub async fn spawn_app(backend: Backend, tweak: &impl Fn(&mut Settings)) -> TestApp {
    // `TEST_LOG=warn cargo test …` shows the servers' logs, to see why a request failed.
    if let Ok(level) = std::env::var("TEST_LOG") {
        api::telemetry::init(&level, api::config::LogFormat::Text);
    }
    let began = std::time::Instant::now();
    let mut settings = Settings::development_defaults();
    settings.bind_addr = "127.0.0.1:0".parse().expect("loopback address");
    settings.shutdown_grace = std::time::Duration::from_secs(1);
    settings.workers = 2;
    settings.auth.bootstrap_director_email = Some(DIRECTOR_EMAIL.into());
    settings.auth.bootstrap_director_password = Some(DIRECTOR_PASSWORD.into());
    // Tests log in often from 127.0.0.1; the throttling test lowers these again.
    settings.auth.login_attempts_per_account = 10_000;
    settings.auth.login_attempts_per_address = 10_000;
    tweak(&mut settings);
    // The database starts as a copy of the template (migrated and seeded once per process), unless
    // the tweak changed what the start writes: then it starts empty, as in production.
    let from_template = template_fits(&settings);
    let (database_url, folder) = match backend {
        Backend::Sqlite => {
            let folder = TempFolder::new();
            let file = format!("{}/djcd.db", folder.path);
            if from_template {
                std::fs::copy(sqlite_template().await, &file).expect("a copy of the SQLite template");
            }
            (format!("sqlite://{file}?mode=rwc"), Some(std::sync::Arc::new(folder)))
        }
        Backend::Postgres => {
            let template = if from_template { Some(postgres_template().await) } else { None };
            (fresh_postgres_database(template).await, None)
        }
    };
    settings.database_url = database_url.clone();
    let database_ready = began.elapsed();
    let app = start(backend, database_url, settings, folder).await;
    // `TEST_TIMING=1 cargo test … -- --nocapture` prints how long each app took to be ready: its
    // database (a template copy), then `Application::build` and the director's sign-in.
    if std::env::var_os("TEST_TIMING").is_some() {
        eprintln!(
            "spawn_app {backend}: {} ms (database {} ms)",
            began.elapsed().as_millis(),
            database_ready.as_millis()
        );
    }
    app
}

async fn start(
    backend: Backend,
    database_url: String,
    settings: Settings,
    folder: Option<std::sync::Arc<TempFolder>>,
) -> TestApp {
    let began = std::time::Instant::now();
    let application = Application::build(settings.clone()).await.expect("the app starts");
    let built = began.elapsed();
    let address = format!("http://127.0.0.1:{}", application.port());
    let metrics_address = application.metrics_port().map(|port| format!("http://127.0.0.1:{port}"));
    let db = application.db().clone();
    let stopper = application.stopper();
    tokio::spawn(application.run_until_stopped());
    let client = Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("an HTTP client");
    let mut app = TestApp {
        address,
        metrics_address,
        backend,
        database_url,
        db,
        client,
        token: String::new(),
        stopper,
        settings,
        _folder: folder,
    };
    app.token =
        app.login(DIRECTOR_EMAIL, DIRECTOR_PASSWORD).await["access_token"].as_str().expect("director token").to_owned();
    if std::env::var_os("TEST_TIMING").is_some() {
        eprintln!(
            "start {backend}: build {} ms, sign-in {} ms",
            built.as_millis(),
            (began.elapsed() - built).as_millis()
        );
    }
    app
}

/// Creates a database on the server named by `TEST_DATABASE_URL`, empty or as a copy of
/// `template`, and returns its URL.
async fn fresh_postgres_database(template: Option<&str>) -> String {
    let admin_url = postgres_admin_url();
    let admin = Database::connect(admin_url.as_str()).await.expect("the PostgreSQL server answers");
    // The creation time in the name lets a later run drop what this one leaves (`drop_stale_databases`).
    let created = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let name = format!("djcd_test_{created}_{}", &uuid::Uuid::new_v4().simple().to_string()[..12]);
    let sql = match template {
        Some(template) => format!("CREATE DATABASE {name} TEMPLATE {template}"),
        None => format!("CREATE DATABASE {name}"),
    };
    admin.execute_unprepared(&sql).await.expect("CREATE DATABASE");
    admin.close().await.ok();
    postgres_database_url(&admin_url, &name)
}

/// Drops the test databases that earlier runs left more than two hours ago (each test's database
/// outlives its test, for a look after a failure): a shared server's disk does not fill up run after
/// run. Databases still in use, or of another naming, are left alone.
async fn drop_stale_databases(admin: &DatabaseConnection) {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let Ok(rows) = admin
        .query_all_raw(sea_orm::Statement::from_string(
            admin.get_database_backend(),
            "SELECT datname FROM pg_database WHERE datname LIKE 'djcd_test_%'",
        ))
        .await
    else {
        return;
    };
    for row in rows {
        let Ok(name) = row.try_get::<String>("", "datname") else { continue };
        let created = name.strip_prefix("djcd_test_").and_then(|rest| rest.split('_').next()?.parse::<u64>().ok());
        if created.is_some_and(|created| created + 2 * 3600 < now) {
            admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name}")).await.ok();
        }
    }
}

fn postgres_admin_url() -> String {
    std::env::var("TEST_DATABASE_URL").expect("TEST_DATABASE_URL")
}

/// The URL of the database `name` on the server of `admin_url`, with the same parameters.
fn postgres_database_url(admin_url: &str, name: &str) -> String {
    let (base, query) = match admin_url.split_once('?') {
        Some((base, query)) => (base, format!("?{query}")),
        None => (admin_url, String::new()),
    };
    let server = base.rsplit_once('/').map_or(base, |(server, _)| server);
    format!("{server}/{name}{query}")
}

// Template databases: migrating and seeding a database takes most of an app's start, so it is
// done once per test process (and reused by later runs of the same executable on the same day)
// into a template, which each test copies: `CREATE DATABASE … TEMPLATE` on PostgreSQL, a file
// copy on SQLite. `Application::build` still migrates, bootstraps and seeds: on the copy, all
// three find their work done.

/// Whether the template holds what `Application::build` would write with `settings`: the
/// bootstrap director is the only setting the start writes (the seed portfolio has none).
fn template_fits(settings: &Settings) -> bool {
    settings.auth.bootstrap_director_email.as_deref() == Some(DIRECTOR_EMAIL)
        && settings.auth.bootstrap_director_password.as_deref() == Some(DIRECTOR_PASSWORD)
}

/// What a template's content depends on: the migrations, the bootstrap director, the test
/// executable (a rebuild may change a migration or the seed under the same names) and the day
/// (seeded timestamps stay recent). Concurrent processes of the same executable share it.
fn template_key() -> &'static str {
    static KEY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    KEY.get_or_init(|| {
        use migration::MigratorTrait;
        use sha2::Digest;
        let mut hasher = sha2::Sha256::new();
        for migration in migration::Migrator::migrations() {
            hasher.update(migration.name().as_bytes());
            hasher.update(b"\n");
        }
        hasher.update(format!("{DIRECTOR_EMAIL}\n{DIRECTOR_PASSWORD}\n"));
        if let Ok(executable) = std::env::current_exe().and_then(std::fs::metadata) {
            hasher.update(format!("{:?} {}\n", executable.modified().ok(), executable.len()));
        }
        hasher.update(chrono::Utc::now().date_naive().to_string());
        hasher.finalize().iter().take(8).map(|byte| format!("{byte:02x}")).collect()
    })
}

/// Migrates and seeds the database at `database_url` with the functions `Application::build`
/// calls and the settings `spawn_app` gives it, then closes every connection to it.
async fn prepare_template(database_url: &str) {
    let mut settings = Settings::development_defaults();
    settings.database_url = database_url.to_owned();
    settings.db_pool_size = 1;
    settings.auth.bootstrap_director_email = Some(DIRECTOR_EMAIL.into());
    settings.auth.bootstrap_director_password = Some(DIRECTOR_PASSWORD.into());
    let db = api::db::connect(&settings).await.expect("the template database opens");
    api::db::migrate(&db).await.expect("the migrations apply to the template");
    api::bootstrap::ensure_director(&db, &settings.auth).await.expect("the template's director");
    api::seed::load_portfolio(&db).await.expect("the template's seed portfolio");
    if settings.is_sqlite() {
        // Everything into the main file, which is the one copied.
        db.execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)").await.expect("a WAL checkpoint");
    }
    db.close().await.expect("the template's connections close");
}

/// The SQLite template file, prepared once per process unless a previous run left it.
async fn sqlite_template() -> &'static std::path::Path {
    static TEMPLATE: tokio::sync::OnceCell<std::path::PathBuf> = tokio::sync::OnceCell::const_new();
    TEMPLATE
        .get_or_init(|| async {
            let path = sqlite_folder().join(format!("djcd-template-{}.db", template_key()));
            if !path.exists() {
                let folder = TempFolder::new();
                let building = format!("{}/djcd.db", folder.path);
                prepare_template(&format!("sqlite://{building}?mode=rwc")).await;
                // A rename is atomic: another process sees no template or a complete one.
                std::fs::rename(&building, &path).expect("the SQLite template in place");
            }
            path
        })
        .await
}

/// The name of the PostgreSQL template database, prepared once per process unless another
/// process (or a previous run) did. It is built under a name of its own and renamed when complete,
/// and no connection to it is allowed afterwards: PostgreSQL copies a database only while no one
/// is connected to it.
async fn postgres_template() -> &'static str {
    static TEMPLATE: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    TEMPLATE
        .get_or_init(|| async {
            let admin_url = postgres_admin_url();
            let name = format!("djcd_template_{}", template_key());
            let admin = Database::connect(admin_url.as_str()).await.expect("the PostgreSQL server answers");
            drop_stale_databases(&admin).await;
            if !postgres_database_exists(&admin, &name).await {
                let building = format!("djcd_template_build_{}", uuid::Uuid::new_v4().simple());
                admin.execute_unprepared(&format!("CREATE DATABASE {building}")).await.expect("CREATE DATABASE");
                prepare_template(&postgres_database_url(&admin_url, &building)).await;
                admin
                    .execute_unprepared(&format!("ALTER DATABASE {building} WITH ALLOW_CONNECTIONS false"))
                    .await
                    .expect("ALTER DATABASE … ALLOW_CONNECTIONS");
                // The closed connections' server processes may take a moment to end.
                let mut attempts = 0;
                loop {
                    let rename = format!("ALTER DATABASE {building} RENAME TO {name}");
                    match admin.execute_unprepared(&rename).await {
                        Ok(_) => break,
                        Err(_) if postgres_database_exists(&admin, &name).await => {
                            // Another process finished first: its template serves.
                            let drop = format!("DROP DATABASE IF EXISTS {building} WITH (FORCE)");
                            admin.execute_unprepared(&drop).await.ok();
                            break;
                        }
                        Err(error) => {
                            attempts += 1;
                            assert!(attempts < 100, "cannot rename the template {building} to {name}: {error}");
                            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                        }
                    }
                }
            }
            admin.close().await.ok();
            name
        })
        .await
}

async fn postgres_database_exists(admin: &DatabaseConnection, name: &str) -> bool {
    let sql = format!("SELECT 1 AS found FROM pg_database WHERE datname = '{name}'");
    let statement = sea_orm::Statement::from_string(sea_orm::DatabaseBackend::Postgres, sql);
    admin.query_one_raw(statement).await.expect("a query of pg_database").is_some()
}

impl TestApp {
    /// Stops this server and starts a new one on the same database (a restart).
    pub async fn restart(self) -> TestApp {
        self.stopper.stop().await;
        let mut settings = self.settings.clone();
        settings.bind_addr = "127.0.0.1:0".parse().expect("loopback address");
        start(self.backend, self.database_url.clone(), settings, self._folder.clone()).await
    }

    /// Starts a second server on the same database, beside this one (two instances).
    pub async fn another_instance(&self) -> TestApp {
        let mut settings = self.settings.clone();
        settings.bind_addr = "127.0.0.1:0".parse().expect("loopback address");
        start(self.backend, self.database_url.clone(), settings, self._folder.clone()).await
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// A request with the director's token.
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.client.request(method, self.url(path)).bearer_auth(&self.token)
    }

    /// A request with the given token, or none.
    pub fn request_as(&self, token: Option<&str>, method: Method, path: &str) -> RequestBuilder {
        let request = self.client.request(method, self.url(path));
        match token {
            Some(token) => request.bearer_auth(token),
            None => request,
        }
    }

    /// Signs in; returns the token pair (panics unless 200).
    pub async fn login(&self, email: &str, password: &str) -> Value {
        let response = self
            .client
            .post(self.url("/api/v1/auth/login"))
            .json(&serde_json::json!({"email": email, "password": password}))
            .send()
            .await
            .expect("request sent");
        let (status, _, body) = read(response).await;
        assert_eq!(status, 200, "login of {email}: {body}");
        body
    }

    /// Creates a person's account as the director and returns its id.
    pub async fn create_user(&self, email: &str, role: &str, division: Option<&str>) -> String {
        let body = serde_json::json!({
            "email": email, "full_name": email, "role": role, "division": division, "password": STAFF_PASSWORD
        });
        let (status, _, created) = read(self.post_json("/api/v1/users", &body).await).await;
        assert_eq!(status, 201, "create {email}: {created}");
        created["account"]["id"].as_str().expect("an id").to_owned()
    }

    /// Creates an account with `role` (and a division for heads and agents) and returns its access token.
    pub async fn token_for(&self, role: &str, division: Option<&str>) -> String {
        let email = format!("{role}-{}@djcd.test", uuid::Uuid::new_v4().simple());
        self.create_user(&email, role, division).await;
        self.login(&email, STAFF_PASSWORD).await["access_token"].as_str().expect("a token").to_owned()
    }

    /// Creates a partner as the director and returns its id.
    pub async fn create_partner(&self, name: &str, country: &str) -> String {
        let body = serde_json::json!({"name": name, "kind": "city", "country": country});
        let (status, _, created) = read(self.post_json("/api/v1/partners", &body).await).await;
        assert_eq!(status, 201, "create partner {name}: {created}");
        created["id"].as_str().expect("an id").to_owned()
    }

    /// The id of a seeded partner, found by its name.
    pub async fn seeded_partner(&self, name: &str) -> String {
        let (status, _, page) = read(self.get(&format!("/api/v1/partners?q={name}&limit=1")).await).await;
        assert_eq!(status, 200, "{page}");
        page["items"][0]["id"].as_str().unwrap_or_else(|| panic!("no seeded partner {name}: {page}")).to_owned()
    }

    /// Creates a machine account for `partner_id` and returns (client_id, client_secret).
    pub async fn create_machine(&self, partner_id: &str) -> (String, String) {
        let body = serde_json::json!({"partner_id": partner_id, "name": "Système partenaire"});
        let (status, _, created) = read(self.post_json("/api/v1/machine-accounts", &body).await).await;
        assert_eq!(status, 201, "machine account: {created}");
        (created["client_id"].as_str().unwrap().to_owned(), created["client_secret"].as_str().unwrap().to_owned())
    }

    /// A partner machine account's access token, by client credentials.
    pub async fn partner_token(&self, partner_id: &str) -> String {
        let (client_id, client_secret) = self.create_machine(partner_id).await;
        let response = self
            .client
            .post(self.url("/api/v1/auth/token"))
            .form(&[("grant_type", "client_credentials"), ("client_id", &client_id), ("client_secret", &client_secret)])
            .send()
            .await
            .expect("request sent");
        let (status, _, body) = read(response).await;
        assert_eq!(status, 200, "client credentials: {body}");
        body["access_token"].as_str().unwrap().to_owned()
    }

    pub async fn get(&self, path: &str) -> Response {
        self.request(Method::GET, path).send().await.expect("request sent")
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> Response {
        self.request(Method::POST, path).json(body).send().await.expect("request sent")
    }

    pub async fn patch_json(&self, path: &str, etag: Option<&str>, body: &Value) -> Response {
        let mut request = self.request(Method::PATCH, path).json(body);
        if let Some(etag) = etag {
            request = request.header(header::IF_MATCH, etag);
        }
        request.send().await.expect("request sent")
    }

    pub async fn delete(&self, path: &str, etag: Option<&str>) -> Response {
        let mut request = self.request(Method::DELETE, path);
        if let Some(etag) = etag {
            request = request.header(header::IF_MATCH, etag);
        }
        request.send().await.expect("request sent")
    }

    /// Counts the rows of `table` matching the SQL condition `condition`.
    pub async fn count_rows(&self, table: &str, condition: &str) -> i64 {
        let sql = format!("SELECT COUNT(*) AS n FROM {table} WHERE {condition}");
        let row = self
            .db
            .query_one_raw(sea_orm::Statement::from_string(self.db.get_database_backend(), sql))
            .await
            .expect("count query")
            .expect("one row");
        row.try_get::<i64>("", "n").expect("a count")
    }

    /// Polls `count_rows` until `done` holds of the count or `seconds` pass; returns the last count.
    pub async fn count_rows_until(
        &self,
        table: &str,
        condition: &str,
        seconds: u64,
        done: impl Fn(i64) -> bool,
    ) -> i64 {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
        loop {
            let count = self.count_rows(table, condition).await;
            if done(count) || std::time::Instant::now() >= deadline {
                return count;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }
}

/// The status, the content type and the JSON body of a response, for assertions.
pub async fn read(response: Response) -> (u16, String, Value) {
    let status = response.status().as_u16();
    let content_type =
        response.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    let text = response.text().await.expect("a body");
    let body = if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap_or(Value::String(text)) };
    (status, content_type, body)
}

/// Asserts that `response` is a problem document with `status`, and returns its body.
pub async fn expect_problem(response: Response, status: u16, context: &str) -> Value {
    let (actual, content_type, body) = read(response).await;
    assert_eq!(actual, status, "{context}: status (body: {body})");
    assert_eq!(content_type, "application/problem+json", "{context}: content type");
    assert_eq!(body["status"], status, "{context}: status member");
    for member in ["type", "title", "detail", "instance"] {
        assert!(body[member].is_string(), "{context}: problem without {member}: {body}");
    }
    body
}

/// Where the SQLite databases of the tests live: `/dev/shm` when the machine has it (a folder in
/// memory: SQLite's `synchronous = FULL` then costs no disk flush per commit, which made the SQLite
/// cases the slower half of the suite), the temporary folder otherwise.
fn sqlite_folder() -> std::path::PathBuf {
    static FOLDER: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
    FOLDER
        .get_or_init(|| {
            let memory = std::path::Path::new("/dev/shm");
            let writable =
                memory.is_dir() && std::fs::metadata(memory).is_ok_and(|folder| !folder.permissions().readonly());
            if writable { memory.to_path_buf() } else { std::env::temp_dir() }
        })
        .clone()
}

/// A folder removed when dropped.
struct TempFolder {
    path: String,
}

impl TempFolder {
    fn new() -> Self {
        let path = sqlite_folder().join(format!("djcd-test-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&path).expect("a temporary folder");
        Self { path: path.to_string_lossy().into_owned() }
    }
}

impl Drop for TempFolder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// A webhook receiver on 127.0.0.1: it records what it gets and answers with the statuses queued
/// in `replies` (200 once the queue is empty).
pub struct Receiver {
    pub url: String,
    pub received: std::sync::Arc<std::sync::Mutex<Vec<Received>>>,
    pub replies: std::sync::Arc<std::sync::Mutex<std::collections::VecDeque<u16>>>,
    handle: actix_web::dev::ServerHandle,
}

/// One request a receiver got.
#[derive(Clone, Debug)]
pub struct Received {
    pub signature: String,
    pub event_id: String,
    pub event_type: String,
    pub body: String,
}

impl Receiver {
    pub async fn start() -> Self {
        use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
        let received = std::sync::Arc::new(std::sync::Mutex::new(Vec::<Received>::new()));
        let replies = std::sync::Arc::new(std::sync::Mutex::new(std::collections::VecDeque::<u16>::new()));
        let (store, queue) = (received.clone(), replies.clone());
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
        let port = listener.local_addr().expect("an address").port();
        let server = HttpServer::new(move || {
            let (store, queue) = (store.clone(), queue.clone());
            App::new().default_service(web::to(move |req: HttpRequest, body: web::Bytes| {
                let (store, queue) = (store.clone(), queue.clone());
                async move {
                    let header =
                        |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
                    let status = queue.lock().expect("lock").pop_front().unwrap_or(200);
                    store.lock().expect("lock").push(Received {
                        signature: header("x-signature"),
                        event_id: header("x-event-id"),
                        event_type: header("x-event-type"),
                        body: String::from_utf8_lossy(&body).into_owned(),
                    });
                    HttpResponse::build(actix_web::http::StatusCode::from_u16(status).expect("a status")).finish()
                }
            }))
        })
        .workers(1)
        .listen(listener)
        .expect("listening")
        .run();
        let handle = server.handle();
        tokio::spawn(server);
        Receiver { url: format!("http://127.0.0.1:{port}/hooks"), received, replies, handle }
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().expect("lock").clone()
    }

    pub async fn stop(&self) {
        self.handle.stop(true).await;
    }
}

/// A webhook receiver that accepts connections and never answers (a stalled partner system):
/// every delivery to it lasts the whole `WEBHOOK_TIMEOUT_MS`. Returns its URL; it lives as long
/// as the test's runtime.
pub async fn silent_receiver() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a port");
    let port = listener.local_addr().expect("an address").port();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    format!("http://127.0.0.1:{port}/silent")
}

/// Waits until `check` holds, for at most `seconds`.
pub async fn eventually<F: Fn() -> bool>(seconds: u64, check: F) -> bool {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
    while std::time::Instant::now() < deadline {
        if check() {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    check()
}
