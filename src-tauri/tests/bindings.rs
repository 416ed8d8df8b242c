//! The TypeScript bindings checked in at `ui/src/lib/bindings.ts` must be what
//! the Rust definitions generate today. `make bindings` rewrites them.

use std::path::Path;

use specta_typescript::Typescript;

#[test]
fn checked_in_bindings_match_the_rust_definitions() {
    let checked_in = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/lib/bindings.ts");
    if std::env::var_os("TWOFOLD_UPDATE_BINDINGS").is_some() {
        twofold_app::ipc_builder()
            .export(typescript(), &checked_in)
            .expect("write the bindings");
        return;
    }
    let scratch = tempfile::tempdir().expect("a scratch dir");
    let fresh = scratch.path().join("bindings.ts");
    twofold_app::ipc_builder()
        .export(typescript(), &fresh)
        .expect("generate the bindings");
    let fresh = std::fs::read_to_string(fresh).expect("read the fresh bindings");
    let current = std::fs::read_to_string(&checked_in).unwrap_or_default();
    assert!(
        fresh == current,
        "ui/src/lib/bindings.ts is stale: run `make bindings` and commit the result"
    );
}

fn typescript() -> Typescript {
    Typescript::default()
        .header("// Generated from the Rust definitions by `make bindings`; do not edit.\n")
}
