//! Tests of the path reader: use groups, paths in code, `super`/`self`, what is not a path.
use super::*;

fn paths(source: &str, module: &[&str]) -> Vec<String> {
    crate_paths(source, module).iter().map(|p| p.join("::")).collect()
}

#[test]
fn nested_use_groups_give_one_path_each() {
    let source = "use crate::{error::ApiError, records::{audit::{self, ChangeContext}, listing as list}, db};";
    assert_eq!(
        paths(source, &[]),
        ["error::ApiError", "records::audit", "records::audit::ChangeContext", "records::listing", "db"]
    );
}

#[test]
fn crate_paths_in_expressions_types_and_attributes_count() {
    let source = r#"
        fn f(x: crate::money::Money) -> Vec<crate::feed::Event> {
            let txn = crate::db::begin_write(db).await?;
            crate::feed::record::<u8>(&txn)
        }
        #[utoipa::path(responses((status = 409, body = crate::error::ProblemDocument)))]
        macro_rules! m { () => { $crate::i18n::Text::X } }
    "#;
    assert_eq!(
        paths(source, &["routes", "x"]),
        ["money::Money", "feed::Event", "db::begin_write", "feed::record", "error::ProblemDocument", "i18n::Text::X"]
    );
}

#[test]
fn super_and_self_resolve_against_the_file_and_its_inline_modules() {
    let source = "use super::dto::X; use super::super::audit; use self::inner::Y;
        mod tests { use super::*; use super::super::queries; }
        fn after() { super::status::check() }";
    assert_eq!(
        paths(source, &["routes", "projects", "handlers"]),
        [
            "routes::projects::dto::X",
            "routes::audit",
            "routes::projects::handlers::inner::Y",
            "routes::projects::handlers",
            "routes::projects::queries",
            "routes::projects::status::check",
        ]
    );
}

#[test]
fn comments_strings_and_visibility_are_not_paths() {
    let source = r##"
        //! Uses `crate::routes::x` (in a doc comment).
        /* crate::a::b /* nested crate::c::d */ still a comment crate::e::f */
        pub(crate) fn f<'a>(s: &'a str) -> char {
            let _ = "crate::g::h \" crate::i::j";
            let _ = r#"crate::k::l " crate::m::n"#;
            let _ = b"crate::o"; let _ = '"'; let _ = '\'';
            self.x; Self::y(); crate::real::one(); // crate::p::q
            '{'
        }
    "##;
    assert_eq!(paths(source, &["a"]), ["real::one"]);
}

#[test]
fn module_paths_follow_the_file_layout() {
    assert_eq!(module_of("routes/projects/mod.rs"), ["routes", "projects"]);
    assert_eq!(module_of("routes/projects/dto.rs"), ["routes", "projects", "dto"]);
    assert_eq!(module_of("lib.rs"), Vec::<&str>::new());
    assert_eq!(module_of("state.rs"), ["state"]);
}
