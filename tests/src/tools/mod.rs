//! Process management shared by the `bench` and `reliability` binaries: free ports, signals, the
//! release `api` server as a child process, throwaway PostgreSQL clusters (the commands of
//! `.ci/postgres.sh`) and tmpfs mounts, each registered so that it is undone on every way out.
pub mod postgres;
pub mod processes;
pub mod server;

pub use postgres::{PgCluster, PgOptions};
pub use processes::{cleanup_all, free_port, mount_tmpfs, signal, unmount};
pub use server::{api_command, wait_ready};
