//! A project's financing and its funding lines. The summary is computed by
//! `domain::projects::financing`; the lines themselves are funding lines' (`routes::funding_lines`).
use actix_web::{HttpResponse, get, post, web};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

pub use crate::domain::projects::financing::ProjectFinancing;
use crate::http::change::Change;
use crate::records::unit_of_work::Answer;
use crate::{
    auth::{
        Authorized,
        policy::{ReadProjects, WriteProjects},
    },
    domain::{
        funding_lines,
        projects::{financing::financing, store},
    },
    error::ApiError,
    http::extract::ApiJson,
    routes::funding_lines::dto::{CreateFundingLine, FundingLineList, ListFundingLinesQuery},
    state::AppState,
};

/// A project's financing
///
/// Budget; pledged, committed, disbursed and spent per funder and in total, in the original
/// currencies and in XOF (EUR at the fixed parity 655.957, other currencies at the director's
/// dated rates; each line rounded to the franc), and the share of classic PTFs.
#[utoipa::path(
    tag = "projects",
    params(("id" = Uuid, Path, description = "The project's id")),
    responses((status = 200, description = "The financing", body = ProjectFinancing))
)]
#[get("/{id}/financing")]
pub async fn get_financing(
    _caller: Authorized<ReadProjects>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(financing(&state.db, *id).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ProjectLinesQuery {
    /// Free text in the reference and the note, case ignored.
    #[param(inline)]
    pub q: Option<crate::validate::SearchParam>,
    /// `created_at` (the default), `updated_at` or `transaction_date`; prefix `-` for descending.
    #[param(inline, example = "-transaction_date")]
    pub sort: Option<crate::routes::funding_lines::dto::FundingLineSort>,
    #[serde(default)]
    pub include_archived: bool,
    #[param(minimum = 1, maximum = 200, default = 50)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// A project's funding lines
#[utoipa::path(
    tag = "projects",
    params(("id" = Uuid, Path, description = "The project's id"), ProjectLinesQuery),
    responses((status = 200, description = "A page of funding lines", body = FundingLineList))
)]
#[get("/{id}/funding-lines")]
pub async fn list_project_funding_lines(
    _caller: Authorized<ReadProjects>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    query: web::Query<ProjectLinesQuery>,
) -> Result<HttpResponse, ApiError> {
    store::find(&state.db, *id).await?;
    let query = ListFundingLinesQuery {
        project: Some(*id),
        partner: None,
        kind: None,
        currency: None,
        from: None,
        to: None,
        q: query.q.clone(),
        sort: query.sort,
        include_archived: query.include_archived,
        include_total: false,
        limit: query.limit,
        cursor: query.cursor.clone(),
    };
    Ok(HttpResponse::Ok().json(crate::routes::funding_lines::page(&state.db, &query).await?))
}

/// Add a funding line to a project
///
/// The partner must take part in the project with the `funding` role; a closed or cancelled
/// project takes no new line (422 naming the rule). The amount is an exact decimal string with no
/// more decimals than its currency has (XOF has none): it is never rounded. Honours
/// `Idempotency-Key`.
#[utoipa::path(
    tag = "projects",
    params(("id" = Uuid, Path, description = "The project's id")),
    request_body = CreateFundingLine,
    responses((status = 201, description = "Created", body = crate::routes::funding_lines::dto::FundingLineResponse, headers(
        ("Location" = String, description = "The new line"), ("ETag" = String, description = "Its version"))))
)]
#[post("/{id}/funding-lines")]
pub async fn create_funding_line(
    change: Change<WriteProjects>,
    id: web::Path<Uuid>,
    body: ApiJson<CreateFundingLine>,
) -> Result<Answer, ApiError> {
    let line = body.into_inner()?.into();
    funding_lines::service::create(change.begin().await?, &change.caller, *id, line, None)
        .await?
        .answer_created(crate::routes::funding_lines::location)
        .await
}
