//! The name under which the crate being compiled depends on weft.
//!
//! weft promises that a tokio program ports by renaming the dependency
//! (`tokio = { package = "weft", ... }`), in which case `#[tokio::main]` must expand to
//! `::tokio::runtime::...`, not `::weft::...`. Cargo does not tell a proc macro how its caller
//! named a dependency, so we read the caller's manifest (`CARGO_MANIFEST_DIR/Cargo.toml`) and
//! look for a dependency entry with `package = "weft"`. Anything unusual falls back to `weft`;
//! `crate = "..."` always overrides.

use std::sync::OnceLock;

/// The crate name to use in generated paths (`weft` unless the manifest renames it).
pub(crate) fn weft_crate_name() -> &'static str {
    static NAME: OnceLock<String> = OnceLock::new();
    NAME.get_or_init(|| {
        std::env::var_os("CARGO_MANIFEST_DIR")
            .and_then(|dir| {
                std::fs::read_to_string(std::path::Path::new(&dir).join("Cargo.toml")).ok()
            })
            .and_then(|manifest| renamed_in(&manifest))
            .unwrap_or_else(|| "weft".to_string())
    })
}

/// The dependency key whose `package` is `weft`, as a Rust identifier, if weft is not also a
/// dependency under its own name.
fn renamed_in(manifest: &str) -> Option<String> {
    let mut table = String::new();
    let mut renamed = None;
    let mut plain = false;
    for line in manifest.lines() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.starts_with('[') {
            table = line
                .trim_matches(|c| c == '[' || c == ']')
                .trim()
                .to_string();
            if let Some(key) = dependency_table_key(&table) {
                plain |= key == "weft";
            }
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let (key, value) = (key.trim().trim_matches('"'), value.trim());
        if is_dependencies_table(&table) {
            // `key = { package = "weft", ... }` or `weft = "1"` / `weft = { path = ... }`.
            if value.starts_with('{') && package_is_weft(value) {
                renamed = Some(key.to_string());
            } else if key == "weft" {
                plain = true;
            }
        } else if let Some(dep) = dependency_table_key(&table) {
            // `[dependencies.key]` followed by `package = "weft"`.
            if key == "package" && value.trim_matches('"') == "weft" {
                renamed = Some(dep.to_string());
            }
        }
    }
    if plain {
        return None;
    }
    renamed.map(|name| name.replace('-', "_"))
}

fn is_dependencies_table(table: &str) -> bool {
    table.ends_with("dependencies")
}

/// `dependencies.KEY` (also dev-/build-/target-specific) → `KEY`.
fn dependency_table_key(table: &str) -> Option<&str> {
    let (head, key) = table.rsplit_once('.')?;
    is_dependencies_table(head).then(|| key.trim().trim_matches('"'))
}

fn package_is_weft(inline_table: &str) -> bool {
    inline_table
        .trim_matches(|c| c == '{' || c == '}')
        .split(',')
        .filter_map(|kv| kv.split_once('='))
        .any(|(k, v)| k.trim() == "package" && v.trim().trim_matches('"') == "weft")
}

#[cfg(test)]
mod tests {
    use super::renamed_in;

    #[test]
    fn finds_renamed_dependency() {
        let m = "[package]\nname = \"app\"\n\n[dependencies]\ntokio = { package = \"weft\", path = \"../weft\" }\n";
        assert_eq!(renamed_in(m).as_deref(), Some("tokio"));
        let m = "[dependencies.my-rt]\npackage = \"weft\"\nversion = \"0.1\"\n";
        assert_eq!(renamed_in(m).as_deref(), Some("my_rt"));
        let m = "[target.'cfg(unix)'.dev-dependencies]\ntokio = { version = \"0.1\", package = \"weft\" }\n";
        assert_eq!(renamed_in(m).as_deref(), Some("tokio"));
    }

    #[test]
    fn plain_or_absent_means_weft() {
        assert_eq!(renamed_in("[dependencies]\nweft = \"0.1\"\n"), None);
        assert_eq!(
            renamed_in("[dependencies]\nweft = \"0.1\"\ntokio = { package = \"weft\" }\n"),
            None
        );
        assert_eq!(renamed_in("[dependencies]\ntokio = \"1\"\n"), None);
        assert_eq!(renamed_in("[package]\nname = \"weft\"\n"), None);
    }
}
