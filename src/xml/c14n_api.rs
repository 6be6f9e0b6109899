//! Exclusive XML Canonicalization 1.0 (W3C Recommendation 18 July 2002,
//! `http://www.w3.org/2001/10/xml-exc-c14n#` and its `#WithComments`
//! variant) with the `InclusiveNamespaces PrefixList` of its §3, on XML
//! parsed exactly as every idbridge verifier parses it: no DTD, bounded by
//! [`Limits`], namespace-well-formed (see [`Document::parse`]).
//!
//! The bytes this module writes are the bytes the XML-DSig verification
//! ([`crate::xmldsig`]) hashes and verifies, so it serves to compute or
//! check a digest outside idbridge, to compare idbridge with another
//! implementation, or to sign an element the way idbridge verifies it.
//!
//! A [`Document`] and its [`Element`]s are **unverified**: they read
//! whatever the input says. Read values only from an element a signature
//! covers ([`crate::xmldsig::verify_enveloped`]).
//!
//! ```
//! use idbridge::c14n::{Document, Options};
//! use idbridge::Limits;
//! let text = r#"<a:doc xmlns:a="urn:a" xmlns:b="urn:b"><a:x b:y="1"/><!-- c --></a:doc>"#;
//! let doc = Document::parse(text, &Limits::default())?;
//! let x = doc.root_element().children().next().unwrap();
//! assert_eq!(
//!     x.canonicalize(&Options::default())?,
//!     br#"<a:x xmlns:a="urn:a" xmlns:b="urn:b" b:y="1"></a:x>"#
//! );
//! // The comment goes only with `with_comments`; leaving `x` out of the
//! // document element is what the enveloped-signature transform does.
//! let mut options = Options::default();
//! options.with_comments = true;
//! assert_eq!(
//!     doc.root_element().canonicalize_without(x, &options)?,
//!     br#"<a:doc xmlns:a="urn:a"><!-- c --></a:doc>"#
//! );
//! # Ok::<(), idbridge::Error>(())
//! ```

use super::{c14n, input, parse};
use crate::{Limits, Result};
use roxmltree::{Node, NodeType};

/// How raw input carries XML text (see [`decode_input`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Encoding {
    /// The bytes are the XML text (UTF-8).
    #[default]
    Xml,
    /// The bytes are base64 of the XML text (as an HTML form posts a SAML
    /// message: line breaks and other ASCII whitespace are allowed).
    Base64,
}

/// Raw input to XML text, as every idbridge verifier starts: the size is
/// bounded by `limits.max_input_bytes()` before and after decoding
/// (`input.too_large`), base64 is decoded when `encoding` says so
/// (`input.encoding`), and the text must be UTF-8 (`input.encoding`).
///
/// ```
/// use idbridge::c14n::{decode_input, Encoding};
/// use idbridge::Limits;
/// let text = decode_input(b"PGEvPg==", Encoding::Base64, &Limits::default())?;
/// assert_eq!(text, "<a/>");
/// # Ok::<(), idbridge::Error>(())
/// ```
pub fn decode_input(input: &[u8], encoding: Encoding, limits: &Limits) -> Result<String> {
    input::decode(input, encoding == Encoding::Base64, limits)
}

/// A parsed XML document (unverified).
pub struct Document<'input> {
    inner: roxmltree::Document<'input>,
}

impl core::fmt::Debug for Document<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Document")
            .field("root_element", &self.root_element())
            .finish_non_exhaustive()
    }
}

impl<'input> Document<'input> {
    /// Parses `text` under `limits`.
    ///
    /// Any DOCTYPE is `xml.dtd.forbidden`; more nodes, depth, attributes
    /// or namespace declarations per element, or bytes than `limits`
    /// allow is `xml.limits.exceeded`; anything not well-formed or not
    /// namespace-well-formed is `xml.malformed`.
    pub fn parse(text: &'input str, limits: &Limits) -> Result<Document<'input>> {
        parse::parse(text, limits).map(|inner| Document { inner })
    }

    /// The document element.
    pub fn root_element(&self) -> Element<'_, 'input> {
        Element {
            node: self.inner.root_element(),
        }
    }

    /// Every element, in document order (the document element first).
    pub fn elements(&self) -> impl Iterator<Item = Element<'_, 'input>> + '_ {
        self.inner
            .descendants()
            .filter(Node::is_element)
            .map(|node| Element { node })
    }

    /// The canonical form of the whole document: the document element
    /// with the comments (when `options.with_comments`) and processing
    /// instructions around it, each on its own line as §2.1 of Canonical
    /// XML 1.0 says.
    pub fn canonicalize(&self, options: &Options<'_>) -> Result<Vec<u8>> {
        c14n::to_vec(self.inner.root(), &options.inner(None))
    }

    /// The parsed tree, for the crate's own verifiers.
    pub(crate) fn tree(&self) -> &roxmltree::Document<'input> {
        &self.inner
    }
}

/// An element of a [`Document`] (unverified).
#[derive(Clone, Copy)]
pub struct Element<'a, 'input> {
    node: Node<'a, 'input>,
}

impl core::fmt::Debug for Element<'_, '_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Element")
            .field("namespace", &self.namespace())
            .field("local_name", &self.local_name())
            .finish_non_exhaustive()
    }
}

impl PartialEq for Element<'_, '_> {
    /// The same element of the same document.
    fn eq(&self, other: &Self) -> bool {
        self.node == other.node
    }
}

impl Eq for Element<'_, '_> {}

impl<'a, 'input> Element<'a, 'input> {
    pub(crate) fn new(node: Node<'a, 'input>) -> Self {
        Element { node }
    }

    /// The namespace URI, `None` for an element in no namespace.
    pub fn namespace(&self) -> Option<&'a str> {
        self.node.tag_name().namespace().filter(|ns| !ns.is_empty())
    }

    /// The local name (without prefix).
    pub fn local_name(&self) -> &'a str {
        self.node.tag_name().name()
    }

    /// The value of the attribute `name` in no namespace (such as `ID` or
    /// `Algorithm`); a namespaced attribute is not found by its local name.
    pub fn attribute(&self, name: &str) -> Option<&'a str> {
        self.node
            .attributes()
            .find(|a| a.namespace().is_none() && a.name() == name)
            .map(|a| a.value())
    }

    /// The text of the element when its content is text only (character
    /// references expanded, CDATA included); `None` when it holds an
    /// element, a comment or a processing instruction, or nothing.
    pub fn text(&self) -> Option<&'a str> {
        let mut children = self.node.children();
        match (children.next(), children.next()) {
            (Some(only), None) if only.node_type() == NodeType::Text => only.text(),
            _ => None,
        }
    }

    /// The element children, in order.
    pub fn children(&self) -> impl Iterator<Item = Element<'a, 'input>> {
        self.node
            .children()
            .filter(Node::is_element)
            .map(|node| Element { node })
    }

    /// The parent element; `None` for the document element.
    pub fn parent(&self) -> Option<Element<'a, 'input>> {
        self.node
            .parent()
            .filter(Node::is_element)
            .map(|node| Element { node })
    }

    /// The canonical form of this element's subtree.
    ///
    /// Namespace declarations of ancestors are rendered where the subtree
    /// uses them (exclusive c14n §3), and the prefixes of
    /// `options.inclusive_prefixes` as inclusive c14n renders them.
    pub fn canonicalize(&self, options: &Options<'_>) -> Result<Vec<u8>> {
        c14n::to_vec(self.node, &options.inner(None))
    }

    /// The canonical form of this element's subtree with `excluded` and
    /// its subtree left out: what the enveloped-signature transform then
    /// exclusive c14n give when `excluded` is the element's `Signature`.
    pub fn canonicalize_without(
        &self,
        excluded: Element<'_, '_>,
        options: &Options<'_>,
    ) -> Result<Vec<u8>> {
        c14n::to_vec(self.node, &options.inner(Some(excluded.node.id())))
    }
}

/// The canonicalization's parameters (start from `Options::default()`:
/// exclusive c14n without comments, no inclusive prefixes).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Options<'a> {
    /// The `#WithComments` variant: comments are kept.
    pub with_comments: bool,
    /// The `InclusiveNamespaces PrefixList`: prefixes whose namespace
    /// declarations are rendered as inclusive c14n renders them
    /// (`#default` for the default namespace).
    pub inclusive_prefixes: &'a [&'a str],
}

impl<'a> Options<'a> {
    fn inner(&self, exclude: Option<roxmltree::NodeId>) -> c14n::Options<'a> {
        c14n::Options {
            with_comments: self.with_comments,
            inclusive_prefixes: self.inclusive_prefixes,
            exclude,
        }
    }
}
