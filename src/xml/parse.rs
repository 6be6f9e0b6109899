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
    /// Attributes, namespace declarations included.
    attributes: usize,
}

/// Scans the start tag whose name begins at `from` (just after `<`),
/// stopping early when a per-element limit is crossed. The prefixes it
/// declares (`""` for the default namespace; not `xml`, which roxmltree
/// does not list) are pushed onto `declared`.
fn scan_start_tag<'t>(
    text: &'t str,
    from: usize,
    limits: &Limits,
    declared: &mut Vec<&'t str>,
) -> Result<StartTag> {
    let bytes = text.as_bytes();
    let at = |i: usize| bytes.get(i).copied();
    let mut i = start_tag_name(text, from)?;
    let mut counts = AttributeCounts::default();
    loop {
        i = skip_spaces(bytes, i);
        match at(i) {
            None => return Err(malformed("the XML ends inside a start tag")),
            Some(b'>') => {
                return Ok(StartTag {
                    end: i + 1,
                    empty: false,
                    declarations: counts.declarations,
                    attributes: counts.attributes + counts.declarations,
                })
            }
            Some(b'/') => {
                return match at(i + 1) {
                    Some(b'>') => Ok(StartTag {
                        end: i + 2,
                        empty: true,
                        declarations: counts.declarations,
                        attributes: counts.attributes + counts.declarations,
                    }),
                    _ => Err(malformed("'/' inside a start tag")),
                };
            }
            Some(_) => {}
        }
        let (name, raw_value, next) = scan_attribute(text, i)?;
        i = next;
        counts.add(name, raw_value, limits, declared)?;
    }
}

/// `i` moved past any XML whitespace (`S`).
fn skip_spaces(bytes: &[u8], mut i: usize) -> usize {
    while bytes.get(i).copied().is_some_and(is_space) {
        i += 1;
    }
    i
}

/// The start tag's name, from `from` (just after `<`) to the first space,
/// `/` or `>`: non-empty and a QName. Returns the position after it.
fn start_tag_name(text: &str, from: usize) -> Result<usize> {
    let bytes = text.as_bytes();
    let mut i = from;
    while let Some(b) = bytes.get(i).copied() {
        if is_space(b) || b == b'/' || b == b'>' {
            break;
        }
        i += 1;
    }
    if i == from {
        return Err(malformed("a start tag without a name"));
    }
    check_qname(text.get(from..i).unwrap_or_default())?;
    Ok(i)
}

/// An attribute: Name Eq AttValue (XML 1.0 §3.1), starting at `i`. Returns
/// its name, its raw value (between the quotes) and the position after the
/// closing quote; the name is a QName and the value's references are well
/// formed.
fn scan_attribute(text: &str, mut i: usize) -> Result<(&str, &str, usize)> {
    let bytes = text.as_bytes();
    let at = |i: usize| bytes.get(i).copied();
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
    i = skip_spaces(bytes, i);
    if at(i) != Some(b'=') {
        return Err(malformed("an attribute without '='"));
    }
    i = skip_spaces(bytes, i + 1);
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
    let raw_value = rest.get(..len).unwrap_or_default();
    check_qname(name)?;
    check_references(raw_value)?;
    Ok((name, raw_value, value_start + len + 1))
}

/// One start tag's attributes and namespace declarations so far.
#[derive(Default)]
struct AttributeCounts {
    attributes: usize,
    declarations: usize,
    default_declared: bool,
}

impl AttributeCounts {
    /// Counts one attribute against the per-element limits; a namespace
    /// declaration's prefix is pushed onto `declared`.
    fn add<'t>(
        &mut self,
        name: &'t str,
        raw_value: &str,
        limits: &Limits,
        declared: &mut Vec<&'t str>,
    ) -> Result<()> {
        if name == "xmlns" || name.starts_with("xmlns:") {
            check_namespace_name(raw_value)?;
            self.check_declaration(name, raw_value)?;
            let prefix = name.strip_prefix("xmlns:").unwrap_or_default();
            if prefix != "xml" {
                declared.push(prefix);
            }
            self.declarations += 1;
            if self.declarations > limits.max_xml_namespaces() {
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
            self.attributes += 1;
            if self.attributes > limits.max_xml_attributes() {
                return Err(exceeded(
                    "too many attributes on one element",
                    limits.max_xml_attributes(),
                ));
            }
        }
        Ok(())
    }

    /// The declaration rules roxmltree 0.21 does not enforce, for
    /// `xmlns` or `xmlns:p` with `raw_value`.
    fn check_declaration(&mut self, name: &str, raw_value: &str) -> Result<()> {
        if name == "xmlns" {
            // XML 1.0 §3.1, Unique Att Spec: roxmltree 0.21 accepts a
            // second xmlns="..." on one tag (it checks only prefixed
            // declarations for duplicates).
            if self.default_declared {
                return Err(malformed("a duplicate xmlns attribute"));
            }
            self.default_declared = true;
        } else if raw_value.is_empty() {
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
        Ok(())
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

/// Namespaces in XML 1.0 §3: `QName ::= PrefixedName | UnprefixedName`,
/// `PrefixedName ::= Prefix ':' LocalPart`, both NCNames (names without a
/// colon). roxmltree 0.21 accepts an empty prefix (`<:x/>`, `a :b='1'`,
/// `xmlns:='u'`), an empty local part (`<p:/>`) and a second colon: each
/// is `xml.malformed` here. (Which characters make a Name is roxmltree's to
/// judge.)
fn check_qname(name: &str) -> Result<()> {
    let Some((prefix, local)) = name.split_once(':') else {
        return Ok(());
    };
    if prefix.is_empty() || local.is_empty() || local.contains(':') {
        return Err(malformed(
            "a name with an empty prefix, an empty local part or two colons",
        ));
    }
    Ok(())
}

/// XML 1.0 §2.2: `Char ::= #x9 | #xA | #xD | [#x20-#xD7FF] |
/// [#xE000-#xFFFD] | [#x10000-#x10FFFF]`.
fn is_xml_char(c: u32) -> bool {
    matches!(c, 0x9 | 0xA | 0xD | 0x20..=0xD7FF | 0xE000..=0xFFFD | 0x1_0000..=0x10_FFFF)
}

/// The character reference `&#…;` / `&#x…;` that starts at `amp` in `raw`
/// (XML 1.0 §4.1: "Characters referred to using character references MUST
/// match the production for Char"): its code point and the position after
/// the `;`, or `None` when `amp` starts an entity reference. roxmltree 0.21
/// reads a surrogate (`&#xD800;`) or a code point past U+10FFFF as U+FFFD,
/// so a signed value would verify with another character: refused here.
fn char_reference(raw: &[u8], amp: usize) -> Result<Option<(u32, usize)>> {
    if raw.get(amp + 1) != Some(&b'#') {
        return Ok(None);
    }
    let (radix, mut i) = match raw.get(amp + 2) {
        Some(b'x') => (16, amp + 3),
        _ => (10, amp + 2),
    };
    let digits = i;
    let mut code: u32 = 0;
    while let Some(digit) = raw.get(i).and_then(|&b| char::from(b).to_digit(radix)) {
        // Saturates past U+10FFFF, which no Char reaches: one bound check.
        code = code
            .saturating_mul(radix)
            .saturating_add(digit)
            .min(0x11_0000);
        i += 1;
    }
    if i == digits || raw.get(i) != Some(&b';') {
        return Err(malformed("a malformed character reference"));
    }
    if !is_xml_char(code) {
        return Err(malformed(
            "a character reference to a code point XML forbids",
        ));
    }
    Ok(Some((code, i + 1)))
}

/// Every character reference in `raw` (character data, or an attribute
/// value as written) names a `Char`. One pass: `memchr` from `&` to `&`.
fn check_references(raw: &str) -> Result<()> {
    let bytes = raw.as_bytes();
    let mut from = 0;
    while let Some(at) = raw.get(from..).and_then(|rest| rest.find('&')) {
        let amp = from + at;
        from = match char_reference(bytes, amp)? {
            Some((_, after)) => after,
            None => amp + 1,
        };
    }
    Ok(())
}

/// Namespaces in XML 1.0 §2.2: "The attribute's normalized value MUST be
/// either a URI reference — the namespace name identifying the namespace —
/// or empty." `raw` is the value as written: its references are expanded
/// here (the five predefined entities and character references; the
/// literal white space that attribute-value normalization turns into a
/// space is no URI character either), then the value is checked against
/// RFC 3986's `URI-reference`. Linear in the value.
fn check_namespace_name(raw: &str) -> Result<()> {
    let value: std::borrow::Cow<'_, str> = if raw.contains('&') {
        let bytes = raw.as_bytes();
        let mut out = String::with_capacity(raw.len());
        let mut from = 0;
        while let Some(at) = raw.get(from..).and_then(|rest| rest.find('&')) {
            let amp = from + at;
            out.push_str(raw.get(from..amp).unwrap_or_default());
            if let Some((code, after)) = char_reference(bytes, amp)? {
                out.push(char::from_u32(code).unwrap_or('\u{FFFD}'));
                from = after;
                continue;
            }
            let rest = raw.get(amp..).unwrap_or_default();
            let (c, len) = [
                ("&lt;", '<'),
                ("&gt;", '>'),
                ("&amp;", '&'),
                ("&apos;", '\''),
                ("&quot;", '"'),
            ]
            .iter()
            .find(|(name, _)| rest.starts_with(name))
            .map(|(name, c)| (*c, name.len()))
            .ok_or_else(|| malformed("an unknown entity reference"))?;
            out.push(c);
            from = amp + len;
        }
        out.push_str(raw.get(from..).unwrap_or_default());
        out.into()
    } else {
        raw.into()
    };
    if is_uri_reference(&value) {
        Ok(())
    } else {
        Err(malformed("a namespace name that is not a URI reference"))
    }
}

/// RFC 3986 §4.1: `URI-reference = URI / relative-ref`, checked in one pass
/// over the bytes (ASCII only: RFC 3986 has no other characters).
///
/// - every byte is `unreserved / reserved` or part of `pct-encoded`
///   (`%` HEXDIG HEXDIG);
/// - a `:` before the first `/`, `?` or `#` ends a `scheme` (`ALPHA *( ALPHA
///   / DIGIT / "+" / "-" / "." )`): a relative reference's first segment
///   has no colon (`path-noscheme`);
/// - `[` and `]` only around an `IP-literal` host of an authority (`//`),
///   followed by the end of the authority or a `:port`; a port is digits;
/// - `#` once at most: the fragment holds no `#`.
fn is_uri_reference(s: &str) -> bool {
    let bytes = s.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        let ok = b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'-' | b'.' | b'_' | b'~' // unreserved
                | b':' | b'/' | b'?' | b'#' | b'[' | b']' | b'@' // gen-delims
                | b'!' | b'$' | b'&' | b'\'' | b'(' | b')' | b'*' | b'+' | b',' | b';' | b'=' // sub-delims
            )
            || (b == b'%'
                && bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit));
        if !ok {
            return false;
        }
    }
    let (before_fragment, fragment) = s.split_once('#').unwrap_or((s, ""));
    if fragment.contains(['#', '[', ']']) {
        return false;
    }
    // The scheme, if the first delimiter is a colon.
    let rest = match before_fragment.find([':', '/', '?']) {
        Some(colon) if before_fragment.as_bytes().get(colon) == Some(&b':') => {
            let scheme = before_fragment.get(..colon).unwrap_or_default();
            let mut chars = scheme.bytes();
            if !chars.next().is_some_and(|b| b.is_ascii_alphabetic())
                || !chars.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
            {
                return false;
            }
            before_fragment.get(colon + 1..).unwrap_or_default()
        }
        _ => before_fragment,
    };
    // The authority, if any: `[ userinfo "@" ] host [ ":" port ]`.
    let path_and_query = match rest.strip_prefix("//") {
        Some(after) => {
            let end = after.find(['/', '?']).unwrap_or(after.len());
            let authority = after.get(..end).unwrap_or_default();
            let host_port = match authority.rsplit_once('@') {
                Some((userinfo, host_port)) => {
                    if userinfo.contains(['@', '[', ']']) {
                        return false;
                    }
                    host_port
                }
                None => authority,
            };
            let port = if let Some(literal) = host_port.strip_prefix('[') {
                let Some((inside, after_host)) = literal.split_once(']') else {
                    return false;
                };
                if inside.is_empty() || inside.contains('[') {
                    return false;
                }
                match after_host.strip_prefix(':') {
                    Some(port) => port,
                    None if after_host.is_empty() => "",
                    None => return false,
                }
            } else {
                if host_port.contains(['[', ']']) {
                    return false;
                }
                host_port.split_once(':').map_or("", |(_, port)| port)
            };
            if !port.bytes().all(|b| b.is_ascii_digit()) {
                return false;
            }
            after.get(end..).unwrap_or_default()
        }
        None => rest,
    };
    !path_and_query.contains(['[', ']'])
}

/// XML 1.0 §4.3.3: "it is a fatal error [...] if an XML entity is
/// determined (via default, encoding declaration, or higher-level protocol)
/// to be in a certain encoding but contains byte sequences that are not
/// legal in that encoding". The input is UTF-8 (checked before parsing), so
/// an XML declaration that names another encoding (`ISO-8859-1`,
/// `UTF-16`...) declares bytes other than the ones we read: refused, so
/// that we never see other text than a conforming parser would.
/// `decl` runs from `<?xml` to just before `?>`. Only the `encoding`
/// pseudo-attribute is read; roxmltree checks the declaration's syntax.
fn check_encoding_declaration(decl: &str) -> Result<()> {
    let bytes = decl.as_bytes();
    let mut i = "<?xml".len();
    loop {
        while bytes.get(i).copied().is_some_and(is_space) {
            i += 1;
        }
        let name_start = i;
        while bytes.get(i).is_some_and(|&b| !is_space(b) && b != b'=') {
            i += 1;
        }
        if i == name_start {
            return Ok(());
        }
        let name = decl.get(name_start..i).unwrap_or_default();
        while bytes.get(i).copied().is_some_and(is_space) {
            i += 1;
        }
        if bytes.get(i) != Some(&b'=') {
            return Ok(()); // roxmltree refuses it
        }
        i += 1;
        while bytes.get(i).copied().is_some_and(is_space) {
            i += 1;
        }
        let Some(&quote @ (b'"' | b'\'')) = bytes.get(i) else {
            return Ok(()); // roxmltree refuses it
        };
        let value_start = i + 1;
        let Some(len) = decl
            .get(value_start..)
            .and_then(|rest| rest.find(char::from(quote)))
        else {
            return Ok(()); // roxmltree refuses it
        };
        if name == "encoding"
            && !decl
                .get(value_start..value_start + len)
                .unwrap_or_default()
                .eq_ignore_ascii_case("UTF-8")
        {
            return Err(malformed(
                "the XML declaration names an encoding other than UTF-8",
            ));
        }
        i = value_start + len + 1;
    }
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
        let end = skip_past(text, lt + 2, "?>", "an unterminated processing instruction")?;
        check_encoding_declaration(text.get(lt..end - 2).unwrap_or_default())?;
        return Ok(true);
    }
    Ok(false)
}

/// The namespaces in scope of the innermost open element, counted as
/// roxmltree lists them (each prefix once). roxmltree resolves every
/// prefixed name, and every unprefixed element name, by a linear search of
/// that list: [`Limits::max_xml_namespaces_in_scope`] keeps each search
/// short. O(1) amortised per declaration.
#[derive(Default)]
struct Scope<'t> {
    /// The prefixes declared by the open elements, innermost last.
    declared: Vec<&'t str>,
    /// How many open elements declare each prefix.
    count: std::collections::HashMap<&'t str, usize>,
}

impl<'t> Scope<'t> {
    /// Takes in the declarations pushed since `mark`; refuses more than
    /// the limit in scope.
    fn enter(&mut self, mark: usize, limits: &Limits) -> Result<()> {
        for &prefix in self.declared.get(mark..).unwrap_or_default() {
            *self.count.entry(prefix).or_insert(0) += 1;
        }
        if self.count.len() > limits.max_xml_namespaces_in_scope() {
            return Err(exceeded(
                "too many namespaces in scope of one element",
                limits.max_xml_namespaces_in_scope(),
            ));
        }
        Ok(())
    }

    /// Drops the declarations made since `mark`.
    fn leave(&mut self, mark: usize) {
        while self.declared.len() > mark {
            let Some(prefix) = self.declared.pop() else {
                break;
            };
            if let Some(n) = self.count.get_mut(prefix) {
                *n -= 1;
                if *n == 0 {
                    self.count.remove(prefix);
                }
            }
        }
    }
}

/// The pre-scan: one pass, no recursion; it keeps one counter per open
/// element (at most `max_xml_depth` of them) and the prefixes in scope.
fn prescan(text: &str, limits: &Limits) -> Result<()> {
    let bytes = text.as_bytes();
    // Namespace declarations of each open element, and how many of them
    // are in `scope.declared`.
    let mut open: Vec<(usize, usize)> = Vec::new();
    let mut scope = Scope::default();
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
    // roxmltree's work grows with the attributes of the whole document
    // (about 6 x a flat document's at 64 per element on every element):
    // bound the total as well as the count per element.
    let mut attributes = 0usize;
    let mut pos = 0usize;
    // The bare-CR check of character data only matters when there is a CR
    // at all: one memchr over the input instead of one search per text.
    let has_cr = text.as_bytes().contains(&b'\r');
    // Likewise the references of character data (attribute values are
    // checked with their tag).
    let has_amp = text.as_bytes().contains(&b'&');
    let check_data = |from: usize, to: usize| {
        if has_cr {
            check_character_data(text, from, to)?;
        }
        if has_amp {
            check_references(text.get(from..to).unwrap_or_default())?;
        }
        Ok(())
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
            let (declared, listed) = open
                .pop()
                .ok_or_else(|| malformed("an end tag without a start tag"))?;
            in_scope = in_scope.saturating_sub(declared);
            scope.leave(scope.declared.len().saturating_sub(listed));
            skip_past(text, lt + 2, ">", "an unterminated end tag")?
        } else {
            nodes += 1;
            let mark = scope.declared.len();
            let tag = scan_start_tag(text, lt + 1, limits, &mut scope.declared)?;
            scope.enter(mark, limits)?;
            attributes = attributes.saturating_add(tag.attributes);
            if attributes > limits.max_xml_attributes_total() {
                return Err(exceeded(
                    "too many XML attributes in the document",
                    limits.max_xml_attributes_total(),
                ));
            }
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
            if tag.empty {
                scope.leave(mark);
            } else {
                open.push((tag.declarations, scope.declared.len() - mark));
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

    /// XML 1.0 §4.1 (WFC: Legal Character): a character reference names a
    /// `Char`, in text and in attribute values alike.
    #[test]
    fn character_references_to_forbidden_code_points_are_malformed() {
        for bad in [
            "&#xD800;",
            "&#xdfff;",
            "&#55296;",
            "&#0;",
            "&#x0;",
            "&#x1;",
            "&#8;",
            "&#xB;",
            "&#x1F;",
            "&#xFFFE;",
            "&#xFFFF;",
            "&#65535;",
            "&#x110000;",
            "&#1114112;",
            "&#x7FFFFFFF;",
            "&#99999999999999999999999;",
            "&#x000000000000000000000D800;",
            "&#x;",
            "&#;",
            "&#X41;",
            "&#x41",
        ] {
            for text in [
                format!("<a>x{bad}y</a>"),
                format!("<a>{bad}</a>"),
                format!("<a b='{bad}'/>"),
                format!("<a><b c=\"1{bad}2\"></b></a>"),
                format!("<a>ok</a><!--c-->{bad}"),
            ] {
                assert_eq!(code(&text), "xml.malformed", "{text:?}");
            }
        }
        for good in [
            "&#x9;",
            "&#xA;",
            "&#xD;",
            "&#9;",
            "&#32;",
            "&#x20;",
            "&#xD7FF;",
            "&#xE000;",
            "&#xFFFD;",
            "&#x10000;",
            "&#x10FFFF;",
            "&#1114111;",
            "&#x0041;",
            "&#0000065;",
            "&amp;",
            "&lt;&gt;&apos;&quot;",
        ] {
            for text in [format!("<a>x{good}y</a>"), format!("<a b='{good}'/>")] {
                assert_eq!(code(&text), "ok", "{text:?}");
            }
        }
        // In CDATA sections and comments they are no references.
        assert_eq!(
            code("<a><![CDATA[&#0;&#xD800;]]><!-- &#xFFFE; --></a>"),
            "ok"
        );
    }

    /// Raw characters outside `Char` (roxmltree checks them itself).
    #[test]
    fn forbidden_raw_characters_are_malformed() {
        for bad in [
            '\u{0}', '\u{1}', '\u{8}', '\u{B}', '\u{1F}', '\u{FFFE}', '\u{FFFF}',
        ] {
            for text in [
                format!("<a>x{bad}y</a>"),
                format!("<a b='{bad}'/>"),
                format!("<a><!--{bad}--></a>"),
                format!("<a><![CDATA[{bad}]]></a>"),
                format!("<a><?p {bad}?></a>"),
            ] {
                assert_eq!(code(&text), "xml.malformed", "{text:?}");
            }
        }
        assert_eq!(
            code("<a b='\u{10FFFF}\u{E000}'>\u{D7FF}\u{FFFD}\u{10000}</a>"),
            "ok"
        );
    }

    /// Namespaces in XML 1.0 §3: prefixes and local parts are NCNames.
    #[test]
    fn empty_prefixes_and_extra_colons_are_malformed() {
        for text in [
            "<:x/>",
            "<:x></:x>",
            "<a :b='1'/>",
            "<a xmlns:='urn:x'/>",
            "<p: xmlns:p='urn:p'/>",
            "<a xmlns:p='urn:p' p:='1'/>",
            "<a:b:c xmlns:a='urn:a'/>",
            "<a xmlns:x='urn:x' x:y:z='1'/>",
            "<a xmlns:x:y='urn:x'/>",
            "<a><:b/></a>",
        ] {
            assert_eq!(code(text), "xml.malformed", "{text:?}");
        }
        for text in [
            "<p:x xmlns:p='urn:p' p:y='1'/>",
            "<a b.c-d_e='1' xml:lang='it'/>",
            "<p:a.b xmlns:p='urn:p'><p:c-d/></p:a.b>",
        ] {
            assert_eq!(code(text), "ok", "{text:?}");
        }
    }

    /// Namespaces in XML 1.0 §2.2: a namespace name is a URI reference
    /// (RFC 3986), checked on the normalized value.
    #[test]
    fn namespace_names_must_be_uri_references() {
        for uri in [
            "a b:c",
            "urn:a b",
            "urn:a&#x20;b",
            "urn:a&#9;b",
            "urn:a\tb",
            "urn:a\nb",
            "urn:x&lt;y",
            "urn:x&gt;y",
            "urn:x&quot;y",
            "urn:{x}",
            "urn:a|b",
            "urn:a\\b",
            "urn:a^b",
            "urn:a`b",
            "http://x/%zz",
            "http://x/%4",
            "http://x/%",
            "urn:a#b#c",
            "1urn:x",
            "-a:x",
            ":x",
            "a_b:x",
            "http://[::1/x",
            "http://a]b/",
            "http://[]/",
            "http://[::1]x/",
            "urn:a[b]",
            "http://x/#a[1]",
            "http://host:80a/",
            "http://u@v@host/",
            "urn:\u{e9}t\u{e9}",
            "urn:a\u{a0}b",
        ] {
            for decl in ["xmlns:p", "xmlns"] {
                let text = format!("<a {decl}='{uri}'/>");
                assert_eq!(code(&text), "xml.malformed", "{text:?}");
            }
        }
        for uri in [
            "urn:x",
            "urn:oasis:names:tc:SAML:2.0:assertion",
            "http://www.w3.org/2000/09/xmldsig#",
            "http://x/a%20b",
            "http://x/a%2Fb%2f",
            "urn:a&amp;b",
            "urn:a&#x41;",
            "http://[::1]:8080/p?q=1&amp;r=(2)#f/?",
            "http://[v1.x]/",
            "http://user:pw@host:80/",
            "https://host/~a_b.c-d!$&apos;()*+,;=@",
            "DAV:",
            "a/b:c",
            "./a",
            "#frag",
            "?q",
            "//host",
            "x",
        ] {
            for decl in ["xmlns:p", "xmlns"] {
                let text = format!("<a {decl}=\"{uri}\"/>");
                assert_eq!(code(&text), "ok", "{text:?}");
            }
        }
    }

    /// XML 1.0 §4.3.3: the input is read as UTF-8, so an XML declaration
    /// may name no other encoding.
    #[test]
    fn encodings_other_than_utf8_are_malformed() {
        for encoding in [
            "ISO-8859-1",
            "iso-8859-1",
            "UTF-16",
            "UTF-16LE",
            "utf-16be",
            "US-ASCII",
            "ascii",
            "UTF8",
            "UTF-8x",
            "UTF-32",
            "windows-1252",
            "latin1",
            "Shift_JIS",
            "EBCDIC-US",
        ] {
            for decl in [
                format!("<?xml version='1.0' encoding='{encoding}'?>"),
                format!("<?xml version=\"1.0\" encoding = \"{encoding}\" standalone=\"yes\"?>"),
                format!("\u{feff}<?xml version='1.0'\nencoding=\"{encoding}\"?>"),
            ] {
                let text = format!("{decl}<a/>");
                assert_eq!(code(&text), "xml.malformed", "{text:?}");
            }
        }
        for decl in [
            "<?xml version='1.0' encoding='UTF-8'?>",
            "<?xml version='1.0' encoding='utf-8'?>",
            "<?xml version='1.0' encoding='Utf-8'?>",
            "<?xml version=\"1.0\" encoding = \"UTF-8\" standalone=\"no\"?>",
            "<?xml version='1.0'?>",
            "<?xml version='1.0' standalone='yes'?>",
            "\u{feff}<?xml version='1.0' encoding='UTF-8'?>",
            "",
        ] {
            let text = format!("{decl}<a>encoding='latin1'<?p encoding='latin1'?></a>");
            assert_eq!(code(&text), "ok", "{text:?}");
        }
    }

    #[test]
    fn uri_references() {
        assert!(is_uri_reference(""));
        assert!(is_uri_reference("mailto:a@b.c"));
        assert!(!is_uri_reference("a b"));
    }

    #[test]
    fn namespaces_in_scope_are_bounded() {
        let limits = Limits::default().tighten_max_xml_namespaces_in_scope(3);
        let run = |text: &str| match parse(text, &limits) {
            Ok(_) => "ok",
            Err(e) => e.code(),
        };
        // Three in scope, each prefix once however often it is declared.
        assert_eq!(
            run(
                "<a xmlns:p='urn:p' xmlns:q='urn:q'><b xmlns:p='urn:p2' xmlns='urn:d'>\
                 <c xmlns:q='urn:q'/></b><d xmlns:r='urn:r'/></a>"
            ),
            "ok"
        );
        // Four: on an empty element, on an open one, after siblings closed.
        for text in [
            "<a xmlns:p='urn:p' xmlns:q='urn:q'><b xmlns='urn:d' xmlns:r='urn:r'/></a>",
            "<a xmlns:p='urn:p' xmlns:q='urn:q'><b xmlns:r='urn:r'><c xmlns='urn:d'></c></b></a>",
            "<a xmlns:p='urn:p'><b xmlns:q='urn:q'/><c xmlns:r='urn:r'/><d xmlns:q='urn:q' xmlns:r='urn:r' xmlns:s='urn:s'/></a>",
        ] {
            assert_eq!(run(text), "xml.limits.exceeded", "{text:?}");
        }
        // xmlns:xml is no namespace roxmltree lists.
        assert_eq!(
            run("<a xmlns:p='urn:p' xmlns:q='urn:q' xmlns:r='urn:r' xmlns:xml='http://www.w3.org/XML/1998/namespace'/>"),
            "ok"
        );
    }

    #[test]
    fn attributes_in_the_document_are_bounded() {
        let limits = Limits::default().tighten_max_xml_attributes_total(4);
        let run = |text: &str| match parse(text, &limits) {
            Ok(_) => "ok",
            Err(e) => e.code(),
        };
        // Four, counted across elements, declarations included; attributes
        // of empty elements and of elements already closed still count.
        for text in [
            "<a x='1' xmlns:p='urn:p'><b p:y='2'/><c z='3'/></a>",
            "<a><b x='1' y='2'/><b x='1' y='2'/></a>",
            "<a xmlns='urn:d' x='1'><b/><b/><b/>text<b y='2' z=''/></a>",
        ] {
            assert_eq!(run(text), "ok", "{text:?}");
        }
        // Five, however they are spread.
        for text in [
            "<a x='1' xmlns:p='urn:p'><b p:y='2'/><c z='3' w='4'/></a>",
            "<a><b x='1' y='2'/><b x='1' y='2'/><b x='1'/></a>",
            "<a xmlns='urn:d' x='1'><b xmlns='urn:e'/><b xmlns='urn:d'/><b y='2' z=''/></a>",
            "<a><b x='1'/><!-- c='2' d='3' e='4' f='5' --><b x='1' y='2' z='3' w='4'/></a>",
        ] {
            assert_eq!(run(text), "xml.limits.exceeded", "{text:?}");
        }
        // Text and comments that look like attributes are not attributes.
        assert_eq!(
            run("<a x='1'>y='2' z='3' w='4' v='5'<!-- u='6' --><![CDATA[t='7']]></a>"),
            "ok"
        );
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
