//! Input hygiene for the parts of a request that no extractor of ours reads whole: the path and the
//! query string. Once percent-decoded, neither may hold a forbidden character
//! (`validate::is_forbidden_char`: NUL makes PostgreSQL fail, U+FFFF breaks XML). JSON and form
//! bodies get the same rule in `http::extract`.
use actix_web::{
    Error, ResponseError,
    body::{BoxBody, MessageBody},
    dev::{ServiceRequest, ServiceResponse},
    middleware::Next,
};

use super::known_routes::KnownRoutes;
use crate::{
    error::{ApiError, FieldError},
    i18n::Text,
    validate::{forbidden_char_message, is_forbidden_char},
};

/// Decodes `%XX` escapes (and `+` as a space when `plus_is_space`); invalid escapes stay as they are.
fn percent_decode(text: &str, plus_is_space: bool) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let byte = bytes[index];
        let hex = |i: usize| bytes.get(i).and_then(|b| char::from(*b).to_digit(16));
        match (byte, hex(index + 1), hex(index + 2)) {
            (b'%', Some(high), Some(low)) => {
                out.push((high * 16 + low) as u8);
                index += 3;
            }
            (b'+', _, _) if plus_is_space => {
                out.push(b' ');
                index += 1;
            }
            _ => {
                out.push(byte);
                index += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The fields of a request line that hold a forbidden character: the path parameter's name (`path`
/// for a segment no route takes as a parameter), or the query parameter's name.
fn offending_fields(path: &str, query: &str, routes: Option<&KnownRoutes>) -> Vec<FieldError> {
    let mut errors = Vec::new();
    for (index, segment) in path.split('/').enumerate() {
        if percent_decode(segment, false).chars().any(is_forbidden_char) {
            // The route is matched on the raw path, as actix does.
            let name = routes.and_then(|routes| routes.parameter_at(path, index)).unwrap_or_else(|| "path".to_owned());
            errors.push(FieldError::new(name, "forbidden_character", forbidden_char_message()));
        }
    }
    for pair in query.split('&').filter(|pair| !pair.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let name = percent_decode(name, true);
        if name.chars().chain(percent_decode(value, true).chars()).any(is_forbidden_char) {
            errors.push(FieldError::new(name, "forbidden_character", forbidden_char_message()));
        }
    }
    errors
}

/// The middleware: a 400 naming the path or the parameters at fault, before any handler runs.
pub async fn refuse_forbidden_characters(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let routes = req.app_data::<actix_web::web::Data<KnownRoutes>>().map(|data| data.get_ref());
    let errors = offending_fields(req.uri().path(), req.query_string(), routes);
    if errors.is_empty() {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    let error = ApiError::BadRequest(
        Text::fixed("Caractère interdit dans l'adresse de la requête.", "Forbidden character in the request address."),
        errors,
    );
    let response = error.error_response();
    let (request, _) = req.into_parts();
    Ok(ServiceResponse::new(request, response))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_are_decoded_before_the_check() {
        assert_eq!(percent_decode("a%20b+c%zz", true), "a b c%zz");
        assert_eq!(percent_decode("a+b", false), "a+b");
    }

    #[test]
    fn nul_and_non_characters_in_the_path_or_a_parameter_are_named() {
        let fields = |path, query| offending_fields(path, query, None).into_iter().map(|e| e.field).collect::<Vec<_>>();
        assert_eq!(fields("/api/v1/domains/wa%00ter", ""), ["path"]);
        assert_eq!(fields("/api/v1/partners", "q=f%C3%A8s&country=F%EF%BF%BFR"), ["country"]);
        assert_eq!(fields("/api/v1/partners", "q%01=x"), ["q\u{1}"]);
        assert!(fields("/api/v1/partners/F%C3%A8s", "q=a+b&limit=5").is_empty());
    }
}
