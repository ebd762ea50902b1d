//! Queries about domains that other resources need.
use entity::{agreement, agreement_domain, partner, partner_domain, project, project_domain};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, sea_query::Query};

pub use crate::domain::domain_tags::check_domains;

/// How many live (not archived) records name the domain `code`. Each resource that attaches
/// domains adds its table here, so that a domain in use cannot be archived.
pub async fn count_uses(db: &impl ConnectionTrait, code: &str) -> Result<u64, DbErr> {
    let live_partners = Query::select()
        .column(partner::Column::Id)
        .from(partner::Entity)
        .and_where(partner::Column::ArchivedAt.is_null())
        .to_owned();
    let partners = partner_domain::Entity::find()
        .filter(partner_domain::Column::DomainCode.eq(code))
        .filter(partner_domain::Column::PartnerId.in_subquery(live_partners))
        .count(db)
        .await?;
    let live_agreements = Query::select()
        .column(agreement::Column::Id)
        .from(agreement::Entity)
        .and_where(agreement::Column::ArchivedAt.is_null())
        .to_owned();
    let agreements = agreement_domain::Entity::find()
        .filter(agreement_domain::Column::DomainCode.eq(code))
        .filter(agreement_domain::Column::AgreementId.in_subquery(live_agreements))
        .count(db)
        .await?;
    let live_projects = Query::select()
        .column(project::Column::Id)
        .from(project::Entity)
        .and_where(project::Column::ArchivedAt.is_null())
        .to_owned();
    let projects = project_domain::Entity::find()
        .filter(project_domain::Column::DomainCode.eq(code))
        .filter(project_domain::Column::ProjectId.in_subquery(live_projects))
        .count(db)
        .await?;
    Ok(partners + agreements + projects)
}
