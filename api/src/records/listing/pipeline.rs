//! The one list pipeline: the request's filters make a `Listing`; a JSON request gets its total
//! (when asked), its keyset page and the page's cursor; a `text/csv` request gets every row,
//! walked in the same order page after page, under the columns the item type declares. The HTTP
//! answer itself (`Listing::respond`) is built in `http::listing`.
use std::future::Future;

use futures_util::Stream;
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, Select};
use uuid::Uuid;

use super::{Sort, SortValue, fingerprint, keyset, page};
use crate::error::ApiError;

/// The rows of a list (a select with the request's filters), their order, and how to read a row's
/// position (its sort value and id) for the cursor after it.
pub struct Listing<E: EntityTrait> {
    pub select: Select<E>,
    pub sort: Sort<'static>,
    pub id_column: E::Column,
    pub position: fn(&Sort, &E::Model) -> (SortValue, Uuid),
}

impl<E: EntityTrait> Clone for Listing<E> {
    fn clone(&self) -> Self {
        Self { select: self.select.clone(), sort: self.sort, id_column: self.id_column, position: self.position }
    }
}

/// What a page asks for: where it starts, how many rows, and whether to count them all.
pub struct PageRequest<'a> {
    pub cursor: Option<&'a str>,
    pub limit: u64,
    pub include_total: bool,
}

/// A page of rows, the cursor of the next page, and the total when asked.
pub struct Paged<M> {
    pub rows: Vec<M>,
    pub next_cursor: Option<String>,
    pub total: Option<u64>,
}

/// The batch size of exports: large enough to be quick, small enough to keep memory flat.
pub const BATCH: u64 = 500;

impl<E> Listing<E>
where
    E: EntityTrait,
    E::Model: Send + Sync,
{
    /// One page: the total when asked, then the rows after the cursor in the list's order.
    pub async fn page(self, db: &impl ConnectionTrait, request: PageRequest<'_>) -> Result<Paged<E::Model>, ApiError> {
        let filters = fingerprint(&self.select);
        let rows = keyset(self.select.clone(), &self.sort, self.id_column, request.cursor, request.limit)?;
        let total = if request.include_total { Some(self.select.count(db).await?) } else { None };
        let rows = rows.all(db).await?;
        let (sort, position) = (self.sort, self.position);
        let (rows, next_cursor) = page(rows, request.limit, &sort, &filters, |row| position(&sort, row));
        Ok(Paged { rows, next_cursor, total })
    }

    /// Every row, page after page of `BATCH` rows in the list's order (the order of the JSON pages
    /// for the same query), each page turned into items by `to_items` (which loads what the rows
    /// link to, a page at a time).
    pub fn batches<T, F, Fut>(
        self,
        db: DatabaseConnection,
        to_items: F,
    ) -> impl Stream<Item = Result<Vec<T>, ApiError>> + 'static
    where
        E::Column: 'static,
        F: Fn(DatabaseConnection, Vec<E::Model>) -> Fut + Clone + 'static,
        Fut: Future<Output = Result<Vec<T>, ApiError>> + 'static,
    {
        // State: `None` when done, else the cursor the next page starts after (`None` at first).
        futures_util::stream::unfold(Some(None::<String>), move |state| {
            let (listing, db, to_items) = (self.clone(), db.clone(), to_items.clone());
            async move {
                let cursor = state?;
                let request = PageRequest { cursor: cursor.as_deref(), limit: BATCH, include_total: false };
                let paged = match listing.page(&db, request).await {
                    Ok(paged) => paged,
                    Err(error) => return Some((Err(error), None)),
                };
                let next = paged.next_cursor.map(Some);
                Some((to_items(db, paged.rows).await, next))
            }
        })
    }
}
