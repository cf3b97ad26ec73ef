//! Windows event logs of KMS activation, in the layouts admins export them: the host's
//! event 12290 (log "Key Management Service") and the client's 12288 and 12289 (log
//! "Application"), as event XML (`wevtutil qe ... /f:xml`, `Get-WinEvent | % ToXml()`) or
//! as CSV written by the PowerShell one-liners of the README. `read` streams them in,
//! `write` writes a run's synthetic events in the same layouts, so what actsim writes
//! `actsim import kms-log` reads back.
//!
//! Event 12290's data, in order (Microsoft's Volume Activation technical reference, "KMS
//! events logged in the Windows event log"): the request's result (an HRESULT, `0x0` for
//! success), the minimum count the client needs (its product's threshold), the client's
//! FQDN, its client machine ID (CMID), its own timestamp (`2024/3/1 10:15`, its local
//! time), whether it is a virtual machine, its licence state (0 unlicensed, 1 licensed,
//! 2 initial grace, 3 out-of-tolerance grace, 4 non-genuine grace, 5 notification,
//! 6 extended grace), the minutes until that state expires, and its activation (SKU) id.

pub mod read;
pub mod record;
pub mod skus;
pub mod time;
pub mod write;

/// The host's event for each request it processed.
pub const HOST_EVENT: u32 = 12290;
/// The client's event for a request it sent (or could not send).
pub const CLIENT_REQUEST: u32 = 12288;
/// The client's event for the answer it processed.
pub const CLIENT_RESPONSE: u32 = 12289;
/// The log the host writes 12290 to.
pub const HOST_LOG: &str = "Key Management Service";
/// The log the client writes 12288 and 12289 to.
pub const CLIENT_LOG: &str = "Application";
/// The provider of the events on current Windows.
pub const PROVIDER: &str = "Microsoft-Windows-Security-SPP";

/// The columns of the host CSV: the event's time and computer, then its nine data fields.
pub const HOST_CSV: [&str; 11] = [
    "TimeCreated",
    "MachineName",
    "Result",
    "MinimumCount",
    "ClientFQDN",
    "ClientMachineID",
    "ClientTimestamp",
    "VM",
    "LicenseState",
    "TimeToStateExpiration",
    "ActivationID",
];

/// The columns of the client CSV: time, computer, event id and the event's info string
/// (its comma-delimited fields, as the event message shows them).
pub const CLIENT_CSV: [&str; 4] = ["TimeCreated", "MachineName", "Id", "Info"];

/// The number of data fields of event 12290.
pub const HOST_FIELDS: usize = 9;

/// An HRESULT as the logs write it: `0x0`, `0xC004F038`.
pub fn hresult(code: u32) -> String {
    format!("{code:#X}").replacen("0X", "0x", 1)
}

/// Reads an HRESULT written in hexadecimal (`0x0`, `0xc004f038`) or as a signed or
/// unsigned decimal (`0`, `-1073418184`, PowerShell's Int32 form).
pub fn parse_hresult(text: &str) -> Option<u32> {
    let t = text.trim();
    if let Some(hex) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        return u32::from_str_radix(hex, 16).ok();
    }
    t.parse::<u32>()
        .ok()
        .or_else(|| t.parse::<i32>().ok().map(|v| v as u32))
}

pub use crate::numbers::{format_guid, parse_guid};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hresults_in_every_form() {
        assert_eq!(hresult(0), "0x0");
        assert_eq!(hresult(0xC004_F038), "0xC004F038");
        assert_eq!(parse_hresult("0xc004f038"), Some(0xC004_F038));
        assert_eq!(parse_hresult("-1073418184"), Some(0xC004_F038));
        assert_eq!(parse_hresult("0"), Some(0));
        assert_eq!(parse_hresult("ok"), None);
    }

    #[test]
    fn guids_round_trip() {
        let text = "08c3bda0-c556-4b61-9e4e-7bf6d4df80be";
        let g = parse_guid(text).unwrap();
        assert_eq!(format_guid(g), text);
        assert_eq!(
            parse_guid("{08C3BDA0-C556-4B61-9E4E-7BF6D4DF80BE}"),
            Some(g)
        );
        assert_eq!(parse_guid("08c3bda0c5564b619e4e7bf6d4df80be"), None);
        assert_eq!(parse_guid("08c3bda0-c556-4b61-9e4e-7bf6d4df80bx"), None);
    }
}
