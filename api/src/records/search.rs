//! Accent- and case-free search: records keep a normalised copy of their searchable text, and `q`
//! is normalised the same way, so "fes" finds "Fès" identically on SQLite and PostgreSQL.
use sea_orm::sea_query::{Expr, ExprTrait, Func, IntoColumnRef, LikeExpr, SimpleExpr};
use unicode_normalization::{UnicodeNormalization, char::is_combining_mark};

use crate::{
    error::{ApiError, FieldError},
    i18n::Text,
};

/// The longest `q` a list accepts.
pub const MAX_QUERY: usize = 200;

/// The condition "the search text of `column` contains `q`", accents and case ignored; `None` for
/// an absent or blank `q`, 400 for one longer than 200 characters.
pub fn matching(column: impl IntoColumnRef, q: Option<&str>) -> Result<Option<SimpleExpr>, ApiError> {
    let Some(q) = checked(q)? else { return Ok(None) };
    Ok(Some(Expr::col(column).like(LikeExpr::new(like_pattern(q)).escape('\\'))))
}

/// `q` when it searches something: `None` when absent or blank, 400 when longer than 200 characters.
fn checked(q: Option<&str>) -> Result<Option<&str>, ApiError> {
    let Some(q) = q.filter(|q| !q.trim().is_empty()) else { return Ok(None) };
    if q.chars().count() > MAX_QUERY {
        return Err(ApiError::BadRequest(
            Text::fixed("Paramètre q trop long.", "The q parameter is too long."),
            vec![FieldError::new("q", "length", Text::fixed("200 caractères au plus.", "At most 200 characters."))],
        ));
    }
    Ok(Some(q))
}

/// The condition "one of `columns` contains `q`", case ignored (accents too where the stored text
/// has none): for records without a normalised search text (funding lines, people). `None` for an
/// absent or blank `q`.
pub fn matching_any<C: IntoColumnRef + Clone>(columns: &[C], q: Option<&str>) -> Result<Option<SimpleExpr>, ApiError> {
    let Some(q) = checked(q)? else { return Ok(None) };
    let pattern = like_pattern(q);
    let mut any: Option<SimpleExpr> = None;
    for column in columns {
        let text = Func::lower(Func::coalesce([Expr::col(column.clone()), Expr::val("")]));
        let one = SimpleExpr::from(text).like(LikeExpr::new(pattern.clone()).escape('\\'));
        any = Some(match any {
            Some(before) => before.or(one),
            None => one,
        });
    }
    Ok(any)
}

/// Lower-case, without diacritics, with runs of white space folded to one space.
pub fn normalize(text: &str) -> String {
    let stripped: String = text.nfd().filter(|c| !is_combining_mark(*c)).collect::<String>().to_lowercase();
    stripped.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The searchable text of a record from its parts.
pub fn search_text<'a>(parts: impl IntoIterator<Item = &'a str>) -> String {
    normalize(&parts.into_iter().collect::<Vec<_>>().join(" "))
}

/// A `LIKE` pattern matching `q` anywhere, with `%`, `_` and `\` escaped (escape character `\`).
pub fn like_pattern(q: &str) -> String {
    let mut pattern = String::from("%");
    for c in normalize(q).chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accents_case_and_spaces_are_folded() {
        assert_eq!(normalize("Fès"), "fes");
        assert_eq!(normalize("  MEKNÈS   Ville "), "meknes ville");
        assert_eq!(normalize("Ségou Œuvre"), "segou œuvre");
        assert_eq!(search_text(["Montréal", "CA"]), "montreal ca");
    }

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(like_pattern("Fès"), "%fes%");
        assert_eq!(like_pattern("100%_x"), "%100\\%\\_x%");
    }
}

#[cfg(test)]
mod sql_tests {
    #[test]
    fn a_search_on_several_columns_lowers_each_column() {
        use entity::account::Column;
        use sea_orm::{EntityTrait, QueryFilter, QueryTrait, sea_query::SqliteQueryBuilder};
        let condition = super::matching_any(&[Column::FullName, Column::Email], Some("AWA")).unwrap().unwrap();
        let sql = entity::account::Entity::find().filter(condition).as_query().to_string(SqliteQueryBuilder);
        assert!(sql.contains(r#"LOWER(COALESCE("full_name", '')) LIKE '%awa%'"#), "{sql}");
        assert!(sql.contains(r#"OR LOWER(COALESCE("email", '')) LIKE '%awa%'"#), "{sql}");
        assert_eq!(super::matching_any(&[Column::FullName], Some("  ")).unwrap(), None);
    }
}
