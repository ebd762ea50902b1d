//! The end of a service whose write may find nothing to do (deactivating an inactive account,
//! archiving an archived domain): either a change to commit with its audit, or a unit that changed
//! nothing and commits without an audit entry. Either way the client gets the same answer.
use crate::{
    error::ApiError,
    records::unit_of_work::{Answer, Done, UnitOfWork},
};

/// What a service did: a change (audited), or nothing, with the value the answer is made from.
pub enum Outcome<T> {
    Changed(Done<T>),
    Unchanged(UnitOfWork, T),
}

impl<T> Outcome<T> {
    /// Composes the answer from the value and commits the unit with it (and with the audit entry
    /// when something changed).
    pub async fn respond(self, answer: impl FnOnce(&T) -> Result<Answer, ApiError>) -> Result<Answer, ApiError> {
        match self {
            Outcome::Changed(done) => done.respond(answer).await,
            Outcome::Unchanged(work, value) => {
                let answer = answer(&value)?;
                work.commit_unchanged(&answer).await?;
                Ok(answer)
            }
        }
    }
}

impl<V: serde::Serialize> Outcome<(V, i32)> {
    /// Commits, answering `200` with the record and its ETag.
    pub async fn answer_record(self) -> Result<Answer, ApiError> {
        self.respond(|(view, version)| Answer::record(200, view, *version)).await
    }
}

impl Outcome<()> {
    /// Commits, answering `204 No Content`.
    pub async fn answer_no_content(self) -> Result<Answer, ApiError> {
        self.respond(|()| Ok(Answer::no_content())).await
    }
}
