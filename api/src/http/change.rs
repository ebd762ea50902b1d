//! `Change<A>`: what every write handler needs, in one extractor — a caller allowed to do `A`, the
//! request's audit context (request id, claimed `Idempotency-Key`) and the database to open the
//! unit of work on.
use std::{future::Future, pin::Pin};

use actix_web::{FromRequest, HttpRequest, dev::Payload, web};
use sea_orm::DatabaseConnection;

use super::middleware::RequestId;
use crate::{
    auth::{Authorized, policy::ActionMarker},
    error::ApiError,
    records::{audit::ChangeContext, unit_of_work::UnitOfWork},
    state::AppState,
};

/// A change requested by a caller allowed to do action `A`. Put it first among a handler's
/// arguments, so that the permission is checked before the body is read.
pub struct Change<A: ActionMarker> {
    pub caller: Authorized<A>,
    pub context: ChangeContext,
    db: DatabaseConnection,
}

impl<A: ActionMarker> Change<A> {
    /// Opens the change's unit of work (its transaction).
    pub async fn begin(&self) -> Result<UnitOfWork, ApiError> {
        UnitOfWork::begin(&self.db, self.context.clone()).await
    }

    /// The database, for the writes that open their unit of work themselves.
    pub fn db(&self) -> &DatabaseConnection {
        &self.db
    }
}

impl<A: ActionMarker> std::ops::Deref for Change<A> {
    type Target = Authorized<A>;

    fn deref(&self) -> &Authorized<A> {
        &self.caller
    }
}

impl<A: ActionMarker + 'static> FromRequest for Change<A> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let caller = Authorized::<A>::from_request(req, payload);
        let request_id = RequestId::from_request(req, payload).into_inner();
        let state = req.app_data::<web::Data<AppState>>().cloned();
        Box::pin(async move {
            let caller = caller.await?;
            let request_id = request_id.map_err(|_| ApiError::Internal(anyhow::anyhow!("no request id")))?;
            let state = state.ok_or_else(|| ApiError::Internal(anyhow::anyhow!("no app state")))?;
            let context = ChangeContext::new(&caller, &request_id);
            Ok(Change { caller, context, db: state.db.clone() })
        })
    }
}
