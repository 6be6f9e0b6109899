//! Random bytes from the operating system.

use crate::error::{Error, ErrorKind, Result};

/// `N` bytes from the OS CSPRNG, or `store.random.unavailable`.
pub(crate) fn bytes<const N: usize>() -> Result<[u8; N]> {
    let mut buf = [0u8; N];
    getrandom::getrandom(&mut buf)
        .map_err(|e| Error::with_detail(ErrorKind::RandomUnavailable, e.to_string()))?;
    Ok(buf)
}
