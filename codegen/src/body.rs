//! Error bodies as the catalog's examples give them: a JSON or an XML document, and paths into it.
//!
//! Validation uses this to check that the envelope's paths resolve in the
//! reference's examples, and the conformance emitter to compute the answers
//! every runtime must give, by code written apart from every runtime. The XML
//! rules are the runtimes' (see catalog/README.md): at most one byte order
//! mark, no document type declaration, at most [`MAX_DEPTH`] nested elements;
//! an element path names elements from the root by local name, each step
//! taking the first child of that name, and the value is the text directly
//! inside the last element.

use quick_xml::events::Event;
use serde_json::Value;

use crate::ir::Format;

/// The deepest nesting of XML elements a runtime reads.
pub const MAX_DEPTH: usize = 127;

/// A parsed body.
#[derive(Debug, Clone, PartialEq)]
pub enum Doc {
    /// A JSON document.
    Json(Value),
    /// An XML document's root element.
    Xml(Element),
}

/// An XML element: its local name, the text directly inside it, and its child elements.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Element {
    /// The name without its namespace prefix.
    pub name: String,
    /// Character data and CDATA directly inside it, concatenated.
    pub text: String,
    /// Child elements in document order.
    pub children: Vec<Element>,
}

/// Why a body could not be read, with the byte offset into it where that was found.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadError {
    /// What is wrong.
    pub message: String,
    /// 1-based line in the body.
    pub line: usize,
    /// 1-based column in the body.
    pub column: usize,
}

/// Parses a body in `format`.
pub fn parse(format: Format, text: &str) -> Result<Doc, ReadError> {
    match format {
        Format::Json => serde_json::from_str::<Value>(text)
            .map(Doc::Json)
            .map_err(|e| ReadError {
                message: e.to_string(),
                line: e.line(),
                column: e.column(),
            }),
        Format::Xml => parse_xml(text).map(Doc::Xml),
    }
}

fn parse_xml(text: &str) -> Result<Element, ReadError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = quick_xml::Reader::from_str(text);
    let at = |offset: u64, message: String| {
        let before = &text[..(offset as usize).min(text.len())];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        ReadError {
            message,
            line,
            column,
        }
    };
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    loop {
        let offset = reader.buffer_position();
        let event = reader
            .read_event()
            .map_err(|e| at(reader.error_position(), format!("not well-formed XML: {e}")))?;
        match event {
            Event::Start(start) | Event::Empty(start) if root.is_some() => {
                let _ = start;
                return Err(at(offset, "a second root element".into()));
            }
            Event::Start(start) => {
                if stack.len() == MAX_DEPTH {
                    return Err(at(offset, format!("elements nest deeper than {MAX_DEPTH}")));
                }
                stack.push(Element {
                    name: local(start.name().as_ref()),
                    ..Element::default()
                });
            }
            Event::Empty(start) => {
                if stack.len() == MAX_DEPTH {
                    return Err(at(offset, format!("elements nest deeper than {MAX_DEPTH}")));
                }
                let element = Element {
                    name: local(start.name().as_ref()),
                    ..Element::default()
                };
                match stack.last_mut() {
                    Some(parent) => parent.children.push(element),
                    None => root = Some(element),
                }
            }
            Event::End(_) => {
                let Some(element) = stack.pop() else {
                    return Err(at(offset, "an end tag without a start tag".into()));
                };
                match stack.last_mut() {
                    Some(parent) => parent.children.push(element),
                    None => root = Some(element),
                }
            }
            Event::Text(t) => {
                let unescaped = t
                    .decode()
                    .ok()
                    .and_then(|d| quick_xml::escape::unescape(&d).ok().map(|u| u.into_owned()))
                    .ok_or_else(|| {
                        at(
                            offset,
                            "an undefined entity or a malformed reference".into(),
                        )
                    })?;
                match stack.last_mut() {
                    Some(e) => e.text.push_str(&unescaped),
                    None if unescaped.trim().is_empty() => {}
                    None => return Err(at(offset, "text outside the root element".into())),
                }
            }
            Event::GeneralRef(r) => {
                let name = r.decode().map_err(|e| at(offset, e.to_string()))?;
                let resolved = quick_xml::escape::unescape(&format!("&{name};"))
                    .map_err(|_| at(offset, format!("an undefined entity `&{name};`")))?
                    .into_owned();
                match stack.last_mut() {
                    Some(e) => e.text.push_str(&resolved),
                    None => return Err(at(offset, "a reference outside the root element".into())),
                }
            }
            Event::CData(c) => {
                let s = std::str::from_utf8(&c).map_err(|e| at(offset, e.to_string()))?;
                match stack.last_mut() {
                    Some(e) => e.text.push_str(s),
                    None => return Err(at(offset, "CDATA outside the root element".into())),
                }
            }
            Event::DocType(_) => {
                return Err(at(
                    offset,
                    "a document type declaration, which errcat never reads".into(),
                ));
            }
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
            Event::Eof => break,
        }
    }
    if !stack.is_empty() {
        return Err(at(text.len() as u64, "an element is never closed".into()));
    }
    root.ok_or_else(|| at(0, "no root element".into()))
}

/// A name without its namespace prefix.
fn local(name: &[u8]) -> String {
    let name = String::from_utf8_lossy(name);
    match name.rsplit_once(':') {
        Some((_, local)) => local.to_owned(),
        None => name.into_owned(),
    }
}

/// Whether `path` is a well-formed path for `format`, else why not.
pub fn check_path(format: Format, path: &str) -> Result<(), &'static str> {
    match format {
        Format::Json if path.is_empty() || path.starts_with('/') => Ok(()),
        Format::Json => Err("write a JSON pointer (RFC 6901) such as `/error/code`"),
        Format::Xml => match path.strip_prefix('/') {
            Some(rest)
                if rest
                    .split('/')
                    .all(|step| !step.is_empty() && !step.contains(char::is_whitespace)) =>
            {
                Ok(())
            }
            _ => Err("write element names from the root, each after a `/`, such as `/Error/Code`"),
        },
    }
}

/// The value at `path`: for JSON whatever value the pointer reaches, for XML
/// the text of the element as a JSON string.
pub fn lookup(doc: &Doc, path: &str) -> Option<Value> {
    match doc {
        Doc::Json(v) => v.pointer(path).cloned(),
        Doc::Xml(root) => {
            let mut steps = path.strip_prefix('/')?.split('/');
            if steps.next()? != root.name {
                return None;
            }
            let mut at = root;
            for step in steps {
                at = at.children.iter().find(|c| c.name == step)?;
            }
            Some(Value::String(at.text.clone()))
        }
    }
}

/// The string at `path`, or with `numbers` the decimal text of a JSON number,
/// as a runtime reads a code or a message.
pub fn text(doc: &Doc, path: &str, numbers: bool) -> Option<String> {
    match lookup(doc, path)? {
        Value::String(s) => Some(s),
        Value::Number(n) if numbers => Some(n.to_string()),
        _ => None,
    }
}

/// The code: the first of `paths` that holds a non-empty code.
pub fn code(doc: &Doc, paths: &[String]) -> Option<String> {
    paths
        .iter()
        .find_map(|p| text(doc, p, true).filter(|c| !c.is_empty()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const S3: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error>\n  <Code>NoSuchKey</Code>\n  <Message>The resource you requested does not exist</Message>\n  <Resource>/mybucket/myfoto.jpg</Resource>\n  <RequestId>4442587FB7D0A2F9</RequestId>\n</Error>";

    #[test]
    fn xml_paths() {
        let doc = parse(Format::Xml, S3).unwrap();
        assert_eq!(
            text(&doc, "/Error/Code", true).as_deref(),
            Some("NoSuchKey")
        );
        assert_eq!(
            text(&doc, "/Error/RequestId", false).as_deref(),
            Some("4442587FB7D0A2F9")
        );
        assert_eq!(lookup(&doc, "/ErrorResponse/Error/Code"), None);
        assert_eq!(lookup(&doc, "/Error/Nope"), None);
        let q = parse(Format::Xml, "<ErrorResponse><Error><Code>Throttling</Code></Error><RequestId>r</RequestId></ErrorResponse>").unwrap();
        assert_eq!(
            code(
                &q,
                &["/Error/Code".into(), "/ErrorResponse/Error/Code".into()]
            )
            .as_deref(),
            Some("Throttling")
        );
        let e = parse(
            Format::Xml,
            "<a:Error xmlns:a=\"x\"><a:Code>A&amp;B&#65;<![CDATA[<c>]]></a:Code></a:Error>",
        )
        .unwrap();
        assert_eq!(text(&e, "/Error/Code", false).as_deref(), Some("A&BA<c>"));
    }

    #[test]
    fn xml_refusals() {
        for bad in [
            "<!DOCTYPE x [<!ENTITY a \"b\">]><x>&a;</x>",
            "<x>&a;</x>",
            "<x><y></x>",
            "<x></x><y/>",
            "<x>",
            "text",
            "",
        ] {
            assert!(parse(Format::Xml, bad).is_err(), "{bad}");
        }
        let deep = "<a>".repeat(MAX_DEPTH + 1) + &"</a>".repeat(MAX_DEPTH + 1);
        assert!(parse(Format::Xml, &deep).is_err());
        let ok = "<a>".repeat(MAX_DEPTH) + &"</a>".repeat(MAX_DEPTH);
        assert!(parse(Format::Xml, &ok).is_ok());
        // An empty element counts as a level too.
        let empty = "<a>".repeat(MAX_DEPTH) + "<b/>" + &"</a>".repeat(MAX_DEPTH);
        assert!(parse(Format::Xml, &empty).is_err());
        let empty = "<a>".repeat(MAX_DEPTH - 1) + "<b/>" + &"</a>".repeat(MAX_DEPTH - 1);
        assert!(parse(Format::Xml, &empty).is_ok());
    }

    #[test]
    fn paths() {
        assert!(check_path(Format::Json, "/error/code").is_ok());
        assert!(check_path(Format::Json, "error").is_err());
        assert!(check_path(Format::Xml, "/Error/Code").is_ok());
        assert!(check_path(Format::Xml, "").is_err());
        assert!(check_path(Format::Xml, "/Error//Code").is_err());
    }
}
