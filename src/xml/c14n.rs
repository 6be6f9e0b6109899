//! Exclusive XML Canonicalization 1.0 (W3C Recommendation 18 July 2002,
//! `http://www.w3.org/2001/10/xml-exc-c14n#` and its `#WithComments`
//! variant), with the `InclusiveNamespaces PrefixList`; the rules it shares
//! with Canonical XML 1.0 (W3C Recommendation 15 March 2001, §2) are quoted
//! where they are applied.
//!
//! The input is a subtree of a roxmltree document (an element and
//! everything under it, minus an optional excluded node: the
//! enveloped-signature transform's `Signature`), or a whole document. The
//! walk is iterative (an explicit stack), and output is streamed into a
//! [`Sink`], so the canonical bytes can go straight into a digest.
//!
//! What roxmltree normalizes, and what this module adds, is tabled in the
//! parent module's documentation.

use crate::{Error, ErrorCode, Result};
use core::cmp::Ordering;
use roxmltree::{Node, NodeId, NodeType};
use std::collections::{HashMap, HashSet};

/// Where canonical bytes go: a `Vec<u8>`, or a hasher (so the bytes stream
/// straight into the digest).
pub(crate) trait Sink {
    /// Appends `bytes`.
    fn write(&mut self, bytes: &[u8]);
}

impl Sink for Vec<u8> {
    fn write(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
}

macro_rules! digest_sinks {
    ($($hasher:ty),+ $(,)?) => {
        $(
            impl Sink for $hasher {
                fn write(&mut self, bytes: &[u8]) {
                    sha2::Digest::update(self, bytes);
                }
            }
        )+
    };
}

digest_sinks!(
    sha1::Sha1,
    sha2::Sha224,
    sha2::Sha256,
    sha2::Sha384,
    sha2::Sha512
);

/// The canonicalization's parameters.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Options<'a> {
    /// Exclusive XML Canonicalization 1.0 "WithComments" variant.
    pub with_comments: bool,
    /// InclusiveNamespaces PrefixList (prefixes treated as in inclusive
    /// c14n; "#default" for the default namespace).
    pub inclusive_prefixes: &'a [&'a str],
    /// A node (and its subtree) left out of the output: the
    /// enveloped-signature transform passes the Signature element here.
    pub exclude: Option<NodeId>,
}

/// The namespace bound to the `xml` prefix (Namespaces in XML 1.0 §3).
const XML_NAMESPACE: &str = "http://www.w3.org/XML/1998/namespace";

/// Writes the Exclusive XML Canonicalization 1.0 of the subtree rooted at
/// `apex` into `out`.
///
/// `apex` is an element (its document subset is the element, its
/// descendants, their attributes and the namespace nodes in scope, so a
/// prefix declared on an ancestor and used by the apex is rendered on the
/// apex) or the document's root node (the whole document). Iterative
/// (explicit stack), no recursion.
///
/// On error, `out` may hold part of the output: discard it (any
/// canonicalization error is fatal, DESIGN principle 4).
pub(crate) fn canonicalize(
    apex: Node<'_, '_>,
    options: &Options<'_>,
    out: &mut dyn Sink,
) -> Result<()> {
    run(apex, options, out).0
}

/// The work [`canonicalize`] does on `apex`, in units that each cost O(1):
/// a node visited, an attribute, a namespace declaration examined, a
/// prefix looked up, a namespace node considered for rendering, and every
/// byte read from the source or written out. Canonicalization is linear:
/// this count is at most a small constant times the input's size, whatever
/// its shape (`tests/xml_dos.rs` proves it on the adversarial shapes of
/// issue 20).
#[cfg_attr(not(test), allow(dead_code))] // tests, and tests/xml_dos.rs
pub(crate) fn work(apex: Node<'_, '_>, options: &Options<'_>) -> Result<u64> {
    struct Discard;
    impl Sink for Discard {
        fn write(&mut self, _: &[u8]) {}
    }
    let (result, work) = run(apex, options, &mut Discard);
    result.map(|()| work)
}

fn run(apex: Node<'_, '_>, options: &Options<'_>, out: &mut dyn Sink) -> (Result<()>, u64) {
    let mut writer = Writer::new(out);
    let mut canon = Canonicalizer::new(options);
    let result = if options.exclude == Some(apex.id()) {
        Ok(())
    } else {
        match apex.node_type() {
            NodeType::Element => canon.subtree(apex, &mut writer),
            NodeType::Root => canon.document(apex, &mut writer),
            _ => Err(Error::new(
                ErrorCode::XmlMalformed,
                "canonicalization starts at an element or a document",
            )),
        }
    };
    writer.flush();
    (result, canon.work.saturating_add(writer.written))
}

/// Convenience: the canonical bytes in a Vec.
pub(crate) fn to_vec(apex: Node<'_, '_>, options: &Options<'_>) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    canonicalize(apex, options, &mut out)?;
    Ok(out)
}

/// Buffers small writes so that a hasher sees few, large updates.
struct Writer<'s> {
    buffer: Vec<u8>,
    sink: &'s mut dyn Sink,
    /// Bytes written so far (the work counter's share of the output).
    written: u64,
}

const BUFFER: usize = 8 * 1024;

impl<'s> Writer<'s> {
    fn new(sink: &'s mut dyn Sink) -> Self {
        Writer {
            buffer: Vec::with_capacity(BUFFER),
            sink,
            written: 0,
        }
    }

    fn push(&mut self, bytes: &[u8]) {
        if bytes.len() >= BUFFER {
            self.flush();
            self.written = self.written.saturating_add(bytes.len() as u64);
            self.sink.write(bytes);
            return;
        }
        self.buffer.extend_from_slice(bytes);
        if self.buffer.len() >= BUFFER {
            self.flush();
        }
    }

    /// One byte (markup), without a copy call.
    fn byte(&mut self, b: u8) {
        self.buffer.push(b);
        if self.buffer.len() >= BUFFER {
            self.flush();
        }
    }

    fn flush(&mut self) {
        if !self.buffer.is_empty() {
            self.written = self.written.saturating_add(self.buffer.len() as u64);
            self.sink.write(&self.buffer);
            self.buffer.clear();
        }
    }

    /// C14N 1.0 §2.3, text nodes: "all ampersands are replaced by `&amp;`,
    /// all open angle brackets (<) are replaced by `&lt;`, all closing angle
    /// brackets (>) are replaced by `&gt;`, and all #xD characters are
    /// replaced by `&#xD;`."
    fn text(&mut self, s: &str) {
        self.escaped(s, |b| match b {
            b'&' => Some(b"&amp;"),
            b'<' => Some(b"&lt;"),
            b'>' => Some(b"&gt;"),
            b'\r' => Some(b"&#xD;"),
            _ => None,
        });
    }

    /// C14N 1.0 §2.3, attribute nodes: "replacing all ampersands (&) with
    /// `&amp;`, all open angle brackets (<) with `&lt;`, all quotation mark
    /// characters with `&quot;`, and the whitespace characters #x9, #xA, and
    /// #xD, with character references [...] in uppercase hexadecimal with
    /// no leading zeroes".
    fn attribute_value(&mut self, s: &str) {
        self.escaped(s, |b| match b {
            b'&' => Some(b"&amp;"),
            b'<' => Some(b"&lt;"),
            b'"' => Some(b"&quot;"),
            b'\t' => Some(b"&#x9;"),
            b'\n' => Some(b"&#xA;"),
            b'\r' => Some(b"&#xD;"),
            _ => None,
        });
    }

    fn escaped(&mut self, s: &str, escape: impl Fn(u8) -> Option<&'static [u8]>) {
        let bytes = s.as_bytes();
        // Most values need no escaping: one branch-free pass over the bytes
        // (the compiler vectorizes it) decides, then a single copy.
        if !bytes
            .iter()
            .fold(false, |any, &b| any | escape(b).is_some())
        {
            self.push(bytes);
            return;
        }
        let mut start = 0;
        for (i, &b) in bytes.iter().enumerate() {
            if let Some(replacement) = escape(b) {
                self.push(bytes.get(start..i).unwrap_or_default());
                self.push(replacement);
                start = i + 1;
            }
        }
        self.push(bytes.get(start..).unwrap_or_default());
    }

    /// Comments and processing instructions as the XPath data model has
    /// them: XML 1.0 §2.11 line-end handling applies to the whole input
    /// ("\r\n" and a lone "\r" become "\n"), and roxmltree does not apply
    /// it to these two.
    fn line_ends_normalized(&mut self, s: &str) {
        let bytes = s.as_bytes();
        let mut start = 0;
        let mut i = 0;
        while let Some(&b) = bytes.get(i) {
            if b == b'\r' {
                self.push(bytes.get(start..i).unwrap_or_default());
                self.push(b"\n");
                if bytes.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
                start = i + 1;
            }
            i += 1;
        }
        self.push(bytes.get(start..).unwrap_or_default());
    }
}

/// An element whose end tag is still to be written.
struct Open<'a, 'i> {
    node: Node<'a, 'i>,
    qname: &'i str,
    /// `undo.len()` before this element's namespace changes.
    mark: usize,
}

/// One attribute, ready to sort and write.
struct Attr<'a, 'i> {
    namespace: &'a str,
    local: &'i str,
    qname: &'i str,
    value: &'a str,
}

/// A prefix: `None` is the default namespace.
type Prefix<'a> = Option<&'a str>;

/// A change to [`Canonicalizer::in_scope`] or [`Canonicalizer::rendered`],
/// undone when the element that made it is closed.
enum Undo<'a> {
    InScope(Prefix<'a>, Option<&'a str>),
    Rendered(Prefix<'a>, Option<(&'a str, u64)>),
}

/// Linear by construction (issue 20): each namespace declaration is
/// examined once, where it is made (the apex's whole in-scope list once);
/// a prefix is resolved by one hash lookup in `in_scope`; whether a
/// namespace node was rendered by an output ancestor is one lookup in
/// `rendered`, and whether the current element already renders it is a
/// generation number, not a scan. Both maps change only where a
/// declaration is made or rendered, and the changes are undone from a log
/// when the element closes.
struct Canonicalizer<'o, 'a, 'i> {
    options: &'o Options<'o>,
    /// The InclusiveNamespaces PrefixList as a set (without `#default`).
    listed: HashSet<&'o str>,
    /// `#default` is in the PrefixList.
    listed_default: bool,
    /// The namespaces in scope of the current element: prefix → URI (an
    /// empty URI is `xmlns=""`). The `xml` prefix is never in it.
    in_scope: HashMap<Prefix<'a>, &'a str>,
    /// The nearest namespace node rendered by an output ancestor (or the
    /// current element), per prefix: its URI and the generation of the
    /// element that rendered it.
    rendered: HashMap<Prefix<'a>, (&'a str, u64)>,
    undo: Vec<Undo<'a>>,
    /// The current element's number, in document order.
    generation: u64,
    /// The current element's declarations to write (reused).
    declarations: Vec<(Prefix<'a>, &'a str)>,
    /// The current element's attributes (reused).
    attributes: Vec<Attr<'a, 'i>>,
    open: Vec<Open<'a, 'i>>,
    /// The work counter (see [`work`]), bytes written excepted.
    work: u64,
}

impl<'o: 'a, 'a, 'i: 'a> Canonicalizer<'o, 'a, 'i> {
    fn new(options: &'o Options<'o>) -> Self {
        let mut listed = HashSet::new();
        let mut listed_default = false;
        for &prefix in options.inclusive_prefixes {
            if prefix == "#default" {
                listed_default = true;
            } else {
                listed.insert(prefix);
            }
        }
        Canonicalizer {
            options,
            work: options.inclusive_prefixes.len() as u64,
            listed,
            listed_default,
            in_scope: HashMap::new(),
            rendered: HashMap::new(),
            undo: Vec::new(),
            generation: 0,
            declarations: Vec::new(),
            attributes: Vec::new(),
            open: Vec::new(),
        }
    }

    fn charge(&mut self, units: usize) {
        self.work = self.work.saturating_add(units as u64);
    }

    /// Binds `prefix` to `uri` for the current element and its descendants.
    fn bind(&mut self, prefix: Prefix<'a>, uri: &'a str) {
        let previous = self.in_scope.insert(prefix, uri);
        self.undo.push(Undo::InScope(prefix, previous));
    }

    /// Undoes the namespace changes made since `mark`.
    fn unwind(&mut self, mark: usize) {
        while self.undo.len() > mark {
            let Some(change) = self.undo.pop() else {
                break;
            };
            self.charge(1);
            match change {
                Undo::InScope(prefix, Some(uri)) => {
                    self.in_scope.insert(prefix, uri);
                }
                Undo::InScope(prefix, None) => {
                    self.in_scope.remove(&prefix);
                }
                Undo::Rendered(prefix, Some(entry)) => {
                    self.rendered.insert(prefix, entry);
                }
                Undo::Rendered(prefix, None) => {
                    self.rendered.remove(&prefix);
                }
            }
        }
    }

    /// C14N 1.0 §2.3: comments and PIs that are children of the root node
    /// get "a trailing #xA [...] with a lesser document order than the
    /// document element, and a leading #xA [...] with a greater document
    /// order than the document element". Text outside the document element
    /// is not part of the data model.
    fn document(&mut self, root: Node<'a, 'i>, w: &mut Writer<'_>) -> Result<()> {
        let mut after_element = false;
        for child in root.children() {
            if self.options.exclude == Some(child.id()) {
                continue;
            }
            match child.node_type() {
                NodeType::Element => {
                    self.subtree(child, w)?;
                    after_element = true;
                }
                NodeType::Comment | NodeType::PI => {
                    if child.is_comment() && !self.options.with_comments {
                        continue;
                    }
                    if after_element {
                        w.push(b"\n");
                    }
                    self.leaf(child, w);
                    if !after_element {
                        w.push(b"\n");
                    }
                }
                NodeType::Text | NodeType::Root => {}
            }
        }
        Ok(())
    }

    /// The element `apex` and its subtree, in document order, without
    /// recursion.
    fn subtree(&mut self, apex: Node<'a, 'i>, w: &mut Writer<'_>) -> Result<()> {
        self.start(apex, true, w)?;
        let mut next = apex.first_child();
        loop {
            self.charge(1);
            let Some(node) = next else {
                // The innermost open element has no more children.
                let Some(done) = self.open.pop() else {
                    return Ok(());
                };
                w.byte(b'<');
                w.byte(b'/');
                w.push(done.qname.as_bytes());
                w.byte(b'>');
                self.unwind(done.mark);
                if self.open.is_empty() {
                    return Ok(());
                }
                next = done.node.next_sibling();
                continue;
            };
            if self.options.exclude == Some(node.id()) {
                next = node.next_sibling();
                continue;
            }
            match node.node_type() {
                NodeType::Element => {
                    self.start(node, false, w)?;
                    next = node.first_child();
                }
                NodeType::Text => {
                    // Text nodes are written in order, so the two texts
                    // around a comment are adjacent when comments are left
                    // out: a comment never splits a value.
                    w.text(node.text().unwrap_or_default());
                    next = node.next_sibling();
                }
                NodeType::Comment | NodeType::PI => {
                    if node.is_pi() || self.options.with_comments {
                        self.leaf(node, w);
                    }
                    next = node.next_sibling();
                }
                NodeType::Root => {
                    return Err(Error::new(
                        ErrorCode::XmlMalformed,
                        "a document node inside an element",
                    ))
                }
            }
        }
    }

    /// C14N 1.0 §2.3: a comment is "the opening comment symbol (<!--), the
    /// string value of the node, and the closing comment symbol (-->)"; a
    /// PI is "(<?), the PI target name of the node, a leading space and the
    /// string value if it is not empty, and the closing PI symbol (?>)".
    fn leaf(&mut self, node: Node<'a, 'i>, w: &mut Writer<'_>) {
        if let Some(pi) = node.pi() {
            w.push(b"<?");
            w.push(pi.target.as_bytes());
            if let Some(value) = pi.value.filter(|v| !v.is_empty()) {
                w.byte(b' ');
                w.line_ends_normalized(value);
            }
            w.push(b"?>");
        } else if node.is_comment() {
            w.push(b"<!--");
            w.line_ends_normalized(node.text().unwrap_or_default());
            w.push(b"-->");
        }
    }

    /// C14N 1.0 §2.3, element nodes: "an open angle bracket (<), the
    /// element QName, the result of processing the namespace axis, the
    /// result of processing the attribute axis, a close angle bracket (>)".
    fn start(&mut self, node: Node<'a, 'i>, apex: bool, w: &mut Writer<'_>) -> Result<()> {
        self.generation += 1;
        let mark = self.undo.len();
        self.declarations.clear();
        self.attributes.clear();
        let (qname, prefix) = self.namespace_axis(node, apex)?;
        let namespace = non_empty(node.tag_name().namespace());
        // The prefix as written must be bound, in scope, to the namespace
        // roxmltree resolved (a cheap guard against any resolution quirk).
        let bound = self.in_scope.get(&prefix).copied();
        if non_empty(bound) != namespace || (prefix.is_some() && namespace.is_none()) {
            return Err(inconsistent());
        }

        // Exc-C14N §3: "An element E in a document subset visibly utilizes
        // a namespace declaration, i.e. a namespace prefix P and bound value
        // V, if E or an attribute node in the node-set whose parent axis
        // node is E has a qualified name in which P is the prefix. A similar
        // definition applies for an element E in a document subset that
        // visibly utilizes the default namespace declaration, which occurs
        // if E has no prefix." The xml prefix is never declared.
        if prefix != Some("xml") {
            self.consider(prefix, namespace.unwrap_or_default());
        }
        // The prefix of the previous attribute and its namespace, once
        // checked and considered: attributes often share one prefix.
        let mut previous: Option<(&'i str, &'a str)> = None;
        for attribute in node.attributes() {
            let (qname, prefix) = attribute_qname(&attribute, node)?;
            self.charge(1 + qname.len());
            let namespace = attribute.namespace().unwrap_or_default();
            match prefix {
                None if namespace.is_empty() => {}
                Some("xml") if namespace == XML_NAMESPACE => {}
                Some(p)
                    if previous.is_some_and(|(q, u)| {
                        lex(p, q) == Ordering::Equal && lex(namespace, u) == Ordering::Equal
                    }) => {}
                Some(p)
                    if !namespace.is_empty()
                        && p != "xml"
                        && self.in_scope.get(&Some(p)) == Some(&namespace) =>
                {
                    self.consider(Some(p), namespace);
                    previous = Some((p, namespace));
                }
                _ => return Err(inconsistent()),
            }
            self.attributes.push(Attr {
                namespace,
                local: attribute.name(),
                qname,
                value: attribute.value(),
            });
        }

        // C14N 1.0 §2.2: "Namespace nodes [...] are sorted lexicographically
        // by local name (the default namespace node, if one exists, has no
        // local name and is therefore lexicographically least)."
        // "Lexicographic comparison [...] is based on the UCS codepoint
        // values, which is equivalent to lexicographic ordering based on
        // UTF-8": byte order.
        if !self
            .declarations
            .is_sorted_by(|a, b| lex_opt(a.0, b.0) != Ordering::Greater)
        {
            self.declarations.sort_unstable_by(|a, b| lex_opt(a.0, b.0));
        }
        // "Attribute nodes [...] are sorted lexicographically with namespace
        // URI as the primary key and local name as the secondary key (an
        // empty namespace URI is lexicographically least)."
        let by_name = |a: &Attr<'_, '_>, b: &Attr<'_, '_>| {
            lex(a.namespace, b.namespace).then_with(|| lex(a.local, b.local))
        };
        if !self
            .attributes
            .is_sorted_by(|a, b| by_name(a, b) != Ordering::Greater)
        {
            self.attributes.sort_unstable_by(by_name);
        }
        self.write_start_tag(qname, w);
        self.open.push(Open { node, qname, mark });
        Ok(())
    }

    /// The element's namespace declarations: each examined once, here.
    /// The apex takes its whole in-scope list (a prefix declared on an
    /// ancestor is in scope of the subset); any other element only its own
    /// declarations, read from its start tag as written (roxmltree lists
    /// them first in the element's in-scope list, and the prefixes are
    /// checked to match). Each is bound in [`Self::in_scope`] and checked
    /// to be absolute; a prefix of the InclusiveNamespaces PrefixList is
    /// considered for rendering where its binding changes (and on the
    /// apex): elsewhere the nearest output ancestor already renders the
    /// same binding, so considering it there would change nothing.
    /// Returns the element's qualified name and prefix.
    fn namespace_axis(
        &mut self,
        node: Node<'a, 'i>,
        apex: bool,
    ) -> Result<(&'i str, Option<&'i str>)> {
        let tag = read_start_tag(node)?;
        self.charge(tag.len);
        let namespaces = node.namespaces();
        let count = if apex {
            namespaces.len()
        } else {
            tag.declared.len()
        };
        if count > namespaces.len() {
            return Err(inconsistent());
        }
        for (i, namespace) in namespaces.take(count).enumerate() {
            let (prefix, uri) = (namespace.name(), namespace.uri());
            self.charge(1 + uri.len());
            if !apex && tag.declared.get(i) != Some(&prefix) {
                return Err(inconsistent());
            }
            // C14N 1.0 §2.1: "implementations of XML canonicalization MUST
            // report an operation failure on documents containing relative
            // namespace URIs."
            if !uri.is_empty() && !has_scheme(uri) {
                return Err(Error::new(
                    ErrorCode::XmlMalformed,
                    "a relative namespace URI cannot be canonicalized",
                ));
            }
            self.bind(prefix, uri);
            // Exc-C14N §3: prefixes in the InclusiveNamespaces PrefixList
            // are "treated as in Canonical XML": the namespace node is
            // rendered unless the nearest output ancestor has the same
            // prefix and value. (xmlns="" for #default: see `consider`.)
            let listed = match prefix {
                None => self.listed_default,
                Some(p) => !uri.is_empty() && self.listed.contains(p),
            };
            if listed && !apex {
                self.consider(prefix, uri);
            }
        }
        if apex {
            for &listed in self.options.inclusive_prefixes {
                self.charge(1);
                if listed == "#default" {
                    // No default namespace in scope: maybe xmlns="".
                    let uri = self.in_scope.get(&None).copied().unwrap_or_default();
                    self.consider(None, uri);
                } else if let Some((&prefix, &uri)) = self
                    .in_scope
                    .get_key_value(&Some(listed))
                    .filter(|(_, uri)| !uri.is_empty())
                {
                    // (The xml prefix is never in roxmltree's in-scope list.)
                    self.consider(prefix, uri);
                }
            }
        }
        Ok((tag.qname, tag.prefix))
    }

    fn write_start_tag(&self, qname: &str, w: &mut Writer<'_>) {
        w.byte(b'<');
        w.push(qname.as_bytes());
        for &(prefix, uri) in &self.declarations {
            match prefix {
                None => w.push(b" xmlns=\""),
                Some(p) => {
                    w.push(b" xmlns:");
                    w.push(p.as_bytes());
                    w.byte(b'=');
                    w.byte(b'"');
                }
            }
            w.attribute_value(uri);
            w.byte(b'"');
        }
        for attribute in &self.attributes {
            w.byte(b' ');
            w.push(attribute.qname.as_bytes());
            w.byte(b'=');
            w.byte(b'"');
            w.attribute_value(attribute.value);
            w.byte(b'"');
        }
        w.byte(b'>');
    }

    /// Renders the namespace (`prefix`, `uri`) on the current element unless
    /// an output ancestor already rendered that prefix with that URI
    /// (Exc-C14N §3, condition 3: "the prefix has not yet been rendered by
    /// any output ancestor, or the nearest output ancestor of its parent
    /// element that visibly utilizes the namespace prefix does not have a
    /// namespace node in the node-set with the same namespace prefix and
    /// value"). An empty `uri` (only for the default namespace: the
    /// element has none) renders `xmlns=""` only when an output ancestor
    /// rendered a non-empty default namespace (C14N 1.0 §2.3's rule for
    /// `xmlns=""`, restricted as Exc-C14N restricts every namespace node).
    /// One hash lookup: the nearest rendered node for the prefix is the
    /// map's entry; an entry of this element's generation means it is
    /// already rendered here.
    fn consider(&mut self, prefix: Prefix<'a>, uri: &'a str) {
        self.charge(1);
        let nearest = self.rendered.get(&prefix).copied();
        if nearest.is_some_and(|(_, generation)| generation == self.generation) {
            return;
        }
        let nearest = nearest.map(|(u, _)| u);
        let render = if uri.is_empty() {
            nearest.is_some_and(|u| !u.is_empty())
        } else {
            nearest != Some(uri)
        };
        if render {
            self.declarations.push((prefix, uri));
            let previous = self.rendered.insert(prefix, (uri, self.generation));
            self.undo.push(Undo::Rendered(prefix, previous));
        }
    }
}

/// Byte-order comparison of two names (C14N 1.0 §2.2's "lexicographic
/// [...] based on UTF-8"). Names are short and often the very same slice
/// (roxmltree shares namespace URIs), so a plain loop with a pointer fast
/// path beats a `memcmp` call per comparison; the order is `str`'s.
fn lex(a: &str, b: &str) -> Ordering {
    if core::ptr::eq(a, b) {
        return Ordering::Equal;
    }
    for (x, y) in a.bytes().zip(b.bytes()) {
        if x != y {
            return x.cmp(&y);
        }
    }
    a.len().cmp(&b.len())
}

/// [`lex`] for prefixes: `None` (the default namespace) is least.
fn lex_opt(a: Option<&str>, b: Option<&str>) -> Ordering {
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(a), Some(b)) => lex(a, b),
    }
}

fn inconsistent() -> Error {
    Error::new(
        ErrorCode::XmlMalformed,
        "a qualified name does not match its namespace",
    )
}

fn non_empty(s: Option<&str>) -> Option<&str> {
    s.filter(|s| !s.is_empty())
}

/// Splits a qualified name into its prefix, checking it ends with `local`.
fn split_qname<'i>(qname: &'i str, local: &str) -> Result<Option<&'i str>> {
    // `qname` ends with `local` (a byte loop: names are short, and a
    // `memcmp` call per attribute costs more than the comparison).
    let cut = qname
        .len()
        .checked_sub(local.len())
        .filter(|_| !local.is_empty())
        .ok_or_else(inconsistent)?;
    let tail = qname.as_bytes().get(cut..).unwrap_or_default();
    if !tail.iter().zip(local.as_bytes()).all(|(a, b)| a == b) {
        return Err(inconsistent());
    }
    if cut == 0 {
        return Ok(None);
    }
    match qname.get(..cut).and_then(|p| p.strip_suffix(':')) {
        Some(prefix) if !prefix.is_empty() => Ok(Some(prefix)),
        _ => Err(inconsistent()),
    }
}

/// An element's start tag as written.
struct StartTag<'i> {
    qname: &'i str,
    prefix: Option<&'i str>,
    /// The prefixes of its namespace declarations, in order (`xmlns:xml`,
    /// which roxmltree does not list, left out).
    declared: Vec<Prefix<'i>>,
    /// Its length in bytes.
    len: usize,
}

/// Reads the element's start tag from the source span roxmltree records:
/// roxmltree keeps only the namespace URI and the local name, so the
/// qualified name is read back (names contain no references, so the source
/// is the value) and checked against the local name; and the namespace
/// declarations made here are listed (roxmltree gives only the in-scope
/// list). Linear in the tag; the parser already checked its syntax.
fn read_start_tag<'i>(node: Node<'_, 'i>) -> Result<StartTag<'i>> {
    let is_space = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r');
    let source = node.document().input_text();
    let tag = source
        .get(node.range().start..)
        .and_then(|s| s.strip_prefix('<'))
        .ok_or_else(inconsistent)?;
    let bytes = tag.as_bytes();
    // A name ends at S, '/' or '>' (ASCII, so a byte search is a char one).
    let name_len = bytes
        .iter()
        .position(|b| is_space(b) || matches!(b, b'/' | b'>'))
        .ok_or_else(inconsistent)?;
    let qname = tag.get(..name_len).ok_or_else(inconsistent)?;
    let prefix = split_qname(qname, node.tag_name().name())?;
    let mut declared = Vec::new();
    let mut i = name_len;
    loop {
        while bytes.get(i).is_some_and(is_space) {
            i += 1;
        }
        match bytes.get(i) {
            Some(b'>' | b'/') => {
                return Ok(StartTag {
                    qname,
                    prefix,
                    declared,
                    len: i + 2,
                })
            }
            Some(_) => {}
            None => return Err(inconsistent()),
        }
        let name_start = i;
        while bytes.get(i).is_some_and(|b| !is_space(b) && *b != b'=') {
            i += 1;
        }
        let name = tag.get(name_start..i).ok_or_else(inconsistent)?;
        while bytes.get(i).is_some_and(|b| is_space(b) || *b == b'=') {
            i += 1;
        }
        let quote = match bytes.get(i) {
            Some(&q @ (b'"' | b'\'')) => char::from(q),
            _ => return Err(inconsistent()),
        };
        let value_len = tag
            .get(i + 1..)
            .and_then(|rest| rest.find(quote))
            .ok_or_else(inconsistent)?;
        i += value_len + 2;
        if name == "xmlns" {
            declared.push(None);
        } else if let Some(p) = name.strip_prefix("xmlns:") {
            if p != "xml" {
                declared.push(Some(p));
            }
        }
    }
}

/// The attribute's qualified name as written, and its prefix (see
/// [`element_qname`]).
fn attribute_qname<'a, 'i>(
    attribute: &roxmltree::Attribute<'a, 'i>,
    node: Node<'a, 'i>,
) -> Result<(&'i str, Option<&'i str>)> {
    let qname = node
        .document()
        .input_text()
        .get(attribute.range_qname())
        .ok_or_else(inconsistent)?;
    let prefix = split_qname(qname, attribute.name())?;
    Ok((qname, prefix))
}

/// A URI is absolute when it starts with a scheme (RFC 3986 §3.1: `ALPHA *(
/// ALPHA / DIGIT / "+" / "-" / "." ) ":"`).
fn has_scheme(uri: &str) -> bool {
    let mut bytes = uri.bytes();
    if !bytes.next().is_some_and(|b| b.is_ascii_alphabetic()) {
        return false;
    }
    for b in bytes {
        match b {
            b':' => return true,
            b if b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.') => {}
            _ => return false,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Limits;

    fn c14n_with(xml: &str, apex_tag: &str, options: &Options<'_>) -> String {
        let doc = crate::xml::parse::parse(xml, &Limits::default()).unwrap();
        let apex = if apex_tag.is_empty() {
            doc.root()
        } else {
            doc.descendants()
                .find(|n| n.is_element() && n.tag_name().name() == apex_tag)
                .unwrap()
        };
        String::from_utf8(to_vec(apex, options).unwrap()).unwrap()
    }

    fn c14n(xml: &str, apex_tag: &str) -> String {
        c14n_with(xml, apex_tag, &Options::default())
    }

    #[test]
    fn empty_elements_attributes_and_escaping() {
        assert_eq!(
            c14n("<a z='1' b='&#9;&#xA;&#xD;&quot;&lt;>&amp;'\n/>", "a"),
            "<a b=\"&#x9;&#xA;&#xD;&quot;&lt;>&amp;\" z=\"1\"></a>"
        );
        assert_eq!(
            c14n("<a>&lt;&gt;&amp;\"'&#13;<![CDATA[<&>]]></a>", "a"),
            "<a>&lt;&gt;&amp;\"'&#xD;&lt;&amp;&gt;</a>"
        );
    }

    #[test]
    fn namespaces_exclusive_rendering() {
        let xml = "<r xmlns:p='urn:p' xmlns:q='urn:q' xmlns='urn:d'>\
                   <p:a q:x='1' y='2'><b/><p:c xmlns:p='urn:p2'/></p:a></r>";
        assert_eq!(
            c14n(xml, "a"),
            "<p:a xmlns:p=\"urn:p\" xmlns:q=\"urn:q\" y=\"2\" q:x=\"1\">\
             <b xmlns=\"urn:d\"></b><p:c xmlns:p=\"urn:p2\"></p:c></p:a>"
        );
        let listed = Options {
            inclusive_prefixes: &["#default", "q"],
            ..Options::default()
        };
        assert_eq!(
            c14n_with(
                "<r xmlns:q='urn:q' xmlns='urn:d'><x:a xmlns:x='urn:x'/></r>",
                "a",
                &listed
            ),
            "<x:a xmlns=\"urn:d\" xmlns:q=\"urn:q\" xmlns:x=\"urn:x\"></x:a>"
        );
    }

    #[test]
    fn default_namespace_undeclaration() {
        assert_eq!(
            c14n("<a xmlns='urn:d'><b xmlns=''><c/></b></a>", "a"),
            "<a xmlns=\"urn:d\"><b xmlns=\"\"><c></c></b></a>"
        );
        // Nothing rendered a default namespace: no xmlns="".
        assert_eq!(
            c14n(
                "<a xmlns='urn:d'><p:b xmlns:p='urn:p'><c xmlns=''/></p:b></a>",
                "b"
            ),
            "<p:b xmlns:p=\"urn:p\"><c></c></p:b>"
        );
    }

    #[test]
    fn attributes_sorted_by_namespace_uri_then_local_name() {
        assert_eq!(
            c14n("<a xmlns:z='urn:a' xmlns:b='urn:z' b:x='1' z:y='2' c='3' xml:lang='it'/>", "a"),
            "<a xmlns:b=\"urn:z\" xmlns:z=\"urn:a\" c=\"3\" xml:lang=\"it\" z:y=\"2\" b:x=\"1\"></a>"
        );
    }

    #[test]
    fn comments_pis_and_exclusion() {
        let xml = "<?xml version='1.0'?>\r\n<!--a\r\nb--><?p  x\ry ?><a>va<!--c-->lue<?q?><s/></a><!--z-->";
        assert_eq!(c14n(xml, ""), "<?p x\ny ?>\n<a>value<?q?><s></s></a>");
        let with = Options {
            with_comments: true,
            ..Options::default()
        };
        assert_eq!(
            c14n_with(xml, "", &with),
            "<!--a\nb-->\n<?p x\ny ?>\n<a>va<!--c-->lue<?q?><s></s></a>\n<!--z-->"
        );
        let doc = crate::xml::parse::parse(xml, &Limits::default()).unwrap();
        let s = doc.descendants().find(|n| n.has_tag_name("s")).unwrap();
        let without_s = Options {
            exclude: Some(s.id()),
            ..Options::default()
        };
        assert_eq!(
            to_vec(doc.root_element(), &without_s).unwrap(),
            b"<a>value<?q?></a>"
        );
    }

    #[test]
    fn relative_namespace_uri_fails() {
        let doc = crate::xml::parse::parse("<a xmlns='d'/>", &Limits::default()).unwrap();
        let e = to_vec(doc.root_element(), &Options::default()).unwrap_err();
        assert_eq!(e.code(), "xml.malformed");
        assert!(has_scheme("urn:x") && has_scheme("DAV:") && !has_scheme("a/b:c"));
    }

    #[test]
    fn lex_is_str_order() {
        let names = [
            "",
            "a",
            "ab",
            "b",
            "B",
            "xmlns",
            "ID",
            "Id",
            "\u{e9}",
            "e\u{301}",
            "\u{10000}",
            "z\u{ff}",
        ];
        for a in names {
            for b in names {
                assert_eq!(lex(a, b), a.cmp(b), "{a:?} vs {b:?}");
                assert_eq!(lex_opt(Some(a), Some(b)), a.cmp(b));
            }
            assert_eq!(lex_opt(None, Some(a)), Ordering::Less);
            assert_eq!(lex_opt(Some(a), None), Ordering::Greater);
        }
        assert_eq!(lex_opt(None, None), Ordering::Equal);
    }

    /// The work of a shape that the old canonicalizer paid per element
    /// (every in-scope namespace re-checked, every rendered one scanned)
    /// grows with the input, not with the input times the namespaces.
    #[test]
    fn work_is_linear_in_nesting_and_namespaces() {
        let shape = |levels: usize, empties: usize| {
            let mut s = String::new();
            for level in 0..levels {
                s.push_str("<n");
                for i in 0..32 {
                    s.push_str(&format!(" xmlns:p{level}_{i}='s{i}aaaaaaaaaaaaaaaa:x'"));
                }
                s.push_str(&format!(" p{level}_0:a='1'>"));
            }
            s.push_str(&"<e/>".repeat(empties));
            s.push_str(&"</n>".repeat(levels));
            s
        };
        let work = |xml: &str, prefixes: &[&str]| {
            let doc = roxmltree::Document::parse(xml).unwrap();
            let options = Options {
                inclusive_prefixes: prefixes,
                ..Options::default()
            };
            (
                work(doc.root_element(), &options).unwrap(),
                xml.len() as u64,
            )
        };
        let listed = ["#default", "p0_1", "p5_7", "p59_31", "nowhere"];
        for prefixes in [&[][..], &listed[..]] {
            let (small, small_len) = work(&shape(2, 1000), prefixes);
            let (deep, deep_len) = work(&shape(60, 1000), prefixes);
            let (wide, wide_len) = work(&shape(60, 6000), prefixes);
            // About 3 units per input byte, whatever the shape.
            for (w, len) in [(small, small_len), (deep, deep_len), (wide, wide_len)] {
                assert!(w < 4 * len, "{w} units for {len} bytes");
            }
            // `<e/>` (4 bytes) is written `<e></e>` (7): 16 units at most.
            assert!(
                wide - deep < 16 * 5000,
                "{} per empty element",
                (wide - deep) / 5000
            );
        }
        // The same output as a plain reading of the rules.
        assert_eq!(c14n_with(&shape(2, 1), "e", &Options::default()), "<e></e>");
        assert_eq!(
            c14n_with(
                &shape(2, 1),
                "e",
                &Options {
                    inclusive_prefixes: &["p0_3", "p1_0"],
                    ..Options::default()
                }
            ),
            "<e xmlns:p0_3=\"s3aaaaaaaaaaaaaaaa:x\" xmlns:p1_0=\"s0aaaaaaaaaaaaaaaa:x\"></e>"
        );
    }

    #[test]
    fn inclusive_prefixes_follow_redeclarations() {
        let xml = "<r xmlns:a='urn:a1' xmlns='urn:d'><x a:q='1'><y xmlns:a='urn:a2'>\
                   <z xmlns=''><w xmlns:a='urn:a2'/></z></y><v/></x></r>";
        let listed = Options {
            inclusive_prefixes: &["a", "#default"],
            ..Options::default()
        };
        assert_eq!(
            c14n_with(xml, "x", &listed),
            "<x xmlns=\"urn:d\" xmlns:a=\"urn:a1\" a:q=\"1\"><y xmlns:a=\"urn:a2\">\
             <z xmlns=\"\"><w></w></z></y><v></v></x>"
        );
        assert_eq!(
            c14n_with(xml, "x", &Options::default()),
            "<x xmlns=\"urn:d\" xmlns:a=\"urn:a1\" a:q=\"1\"><y>\
             <z xmlns=\"\"><w></w></z></y><v></v></x>"
        );
        // xmlns:xml is no declaration roxmltree lists; it shifts nothing.
        assert_eq!(
            c14n(
                "<r xmlns:xml='http://www.w3.org/XML/1998/namespace'><p:x xmlns:xml='http://www.w3.org/XML/1998/namespace' xmlns:p='urn:p' xml:lang='it'/></r>",
                "x"
            ),
            "<p:x xmlns:p=\"urn:p\" xml:lang=\"it\"></p:x>"
        );
    }

    #[test]
    fn hasher_sink_matches_vec() {
        use sha2::Digest;
        let xml = "<a xmlns='urn:d'>text</a>";
        let doc = crate::xml::parse::parse(xml, &Limits::default()).unwrap();
        let mut hasher = sha2::Sha256::new();
        canonicalize(doc.root_element(), &Options::default(), &mut hasher).unwrap();
        let bytes = to_vec(doc.root_element(), &Options::default()).unwrap();
        assert_eq!(hasher.finalize(), sha2::Sha256::digest(&bytes));
    }
}
