//! Durations as written in scenarios: an integer and a unit (`s`, `m` minutes, `h`, `d`, `w`),
//! parts may combine ("1d 12h"), and a leading `-` makes a signed offset (clock skew only).
//!
//! Months and years are deliberately absent: "1M" is ambiguous (minute or month?) and
//! calendar months have no fixed length, so the scenario language does not offer them.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A signed span of simulated time in whole seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Duration(pub i64);

impl Duration {
    pub const fn secs(self) -> i64 {
        self.0
    }
}

/// Parses "90s", "15m", "2h", "7d", "2w", "1d 12h", "-5h".
pub fn parse(text: &str) -> Result<Duration, String> {
    let trimmed = text.trim();
    let (negative, body) = match trimmed.strip_prefix('-') {
        Some(rest) => (true, rest.trim_start()),
        None => (false, trimmed),
    };
    if body.is_empty() {
        return Err(format!(
            "empty duration {text:?}: write an integer and a unit s|m|h|d|w, e.g. \"7d\""
        ));
    }
    let mut total: i64 = 0;
    let mut rest = body;
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return Err(format!(
                "unreadable duration {text:?}: expected a number at {rest:?} (units: s, m, h, d, w)"
            ));
        }
        let value: i64 = rest[..digits]
            .parse()
            .map_err(|_| format!("duration {text:?} is too large"))?;
        rest = rest[digits..].trim_start();
        let unit_len = rest.chars().take_while(char::is_ascii_alphabetic).count();
        let unit = &rest[..unit_len];
        let scale = match unit {
            "s" => 1,
            "m" => 60,
            "h" => 3_600,
            "d" => 86_400,
            "w" => 604_800,
            "" => {
                return Err(format!(
                    "duration {text:?} lacks a unit after {value}: use s, m (minutes), h, d or w"
                ));
            }
            other => {
                return Err(format!(
                    "unknown unit {other:?} in duration {text:?}: use s, m (minutes), h, d or w \
                     (months and years are not offered: their length is not fixed)"
                ));
            }
        };
        total = value
            .checked_mul(scale)
            .and_then(|part| total.checked_add(part))
            .ok_or_else(|| format!("duration {text:?} is too large"))?;
        rest = rest[unit_len..].trim_start();
    }
    Ok(Duration(if negative { -total } else { total }))
}

impl fmt::Display for Duration {
    /// The shortest exact spelling in the scenario language, e.g. "1d 12h".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut left = self.0.unsigned_abs();
        if self.0 < 0 {
            f.write_str("-")?;
        }
        if left == 0 {
            return f.write_str("0s");
        }
        let mut first = true;
        for (unit, scale) in [("d", 86_400u64), ("h", 3_600), ("m", 60), ("s", 1)] {
            if left >= scale {
                if !first {
                    f.write_str(" ")?;
                }
                write!(f, "{}{unit}", left / scale)?;
                left %= scale;
                first = false;
            }
        }
        Ok(())
    }
}

/// Written back as the user writes it ("1d 12h"), so a scenario survives a round trip
/// through another serde format (`actsim sweep` edits scenarios that way).
impl Serialize for Duration {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Duration {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_and_combinations() {
        assert_eq!(parse("90s"), Ok(Duration(90)));
        assert_eq!(parse("15m"), Ok(Duration(900)));
        assert_eq!(parse("2h"), Ok(Duration(7_200)));
        assert_eq!(parse("7d"), Ok(Duration(604_800)));
        assert_eq!(parse("2w"), Ok(Duration(1_209_600)));
        assert_eq!(parse("1d 12h"), Ok(Duration(129_600)));
        assert_eq!(parse("1d12h"), Ok(Duration(129_600)));
        assert_eq!(parse("-5h"), Ok(Duration(-18_000)));
        assert_eq!(parse("0s"), Ok(Duration(0)));
    }

    #[test]
    fn refuses_what_is_not_a_duration() {
        for bad in [
            "",
            "-",
            "7",
            "7x",
            "1M",
            "1y",
            "d",
            "1.5d",
            "99999999999999999999d",
            "7d x",
        ] {
            assert!(parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn displays_the_shortest_exact_spelling() {
        assert_eq!(Duration(129_600).to_string(), "1d 12h");
        assert_eq!(Duration(-18_000).to_string(), "-5h");
        assert_eq!(Duration(0).to_string(), "0s");
        assert_eq!(Duration(90).to_string(), "1m 30s");
    }
}
