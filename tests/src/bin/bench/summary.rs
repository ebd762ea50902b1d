//! The run over every backend, and its summary in Markdown with the targets met or missed.

use anyhow::bail;
use chrono::Utc;

use crate::{
    DEEP_PAGE, Options,
    measure::run_backend,
    report::{BackendReport, Report, Summary, load_average, machine},
    workspace,
};

pub async fn run(options: Options) -> anyhow::Result<()> {
    let started_at = Utc::now();
    let out = options.out.clone().unwrap_or_else(|| workspace().join("target").join("bench"));
    std::fs::create_dir_all(&out)?;
    let server_bin = options.server.clone().unwrap_or_else(|| workspace().join("target").join("release").join("api"));
    if !server_bin.exists() {
        bail!("{} is missing: build it with `cargo build --release --bin api`", server_bin.display());
    }
    if std::process::Command::new("wrk").arg("-v").output().is_err() {
        bail!("wrk is missing: install it (Debian/Ubuntu: `apt-get install wrk`)");
    }
    let backends: Vec<String> = if let Some(url) = &options.database_url {
        vec![if url.starts_with("sqlite:") { "sqlite".into() } else { "postgres".into() }]
    } else if options.backends.is_empty() {
        let mut list = vec!["sqlite".to_owned()];
        if options.postgres_url.as_deref().is_some_and(|u| !u.is_empty()) {
            list.push("postgres".into());
        }
        list
    } else {
        options.backends.clone()
    };
    let mut machine = machine(load_average());
    eprintln!(
        "bench: {} projects, {} s × {} runs after {} s of warm-up, {} connections; {} cores, load {}",
        options.projects,
        options.duration,
        options.repetitions,
        options.warmup,
        options.connections,
        machine.cores,
        machine.load_average_start
    );
    let mut reports = Vec::new();
    for backend in &backends {
        reports.push(run_backend(&options, backend, &out, &server_bin).await?);
    }
    machine.load_average_end = load_average();
    let report = Report {
        started_at,
        finished_at: Utc::now(),
        smoke: options.smoke,
        projects: options.projects,
        duration_s: options.duration,
        warmup_s: options.warmup,
        repetitions: options.repetitions,
        connections: options.connections,
        wrk_threads: options.threads,
        machine,
        backends: reports,
    };
    let json = serde_json::to_string_pretty(&report)?;
    let stamp = started_at.format("%Y%m%dT%H%M%SZ");
    std::fs::write(out.join(format!("bench-{stamp}.json")), &json)?;
    std::fs::write(out.join("latest.json"), &json)?;
    let summary = markdown(&report);
    std::fs::write(out.join("summary.md"), &summary)?;
    println!("{summary}");
    eprintln!(
        "results: {} and {}",
        out.join(format!("bench-{stamp}.json")).display(),
        out.join("summary.md").display()
    );
    Ok(())
}

pub fn find<'a>(report: &'a BackendReport, key: &str, server: &str) -> Option<&'a Summary> {
    report.results.iter().find(|r| r.key == key && r.server == server).map(|r| &r.median)
}

pub fn mb(kb: u64) -> String {
    format!("{:.1}", kb as f64 / 1024.0)
}

pub fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "**missed**" }
}

pub fn markdown(report: &Report) -> String {
    let m = &report.machine;
    let mut md = String::new();
    md.push_str(&format!("# DJCD API benchmark, {}\n\n", report.started_at.format("%Y-%m-%d %H:%M UTC")));
    if report.smoke {
        md.push_str("**Smoke run** (tiny data set, seconds per scenario): it proves the benchmark works; its numbers mean nothing.\n\n");
    }
    md.push_str(&format!(
        "- Machine: {} × {} ({} MB RAM, Linux {}); load average {} at the start, {} at the end. The API, the baseline, \
         the database and wrk share these cores.\n",
        m.cores, m.cpu, m.memory_mb, m.kernel, m.load_average_start, m.load_average_end
    ));
    md.push_str(&format!(
        "- Load: {}, {} connections, {} threads; {} s of warm-up per scenario and server, then {} interleaved runs of {} s; medians.\n",
        m.wrk, report.connections, report.wrk_threads, report.warmup_s, report.repetitions, report.duration_s
    ));
    md.push_str(&format!(
        "- Commit {}; the release server with its defaults (workers = cores, 10 database connections).\n\n",
        m.git_commit
    ));
    for backend in &report.backends {
        let d = &backend.data;
        md.push_str(&format!("## {} ({})\n\n", backend.backend, backend.server_version));
        md.push_str(&format!(
            "Data: {} partners, {} projects, {} project domains, {} communes, {} participants, {} funding lines, \
             {} status updates, {} change events{}. Partner of (c)/(d): {} projects.\n\n",
            d.partners,
            d.projects,
            d.project_domains,
            d.project_communes,
            d.participants,
            d.funding_lines,
            d.status_updates,
            d.change_events,
            if d.seconds > 0.0 { format!(" (written in {:.1} s)", d.seconds) } else { String::new() },
            backend.partner_projects
        ));
        md.push_str("| scenario | server | conn. | req/s | 2xx–3xx req/s | p50 ms | p99 ms | errors | peak RSS MB |\n");
        md.push_str("|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for r in &backend.results {
            let s = &r.median;
            md.push_str(&format!(
                "| ({}) {} | {} | {} | {:.0} | {:.0} | {:.2} | {:.2} | {} | {} |\n",
                r.key,
                r.description,
                r.server,
                r.connections,
                s.rps,
                s.ok_rps,
                s.p50_ms,
                s.p99_ms,
                s.errors,
                mb(s.peak_rss_kb)
            ));
        }
        md.push_str(&format!(
            "\nResident memory: API {} MB after start, {} MB after the set-up (logins, walks), peak {} MB (VmHWM); \
             baseline {} MB after start, peak {} MB.\n\n",
            mb(backend.api_rss_after_start_kb),
            mb(backend.api_rss_after_setup_kb),
            mb(backend.api_hwm_kb),
            mb(backend.baseline_rss_after_start_kb),
            mb(backend.baseline_hwm_kb)
        ));
        let mut ratios = Vec::new();
        for key in ["a", "b", "c"] {
            if let (Some(a), Some(b)) = (find(backend, key, "api"), find(backend, key, "baseline")) {
                ratios.push(format!(
                    "({key}) {:.2} (p99 {:.1} vs {:.1} ms)",
                    if b.rps > 0.0 { a.rps / b.rps } else { 0.0 },
                    a.p99_ms,
                    b.p99_ms
                ));
            }
        }
        if !ratios.is_empty() {
            md.push_str(&format!("API ÷ baseline, req/s: {}.\n\n", ratios.join("; ")));
        }
        if let (Some(first), Some(deep)) = (find(backend, "a", "api"), find(backend, "f", "api")) {
            md.push_str(&format!(
                "(f) page {} vs page 1: p50 {:.2} vs {:.2} ms (× {:.2}), req/s {:.0} vs {:.0}.\n",
                backend.deep_page,
                deep.p50_ms,
                first.p50_ms,
                deep.p50_ms / first.p50_ms.max(1e-9),
                deep.rps,
                first.rps
            ));
        }
        md.push_str(&format!("(f): {}.\n\n", backend.deep_page_note));
        for note in &backend.notes {
            md.push_str(&format!("{note}\n\n"));
        }
        md.push_str("<details><summary>Query plans of the SQL the API runs</summary>\n\n");
        for plan in &backend.plans {
            md.push_str(&format!(
                "**{}** — {:.2} ms alone (median of 20)\n\n```sql\n{}\n```\n\n```\n{}\n```\n\n",
                plan.name, plan.median_ms, plan.sql, plan.plan
            ));
        }
        md.push_str("</details>\n\n");
    }
    md.push_str(&targets(report));
    md
}

pub fn targets(report: &Report) -> String {
    let mut md = String::from("## Targets (issue 10)\n\n");
    let reference = report.backends.iter().find(|b| b.backend == "postgres").or_else(|| report.backends.first());
    let Some(reference) = reference else { return md };
    if reference.backend != "postgres" {
        md.push_str("The targets are stated on PostgreSQL; this run had none, so they are checked on SQLite.\n\n");
    }
    md.push_str(&format!("| target ({}) | measured | |\n|---|---|---|\n", reference.backend));
    let mut row = |target: &str, measured: String, met: bool| {
        md.push_str(&format!("| {target} | {measured} | {} |\n", verdict(met)));
    };
    for key in ["a", "b", "c"] {
        if let (Some(a), Some(b)) = (find(reference, key, "api"), find(reference, key, "baseline")) {
            let ratio = if b.rps > 0.0 { a.rps / b.rps } else { 0.0 };
            row(
                &format!("({key}) API ≥ 0.8 × baseline req/s"),
                format!("{ratio:.2} ({:.0} vs {:.0})", a.rps, b.rps),
                ratio >= 0.8,
            );
        }
    }
    for (key, limit) in [("a", 50.0), ("b", 10.0), ("c", 15.0)] {
        if let Some(a) = find(reference, key, "api") {
            row(
                &format!("({key}) p99 ≤ {limit} ms at 32 connections"),
                format!("{:.1} ms", a.p99_ms),
                a.p99_ms <= limit,
            );
        }
    }
    if let (Some(low), Some(high)) = (find(reference, "a@8", "api"), find(reference, "a@64", "api")) {
        let ratio = high.ok_rps / low.ok_rps.max(1e-9);
        row(
            "no collapse: 2xx req/s at 64 connections within 10 % of 8",
            format!("{:.0} vs {:.0} (× {ratio:.2})", high.ok_rps, low.ok_rps),
            ratio >= 0.9,
        );
    }
    if let (Some(first), Some(deep)) = (find(reference, "a", "api"), find(reference, "f", "api")) {
        let ratio = deep.p50_ms / first.p50_ms.max(1e-9);
        let label = if reference.deep_page >= DEEP_PAGE {
            format!("(f) page {DEEP_PAGE} p50 ≤ 1.5 × page 1")
        } else {
            format!("(f) page {} (not {DEEP_PAGE}: data set too small) p50 ≤ 1.5 × page 1", reference.deep_page)
        };
        row(&label, format!("× {ratio:.2} ({:.2} vs {:.2} ms)", deep.p50_ms, first.p50_ms), ratio <= 1.5);
    }
    let peak = reference
        .results
        .iter()
        .filter(|r| r.server == "api")
        .map(|r| r.median.peak_rss_kb)
        .max()
        .unwrap_or(0)
        .max(reference.api_hwm_kb);
    row("peak RSS under load ≤ 64 MB", format!("{} MB", mb(peak)), peak <= 64 * 1024);
    if let (Some(sqlite), Some(pg)) = (
        report.backends.iter().find(|b| b.backend == "sqlite"),
        report.backends.iter().find(|b| b.backend == "postgres"),
    ) {
        for key in ["a", "b", "c"] {
            if let (Some(s), Some(p)) = (find(sqlite, key, "api"), find(pg, key, "api")) {
                row(
                    &format!("({key}) SQLite at least as fast as PostgreSQL"),
                    format!("{:.0} vs {:.0} req/s", s.rps, p.rps),
                    s.rps >= p.rps,
                );
            }
        }
    }
    md.push_str(
        "\nStatements per list request do not grow with the page size: `tests/api/performance.rs` (cargo test).\n",
    );
    if report.smoke {
        md.push_str("\nSmoke run: the verdicts above are not meaningful.\n");
    }
    md
}
