//! The HTTP answer of a list (`records::listing::Listing`): its JSON page, or every row as CSV
//! when the client asks for `text/csv`. The list itself (filters, order, keyset pages) stays in
//! `records`, which knows nothing of requests.
use std::future::Future;

use actix_web::{HttpRequest, HttpResponse};
use sea_orm::{DatabaseConnection, EntityTrait};
use serde::Serialize;
use utoipa::ToSchema;

use crate::{
    error::ApiError,
    http::export::{self, CsvFormat},
    records::listing::{Listing, PageRequest},
};

impl<E> Listing<E>
where
    E: EntityTrait,
    E::Model: Send + Sync,
{
    /// The list's answer: every row as CSV when the client asks for `text/csv` (file `name`), else
    /// the page `request` names, its items made by `to_items` and wrapped by `body`.
    #[allow(clippy::too_many_arguments)]
    pub async fn respond<T, L, F, Fut>(
        self,
        req: &HttpRequest,
        db: &DatabaseConnection,
        request: PageRequest<'_>,
        name: &str,
        to_items: F,
        body: impl FnOnce(Vec<T>, Option<String>, Option<u64>) -> L,
    ) -> Result<HttpResponse, ApiError>
    where
        E::Column: 'static,
        T: Serialize + ToSchema + 'static,
        L: Serialize,
        F: Fn(DatabaseConnection, Vec<E::Model>) -> Fut + Clone + 'static,
        Fut: Future<Output = Result<Vec<T>, ApiError>> + 'static,
    {
        if let Some(format) = CsvFormat::requested(req) {
            return Ok(export::stream(format, name, self.batches(db.clone(), to_items)));
        }
        let paged = self.page(db, request).await?;
        let items = to_items(db.clone(), paged.rows).await?;
        Ok(HttpResponse::Ok().json(body(items, paged.next_cursor, paged.total)))
    }

    /// The JSON page of a list that has no CSV export: the page `request` names, its rows made
    /// into items by `to_item` and wrapped by `body`.
    pub async fn respond_json<T, L>(
        self,
        db: &DatabaseConnection,
        request: PageRequest<'_>,
        to_item: impl Fn(E::Model) -> Result<T, ApiError>,
        body: impl FnOnce(Vec<T>, Option<String>, Option<u64>) -> L,
    ) -> Result<HttpResponse, ApiError>
    where
        L: Serialize,
    {
        let paged = self.page(db, request).await?;
        let items = paged.rows.into_iter().map(to_item).collect::<Result<Vec<_>, _>>()?;
        Ok(HttpResponse::Ok().json(body(items, paged.next_cursor, paged.total)))
    }
}
