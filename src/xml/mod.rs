//! XML: DTD-free, bounded parsing ([`parse`]) and Exclusive XML
//! Canonicalization 1.0 ([`c14n`]), the ground XML-DSig stands on.
//!
//! One parser, end to end (DESIGN principle 4): the tree [`parse::parse`]
//! returns is the tree that is canonicalized and hashed *and* the tree whose
//! values are read afterwards. Nothing here re-decodes the source text.
//!
//! # What roxmltree normalizes, and what we add on top
//!
//! (Checked against roxmltree 0.21.2 and `docs/parsing.md` in its sources;
//! the unit tests of [`parse`] and [`c14n`] pin each point.)
//!
//! | construct | roxmltree gives | c14n needs | so |
//! |---|---|---|---|
//! | XML declaration | dropped | dropped | nothing to do |
//! | DOCTYPE | refused (`DtdDetected`) | no DTD at all | [`parse::parse`] refuses any DOCTYPE itself too, before roxmltree runs, as `xml.dtd.forbidden` |
//! | `\r\n`, `\r` in text | `\n` (XML 1.0 §2.11) | `\n` | except a bare `\r` right before a reference or a tag, which roxmltree leaves as `\r` (its text buffer converts a pending `\r` only when the next *literal* byte arrives): [`parse::parse`] refuses that rare input rather than canonicalize a wrong value |
//! | `\r\n`, `\r` in comments and PIs | kept as is | `\n` (the parser's line-end handling applies to the whole entity) | [`c14n`] normalizes them when writing |
//! | attribute values | normalized (XML 1.0 §3.3.3: literal tab, CR, LF → space; `\r\n` → one space; references expanded, `&#9;` etc. kept as the character) | the normalized value | nothing to do |
//! | character and predefined entity references | expanded | expanded | nothing to do |
//! | CDATA sections | merged into the surrounding text node, `\r\n` → `\n` | text | nothing to do |
//! | comments | separate nodes; the text around one is two text nodes | without comments the two texts are adjacent | [`c14n`] writes text nodes in order |
//! | namespace declarations | not attributes; `node.namespaces()` is the element's *in-scope* list (own declarations first), without `xml` | in-scope namespace nodes | exclusive c14n needs only the in-scope list, never where a declaration sat |
//! | `xmlns=""` | an in-scope entry `(None, "")`; the element's namespace is `Some("")` | no default namespace | [`c14n`] reads an empty URI as "none" |
//! | `xmlns:p=""` | accepted as `(Some("p"), "")` | illegal in Namespaces in XML 1.0 §3 | [`parse::parse`] refuses it as `xml.malformed` |
//! | `xmlns:xmlns="..."`, two `xmlns="..."` on one tag | accepted | both illegal (Namespaces in XML 1.0 §3; XML 1.0 Unique Att Spec) | [`parse::parse`] refuses them as `xml.malformed` |
//! | `<?xml#x?>`, `<?t#x?>`, `<?XML x?>` inside the document, an XML declaration without `version` | accepted (a PI named `xml`; a target without the space before its data) | not well formed (XML 1.0 §2.6, §2.8) | [`parse::parse`] refuses them as `xml.malformed` (found by the `xml_c14n` fuzz target: the canonical form did not parse again) |
//! | an attribute `p:xmlns="u"` | read as a *default namespace declaration* `xmlns="u"` (the element changes namespace) | an ordinary attribute | a parser differential: [`parse::parse`] refuses it as `xml.malformed` |
//! | prefixes | not exposed (only namespace URI and local name) | the qualified names as written | [`c14n`] reads the qualified name from the source span roxmltree records (`positions` feature) and checks it against the local name and namespace |
//! | character references | `&#xD800;`…`&#xDFFF;` and code points past U+10FFFF read as U+FFFD (so a signed value still verifies with another character); `&#0;`, `&#xFFFE;`… refused | XML 1.0 §4.1 WFC Legal Character: only `Char` (§2.2) | [`parse::parse`] reads every `&#…;` of character data and attribute values itself and refuses any outside `Char` as `xml.malformed` (raw characters outside `Char`: roxmltree refuses them) |
//! | prefixes and local names | `<:x/>`, `a :b='1'`, `xmlns:='u'`, `<p:/>`, `<a:b:c/>` accepted | QNames of two NCNames (Namespaces in XML 1.0 §3) | [`parse::parse`] refuses an empty prefix, an empty local part or a second colon as `xml.malformed` |
//! | namespace names | any string (`xmlns:p="a b:c"`) | a URI reference (Namespaces in XML 1.0 §2.2, RFC 3986 §4.1); c14n also needs it absolute | [`parse::parse`] checks each declaration's normalized value (references expanded) against `URI-reference`: RFC 3986 characters only (ASCII, `%` with two hex digits), a valid scheme before a first `:`, `[` `]` only around an authority's IP literal, one `#`; `xml.malformed` otherwise. [`c14n`] then refuses a relative one |
//! | the encoding declaration | read and ignored (the input is `&str`) | XML 1.0 §4.3.3: bytes that are not in the declared encoding are a fatal error | the input is UTF-8 (checked before parsing), so [`parse::parse`] refuses an XML declaration whose `encoding` is anything but `UTF-8` (any case) as `xml.malformed` |
//! | limits | a node limit only, no depth, per-element attribute or namespace limits; duplicate checks are quadratic in the attributes of one tag; each prefix (and each unprefixed element name) is resolved by a linear search of the element's in-scope namespaces | [`crate::Limits`] | [`parse::parse`] pre-scans the text (iteratively, in linear time) before roxmltree runs, and bounds the namespaces in scope of each element (`max_xml_namespaces_in_scope`) so that roxmltree's searches stay short |
//! | resolution cost in c14n | `node.namespaces()` is the whole in-scope list, `lookup_namespace_uri` a linear search | each declaration once, each prefix resolved in O(1) | [`c14n`] keeps its own prefix map and rendered-namespace map, changed only where a declaration is made, and counts its work (`c14n::work`; `tests/xml_dos.rs`) |

pub(crate) mod c14n;
pub mod c14n_api;
pub(crate) mod dsig;
pub mod dsig_api;
pub(crate) mod input;
pub(crate) mod parse;
