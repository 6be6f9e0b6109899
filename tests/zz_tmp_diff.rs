#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
#[allow(dead_code)]
#[path = "../src/xml/c14n.rs"]
mod c14n_source;
#[allow(dead_code)]
#[path = "../src/xml/parse.rs"]
mod parse_source;
mod xml {
    pub(crate) use super::c14n_source as c14n;
    pub(crate) use super::parse_source as parse;
}
#[allow(unused_imports)]
use idbridge::{Error, ErrorCode, Limits, Result};

#[test]
fn random_differential() {
    let (mut ok, mut bad, mut both_err, mut we_refuse) = (0, 0, 0, 0);
    for i in 0..4000 {
        let xml = format!("/tmp/diff/{i}.xml");
        let Ok(text) = std::fs::read_to_string(&xml) else {
            continue;
        };
        let meta: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(format!("/tmp/diff/{i}.json")).unwrap())
                .unwrap();
        let doc = match xml::parse::parse(&text, &Limits::default()) {
            Ok(d) => d,
            Err(e) => {
                we_refuse += 1;
                if we_refuse < 5 {
                    println!("{i}: parse refused {e}: {text:?}");
                }
                continue;
            }
        };
        let apex = match meta["apex_index"].as_u64() {
            None => doc.root(),
            Some(k) => doc
                .descendants()
                .filter(|n| n.is_element())
                .nth(k as usize)
                .unwrap(),
        };
        let prefixes: Vec<&str> = meta["prefixes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_str().unwrap())
            .collect();
        let opts = xml::c14n::Options {
            with_comments: meta["with_comments"].as_bool().unwrap(),
            inclusive_prefixes: &prefixes,
            exclude: None,
        };
        let ours = xml::c14n::to_vec(apex, &opts);
        if meta["error"].as_bool().unwrap() {
            if ours.is_err() {
                both_err += 1
            } else {
                bad += 1;
                println!("{i}: libxml2 failed, we did not")
            }
            continue;
        }
        let theirs = std::fs::read(format!("/tmp/diff/{i}.out")).unwrap();
        match ours {
            Ok(o) if o == theirs => ok += 1,
            Ok(o) => {
                bad += 1;
                if bad < 8 {
                    println!(
                        "{i}: DIFF\n in:   {text}\n ours: {}\n libx: {}\n meta {meta}",
                        String::from_utf8_lossy(&o),
                        String::from_utf8_lossy(&theirs)
                    );
                }
            }
            Err(e) => {
                bad += 1;
                println!("{i}: we failed {e}");
            }
        }
    }
    println!("ok {ok} bad {bad} both_err {both_err} refused {we_refuse}");
    assert_eq!(bad, 0);
}
