//! Setting one field of a scenario by a dotted path (`fleets.desktops.count`,
//! `policy.renewal_interval`, `kms_hosts.kms1.weight`, `timeline.0.at`).
//!
//! The parsed scenario goes through its serde form as a JSON tree: the path walks the tree
//! (list items by their `name`, or by index), the value text is read as the kind of value
//! already there (number, boolean, or text for durations and unit variants such as
//! `AnyHost`), and the tree is read back into the schema, so every type check of the
//! scenario format applies to swept values too.

#![allow(clippy::indexing_slicing)] // indices are positions in results and statistics the sweep itself allocated, one per unit and metric

use crate::scenario::schema::Scenario;
use serde_json::Value;

/// Why a `--set` cannot be applied: a message for the command line.
pub type PathError = String;

fn step<'v>(node: &'v mut Value, segment: &str, path: &str) -> Result<&'v mut Value, PathError> {
    match node {
        Value::Object(map) => map
            .get_mut(segment)
            .ok_or_else(|| format!("{path}: no field \"{segment}\" here")),
        Value::Array(items) => {
            let by_name = items
                .iter()
                .position(|item| item.get("name").and_then(Value::as_str) == Some(segment));
            let index =
                by_name.or_else(|| segment.parse::<usize>().ok().filter(|&i| i < items.len()));
            index
                .map(|i| &mut items[i])
                .ok_or_else(|| format!("{path}: no item named or numbered \"{segment}\""))
        }
        _ => Err(format!("{path}: \"{segment}\" goes below a plain value")),
    }
}

/// The value `text` as the kind of JSON value `old` is.
fn value_like(old: &Value, text: &str, path: &str) -> Result<Value, PathError> {
    let bad = |kind: &str| format!("{path}: \"{text}\" is not {kind}");
    match old {
        Value::Bool(_) => text
            .parse::<bool>()
            .map(Value::Bool)
            .map_err(|_| bad("true or false")),
        Value::Number(_) => {
            if let Ok(i) = text.parse::<i64>() {
                Ok(Value::from(i))
            } else {
                text.parse::<f64>()
                    .ok()
                    .and_then(serde_json::Number::from_f64)
                    .map(Value::Number)
                    .ok_or_else(|| bad("a number"))
            }
        }
        Value::String(_) | Value::Null => Ok(text
            .parse::<i64>()
            .map(Value::from)
            .or_else(|_| text.parse::<bool>().map(Value::Bool))
            .unwrap_or_else(|_| Value::String(text.to_owned()))),
        Value::Array(_) | Value::Object(_) => Err(format!(
            "{path}: a list or structure cannot be swept; name one of its plain fields (a \
             list of named items, such as kms_hosts, takes which of them exist: kms1+kms2)"
        )),
    }
}

/// The names of a list's items, if it is a list of named items (hosts, fleets, sites...).
fn item_names(items: &[Value]) -> Option<Vec<&str>> {
    if items.is_empty() {
        return None;
    }
    items
        .iter()
        .map(|item| item.get("name").and_then(Value::as_str))
        .collect()
}

/// The items of a named list that `text` keeps: names joined by `+` (`kms1+kms2`), each
/// once, kept in the file's order whatever the order written.
fn subset(items: &[Value], names: &[&str], text: &str, path: &str) -> Result<Value, PathError> {
    let wanted: Vec<&str> = text.split('+').map(str::trim).collect();
    for (i, w) in wanted.iter().enumerate() {
        if !names.contains(w) {
            return Err(format!(
                "{path}={text}: no item named \"{w}\" (the list has {})",
                names.join(", ")
            ));
        }
        if wanted[..i].contains(w) {
            return Err(format!("{path}={text}: \"{w}\" is named twice"));
        }
    }
    Ok(Value::Array(
        items
            .iter()
            .zip(names)
            .filter(|(_, n)| wanted.contains(n))
            .map(|(item, _)| item.clone())
            .collect(),
    ))
}

/// The scenario with the field at `path` set to `text`; for a list of named items
/// (`kms_hosts`, `fleets`, `sites`...), `text` names the items that exist, joined by `+`.
/// Whatever refers to an item left out is then an error of the scenario, as in a file.
pub fn apply(scenario: &Scenario, path: &str, text: &str) -> Result<Scenario, PathError> {
    if path.split('.').next_back() == Some("name") {
        return Err(format!(
            "{path}: names cannot be swept (results are kept by name)"
        ));
    }
    let mut tree = serde_json::to_value(scenario).map_err(|e| e.to_string())?;
    let mut node = &mut tree;
    for segment in path.split('.') {
        node = step(node, segment, path)?;
    }
    let value = match &*node {
        Value::Array(items) => match item_names(items) {
            Some(names) => subset(items, &names, text, path)?,
            None => value_like(node, text, path)?,
        },
        _ => value_like(node, text, path)?,
    };
    *node = value;
    serde_json::from_value(tree).map_err(|e| format!("{path}={text}: {e}"))
}

/// A swept path in words, for chart axes and legends: `fleets.pcs.count` → "pcs: count",
/// `policy.renewal_interval` → "renewal interval", `timeline.1.at` → "time of timeline
/// event 2", `kms_hosts.kms1.weight` → "kms1: weight".
pub fn words(path: &str) -> String {
    let parts: Vec<&str> = path.split('.').collect();
    let field = |f: &str| f.replace('_', " ");
    match parts.as_slice() {
        ["timeline", n, "at"] => match n.parse::<usize>() {
            Ok(i) => format!("time of timeline event {}", i + 1),
            Err(_) => format!("time of timeline event {n}"),
        },
        ["policy", f] => field(f),
        [_, item, rest @ ..] if !rest.is_empty() => {
            let rest: Vec<String> = rest.iter().map(|f| field(f)).collect();
            format!("{item}: {}", rest.join(" "))
        }
        _ => parts.iter().map(|f| field(f)).collect::<Vec<_>>().join(" "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_in_words() {
        assert_eq!(words("fleets.pcs.count"), "pcs: count");
        assert_eq!(words("policy.renewal_interval"), "renewal interval");
        assert_eq!(words("timeline.1.at"), "time of timeline event 2");
        assert_eq!(words("kms_hosts.kms1.weight"), "kms1: weight");
        assert_eq!(words("seed"), "seed");
    }

    fn scenario() -> Scenario {
        let text = r#"Scenario(name: "t", duration: "30d",
            sites: [Site(name: "hq")],
            domains: [Domain(name: "corp", dns_site: "hq")],
            kms_hosts: [KmsHost(name: "kms1", site: "hq")],
            fleets: [Fleet(name: "pcs", site: "hq", count: 30, activation: Kms())],
            timeline: [Event(at: "10d", do: HostDown("kms1"))])"#;
        crate::resolve::parse_schema("t.ron", text.as_bytes())
            .unwrap()
            .1
    }

    #[test]
    fn numbers_durations_enums_and_booleans() {
        let s = apply(&scenario(), "fleets.pcs.count", "25").unwrap();
        assert_eq!(s.fleets[0].count, 25);
        let s = apply(&s, "policy.renewal_interval", "1d 12h").unwrap();
        assert_eq!(s.policy.renewal_interval.map(|d| d.0), Some(129_600));
        let s = apply(&s, "domains.corp.srv_update", "AnyHost").unwrap();
        assert_eq!(
            s.domains[0].srv_update,
            crate::scenario::schema::SrvUpdate::AnyHost
        );
        let s = apply(&s, "fleets.pcs.host_caching", "false").unwrap();
        assert!(!s.fleets[0].host_caching);
        let s = apply(&s, "timeline.0.at", "12d").unwrap();
        assert_eq!(s.timeline[0].at.0, 12 * 86_400);
        let s = apply(&s, "kms_hosts.kms1.weight", "7").unwrap();
        assert_eq!(s.kms_hosts[0].weight, 7);
    }

    #[test]
    fn a_named_list_keeps_the_items_named() {
        let mut s = scenario();
        let mut second = s.kms_hosts[0].clone();
        second.name = "kms2".into();
        s.kms_hosts.push(second);
        let one = apply(&s, "kms_hosts", "kms2").unwrap();
        let names = |s: &Scenario| {
            s.kms_hosts
                .iter()
                .map(|h| h.name.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(names(&one), ["kms2"]);
        // File order, whatever the order written.
        let both = apply(&s, "kms_hosts", "kms2+kms1").unwrap();
        assert_eq!(names(&both), ["kms1", "kms2"]);
        // A reference to a host left out is the scenario's error, found by validation.
        let e = crate::resolve::validate("t.ron", "", one)
            .unwrap_err()
            .to_string();
        assert!(e.contains("kms1"), "{e}");
    }

    #[test]
    fn mistakes_are_named() {
        let s = scenario();
        for (path, value, says) in [
            ("fleets.laptops.count", "3", "laptops"),
            ("fleets.pcs.colour", "3", "colour"),
            ("fleets.pcs.count", "many", "many"),
            ("policy.renewal_interval", "1M", "1M"),
            ("fleets.pcs.name", "x", "names"),
            ("timeline", "3", "list"),
            ("fleets", "laptops", "laptops"),
            ("kms_hosts", "kms1+kms1", "twice"),
        ] {
            let e = apply(&s, path, value).unwrap_err();
            assert!(e.contains(says), "{path}={value}: {e}");
        }
    }
}
