//! The shape of the source tree: no two files of `src/` import each other,
//! directly or round a circle, so each can be read (and changed) knowing
//! only what it imports.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Each file of `src/` as its module path (`core::flow`, `web`), with its
/// text up to its unit tests and without comments.
fn modules() -> BTreeMap<String, String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let comments = regex::Regex::new(r"//[^\n]*").unwrap();
    let mut found = BTreeMap::new();
    let mut folders = vec![root.clone()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let relative = path.strip_prefix(&root).unwrap().with_extension("");
            let mut name = relative.to_string_lossy().replace('/', "::");
            if let Some(parent) = name.strip_suffix("::mod") {
                name = parent.to_string();
            }
            if name == "lib" || name == "main" {
                name = "crate".into();
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let before_tests = text.split("#[cfg(test)]\nmod tests").next().unwrap();
            found.insert(name, comments.replace_all(before_tests, "").into_owned());
        }
    }
    found
}

/// The module a `crate::…`, `super::…` or `self::…` path in `module` names:
/// the longest prefix of it that is a file.
fn resolve(module: &str, path: &str, known: &BTreeSet<String>) -> Option<String> {
    let mut parts: Vec<&str> = path.split("::").collect();
    let mut base: Vec<&str> = if module == "crate" {
        Vec::new()
    } else {
        module.split("::").collect()
    };
    match parts.first() {
        Some(&"crate") => base.clear(),
        Some(&"self") => {}
        Some(&"super") => {
            while parts.first() == Some(&"super") {
                base.pop();
                parts.remove(0);
            }
            parts.insert(0, "super");
        }
        _ => return None,
    }
    parts.remove(0);
    (0..=parts.len()).rev().find_map(|take| {
        let candidate = base
            .iter()
            .chain(&parts[..take])
            .copied()
            .collect::<Vec<_>>()
            .join("::");
        known.contains(&candidate).then_some(candidate)
    })
}

fn imports() -> BTreeMap<String, BTreeSet<String>> {
    let modules = modules();
    let known: BTreeSet<String> = modules.keys().cloned().collect();
    let paths = regex::Regex::new(r"\b(?:crate|super|self)(?:::[A-Za-z_][A-Za-z0-9_]*)+").unwrap();
    let groups =
        regex::Regex::new(r"\b((?:crate|super)(?:::[a-z_][a-z0-9_]*)*)::\{([^}]*)\}").unwrap();
    modules
        .iter()
        .map(|(module, text)| {
            let mut named: Vec<String> = paths.find_iter(text).map(|m| m.as_str().into()).collect();
            for group in groups.captures_iter(text) {
                for part in group[2].split(',') {
                    let part = part.trim().split(" as ").next().unwrap_or("");
                    if !part.is_empty() {
                        named.push(format!("{}::{part}", &group[1]));
                    }
                }
            }
            let targets = named
                .iter()
                .filter_map(|path| resolve(module, path, &known))
                .filter(|target| target != module && target != "crate")
                .collect();
            (module.clone(), targets)
        })
        .collect()
}

/// Files that import each other round a circle (Tarjan's strongly
/// connected components of more than one file).
fn circles(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct Walk<'a> {
        edges: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        circles: Vec<Vec<String>>,
    }
    fn visit<'a>(walk: &mut Walk<'a>, module: &'a str) {
        let next = walk.index.len();
        walk.index.insert(module, next);
        walk.low.insert(module, next);
        walk.stack.push(module);
        for target in &walk.edges[module] {
            let target = target.as_str();
            if !walk.index.contains_key(target) {
                visit(walk, target);
                let low = walk.low[module].min(walk.low[target]);
                walk.low.insert(module, low);
            } else if walk.stack.contains(&target) {
                let low = walk.low[module].min(walk.index[target]);
                walk.low.insert(module, low);
            }
        }
        if walk.low[module] == walk.index[module] {
            let at = walk.stack.iter().position(|m| *m == module).unwrap();
            let circle: Vec<String> = walk.stack.drain(at..).map(String::from).collect();
            if circle.len() > 1 {
                walk.circles.push(circle);
            }
        }
    }
    let mut walk = Walk {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        circles: Vec::new(),
    };
    for module in edges.keys() {
        if !walk.index.contains_key(module.as_str()) {
            visit(&mut walk, module);
        }
    }
    walk.circles
}

#[test]
fn no_two_files_of_src_import_each_other_round_a_circle() {
    let edges = imports();
    assert!(edges.len() > 50, "the files of src/ were found");
    assert!(
        edges["kiosk"].contains("core::flow"),
        "imports are read: the shell imports the flow"
    );
    let circles = circles(&edges);
    assert!(circles.is_empty(), "import circles: {circles:?}");
}

#[test]
fn the_circle_check_finds_a_circle() {
    let edges: BTreeMap<String, BTreeSet<String>> = [
        ("a", vec!["b"]),
        ("b", vec!["c"]),
        ("c", vec!["a"]),
        ("d", vec!["a"]),
    ]
    .into_iter()
    .map(|(m, ts)| (m.to_string(), ts.into_iter().map(String::from).collect()))
    .collect();
    let found = circles(&edges);
    assert_eq!(found.len(), 1);
    let mut circle = found[0].clone();
    circle.sort();
    assert_eq!(circle, ["a", "b", "c"]);
}
