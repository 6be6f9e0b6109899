//! Escaping untrusted text for XML and HTML.

/// Whether `c` is written as a visible `\u{..}` escape rather than as
/// itself: control characters but tab and line feed (XML 1.0 cannot hold
/// most of them, and a terminal or page must not act on any), the
/// bidirectional formatting characters (they reorder what a reader sees),
/// and the non-characters U+FFFE and U+FFFF (not XML characters).
fn hidden(c: char) -> bool {
    (c.is_control() && c != '\t' && c != '\n')
        || matches!(
            c,
            '\u{061C}'
                | '\u{200E}'
                | '\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2066}'..='\u{2069}'
                | '\u{FFFE}'
                | '\u{FFFF}'
        )
}

/// `s` escaped for XML or HTML text content.
pub(crate) fn text(s: &str) -> String {
    escape(s, false)
}

/// `s` escaped for a double- or single-quoted XML or HTML attribute value
/// (tab and line feed as character references, so no parser folds them).
pub(crate) fn attr(s: &str) -> String {
    escape(s, true)
}

fn escape(s: &str, in_attribute: bool) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' if in_attribute => out.push_str("&#10;"),
            '\t' if in_attribute => out.push_str("&#9;"),
            c if hidden(c) => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{attr, text};

    #[test]
    fn markup_and_invisible_characters_are_escaped() {
        assert_eq!(
            text("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
        assert_eq!(
            text("a\u{0}b\u{1b}c\rd\u{7f}"),
            "a\\u{0}b\\u{1b}c\\u{d}d\\u{7f}"
        );
        assert_eq!(
            text("x\u{202e}y\u{2066}z\u{fffe}"),
            "x\\u{202e}y\\u{2066}z\\u{fffe}"
        );
        assert_eq!(text("tab\tline\n"), "tab\tline\n");
        assert_eq!(attr("tab\tline\n]]>"), "tab&#9;line&#10;]]&gt;");
        assert_eq!(text("JÕEORG ✓"), "JÕEORG ✓");
    }
}
