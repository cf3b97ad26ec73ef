//! Numbers as people read them in messages and reports.

/// 7200 → "7,200".
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A GUID (`08c3bda0-c556-4b61-9e4e-7bf6d4df80be`, braces optional, any case) as a number.
pub fn parse_guid(text: &str) -> Option<u128> {
    let t = text.trim();
    let t = t
        .strip_prefix('{')
        .and_then(|s| s.strip_suffix('}'))
        .unwrap_or(t);
    let b = t.as_bytes();
    if b.len() != 36 || [8, 13, 18, 23].iter().any(|&i| b.get(i) != Some(&b'-')) {
        return None;
    }
    let mut value = 0u128;
    for (i, &c) in b.iter().enumerate() {
        if matches!(i, 8 | 13 | 18 | 23) {
            continue;
        }
        value = value << 4 | u128::from((c as char).to_digit(16)?);
    }
    Some(value)
}

/// A GUID in the logs' form: lower case, no braces.
pub fn format_guid(g: u128) -> String {
    let h = format!("{g:032x}");
    let part = |r: std::ops::Range<usize>| h.get(r).unwrap_or_default();
    format!(
        "{}-{}-{}-{}-{}",
        part(0..8),
        part(8..12),
        part(12..16),
        part(16..20),
        part(20..32)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_separated() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(7_200), "7,200");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
