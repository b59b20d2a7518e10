//! Compiles the built-in taxonomy (taxonomy/default.toml, 1.8 MB) to JSON at build time:
//! serde_json reads it several times faster than a TOML parser, and every command that
//! tags or filters starts by loading it. The TOML stays the source people edit.

use std::path::PathBuf;

fn main() {
    const SOURCE: &str = "taxonomy/default.toml";
    println!("cargo::rerun-if-changed={SOURCE}");
    let text = std::fs::read_to_string(SOURCE).expect("taxonomy/default.toml is readable");
    let value: toml::Value = toml::from_str(&text).expect("taxonomy/default.toml is valid TOML");
    let json = serde_json::to_string(&value).expect("a TOML value converts to JSON");
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out_dir.join("default-taxonomy.json"), json).expect("OUT_DIR is writable");
}
