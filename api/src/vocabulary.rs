//! The fixed code lists of the API with their labels. Each enumeration used in a schema appears
//! here once, so that `/api/v1/vocabularies` and the forms of the front ends stay in step.

/// A fixed code list: (code, French label, English label).
pub struct FixedList {
    pub name: &'static str,
    pub entries: &'static [(&'static str, &'static str, &'static str)],
}

/// Every fixed list. Later resources add theirs here.
pub const FIXED: &[FixedList] = &[
    FixedList {
        name: "role",
        entries: &[
            ("director", "Directeur", "Director"),
            ("division_head", "Chef de division", "Division head"),
            ("agent", "Agent", "Agent"),
            ("partner", "Système partenaire", "Partner system"),
        ],
    },
    FixedList {
        name: "division",
        entries: &[
            ("twinning", "Division Jumelage", "Twinning division"),
            ("decentralized_cooperation", "Division Coopération Décentralisée", "Decentralized cooperation division"),
        ],
    },
];
