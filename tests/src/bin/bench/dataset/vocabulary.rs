//! The codes and names the data set draws from, weighted where Bamako's portfolio is uneven.
/// Domains, weighted: water, sanitation, health and education are the big ones in Bamako.
pub const DOMAINS: &[(&str, u64)] = &[
    ("water", 3),
    ("sanitation", 2),
    ("health", 2),
    ("education", 2),
    ("training", 1),
    ("administration", 1),
    ("solid_waste", 1),
    ("roads", 1),
    ("sport_culture", 1),
    ("youth_exchange", 1),
];
pub const DOMAIN_LABELS: &[(&str, &str)] = &[
    ("water", "Adduction d'eau potable"),
    ("sanitation", "Assainissement"),
    ("health", "Centre de santé"),
    ("education", "École"),
    ("training", "Formation des agents"),
    ("administration", "Modernisation de l'état civil"),
    ("solid_waste", "Collecte des déchets"),
    ("roads", "Réhabilitation de voirie"),
    ("sport_culture", "Centre culturel"),
    ("youth_exchange", "Échange de jeunes"),
];
pub const COMMUNES: &[&str] =
    &["commune_i", "commune_ii", "commune_iii", "commune_iv", "commune_v", "commune_vi", "district"];
pub const QUARTERS: &[&str] = &[
    "Bamako-Coura",
    "Badalabougou",
    "Hamdallaye",
    "Lafiabougou",
    "Magnambougou",
    "Niaréla",
    "Sogoniko",
    "Faladié",
    "Kalaban-Coura",
    "Djélibougou",
    "Banconi",
    "Sébénikoro",
];
pub const DIVISIONS: &[&str] = &["twinning", "decentralized_cooperation"];
pub const ROLES: &[&str] = &["funding", "accountable", "extending", "implementing"];
pub const PARTNER_KINDS: &[(&str, u64)] = &[
    ("city", 40),
    ("technical_financial_partner", 15),
    ("ngo", 20),
    ("international_organization", 10),
    ("local_government_network", 5),
    ("state_service", 5),
    ("private", 5),
];
pub const COUNTRIES: &[&str] =
    &["FR", "DE", "SN", "BF", "GN", "MA", "CN", "US", "BE", "CA", "IT", "ES", "TN", "CI", "NE"];
pub const FUNDING_KINDS: &[(&str, u64)] = &[("pledge", 2), ("commitment", 3), ("disbursement", 3), ("expenditure", 2)];
