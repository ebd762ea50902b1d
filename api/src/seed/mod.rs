//! The city's portfolio as the seed document describes it (`shared/seed/`: « Axe de coopération »,
//! DJCD, Mairie du District de Bamako), loaded once on a fresh database. Loading is idempotent and
//! never overwrites later edits: a `seed_run` row marks the data set as loaded, and is written in
//! the same transaction as the data.
//!
//! Where the document contradicts itself (Parakou and Fès are listed both as twinned and as in
//! gestation) there is one record per partner, and the ambiguity is noted in the records.
//!
//! The data and the loading of each part are in `partners` and `agreements`.
use chrono::Utc;
use entity::seed_run;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, DatabaseConnection, EntityTrait};

use crate::{error::ApiError, records::audit::ChangeContext};

mod agreements;
mod partners;

pub const PORTFOLIO: &str = "portfolio-2026-seed-document";
const SOURCE: &str = "Document « Axe de coopération », DJCD, Mairie du District de Bamako";

/// Loads the portfolio unless it was loaded before. Returns whether it loaded now.
pub async fn load_portfolio(db: &DatabaseConnection) -> Result<bool, ApiError> {
    let txn = crate::db::begin_write(db).await?;
    if seed_run::Entity::find_by_id(PORTFOLIO.to_owned()).one(&txn).await?.is_some() {
        txn.commit().await?;
        return Ok(false);
    }
    seed_run::ActiveModel { name: Set(PORTFOLIO.to_owned()), loaded_at: Set(Utc::now()) }.insert(&txn).await?;
    let context = ChangeContext::system();
    let now = Utc::now();
    let ids = partners::load(&txn, &context, now).await?;
    agreements::load(&txn, &context, now, &ids).await?;
    txn.commit().await?;
    Ok(true)
}
