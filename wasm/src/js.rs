//! Conversions between JavaScript values and idbridge's inputs and errors.

#[cfg(any(
    feature = "saml",
    feature = "webeid",
    feature = "oidc",
    feature = "sdjwt",
    feature = "mobileid",
    feature = "smartid",
    feature = "icao"
))]
use js_sys::Object;
use js_sys::Reflect;
use wasm_bindgen::prelude::*;
#[cfg(any(
    feature = "saml",
    feature = "webeid",
    feature = "oidc",
    feature = "sdjwt",
    feature = "mobileid",
    feature = "smartid",
    feature = "icao"
))]
use wasm_bindgen::JsCast;

/// An `Error` named `IdbridgeError` carrying the stable code of `e`.
pub(crate) fn to_js(e: &idbridge::Error) -> JsValue {
    js_error(e.code(), &e.to_string())
}

/// An `Error` named `IdbridgeError` with `.code = code`.
pub(crate) fn js_error(code: &str, message: &str) -> JsValue {
    let err = js_sys::Error::new(message);
    err.set_name("IdbridgeError");
    // Setting a property on a fresh Error object cannot fail.
    let _ = Reflect::set(&err, &JsValue::from_str("code"), &JsValue::from_str(code));
    err.into()
}

/// `config.invalid` with `why`.
pub(crate) fn config(why: &str) -> JsValue {
    js_error("config.invalid", why)
}

#[cfg(any(
    feature = "saml",
    feature = "webeid",
    feature = "oidc",
    feature = "sdjwt",
    feature = "mobileid",
    feature = "smartid",
    feature = "icao"
))]
/// `obj[key]`, `undefined` when absent or when `obj` is not an object.
pub(crate) fn get(obj: &JsValue, key: &str) -> JsValue {
    if !obj.is_object() {
        return JsValue::UNDEFINED;
    }
    Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

#[cfg(any(
    feature = "saml",
    feature = "webeid",
    feature = "oidc",
    feature = "sdjwt",
    feature = "mobileid",
    feature = "smartid",
    feature = "icao"
))]
/// Whether `v` is `undefined` or `null`.
pub(crate) fn absent(v: &JsValue) -> bool {
    v.is_undefined() || v.is_null()
}

#[cfg(any(
    feature = "saml",
    feature = "webeid",
    feature = "oidc",
    feature = "sdjwt",
    feature = "mobileid",
    feature = "smartid",
    feature = "icao"
))]
/// Refuses an options object that is not an object or that names an
/// option this function does not know: a misspelt or misplaced setting
/// (say, trust anchors in the options) must not be silently ignored.
pub(crate) fn check_options(options: &JsValue, known: &[&str]) -> Result<(), JsValue> {
    if !options.is_object() || js_sys::Array::is_array(options) {
        return Err(config(&format!(
            "options must be an object, not {}",
            describe(options)
        )));
    }
    for key in Object::keys(options.unchecked_ref::<Object>()).iter() {
        let key = key.as_string().unwrap_or_default();
        if !known.contains(&key.as_str()) {
            return Err(config(&format!(
                "unknown option {key:?} (known: {})",
                known.join(", ")
            )));
        }
    }
    Ok(())
}

#[cfg(any(
    feature = "saml",
    feature = "webeid",
    feature = "oidc",
    feature = "sdjwt",
    feature = "mobileid",
    feature = "smartid",
    feature = "icao"
))]
/// A string option.
pub(crate) fn string(options: &JsValue, key: &str) -> Result<String, JsValue> {
    get(options, key)
        .as_string()
        .ok_or_else(|| config(&format!("options.{key} must be a string")))
}

#[cfg(any(feature = "mdoc", feature = "mobileid", feature = "smartid"))]
/// The certificates of `options[key]`: an array of at least one (PEM text
/// or DER bytes each). An empty list is `config.invalid`, as
/// `verifyIcaoSod`'s is: nothing could ever verify against it, and that is
/// the caller's configuration, not the response's fault.
pub(crate) fn certificates(options: &JsValue, key: &str) -> Result<Vec<Vec<u8>>, JsValue> {
    let list = get(options, key);
    if !js_sys::Array::is_array(&list) {
        return Err(config(&format!(
            "options.{key} must be an array of certificates, not {}",
            describe(&list)
        )));
    }
    let what = format!("options.{key}[i]");
    let certs = js_sys::Array::from(&list)
        .iter()
        .map(|c| bytes_of(&c, &what))
        .collect::<Result<Vec<_>, _>>()?;
    if certs.is_empty() {
        return Err(config(&format!(
            "options.{key} holds no certificate: nothing could verify against it"
        )));
    }
    Ok(certs)
}

#[cfg(any(
    feature = "saml",
    feature = "webeid",
    feature = "oidc",
    feature = "sdjwt",
    feature = "mobileid",
    feature = "smartid",
    feature = "icao"
))]
/// Bytes from a `Uint8Array` (copied) or a string (its UTF-8).
pub(crate) fn bytes_of(v: &JsValue, what: &str) -> Result<Vec<u8>, JsValue> {
    if let Some(s) = v.as_string() {
        Ok(s.into_bytes())
    } else if v.is_instance_of::<js_sys::Uint8Array>() {
        Ok(js_sys::Uint8Array::new(v).to_vec())
    } else {
        Err(config(&format!(
            "{what} must be a Uint8Array or a string, not {}",
            describe(v)
        )))
    }
}

#[cfg(any(
    feature = "saml",
    feature = "webeid",
    feature = "oidc",
    feature = "sdjwt",
    feature = "mobileid",
    feature = "smartid",
    feature = "icao"
))]
/// `now` as a `Date` or an RFC 3339 string: never an implicit clock. A
/// string that is no RFC 3339 time (a date alone, no offset) is
/// `config.invalid` naming the option, as a wrong type is.
pub(crate) fn time_of(v: &JsValue, what: &str) -> Result<idbridge::UnixTime, JsValue> {
    if let Some(s) = v.as_string() {
        return idbridge::UnixTime::parse_rfc3339(&s).map_err(|e| {
            config(&format!(
                "{what} {s:?} is not an RFC 3339 time with an offset, e.g. \
                 \"2026-05-01T00:00:00Z\" ({})",
                e.reason()
            ))
        });
    }
    if v.is_instance_of::<js_sys::Date>() {
        let ms = js_sys::Date::from(v.clone()).get_time();
        if ms.is_finite() {
            return Ok(idbridge::UnixTime::from_unix_seconds(
                (ms / 1000.0).floor() as i64
            ));
        }
    }
    Err(config(&format!(
        "{what} must be a Date or an RFC 3339 string"
    )))
}

#[cfg(any(feature = "saml", feature = "oidc", feature = "sdjwt"))]
/// `options.clockSkewSeconds`: whole seconds from 0 to the library's
/// maximum (`ClockSkew::MAX_SECS`, 24 h), 0 when absent.
pub(crate) fn skew_seconds(options: &JsValue) -> Result<u32, JsValue> {
    let v = get(options, "clockSkewSeconds");
    if absent(&v) {
        return Ok(0);
    }
    let max = idbridge::ClockSkew::MAX_SECS;
    match v.as_f64() {
        Some(s) if (0.0..=f64::from(max)).contains(&s) && s.fract() == 0.0 => Ok(s as u32),
        _ => Err(config(&format!(
            "options.clockSkewSeconds must be whole seconds from 0 to {max} (24 h), not {}",
            // Whole numbers as integers; no float formatting, whose code
            // alone was 10 KB of the SAML-only package.
            match v.as_f64() {
                Some(n) if n.fract() == 0.0 && n.abs() < 1e15 => (n as i64).to_string(),
                Some(n) if n.is_nan() => "NaN".into(),
                Some(n) if n.is_infinite() => if n > 0.0 { "Infinity" } else { "-Infinity" }.into(),
                Some(_) => "a fractional number".into(),
                None => describe(&v),
            }
        ))),
    }
}

/// What a value is, for an error message (`typeof`, with `null`, arrays
/// and class names told apart).
pub(crate) fn describe(v: &JsValue) -> String {
    if v.is_null() {
        return "null".into();
    }
    if js_sys::Array::is_array(v) {
        return "an array".into();
    }
    if v.is_object() {
        let name = Reflect::get(v, &JsValue::from_str("constructor"))
            .ok()
            .and_then(|c| Reflect::get(&c, &JsValue::from_str("name")).ok())
            .and_then(|n| n.as_string())
            .unwrap_or_default();
        return if name.is_empty() || name == "Object" {
            "a plain object".into()
        } else {
            format!("a {name}")
        };
    }
    v.js_typeof()
        .as_string()
        .unwrap_or_else(|| "a value".into())
}

/// A string argument: `config.invalid` for anything else.
pub(crate) fn string_arg(v: &JsValue, what: &str) -> Result<String, JsValue> {
    v.as_string()
        .ok_or_else(|| config(&format!("{what} must be a string, not {}", describe(v))))
}

/// Bytes from a `Uint8Array` (a Node `Buffer` is one), copied: binary
/// inputs take no strings, whose encoding would be a guess.
pub(crate) fn u8_array(v: &JsValue, what: &str) -> Result<Vec<u8>, JsValue> {
    if v.is_instance_of::<js_sys::Uint8Array>() {
        Ok(js_sys::Uint8Array::new(v).to_vec())
    } else {
        Err(config(&format!(
            "{what} must be a Uint8Array, not {}",
            describe(v)
        )))
    }
}

/// An array of strings, or `None` for `undefined`/`null`.
pub(crate) fn optional_strings(v: &JsValue, what: &str) -> Result<Option<Vec<String>>, JsValue> {
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    let bad = || {
        config(&format!(
            "{what} must be an array of strings, not {}",
            describe(v)
        ))
    };
    if !js_sys::Array::is_array(v) {
        return Err(bad());
    }
    js_sys::Array::from(v)
        .iter()
        .map(|x| x.as_string().ok_or_else(bad))
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

/// A serializable value as a plain JS object (through JSON: no reference
/// to WASM memory survives).
pub(crate) fn to_plain<T: serde::Serialize>(value: &T) -> Result<JsValue, JsValue> {
    let json = serde_json::to_string(value).map_err(|e| config(&e.to_string()))?;
    js_sys::JSON::parse(&json)
}

/// A JWK Set or JWK given as JSON text, UTF-8 bytes or a parsed object.
#[cfg(any(feature = "oidc", feature = "sdjwt"))]
pub(crate) fn json_bytes(v: &JsValue, what: &str) -> Result<Vec<u8>, JsValue> {
    if v.as_string().is_some() || v.is_instance_of::<js_sys::Uint8Array>() {
        return bytes_of(v, what);
    }
    if v.is_object() && !js_sys::Array::is_array(v) {
        let text = js_sys::JSON::stringify(v)
            .map_err(|_| config(&format!("{what} cannot be written as JSON")))?;
        return Ok(String::from(text).into_bytes());
    }
    Err(config(&format!(
        "{what} must be JSON text, a Uint8Array or an object, not {}",
        describe(v)
    )))
}

/// An optional boolean option (default false).
#[cfg(any(feature = "oidc", feature = "sdjwt"))]
pub(crate) fn flag(options: &JsValue, key: &str) -> Result<bool, JsValue> {
    let v = get(options, key);
    if absent(&v) {
        return Ok(false);
    }
    v.as_bool()
        .ok_or_else(|| config(&format!("options.{key} must be a boolean")))
}

/// An optional non-negative integer option.
#[cfg(any(feature = "oidc", feature = "sdjwt"))]
pub(crate) fn count(options: &JsValue, key: &str) -> Result<Option<u64>, JsValue> {
    let v = get(options, key);
    if absent(&v) {
        return Ok(None);
    }
    match v.as_f64() {
        Some(n) if n >= 0.0 && n.fract() == 0.0 && n <= 4_294_967_295.0 => Ok(Some(n as u64)),
        _ => Err(config(&format!(
            "options.{key} must be a non-negative integer, not {}",
            describe(&v)
        ))),
    }
}
