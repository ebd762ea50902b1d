//! The OpenAPI document: collected from the routes' `#[utoipa::path]` attributes, then completed by
//! rules that mirror the shared mechanisms (every body can be refused with 400/413/415/422, every
//! `PUT`/`PATCH`/`DELETE` needs `If-Match`, every path id can be unknown…), so that each operation lists
//! the statuses the server can really return.
use actix_web::App;
use serde_json::{Value, json};
use utoipa::OpenApi;
use utoipa_actix_web::AppExt;

use crate::routes;

mod constraints;
mod links;
mod operations;
mod problems;
mod responses;
mod security;

use constraints::{add_pair_rules, add_role_rules, constrain_request_schemas};
use links::add_links;
use operations::complete_operation;
use problems::{add_problem_examples, add_problem_responses, prune_unused_responses};
use responses::require_response_members;
use security::add_security_schemes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "DJCD API",
        description = include_str!("description.md"),
        contact(name = "Direction du Jumelage et de la Coopération Décentralisée, Mairie du District de Bamako", email = "djcd@bamako.ml"),
        license(name = "MIT", identifier = "MIT"),
    ),
    servers((url = "/", description = "This server (local, test or production): the document is served by the API it describes")),
    components(schemas(crate::error::ProblemDocument, crate::error::FieldErrorDocument, crate::error::ProblemCode)),
    tags(
        (name = "health", description = "Probes for orchestrators: liveness and readiness."),
        (name = "vocabularies", description = "Every code list of the API with French and English labels. / Toutes les listes de codes de l'API, libellés en français et en anglais."),
        (name = "auth", description = "Sign-in for the DJCD's staff (e-mail and password, rotating refresh tokens) and for partners' systems (OAuth 2.0 client credentials). / Connexion du personnel et des systèmes partenaires."),
        (name = "users", description = "The DJCD's people (director, division heads, agents) and partners' machine accounts, managed by the director. / Les comptes du personnel et des systèmes partenaires."),
        (name = "staff", description = "The staff directory: who works at the DJCD, readable by every member of the staff. / L'annuaire du personnel."),
        (name = "partners", description = "The organisations the city works with: partner cities, networks of local governments (AIMF, METROPOLIS, UCLG Africa…), technical and financial partners (PTF: donors and development agencies), NGOs, State services. / Les partenaires de la ville : villes, réseaux, PTF, ONG, services de l'État."),
        (name = "agreements", description = "Twinnings (jumelages), decentralized-cooperation conventions (coopération décentralisée), network memberships, memoranda and financing agreements, with the life of their status: in gestation, active, dormant, suspended, ended. / Jumelages, conventions, adhésions et leur statut."),
        (name = "projects", description = "The city's projects: their status (IATI activity status), append-only timeline, participants (IATI organisation roles), communes and financing. / Les projets de la ville, leur avancement et leur financement."),
        (name = "financing", description = "Funding lines (pledges, commitments, disbursements, expenditures) as exact decimal strings in their currency, and the exchange rates to XOF (EUR at the fixed parity 655.957). / Lignes de financement et taux de change."),
        (name = "partner", description = "For partner cities' and donors' systems (machine accounts, OAuth 2.0 client credentials): the projects they take part in, their timeline and a change feed, with conditional requests and a per-account rate limit. / Pour les systèmes des partenaires."),
        (name = "webhooks", description = "Signed notifications of changes to partner systems, retried for 24 hours, with a delivery log. / Notifications signées aux systèmes partenaires."),
        (name = "iati", description = "Projects published as IATI 2.03 activities (International Aid Transparency Initiative). / Publication IATI des projets."),
        (name = "evaluations", description = "Periodic evaluations of the partnerships, on a cadence per agreement, signed off by the division head or the director. / Évaluations périodiques des partenariats."),
        (name = "events", description = "Round tables of technical and financial partners (PTF), delegation visits, youth exchanges, signings, general assemblies, and the pledges announced at round tables. / Événements : tables rondes des PTF, visites, échanges."),
        (name = "stats", description = "The dashboard: agreements, projects and financing figures (the share of classic PTFs), inactive relations, pledges followed to disbursement, partners on a map (GeoJSON). / Tableau de bord."),
        (name = "audit", description = "Who changed what, when, in which request, with the values before and after. / Le journal des modifications."),
        (name = "domains", description = "The domains of cooperation (formation, santé, hydraulique, voirie…) that partners, agreements and projects are tagged with. / Les domaines de coopération."),
    )
)]
struct BaseDocument;

/// The document the server serves at `/api-docs/openapi.json` and `openapi/openapi.json` holds.
pub fn document() -> Value {
    let (_, generated) = App::new()
        .into_utoipa_app()
        .openapi(BaseDocument::openapi())
        .configure(routes::configure_all)
        .split_for_parts();
    let mut document = serde_json::to_value(&generated).unwrap_or_else(|_| json!({}));
    complete(&mut document);
    document
}

fn complete(document: &mut Value) {
    add_problem_responses(document);
    add_security_schemes(document);
    document["servers"][0]["x-internal"] = json!(false);
    constrain_request_schemas(document);
    require_response_members(document);
    add_role_rules(document);
    add_pair_rules(document);
    let Some(paths) = document.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for (method, operation) in item.iter_mut() {
            let Some(operation) = operation.as_object_mut() else {
                continue;
            };
            complete_operation(path, method, operation);
        }
    }
    add_links(document);
    add_problem_examples(document);
    prune_unused_responses(document);
}

#[cfg(test)]
mod tests {
    use super::{constraints::value_kind, *};
    use crate::auth::policy;

    #[test]
    fn every_operation_has_an_operation_id_a_summary_and_a_tag() {
        let document = document();
        let paths = document["paths"].as_object().expect("paths");
        assert!(!paths.is_empty());
        for (path, item) in paths {
            for (method, operation) in item.as_object().expect("path item") {
                let name = format!("{method} {path}");
                assert!(operation["operationId"].is_string(), "{name} has no operationId");
                assert!(operation["summary"].is_string(), "{name} has no summary");
                assert!(operation["tags"].as_array().is_some_and(|t| !t.is_empty()), "{name} has no tag");
            }
        }
    }

    #[test]
    fn idempotency_keys_have_no_example_for_swagger_ui_to_prefill() {
        let document = document();
        let mut seen = 0;
        for (path, item) in document["paths"].as_object().expect("paths") {
            for (method, operation) in item.as_object().expect("path item") {
                for parameter in operation["parameters"].as_array().into_iter().flatten() {
                    if parameter["name"] == "Idempotency-Key" {
                        seen += 1;
                        assert!(parameter.get("example").is_none(), "{method} {path} pre-fills Idempotency-Key");
                        assert!(parameter.get("examples").is_none(), "{method} {path} pre-fills Idempotency-Key");
                    }
                }
            }
        }
        assert!(seen > 10, "only {seen} operations take Idempotency-Key");
    }

    #[test]
    fn every_operation_is_in_the_policy_table() {
        let document = document();
        for (path, item) in document["paths"].as_object().expect("paths") {
            for (method, operation) in item.as_object().expect("path item") {
                let id = operation["operationId"].as_str().unwrap_or("");
                assert!(policy::operation_action(id).is_some(), "{method} {path} ({id}) is not in policy::OPERATIONS");
            }
        }
    }

    #[test]
    fn creations_link_to_the_operations_on_what_they_created() {
        let document = document();
        let links = |path: &str| {
            let links = document["paths"][path]["post"]["responses"]["201"]["links"].as_object().cloned();
            links.unwrap_or_default()
        };
        let partner = links("/api/v1/partners");
        assert_eq!(partner["get_partner"]["parameters"]["id"], "$response.body#/id");
        assert!(partner.contains_key("update_partner") && partner.contains_key("archive_partner"));
        assert_eq!(links("/api/v1/users")["get_user"]["parameters"]["id"], "$response.body#/account/id");
        assert!(!links("/api/v1/users").contains_key("get_machine_account"));
        assert_eq!(
            links("/api/v1/machine-accounts")["get_machine_account"]["parameters"]["id"],
            "$response.body#/account/id"
        );
        assert_eq!(links("/api/v1/domains")["get_domain"]["parameters"]["code"], "$response.body#/code");
        assert!(links("/api/v1/events/{id}/pledges").contains_key("get_funding_line"));
        assert!(links("/api/v1/projects").contains_key("create_status_update"));
        assert_eq!(links("/api/v1/webhooks")["get_webhook"]["parameters"]["id"], "$response.body#/webhook/id");
    }

    #[test]
    fn every_reference_resolves() {
        fn walk(value: &Value, document: &Value) {
            match value {
                Value::Object(map) => {
                    if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
                        let pointer = reference.trim_start_matches('#');
                        assert!(document.pointer(pointer).is_some(), "unresolved {reference}");
                    }
                    map.values().for_each(|child| walk(child, document));
                }
                Value::Array(items) => items.iter().for_each(|child| walk(child, document)),
                _ => {}
            }
        }
        let document = document();
        walk(&document, &document);
    }

    /// A value kind named in a DTO (`format = "country"`) never reaches the document: it is
    /// replaced by the server's rule wherever a request uses it, and no response-only schema uses one.
    #[test]
    fn value_kinds_are_all_replaced() {
        fn walk(value: &Value, at: &str) {
            match value {
                Value::Object(map) => {
                    if let Some(format) = map.get("format").and_then(Value::as_str) {
                        assert!(value_kind(format).is_none(), "{at}: format {format} left in the document");
                    }
                    map.iter().for_each(|(key, child)| walk(child, &format!("{at}/{key}")));
                }
                Value::Array(items) => items.iter().for_each(|child| walk(child, at)),
                _ => {}
            }
        }
        walk(&document(), "");
    }

    #[test]
    fn bodies_and_versions_get_their_problem_responses() {
        let document = document();
        let patch = &document["paths"]["/api/v1/domains/{code}"]["patch"]["responses"];
        for status in ["400", "404", "412", "413", "415", "422", "428", "503"] {
            assert!(patch[status].is_object(), "PATCH /domains/{{code}} lacks {status}");
        }
    }
}
