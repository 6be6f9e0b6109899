//! The SP's signed metadata: one `EntityDescriptor` with one
//! `SPSSODescriptor`, for the SPID public and private profiles (AgID,
//! "Regole tecniche" *Metadata SP* and Avviso SPID n. 29 v3) and the CIE ID
//! public profile (CIE ID "Manuale tecnico per i fornitori di servizi",
//! *Metadata*).
//!
//! What is written, in schema order (SAML metadata 2.0 §2.3.2, §2.4):
//! - `EntityDescriptor` with `entityID` and an `ID` (the signature's
//!   reference), its enveloped `ds:Signature` first: exclusive c14n,
//!   `rsa-sha256`, `sha256`, `KeyInfo` with the certificate;
//! - `SPSSODescriptor` with `protocolSupportEnumeration` =
//!   `urn:oasis:names:tc:SAML:2.0:protocol`, `AuthnRequestsSigned="true"`,
//!   `WantAssertionsSigned="true"`; one `KeyDescriptor use="signing"` with
//!   the certificate; one `SingleLogoutService`; `NameIDFormat` transient;
//!   one `AssertionConsumerService` `index="0" isDefault="true"`
//!   (HTTP-POST); one `AttributeConsumingService index="0"` with its
//!   `ServiceName` and the requested attributes;
//! - `Organization` with `OrganizationName`, `OrganizationDisplayName`,
//!   `OrganizationURL` in each language given (Italian required);
//! - SPID: one `ContactPerson contactType="other"` whose `Extensions`
//!   hold `spid:IPACode` (public), `spid:VATNumber`, `spid:FiscalCode` and
//!   `spid:Public` or `spid:Private`, then `EmailAddress` and
//!   `TelephoneNumber`; a private SP adds the `billing` contact with
//!   `fpa:CessionarioCommittente` (Avviso 29 v3, §"Metadata SP privati");
//! - CIE ID: one `ContactPerson contactType="administrative"` whose
//!   `Extensions` hold `cie:Public`, `cie:IPACode`, `cie:Municipality` (and
//!   `cie:Province`, `cie:Country` when given), then `Company`,
//!   `EmailAddress`, `TelephoneNumber`.
//!
//! Bad configuration is `config.invalid`, before anything is signed.

use super::xml::{self, esc, invalid, url, value, SpCredential};
use crate::error::Result;
use sha2::Digest as _;

const MD: &str = "urn:oasis:names:tc:SAML:2.0:metadata";
const SPID_NS: &str = "https://spid.gov.it/saml-extensions";
const FPA_NS: &str = "https://spid.gov.it/invoicing-extensions";
const CIE_NS: &str = "https://www.cartaidentita.interno.gov.it/saml-extensions";
const POST: &str = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST";
const REDIRECT: &str = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect";
const TRANSIENT: &str = "urn:oasis:names:tc:SAML:2.0:nameid-format:transient";
const BASIC: &str = "urn:oasis:names:tc:SAML:2.0:attrname-format:basic";

/// The SPID attribute names (SPID rules, *Attributi*, and the domicile
/// attributes of Avviso SPID n. 20 v2).
pub const SPID_ATTRIBUTES: &[&str] = &[
    "spidCode",
    "name",
    "familyName",
    "placeOfBirth",
    "countyOfBirth",
    "dateOfBirth",
    "gender",
    "companyName",
    "registeredOffice",
    "fiscalNumber",
    "ivaCode",
    "idCard",
    "mobilePhone",
    "email",
    "address",
    "expirationDate",
    "digitalAddress",
    "companyFiscalNumber",
    "domicileStreetAddress",
    "domicilePostalCode",
    "domicileMunicipality",
    "domicileProvince",
    "domicileNation",
];

/// The attributes a CIE ID SP may request (CIE ID manual, *Metadata*:
/// "nome, cognome, codice fiscale, data di nascita").
pub const CIE_ATTRIBUTES: &[&str] = &["name", "familyName", "fiscalNumber", "dateOfBirth"];

/// Which federation and which kind of SP.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SpProfile {
    /// SPID, a public administration (`spid:Public`, `spid:IPACode`).
    SpidPublic,
    /// SPID, a private SP (`spid:Private`, VAT number or fiscal code, a
    /// billing contact).
    SpidPrivate,
    /// CIE ID, a public administration (`cie:Public`, `cie:IPACode`,
    /// `cie:Municipality`).
    CiePublic,
}

/// A SAML binding of an endpoint.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Binding {
    /// `urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST`.
    #[default]
    HttpPost,
    /// `urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect`.
    HttpRedirect,
}

impl Binding {
    /// The binding's URI.
    pub fn uri(self) -> &'static str {
        match self {
            Binding::HttpPost => POST,
            Binding::HttpRedirect => REDIRECT,
        }
    }
}

/// The organization's names in one language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrganizationName {
    /// The `xml:lang` (e.g. `it`, `en`).
    pub lang: String,
    /// `OrganizationName` (the SPID rules: the full name).
    pub name: String,
    /// `OrganizationDisplayName`.
    pub display_name: String,
    /// `OrganizationURL`.
    pub url: String,
}

/// The SP's contact (`other` for SPID, `administrative` for CIE ID).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Contact {
    /// `EmailAddress` (required).
    pub email: String,
    /// `TelephoneNumber`, international form without spaces (`+39...`).
    pub telephone: Option<String>,
    /// The IPA code (public SPs; required for SPID public and CIE ID).
    pub ipa_code: Option<String>,
    /// The VAT number with its ISO 3166 country prefix (`IT...`).
    pub vat_number: Option<String>,
    /// The fiscal code.
    pub fiscal_code: Option<String>,
    /// CIE ID: the ISTAT code of the municipality (required for CIE ID).
    pub municipality: Option<String>,
    /// CIE ID: the province's two-letter code.
    pub province: Option<String>,
    /// CIE ID: the ISO 3166 country code.
    pub country: Option<String>,
}

/// A private SPID SP's billing contact (Avviso 29 v3:
/// `fpa:CessionarioCommittente`, as in the electronic invoice).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BillingContact {
    /// `EmailAddress`.
    pub email: String,
    /// `TelephoneNumber`, if any.
    pub telephone: Option<String>,
    /// `IdFiscaleIVA/IdPaese` (ISO 3166, e.g. `IT`).
    pub vat_country: String,
    /// `IdFiscaleIVA/IdCodice`.
    pub vat_code: String,
    /// `Anagrafica/Denominazione` (the company name).
    pub company: String,
    /// `Sede/Indirizzo`.
    pub address: String,
    /// `Sede/CAP` (five digits).
    pub postal_code: String,
    /// `Sede/Comune`.
    pub municipality: String,
    /// `Sede/Provincia` (two letters), if any.
    pub province: Option<String>,
    /// `Sede/Nazione` (ISO 3166).
    pub country: String,
}

/// Everything the SP's metadata says.
///
/// ```
/// use idbridge::crypto::RustCryptoSigner;
/// use idbridge::saml_sp::{self, Contact, OrganizationName, SpCredential, SpMetadata, SpProfile};
/// # use base64::Engine as _;
/// # let pem = include_str!("../../../test-vectors/keys/rsa2048.pk8.pem");
/// # let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
/// # let pkcs8 = base64::engine::general_purpose::STANDARD.decode(b64).unwrap();
/// # let cert_pem = include_bytes!("../../../test-vectors/xmldsig/certs/rsa2048.pem");
/// let signer = RustCryptoSigner::from_pkcs8_der(&pkcs8)?;
/// let credential = SpCredential::new(&signer, cert_pem)?;
/// let mut md = SpMetadata::new(
///     SpProfile::SpidPublic,
///     "https://sp.example.it",
///     "https://sp.example.it/acs",
///     "https://sp.example.it/logout",
/// );
/// md.service_name = "Servizi online".into();
/// md.attributes = vec!["spidCode".into(), "fiscalNumber".into()];
/// md.organization.push(OrganizationName {
///     lang: "it".into(),
///     name: "Comune di Esempio".into(),
///     display_name: "Comune di Esempio".into(),
///     url: "https://www.comune.esempio.it".into(),
/// });
/// md.contact = Contact {
///     email: "spid@comune.esempio.it".into(),
///     ipa_code: Some("c_x000".into()),
///     ..Contact::default()
/// };
/// let xml = md.sign(&credential)?;
/// assert!(xml.starts_with("<md:EntityDescriptor"));
/// # Ok::<(), idbridge::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpMetadata {
    /// Federation and kind of SP.
    pub profile: SpProfile,
    /// `entityID`.
    pub entity_id: String,
    /// The ACS `Location` (HTTP-POST, `index="0"`, the default).
    pub acs_url: String,
    /// The `SingleLogoutService` `Location`.
    pub slo_url: String,
    /// The `SingleLogoutService` binding (HTTP-POST by default).
    pub slo_binding: Binding,
    /// The `ServiceName` (Italian) of `AttributeConsumingService index="0"`.
    pub service_name: String,
    /// The attributes requested (SPID names; CIE ID: [`CIE_ATTRIBUTES`] only).
    pub attributes: Vec<String>,
    /// The organization, one entry per language, one of them `it`.
    pub organization: Vec<OrganizationName>,
    /// The contact.
    pub contact: Contact,
    /// The billing contact (SPID private SPs only, and required for them).
    pub billing: Option<BillingContact>,
}

impl SpMetadata {
    /// Metadata with the endpoints; the rest is filled in by the caller.
    pub fn new(profile: SpProfile, entity_id: &str, acs_url: &str, slo_url: &str) -> Self {
        SpMetadata {
            profile,
            entity_id: entity_id.to_owned(),
            acs_url: acs_url.to_owned(),
            slo_url: slo_url.to_owned(),
            slo_binding: Binding::HttpPost,
            service_name: String::new(),
            attributes: Vec::new(),
            organization: Vec::new(),
            contact: Contact::default(),
            billing: None,
        }
    }

    /// The `ID` of the `EntityDescriptor`: `_` and the first 32 hex digits
    /// of SHA-256 over the entity ID (stable for one SP).
    pub fn document_id(&self) -> String {
        let digest = sha2::Sha256::digest(self.entity_id.as_bytes());
        let mut id = String::from("_");
        for b in digest.iter().take(16) {
            id.push_str(&format!("{b:02x}"));
        }
        id
    }

    /// Checks the configuration, writes the metadata and signs it.
    pub fn sign(&self, credential: &SpCredential<'_>) -> Result<String> {
        let (head, tail) = self.unsigned(credential)?;
        xml::sign_enveloped(&head, &tail, &self.document_id(), credential)
    }

    fn is_cie(&self) -> bool {
        self.profile == SpProfile::CiePublic
    }

    /// The document, in two halves around the signature.
    fn unsigned(&self, credential: &SpCredential<'_>) -> Result<(String, String)> {
        self.check()?;
        let id = self.document_id();
        let ext_ns = if self.is_cie() {
            format!(" xmlns:cie=\"{CIE_NS}\"")
        } else {
            format!(" xmlns:spid=\"{SPID_NS}\"")
        };
        let head = format!(
            "<md:EntityDescriptor xmlns:md=\"{MD}\"{ext_ns} entityID=\"{}\" ID=\"{id}\">",
            esc(&self.entity_id)
        );
        let mut t = String::new();
        t.push_str("<md:SPSSODescriptor protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\" AuthnRequestsSigned=\"true\" WantAssertionsSigned=\"true\">");
        t.push_str("<md:KeyDescriptor use=\"signing\">");
        t.push_str(&xml::key_info(credential));
        t.push_str("</md:KeyDescriptor>");
        t.push_str(&format!(
            "<md:SingleLogoutService Binding=\"{}\" Location=\"{}\"/>",
            self.slo_binding.uri(),
            esc(&self.slo_url)
        ));
        t.push_str(&format!("<md:NameIDFormat>{TRANSIENT}</md:NameIDFormat>"));
        t.push_str(&format!(
            "<md:AssertionConsumerService index=\"0\" isDefault=\"true\" Binding=\"{POST}\" Location=\"{}\"/>",
            esc(&self.acs_url)
        ));
        t.push_str(&format!(
            "<md:AttributeConsumingService index=\"0\"><md:ServiceName xml:lang=\"it\">{}</md:ServiceName>",
            esc(&self.service_name)
        ));
        for a in &self.attributes {
            t.push_str(&format!(
                "<md:RequestedAttribute Name=\"{}\" NameFormat=\"{BASIC}\"/>",
                esc(a)
            ));
        }
        t.push_str("</md:AttributeConsumingService></md:SPSSODescriptor>");
        t.push_str(&self.organization_xml());
        if self.is_cie() {
            t.push_str(&self.cie_contact());
        } else {
            t.push_str(&self.spid_contact());
            if let Some(b) = &self.billing {
                t.push_str(&billing_contact(b));
            }
        }
        t.push_str("</md:EntityDescriptor>");
        Ok((head, t))
    }

    fn organization_xml(&self) -> String {
        let mut o = String::from("<md:Organization>");
        for n in &self.organization {
            o.push_str(&format!(
                "<md:OrganizationName xml:lang=\"{}\">{}</md:OrganizationName>",
                esc(&n.lang),
                esc(&n.name)
            ));
        }
        for n in &self.organization {
            o.push_str(&format!(
                "<md:OrganizationDisplayName xml:lang=\"{}\">{}</md:OrganizationDisplayName>",
                esc(&n.lang),
                esc(&n.display_name)
            ));
        }
        for n in &self.organization {
            o.push_str(&format!(
                "<md:OrganizationURL xml:lang=\"{}\">{}</md:OrganizationURL>",
                esc(&n.lang),
                esc(&n.url)
            ));
        }
        o.push_str("</md:Organization>");
        o
    }

    fn spid_contact(&self) -> String {
        let c = &self.contact;
        let mut x = String::from("<md:ContactPerson contactType=\"other\"><md:Extensions>");
        let mut opt = |tag: &str, v: &Option<String>| {
            if let Some(v) = v {
                x.push_str(&format!("<spid:{tag}>{}</spid:{tag}>", esc(v)));
            }
        };
        opt("IPACode", &c.ipa_code);
        opt("VATNumber", &c.vat_number);
        opt("FiscalCode", &c.fiscal_code);
        x.push_str(match self.profile {
            SpProfile::SpidPrivate => "<spid:Private/>",
            _ => "<spid:Public/>",
        });
        x.push_str("</md:Extensions>");
        x.push_str(&email_phone(&c.email, &c.telephone));
        x.push_str("</md:ContactPerson>");
        x
    }

    fn cie_contact(&self) -> String {
        let c = &self.contact;
        let mut x = String::from(
            "<md:ContactPerson contactType=\"administrative\"><md:Extensions><cie:Public/>",
        );
        let mut opt = |tag: &str, v: &Option<String>| {
            if let Some(v) = v {
                x.push_str(&format!("<cie:{tag}>{}</cie:{tag}>", esc(v)));
            }
        };
        opt("IPACode", &c.ipa_code);
        opt("VATNumber", &c.vat_number);
        opt("FiscalCode", &c.fiscal_code);
        opt("Municipality", &c.municipality);
        opt("Province", &c.province);
        opt("Country", &c.country);
        x.push_str("</md:Extensions>");
        // The CIE ID schema requires Company: the Italian organization name.
        let company = self
            .organization
            .iter()
            .find(|n| n.lang == "it")
            .map(|n| n.name.as_str())
            .unwrap_or_default();
        x.push_str(&format!("<md:Company>{}</md:Company>", esc(company)));
        x.push_str(&email_phone(&c.email, &c.telephone));
        x.push_str("</md:ContactPerson>");
        x
    }

    /// Every rule the profile sets on the configuration.
    fn check(&self) -> Result<()> {
        url(&self.entity_id, "the entity ID is not an http(s) URL")?;
        url(&self.acs_url, "the ACS URL is not an http(s) URL")?;
        url(&self.slo_url, "the SLO URL is not an http(s) URL")?;
        value(
            &self.service_name,
            "the ServiceName is empty or not plain text",
        )?;
        check_attributes(self.profile, &self.attributes)?;
        check_organization(&self.organization)?;
        let c = &self.contact;
        check_email(&c.email)?;
        check_phone(&c.telephone)?;
        for v in [
            &c.ipa_code,
            &c.vat_number,
            &c.fiscal_code,
            &c.municipality,
            &c.province,
            &c.country,
        ]
        .into_iter()
        .flatten()
        {
            value(v, "a contact value is empty or not plain text")?;
        }
        if let Some(vat) = &c.vat_number {
            let country = vat.get(..2).unwrap_or("");
            if !country.chars().all(|ch| ch.is_ascii_uppercase()) || country.len() != 2 {
                return Err(invalid(
                    "the VAT number does not start with its ISO 3166 country code",
                ));
            }
        }
        match self.profile {
            SpProfile::SpidPublic => {
                if c.ipa_code.is_none() {
                    return Err(invalid("a public SPID SP names its IPA code"));
                }
                if self.billing.is_some() {
                    return Err(invalid("the billing contact is for private SPs"));
                }
            }
            SpProfile::SpidPrivate => {
                if c.ipa_code.is_some() {
                    return Err(invalid("a private SPID SP has no IPA code"));
                }
                if c.vat_number.is_none() && c.fiscal_code.is_none() {
                    return Err(invalid(
                        "a private SPID SP names its VAT number or fiscal code",
                    ));
                }
                let b = self
                    .billing
                    .as_ref()
                    .ok_or_else(|| invalid("a private SPID SP has a billing contact"))?;
                check_billing(b)?;
            }
            SpProfile::CiePublic => {
                if c.ipa_code.is_none() || c.municipality.is_none() {
                    return Err(invalid(
                        "a public CIE ID SP names its IPA code and municipality",
                    ));
                }
                if self.billing.is_some() {
                    return Err(invalid("the billing contact is for private SPID SPs"));
                }
            }
        }
        Ok(())
    }
}

fn email_phone(email: &str, telephone: &Option<String>) -> String {
    let mut x = format!("<md:EmailAddress>{}</md:EmailAddress>", esc(email));
    if let Some(t) = telephone {
        x.push_str(&format!(
            "<md:TelephoneNumber>{}</md:TelephoneNumber>",
            esc(t)
        ));
    }
    x
}

fn billing_contact(b: &BillingContact) -> String {
    let mut x = format!(
        "<md:ContactPerson contactType=\"billing\"><md:Extensions xmlns:fpa=\"{FPA_NS}\"><fpa:CessionarioCommittente><fpa:DatiAnagrafici><fpa:IdFiscaleIVA><fpa:IdPaese>{}</fpa:IdPaese><fpa:IdCodice>{}</fpa:IdCodice></fpa:IdFiscaleIVA><fpa:Anagrafica><fpa:Denominazione>{}</fpa:Denominazione></fpa:Anagrafica></fpa:DatiAnagrafici><fpa:Sede><fpa:Indirizzo>{}</fpa:Indirizzo><fpa:CAP>{}</fpa:CAP><fpa:Comune>{}</fpa:Comune>",
        esc(&b.vat_country),
        esc(&b.vat_code),
        esc(&b.company),
        esc(&b.address),
        esc(&b.postal_code),
        esc(&b.municipality),
    );
    if let Some(p) = &b.province {
        x.push_str(&format!("<fpa:Provincia>{}</fpa:Provincia>", esc(p)));
    }
    x.push_str(&format!(
        "<fpa:Nazione>{}</fpa:Nazione></fpa:Sede></fpa:CessionarioCommittente></md:Extensions><md:Company>{}</md:Company>",
        esc(&b.country),
        esc(&b.company)
    ));
    x.push_str(&email_phone(&b.email, &b.telephone));
    x.push_str("</md:ContactPerson>");
    x
}

fn check_attributes(profile: SpProfile, attributes: &[String]) -> Result<()> {
    let allowed = match profile {
        SpProfile::CiePublic => CIE_ATTRIBUTES,
        _ => SPID_ATTRIBUTES,
    };
    if attributes.is_empty() {
        return Err(invalid("no attribute is requested"));
    }
    for (i, a) in attributes.iter().enumerate() {
        if !allowed.contains(&a.as_str()) {
            return Err(invalid("an attribute name is not one of the profile's"));
        }
        if attributes.iter().take(i).any(|b| b == a) {
            return Err(invalid("an attribute is requested twice"));
        }
    }
    Ok(())
}

fn check_organization(org: &[OrganizationName]) -> Result<()> {
    if !org.iter().any(|n| n.lang == "it") {
        return Err(invalid("the organization has no Italian (it) names"));
    }
    for (i, n) in org.iter().enumerate() {
        let lang_ok = (2..=8).contains(&n.lang.len())
            && n.lang
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-');
        if !lang_ok {
            return Err(invalid("an organization language is not a language tag"));
        }
        if org.iter().take(i).any(|m| m.lang == n.lang) {
            return Err(invalid("an organization language appears twice"));
        }
        value(&n.name, "an OrganizationName is empty or not plain text")?;
        value(
            &n.display_name,
            "an OrganizationDisplayName is empty or not plain text",
        )?;
        url(&n.url, "an OrganizationURL is not an http(s) URL")?;
    }
    Ok(())
}

/// An address the SPID checks accept: word characters, `.`, `_`, `-`
/// around one `@`, and a dot in the domain.
fn check_email(email: &str) -> Result<()> {
    let e = value(email, "the contact email is empty or not plain text")?;
    let ok_part = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-'))
    };
    match e.split_once('@') {
        Some((local, domain)) if ok_part(local) && ok_part(domain) && domain.contains('.') => {
            Ok(())
        }
        _ => Err(invalid("the contact email is not an address")),
    }
}

/// A telephone number without spaces: `+` and digits.
fn check_phone(phone: &Option<String>) -> Result<()> {
    if let Some(p) = phone {
        let digits = p.strip_prefix('+').unwrap_or(p);
        if digits.is_empty() || digits.len() > 20 || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(invalid("the telephone number is not + and digits"));
        }
    }
    Ok(())
}

fn check_billing(b: &BillingContact) -> Result<()> {
    check_email(&b.email)?;
    check_phone(&b.telephone)?;
    for v in [
        &b.vat_country,
        &b.vat_code,
        &b.company,
        &b.address,
        &b.postal_code,
        &b.municipality,
        &b.country,
    ] {
        value(v, "a billing value is empty or not plain text")?;
    }
    if let Some(p) = &b.province {
        value(p, "the billing province is not plain text")?;
    }
    if b.postal_code.len() != 5 || !b.postal_code.chars().all(|c| c.is_ascii_digit()) {
        return Err(invalid("the billing CAP is not five digits"));
    }
    let iso = |s: &str| s.len() == 2 && s.chars().all(|c| c.is_ascii_uppercase());
    if !iso(&b.vat_country) || !iso(&b.country) {
        return Err(invalid("a billing country is not an ISO 3166 code"));
    }
    Ok(())
}
