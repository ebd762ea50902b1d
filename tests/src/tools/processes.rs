//! Ports, signals and the registry of what a harness started (server pids, PostgreSQL clusters,
//! tmpfs mounts), so that `cleanup_all` stops it by pid on every way out, ctrl-c included.
use std::{
    path::{Path, PathBuf},
    process::Stdio,
    sync::Mutex,
};

use anyhow::{Context, bail};

/// What to undo on the way out (also on ctrl-c): server pids, PostgreSQL data folders, mounts.
#[derive(Default)]
pub(crate) struct Registry {
    pub(crate) pids: Vec<u32>,
    /// (bin folder, cluster folder) of each PostgreSQL cluster.
    pub(crate) clusters: Vec<(PathBuf, PathBuf)>,
    pub(crate) mounts: Vec<PathBuf>,
}

static REGISTRY: Mutex<Registry> = Mutex::new(Registry { pids: Vec::new(), clusters: Vec::new(), mounts: Vec::new() });

pub(crate) fn registry() -> std::sync::MutexGuard<'static, Registry> {
    REGISTRY.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Registers a child's pid, so that `cleanup_all` kills it if the harness stops first.
pub fn register_pid(pid: u32) {
    registry().pids.push(pid);
}

/// Forgets a pid once its process is gone.
pub fn forget_pid(pid: u32) {
    registry().pids.retain(|p| *p != pid);
}

/// Stops every process the harness started and is still running, stops its clusters, unmounts.
pub fn cleanup_all() {
    let (pids, clusters, mounts) = {
        let mut r = registry();
        (std::mem::take(&mut r.pids), std::mem::take(&mut r.clusters), std::mem::take(&mut r.mounts))
    };
    for pid in pids {
        signal(pid, "KILL");
    }
    for (bin, dir) in clusters {
        let _ = super::postgres::as_pg_user(&format!(
            "'{}/pg_ctl' -D '{}/data' -m immediate -w stop",
            bin.display(),
            dir.display()
        ))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
        let _ = std::fs::remove_dir_all(&dir);
    }
    for mount in mounts {
        let _ = std::process::Command::new("umount").arg("-l").arg(&mount).status();
        let _ = std::fs::remove_dir_all(&mount);
    }
}

/// Sends signal `name` (`TERM`, `KILL`, `STOP`, `CONT`…) to `pid`, ignoring a process already gone.
pub fn signal(pid: u32, name: &str) {
    let _ = std::process::Command::new("kill")
        .arg("-s")
        .arg(name)
        .arg(pid.to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

/// A free TCP port of 127.0.0.1.
pub fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

pub(crate) fn is_root() -> bool {
    std::process::Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.starts_with(b"0\n"))
}

/// Runs `command`, failing with its output when it exits non-zero.
pub(crate) fn run_checked(mut command: std::process::Command, what: &str) -> anyhow::Result<()> {
    let output = command.output().with_context(|| format!("cannot run {what}"))?;
    if !output.status.success() {
        bail!(
            "{what} failed ({}): {}{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(())
}

/// A tmpfs of `size_mb` megabytes mounted on a fresh folder (needs root).
pub fn mount_tmpfs(size_mb: u32) -> anyhow::Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("djcd-reliability-tmpfs-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir)?;
    let mut command = std::process::Command::new("mount");
    command.args(["-t", "tmpfs", "-o", &format!("size={size_mb}m"), "tmpfs"]).arg(&dir);
    run_checked(command, "mount -t tmpfs (the disk-full fault needs root)")?;
    registry().mounts.push(dir.clone());
    Ok(dir)
}

pub fn unmount(dir: &Path) {
    let _ = std::process::Command::new("umount").arg(dir).status();
    let _ = std::fs::remove_dir_all(dir);
    registry().mounts.retain(|d| d != dir);
}
