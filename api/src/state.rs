//! The state every handler shares.
use sea_orm::DatabaseConnection;

use crate::config::Settings;

pub struct AppState {
    pub db: DatabaseConnection,
    pub settings: Settings,
}
