//! Code lists: every fixed vocabulary of the API is one Rust enum declared with [`code_list!`],
//! which gives it its stored code, its French and English labels, serde and OpenAPI, strict parsing
//! (an unknown code is refused, never read as a default) and its entry in `/api/v1/vocabularies`.
//! The database refuses unknown codes too (migration `m20261203_000016_code_checks`; a unit test
//! in `routes::vocabularies` keeps its lists equal to the enums).

/// A fixed code list: (code, French label, English label).
pub struct FixedList {
    pub name: &'static str,
    pub entries: &'static [(&'static str, &'static str, &'static str)],
}

/// A code read from the database that no enum knows: the database's CHECK refuses to store one, so
/// this means a schema drift — a 500, never a silent default.
pub fn unknown_stored_code(list: &str, code: &str) -> crate::error::ApiError {
    crate::error::ApiError::Internal(anyhow::anyhow!("the database holds an unknown {list} code: {code:?}"))
}

/// What every code enum of [`code_list!`] is, for what works on any of them ([`CodeSet`]).
pub trait Code: Copy + PartialEq + utoipa::PartialSchema + 'static {
    fn parse_code(code: &str) -> Option<Self>;
    fn code(self) -> &'static str;
    /// Every code of the list.
    fn codes() -> &'static [&'static str];
}

/// A multi-value filter: one or more codes of a list, comma-separated (`status=pipeline,implementation`),
/// declared as an array parameter with `style: form, explode: false` (generated clients type it as
/// an array of the codes). The query extractor keeps the text; `values` checks each code, and an
/// unknown or empty one is a 422 naming the parameter and the codes it accepts.
#[derive(Clone, Debug)]
pub struct CodeSet<T> {
    text: String,
    _codes: std::marker::PhantomData<T>,
}

impl<T: Code> CodeSet<T> {
    /// The codes asked for, each once, in the order given; 422 on `name` for an unknown or empty one.
    pub fn values(&self, name: &str) -> Result<Vec<T>, crate::error::ApiError> {
        let accepted = T::codes().join(", ");
        let parts: Vec<&str> = self.text.split(',').collect();
        if parts.len() > T::codes().len() {
            return Err(crate::error::ApiError::Validation(vec![crate::error::FieldError::new(
                name,
                "too_many",
                crate::i18n::Text::new(
                    format!("Au plus {} valeurs.", T::codes().len()),
                    format!("At most {} values.", T::codes().len()),
                ),
            )]));
        }
        let mut values = Vec::new();
        for part in parts {
            let Some(value) = T::parse_code(part) else {
                return Err(crate::error::ApiError::Validation(vec![crate::error::FieldError::new(
                    name,
                    "unknown_code",
                    crate::i18n::Text::new(
                        format!(
                            "Valeur inconnue « {part} » : une ou plusieurs de {accepted} séparées par des virgules."
                        ),
                        format!("Unknown value \"{part}\": one or more of {accepted}, comma-separated."),
                    ),
                )]));
            };
            if !values.contains(&value) {
                values.push(value);
            }
        }
        Ok(values)
    }

    /// The values of an optional filter: empty when absent.
    pub fn of(set: &Option<Self>, name: &str) -> Result<Vec<T>, crate::error::ApiError> {
        set.as_ref().map_or(Ok(Vec::new()), |set| set.values(name))
    }
}

impl<'de, T> serde::Deserialize<'de> for CodeSet<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Ok(Self { text, _codes: std::marker::PhantomData })
    }
}

impl<T: Code> utoipa::ToSchema for CodeSet<T> {}

// The schema (utoipa's derive asks a generic type for it through `ComposeSchema`, which gives it
// `PartialSchema`): an array of the list's codes.
impl<T: Code> utoipa::__dev::ComposeSchema for CodeSet<T> {
    fn compose(
        _: Vec<utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>>,
    ) -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::schema::ArrayBuilder::new()
            .items(T::schema())
            .min_items(Some(1))
            .max_items(Some(T::codes().len()))
            .into()
    }
}

/// Declares a code enum: `code_list! { /// doc  pub enum Role as "role" { /// doc  Director = "director" ("Directeur", "Director"), … } }`.
/// Without `as "name"` and labels, the enum is a plain code (a sort key, an internal state).
#[macro_export]
macro_rules! code_list {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident as $list:tt {
            $( $(#[$variant_meta:meta])* $variant:ident = $code:tt ($fr:tt, $en:tt) ),+ $(,)?
        }
    ) => {
        $crate::code_list! {
            $(#[$meta])*
            $vis enum $name { $( $(#[$variant_meta])* $variant = $code ),+ }
        }

        impl $name {
            /// The list as `/api/v1/vocabularies` serves it.
            pub const LIST: $crate::vocabulary::FixedList = $crate::vocabulary::FixedList {
                name: $list,
                entries: &[ $( ($code, $fr, $en) ),+ ],
            };

            /// The label in `lang`.
            pub fn label(self, lang: $crate::i18n::Lang) -> &'static str {
                match (self, lang) {
                    $( ($name::$variant, $crate::i18n::Lang::Fr) => $fr, ($name::$variant, _) => $en, )+
                }
            }
        }
    };
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$variant_meta:meta])* $variant:ident = $code:tt ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
        $vis enum $name {
            $( $(#[$variant_meta])* #[serde(rename = $code)] $variant, )+
        }

        impl $name {
            pub const ALL: [$name; [$($code),+].len()] = [ $( $name::$variant ),+ ];

            /// The stored code.
            pub fn as_str(self) -> &'static str {
                match self { $( $name::$variant => $code, )+ }
            }

            /// The variant of a code sent by a client; `None` for an unknown code (a 4xx for the caller).
            pub fn parse(code: &str) -> Option<Self> {
                match code { $( $code => Some($name::$variant), )+ _ => None }
            }

            /// The variant of a code read from the database: an unknown one is an error, not a default.
            pub fn from_stored(code: &str) -> Result<Self, $crate::error::ApiError> {
                Self::parse(code).ok_or_else(|| $crate::vocabulary::unknown_stored_code(stringify!($name), code))
            }
        }

        impl $crate::vocabulary::Code for $name {
            fn parse_code(code: &str) -> Option<Self> {
                Self::parse(code)
            }
            fn code(self) -> &'static str {
                self.as_str()
            }
            fn codes() -> &'static [&'static str] {
                &[ $( $code ),+ ]
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

static REGISTERED: std::sync::OnceLock<&'static [&'static FixedList]> = std::sync::OnceLock::new();

/// Makes the labelled code lists known to the error messages (the app factory registers the lists
/// `/api/v1/vocabularies` serves), so that a refused code is answered with the accepted codes and
/// their labels.
pub fn register(lists: &'static [&'static FixedList]) {
    let _ = REGISTERED.set(lists);
}

/// The registered list whose codes are exactly `codes` (in any order), if any.
pub fn list_of(codes: &[&str]) -> Option<&'static FixedList> {
    REGISTERED
        .get()?
        .iter()
        .copied()
        .find(|list| list.entries.len() == codes.len() && list.entries.iter().all(|(code, _, _)| codes.contains(code)))
}

#[cfg(test)]
mod tests {
    use super::CodeSet;
    use crate::error::ApiError;

    // A code list of the test's own (the real ones live in higher layers).
    #[allow(dead_code)]
    mod codes {
        crate::code_list! {
            pub enum Division {
                Twinning = "twinning",
                DecentralizedCooperation = "decentralized_cooperation",
            }
        }
    }
    use codes::Division;

    fn set(text: &str) -> CodeSet<Division> {
        CodeSet { text: text.to_owned(), _codes: std::marker::PhantomData }
    }

    #[test]
    fn a_code_set_keeps_each_code_once_and_refuses_unknown_empty_or_too_many() {
        let both = set("decentralized_cooperation,twinning").values("division").unwrap();
        assert_eq!(both, vec![Division::DecentralizedCooperation, Division::Twinning]);
        assert_eq!(set("twinning,twinning").values("division").unwrap(), vec![Division::Twinning]);
        for bad in ["twinning,", "", "twinning,Twinning", "twinning,twinning,twinning"] {
            match set(bad).values("division") {
                Err(ApiError::Validation(errors)) => assert_eq!(errors[0].field, "division", "{bad}"),
                other => panic!("{bad}: {:?}", other.map(|v| v.len())),
            }
        }
        assert!(CodeSet::<Division>::of(&None, "division").unwrap().is_empty());
    }
}
