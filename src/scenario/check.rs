//! The tools every resolver uses: a `Checker` that turns a problem into a scenario error at
//! the right `FILE:LINE:COLUMN`, common value checks, and the typed name table through which
//! every reference to a named thing is resolved.

use super::duration::Duration;
use super::locate::{Locator, Position};
use crate::error::Error;
use crate::model::{Id, PortModel, SiteId};
use crate::time::{DAY, SimTime};
use std::collections::BTreeMap;

/// Bounds of an interval pushed by a host or set in policy (KMS-HOST-7: slmgr's range).
pub const MIN_INTERVAL: SimTime = 15 * 60;
pub const MAX_INTERVAL: SimTime = 30 * DAY;

pub type Result<T> = std::result::Result<T, Error>;

/// Where validation errors point: the file's name and its text.
pub struct Checker<'a> {
    pub file: &'a str,
    pub locator: Locator,
}

impl Checker<'_> {
    /// An error at the last of `anchors` found in order in the text (see `Locator::find`).
    pub fn error(&self, anchors: &[&str], message: impl Into<String>) -> Error {
        self.error_at(self.locator.find(anchors), message)
    }

    pub fn error_at(&self, at: Position, message: impl Into<String>) -> Error {
        Error::Scenario {
            file: self.file.to_owned(),
            line: at.line,
            column: at.column,
            message: message.into(),
        }
    }

    pub fn positive(&self, anchors: &[&str], what: &str, d: Duration) -> Result<SimTime> {
        if d.secs() <= 0 {
            return Err(self.error(anchors, format!("{what} must be positive, got \"{d}\"")));
        }
        Ok(d.secs() as SimTime)
    }

    pub fn not_negative(&self, anchors: &[&str], what: &str, d: Duration) -> Result<SimTime> {
        if d.secs() < 0 {
            return Err(self.error(anchors, format!("{what} cannot be negative, got \"{d}\"")));
        }
        Ok(d.secs() as SimTime)
    }

    /// KMS-HOST-7: an interval slmgr accepts (15 minutes to 30 days).
    pub fn interval(&self, anchors: &[&str], what: &str, d: Duration) -> Result<SimTime> {
        let secs = self.positive(anchors, what, d)?;
        if !(MIN_INTERVAL..=MAX_INTERVAL).contains(&secs) {
            return Err(self.error(
                anchors,
                format!("{what} must lie between 15m and 30d (slmgr's range), got \"{d}\""),
            ));
        }
        Ok(secs)
    }

    /// Machines, hosts and DNS servers live on the organisation's own sites, never at the
    /// built-in `internet` (site 0).
    pub fn not_internet(&self, site: SiteId, anchors: &[&str]) -> Result<()> {
        if site == SiteId::FIRST {
            return Err(self.error(
                anchors,
                "only the vendor's services live at \"internet\"; place machines, hosts and DNS on a site of your own",
            ));
        }
        Ok(())
    }

    pub fn port(&self, anchors: &[&str], port: i64) -> Result<u16> {
        match u16::try_from(port) {
            Ok(p) if p >= 1 => Ok(p),
            _ => Err(self.error(anchors, format!("port {port} is outside 1-65535"))),
        }
    }

    pub fn port_model(&self, anchors: &[&str], port: super::schema::Port) -> Result<PortModel> {
        Ok(match port {
            super::schema::Port::Tcp(p) => PortModel::Tcp(self.port(anchors, p)?),
            super::schema::Port::Udp(p) => PortModel::Udp(self.port(anchors, p)?),
        })
    }
}

/// The names of one kind of thing (sites, hosts, fleets...), each with its typed id.
pub struct Names<I> {
    /// What the things are called in messages ("site", "KMS host").
    kind: &'static str,
    ids: BTreeMap<String, I>,
}

impl<I: Id> Names<I> {
    pub fn new(kind: &'static str) -> Self {
        Names {
            kind,
            ids: BTreeMap::new(),
        }
    }

    /// The names of a list as declared, each getting the next id: a duplicate or an empty
    /// name is an error (in the list named `list`), as is a list longer than `MAX_ITEMS`.
    pub fn declare<'n>(
        kind: &'static str,
        c: &Checker,
        list: &str,
        names: impl Iterator<Item = &'n str>,
    ) -> Result<Self> {
        let mut table = Names::new(kind);
        for name in names {
            table.add(c, list, name)?;
        }
        Ok(table)
    }

    /// Adds one name with the next id.
    pub fn add(&mut self, c: &Checker, list: &str, name: &str) -> Result<I> {
        if name.is_empty() {
            return Err(c.error(&[list, "name: \"\""], format!("a name in {list} is empty")));
        }
        if let Err(why) = safe_name(name) {
            let quoted = format!("\"{}", name.chars().take(40).collect::<String>());
            return Err(c.error(
                &[list, &quoted],
                format!("{} name in {list}: {why}", self.kind),
            ));
        }
        if self.ids.len() >= crate::model::MAX_ITEMS {
            return Err(c.error(
                &[list],
                format!(
                    "{list} has more than {} entries, the limit per list",
                    crate::model::MAX_ITEMS
                ),
            ));
        }
        let id = I::from_index(self.ids.len());
        if self.ids.insert(name.to_owned(), id).is_some() {
            let quoted = format!("\"{name}\"");
            return Err(c.error(
                &[list, &quoted, &quoted],
                format!("duplicate name \"{name}\" in {list}"),
            ));
        }
        Ok(id)
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    pub fn get(&self, name: &str) -> Option<I> {
        self.ids.get(name).copied()
    }

    /// The id of `name`, or an error at `anchors` naming what is unknown.
    pub fn resolve(&self, c: &Checker, anchors: &[&str], name: &str) -> Result<I> {
        self.get(name)
            .ok_or_else(|| c.error(anchors, self.unknown(name)))
    }

    /// Like `resolve`, for errors whose position is already known.
    pub fn resolve_at(&self, here: &dyn Fn(String) -> Error, name: &str) -> Result<I> {
        self.get(name).ok_or_else(|| here(self.unknown(name)))
    }

    /// "unknown fleet "deskops"; did you mean "desktops"? (known: desktops, laptops)".
    pub fn unknown(&self, name: &str) -> String {
        let mut out = format!("unknown {} \"{name}\"", self.kind);
        if let Some(k) = nearest(name, self.ids.keys().map(String::as_str)) {
            out.push_str(&format!("; did you mean \"{k}\"?"));
        }
        if self.ids.is_empty() {
            out.push_str(&format!(" (the scenario declares no {})", self.kind));
        } else {
            let mut known: Vec<&str> = self
                .ids
                .keys()
                .map(String::as_str)
                .take(MAX_LISTED)
                .collect();
            if self.ids.len() > MAX_LISTED {
                known.push("…");
            }
            out.push_str(&format!(" (known: {})", known.join(", ")));
        }
        out
    }
}

/// The most names an error message lists (the built-in products all fit).
const MAX_LISTED: usize = 40;

/// The candidate nearest to `name` (edit distance, case ignored), if it is near enough to
/// be the name meant: at most 2 edits, or a third of the candidate's length. Failing that,
/// the one candidate that begins with `name` (`renewal` for `renewal_interval`).
pub fn nearest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let name = name.to_lowercase();
    let candidates: Vec<&str> = candidates.collect();
    let close = candidates
        .iter()
        .map(|k| (strsim::damerau_levenshtein(&k.to_lowercase(), &name), *k))
        .filter(|(d, k)| *d <= 2.max(k.chars().count() / 3))
        .min()
        .map(|(_, k)| k);
    let mut prefixed = candidates
        .iter()
        .filter(|k| !name.is_empty() && k.to_lowercase().starts_with(&name));
    close.or_else(|| match (prefixed.next(), prefixed.next()) {
        (Some(k), None) => Some(*k),
        _ => None,
    })
}

/// Borrow a list of owned anchor strings as the `&[&str]` the locator wants.
pub fn strs<S: AsRef<str>>(v: &[S]) -> Vec<&str> {
    v.iter().map(AsRef::as_ref).collect()
}

/// The longest name of a site, host, fleet, key, product or domain.
pub const MAX_NAME: usize = 64;

/// Names reach CSV files that people open in spreadsheets and HTML pages: letters, digits,
/// space, `.`, `_` and `-`, starting with a letter or digit (so never with `=`, `+`, `-` or
/// `@`, which a spreadsheet reads as a formula), at most `MAX_NAME` characters.
pub fn safe_name(name: &str) -> std::result::Result<(), String> {
    if name.chars().count() > MAX_NAME {
        return Err(format!(
            "it is {} characters long, over the limit of {MAX_NAME}",
            name.chars().count()
        ));
    }
    if !name.chars().next().is_some_and(char::is_alphanumeric) {
        return Err("it must start with a letter or a digit".to_owned());
    }
    if let Some(bad) = name
        .chars()
        .find(|&ch| !(ch.is_alphanumeric() || matches!(ch, ' ' | '.' | '_' | '-')))
    {
        return Err(format!(
            "{bad:?} is not allowed (letters, digits, space, '.', '_' and '-' only)"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{nearest, safe_name};

    #[test]
    fn the_nearest_name_is_a_close_spelling_or_the_one_it_begins() {
        let names = [
            "desktops",
            "laptops",
            "renewal_interval",
            "activation_interval",
        ];
        assert_eq!(nearest("deskops", names.into_iter()), Some("desktops"));
        assert_eq!(nearest("Laptop", names.into_iter()), Some("laptops"));
        assert_eq!(
            nearest("renewal", names.into_iter()),
            Some("renewal_interval")
        );
        assert_eq!(nearest("servers", names.into_iter()), None);
        assert_eq!(nearest("", names.into_iter()), None);
    }

    #[test]
    fn names_are_spreadsheet_safe() {
        assert!(safe_name("hq-desktops").is_ok());
        assert!(safe_name("corp.example").is_ok());
        assert!(safe_name("Bâtiment 2").is_ok());
        assert!(safe_name("=HYPERLINK(1)").is_err());
        assert!(safe_name("-x").is_err());
        assert!(safe_name("@x").is_err());
        assert!(safe_name("a\tb").is_err());
        assert!(safe_name("a,b").is_err());
        assert!(safe_name(&"x".repeat(65)).is_err());
    }
}
