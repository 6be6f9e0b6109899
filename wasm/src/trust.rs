//! `Trust` and `TrustBuilder` for JavaScript: the trust material, parsed
//! once and reused by every verification (and its WebCrypto key cache).

#[cfg(any(feature = "saml", feature = "webeid"))]
use crate::js::bytes_of;
#[cfg(feature = "webeid")]
use crate::js::config;
use crate::js::to_js;
use crate::webcrypto::WebCrypto;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

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
    #[cfg(feature = "webeid")]
    /// The embedded Estonian Web eID anchors (ESTEID2018, ESTEID2025), or
    /// with `"test"` their TEST twins; each is checked against its recorded
    /// SHA-256 fingerprint. Throws `IdbridgeError` otherwise.
    #[wasm_bindgen(js_name = fromEmbedded)]
    pub fn from_embedded(
        #[wasm_bindgen(unchecked_optional_param_type = "\"production\" | \"test\"")] set: Option<
            String,
        >,
    ) -> Result<Trust, JsValue> {
        let core = idbridge::Trust::builder()
            .webeid_anchors(embedded(set)?)
            .and_then(idbridge::TrustBuilder::build)
            .map_err(|e| to_js(&e))?;
        Ok(Trust::new(core))
    }

    /// An empty builder.
    pub fn builder() -> TrustBuilder {
        TrustBuilder {
            inner: idbridge::Trust::builder(),
        }
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
/// previous one is used up), so chain the calls.
#[wasm_bindgen]
#[derive(Debug)]
pub struct TrustBuilder {
    inner: idbridge::TrustBuilder,
}

#[wasm_bindgen]
impl TrustBuilder {
    #[cfg(feature = "webeid")]
    /// Adds embedded Web eID anchors: `"production"` (ESTEID2018,
    /// ESTEID2025) or `"test"` (their TEST twins).
    #[wasm_bindgen(js_name = webeidEmbeddedAnchors)]
    pub fn webeid_embedded_anchors(
        self,
        #[wasm_bindgen(unchecked_param_type = "\"production\" | \"test\"")] set: String,
    ) -> Result<TrustBuilder, JsValue> {
        let inner = self
            .inner
            .webeid_anchors(embedded(Some(set))?)
            .map_err(|e| to_js(&e))?;
        Ok(TrustBuilder { inner })
    }

    #[cfg(feature = "webeid")]
    /// Adds a Web eID anchor: an issuing CA certificate, DER bytes or PEM text.
    #[wasm_bindgen(js_name = webeidAnchor)]
    pub fn webeid_anchor(
        self,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | string")] certificate: JsValue,
    ) -> Result<TrustBuilder, JsValue> {
        let der = bytes_of(&certificate, "the anchor certificate")?;
        let inner = self.inner.webeid_anchor(&der).map_err(|e| to_js(&e))?;
        Ok(TrustBuilder { inner })
    }

    #[cfg(feature = "saml")]
    /// Adds the IdPs of a signed metadata document (AgID's registry, or one
    /// IdP's EntityDescriptor) whose signature verifies with the pinned
    /// `signer` certificate (DER or PEM).
    #[wasm_bindgen(js_name = samlRegistry)]
    pub fn saml_registry(
        self,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | string")] xml: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | string")] signer: JsValue,
    ) -> Result<TrustBuilder, JsValue> {
        let xml = bytes_of(&xml, "the registry")?;
        let signer = bytes_of(&signer, "the registry signer")?;
        let inner = self
            .inner
            .saml_registry(&xml, &signer)
            .map_err(|e| to_js(&e))?;
        Ok(TrustBuilder { inner })
    }

    #[cfg(feature = "saml")]
    /// Adds the IdPs of *unsigned* metadata, trusted because you pin it
    /// (a file shipped with your application).
    #[wasm_bindgen(js_name = pinSamlIdpMetadata)]
    pub fn pin_saml_idp_metadata(
        self,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | string")] xml: JsValue,
    ) -> Result<TrustBuilder, JsValue> {
        let xml = bytes_of(&xml, "the metadata")?;
        let inner = self
            .inner
            .pin_saml_idp_metadata(&xml)
            .map_err(|e| to_js(&e))?;
        Ok(TrustBuilder { inner })
    }

    /// The finished, immutable `Trust`.
    pub fn build(self) -> Result<Trust, JsValue> {
        self.inner.build().map(Trust::new).map_err(|e| to_js(&e))
    }
}
