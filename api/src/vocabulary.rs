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
