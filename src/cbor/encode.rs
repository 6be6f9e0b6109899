//! Encoding the few structures a verifier builds itself (Sig_structure,
//! MAC_structure, DeviceAuthentication, SessionTranscript), in preferred
//! serialization.

/// A CBOR writer: heads in their shortest form, contents as given.
#[derive(Debug, Default)]
pub(crate) struct Encoder {
    out: Vec<u8>,
}

impl Encoder {
    pub(crate) fn new() -> Encoder {
        Encoder::default()
    }

    fn head(&mut self, major: u8, arg: u64) -> &mut Self {
        let m = major << 5;
        if arg < 24 {
            self.out.push(m | arg as u8);
        } else if arg <= 0xff {
            self.out.extend_from_slice(&[m | 24, arg as u8]);
        } else if arg <= 0xffff {
            self.out.push(m | 25);
            self.out.extend_from_slice(&(arg as u16).to_be_bytes());
        } else if arg <= 0xffff_ffff {
            self.out.push(m | 26);
            self.out.extend_from_slice(&(arg as u32).to_be_bytes());
        } else {
            self.out.push(m | 27);
            self.out.extend_from_slice(&arg.to_be_bytes());
        }
        self
    }

    pub(crate) fn array(&mut self, len: usize) -> &mut Self {
        self.head(4, len as u64)
    }

    pub(crate) fn bytes(&mut self, b: &[u8]) -> &mut Self {
        self.head(2, b.len() as u64);
        self.out.extend_from_slice(b);
        self
    }

    pub(crate) fn text(&mut self, t: &str) -> &mut Self {
        self.head(3, t.len() as u64);
        self.out.extend_from_slice(t.as_bytes());
        self
    }

    pub(crate) fn tag(&mut self, tag: u64) -> &mut Self {
        self.head(6, tag)
    }

    pub(crate) fn null(&mut self) -> &mut Self {
        self.out.push(0xf6);
        self
    }

    /// An already encoded item, as is.
    pub(crate) fn raw(&mut self, item: &[u8]) -> &mut Self {
        self.out.extend_from_slice(item);
        self
    }

    pub(crate) fn finish(&mut self) -> Vec<u8> {
        core::mem::take(&mut self.out)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn heads_are_shortest() {
        let mut e = Encoder::new();
        e.array(3).bytes(&[0; 24]).text("a").tag(24).null();
        let out = e.finish();
        assert_eq!(&out[..3], &[0x83, 0x58, 24]);
        let mut e = Encoder::new();
        e.head(0, 0x1_0000);
        assert_eq!(e.finish(), vec![0x1a, 0, 1, 0, 0]);
    }
}
