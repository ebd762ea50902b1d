//! Codes: the database itself refuses a code no enum knows (CHECK constraints on PostgreSQL,
//! triggers on SQLite), so a bug or a hand-made UPDATE cannot store one.
use sea_orm::ConnectionTrait;
use tests::{TestApp, backend_test};

async fn the_database_refuses_unknown_codes(app: TestApp) {
    let backend = app.db.get_database_backend();
    for (table, column) in [
        ("partner", "kind"),
        ("agreement", "status"),
        ("agreement", "division"),
        ("agreement", "kind"),
        ("account", "role"),
        ("account", "kind"),
    ] {
        // Seeded rows, so that the UPDATE touches some (the same migration guards every code column).
        assert!(app.count_rows(table, "1 = 1").await > 0, "{table} has rows");
        let sql = format!("UPDATE {table} SET {column} = 'not_a_code'");
        let refused = app.db.execute_raw(sea_orm::Statement::from_string(backend, sql)).await;
        assert!(refused.is_err(), "{}: {table}.{column} accepted an unknown code", app.backend);
        assert_eq!(app.count_rows(table, &format!("{column} = 'not_a_code'")).await, 0);
    }
    // A known code still goes in.
    let sql = "UPDATE partner SET kind = 'ngo' WHERE name = 'Bonn'".to_owned();
    let accepted = app.db.execute_raw(sea_orm::Statement::from_string(backend, sql)).await;
    assert!(accepted.is_ok(), "{}: {accepted:?}", app.backend);
    assert_eq!(app.count_rows("partner", "name = 'Bonn' AND kind = 'ngo'").await, 1);
}
backend_test!(the_database_refuses_unknown_codes);
