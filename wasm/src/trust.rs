//! `Trust` and `TrustBuilder` for JavaScript: the trust material, parsed
//! once and reused by every verification (and its WebCrypto key cache).

#[cfg(any(feature = "saml", feature = "webeid"))]
use crate::js::bytes_of;
#[cfg(feature = "webeid")]
use crate::js::string_arg;
use crate::js::{config, describe, to_js};
use crate::webcrypto::WebCrypto;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// What a `Trust` shares with the verifications in flight.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) core: idbridge::Trust,
    pub(crate) webcrypto: WebCrypto,
}

/// Everything a verification may trust: Web eID issuing CAs and SAML IdPs
/// (each with its scheme's feature).
/// Build it once (`Trust.builder()…build()`, or `Trust.fromEmbedded()` for
/// Web eID) and
/// pass it to every verification; it is immutable.
#[wasm_bindgen]
#[derive(Debug, Clone)]
pub struct Trust {
    shared: Rc<Shared>,
}

impl Trust {
    fn new(core: idbridge::Trust) -> Trust {
        Trust {
            shared: Rc::new(Shared {
                core,
                webcrypto: WebCrypto::new(),
            }),
        }
    }

    /// A trust that trusts nothing (for bare signature checks).
    pub(crate) fn empty() -> Trust {
        Trust::new(idbridge::Trust::default())
    }

    /// The shared state, for a verification that outlives this call.
    pub(crate) fn shared(&self) -> Rc<Shared> {
        Rc::clone(&self.shared)
    }

    /// The `Trust` behind a JavaScript argument, or `config.invalid`
    /// naming what was passed instead: a plain options object (trust is
    /// built once with `Trust.fromEmbedded()` or `Trust.builder()…build()`,
    /// never passed as options), a string, a freed `Trust`…
    ///
    /// The verification functions take their trust as a `JsValue` and come
    /// here, rather than as a typed `&Trust`, whose wrong type would throw
    /// wasm-bindgen's own `Error` ("expected instance of Trust") without a
    /// `code`.
    // An OpenID-only build takes its trust in the options, never a Trust.
    #[cfg_attr(not(any(feature = "saml", feature = "webeid")), allow(dead_code))]
    pub(crate) fn from_js(value: &JsValue) -> Result<Rc<Shared>, JsValue> {
        let wrong = || {
            config(&format!(
                "the first argument must be a Trust (Trust.fromEmbedded() or \
                 Trust.builder()…build(), built once and reused), not {}",
                describe(value)
            ))
        };
        if !value.is_object() {
            return Err(wrong());
        }
        let is_trust = PROTOTYPE.with(|p| p.is_prototype_of(value));
        if !is_trust {
            return Err(wrong());
        }
        // The genuine object lends its state through its own method; a
        // freed one (after `free()` or `using`) has no state to lend, and
        // wasm-bindgen's call throws.
        let lend = js_sys::Reflect::get(value, &JsValue::from_str(LEND))
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
            .ok_or_else(wrong)?;
        LENT.with(|slot| slot.borrow_mut().take());
        let called = lend.call0(value);
        let lent = LENT.with(|slot| slot.borrow_mut().take());
        match (called, lent) {
            (Ok(_), Some(shared)) => Ok(shared),
            _ => Err(config(
                "this Trust can no longer be used (it was freed): build a new one",
            )),
        }
    }
}

/// The JavaScript name of [`Trust::lend`].
#[cfg_attr(not(any(feature = "saml", feature = "webeid")), allow(dead_code))]
const LEND: &str = "__idbridgeLend";

thread_local! {
    /// `Trust.prototype`, to tell a genuine `Trust` from a look-alike.
    static PROTOTYPE: js_sys::Object =
        js_sys::Object::get_prototype_of(&JsValue::from(Trust::empty()));
    /// Where [`Trust::lend`] leaves the state it lends to [`Trust::from_js`].
    static LENT: RefCell<Option<Rc<Shared>>> = const { RefCell::new(None) };
}

#[cfg(feature = "webeid")]
fn embedded(set: Option<String>) -> Result<&'static [idbridge::anchors::EmbeddedAnchor], JsValue> {
    match set.as_deref() {
        None | Some("production") => Ok(idbridge::anchors::ESTONIA),
        Some("test") => Ok(idbridge::anchors::ESTONIA_TEST),
        Some(other) => Err(config(&format!(
            "unknown embedded anchor set {other:?} (\"production\" or \"test\")"
        ))),
    }
}

#[wasm_bindgen]
impl Trust {
    /// Internal: lends this trust's state to the verification it is passed
    /// to (see `Trust::from_js`). Not part of the API.
    #[wasm_bindgen(js_name = __idbridgeLend, skip_typescript)]
    pub fn lend(&self) {
        LENT.with(|slot| *slot.borrow_mut() = Some(self.shared()));
    }

    #[cfg(feature = "webeid")]
    /// The embedded Estonian Web eID anchors (ESTEID2018, ESTEID2025), or
    /// with `"test"` their TEST twins; each is checked against its recorded
    /// SHA-256 fingerprint. Throws `IdbridgeError` otherwise.
    #[wasm_bindgen(js_name = fromEmbedded)]
    pub fn from_embedded(
        #[wasm_bindgen(unchecked_optional_param_type = "\"production\" | \"test\"")] set: JsValue,
    ) -> Result<Trust, JsValue> {
        let set = if set.is_undefined() || set.is_null() {
            None
        } else {
            Some(string_arg(&set, "the embedded anchor set")?)
        };
        let core = idbridge::Trust::builder()
            .webeid_anchors(embedded(set)?)
            .and_then(idbridge::TrustBuilder::build)
            .map_err(|e| to_js(&e))?;
        Ok(Trust::new(core))
    }

    /// An empty builder.
    pub fn builder() -> TrustBuilder {
        TrustBuilder::of(idbridge::Trust::builder())
    }

    #[cfg(feature = "webeid")]
    /// How many Web eID anchors this trust holds.
    #[wasm_bindgen(getter, js_name = webeidAnchorCount)]
    pub fn webeid_anchor_count(&self) -> usize {
        self.shared.core.webeid_anchor_count()
    }

    #[cfg(feature = "saml")]
    /// The entity IDs of the trusted SAML identity providers.
    #[wasm_bindgen(getter, js_name = samlIdpEntityIds)]
    pub fn saml_idp_entity_ids(&self) -> Vec<String> {
        self.shared
            .core
            .saml_idp_entity_ids()
            .into_iter()
            .map(str::to_string)
            .collect()
    }
}

/// Builds a `Trust`; every method checks its material at once and throws
/// an `IdbridgeError` on bad input. Each call returns a new builder (the
/// previous one is used up: calling it again throws `config.invalid`), so
/// chain the calls.
#[wasm_bindgen]
#[derive(Debug)]
pub struct TrustBuilder {
    // `None` once a call used it up. The methods take `&self` (not `self`,
    // which wasm-bindgen would move out of the JavaScript object, and a
    // second call would then throw its own Error without a `code`).
    inner: RefCell<Option<idbridge::TrustBuilder>>,
}

impl TrustBuilder {
    fn of(inner: idbridge::TrustBuilder) -> TrustBuilder {
        TrustBuilder {
            inner: RefCell::new(Some(inner)),
        }
    }

    /// The builder's state, taken: this object is used up from now on.
    fn take(&self) -> Result<idbridge::TrustBuilder, JsValue> {
        self.inner.borrow_mut().take().ok_or_else(|| {
            config(
                "this TrustBuilder was used up by an earlier call: chain the calls \
                 (Trust.builder().webeidAnchor(ca).build())",
            )
        })
    }
}

#[wasm_bindgen]
impl TrustBuilder {
    #[cfg(feature = "webeid")]
    /// Adds embedded Web eID anchors: `"production"` (ESTEID2018,
    /// ESTEID2025) or `"test"` (their TEST twins).
    #[wasm_bindgen(js_name = webeidEmbeddedAnchors)]
    pub fn webeid_embedded_anchors(
        &self,
        #[wasm_bindgen(unchecked_param_type = "\"production\" | \"test\"")] set: JsValue,
    ) -> Result<TrustBuilder, JsValue> {
        let anchors = embedded(Some(string_arg(&set, "the embedded anchor set")?))?;
        let inner = self
            .take()?
            .webeid_anchors(anchors)
            .map_err(|e| to_js(&e))?;
        Ok(TrustBuilder::of(inner))
    }

    #[cfg(feature = "webeid")]
    /// Adds a Web eID anchor: an issuing CA certificate, DER bytes or PEM text.
    #[wasm_bindgen(js_name = webeidAnchor)]
    pub fn webeid_anchor(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | string")] certificate: JsValue,
    ) -> Result<TrustBuilder, JsValue> {
        let der = bytes_of(&certificate, "the anchor certificate")?;
        let inner = self.take()?.webeid_anchor(&der).map_err(|e| to_js(&e))?;
        Ok(TrustBuilder::of(inner))
    }

    #[cfg(feature = "saml")]
    /// Adds the IdPs of a signed metadata document (AgID's registry, or one
    /// IdP's EntityDescriptor) whose signature verifies with the pinned
    /// `signer` certificate (DER or PEM).
    #[wasm_bindgen(js_name = samlRegistry)]
    pub fn saml_registry(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | string")] xml: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | string")] signer: JsValue,
    ) -> Result<TrustBuilder, JsValue> {
        let xml = bytes_of(&xml, "the registry")?;
        let signer = bytes_of(&signer, "the registry signer")?;
        let inner = self
            .take()?
            .saml_registry(&xml, &signer)
            .map_err(|e| to_js(&e))?;
        Ok(TrustBuilder::of(inner))
    }

    #[cfg(feature = "saml")]
    /// Adds the IdPs of *unsigned* metadata, trusted because you pin it
    /// (a file shipped with your application).
    #[wasm_bindgen(js_name = pinSamlIdpMetadata)]
    pub fn pin_saml_idp_metadata(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | string")] xml: JsValue,
    ) -> Result<TrustBuilder, JsValue> {
        let xml = bytes_of(&xml, "the metadata")?;
        let inner = self
            .take()?
            .pin_saml_idp_metadata(&xml)
            .map_err(|e| to_js(&e))?;
        Ok(TrustBuilder::of(inner))
    }

    /// The finished, immutable `Trust`.
    pub fn build(&self) -> Result<Trust, JsValue> {
        self.take()?.build().map(Trust::new).map_err(|e| to_js(&e))
    }
}
