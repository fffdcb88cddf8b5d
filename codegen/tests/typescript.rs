//! The TypeScript emitter over the real catalog: the class names the docs
//! pages list are the classes the generated modules declare, every code has
//! its class, and class names follow the catalog's `sdk.typescript`.

use std::path::Path;

use errcat_codegen::OutputFile;

fn generated() -> (errcat_codegen::ir::Catalog, Vec<OutputFile>) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../catalog");
    let catalog = errcat_codegen::load_catalog(&dir).unwrap_or_else(|d| panic!("{}", d.render()));
    let files = errcat_codegen::emit::all(&catalog).unwrap_or_else(|d| panic!("{}", d.render()));
    (catalog, files)
}

fn file<'a>(files: &'a [OutputFile], path: &str) -> &'a str {
    &files
        .iter()
        .find(|f| f.path == path)
        .unwrap_or_else(|| panic!("no {path}"))
        .contents
}

#[test]
fn docs_pages_name_the_classes_the_modules_declare() {
    let (catalog, files) = generated();
    let index = file(&files, "generated/typescript/src/index.ts");
    for v in &catalog.vendors {
        let module = file(
            &files,
            &format!("generated/typescript/src/vendors/{}.ts", v.id),
        );
        let page = file(&files, &format!("generated/docs/{}.md", v.id));
        let named: Vec<&str> = page
            .lines()
            .filter(|l| l.starts_with("- **Generated types:**"))
            .filter_map(|l| l.split_once(", TypeScript `"))
            .filter_map(|(_, rest)| rest.split_once('`'))
            .map(|(name, _)| name)
            .collect();
        assert_eq!(
            named.len(),
            v.codes.len(),
            "{}: one TypeScript class per code",
            v.id
        );
        let base = errcat_codegen::emit::typescript::base_class(v);
        assert!(module.contains(&format!("export class {base} extends ApiError {{}}")));
        for name in named {
            let (namespace, class) = name.split_once('.').unwrap();
            assert!(index.contains(&format!(
                "import * as {namespace} from \"./vendors/{}.js\";",
                v.id
            )));
            // A code's class extends the vendor's base class, or the class of
            // its type, which extends the base class.
            let parent = module
                .split(&format!("export class {class} extends "))
                .nth(1)
                .and_then(|rest| rest.split(' ').next())
                .unwrap_or_default();
            let through_type = module.contains(&format!("export class {parent} extends {base} {{"));
            assert!(
                parent == base || through_type,
                "{}: the docs name {class}, which the module does not declare",
                v.id
            );
        }
    }
}

#[test]
fn class_names_follow_the_catalog_else_derive_from_the_code() {
    let (catalog, _) = generated();
    let pentify = catalog.vendors.iter().find(|v| v.id == "pentify").unwrap();
    let names = errcat_codegen::emit::typescript::class_names(pentify);
    let by_code = |code: &str| {
        let at = pentify.codes.iter().position(|c| c.code == code).unwrap();
        names[at].as_str()
    };
    // Named in the reference's "SDK error subclasses" table.
    assert_eq!(by_code("rate_limited"), "RateLimitedError");
    assert_eq!(by_code("insufficient_tokens"), "InsufficientTokensError");
    // Not named there: derived from the code the same way for every code.
    assert_eq!(by_code("insufficient_scope"), "InsufficientScopeError");
    assert_eq!(by_code("server_error"), "ServerError");
    assert_eq!(
        errcat_codegen::emit::typescript::base_class(pentify),
        "PentifyError"
    );
    let defendis = catalog.vendors.iter().find(|v| v.id == "defendis").unwrap();
    assert_eq!(
        errcat_codegen::emit::typescript::base_class(defendis),
        "DefendisError"
    );
    assert_eq!(
        errcat_codegen::emit::typescript::class_names(defendis)[0],
        "Code400Error"
    );
}
