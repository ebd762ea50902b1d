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
    FixedList {
        name: "partner_kind",
        entries: &[
            ("city", "Collectivité territoriale (ville)", "Local government (city)"),
            ("local_government_network", "Réseau de collectivités locales", "Network of local governments"),
            (
                "technical_financial_partner",
                "Partenaire technique et financier (PTF)",
                "Technical and financial partner",
            ),
            ("international_organization", "Organisation internationale", "International organisation"),
            ("ngo", "ONG", "NGO"),
            ("state_service", "Service déconcentré de l'État", "Deconcentrated State service"),
            ("private", "Secteur privé", "Private sector"),
        ],
    },
    FixedList {
        name: "agreement_kind",
        entries: &[
            ("twinning", "Jumelage", "Twinning"),
            (
                "cooperation_convention",
                "Convention de coopération décentralisée",
                "Decentralized-cooperation convention",
            ),
            ("network_membership", "Adhésion à un réseau", "Network membership"),
            ("memorandum_of_understanding", "Protocole d'entente", "Memorandum of understanding"),
            ("financing_agreement", "Convention de financement", "Financing agreement"),
        ],
    },
    FixedList {
        name: "agreement_status",
        entries: &[
            ("in_gestation", "En gestation", "In gestation"),
            ("active", "Active", "Active"),
            ("dormant", "En sommeil", "Dormant"),
            ("suspended", "Suspendue", "Suspended"),
            ("ended", "Terminée", "Ended"),
        ],
    },
    FixedList {
        name: "project_status",
        entries: &[
            ("pipeline", "Identification", "Pipeline"),
            ("implementation", "En cours d'exécution", "Implementation"),
            ("finalisation", "En finalisation", "Finalisation"),
            ("closed", "Clôturé", "Closed"),
            ("cancelled", "Annulé", "Cancelled"),
            ("suspended", "Suspendu", "Suspended"),
        ],
    },
    FixedList {
        name: "participant_role",
        entries: &[
            ("funding", "Bailleur", "Funding"),
            ("accountable", "Responsable", "Accountable"),
            ("extending", "Gestionnaire des fonds", "Extending"),
            ("implementing", "Maître d'œuvre", "Implementing"),
        ],
    },
    FixedList {
        name: "commune",
        entries: &[
            ("commune_i", "Commune I", "Commune I"),
            ("commune_ii", "Commune II", "Commune II"),
            ("commune_iii", "Commune III", "Commune III"),
            ("commune_iv", "Commune IV", "Commune IV"),
            ("commune_v", "Commune V", "Commune V"),
            ("commune_vi", "Commune VI", "Commune VI"),
            ("district", "Tout le District", "District-wide"),
        ],
    },
    FixedList {
        name: "funding_kind",
        entries: &[
            ("pledge", "Annonce", "Pledge"),
            ("commitment", "Engagement", "Commitment"),
            ("disbursement", "Décaissement", "Disbursement"),
            ("expenditure", "Dépense", "Expenditure"),
        ],
    },
    FixedList {
        name: "event_kind",
        entries: &[
            ("round_table", "Table ronde des PTF", "Round table of technical and financial partners"),
            ("delegation_visit", "Visite de délégation", "Delegation visit"),
            ("youth_exchange", "Échange de jeunes", "Youth exchange"),
            ("signing", "Signature", "Signing"),
            ("general_assembly", "Assemblée générale", "General assembly"),
            ("other", "Autre", "Other"),
        ],
    },
    FixedList {
        name: "vitality",
        entries: &[
            ("strong", "Relation forte", "Strong"),
            ("steady", "Relation stable", "Steady"),
            ("weak", "Relation faible", "Weak"),
            ("dormant", "Relation en sommeil", "Dormant"),
        ],
    },
];
