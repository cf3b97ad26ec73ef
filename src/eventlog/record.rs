//! One event as read (`Record`, reused from event to event so reading allocates nothing
//! per event) and a host event's fields as typed values (`HostRequest`).

#![allow(clippy::indexing_slicing)] // the nine fields are a fixed array indexed by constants 0-8

use super::time::{Ticks, parse_iso};
use super::{HOST_FIELDS, parse_guid, parse_hresult};

/// What is wrong with the input, and on which line (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    pub line: u64,
    pub message: String,
}

impl InputError {
    pub fn new(line: u64, message: impl Into<String>) -> Self {
        InputError {
            line,
            message: message.into(),
        }
    }
}

/// One event of either layout, its fields as text.
#[derive(Debug, Default)]
pub struct Record {
    /// The line the event starts on.
    pub line: u64,
    pub event_id: u32,
    /// `TimeCreated` as written.
    pub time: String,
    /// The computer that logged it (the KMS host, for 12290).
    pub computer: String,
    data: Vec<String>,
    fields: usize,
}

impl Record {
    pub fn clear(&mut self) {
        self.event_id = 0;
        self.time.clear();
        self.computer.clear();
        self.fields = 0;
    }

    /// The data fields read so far.
    pub fn fields(&self) -> &[String] {
        self.data.get(..self.fields).unwrap_or_default()
    }

    /// A new, empty data field to append text to.
    pub fn push_field(&mut self) -> &mut String {
        if self.fields == self.data.len() {
            self.data.push(String::new());
        }
        self.fields += 1;
        let field = &mut self.data[self.fields - 1];
        field.clear();
        field
    }

    /// The last data field (for text that arrives in pieces).
    pub fn last_field(&mut self) -> Option<&mut String> {
        self.fields
            .checked_sub(1)
            .and_then(|i| self.data.get_mut(i))
    }

    /// The event's fields as a host request (event 12290). The nine fields are nine data
    /// elements or, as older exports write them, one comma-delimited string.
    pub fn host_request(&self) -> Result<HostRequest<'_>, InputError> {
        let err = |message: String| InputError::new(self.line, message);
        let mut f: [&str; HOST_FIELDS] = [""; HOST_FIELDS];
        let fields = self.fields();
        let n = match fields {
            [one] if one.contains(',') => {
                let mut n = 0;
                for part in one.split(',') {
                    if let Some(slot) = f.get_mut(n) {
                        *slot = part.trim();
                    }
                    n += 1;
                }
                n
            }
            _ => {
                for (slot, field) in f.iter_mut().zip(fields) {
                    *slot = field.trim();
                }
                fields.len()
            }
        };
        if n != HOST_FIELDS {
            return Err(err(format!(
                "event {} has {n} data fields, not the {HOST_FIELDS} of a KMS host request \
                 (result, minimum count, client FQDN, CMID, client time, VM, licence state, \
                 minutes to expiry, activation id)",
                self.event_id
            )));
        }
        let time = parse_iso(&self.time).ok_or_else(|| {
            err(format!(
                "TimeCreated {:?} is not an ISO 8601 time with its zone \
                 (2024-03-01T10:15:30.0000000Z); export it with \
                 .TimeCreated.ToUniversalTime().ToString('o')",
                self.time
            ))
        })?;
        let number = |i: usize, what: &str| -> Result<u64, InputError> {
            f[i].parse::<u64>()
                .map_err(|_| err(format!("{what} {:?} is not a whole number", f[i])))
        };
        let result = parse_hresult(f[0]).ok_or_else(|| {
            err(format!(
                "result {:?} is not an HRESULT (0x0, 0xC004F038)",
                f[0]
            ))
        })?;
        let threshold = number(1, "the minimum count")?;
        let threshold = u32::try_from(threshold)
            .ok()
            .filter(|&t| (1..=crate::resolve::MAX_THRESHOLD).contains(&t))
            .ok_or_else(|| {
                err(format!(
                    "the minimum count {threshold} lies outside 1-{}",
                    crate::resolve::MAX_THRESHOLD
                ))
            })?;
        if f[2].is_empty() {
            return Err(err("the client FQDN is empty".to_owned()));
        }
        let cmid = parse_guid(f[3])
            .ok_or_else(|| err(format!("the client machine ID {:?} is not a GUID", f[3])))?;
        let vm = number(5, "the VM flag")? != 0;
        let state = number(6, "the licence state")?;
        let state = u8::try_from(state)
            .ok()
            .filter(|&s| s <= 6)
            .ok_or_else(|| err(format!("the licence state {state} is not one of 0-6")))?;
        let minutes = number(7, "the minutes to expiry")?;
        let sku = parse_guid(f[8])
            .ok_or_else(|| err(format!("the activation id {:?} is not a GUID", f[8])))?;
        Ok(HostRequest {
            time,
            host: self.computer.trim(),
            result,
            threshold,
            client: f[2],
            cmid,
            vm,
            state,
            minutes,
            sku,
        })
    }
}

/// One request a KMS host logged (event 12290).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HostRequest<'a> {
    pub time: Ticks,
    pub host: &'a str,
    /// The HRESULT the host logged: 0 when it processed the request.
    pub result: u32,
    /// The minimum count the client needs: its product's threshold (KMS-CLI-1).
    pub threshold: u32,
    pub client: &'a str,
    pub cmid: u128,
    pub vm: bool,
    /// The client's licence state when it asked (0 unlicensed … 6 extended grace).
    pub state: u8,
    /// Minutes until that state expires.
    pub minutes: u64,
    /// The client's activation (SKU) id.
    pub sku: u128,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(fields: &[&str]) -> Record {
        let mut r = Record {
            line: 7,
            event_id: 12290,
            time: "2024-03-01T10:15:30.0000000Z".into(),
            computer: "kms1.corp.example".into(),
            ..Record::default()
        };
        for f in fields {
            r.push_field().push_str(f);
        }
        r
    }

    const GOOD: [&str; 9] = [
        "0x0",
        "25",
        "pc1.corp.example",
        "08c3bda0-c556-4b61-9e4e-7bf6d4df80be",
        "2024/3/1 10:15",
        "0",
        "1",
        "43200",
        "73111121-5638-40f6-bc11-f1d7b0d64300",
    ];

    #[test]
    fn nine_fields_or_one_comma_delimited_string() {
        let a = record(&GOOD);
        let joined = GOOD.join(", ");
        let b = record(&[joined.as_str()]);
        assert_eq!(a.host_request(), b.host_request());
        let r = a.host_request().unwrap();
        assert_eq!((r.threshold, r.state, r.minutes), (25, 1, 43_200));
    }

    #[test]
    fn a_wrong_field_count_names_the_line() {
        let e = record(&GOOD[..8]).host_request().unwrap_err();
        assert_eq!(e.line, 7);
        assert!(e.message.contains("8 data fields"), "{}", e.message);
    }

    #[test]
    fn a_local_time_is_refused() {
        let mut r = record(&GOOD);
        r.time = "01.03.2024 10:15:30".into();
        let e = r.host_request().unwrap_err();
        assert!(e.message.contains("ISO 8601"), "{}", e.message);
    }
}
