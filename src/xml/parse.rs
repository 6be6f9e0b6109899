//! DTD-free, bounded XML parsing on roxmltree.
//!
//! - XML 1.0 §2.8: "doctypedecl ::= '<!DOCTYPE' ..." — refused outright
//!   (`xml.dtd.forbidden`): no internal subset, no entity, no external
//!   reference is ever looked at (billion laughs, XXE).
//! - Namespaces in XML 1.0 §3: "In a namespace declaration for a prefix
//!   [...], the attribute value MUST NOT be empty." — `xmlns:p=""` is
//!   `xml.malformed` (roxmltree would accept it).
//! - DESIGN principle 5, bounded work: the byte limit is checked first, then
//!   a linear, iterative pre-scan of the text enforces the depth, attribute
//!   and namespace-declaration limits *before* roxmltree builds anything
//!   (roxmltree has no depth limit, checks duplicate attributes in time
//!   quadratic in one tag's attributes, and copies an element's in-scope
//!   namespaces whenever it declares one); roxmltree's own node limit then
//!   bounds the tree.
//!
//! - Constructs roxmltree 0.21 accepts though XML 1.0 or Namespaces in XML
//!   forbid them (`xmlns:xmlns`, two `xmlns` on one tag, a PI target `xml`
//!   or without the space before its data, a malformed XML declaration), and
//!   the two well-formed ones it reads differently from every other XML
//!   processor (an attribute `p:xmlns`; a bare CR before a reference or a
//!   tag), are `xml.malformed`: the table in the parent module lists them.
//!
//! The pre-scan only decides limits and refusals; every value is read from
//! roxmltree's tree. Apart from those two constructs it never calls
//! well-formed XML malformed: anything it does not understand is malformed
//! for roxmltree too.

use crate::{Error, ErrorCode, Limits, Result};

/// Parses `text` (already UTF-8) with roxmltree under `limits`.
///
/// Any DOCTYPE → `xml.dtd.forbidden`; more than `limits.max_xml_nodes()`
/// nodes (elements, texts, comments, processing instructions), an element
/// deeper than `limits.max_xml_depth()` (the document element is at depth
/// 1), more than `limits.max_xml_attributes()` attributes or
/// `limits.max_xml_namespaces()` namespace declarations on one element, or
/// more than `limits.max_input_bytes()` bytes → `xml.limits.exceeded`;
/// anything else not well-formed or not namespace-well-formed →
/// `xml.malformed`.
pub(crate) fn parse<'i>(text: &'i str, limits: &Limits) -> Result<roxmltree::Document<'i>> {
    if text.len() > limits.max_input_bytes() {
        return Err(Error::with_detail(
            ErrorCode::XmlLimitsExceeded,
            format!(
                "the XML is {} bytes, more than the limit of {}",
                text.len(),
                limits.max_input_bytes()
            ),
        ));
    }
    prescan(text, limits)?;
    let options = roxmltree::ParsingOptions {
        allow_dtd: false,
        // roxmltree counts its root (document) node too.
        nodes_limit: u32::try_from(limits.max_xml_nodes().saturating_add(1)).unwrap_or(u32::MAX),
        ..roxmltree::ParsingOptions::default()
    };
    let doc = roxmltree::Document::parse_with_options(text, options)
        .map_err(|e| map_error(&e, limits))?;
    // XML 1.0 §2.8: an XML declaration roxmltree cannot read as one (no
    // `version`...) becomes a processing instruction named "xml" instead
    // of an error; the pre-scan already refused that target anywhere else.
    if doc.root().children().any(|n| {
        n.pi()
            .is_some_and(|pi| pi.target.eq_ignore_ascii_case("xml"))
    }) {
        return Err(malformed("a malformed XML declaration"));
    }
    Ok(doc)
}

fn map_error(e: &roxmltree::Error, limits: &Limits) -> Error {
    use roxmltree::Error as E;
    match e {
        E::DtdDetected => Error::new(ErrorCode::XmlDtdForbidden, "the XML carries a DOCTYPE"),
        E::NodesLimitReached => Error::with_detail(
            ErrorCode::XmlLimitsExceeded,
            format!("more than {} XML nodes", limits.max_xml_nodes()),
        ),
        E::AttributesLimitReached | E::NamespacesLimitReached => Error::new(
            ErrorCode::XmlLimitsExceeded,
            "too many XML attributes or namespaces",
        ),
        // roxmltree's messages name the construct and its line and column:
        // operator detail, nothing secret.
        other => Error::with_detail(ErrorCode::XmlMalformed, format!("malformed XML: {other}")),
    }
}

fn malformed(what: &'static str) -> Error {
    Error::new(ErrorCode::XmlMalformed, what)
}

fn exceeded(what: &str, limit: usize) -> Error {
    Error::with_detail(
        ErrorCode::XmlLimitsExceeded,
        format!("{what} (the limit is {limit})"),
    )
}

/// XML 1.0 §2.3: `S ::= (#x20 | #x9 | #xD | #xA)+`.
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// The position just after the first `needle` at or after `from`.
fn skip_past(text: &str, from: usize, needle: &str, what: &'static str) -> Result<usize> {
    let rest = text.get(from..).ok_or_else(|| malformed(what))?;
    let at = rest.find(needle).ok_or_else(|| malformed(what))?;
    Ok(from + at + needle.len())
}

/// One start tag's counts.
struct StartTag {
    /// The position just after `>`.
    end: usize,
    /// `/>`: no content, nothing to close.
    empty: bool,
    /// Namespace declarations (`xmlns`, `xmlns:p`).
    declarations: usize,
}

/// Scans the start tag whose name begins at `from` (just after `<`),
/// stopping early when a per-element limit is crossed.
fn scan_start_tag(text: &str, from: usize, limits: &Limits) -> Result<StartTag> {
    let bytes = text.as_bytes();
    let at = |i: usize| bytes.get(i).copied();
    let mut i = from;
    while let Some(b) = at(i) {
        if is_space(b) || b == b'/' || b == b'>' {
            break;
        }
        i += 1;
    }
    if i == from {
        return Err(malformed("a start tag without a name"));
    }
    let (mut attributes, mut declarations) = (0usize, 0usize);
    let mut default_declared = false;
    loop {
        while at(i).is_some_and(is_space) {
            i += 1;
        }
        match at(i) {
            None => return Err(malformed("the XML ends inside a start tag")),
            Some(b'>') => {
                return Ok(StartTag {
                    end: i + 1,
                    empty: false,
                    declarations,
                })
            }
            Some(b'/') => {
                return match at(i + 1) {
                    Some(b'>') => Ok(StartTag {
                        end: i + 2,
                        empty: true,
                        declarations,
                    }),
                    _ => Err(malformed("'/' inside a start tag")),
                };
            }
            Some(_) => {}
        }
        // An attribute: Name Eq AttValue (XML 1.0 §3.1).
        let name_start = i;
        while let Some(b) = at(i) {
            if is_space(b) || b == b'=' || b == b'>' || b == b'/' {
                break;
            }
            i += 1;
        }
        let name = text
            .get(name_start..i)
            .ok_or_else(|| malformed("a bad attribute name"))?;
        while at(i).is_some_and(is_space) {
            i += 1;
        }
        if at(i) != Some(b'=') {
            return Err(malformed("an attribute without '='"));
        }
        i += 1;
        while at(i).is_some_and(is_space) {
            i += 1;
        }
        let quote = match at(i) {
            Some(q @ (b'"' | b'\'')) => q,
            _ => return Err(malformed("an attribute value without quotes")),
        };
        let value_start = i + 1;
        let rest = text
            .get(value_start..)
            .ok_or_else(|| malformed("the XML ends inside an attribute value"))?;
        let len = rest
            .find(char::from(quote))
            .ok_or_else(|| malformed("the XML ends inside an attribute value"))?;
        i = value_start + len + 1;

        if name == "xmlns" || name.starts_with("xmlns:") {
            if name == "xmlns" {
                // XML 1.0 §3.1, Unique Att Spec: roxmltree 0.21 accepts a
                // second xmlns="..." on one tag (it checks only prefixed
                // declarations for duplicates).
                if default_declared {
                    return Err(malformed("a duplicate xmlns attribute"));
                }
                default_declared = true;
            } else if len == 0 {
                // Namespaces in XML 1.0 §3: "In a namespace declaration for
                // a prefix [...], the attribute value MUST NOT be empty."
                // (An empty raw value is exactly an empty normalized value:
                // a reference always yields a character.)
                return Err(malformed(
                    "an empty namespace name for a prefix (xmlns:p=\"\")",
                ));
            } else if name == "xmlns:xmlns" {
                // Namespaces in XML 1.0 §3: "The prefix xmlns [...] MUST NOT
                // be declared." (roxmltree 0.21 accepts it.)
                return Err(malformed("the xmlns prefix is declared"));
            }
            declarations += 1;
            if declarations > limits.max_xml_namespaces() {
                return Err(exceeded(
                    "too many namespace declarations on one element",
                    limits.max_xml_namespaces(),
                ));
            }
        } else if name.ends_with(":xmlns") {
            // Well formed (a prefixed attribute whose local part is
            // "xmlns"), but roxmltree 0.21 reads it as a default namespace
            // declaration, which would put the element in another
            // namespace than every other XML processor sees.
            return Err(malformed(
                "an attribute named p:xmlns is not supported (roxmltree misreads it)",
            ));
        } else {
            attributes += 1;
            if attributes > limits.max_xml_attributes() {
                return Err(exceeded(
                    "too many attributes on one element",
                    limits.max_xml_attributes(),
                ));
            }
        }
    }
}

/// Character data between two markup constructs: refuses a bare `\r` (one
/// not followed by `\n`) right before a reference or a tag. XML 1.0 §2.11
/// turns it into `\n`; roxmltree 0.21 leaves it as `\r` in those two
/// places, so the value read and canonicalized would differ from what the
/// signer saw. Refusing is the honest answer; such line ends (old Mac
/// style, next to markup) do not occur in SAML.
fn check_character_data(text: &str, from: usize, to: usize) -> Result<()> {
    let Some(data) = text.get(from..to) else {
        return Ok(());
    };
    let bytes = data.as_bytes();
    let mut offset = 0;
    while let Some(cr) = data.get(offset..).and_then(|rest| rest.find('\r')) {
        let at = offset + cr;
        // Past the end of `data` comes '<' (or the end of the input).
        match bytes.get(at + 1) {
            Some(b'\n') => {}
            Some(b'&') | Some(b'<') | None => {
                return Err(malformed(
                    "a bare carriage return before a reference or a tag is not supported",
                ))
            }
            Some(_) => {}
        }
        offset = at + 1;
    }
    Ok(())
}

/// XML 1.0 §2.6: `PI ::= '<?' PITarget (S (Char* - (Char* '?>' Char*)))?
/// '?>'` and `PITarget ::= Name - (('X' | 'x') ('M' | 'm') ('L' | 'l'))`;
/// §2.8: the XML declaration only at the very start. roxmltree 0.21 accepts
/// a target followed by data without the space (`<?xml#x?>`), and a
/// reserved `xml` target there. Returns whether this is the XML declaration.
fn check_pi_target(text: &str, lt: usize) -> Result<bool> {
    let bytes = text.as_bytes();
    let start = lt + 2;
    let mut end = start;
    while let Some(&b) = bytes.get(end) {
        if is_space(b) || b == b'?' {
            break;
        }
        // ASCII bytes that are no NameChar (non-ASCII is roxmltree's to judge).
        if b.is_ascii() && !(b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b':')) {
            return Err(malformed("a processing instruction with a bad target"));
        }
        end += 1;
    }
    let target = text.get(start..end).unwrap_or_default();
    let after = bytes.get(end).copied();
    if target.is_empty()
        || !(after.is_some_and(is_space)
            || (after == Some(b'?') && bytes.get(end + 1) == Some(&b'>')))
    {
        return Err(malformed("a processing instruction with a bad target"));
    }
    if target.eq_ignore_ascii_case("xml") {
        let at_start = lt == 0 || (lt == 3 && text.starts_with('\u{feff}'));
        if target != "xml" || !at_start {
            return Err(malformed("an XML declaration that is not at the start"));
        }
        return Ok(true);
    }
    Ok(false)
}

/// The pre-scan: one pass, no recursion, no allocation beyond one counter
/// per open element (at most `max_xml_depth` of them).
fn prescan(text: &str, limits: &Limits) -> Result<()> {
    let bytes = text.as_bytes();
    // Namespace declarations of each open element.
    let mut open: Vec<usize> = Vec::new();
    // An upper bound of the in-scope namespaces of the innermost open element.
    let mut in_scope = 0usize;
    // roxmltree copies the parent's in-scope list for each element that
    // declares a namespace: bound the total, as the tree itself is bounded.
    let mut namespace_copies = 0usize;
    let copy_budget = limits
        .max_xml_nodes()
        .saturating_mul(limits.max_xml_namespaces());
    // Elements, comments and processing instructions are nodes for
    // roxmltree too (texts are counted by roxmltree): stop early.
    let mut nodes = 0usize;
    let mut pos = 0usize;
    // The bare-CR check of character data only matters when there is a CR
    // at all: one memchr over the input instead of one search per text.
    let has_cr = text.as_bytes().contains(&b'\r');
    let check_data = |from: usize, to: usize| {
        if has_cr {
            check_character_data(text, from, to)
        } else {
            Ok(())
        }
    };
    loop {
        if nodes > limits.max_xml_nodes() {
            return Err(exceeded("too many XML nodes", limits.max_xml_nodes()));
        }
        let Some(lt) = text.get(pos..).and_then(|rest| rest.find('<')) else {
            return check_data(pos, text.len());
        };
        let lt = pos + lt;
        check_data(pos, lt)?;
        let rest = bytes.get(lt..).unwrap_or_default();
        pos = if rest.starts_with(b"<!--") {
            nodes += 1;
            skip_past(text, lt + 4, "-->", "an unterminated comment")?
        } else if rest.starts_with(b"<![CDATA[") {
            skip_past(text, lt + 9, "]]>", "an unterminated CDATA section")?
        } else if rest.starts_with(b"<!DOCTYPE") {
            return Err(Error::new(
                ErrorCode::XmlDtdForbidden,
                "the XML carries a DOCTYPE",
            ));
        } else if rest.starts_with(b"<!") {
            return Err(malformed("markup declarations are not allowed"));
        } else if rest.starts_with(b"<?") {
            // The XML declaration is no node.
            if !check_pi_target(text, lt)? {
                nodes += 1;
            }
            skip_past(text, lt + 2, "?>", "an unterminated processing instruction")?
        } else if rest.starts_with(b"</") {
            let declared = open
                .pop()
                .ok_or_else(|| malformed("an end tag without a start tag"))?;
            in_scope = in_scope.saturating_sub(declared);
            skip_past(text, lt + 2, ">", "an unterminated end tag")?
        } else {
            nodes += 1;
            let tag = scan_start_tag(text, lt + 1, limits)?;
            let depth = open.len() + 1;
            if depth > limits.max_xml_depth() {
                return Err(exceeded("XML nested too deep", limits.max_xml_depth()));
            }
            if tag.declarations > 0 {
                namespace_copies = namespace_copies
                    .saturating_add(in_scope)
                    .saturating_add(tag.declarations);
                if namespace_copies > copy_budget {
                    return Err(exceeded(
                        "too many namespace declarations in scope",
                        copy_budget,
                    ));
                }
            }
            if !tag.empty {
                open.push(tag.declarations);
                in_scope = in_scope.saturating_add(tag.declarations);
            }
            tag.end
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(text: &str) -> &'static str {
        match parse(text, &Limits::default()) {
            Ok(_) => "ok",
            Err(e) => e.code(),
        }
    }

    #[test]
    fn well_formed_documents_parse() {
        for text in [
            "<a/>",
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- c --><a>t<?pi x?></a>\n<!--after-->",
            "<a b='>' c=\"'/>\" d = 'x' >text > more<![CDATA[<&>]]></a >",
            "<p:a xmlns:p='urn:p' xmlns='urn:d' p:x='1'><b xmlns=''/></p:a>",
            "<a>x\r\ny\rz&#13;&#x20;</a>",
        ] {
            assert_eq!(code(text), "ok", "{text}");
        }
        // Well-formed for the pre-scan, not for roxmltree.
        assert_eq!(code("<a/>x"), "xml.malformed");
    }

    #[test]
    fn doctype_is_forbidden() {
        assert_eq!(code("<!DOCTYPE a><a/>"), "xml.dtd.forbidden");
        assert_eq!(
            code("<!DOCTYPE a [<!ENTITY e 'x'>]><a>&e;</a>"),
            "xml.dtd.forbidden"
        );
        // Inside a comment or CDATA it is text, not a DOCTYPE.
        assert_eq!(
            code("<!--<!DOCTYPE a>--><a><![CDATA[<!DOCTYPE>]]></a>"),
            "ok"
        );
    }

    #[test]
    fn empty_prefixed_namespace_is_malformed() {
        assert_eq!(code("<a xmlns:p=''/>"), "xml.malformed");
        assert_eq!(code("<a xmlns=''/>"), "ok");
    }

    #[test]
    fn bare_cr_before_markup_is_refused() {
        assert_eq!(code("<a>x\r&amp;</a>"), "xml.malformed");
        assert_eq!(code("<a>&#x41;\r</a>"), "xml.malformed");
        assert_eq!(code("<a>x\r\n&amp;\ry</a>"), "ok");
        // In attribute values roxmltree is right: no refusal.
        assert_eq!(code("<a b='x\r&amp;'/>"), "ok");
    }

    #[test]
    fn namespace_declarations_roxmltree_accepts_are_refused() {
        assert_eq!(
            code("<a xmlns:x='urn:x' x:xmlns='urn:y'/>"),
            "xml.malformed"
        );
        assert_eq!(code("<a xmlns='urn:x' xmlns='urn:y'/>"), "xml.malformed");
        assert_eq!(code("<a xmlns:xmlns='urn:x'/>"), "xml.malformed");
        assert_eq!(code("<a xmlns:x='urn:x' xmlnsx='1' x:xmlnsx='2'/>"), "ok");
    }

    #[test]
    fn processing_instruction_targets() {
        assert_eq!(
            code("<?xml version='1.0'?><a><?xml-stylesheet x?><?t?></a>"),
            "ok"
        );
        assert_eq!(code("\u{feff}<?xml version='1.0'?><a/>"), "ok");
        for text in [
            "<?xml#version='1.0'?><a/>",
            "<?xml\n re dat?><a/>",
            "<?xml encoding='UTF-8'?><a/>",
            " <?xml version='1.0'?><a/>",
            "<a/><?xml version='1.0'?>",
            "<a><?XML x?></a>",
            "<a><?t#x?></a>",
            "<a><?t?x?></a>",
            "<a><? t?></a>",
        ] {
            assert_eq!(code(text), "xml.malformed", "{text:?}");
        }
    }

    #[test]
    fn prescan_errors_are_malformed() {
        for text in [
            "<a",
            "<a b>",
            "<a b=c/>",
            "<a b='c/>",
            "<a/ >",
            "<!--",
            "<![CDATA[",
            "<?pi",
            "</a>",
            "<a></a",
            "<!ELEMENT a>",
            "< a/>",
        ] {
            assert_eq!(code(text), "xml.malformed", "{text:?}");
        }
    }
}
