//! Code lookup for large vendors: an open-addressing table laid out by the generator.
//!
//! A string `match` over thousands of codes takes minutes to compile, so for
//! large vendors the generator emits a slot table instead. It hashes every
//! code with [`hash`] (FNV-1a, the same function the generator runs) and places
//! each code's index in the first free slot from `hash & (len - 1)`. Lookup
//! probes from the same slot until it finds the code or an empty slot.

/// Marks an empty slot.
pub const EMPTY: u32 = u32::MAX;

/// 64-bit FNV-1a of `bytes`.
pub const fn hash(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut i = 0;
    while i < bytes.len() {
        h ^= bytes[i] as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
        i += 1;
    }
    h
}

/// The index of `code` in `codes`, using `slots` (a power-of-two table of indices or [`EMPTY`]).
pub fn find(slots: &[u32], codes: &[&str], code: &str) -> Option<usize> {
    if slots.is_empty() {
        return None;
    }
    let mask = slots.len() - 1;
    let mut at = (hash(code.as_bytes()) as usize) & mask;
    for _ in 0..slots.len() {
        let slot = slots[at];
        if slot == EMPTY {
            return None;
        }
        let index = slot as usize;
        if codes.get(index).is_some_and(|c| *c == code) {
            return Some(index);
        }
        at = (at + 1) & mask;
    }
    None
}

/// What a lookup gives for a code it does not know: `unknown(code.to_owned())`.
///
/// Out of line and cold, so a lookup that finds its code neither carries the
/// allocation a miss needs nor saves registers for it.
#[cold]
#[inline(never)]
pub fn miss<C>(code: &str, unknown: impl FnOnce(String) -> C) -> C {
    unknown(code.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout(codes: &[&str]) -> Vec<u32> {
        let len = (codes.len() * 2).next_power_of_two();
        let mut slots = vec![EMPTY; len];
        for (i, c) in codes.iter().enumerate() {
            let mut at = (hash(c.as_bytes()) as usize) & (len - 1);
            while slots[at] != EMPTY {
                at = (at + 1) & (len - 1);
            }
            slots[at] = i as u32;
        }
        slots
    }

    #[test]
    fn fnv1a_matches_the_reference_values() {
        assert_eq!(hash(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(hash(b"a"), 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn finds_every_code_and_nothing_else() {
        let codes: Vec<String> = (0..1000).map(|i| format!("CODE_{i}")).collect();
        let refs: Vec<&str> = codes.iter().map(String::as_str).collect();
        let slots = layout(&refs);
        for (i, c) in refs.iter().enumerate() {
            assert_eq!(find(&slots, &refs, c), Some(i));
        }
        assert_eq!(find(&slots, &refs, "CODE_1000"), None);
        assert_eq!(find(&slots, &refs, ""), None);
        assert_eq!(find(&[], &refs, "CODE_1"), None);
    }

    #[test]
    fn a_full_table_terminates() {
        let slots = [0u32, 1];
        assert_eq!(find(&slots, &["a", "b"], "c"), None);
    }
}
