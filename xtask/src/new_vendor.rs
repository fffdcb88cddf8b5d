//! `cargo xtask new-vendor`: writes a commented `catalog/<id>.yaml` ready to fill in.

use std::fs::OpenOptions;
use std::io::{self, Write};
use std::path::Path;

use errcat_codegen::names;

/// The template for a new vendor; `{{name}}` and `{{source}}` are replaced.
const TEMPLATE: &str = r#"# yaml-language-server: $schema=schema.json
# {{name}}'s error codes, recorded from its error reference: what the reference
# says and nothing it does not. catalog/README.md explains every field.
# Replace every FILL-IN, add the errors, then run `cargo xtask codegen`.
name: {{name}}
# One sentence from the reference on the API and its errors.
summary: "FILL-IN"
# The address of the vendor's error reference.
source: {{source}}

# Where the code, message, request id and details sit in an error body, as
# JSON pointers (RFC 6901). Delete `code` if the vendor sends no stable
# machine code; its entries are then keyed by HTTP status.
envelope:
  code: /error/code
  message: /error/message
  # request_id: /error/request_id
  # request_id_header: x-request-id
  # details: /error/details
  # The reference's example error body, as JSON; every pointer above must resolve in it.
  example: |
    {
      "error": {
        "code": "FILL-IN",
        "message": "FILL-IN"
      }
    }

# Response headers the reference documents about rate limits.
# rate_limit_headers:
#   - name: X-RateLimit-Remaining
#     description: Requests remaining in the window

# The vendor's retry guidance. Leave out what the reference does not say:
# errcat's defaults then apply, and the docs say so.
retry:
  # max_attempts: 5              # attempts in all, the first included
  # backoff:
  #   initial: 1s
  #   multiplier: 2
  #   max: 30s
  #   jitter: {proportional: 0.25}   # or {additive: 250ms}
  # delay_header: Retry-After
  # safe_methods: [GET, DELETE]
  # idempotency_key: idempotency_key
  # guidance: "The reference's retry advice, in its words."

# The vendor's SDK base classes, by language.
# sdk:
#   typescript: {{name}}Error

# The vendor's groups of errors, if it has any.
# categories:
#   - id: authentication
#     name: Authentication errors

# Every error the reference documents, in its order. `cargo xtask add-code`
# appends one. An entry looks like this:
#   - code: rate_limited            # exactly as sent on the wire
#     status: 429                   # or a list: [500, 503]
#     kind: rate_limited            # see catalog/README.md for the kinds
#     meaning: "Too many requests."
#     message: "Retry in {seconds} seconds."
#     resolution: "Slow down."
#     retry: retry_after            # never | backoff | retry_after | idempotent | {after: "..."}
errors: []
"#;

/// The text of a new vendor file.
pub fn template(name: &str, source: Option<&str>) -> String {
    let quoted = |s: &str| serde_json::to_string(s).unwrap_or_default();
    let class: String = name.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    TEMPLATE
        .replace("name: {{name}}", &format!("name: {}", quoted(name)))
        .replace("{{name}}Error", &format!("{class}Error"))
        .replace("{{name}}", name)
        .replace(
            "{{source}}",
            &source.map_or_else(|| quoted("FILL-IN"), quoted),
        )
}

/// Writes `catalog/<id>.yaml`, refusing an invalid id or an existing vendor.
pub fn run(root: &Path, id: &str, name: &str, source: Option<&str>) -> Result<String, String> {
    names::check_vendor_id(id)
        .map_err(|e| format!("{e}; choose an id like `acme` or `cert-ix`"))?;
    if name.trim().is_empty() || name.chars().any(char::is_control) {
        return Err("the name is empty or has control characters; pass the vendor's display name with --name".to_owned());
    }
    let path = root.join("catalog").join(format!("{id}.yaml"));
    // `create_new` refuses to overwrite, atomically with the existence check.
    let mut file = OpenOptions::new().write(true).create_new(true).open(&path).map_err(|e| match e.kind() {
        io::ErrorKind::AlreadyExists => {
            format!("catalog/{id}.yaml already exists; edit it, or add a code with `cargo xtask add-code {id} ...`")
        }
        _ => format!("cannot create catalog/{id}.yaml: {e}"),
    })?;
    file.write_all(template(name, source).as_bytes())
        .map_err(|e| format!("cannot write catalog/{id}.yaml: {e}"))?;
    Ok(format!(
        "wrote catalog/{id}.yaml: replace each FILL-IN, add the errors (or use `cargo xtask add-code {id} ...`), then run `cargo xtask codegen`"
    ))
}
