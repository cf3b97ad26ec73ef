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

/// A measured value at a sensible precision for people: at most 7 significant digits and 4
/// decimals, without trailing zeros, so float noise never shows (198235.80000000002 →
/// "198235.8", 0.98765 → "0.9877", 10433.0 → "10433"). Infinite values are "never"'s
/// stand-in in comparisons and print as "inf".
pub fn decimal(x: f64) -> String {
    if !x.is_finite() {
        return if x.is_nan() {
            "NaN"
        } else if x > 0.0 {
            "inf"
        } else {
            "-inf"
        }
        .to_owned();
    }
    let magnitude = if x == 0.0 {
        0
    } else {
        x.abs().log10().floor() as i32
    };
    let decimals = (6 - magnitude).clamp(0, 4) as usize;
    let text = format!("{x:.decimals$}");
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.')
    } else {
        &text
    };
    // -0.00001 rounds to "-0".
    if text == "-0" {
        "0".to_owned()
    } else {
        text.to_owned()
    }
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

    #[test]
    fn decimals_without_float_noise() {
        assert_eq!(decimal(198_235.800_000_000_02), "198235.8");
        assert_eq!(decimal(10_433.0), "10433");
        assert_eq!(decimal(0.987_654_3), "0.9877");
        assert_eq!(decimal(0.642_5), "0.6425");
        assert_eq!(decimal(30.452_6), "30.4526");
        assert_eq!(decimal(1.0), "1");
        assert_eq!(decimal(0.0), "0");
        assert_eq!(decimal(-0.000_01), "0");
        assert_eq!(decimal(-2.5), "-2.5");
        assert_eq!(decimal(12_345_678.9), "12345679");
        assert_eq!(decimal(0.1 + 0.2), "0.3");
        assert_eq!(decimal(f64::INFINITY), "inf");
    }
}
