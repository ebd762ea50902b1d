//! Partners on a map: the GeoJSON report.
use actix_web::{HttpResponse, get, web};
use uuid::Uuid;

use super::common::{StatsQuery, division_value, rows};
use crate::{
    auth::{Authorized, policy::ReadStats},
    error::ApiError,
    state::AppState,
};

/// Partners on a map: a GeoJSON FeatureCollection
///
/// Every live partner with coordinates, as a Point ([longitude, latitude]) with its name, kind,
/// country and number of live agreements. With `division`, only partners party to an agreement of
/// that division.
#[utoipa::path(tag = "stats", params(StatsQuery),
    responses((status = 200, description = "A GeoJSON FeatureCollection", content_type = "application/geo+json", body = Object)))]
#[get("/partners.geojson")]
pub async fn partners_geojson(
    _caller: Authorized<ReadStats>,
    state: web::Data<AppState>,
    query: web::Query<StatsQuery>,
) -> Result<HttpResponse, ApiError> {
    let (from, to) = query.check()?;
    let sql = "SELECT pa.id, pa.name, pa.kind, pa.country, pa.latitude, pa.longitude, \
        (SELECT COUNT(*) FROM agreement_party ap JOIN agreement a ON a.id = ap.agreement_id \
         WHERE ap.partner_id = pa.id AND a.archived_at IS NULL AND (CAST(? AS TEXT) IS NULL OR a.division = ?) \
         AND (CAST(? AS INTEGER) = 0 OR a.signed_year BETWEEN ? AND ?)) AS agreements \
        FROM partner pa WHERE pa.archived_at IS NULL AND pa.latitude IS NOT NULL AND pa.longitude IS NOT NULL ORDER BY pa.name";
    let period = i32::from(query.year_from.is_some() || query.year_to.is_some());
    let found = rows(
        &state.db,
        sql,
        vec![division_value(query.division), division_value(query.division), period.into(), from.into(), to.into()],
    )
    .await?;
    let mut features = Vec::new();
    for row in found {
        let agreements: i64 = row.try_get("", "agreements")?;
        if (query.division.is_some() || period == 1) && agreements == 0 {
            continue;
        }
        let id: Uuid = row.try_get("", "id")?;
        let latitude: f64 = row.try_get("", "latitude")?;
        let longitude: f64 = row.try_get("", "longitude")?;
        features.push(serde_json::json!({
            "type": "Feature",
            "id": id,
            "geometry": {"type": "Point", "coordinates": [longitude, latitude]},
            "properties": {
                "name": row.try_get::<String>("", "name")?,
                "kind": row.try_get::<String>("", "kind")?,
                "country": row.try_get::<String>("", "country")?,
                "agreements": agreements,
            }
        }));
    }
    let collection = serde_json::json!({"type": "FeatureCollection", "features": features});
    Ok(HttpResponse::Ok().content_type("application/geo+json").body(collection.to_string()))
}
