//! Reading element paths from an XML error body, hardened: nothing is fetched, nothing grows without bound.
//!
//! One pass with `quick-xml` over a body that [`crate::response`] has already
//! held to `MAX_BODY` bytes (after one byte order mark). A body is unreadable,
//! and yields nothing, when it is not UTF-8, not well-formed, has a document
//! type declaration (`<!DOCTYPE`, so no entity is ever declared or fetched),
//! refers to an entity other than the five predefined ones or a character
//! reference, or nests elements deeper than [`MAX_DEPTH`].
//!
//! A path is `/Root/Child/Leaf`: element names from the root down, compared
//! by local name (a `prefix:` is ignored), each step the first child element
//! of that name in document order. Its value is the text directly inside the
//! last element (character data, references and CDATA, concatenated, not
//! trimmed; the text of child elements is not part of it).

use quick_xml::events::Event;

/// The deepest nesting of elements read; a deeper body is unreadable.
pub const MAX_DEPTH: usize = 127;

/// Where one path stands while the document is read.
#[derive(Clone, Copy, Default)]
struct Progress {
    /// The number of its steps matched by the elements now open, from the root.
    matched: usize,
    /// The number of its steps whose element has been entered; a step is entered at most once.
    entered: usize,
}

/// The value at each of `paths` in `body`, or `None` when the body is unreadable.
///
/// A path that does not start with `/`, or that has an empty step, finds nothing.
pub fn extract(body: &[u8], paths: &[&str]) -> Option<Vec<Option<String>>> {
    let text = std::str::from_utf8(body).ok()?;
    let steps: Vec<Vec<&str>> = paths
        .iter()
        .map(|p| match p.strip_prefix('/') {
            Some(rest) if !rest.split('/').any(str::is_empty) => rest.split('/').collect(),
            _ => Vec::new(),
        })
        .collect();
    let mut progress = vec![Progress::default(); paths.len()];
    let mut found: Vec<Option<String>> = vec![None; paths.len()];
    let mut reader = quick_xml::Reader::from_str(text);
    let mut depth = 0usize;
    let mut seen_root = false;
    loop {
        let event = reader.read_event().ok()?;
        match event {
            Event::Start(ref start) | Event::Empty(ref start) => {
                // A second root, or an element past the depth limit, is unreadable.
                if depth == MAX_DEPTH || (depth == 0 && seen_root) {
                    return None;
                }
                seen_root = true;
                let name = start.local_name();
                enter(&steps, &mut progress, &mut found, depth, name.as_ref());
                if matches!(event, Event::Start(_)) {
                    depth += 1;
                } else {
                    leave(&mut progress, depth + 1);
                }
            }
            Event::End(_) => {
                // quick-xml checks that end names match start names.
                depth = depth.checked_sub(1)?;
                leave(&mut progress, depth + 1);
            }
            Event::Text(t) => {
                let raw = t.decode().ok()?;
                let unescaped = if raw.contains('&') {
                    quick_xml::escape::unescape(&raw).ok()?
                } else {
                    raw
                };
                if depth == 0 {
                    if !unescaped.trim().is_empty() {
                        return None;
                    }
                } else {
                    append(&steps, &progress, &mut found, depth, &unescaped);
                }
            }
            Event::GeneralRef(r) => {
                if depth == 0 {
                    return None;
                }
                let mut buf = [0u8; 4];
                let resolved: &str = match r.resolve_char_ref().ok()? {
                    Some(c) => c.encode_utf8(&mut buf),
                    None => match r.as_ref() {
                        b"lt" => "<",
                        b"gt" => ">",
                        b"amp" => "&",
                        b"apos" => "'",
                        b"quot" => "\"",
                        _ => return None,
                    },
                };
                append(&steps, &progress, &mut found, depth, resolved);
            }
            Event::CData(c) => {
                if depth == 0 {
                    return None;
                }
                let s = std::str::from_utf8(&c).ok()?;
                append(&steps, &progress, &mut found, depth, s);
            }
            Event::DocType(_) => return None,
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
            Event::Eof => break,
        }
    }
    (depth == 0 && seen_root).then_some(found)
}

/// An element named `name` opens at `depth` (0 for the root): each path whose next
/// step it is, as the first such child of the path's matched element, goes on into it.
fn enter(
    steps: &[Vec<&str>],
    progress: &mut [Progress],
    found: &mut [Option<String>],
    depth: usize,
    name: &[u8],
) {
    for ((steps, p), slot) in steps.iter().zip(progress).zip(found) {
        if p.matched == depth
            && p.entered == depth
            && steps.get(depth).is_some_and(|s| s.as_bytes() == name)
        {
            p.matched += 1;
            p.entered += 1;
            if p.matched == steps.len() {
                *slot = Some(String::new());
            }
        }
    }
}

/// The element at `depth` (1 for the root) closes: paths matched through it are matched no further.
fn leave(progress: &mut [Progress], depth: usize) {
    for p in progress {
        p.matched = p.matched.min(depth - 1);
    }
}

/// Text directly inside the element open at `depth`: part of each path's value that ends there.
fn append(
    steps: &[Vec<&str>],
    progress: &[Progress],
    found: &mut [Option<String>],
    depth: usize,
    text: &str,
) {
    for ((steps, p), slot) in steps.iter().zip(progress).zip(found) {
        if p.matched == depth
            && steps.len() == depth
            && let Some(value) = slot
        {
            value.push_str(text);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S3: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error>\n  <Code>NoSuchKey</Code>\n  <Message>The resource you requested does not exist</Message>\n  <Resource>/mybucket/myfoto.jpg</Resource>\n  <RequestId>4442587FB7D0A2F9</RequestId>\n</Error>";

    fn one(body: &str, path: &str) -> Option<Option<String>> {
        extract(body.as_bytes(), &[path]).map(|mut v| v.remove(0))
    }

    #[test]
    fn s3_paths() {
        let got = extract(
            S3.as_bytes(),
            &[
                "/Error/Code",
                "/Error/Message",
                "/Error/RequestId",
                "/Error/Resource",
                "/Error/HostId",
                "/ErrorResponse/Error/Code",
            ],
        );
        assert_eq!(
            got,
            Some(vec![
                Some("NoSuchKey".to_owned()),
                Some("The resource you requested does not exist".to_owned()),
                Some("4442587FB7D0A2F9".to_owned()),
                Some("/mybucket/myfoto.jpg".to_owned()),
                None,
                None,
            ])
        );
    }

    #[test]
    fn the_first_child_of_each_name_counts_and_only_its_own_text() {
        let body = "<R><E><C>one</C></E><E><C>two</C><D>d</D></E><C>top<X>inner</X> tail</C><C>later</C></R>";
        assert_eq!(one(body, "/R/E/C"), Some(Some("one".to_owned())));
        // `D` is only in the second `E`, which the path never enters.
        assert_eq!(one(body, "/R/E/D"), Some(None));
        assert_eq!(one(body, "/R/C"), Some(Some("top tail".to_owned())));
        assert_eq!(one(body, "/R"), Some(Some(String::new())));
        assert_eq!(one(body, "/E/C"), Some(None), "the root must match");
        assert_eq!(one(body, "/R//C"), Some(None));
        assert_eq!(one(body, "R/C"), Some(None));
        assert_eq!(one(body, ""), Some(None));
        assert_eq!(one("<R><C/></R>", "/R/C"), Some(Some(String::new())));
    }

    #[test]
    fn prefixes_are_ignored_and_text_is_kept_as_written() {
        let body = "<a:Error xmlns:a=\"x\"><a:Code> A&amp;B&#65;&#x42;&lt;&gt;&apos;&quot;<![CDATA[<c>]]> </a:Code></a:Error>";
        assert_eq!(
            one(body, "/Error/Code"),
            Some(Some(" A&BAB<>'\"<c> ".to_owned()))
        );
        let query = "<ErrorResponse><Error><Code>Throttling</Code></Error><RequestId>r</RequestId></ErrorResponse>";
        assert_eq!(
            one(query, "/ErrorResponse/Error/Code"),
            Some(Some("Throttling".to_owned()))
        );
    }

    #[test]
    fn a_doctype_is_refused_even_without_entities() {
        assert_eq!(
            one(
                "<!DOCTYPE Error><Error><Code>X</Code></Error>",
                "/Error/Code"
            ),
            None
        );
        let billion_laughs = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;\">]><Error><Code>&lol2;</Code></Error>";
        assert_eq!(one(billion_laughs, "/Error/Code"), None);
        let external = "<!DOCTYPE Error [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><Error><Code>&xxe;</Code></Error>";
        assert_eq!(one(external, "/Error/Code"), None);
    }

    #[test]
    fn only_predefined_entities_and_character_references_are_expanded() {
        assert_eq!(one("<E><C>&xxe;</C></E>", "/E/C"), None);
        assert_eq!(one("<E><C>&nbsp;</C></E>", "/E/C"), None);
        assert_eq!(one("<E><C>&#0;</C></E>", "/E/C"), None);
        assert_eq!(
            one("<E><C>&#x1F600;</C></E>", "/E/C"),
            Some(Some("😀".to_owned()))
        );
    }

    #[test]
    fn nesting_is_bounded_at_127_elements() {
        let nested = |n: usize, leaf: &str| "<a>".repeat(n - 1) + leaf + &"</a>".repeat(n - 1);
        assert!(extract(nested(MAX_DEPTH, "<a>x</a>").as_bytes(), &["/a"]).is_some());
        assert_eq!(
            extract(nested(MAX_DEPTH + 1, "<a>x</a>").as_bytes(), &["/a"]),
            None
        );
        // An empty element is an element too.
        assert!(extract(nested(MAX_DEPTH, "<a/>").as_bytes(), &["/a"]).is_some());
        assert_eq!(
            extract(nested(MAX_DEPTH + 1, "<a/>").as_bytes(), &["/a"]),
            None
        );
        let unclosed = "<a>".repeat(100_000);
        assert_eq!(extract(unclosed.as_bytes(), &["/a"]), None);
    }

    #[test]
    fn malformed_documents_are_unreadable() {
        for bad in [
            "<x><y></x>",
            "<x></x><y/>",
            "<x/><y/>",
            "<x>",
            "</x>",
            "text",
            "text<x/>",
            "<x/>text",
            "",
            "   ",
            "<x>a & b</x>",
            "<x>&amp</x>",
            "{\"error\":{\"code\":\"X\"}}",
        ] {
            assert_eq!(extract(bad.as_bytes(), &["/x"]), None, "{bad:?}");
        }
        assert_eq!(extract(b"<x>\xff</x>", &["/x"]), None, "not UTF-8");
        assert!(extract(b"<!-- c --><?pi x?><x/>\n", &["/x"]).is_some());
    }
}
