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
    // `super::*` too: a glob imports whatever the module it names holds.
    let paths =
        regex::Regex::new(r"\b(?:crate|super|self)(?:::(?:[A-Za-z_][A-Za-z0-9_]*|\*))+").unwrap();
    let children = regex::Regex::new(r"(?:^|[^:\w])([a-z_][a-z0-9_]*)::").unwrap();
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
            // A folder's mod.rs names its own files without `self::`; what
            // it only passes on (`pub use`) is its children's, not its own.
            if module != "crate" {
                let own: String = text
                    .split_inclusive(';')
                    .filter(|statement| !statement.trim_start().starts_with("pub use"))
                    .collect();
                for child in children.captures_iter(&own) {
                    if known.contains(&format!("{module}::{}", &child[1])) {
                        named.push(format!("self::{}", &child[1]));
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
        edges["kiosk::opening"].contains("core::flow"),
        "imports are read: the shell's opening imports the flow"
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

/// Each file of `src/`: its path from the crate's root and its text.
fn source_files() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut found = Vec::new();
    let mut folders = vec![root.join("src")];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let name = path.strip_prefix(root).unwrap().to_string_lossy().into();
                found.push((name, std::fs::read_to_string(&path).unwrap()));
            }
        }
    }
    found.sort();
    found
}

/// Lines of `text`, and lines before its unit tests.
fn line_counts(text: &str) -> (usize, usize) {
    let all = text.lines().count();
    match text.find("\n#[cfg(test)]\nmod tests") {
        Some(at) => (all, text[..at].matches('\n').count() + 1),
        None => (all, all),
    }
}

/// A module's unit tests in a file of their own (`#[cfg(test)] mod
/// tests;`): `…/tests.rs` or a file under `…/tests/`.
fn is_unit_tests_file(name: &str) -> bool {
    name.ends_with("/tests.rs") || name.contains("/tests/")
}

#[test]
fn no_file_of_src_is_too_long_to_read_in_one_sitting() {
    let mut over = Vec::new();
    for (name, text) in source_files() {
        let (all, mut before_tests) = line_counts(&text);
        if is_unit_tests_file(&name) {
            before_tests = 0;
        }
        if all > 1000 || before_tests > 700 {
            over.push(format!(
                "{name}: {all} lines, {before_tests} before its tests"
            ));
        }
    }
    assert!(
        over.is_empty(),
        "over 1000 lines, or 700 without tests: {over:?}"
    );
}

#[test]
fn line_counts_leave_out_the_unit_tests() {
    let text = "fn a() {}\nfn b() {}\n\n#[cfg(test)]\nmod tests {\n    fn t() {}\n}\n";
    assert_eq!(line_counts(text), (7, 3));
    assert!(is_unit_tests_file("src/core/flow/tests/mod.rs"));
    assert!(is_unit_tests_file("src/core/session/tests.rs"));
    assert!(!is_unit_tests_file("src/core/session/moves.rs"));
}

/// Functions outside tests longer than `most` lines, but maud templates
/// (those that return `Markup`): `file: name (lines)`.
fn long_functions(file: &str, text: &str, most: usize) -> Vec<String> {
    use syn::visit::Visit;
    struct Finder<'a> {
        file: &'a str,
        most: usize,
        found: Vec<String>,
    }
    fn is_test(attrs: &[syn::Attribute]) -> bool {
        attrs.iter().any(|a| {
            a.path().is_ident("test")
                || (a.path().is_ident("cfg") && quote_text(a).contains("test"))
        })
    }
    fn quote_text(attr: &syn::Attribute) -> String {
        match &attr.meta {
            syn::Meta::List(list) => list.tokens.to_string(),
            _ => String::new(),
        }
    }
    fn is_template(output: &syn::ReturnType) -> bool {
        matches!(output, syn::ReturnType::Type(_, ty)
            if matches!(&**ty, syn::Type::Path(p)
                if p.path.segments.last().is_some_and(|s| s.ident == "Markup")))
    }
    impl Finder<'_> {
        fn check(&mut self, sig: &syn::Signature, span: proc_macro2::Span) {
            let lines = span.end().line - span.start().line + 1;
            if lines > self.most && !is_template(&sig.output) {
                self.found
                    .push(format!("{}: {} ({lines} lines)", self.file, sig.ident));
            }
        }
    }
    impl<'ast> Visit<'ast> for Finder<'_> {
        fn visit_item_mod(&mut self, item: &'ast syn::ItemMod) {
            if !is_test(&item.attrs) {
                syn::visit::visit_item_mod(self, item);
            }
        }
        fn visit_item_fn(&mut self, item: &'ast syn::ItemFn) {
            if !is_test(&item.attrs) {
                self.check(&item.sig, syn::spanned::Spanned::span(item));
                syn::visit::visit_item_fn(self, item);
            }
        }
        fn visit_impl_item_fn(&mut self, item: &'ast syn::ImplItemFn) {
            if !is_test(&item.attrs) {
                self.check(&item.sig, syn::spanned::Spanned::span(item));
                syn::visit::visit_impl_item_fn(self, item);
            }
        }
        fn visit_trait_item_fn(&mut self, item: &'ast syn::TraitItemFn) {
            if item.default.is_some() {
                self.check(&item.sig, syn::spanned::Spanned::span(item));
            }
            syn::visit::visit_trait_item_fn(self, item);
        }
    }
    let parsed = syn::parse_file(text).unwrap_or_else(|e| panic!("{file}: {e}"));
    let mut finder = Finder {
        file,
        most,
        found: Vec::new(),
    };
    finder.visit_file(&parsed);
    finder.found
}

#[test]
fn no_function_outside_tests_is_over_a_hundred_lines_but_page_templates() {
    let mut over = Vec::new();
    for (name, text) in source_files() {
        if !is_unit_tests_file(&name) {
            over.extend(long_functions(&name, &text, 100));
        }
    }
    assert!(over.is_empty(), "over 100 lines: {over:#?}");
}

#[test]
fn a_long_function_is_found_and_a_template_or_a_test_is_not() {
    let body = "    let x = 1;\n".repeat(101);
    let text = format!(
        "fn long() {{\n{body}}}\nfn page() -> Markup {{\n{body}}}\n\
         #[cfg(test)]\nmod tests {{\n    fn helper() {{\n{body}    }}\n}}\n"
    );
    assert_eq!(
        long_functions("f.rs", &text, 100),
        ["f.rs: long (103 lines)"]
    );
}

#[test]
fn sqlite_is_named_only_inside_the_store() {
    let outside: Vec<String> = source_files()
        .into_iter()
        .filter(|(name, text)| !name.starts_with("src/store/") && text.contains("rusqlite"))
        .map(|(name, _)| name)
        .collect();
    assert!(outside.is_empty(), "rusqlite named in {outside:?}");
}

#[test]
fn no_error_is_only_a_string() {
    let bare = regex::Regex::new(r"Result<[^;{]*,\s*String>").unwrap();
    let found: Vec<String> = source_files()
        .into_iter()
        .flat_map(|(name, text)| {
            bare.find_iter(&text)
                .map(|m| format!("{name}: {}", m.as_str()))
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(found.is_empty(), "errors that are only words: {found:?}");
}

#[test]
fn main_only_hands_the_command_line_to_cli() {
    let (name, text) = source_files()
        .into_iter()
        .find(|(name, _)| name == "src/main.rs")
        .unwrap();
    let (lines, _) = line_counts(&text);
    assert!(lines < 150, "{name} has {lines} lines");
    assert!(text.contains("cli::run"), "{name} hands over to cli::run");
}

/// The shell holds its parts, not their state: `Kiosk` has at most twelve
/// fields.
#[test]
fn the_kiosk_holds_its_parts_in_at_most_twelve_fields() {
    let (_, text) = source_files()
        .into_iter()
        .find(|(name, _)| name == "src/kiosk/mod.rs")
        .unwrap();
    let file = syn::parse_file(&text).unwrap();
    let fields = file
        .items
        .iter()
        .find_map(|item| match item {
            syn::Item::Struct(found) if found.ident == "Kiosk" => Some(found.fields.len()),
            _ => None,
        })
        .expect("struct Kiosk in src/kiosk/mod.rs");
    assert!(fields <= 12, "Kiosk has {fields} fields");
}
