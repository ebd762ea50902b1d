//! The unit of work's [`Answer`] as an HTTP response: handlers return it as it is.
use actix_web::{HttpRequest, HttpResponse, Responder, body::BoxBody, http::StatusCode};

use crate::records::unit_of_work::Answer;

impl From<Answer> for HttpResponse {
    fn from(answer: Answer) -> Self {
        let mut builder = HttpResponse::build(StatusCode::from_u16(answer.status).unwrap_or(StatusCode::OK));
        for (name, value) in answer.headers {
            builder.insert_header((name, value));
        }
        match answer.body {
            Some(body) => builder.content_type("application/json").body(body),
            None => builder.finish(),
        }
    }
}

impl Responder for Answer {
    type Body = BoxBody;

    fn respond_to(self, _: &HttpRequest) -> HttpResponse {
        self.into()
    }
}
