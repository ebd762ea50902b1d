//! `GET /projects` and `GET /projects/{id}`: the reads of scenarios (a), (b) and (f).
use std::collections::HashMap;

use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, Utc};
use sea_orm::sqlx::{self, AssertSqlSafe, Row};
use serde::Deserialize;
use uuid::Uuid;

use super::{
    PARTNER_COLUMNS, Pool, State, failed,
    json::{Money, Page, Participant, PartnerRef, Project},
    list_sql, one_sql, placeholders,
};

#[derive(Deserialize)]
pub struct ListQuery {
    pub domain: String,
    pub status: String,
    pub limit: Option<i64>,
}

#[get("/projects")]
pub async fn list_projects(state: web::Data<State>, query: web::Query<ListQuery>) -> HttpResponse {
    let limit = query.limit.unwrap_or(50).clamp(1, 200);
    let result: Result<Page<Project>, sqlx::Error> = on_pool!(&state.pool, p, sql => {
        async {
            let rows = sqlx::query(sql(&list_sql()))
                .bind(query.status.clone())
                .bind(query.domain.clone())
                .bind(limit + 1)
                .fetch_all(p)
                .await?;
            let mut projects = Vec::with_capacity(rows.len());
            for row in &rows {
                projects.push(project_row!(row));
            }
            let more = projects.len() as i64 > limit;
            projects.truncate(limit as usize);
            let next_cursor = more.then(|| projects.last().map(|p| p.id.to_string())).flatten();
            Ok(Page { items: with_links!(p, sql, projects), next_cursor })
        }
        .await
    });
    match result {
        Ok(page) => HttpResponse::Ok().json(page),
        Err(error) => failed(error),
    }
}

#[get("/projects/{id}")]
pub async fn one_project(state: web::Data<State>, id: web::Path<Uuid>) -> HttpResponse {
    let result: Result<Option<Project>, sqlx::Error> = on_pool!(&state.pool, p, sql => {
        async {
            let row = sqlx::query(sql(&one_sql())).bind(*id).bind(1i64).fetch_optional(p).await?;
            match row {
                Some(row) => Ok(with_links!(p, sql, vec![project_row!(&row)]).pop()),
                None => Ok(None),
            }
        }
        .await
    });
    match result {
        Ok(Some(project)) => HttpResponse::Ok().json(project),
        Ok(None) => HttpResponse::NotFound().finish(),
        Err(error) => failed(error),
    }
}
