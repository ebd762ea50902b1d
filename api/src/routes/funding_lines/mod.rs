//! Funding lines: pledges, commitments, disbursements and expenditures of partners to projects,
//! in any currency, exact to the minor unit.
use utoipa_actix_web::service_config::ServiceConfig;

pub mod dto;
pub mod handlers;
pub mod rates;

/// Where a funding line is read (its creation's `Location`).
pub fn location(line: &dto::FundingLineResponse) -> String {
    format!("/api/v1/funding-lines/{}", line.id)
}

/// A page of funding lines matching `query`, oldest first (a project's lines, without CSV).
pub async fn page(
    db: &impl sea_orm::ConnectionTrait,
    query: &dto::ListFundingLinesQuery,
) -> Result<dto::FundingLineList, crate::error::ApiError> {
    use crate::{domain::funding_lines::store, http::pagination::page_limit, records::listing::PageRequest};
    let limit = page_limit(query.limit)?;
    let request = PageRequest { cursor: query.cursor.as_deref(), limit, include_total: query.include_total };
    let paged = store::listing(&query.filter()?)?.page(db, request).await?;
    let items = store::responses(db, paged.rows).await?;
    Ok(dto::FundingLineList { items, next_cursor: paged.next_cursor, total: paged.total })
}

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(scope_with!("/funding-lines" =>
        handlers::{list_funding_lines, get_funding_line, update_funding_line, archive_funding_line,
            restore_funding_line},
    ))
    .service(scope_with!("/exchange-rates" =>
        rates::{list_exchange_rates, create_exchange_rate},
    ));
}
