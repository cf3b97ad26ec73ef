//! `actsim import inventory FILE --out scenario.ron`: a machine inventory exported from
//! Active Directory (`Get-ADComputer -Filter * -Properties OperatingSystem,
//! LastLogonTimeStamp,DistinguishedName | Export-Csv`) or Intune (managed devices:
//! deviceName, operatingSystem, osVersion, lastSyncDateTime — Graph's names or the admin
//! centre's "Device name", "OS", "OS version", "Last check-in") turned into a scenario
//! skeleton: one fleet per organisational unit (or `Site` column) and product, the product
//! and its generation from the operating system (`model::catalogue`).
//!
//! Stale machines — last logon (or sync) older than `stale_days` before the reference
//! date — are counted apart and left out unless asked for. The reference date is
//! `--as-of`, or else the newest last logon in the file: never the clock of the machine
//! running the import, so the same file always gives the same scenario.

use crate::error::Error;
use crate::eventlog::read::Utf8;
use crate::eventlog::time::{
    SECONDS_PER_DAY, TICKS_PER_SECOND, days_from_civil, format_date, parse_iso,
};
use crate::import::kms_log::skeleton_name as name;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

pub struct Options {
    pub stale_days: u32,
    pub as_of: Option<String>,
    pub include_stale: bool,
}

/// Ticks between 1601-01-01 (Windows FILETIME's epoch) and 1970-01-01.
const FILETIME_TO_UNIX: i64 = 116_444_736_000_000_000;

/// The catalogue product of an operating system as AD or Intune names it; None for what
/// KMS does not activate (Home editions, other systems).
pub fn product(os: &str, version: &str) -> Option<&'static str> {
    let os = os.to_ascii_lowercase();
    if !os.contains("windows") || os.contains("home") {
        return None;
    }
    if os.contains("server") {
        let family = |a: &'static str, b: &'static str, c: &'static str| {
            if os.contains("datacenter") || os.contains("itanium") {
                c
            } else if os.contains("web") || os.contains("hpc") {
                a
            } else {
                b
            }
        };
        return Some(if os.contains("2025") {
            "WindowsServer2025"
        } else if os.contains("2022") {
            "WindowsServer2022"
        } else if os.contains("2019") {
            "WindowsServer2019"
        } else if os.contains("2016") {
            "WindowsServer2016"
        } else if os.contains("2012 r2") {
            "WindowsServer2012R2"
        } else if os.contains("2012") {
            "WindowsServer2012"
        } else if os.contains("2008 r2") {
            family(
                "WindowsServer2008R2A",
                "WindowsServer2008R2B",
                "WindowsServer2008R2C",
            )
        } else if os.contains("2008") {
            family(
                "WindowsServer2008A",
                "WindowsServer2008B",
                "WindowsServer2008C",
            )
        } else {
            "WindowsServerC"
        });
    }
    let ltsc = os.contains("ltsc") || os.contains("ltsb");
    if os.contains("windows 11") {
        return Some(if ltsc && os.contains("2024") {
            "Windows11Ltsc2024"
        } else {
            "Windows11"
        });
    }
    if os.contains("windows 10") {
        return Some(if ltsc && (os.contains("2019") || os.contains("2021")) {
            "Windows10Ltsc"
        } else {
            "Windows10"
        });
    }
    if os.contains("windows 8.1") {
        return Some("Windows81");
    }
    if os.contains("windows 8") {
        return Some("Windows8");
    }
    if os.contains("windows 7") {
        return Some("Windows7");
    }
    if os.contains("vista") {
        return Some("WindowsVista");
    }
    // Intune: "Windows" and a build number; Windows 11 from build 22000.
    let build: Option<u32> = version.split('.').nth(2).and_then(|b| b.parse().ok());
    match build {
        Some(b) if b >= 22_000 => Some("Windows11"),
        Some(b) if b >= 10_240 => Some("Windows10"),
        _ => Some("WindowsClient"),
    }
}

/// A last logon as the exports write it: AD's LastLogonTimeStamp (a FILETIME integer), or
/// an ISO 8601 time (Intune's lastSyncDateTime; without a zone it is taken as UTC).
fn last_logon(text: &str) -> Result<Option<i64>, String> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    if let Ok(filetime) = t.parse::<i64>() {
        return Ok((filetime > 0).then(|| (filetime - FILETIME_TO_UNIX) / TICKS_PER_SECOND));
    }
    let zoned = if t.ends_with('Z')
        || t.rsplit_once(['+', '-'])
            .is_some_and(|(_, z)| z.len() == 5 && z.contains(':'))
    {
        t.to_owned()
    } else {
        format!("{t}Z")
    };
    parse_iso(&zoned)
        .map(|ticks| Some(ticks.div_euclid(TICKS_PER_SECOND)))
        .ok_or_else(|| {
            format!(
                "last logon {t:?} is neither a LastLogonTimeStamp number nor an ISO 8601 time \
                 (2024-03-01T10:15:30Z); export the raw LastLogonTimeStamp, not a locale's date"
            )
        })
}

/// The OU path of a distinguished name, top down: "CN=PC1,OU=Desktops,OU=HQ,DC=corp" →
/// "HQ Desktops"; and its domain: "corp...".
fn ou_and_domain(dn: &str) -> (String, String) {
    let mut ous = Vec::new();
    let mut dcs = Vec::new();
    for part in dn.split(',') {
        let (k, v) = part.split_once('=').unwrap_or(("", ""));
        match k.trim().to_ascii_uppercase().as_str() {
            "OU" => ous.push(v.trim().to_owned()),
            "DC" => dcs.push(v.trim().to_ascii_lowercase()),
            _ => {}
        }
    }
    ous.reverse();
    (ous.join(" "), dcs.join("."))
}

struct Machine {
    group: String,
    site: String,
    domain: String,
    product: &'static str,
    logon: Option<i64>,
}

/// Reads the inventory, writes the scenario; returns a line saying what it did.
pub fn import(file: &Path, out: &Path, options: &Options) -> Result<String, Error> {
    let input = std::fs::File::open(file).map_err(|e| Error::io(file, e))?;
    let at = |line: u64, message: String| Error::Input {
        file: file.display().to_string(),
        line,
        message,
    };
    let mut csv = csv::ReaderBuilder::new()
        .flexible(true)
        .comment(Some(b'#'))
        .from_reader(Utf8::new(input));
    let header = csv
        .headers()
        .map_err(|e| at(1, format!("the CSV is not readable: {e}")))?
        .clone();
    let column = |names: &[&str]| {
        header
            .iter()
            .position(|h| names.iter().any(|n| h.trim().eq_ignore_ascii_case(n)))
    };
    let name_col = column(&["Name", "deviceName", "Device name"]);
    let os_col = column(&["OperatingSystem", "operatingSystem", "OS"]);
    let version_col = column(&["OperatingSystemVersion", "osVersion", "OS version"]);
    let logon_col = column(&[
        "LastLogonTimeStamp",
        "lastSyncDateTime",
        "Last check-in",
        "LastLogonDate",
    ]);
    let dn_col = column(&["DistinguishedName"]);
    let site_col = column(&["Site"]);
    let dns_col = column(&["DNSHostName"]);
    let (Some(name_col), Some(os_col), Some(logon_col)) = (name_col, os_col, logon_col) else {
        return Err(at(
            1,
            "the header lacks a name, operating system or last logon column: expected \
             Get-ADComputer's Name, OperatingSystem, LastLogonTimeStamp (and \
             DistinguishedName) or Intune's deviceName, operatingSystem, osVersion, \
             lastSyncDateTime"
                .to_owned(),
        ));
    };
    let mut machines = Vec::new();
    let mut skipped: BTreeMap<String, u64> = BTreeMap::new();
    let mut row = csv::StringRecord::new();
    loop {
        let more = csv.read_record(&mut row).map_err(|e| {
            at(
                e.position().map_or(0, csv::Position::line),
                format!("the CSV is not readable: {e}"),
            )
        })?;
        if !more {
            break;
        }
        let line = row.position().map_or(0, csv::Position::line);
        if row.len() != header.len() {
            return Err(at(
                line,
                format!(
                    "the row has {} fields, the header {}",
                    row.len(),
                    header.len()
                ),
            ));
        }
        let get = |c: Option<usize>| c.and_then(|c| row.get(c)).unwrap_or_default().trim();
        let os = get(Some(os_col));
        let Some(product) = product(os, get(version_col)) else {
            *skipped
                .entry(if os.is_empty() {
                    "no operating system".to_owned()
                } else {
                    os.to_owned()
                })
                .or_default() += 1;
            continue;
        };
        let logon = last_logon(get(Some(logon_col))).map_err(|m| at(line, m))?;
        let (ou, dc_domain) = ou_and_domain(get(dn_col));
        let dns = get(dns_col);
        let domain = if !dc_domain.is_empty() {
            dc_domain
        } else if let Some((_, s)) = dns.split_once('.') {
            s.to_ascii_lowercase()
        } else {
            "corp".to_owned()
        };
        let site = get(site_col);
        let _ = get(Some(name_col));
        machines.push(Machine {
            group: if !site.is_empty() {
                site.to_owned()
            } else {
                ou
            },
            site: if site.is_empty() {
                "hq".to_owned()
            } else {
                site.to_owned()
            },
            domain,
            product,
            logon,
        });
    }
    let reference = match &options.as_of {
        Some(text) => {
            let d = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map_err(|_| Error::Usage(format!("--as-of {text:?} is not a date YYYY-MM-DD")))?;
            use chrono::Datelike;
            days_from_civil(i64::from(d.year()), d.month(), d.day()) * SECONDS_PER_DAY
        }
        None => machines
            .iter()
            .filter_map(|m| m.logon)
            .max()
            .ok_or_else(|| {
                at(
                    1,
                    "no machine with a Windows volume edition and a last logon: nothing to import"
                        .to_owned(),
                )
            })?,
    };
    let limit = reference - i64::from(options.stale_days) * SECONDS_PER_DAY;
    let stale = |m: &Machine| m.logon.is_none_or(|t| t < limit);
    let n_stale = machines.iter().filter(|m| stale(m)).count();
    let kept: Vec<&Machine> = machines
        .iter()
        .filter(|m| options.include_stale || !stale(m))
        .collect();
    if kept.is_empty() {
        return Err(at(
            1,
            format!(
                "every one of {} machines is stale (no logon within {} days of {}): pass --include-stale or --as-of",
                machines.len(),
                options.stale_days,
                format_date(reference * TICKS_PER_SECOND)
            ),
        ));
    }
    let mut groups: BTreeMap<(String, String, String, &'static str), u64> = BTreeMap::new();
    for m in &kept {
        *groups
            .entry((m.site.clone(), m.domain.clone(), m.group.clone(), m.product))
            .or_default() += 1;
    }
    let sites: Vec<String> = {
        let mut s: Vec<String> = kept.iter().map(|m| name(&m.site)).collect();
        s.sort();
        s.dedup();
        s
    };
    let domains: Vec<String> = {
        let mut d: Vec<String> = kept.iter().map(|m| name(&m.domain)).collect();
        d.sort();
        d.dedup();
        d
    };
    let date = format_date(reference * TICKS_PER_SECOND);
    let mut text = String::new();
    let _ = writeln!(
        text,
        "// The {} machines of {} as of {date}: do they activate on one KMS host?",
        kept.len(),
        file.file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("the inventory")
    );
    let _ = writeln!(
        text,
        "// Written by `actsim import inventory` (stale: no logon within {} days of {date}; {n_stale} stale machine{} {}).",
        options.stale_days,
        if n_stale == 1 { "" } else { "s" },
        if options.include_stale {
            "kept"
        } else {
            "left out"
        }
    );
    for (os, n) in &skipped {
        let _ = writeln!(
            text,
            "// Skipped {n} machine{} of {os:?}: not a Windows edition KMS activates.",
            if *n == 1 { "" } else { "s" }
        );
    }
    for line in [
        "// What the inventory could not tell — fill it in:",
        "// - the KMS hosts: one host, \"kms1\", on the first site, holding ServerC, is assumed;",
        "// - online schedules: every fleet is online Always (a guess, nothing in the inventory says);",
        "// - links between sites, DNS servers and records (each domain's DNS server is on the first site);",
        "// - whether machines are activated now: every fleet starts Activated, renewed within 7 days;",
        "// - Office and other volume products, which the inventory does not list.",
    ] {
        text.push_str(line);
        text.push('\n');
    }
    let first_site = sites.first().cloned().unwrap_or_else(|| "hq".to_owned());
    let _ = writeln!(
        text,
        "Scenario(\n    name: \"inventory {date}\",\n    seed: 1,\n    start: \"{date}\",\n    duration: \"90d\","
    );
    let list: Vec<String> = sites
        .iter()
        .map(|s| format!("Site(name: \"{s}\")"))
        .collect();
    let _ = writeln!(text, "    sites: [{}],", list.join(", "));
    if sites.len() > 1 {
        let links: Vec<String> = sites
            .iter()
            .skip(1)
            .map(|s| {
                format!("Link(between: (\"{first_site}\", \"{s}\"), allow: [Tcp(1688), Udp(53)])")
            })
            .collect();
        let _ = writeln!(text, "    links: [{}],", links.join(", "));
    }
    let list: Vec<String> = domains
        .iter()
        .map(|d| format!("Domain(name: \"{d}\", dns_site: \"{first_site}\")"))
        .collect();
    let _ = writeln!(text, "    domains: [{}],", list.join(", "));
    let publish: Vec<String> = domains.iter().skip(1).map(|d| format!("\"{d}\"")).collect();
    let _ = writeln!(
        text,
        "    kms_hosts: [KmsHost(name: \"kms1\", site: \"{first_site}\", domain: Some(\"{}\"), keys: [ServerC]{})],",
        domains.first().cloned().unwrap_or_default(),
        if publish.is_empty() {
            String::new()
        } else {
            format!(", publish_domains: [{}]", publish.join(", "))
        }
    );
    let _ = writeln!(text, "    fleets: [");
    let mut used: Vec<String> = Vec::new();
    for ((site, domain, group, product), count) in &groups {
        let base = name(&format!(
            "{} {product}",
            if group.is_empty() { domain } else { group }
        ));
        let mut fleet = base.clone();
        let mut n = 2;
        while used.contains(&fleet) {
            fleet = format!("{base} {n}");
            n += 1;
        }
        used.push(fleet.clone());
        let _ = writeln!(
            text,
            "        Fleet(name: \"{fleet}\", site: \"{}\", domain: Some(\"{}\"), count: {count}, product: \"{product}\", activation: Kms(), initial: Activated(age_up_to: \"7d\")),",
            name(site),
            name(domain)
        );
    }
    let _ = writeln!(text, "    ],\n)");
    crate::parse("scenario.ron", text.as_bytes()).map_err(|e| Error::Data {
        path: out.to_owned(),
        message: format!("the generated scenario is invalid (please report it): {e}"),
    })?;
    let dir = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let file_name = out
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| Error::Usage(format!("{}: not a file name", out.display())))?;
    crate::report::write_atomically(dir, &[(file_name, text.into_bytes())])?;
    Ok(format!(
        "read {} machines: {} in {} fleets, {n_stale} stale (no logon within {} days of {date}) {}, {} not a Windows edition KMS activates; wrote {}",
        machines.len() + skipped.values().sum::<u64>() as usize,
        kept.len(),
        groups.len(),
        options.stale_days,
        if options.include_stale {
            "kept"
        } else {
            "left out"
        },
        skipped.values().sum::<u64>(),
        out.display()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operating_systems_map_to_catalogue_products() {
        assert_eq!(product("Windows 10 Enterprise", ""), Some("Windows10"));
        assert_eq!(product("Windows 11 Pro", ""), Some("Windows11"));
        assert_eq!(
            product("Windows 10 Enterprise LTSC 2019", ""),
            Some("Windows10Ltsc")
        );
        assert_eq!(
            product("Windows Server 2022 Datacenter", ""),
            Some("WindowsServer2022")
        );
        assert_eq!(
            product("Windows Server 2008 R2 Standard", ""),
            Some("WindowsServer2008R2B")
        );
        assert_eq!(
            product("Windows Server 2012 R2 Standard", ""),
            Some("WindowsServer2012R2")
        );
        assert_eq!(product("Windows", "10.0.22631.3296"), Some("Windows11"));
        assert_eq!(product("Windows", "10.0.19045.4170"), Some("Windows10"));
        assert_eq!(product("Windows 10 Home", ""), None);
        assert_eq!(product("macOS", "14.3"), None);
    }

    #[test]
    fn last_logons_as_filetime_or_iso() {
        // 2024-03-01T00:00:00Z as a FILETIME.
        let ft =
            (days_from_civil(2024, 3, 1) * SECONDS_PER_DAY) * TICKS_PER_SECOND + FILETIME_TO_UNIX;
        assert_eq!(
            last_logon(&ft.to_string()),
            Ok(Some(days_from_civil(2024, 3, 1) * SECONDS_PER_DAY))
        );
        assert_eq!(
            last_logon("2024-03-01T00:00:00Z"),
            last_logon(&ft.to_string())
        );
        assert_eq!(
            last_logon("2024-03-01 00:00:00"),
            last_logon(&ft.to_string())
        );
        assert_eq!(last_logon(""), Ok(None));
        assert!(last_logon("01.03.2024 10:00").is_err());
    }

    #[test]
    fn ous_read_top_down() {
        assert_eq!(
            ou_and_domain("CN=PC01,OU=Desktops,OU=HQ,DC=corp,DC=example"),
            ("HQ Desktops".to_owned(), "corp.example".to_owned())
        );
    }
}
