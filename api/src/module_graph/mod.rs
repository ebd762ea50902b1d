//! The crate's module graph, read from its own source: a test fails when modules import each
//! other in a cycle, another when a firm layer (`LAYERS`) imports from a higher one, and a third
//! prints the graph (the README's *Layout* shows it):
//!
//! ```text
//! cargo test -p api --lib module_graph::tests::print_the_module_graph -- --nocapture
//! ```
//!
//! A dependency is any `crate::…`, `super::…` or `self::…` path in code (`use` lines with their
//! nested `{…}` groups, and paths in expressions, types and attributes); comments and string
//! literals are skipped. Nodes are the top-level modules, except `routes` and `domain`, whose
//! children are nodes of their own (`routes::projects`), and depend on their children (`routes`
//! registers them). `main.rs` is left out (another crate, nothing can import it), and so is this
//! module.
use std::{
    collections::{BTreeMap, BTreeSet},
    path::Path,
};

mod paths;
use paths::{crate_paths, module_of};

/// Modules whose children are shown as nodes of their own.
const EXPANDED: [&str; 2] = ["routes", "domain"];

/// The firm layers, lowest first (`routes` and `domain` stand for their children too): a module
/// of one never imports a module of a higher one. Modules not listed (`accounts`, `sessions`,
/// `feed`, `webhooks`, `iati`, `seed`, `openapi`, `startup`…) are not checked by this rule.
const LAYERS: &[&[&str]] = &[
    &["db", "error", "i18n", "config", "money", "validate", "vocabulary", "telemetry", "lenient"],
    // Roles and the permission table: pure rules that the aggregates consult.
    &["auth"],
    &["records"],
    &["domain"],
    &["state"],
    &["http"],
    &["routes"],
];

/// Imports against `LAYERS` being removed right now in other branches, as (from, to) nodes.
const KNOWN_UPWARD: &[(&str, &str)] = &[];

/// The index in `LAYERS` of `node`, if it is in a firm layer.
fn layer_of(node: &str) -> Option<usize> {
    let top = node.split("::").next().unwrap_or(node);
    LAYERS.iter().position(|layer| layer.contains(&top))
}

/// Cycles being removed right now in other branches; each is listed in its canonical form
/// (rotated so that its smallest node comes first). Delete an entry once its cycle is gone: the
/// test fails on a stale entry so that this list only shrinks.
const KNOWN_CYCLES: &[(&str, &[&str])] = &[];

/// The graph of the crate: edges between nodes, each with the files that make it.
#[derive(Default)]
struct Graph {
    nodes: BTreeSet<String>,
    edges: BTreeMap<String, BTreeMap<String, BTreeSet<String>>>,
}

impl Graph {
    /// Builds the graph from `(path under src/, source)` pairs.
    fn build(files: &[(String, String)]) -> Graph {
        let modules: Vec<Vec<&str>> = files.iter().map(|(path, _)| module_of(path)).collect();
        let node = |path: &[&str]| -> Option<String> {
            let top = *path.first()?;
            let known = |depth: usize| modules.iter().any(|m| m.len() > depth && m[..=depth] == path[..=depth]);
            if !known(0) {
                return None;
            }
            if EXPANDED.contains(&top) && path.len() > 1 && known(1) {
                return Some(format!("{top}::{}", path[1]));
            }
            Some(top.to_string())
        };
        let mut graph = Graph::default();
        for ((file, source), module) in files.iter().zip(&modules) {
            let Some(from) = node(module) else { continue };
            graph.nodes.insert(from.clone());
            if let Some(parent) = from.split_once("::").map(|(parent, _)| parent.to_string()) {
                let parent_file = format!("{parent}/mod.rs");
                graph.edges.entry(parent).or_default().entry(from.clone()).or_default().insert(parent_file);
            }
            for path in crate_paths(source, module) {
                let path: Vec<&str> = path.iter().map(String::as_str).collect();
                match node(&path) {
                    Some(to) if to != from => {
                        graph.edges.entry(from.clone()).or_default().entry(to).or_default().insert(file.clone());
                    }
                    _ => {}
                }
            }
        }
        graph
    }

    fn targets(&self, from: &str) -> impl Iterator<Item = &String> {
        self.edges.get(from).into_iter().flat_map(|to| to.keys())
    }

    /// Every elementary cycle, each rotated so that its smallest node comes first.
    fn cycles(&self) -> Vec<Vec<String>> {
        let mut found = Vec::new();
        for start in &self.nodes {
            let mut path = vec![start.clone()];
            self.walk(start, &mut path, &mut found);
        }
        found
    }

    /// Extends `path` through nodes greater than its start, recording each way back to it.
    fn walk(&self, start: &str, path: &mut Vec<String>, found: &mut Vec<Vec<String>>) {
        let Some(last) = path.last().cloned() else { return };
        for next in self.targets(&last) {
            if next == start {
                found.push(path.clone());
            } else if next.as_str() > start && !path.contains(next) && found.len() < 1000 {
                path.push(next.clone());
                self.walk(start, path, found);
                path.pop();
            }
        }
    }

    /// `cycle` written out with the files that make each step.
    fn describe(&self, cycle: &[String]) -> String {
        let mut text = cycle[0].clone();
        for (i, from) in cycle.iter().enumerate() {
            let to = &cycle[(i + 1) % cycle.len()];
            let files: Vec<&str> = self.edges[from][to].iter().map(String::as_str).collect();
            text.push_str(&format!(" → {to} ({})", files.join(", ")));
        }
        text
    }

    /// The graph as text, lowest modules first: each node and what it imports.
    fn render(&self) -> String {
        // Layers by longest path down: a node sits one above the highest node it imports.
        // Nodes of one cycle share a level.
        let cycles = self.cycles();
        let same_cycle = |a: &str, b: &str| cycles.iter().any(|c| c.iter().any(|n| n == a) && c.iter().any(|n| n == b));
        let mut level: BTreeMap<&str, usize> = self.nodes.iter().map(|n| (n.as_str(), 0)).collect();
        for _ in 0..self.nodes.len() {
            for from in &self.nodes {
                let above = self
                    .targets(from)
                    .filter(|to| !same_cycle(from, to))
                    .map(|to| level[to.as_str()] + 1)
                    .max()
                    .unwrap_or(0);
                let above = self
                    .targets(from)
                    .filter(|to| same_cycle(from, to))
                    .map(|to| level[to.as_str()])
                    .fold(above, usize::max);
                level.insert(from, above);
            }
        }
        let mut order: Vec<&String> = self.nodes.iter().collect();
        order.sort_by_key(|n| (level[n.as_str()], n.as_str()));
        let width = order.iter().map(|n| n.chars().count()).max().unwrap_or(0);
        let mut text = String::new();
        for node in order {
            let targets: Vec<&str> = self.targets(node).map(String::as_str).collect();
            let line = format!("{:>2}  {node:<width$}  → {}", level[node.as_str()], targets.join(" "));
            text.push_str(line.trim_end());
            text.push('\n');
        }
        text
    }
}

/// Every `.rs` file under `src/` but `main.rs`, as `(path under src/, source)`.
fn read_sources() -> Vec<(String, String)> {
    fn visit(dir: &Path, root: &Path, out: &mut Vec<(String, String)>) {
        let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()));
        for entry in entries {
            let path = entry.unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display())).path();
            if path.is_dir() {
                visit(&path, root, out);
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                let relative = path.strip_prefix(root).map(|p| p.to_string_lossy().replace('\\', "/"));
                let relative = relative.unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                if relative != "main.rs" && !relative.starts_with("module_graph/") {
                    let source = std::fs::read_to_string(&path)
                        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
                    out.push((relative, source));
                }
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    visit(&root, &root, &mut files);
    files.sort();
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_graph_finds_a_cycle_through_expanded_children() {
        let files = [
            ("routes/a/mod.rs", "use crate::records::Unit;"),
            ("routes/b/dto.rs", "use super::super::a::dto::X;"),
            ("routes/a/dto.rs", "use crate::routes::{b::dto::Y};"),
            ("records/mod.rs", "fn f() { crate::routes::b::g() }"),
            ("lib.rs", "pub mod records;"),
        ]
        .map(|(path, source)| (path.to_string(), source.to_string()));
        let graph = Graph::build(&files);
        let cycles = graph.cycles();
        assert_eq!(cycles, [vec!["records", "routes::b", "routes::a"], vec!["routes::a", "routes::b"]]);
        assert_eq!(graph.describe(&cycles[1]), "routes::a → routes::b (routes/a/dto.rs) → routes::a (routes/b/dto.rs)");
    }

    #[test]
    fn modules_import_each_other_in_no_cycle_but_the_known_ones() {
        let graph = Graph::build(&read_sources());
        let found = graph.cycles();
        let known: Vec<Vec<String>> =
            KNOWN_CYCLES.iter().map(|(_, nodes)| nodes.iter().map(|n| n.to_string()).collect()).collect();
        let new: Vec<String> = found.iter().filter(|c| !known.contains(c)).map(|c| graph.describe(c)).collect();
        // A tangle has many cycles: the first ones say where to cut.
        let shown = new.iter().take(40).cloned().collect::<Vec<_>>().join("\n  ");
        let more = if new.len() > 40 { format!("\n  … and {} more", new.len() - 40) } else { String::new() };
        let stale: Vec<&str> = KNOWN_CYCLES
            .iter()
            .zip(&known)
            .filter(|(_, cycle)| !found.contains(cycle))
            .map(|((name, _), _)| *name)
            .collect();
        assert!(
            new.is_empty() && stale.is_empty(),
            "\n{} import cycles between modules (move the shared code down a layer):\n  {shown}{more}\n\
             KNOWN_CYCLES entries whose cycle is gone (delete them): {stale:?}\n",
            new.len()
        );
    }

    #[test]
    fn no_module_imports_from_a_higher_layer_but_the_known_ones() {
        let graph = Graph::build(&read_sources());
        let mut upward = Vec::new();
        for (from, targets) in &graph.edges {
            for (to, files) in targets {
                let (Some(low), Some(high)) = (layer_of(from), layer_of(to)) else { continue };
                if high > low && !KNOWN_UPWARD.contains(&(from.as_str(), to.as_str())) {
                    let files: Vec<&str> = files.iter().map(String::as_str).collect();
                    upward.push(format!("{from} → {to} ({})", files.join(", ")));
                }
            }
        }
        let stale: Vec<String> = KNOWN_UPWARD
            .iter()
            .filter(|(from, to)| !graph.edges.get(*from).is_some_and(|targets| targets.contains_key(*to)))
            .map(|(from, to)| format!("{from} → {to}"))
            .collect();
        assert!(
            upward.is_empty() && stale.is_empty(),
            "\nimports from a higher layer (see LAYERS; move the shared code down):\n  {}\n\
             KNOWN_UPWARD entries whose import is gone (delete them): {stale:?}\n",
            upward.join("\n  ")
        );
    }

    #[test]
    fn layers_are_read_from_the_first_segment() {
        assert_eq!(layer_of("routes::projects"), Some(6));
        assert_eq!(layer_of("domain::partner_view"), Some(3));
        assert_eq!(layer_of("records"), Some(2));
        assert_eq!(layer_of("seed"), None);
    }

    /// Not a check: prints the graph for the README (run it with `-- --nocapture`).
    #[test]
    fn print_the_module_graph() {
        let graph = Graph::build(&read_sources());
        println!("{}", graph.render());
    }
}
