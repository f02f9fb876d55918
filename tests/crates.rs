//! The workspace's shape: the text crate stands alone, with no ONNX
//! Runtime, command line, HTTP or sound under it (read from Cargo.lock,
//! which lists every dependency of every package, for every target).

use std::collections::{BTreeMap, BTreeSet};

use crate::common::root;

/// Each package of Cargo.lock and the names of its dependencies.
fn lock_graph() -> BTreeMap<String, Vec<String>> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock")).unwrap();
    let mut graph = BTreeMap::new();
    for package in lock.split("[[package]]").skip(1) {
        let field = |key: &str| {
            package
                .lines()
                .find_map(|line| line.strip_prefix(&format!("{key} = \"")))
                .map(|rest| rest.trim_end_matches('"').to_string())
        };
        let name = field("name").expect("a package has a name");
        let dependencies = package
            .split_once("dependencies = [")
            .map_or("", |(_, rest)| rest.split(']').next().unwrap_or(""))
            .split(',')
            .filter_map(|entry| entry.trim().trim_matches('"').split(' ').next())
            .filter(|name| !name.is_empty())
            .map(str::to_string)
            .collect();
        graph.insert(name, dependencies);
    }
    graph
}

fn closure(graph: &BTreeMap<String, Vec<String>>, start: &str) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut next = vec![start.to_string()];
    while let Some(name) = next.pop() {
        if seen.insert(name.clone()) {
            next.extend(graph.get(&name).into_iter().flatten().cloned());
        }
    }
    seen
}

#[test]
fn the_text_crate_needs_no_onnx_runtime_command_line_http_or_sound() {
    let graph = lock_graph();
    let text = closure(&graph, "vtts-text");
    assert!(text.contains("unicode-normalization"), "{text:?}");
    for heavy in ["ort", "clap", "tiny_http", "cpal", "vtts-core"] {
        assert!(
            !text.contains(heavy),
            "{heavy} is under vtts-text: {text:?}"
        );
    }
    let core = closure(&graph, "vtts-core");
    assert!(
        core.contains("ort") && core.contains("vtts-text"),
        "{core:?}"
    );
    assert!(
        !core.contains("clap") && !core.contains("tiny_http"),
        "{core:?}"
    );
}
