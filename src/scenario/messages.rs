//! RON's syntax errors in the user's words: which field, what was given, what is allowed.
//!
//! RON reports what its parser expected ("Expected string", "Found invalid std identifier
//! "3"") at a position. The field is the nearest `name:` before that position, the value is
//! the text there; from those, and the kind of value each field takes, the message says
//! what a scenario author needs to know.

/// The named values a field takes, for fields whose value is a bare name.
fn named_values(field: &str) -> Option<&'static str> {
    Some(match field {
        "state" => {
            "Grace, Licensed, OotGrace, Notification, Offline (Windows) or NoKey, Active, \
             ActiveWithReserve, Expired (Kaspersky)"
        }
        "pool" => "Windows, Office",
        "srv_update" => "CreatorOnly, AnyHost",
        "image" => "Generalized, Cloned",
        "os" => "Server, Client",
        "keys" | "group" => "ClientVl, ServerA, ServerB, ServerC, Office",
        "discovery" => "Dns, Static(\"host\")",
        _ => return None,
    })
}

/// Fields whose value is a duration (a quoted number and unit).
fn is_duration(field: &str) -> bool {
    matches!(
        field,
        "duration"
            | "sample_every"
            | "at"
            | "by"
            | "from"
            | "within"
            | "over"
            | "start_at"
            | "replication_delay"
            | "scavenging"
            | "age_up_to"
            | "delay"
            | "valid_for"
            | "valid_from"
            | "mean_on"
            | "mean_off"
            | "clock_skew"
            | "validity"
            | "grace"
            | "oot_grace"
            | "cmid_retention"
            | "adba_validity"
            | "ksc_sync_interval"
            | "ksc_expiry_warning"
    ) || field.ends_with("_interval")
}

/// What an enum of the schema is called in messages: the user never writes the enum's own
/// name, only its variants.
fn variant_kind(enum_name: &str) -> &'static str {
    match enum_name {
        "Action" => "timeline action",
        "Expect" => "expectation",
        "StateName" => "state",
        "Activation" => "activation method",
        "KeyGroup" => "key group",
        "Pool" => "pool",
        "HostOs" => "host OS",
        "Image" => "image",
        "Initial" => "initial state",
        "Arrival" => "arrival",
        "Online" => "online schedule",
        "Discovery" => "discovery",
        "MakMode" => "MAK mode",
        "Port" => "port",
        "SrvUpdate" => "SRV permission",
        "KeySource" => "key source",
        "KscManaged" => "Kaspersky management",
        _ => "variant",
    }
}

/// The first name in backticks after `marker` in RON's message.
fn quoted_after<'a>(raw: &'a str, marker: &str) -> Option<&'a str> {
    let rest = &raw[raw.find(marker)? + marker.len()..];
    let start = rest.find('`')? + 1;
    let len = rest[start..].find('`')?;
    Some(&rest[start..start + len])
}

/// The names in backticks that RON lists after "expected".
fn expected_names(raw: &str) -> Vec<&str> {
    raw.find(", expected")
        .map(|i| raw[i..].split('`').skip(1).step_by(2).collect())
        .unwrap_or_default()
}

/// RON's "Unexpected field named `onlin` in `Fleet`, expected one of ..." and "Unexpected
/// variant named `Broken` in enum `StateName`, expected one of ...", in the user's words:
/// what is unknown, the nearest valid name, and every valid one.
fn unknown_name(raw: &str) -> Option<String> {
    let (written, message) = if let Some(field) = quoted_after(raw, "Unexpected field named") {
        let owner = quoted_after(raw, " in ").unwrap_or("this structure");
        (field, format!("{owner} has no field `{field}`"))
    } else {
        let variant = quoted_after(raw, "Unexpected variant named")?;
        let kind = variant_kind(quoted_after(raw, "in enum").unwrap_or_default());
        (variant, format!("unknown {kind} `{variant}`"))
    };
    let valid = expected_names(raw);
    let mut out = message;
    if let Some(near) = super::check::nearest(written, valid.iter().copied()) {
        out.push_str(&format!("; did you mean `{near}`?"));
    }
    let listed = match quoted_after(raw, "in enum") {
        Some("StateName") => named_values("state").unwrap_or_default().to_owned(),
        _ => valid.join(", "),
    };
    if !listed.is_empty() {
        out.push_str(&format!(" (valid: {listed})"));
    }
    Some(out)
}

/// The name of the innermost structure or variant open at byte `offset` (`Ramp` in
/// `Ramp(start: 0`), if any.
fn enclosing(source: &str, offset: usize) -> Option<&str> {
    let before = source.get(..offset)?;
    let mut depth = 0usize;
    for (i, c) in before.char_indices().rev() {
        match c {
            ')' | ']' => depth += 1,
            '(' | '[' if depth > 0 => depth -= 1,
            '(' => {
                return Some(trailing_identifier(&before[..i])).filter(|n| !n.is_empty());
            }
            '[' => return None,
            _ => {}
        }
    }
    None
}

/// The field being written at byte `offset` of `source`: the last `name:` before it.
fn field_at(source: &str, offset: usize) -> Option<&str> {
    let before = source.get(..offset)?;
    let colon = before.rfind(':')?;
    let name = trailing_identifier(&before[..colon]);
    (!name.is_empty()).then_some(name)
}

/// The identifier ending `text` (after trailing blanks), or "". Counted in whole
/// characters: the text before it may hold any Unicode, including characters that are
/// neither letters nor digits and take several bytes (found by fuzzing, twice).
fn trailing_identifier(text: &str) -> &str {
    let head = text.trim_end();
    let len: usize = head
        .chars()
        .rev()
        .take_while(|&c| c.is_alphanumeric() || c == '_')
        .map(char::len_utf8)
        .sum();
    &head[head.len() - len..]
}

/// The value written at byte `offset`: up to the next `,`, `)` or `]`.
fn value_at(source: &str, offset: usize) -> &str {
    let rest = source.get(offset..).unwrap_or_default();
    let end = rest.find([',', ')', ']', '\n']).unwrap_or(rest.len());
    let value = rest[..end].trim();
    // At most 40 characters of it.
    match value.char_indices().nth(40) {
        Some((cut, _)) => &value[..cut],
        None => value,
    }
}

/// Byte offset of 1-based `line`, `column` (characters) in `source`.
fn offset(source: &str, line: usize, column: usize) -> usize {
    let line_start = source
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum::<usize>();
    let in_line = source.get(line_start..).unwrap_or_default();
    line_start
        + in_line
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(in_line.len(), |(i, _)| i)
}

/// RON's message `raw` at `line`:`column` of `source`, in the user's words.
pub fn explain(source: &str, line: usize, column: usize, raw: &str) -> String {
    let at = offset(source, line, column);
    // RON points at the value, or just after a number it could not read: step back over
    // the token to its start.
    let token_start = source
        .get(..at)
        .and_then(|b| b.rfind([':', '(', '[', ',']))
        .map_or(at, |i| {
            i + 1 + source[i + 1..at].len() - source[i + 1..at].trim_start().len()
        });
    let rest = source.get(at..).unwrap_or_default().trim_end();
    if !rest.contains(['\n', ')', ']', ',']) {
        return format!(
            "the file ends before the scenario is complete (a missing `)` or `]`?): {}",
            raw.to_lowercase()
        );
    }
    if raw.starts_with("Expected opening `(` for struct `Scenario`") {
        return "this is not a scenario: a scenario file is `Scenario(` … `)` (after comments)"
            .to_owned();
    }
    if let Some(message) = unknown_name(raw) {
        return message;
    }
    let Some(field) = field_at(source, token_start) else {
        return raw.to_owned();
    };
    let value = value_at(source, token_start);
    let number = !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '-' | '+' | '.' | 'e' | 'E' | '_'));
    let within = enclosing(source, token_start);
    // `start` is a date in `Scenario` and a duration in `Ramp`.
    let duration = is_duration(field) || (field == "start" && within == Some("Ramp"));
    if raw.starts_with("Found invalid std identifier") || raw.starts_with("Expected identifier") {
        if let Some(allowed) = named_values(field) {
            return format!("{field}: expected one of {allowed}, got {value}");
        }
        if let Some(variant) = within.filter(|_| number) {
            return format!(
                "{field}: `{variant}(...)` takes named fields, written `name: value`; got {value}"
            );
        }
    }
    if raw.starts_with("Expected boolean") {
        return format!("{field}: expected true or false, got {value}");
    }
    if raw.starts_with("Expected string") || (number && duration) {
        if duration {
            return format!(
                "{field}: a duration is a quoted number and unit, like \"180d\" or \"1d 12h\" \
                 (units s, m, h, d, w); got {value}"
            );
        }
        return format!("{field}: expected text in double quotes, got {value}");
    }
    if raw.starts_with("Expected integer") {
        return format!("{field}: expected a whole number, got {value}");
    }
    if raw.contains("out of bounds") || raw.contains("Invalid digit") {
        return format!("{field}: expected a whole number of at least 0, got {value}");
    }
    if number && value.contains('.') && raw.starts_with("Expected comma") {
        return format!("{field}: expected a whole number, got {value}");
    }
    if raw.starts_with("Expected") && number {
        return format!("{field}: {}; got {value}", raw.to_lowercase());
    }
    format!("{raw} (in {field})")
}

#[cfg(test)]
mod tests {
    use super::{enclosing, explain, trailing_identifier};

    fn at(source: &str, needle: &str) -> (usize, usize) {
        let i = source.find(needle).unwrap();
        let line = source[..i].matches('\n').count() + 1;
        let col = source[..i].rsplit('\n').next().unwrap().chars().count() + 1;
        (line, col)
    }

    #[test]
    fn messages_name_the_field_and_what_is_allowed() {
        let s = "Fleet(count: 3, x: NoneIn(state: 3))";
        let (l, c) = at(s, "3)");
        let m = explain(
            s,
            l,
            c,
            "Found invalid std identifier \"3\", try the raw identifier `r#3` instead",
        );
        assert!(
            m.starts_with("state: expected one of Grace, Licensed"),
            "{m}"
        );
        let s = "Fleet(count: -1)";
        let (l, c) = at(s, "-1");
        assert_eq!(
            explain(s, l, c, "Integer is out of bounds"),
            "count: expected a whole number of at least 0, got -1"
        );
        let s = "Fleet(count: 1.5)";
        let (l, c) = at(s, ".5");
        assert_eq!(
            explain(s, l, c, "Expected comma"),
            "count: expected a whole number, got 1.5"
        );
        let s = "X(by: 1)";
        let (l, c) = at(s, "1)");
        assert!(explain(s, l, c, "Expected string").starts_with("by: a duration is a quoted"));
        let s = "Fleet(arrival: Ramp(start: 0, over: \"1d\"))";
        let (l, c) = at(s, "0,");
        assert!(
            explain(s, l, c, "Expected string").starts_with("start: a duration is a quoted"),
            "{}",
            explain(s, l, c, "Expected string")
        );
        let s = "Fleet(host_caching: \"no\")";
        let (l, c) = at(s, "\"no");
        assert_eq!(
            explain(s, l, c, "Expected boolean"),
            "host_caching: expected true or false, got \"no\""
        );
        let s = "Fleet(online: Daily(9))";
        let (l, c) = at(s, "9)");
        assert_eq!(
            explain(
                s,
                l,
                c,
                "Found invalid std identifier \"9\", try the raw identifier `r#9` instead"
            ),
            "online: `Daily(...)` takes named fields, written `name: value`; got 9"
        );
    }

    #[test]
    fn unknown_fields_and_variants_name_the_nearest_valid_one() {
        let s = "Fleet(onlin: Always)";
        let (l, c) = at(s, "onlin");
        assert_eq!(
            explain(
                s,
                l,
                c,
                "Unexpected field named `onlin` in `Fleet`, expected one of `name`, `online`, \
                 or `image` instead"
            ),
            "Fleet has no field `onlin`; did you mean `online`? (valid: name, online, image)"
        );
        let s = "X(do: HostRestrat(\"kms1\"))";
        let (l, c) = at(s, "HostRestrat");
        assert_eq!(
            explain(
                s,
                l,
                c,
                "Unexpected variant named `HostRestrat` in enum `Action`, expected one of \
                 `HostDown`, `HostRestart` instead"
            ),
            "unknown timeline action `HostRestrat`; did you mean `HostRestart`? (valid: \
             HostDown, HostRestart)"
        );
        let s = "X(state: Broken)";
        let (l, c) = at(s, "Broken");
        let m = explain(
            s,
            l,
            c,
            "Unexpected variant named `Broken` in enum `StateName`, expected one of `Grace` \
             instead",
        );
        assert!(
            m.starts_with("unknown state `Broken` (valid: Grace, Licensed, OotGrace"),
            "{m}"
        );
    }

    /// Found by the fuzzer: a field name read back over non-ASCII text cut a character in
    /// two and panicked.
    #[test]
    fn non_ascii_text_before_an_error_does_not_panic() {
        let s = "Domain(name: \"co\u{38a}\u{38b}ns_site: \"hq\")";
        let (l, c) = at(s, "hq");
        assert!(explain(s, l, c, "Expected comma").contains("Expected comma"));
        let s = "X(\u{38b}: 1.5)";
        let (l, c) = at(s, ".5");
        assert!(!explain(s, l, c, "Expected comma").is_empty());
    }

    /// Found by the fuzzer in CI: the name of the structure open before a `(` was read
    /// back past a non-alphanumeric character of four bytes.
    #[test]
    fn a_wide_symbol_before_a_parenthesis_does_not_panic() {
        let s = "x\u{6c71a}nario(\n  name: 1";
        assert_eq!(enclosing(s, s.len()), Some("nario"));
        let s = "x \u{6c71a}(\n  name: 1";
        assert_eq!(enclosing(s, s.len()), None);
        assert_eq!(trailing_identifier("\u{6c71a}Ramp "), "Ramp");
    }
}
