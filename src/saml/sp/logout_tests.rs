//! Single logout: every check fails closed, each with its code. The IdP's
//! messages are written here and signed with the key of
//! `test-vectors/spid/metadata/idp.xml` (test-vectors/keys/rsa2048).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use super::*;
use crate::crypto::RustCryptoSigner;
use crate::saml::sp::xml;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const IDP: &str = "https://idp.idbridge.test/spid";
const SP: &str = "https://sp.example.it";
const SLO: &str = "https://sp.example.it/slo";

fn file(rel: &str) -> Vec<u8> {
    std::fs::read(format!("{ROOT}/{rel}")).unwrap()
}

fn signer(name: &str) -> RustCryptoSigner {
    let pem = String::from_utf8(file(&format!("test-vectors/keys/{name}.pk8.pem"))).unwrap();
    let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let der = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .unwrap();
    RustCryptoSigner::from_pkcs8_der(&der).unwrap()
}

/// Signs `head + tail` (the signature goes between) with `key`.
fn sign(key: &str, head: &str, tail: &str, id: &str) -> String {
    let s = signer(key);
    let cert = file(&format!("test-vectors/xmldsig/certs/{key}.pem"));
    let cred = SpCredential::new(&s, &cert).unwrap();
    xml::sign_enveloped(head, tail, id, &cred).unwrap()
}

fn registry() -> IdpRegistry {
    IdpRegistry::builder()
        .pinned_metadata(&file("test-vectors/spid/metadata/idp.xml"))
        .unwrap()
        .build()
}

fn t(s: &str) -> UnixTime {
    UnixTime::parse_rfc3339(s).unwrap()
}

fn now() -> UnixTime {
    t("2026-03-01T11:00:10Z")
}

fn exp() -> LogoutExpectations<'static> {
    let mut e = LogoutExpectations::new(SP, SLO);
    e.input = InputEncoding::Xml;
    e
}

fn sent() -> SentLogout {
    SentLogout {
        id: "_req1".into(),
        issue_instant: t("2026-03-01T11:00:00Z"),
        idp_entity_id: IDP.into(),
    }
}

const SUCCESS_STATUS: &str = "<samlp:Status><samlp:StatusCode Value=\"urn:oasis:names:tc:SAML:2.0:status:Success\"/></samlp:Status>";

/// The IdP's LogoutResponse, in two halves; `attrs` replaces the defaults.
fn response_halves(edit: &[(&str, &str)], body: &str) -> (String, String) {
    let mut head = format!(
        "<samlp:LogoutResponse xmlns:samlp=\"{SAMLP}\" xmlns:saml=\"{SAML}\" ID=\"_resp1\" Version=\"2.0\" IssueInstant=\"2026-03-01T11:00:05Z\" Destination=\"{SLO}\" InResponseTo=\"_req1\"><saml:Issuer Format=\"{ENTITY}\">{IDP}</saml:Issuer>"
    );
    for (from, to) in edit {
        head = head.replace(from, to);
    }
    (head, format!("{body}</samlp:LogoutResponse>"))
}

fn response(edit: &[(&str, &str)], body: &str) -> String {
    let (h, tl) = response_halves(edit, body);
    sign("rsa2048", &h, &tl, "_resp1")
}

fn check_response(xml: &str) -> Result<VerifiedLogoutResponse> {
    verify_logout_response(&registry(), xml.as_bytes(), &exp(), &sent(), now())
}

fn code(r: Result<impl core::fmt::Debug>) -> &'static str {
    r.unwrap_err().code()
}

#[test]
fn a_genuine_logout_response_verifies() {
    let v = check_response(&response(&[], SUCCESS_STATUS)).unwrap();
    assert_eq!(v.id, "_resp1");
    assert_eq!(v.idp_entity_id, IDP);
    assert!(!v.partial);
    // As posted: base64.
    let b64 = base64::engine::general_purpose::STANDARD.encode(response(&[], SUCCESS_STATUS));
    let e = LogoutExpectations::new(SP, SLO);
    assert!(verify_logout_response(&registry(), b64.as_bytes(), &e, &sent(), now()).is_ok());
}

#[test]
fn partial_logout_is_reported() {
    let partial = "<samlp:Status><samlp:StatusCode Value=\"urn:oasis:names:tc:SAML:2.0:status:Success\"><samlp:StatusCode Value=\"urn:oasis:names:tc:SAML:2.0:status:PartialLogout\"/></samlp:StatusCode></samlp:Status>";
    assert!(check_response(&response(&[], partial)).unwrap().partial);
}

#[test]
fn logout_response_checks_fail_closed() {
    let s = SUCCESS_STATUS;
    let cases: Vec<(&str, String)> = vec![
        (
            "saml.status.failure",
            response(&[], "<samlp:Status><samlp:StatusCode Value=\"urn:oasis:names:tc:SAML:2.0:status:Responder\"/></samlp:Status>"),
        ),
        (
            "saml.destination.mismatch",
            response(&[(SLO, "https://evil.example/slo")], s),
        ),
        (
            "saml.in_response_to.mismatch",
            response(&[("InResponseTo=\"_req1\"", "InResponseTo=\"_other\"")], s),
        ),
        (
            "saml.version.invalid",
            response(&[("Version=\"2.0\"", "Version=\"2.1\"")], s),
        ),
        (
            "saml.time.invalid",
            response(&[("11:00:05Z", "11:00:11Z")], s),
        ),
        (
            "saml.time.invalid",
            response(&[("11:00:05Z", "10:59:59Z")], s),
        ),
        (
            "saml.time.invalid",
            response(&[("2026-03-01T11:00:05Z", "2026-03-01T10:50:00Z")], s),
        ),
        (
            "saml.issuer.invalid",
            response(&[(&format!(">{IDP}<"), ">https://other.example<")], s),
        ),
        (
            "saml.issuer.invalid",
            response(&[(&format!("Format=\"{ENTITY}\""), "Format=\"urn:oasis:names:tc:SAML:2.0:nameid-format:transient\"")], s),
        ),
        ("saml.structure.invalid", response(&[], &format!("{s}{s}"))),
        ("saml.structure.invalid", response(&[], "<samlp:Bogus/>")),
        ("saml.structure.invalid", response(&[], "")),
        ("saml.time.invalid", response(&[("IssueInstant=\"2026-03-01T11:00:05Z\"", "IssueInstant=\"yesterday\"")], s)),
        ("saml.structure.invalid", response(&[("Destination=", "X=")], s)),
        ("saml.structure.invalid", response(&[("InResponseTo=", "X=")], s)),
    ];
    for (i, (want, xml)) in cases.iter().enumerate() {
        assert_eq!(code(check_response(xml)), *want, "case {i}");
    }
}

#[test]
fn logout_response_signature_is_mandatory_trusted_and_its_own() {
    let (h, tl) = response_halves(&[], SUCCESS_STATUS);
    // Unsigned.
    assert_eq!(
        code(check_response(&format!("{h}{tl}"))),
        "xmldsig.signature.missing"
    );
    // Signed by a key the metadata does not hold.
    let stranger = sign("rsa2048-b", &h, &tl, "_resp1");
    assert!(check_response(&stranger)
        .unwrap_err()
        .code()
        .starts_with("xmldsig."));
    // Altered after signing.
    let good = response(&[], SUCCESS_STATUS);
    let altered = good.replace("11:00:05Z", "11:00:06Z");
    assert_eq!(code(check_response(&altered)), "xmldsig.digest.mismatch");
    // The signature names another element's ID.
    let renamed = good.replacen("ID=\"_resp1\"", "ID=\"_resp2\"", 1);
    assert_eq!(code(check_response(&renamed)), "xmldsig.reference.invalid");
    // The signature not right after the Issuer.
    let moved = {
        let start = good.find("<ds:Signature").unwrap();
        let end = good.find("</ds:Signature>").unwrap() + "</ds:Signature>".len();
        let sig = &good[start..end];
        let without = format!("{}{}", &good[..start], &good[end..]);
        without.replace("</samlp:Status>", &format!("</samlp:Status>{sig}"))
    };
    assert!(check_response(&moved).is_err());
    // A LogoutRequest where a LogoutResponse is expected.
    let req = idp_request(&[], NAME_AND_SESSION);
    assert_eq!(code(check_response(&req)), "saml.structure.invalid");
}

#[test]
fn logout_response_only_from_the_idp_the_request_went_to() {
    let mut other = sent();
    other.idp_entity_id = "https://id.second-idp.idbridge.test".into();
    let r = verify_logout_response(
        &registry(),
        response(&[], SUCCESS_STATUS).as_bytes(),
        &exp(),
        &other,
        now(),
    );
    assert_eq!(code(r), "saml.issuer.invalid");
}

const NAME_AND_SESSION: &str = "<saml:NameID Format=\"urn:oasis:names:tc:SAML:2.0:nameid-format:transient\" NameQualifier=\"https://idp.idbridge.test/spid\">_name1</saml:NameID><samlp:SessionIndex>_sess1</samlp:SessionIndex>";

fn idp_request_halves(edit: &[(&str, &str)], body: &str) -> (String, String) {
    let mut head = format!(
        "<samlp:LogoutRequest xmlns:samlp=\"{SAMLP}\" xmlns:saml=\"{SAML}\" ID=\"_idpreq\" Version=\"2.0\" IssueInstant=\"2026-03-01T11:00:05Z\" Destination=\"{SLO}\" NotOnOrAfter=\"2026-03-01T11:05:00Z\"><saml:Issuer Format=\"{ENTITY}\">{IDP}</saml:Issuer>"
    );
    for (from, to) in edit {
        head = head.replace(from, to);
    }
    (head, format!("{body}</samlp:LogoutRequest>"))
}

fn idp_request(edit: &[(&str, &str)], body: &str) -> String {
    let (h, tl) = idp_request_halves(edit, body);
    sign("rsa2048", &h, &tl, "_idpreq")
}

fn session() -> LogoutSession<'static> {
    LogoutSession {
        idp_entity_id: IDP,
        session_index: "_sess1",
        name_id: Some("_name1"),
    }
}

fn check_request(xml: &str, s: &LogoutSession<'_>) -> Result<VerifiedLogoutRequest> {
    verify_logout_request(&registry(), xml.as_bytes(), &exp(), s, now())
}

#[test]
fn a_genuine_idp_logout_request_verifies() {
    let v = check_request(&idp_request(&[], NAME_AND_SESSION), &session()).unwrap();
    assert_eq!(v.id, "_idpreq");
    assert_eq!(v.name_id, "_name1");
    assert_eq!(v.session_indexes, ["_sess1"]);
    // Without the NameID kept, the SessionIndex alone decides.
    let mut s = session();
    s.name_id = None;
    assert!(check_request(&idp_request(&[], NAME_AND_SESSION), &s).is_ok());
    // Several SessionIndex values, one of them ours.
    let two = NAME_AND_SESSION.replace(
        "<samlp:SessionIndex>",
        "<samlp:SessionIndex>_x</samlp:SessionIndex><samlp:SessionIndex>",
    );
    assert!(check_request(&idp_request(&[], &two), &session()).is_ok());
}

#[test]
fn idp_logout_request_checks_fail_closed() {
    let b = NAME_AND_SESSION;
    let cases: Vec<(&str, String)> = vec![
        (
            "saml.logout.session_mismatch",
            idp_request(&[], &b.replace("_sess1", "_sess2")),
        ),
        (
            "saml.logout.session_mismatch",
            idp_request(&[], &b.replace("_name1", "_name2")),
        ),
        (
            "saml.logout.session_mismatch",
            idp_request(
                &[],
                &b.replace(
                    "NameQualifier=\"https://idp.idbridge.test/spid\"",
                    "NameQualifier=\"https://other.example\"",
                ),
            ),
        ),
        (
            "saml.time.expired",
            idp_request(
                &[(
                    "NotOnOrAfter=\"2026-03-01T11:05:00Z\"",
                    "NotOnOrAfter=\"2026-03-01T11:00:10Z\"",
                )],
                b,
            ),
        ),
        (
            "saml.time.invalid",
            idp_request(
                &[(
                    "NotOnOrAfter=\"2026-03-01T11:05:00Z\"",
                    "NotOnOrAfter=\"soon\"",
                )],
                b,
            ),
        ),
        (
            "saml.destination.mismatch",
            idp_request(&[(SLO, "https://sp.example.it/acs")], b),
        ),
        (
            "saml.time.invalid",
            idp_request(&[("11:00:05Z", "11:00:30Z")], b),
        ),
        (
            "saml.issuer.invalid",
            idp_request(&[(&format!(">{IDP}<"), ">https://sp.example.it<")], b),
        ),
        (
            "saml.structure.invalid",
            idp_request(&[], "<samlp:SessionIndex>_sess1</samlp:SessionIndex>"),
        ),
        (
            "saml.structure.invalid",
            idp_request(
                &[],
                &b.replace("<samlp:SessionIndex>_sess1</samlp:SessionIndex>", ""),
            ),
        ),
        (
            "saml.structure.invalid",
            idp_request(&[], &format!("{}{b}", &b[..b.find("<samlp:").unwrap()])),
        ),
        (
            "saml.structure.invalid",
            idp_request(
                &[],
                &format!(
                    "<samlp:SessionIndex>_sess1</samlp:SessionIndex>{}",
                    &b[..b.find("<samlp:").unwrap()]
                ),
            ),
        ),
        (
            "saml.structure.invalid",
            idp_request(&[], &b.replace(">_name1<", "><!---->\t<")),
        ),
    ];
    for (i, (want, xml)) in cases.iter().enumerate() {
        assert_eq!(code(check_request(xml, &session())), *want, "case {i}");
    }
    // Unsigned.
    let (h, tl) = idp_request_halves(&[], b);
    assert_eq!(
        code(check_request(&format!("{h}{tl}"), &session())),
        "xmldsig.signature.missing"
    );
    // A session from another (trusted or not) IdP.
    let mut s = session();
    s.idp_entity_id = "https://id.second-idp.idbridge.test";
    assert_eq!(
        code(check_request(&idp_request(&[], b), &s)),
        "saml.issuer.invalid"
    );
    // A comment never truncates the SessionIndex.
    let split = b.replace(">_sess1<", ">_sess<!---->1<");
    assert!(check_request(&idp_request(&[], &split), &session()).is_ok());
    let split = b.replace(">_sess1<", ">_sess1<!---->x<");
    assert_eq!(
        code(check_request(&idp_request(&[], &split), &session())),
        "saml.logout.session_mismatch"
    );
}

#[test]
fn what_the_sp_signs_verifies_and_says_what_it_should() {
    let s = signer("rsa2048");
    let cert = file("test-vectors/xmldsig/certs/rsa2048.pem");
    let cred = SpCredential::new(&s, &cert).unwrap();
    // Our LogoutRequest, as if we were the IdP (same key): it passes the
    // IdP-initiated checks, so its layout is the one we demand.
    let mut req = LogoutRequest::new(
        IDP,
        SLO,
        "_out1",
        t("2026-03-01T11:00:05Z"),
        IDP,
        "_name1",
        "_sess1",
    );
    let signed = req.signed_xml(&cred).unwrap();
    let mut e = exp();
    e.sp_entity_id = IDP;
    let v = verify_logout_request(&registry(), signed.as_bytes(), &e, &session(), now()).unwrap();
    assert_eq!(v.id, "_out1");
    assert!(signed.contains("<saml:Issuer Format=\"urn:oasis:names:tc:SAML:2.0:nameid-format:entity\" NameQualifier=\"https://idp.idbridge.test/spid\">"));
    let sent = req.sent();
    assert_eq!(
        (sent.id.as_str(), sent.idp_entity_id.as_str()),
        ("_out1", IDP)
    );
    // The bindings.
    let form = req.post_form(&cred, "rs").unwrap();
    assert!(form.contains("name=\"SAMLRequest\""));
    let url = req.redirect_url(&cred, "rs").unwrap();
    assert!(url.starts_with(&format!("{SLO}?SAMLRequest=")));
    assert!(url.contains("&RelayState=rs&SigAlg=") && url.contains("&Signature="));
    // Bad configuration is refused before signing.
    req.session_index = String::new();
    assert_eq!(code(req.signed_xml(&cred)), "config.invalid");
    req.session_index = "_sess1".into();
    req.destination = "https://idp.example/slo?x=1".into();
    assert_eq!(code(req.redirect_url(&cred, "rs")), "config.invalid");
    req.destination = SLO.into();
    req.id = "1bad".into();
    assert_eq!(code(req.post_form(&cred, "rs")), "config.invalid");

    // Our LogoutResponse verifies as a LogoutResponse from that IdP.
    let mut resp = LogoutResponse {
        sp_entity_id: IDP.into(),
        destination: SLO.into(),
        id: "_resp9".into(),
        issue_instant: t("2026-03-01T11:00:05Z"),
        in_response_to: "_req1".into(),
        success: true,
    };
    let signed = resp.signed_xml(&cred).unwrap();
    assert!(check_response(&signed).is_ok());
    resp.success = false;
    assert_eq!(
        code(check_response(&resp.signed_xml(&cred).unwrap())),
        "saml.status.failure"
    );
    assert!(resp
        .post_form(&cred, "rs")
        .unwrap()
        .contains("name=\"SAMLResponse\""));
    assert!(resp
        .redirect_url(&cred, "rs")
        .unwrap()
        .starts_with(&format!("{SLO}?SAMLResponse=")));
    resp.in_response_to = "a b".into();
    assert_eq!(code(resp.signed_xml(&cred)), "config.invalid");
}

/// The IdP's HTTP-Redirect query (after `?`) carrying `xml` in `field`.
fn idp_query(key: &str, field: &str, xml: &str) -> String {
    let s = signer(key);
    let cert = file(&format!("test-vectors/xmldsig/certs/{key}.pem"));
    let cred = SpCredential::new(&s, &cert).unwrap();
    let url = super::super::request::redirect(SLO, field, xml, "rs", &cred).unwrap();
    url.split_once('?').unwrap().1.to_owned()
}

fn check_response_redirect(query: &str) -> Result<VerifiedLogoutResponse> {
    verify_logout_response_redirect(&registry(), query, &exp(), &sent(), now())
}

#[test]
fn redirect_binding_verifies_the_query_signature() {
    let (h, tl) = response_halves(&[], SUCCESS_STATUS);
    let unsigned = format!("{h}{tl}");
    let q = idp_query("rsa2048", "SAMLResponse", &unsigned);
    let v = check_response_redirect(&q).unwrap();
    assert_eq!(v.id, "_resp1");
    // An IdP-initiated request.
    let (h, tl) = idp_request_halves(&[], NAME_AND_SESSION);
    let rq = idp_query("rsa2048", "SAMLRequest", &format!("{h}{tl}"));
    let v = verify_logout_request_redirect(&registry(), &rq, &exp(), &session(), now()).unwrap();
    assert_eq!(v.session_indexes, ["_sess1"]);
    // The same checks as HTTP-POST after the signature.
    let (h, tl) = response_halves(
        &[("InResponseTo=\"_req1\"", "InResponseTo=\"_x\"")],
        SUCCESS_STATUS,
    );
    let bad = idp_query("rsa2048", "SAMLResponse", &format!("{h}{tl}"));
    assert_eq!(
        code(check_response_redirect(&bad)),
        "saml.in_response_to.mismatch"
    );
    let (h, tl) = idp_request_halves(&[], &NAME_AND_SESSION.replace("_sess1", "_s"));
    let bad = idp_query("rsa2048", "SAMLRequest", &format!("{h}{tl}"));
    let r = verify_logout_request_redirect(&registry(), &bad, &exp(), &session(), now());
    assert_eq!(code(r), "saml.logout.session_mismatch");
}

#[test]
fn redirect_binding_fails_closed() {
    let (h, tl) = response_halves(&[], SUCCESS_STATUS);
    let unsigned = format!("{h}{tl}");
    let q = idp_query("rsa2048", "SAMLResponse", &unsigned);
    let cases: Vec<(&str, String)> = vec![
        // Another key.
        (
            "xmldsig.signature.invalid",
            idp_query("rsa2048-b", "SAMLResponse", &unsigned),
        ),
        // The RelayState changed after signing.
        (
            "xmldsig.signature.invalid",
            q.replace("RelayState=rs", "RelayState=rt"),
        ),
        // RelayState dropped from the signed string.
        ("xmldsig.signature.invalid", q.replace("&RelayState=rs", "")),
        // No signature, no SigAlg.
        (
            "xmldsig.signature.missing",
            q[..q.find("&Signature=").unwrap()].to_owned(),
        ),
        ("xmldsig.signature.missing", q.replace("&SigAlg=", "&Sig=")),
        // rsa-sha1.
        (
            "xmldsig.algorithm.forbidden",
            q.replace("rsa-sha256", "rsa-sha1")
                .replace("xmldsig-more%23rsa-sha1", "xmldsig%23rsa-sha1"),
        ),
        // A parameter twice.
        ("saml.structure.invalid", format!("{q}&RelayState=rs")),
        (
            "saml.structure.invalid",
            q.replace("SAMLResponse=", "SAMLRequest="),
        ),
        // Bad %-encoding and base64.
        ("input.encoding", q.replace("&Signature=", "&Signature=%G")),
        ("input.encoding", q.replace("&Signature=", "&Signature=*")),
    ];
    for (i, (want, query)) in cases.iter().enumerate() {
        assert_eq!(code(check_response_redirect(query)), *want, "case {i}");
    }
    // A message signed in the XML as well: the binding says it is removed.
    let posted = response(&[], SUCCESS_STATUS);
    let q2 = idp_query("rsa2048", "SAMLResponse", &posted);
    assert_eq!(code(check_response_redirect(&q2)), "saml.structure.invalid");
    // Not DEFLATE.
    let s = signer("rsa2048");
    let cert = file("test-vectors/xmldsig/certs/rsa2048.pem");
    let cred = SpCredential::new(&s, &cert).unwrap();
    let raw = base64::engine::general_purpose::STANDARD.encode(unsigned.as_bytes());
    let signed = format!(
        "SAMLResponse={}&SigAlg={}",
        super::super::request::form_encode(&raw),
        super::super::request::form_encode(xml::RSA_SHA256)
    );
    let sig =
        base64::engine::general_purpose::STANDARD.encode(cred.sign(signed.as_bytes()).unwrap());
    let q3 = format!(
        "{signed}&Signature={}",
        super::super::request::form_encode(&sig)
    );
    assert_eq!(code(check_response_redirect(&q3)), "input.encoding");
    // A small query inflating past the input limit (a DEFLATE bomb).
    let big = format!("{h}{}{tl}", " ".repeat(200_000));
    let q4 = idp_query("rsa2048", "SAMLResponse", &big);
    assert!(q4.len() < 4096);
    let mut e = exp();
    e.limits = Limits::default().tighten_max_input_bytes(64 * 1024);
    let r = verify_logout_response_redirect(&registry(), &q4, &e, &sent(), now());
    assert_eq!(code(r), "input.too_large");
    // A query longer than the limit.
    let r = verify_logout_response_redirect(
        &registry(),
        &"a".repeat(64 * 1024 + 1),
        &e,
        &sent(),
        now(),
    );
    assert_eq!(code(r), "input.too_large");
    // Sent to an IdP we do not trust.
    let mut other = sent();
    other.idp_entity_id = "https://unknown.example".into();
    let r = verify_logout_response_redirect(&registry(), &q, &exp(), &other, now());
    assert_eq!(code(r), "saml.issuer.invalid");
}

/// `test-vectors/saml-logout/cases.json`: each case's message is written
/// from its template and edits, signed here (HTTP-POST: enveloped, right
/// after the Issuer; HTTP-Redirect: the query string), then verified.
#[test]
fn the_logout_cases_of_test_vectors() {
    use serde_json::Value;
    let cases: Value =
        serde_json::from_slice(&file("test-vectors/saml-logout/cases.json")).unwrap();
    assert_eq!(cases["schema"], "idbridge-saml-logout/1");
    let ctx = &cases["context"];
    let s = |v: &Value| v.as_str().unwrap().to_owned();
    let registry = IdpRegistry::builder()
        .pinned_metadata(&file(&format!(
            "test-vectors/saml-logout/{}",
            s(&cases["idp_metadata"])
        )))
        .unwrap()
        .build();
    let (sp, slo) = (s(&ctx["sp_entity_id"]), s(&ctx["slo_url"]));
    let now = t(&s(&ctx["now"]));
    let mut e = LogoutExpectations::new(&sp, &slo);
    e.input = InputEncoding::Xml;
    let sent = SentLogout {
        id: s(&ctx["sent"]["id"]),
        issue_instant: t(&s(&ctx["sent"]["issue_instant"])),
        idp_entity_id: s(&ctx["sent"]["idp_entity_id"]),
    };
    let (sess_idp, sess_index, sess_name) = (
        s(&ctx["session"]["idp_entity_id"]),
        s(&ctx["session"]["session_index"]),
        s(&ctx["session"]["name_id"]),
    );
    let session = LogoutSession {
        idp_entity_id: &sess_idp,
        session_index: &sess_index,
        name_id: Some(&sess_name),
    };
    let tests = cases["tests"].as_array().unwrap();
    assert_eq!(tests.len() as u64, cases["numberOfTests"].as_u64().unwrap());
    let mut seen = 0;
    for case in tests {
        let id = case["tcId"].as_u64().unwrap();
        let message = s(&case["message"]);
        let mut xml = s(&cases["templates"][message.as_str()]);
        for edit in case["edits"].as_array().unwrap() {
            let (from, to) = (s(&edit[0]), s(&edit[1]));
            assert!(xml.contains(&from), "tcId {id}: edit not applicable");
            xml = xml.replace(&from, &to);
        }
        let cut = xml.find("</saml:Issuer>").unwrap() + "</saml:Issuer>".len();
        let (head, tail) = xml.split_at(cut);
        let signer_name = s(&case["signer"]);
        let field = if message == "LogoutResponse" {
            "SAMLResponse"
        } else {
            "SAMLRequest"
        };
        let message_id = xml
            .split("ID=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .unwrap()
            .to_owned();
        let redirect = s(&case["binding"]) == "redirect";
        let got: Result<()> = if redirect {
            let query = if signer_name == "none" {
                let deflated = miniz_oxide::deflate::compress_to_vec(xml.as_bytes(), 6);
                let b64 = base64::engine::general_purpose::STANDARD.encode(deflated);
                format!(
                    "{field}={}&RelayState=rs",
                    super::super::request::form_encode(&b64)
                )
            } else {
                idp_query(&signer_name, field, &xml)
            };
            if message == "LogoutResponse" {
                verify_logout_response_redirect(&registry, &query, &e, &sent, now).map(|_| ())
            } else {
                verify_logout_request_redirect(&registry, &query, &e, &session, now).map(|_| ())
            }
        } else {
            let doc = if signer_name == "none" {
                xml.clone()
            } else {
                sign(&signer_name, head, tail, &message_id)
            };
            if message == "LogoutResponse" {
                verify_logout_response(&registry, doc.as_bytes(), &e, &sent, now).map(|_| ())
            } else {
                verify_logout_request(&registry, doc.as_bytes(), &e, &session, now).map(|_| ())
            }
        };
        match (s(&case["result"]).as_str(), got) {
            ("valid", Ok(())) => {}
            ("invalid", Err(err)) => {
                if let Some(want) = case.get("expectedError") {
                    assert_eq!(err.code(), want.as_str().unwrap(), "tcId {id}");
                }
            }
            (want, got) => panic!("tcId {id}: wanted {want}, got {got:?}"),
        }
        seen += 1;
    }
    assert_eq!(seen, tests.len());
}

#[test]
fn what_slo_needs_of_the_login_and_the_metadata() {
    // The IdP's SingleLogoutService endpoints, from its metadata.
    let slo = registry().slo_endpoints(IDP).unwrap().to_vec();
    assert_eq!(slo.len(), 2);
    assert!(slo
        .iter()
        .all(|e| e.location == "https://idp.idbridge.test/spid/slo"));
    assert!(registry()
        .slo_endpoints("https://unknown.example")
        .is_none());
    // The NameID and SessionIndex of a verified login name the session.
    let xml = file("test-vectors/spid/responses/valid.xml");
    let mut e = crate::saml::Expectations::new(
        "https://sp.idbridge.test",
        "https://sp.idbridge.test/acs",
        "_idbr-spid-req-5f0e8c1a9d3b47e2a6c4",
    );
    e.input = InputEncoding::Xml;
    let v = crate::spid::verify_response(&registry(), &xml, &e, t("2026-03-01T10:00:30Z")).unwrap();
    assert_eq!(v.name_id(), "_d570da0489bb7345293362a11ebd6887");
    assert_eq!(
        v.session_index(),
        Some("_0a5a8fd2f6f1811609a8aa2cd53f75313bbab5a9")
    );
}

/// Truncated and byte-flipped messages (both bindings, both messages):
/// always an error with a code, never a panic.
#[test]
fn mangled_messages_are_refused_with_a_code() {
    let resp = response(&[], SUCCESS_STATUS);
    let req = idp_request(&[], NAME_AND_SESSION);
    let (h, tl) = response_halves(&[], SUCCESS_STATUS);
    let query = idp_query("rsa2048", "SAMLResponse", &format!("{h}{tl}"));
    let (h, tl) = idp_request_halves(&[], NAME_AND_SESSION);
    let rquery = idp_query("rsa2048", "SAMLRequest", &format!("{h}{tl}"));
    let step = |len: usize| (len / 300).max(1);
    let mut checked = 0;
    for flip in [false, true] {
        for cut in (0..resp.len()).step_by(step(resp.len())) {
            let mut bytes = resp.as_bytes()[..cut].to_vec();
            if flip && !bytes.is_empty() {
                let last = bytes.len() - 1;
                bytes[last] ^= 0x20;
            }
            let r = verify_logout_response(&registry(), &bytes, &exp(), &sent(), now());
            assert!(!r.unwrap_err().code().is_empty());
            checked += 1;
        }
        for cut in (0..req.len()).step_by(step(req.len())) {
            let mut bytes = req.as_bytes()[..cut].to_vec();
            if flip && !bytes.is_empty() {
                let last = bytes.len() - 1;
                bytes[last] ^= 0x20;
            }
            let r = verify_logout_request(&registry(), &bytes, &exp(), &session(), now());
            assert!(!r.unwrap_err().code().is_empty());
            checked += 1;
        }
    }
    for (q, is_response) in [(&query, true), (&rquery, false)] {
        for cut in (0..q.len()).step_by(step(q.len())) {
            // (Not "=": after a cut padding `%3D` it rebuilds the same
            // signature, which is then rightly accepted.)
            for tail in ["", "%", "%4", "&", "=x", "&Signature=", "&SigAlg="] {
                let mangled = format!("{}{tail}", &q[..cut]);
                let code = if is_response {
                    verify_logout_response_redirect(&registry(), &mangled, &exp(), &sent(), now())
                        .map(|_| ())
                } else {
                    verify_logout_request_redirect(&registry(), &mangled, &exp(), &session(), now())
                        .map(|_| ())
                };
                assert!(!code.unwrap_err().code().is_empty());
                checked += 1;
            }
        }
    }
    assert!(checked > 3000);
}
