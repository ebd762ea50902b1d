//! The two languages of the API's human-readable texts: French (the default) and English.
use std::borrow::Cow;

use actix_web::http::header::{ACCEPT_LANGUAGE, HeaderMap};
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Fr,
    En,
}

impl Lang {
    /// The language the client prefers among ours, after `Accept-Language` (French when absent).
    pub fn from_headers(headers: &HeaderMap) -> Self {
        headers
            .get(ACCEPT_LANGUAGE)
            .and_then(|value| value.to_str().ok())
            .map(Self::from_accept_language)
            .unwrap_or_default()
    }

    pub fn from_accept_language(header: &str) -> Self {
        let mut best: Option<(f32, Lang)> = None;
        for item in header.split(',') {
            let mut parts = item.trim().split(';');
            let tag = parts.next().unwrap_or("").trim().to_ascii_lowercase();
            let quality = parts
                .find_map(|param| param.trim().strip_prefix("q="))
                .and_then(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            let lang = match tag.split('-').next() {
                Some("fr") => Lang::Fr,
                Some("en") => Lang::En,
                _ => continue,
            };
            if quality > 0.0 && best.is_none_or(|(q, _)| quality > q) {
                best = Some((quality, lang));
            }
        }
        best.map(|(_, lang)| lang).unwrap_or_default()
    }
}

/// A text in both languages; which one is sent is decided per request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Text {
    pub fr: Cow<'static, str>,
    pub en: Cow<'static, str>,
}

impl Text {
    pub const fn fixed(fr: &'static str, en: &'static str) -> Self {
        Self { fr: Cow::Borrowed(fr), en: Cow::Borrowed(en) }
    }

    pub fn new(fr: impl Into<Cow<'static, str>>, en: impl Into<Cow<'static, str>>) -> Self {
        Self { fr: fr.into(), en: en.into() }
    }

    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Fr => &self.fr,
            Lang::En => &self.en,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_is_the_default_and_quality_decides() {
        assert_eq!(Lang::from_accept_language(""), Lang::Fr);
        assert_eq!(Lang::from_accept_language("de-DE"), Lang::Fr);
        assert_eq!(Lang::from_accept_language("en-GB,en;q=0.9"), Lang::En);
        assert_eq!(Lang::from_accept_language("fr;q=0.4, en;q=0.8"), Lang::En);
        assert_eq!(Lang::from_accept_language("en;q=0, fr"), Lang::Fr);
        assert_eq!(Lang::from_accept_language("de, en;q=0.5, fr;q=0.7"), Lang::Fr);
    }
}
