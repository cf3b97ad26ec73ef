//! Streaming readers of exported event logs: event XML (any number of `<Event>` elements,
//! with or without an enclosing `<Events>` element, as `wevtutil qe /f:xml` and
//! `Get-WinEvent | % { $_.ToXml() }` write them) and the CSV of the README's one-liner.
//! Both read a block at a time and reuse one `Record`, so memory does not grow with the
//! file (only with its longest event). Text may be UTF-8 (with or without a byte-order mark) or UTF-16 with its mark —
//! what Windows PowerShell's `>` and `Out-File` write.

#![allow(clippy::indexing_slicing)] // lengths and positions are taken from the same buffers just before (n = min of both lengths)

use super::HOST_CSV;
use super::HOST_EVENT;
use super::record::{InputError, Record};
use quick_xml::events::Event;
use std::io::{BufRead, BufReader, Read};

/// Reads an exported log, XML or CSV (told apart by the first character that is not a
/// byte-order mark or white space: `<` starts XML).
pub enum LogReader<R: Read> {
    Xml(XmlReader<R>),
    Csv(CsvReader<R>),
}

impl<R: Read> LogReader<R> {
    pub fn new(input: R) -> Result<Self, InputError> {
        let mut text = Lines::new(BufReader::with_capacity(1 << 16, Utf8::new(input)));
        let first = loop {
            let buf = text
                .fill_buf()
                .map_err(|e| InputError::new(1, format!("cannot read: {e}")))?;
            let Some(&b) = buf.first() else { break None };
            if b.is_ascii_whitespace() {
                text.consume(1);
            } else {
                break Some(b);
            }
        };
        Ok(match first {
            Some(b'<') => LogReader::Xml(XmlReader::new(text)),
            _ => LogReader::Csv(CsvReader::new(text)?),
        })
    }

    /// Reads the next event into `record`; false at the end of the input.
    pub fn next(&mut self, record: &mut Record) -> Result<bool, InputError> {
        match self {
            LogReader::Xml(r) => r.next(record),
            LogReader::Csv(r) => r.next(record),
        }
    }
}

/// Text decoded to UTF-8: a UTF-8 byte-order mark is dropped, UTF-16 (little or big
/// endian, told by its mark) is transcoded.
pub struct Utf8<R> {
    inner: R,
    mode: Option<Mode>,
    /// Bytes read but not yet decoded (an odd byte, half a surrogate pair).
    pending: Vec<u8>,
    /// Decoded bytes not yet handed out.
    out: Vec<u8>,
    out_at: usize,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Utf8,
    Utf16 { big_endian: bool },
}

impl<R: Read> Utf8<R> {
    pub fn new(inner: R) -> Self {
        Utf8 {
            inner,
            mode: None,
            pending: Vec::new(),
            out: Vec::new(),
            out_at: 0,
        }
    }

    /// Reads up to `n` more raw bytes into `pending`; the count read (0 at the end).
    fn more(&mut self, n: usize) -> std::io::Result<usize> {
        let start = self.pending.len();
        self.pending.resize(start + n, 0);
        let got = loop {
            match self.inner.read(&mut self.pending[start..]) {
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                other => break other,
            }
        };
        self.pending.truncate(start + *got.as_ref().unwrap_or(&0));
        got
    }

    fn sniff(&mut self) -> std::io::Result<Mode> {
        while self.pending.len() < 3 {
            if self.more(3 - self.pending.len())? == 0 {
                break;
            }
        }
        let mode = match self.pending.as_slice() {
            [0xFF, 0xFE, ..] => Mode::Utf16 { big_endian: false },
            [0xFE, 0xFF, ..] => Mode::Utf16 { big_endian: true },
            _ => Mode::Utf8,
        };
        match mode {
            Mode::Utf16 { .. } => {
                self.pending.drain(..2);
            }
            Mode::Utf8 if self.pending.starts_with(&[0xEF, 0xBB, 0xBF]) => {
                self.pending.drain(..3);
            }
            Mode::Utf8 => {}
        }
        Ok(mode)
    }

    /// Decodes the next chunk of UTF-16 into `out`; false at the end.
    fn decode16(&mut self, big_endian: bool) -> std::io::Result<bool> {
        let got = self.more(1 << 15)?;
        if got == 0 && self.pending.is_empty() {
            return Ok(false);
        }
        let units: Vec<u16> = self
            .pending
            .chunks_exact(2)
            .map(|p| {
                let pair = [p[0], p[1]];
                if big_endian {
                    u16::from_be_bytes(pair)
                } else {
                    u16::from_le_bytes(pair)
                }
            })
            .collect();
        // Keep a trailing high surrogate (and an odd byte) for the next chunk, unless the
        // input has ended.
        let mut keep_units = 0;
        if got > 0 && units.last().is_some_and(|u| (0xD800..0xDC00).contains(u)) {
            keep_units = 1;
        }
        let used = units.len() - keep_units;
        self.out.clear();
        self.out_at = 0;
        for c in char::decode_utf16(units[..used].iter().copied()) {
            let c = c.unwrap_or(char::REPLACEMENT_CHARACTER);
            let mut b = [0; 4];
            self.out.extend_from_slice(c.encode_utf8(&mut b).as_bytes());
        }
        let consumed = used * 2;
        if got == 0 {
            // An odd trailing byte at the end of the input: not text.
            self.pending.clear();
        } else {
            self.pending.drain(..consumed);
        }
        Ok(true)
    }
}

impl<R: Read> Read for Utf8<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let mode = match self.mode {
            Some(m) => m,
            None => {
                let m = self.sniff()?;
                self.mode = Some(m);
                m
            }
        };
        match mode {
            Mode::Utf8 => {
                if !self.pending.is_empty() {
                    let n = buf.len().min(self.pending.len());
                    buf[..n].copy_from_slice(&self.pending[..n]);
                    self.pending.drain(..n);
                    return Ok(n);
                }
                self.inner.read(buf)
            }
            Mode::Utf16 { big_endian } => {
                while self.out_at == self.out.len() {
                    if !self.decode16(big_endian)? {
                        return Ok(0);
                    }
                }
                let n = buf.len().min(self.out.len() - self.out_at);
                buf[..n].copy_from_slice(&self.out[self.out_at..self.out_at + n]);
                self.out_at += n;
                Ok(n)
            }
        }
    }
}

/// A buffered reader that counts the lines its user has consumed, so a reader that pulls
/// bytes from it knows the line it has reached.
pub struct Lines<R> {
    inner: R,
    /// Line number (1-based) of the next byte.
    line: u64,
}

impl<R: BufRead> Lines<R> {
    pub fn new(inner: R) -> Self {
        Lines { inner, line: 1 }
    }

    pub fn line(&self) -> u64 {
        self.line
    }

    /// The reader, and the line its next byte is on (for a user that counts on its own).
    fn into_parts(self) -> (R, u64) {
        (self.inner, self.line)
    }
}

impl<R: BufRead> Read for Lines<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.line += newlines(&buf[..n]);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Lines<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amt: usize) {
        if let Ok(buf) = self.inner.fill_buf() {
            let end = amt.min(buf.len());
            self.line += newlines(&buf[..end]);
        }
        self.inner.consume(amt);
    }
}

/// The line feeds in `bytes` (memchr's vector search: counting lines was a tenth of an
/// XML import when done a byte at a time).
fn newlines(bytes: &[u8]) -> u64 {
    memchr::memchr_iter(b'\n', bytes).count() as u64
}

type Text<R> = Lines<BufReader<Utf8<R>>>;

/// Where the XML reader is inside an event.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum At {
    Outside,
    Event,
    EventId,
    Computer,
    Data,
    /// Any other element inside an event (System, EventData, RenderingInfo...).
    Other,
}

/// Bytes of text read at a time; a block grows only while it holds no whole event.
const BLOCK: usize = 1 << 20;

/// Streams `<Event>` elements. Text is read a block at a time and each event is parsed in
/// place with quick-xml's reader over a byte slice, a fresh one from each event's start:
/// nothing is copied event by event (the buffered reader copied every tag and text, and
/// counting lines as it consumed them was a tenth of an import). Only the events a block
/// holds whole are parsed (up to its last `</Event>`); the rest waits for the next block.
pub struct XmlReader<R: Read> {
    text: BufReader<Utf8<R>>,
    /// Bytes read at a time (`BLOCK`; tests use small ones to cut events everywhere).
    block_size: usize,
    block: Vec<u8>,
    /// `block[at..parsable]` holds whole events (and what lies between them).
    at: usize,
    parsable: usize,
    /// The text has been read to its end.
    ended: bool,
    lines: LineCount,
    /// Elements open outside any event (an `<Events>` wrapper), checked against their ends.
    wrappers: Vec<Vec<u8>>,
    /// The elements open inside the current event.
    stack: Vec<At>,
}

/// Line numbers of offsets in a block, counted forward from the last one asked for.
struct LineCount {
    /// `block[..counted]` has been counted; the next byte is on line `line`.
    counted: usize,
    line: u64,
}

impl LineCount {
    fn at(&mut self, block: &[u8], offset: usize) -> u64 {
        if let Some(more) = block.get(self.counted..offset) {
            self.line += newlines(more);
            self.counted = offset;
        }
        self.line
    }
}

/// What parsing from `at` came to.
enum Parsed {
    Event,
    End,
    /// The parsable part holds no whole event: read more.
    More,
}

/// The end of the last `</Event>` in `bytes` (with any namespace prefix, white space
/// before its `>`), if any.
fn last_event_end(bytes: &[u8]) -> Option<usize> {
    let mut end = bytes.len();
    while let Some(i) = memchr::memmem::rfind(&bytes[..end], b"Event") {
        end = i;
        let after = &bytes[i + b"Event".len()..];
        let Some(close) = after.iter().position(|b| !b.is_ascii_whitespace()) else {
            continue;
        };
        if after[close] != b'>' {
            continue;
        }
        let before = &bytes[..i];
        let is_end = before.ends_with(b"</")
            || before.strip_suffix(b":").is_some_and(|before| {
                memchr::memrchr(b'<', before).is_some_and(|lt| {
                    let prefix = &before[lt + 1..];
                    prefix.len() > 1
                        && prefix[0] == b'/'
                        && prefix[1..]
                            .iter()
                            .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
                })
            });
        if is_end {
            return Some(i + b"Event".len() + close + 1);
        }
    }
    None
}

impl<R: Read> XmlReader<R> {
    fn new(text: Text<R>) -> Self {
        let (text, line) = text.into_parts();
        XmlReader {
            text,
            block_size: BLOCK,
            block: Vec::new(),
            at: 0,
            parsable: 0,
            ended: false,
            lines: LineCount { counted: 0, line },
            wrappers: Vec::new(),
            stack: Vec::new(),
        }
    }

    /// Drops what was parsed and reads another block; the parsable part then ends after
    /// the block's last `</Event>` (or at the end of the text).
    fn refill(&mut self) -> Result<(), InputError> {
        self.lines.at(&self.block, self.at);
        self.block.drain(..self.at);
        self.lines.counted = 0;
        self.at = 0;
        let start = self.block.len();
        // At least a block, and double while one event is longer than what is held.
        self.block.resize(start + self.block_size.max(start), 0);
        let mut filled = start;
        while filled < self.block.len() {
            match self.text.read(&mut self.block[filled..]) {
                Ok(0) => {
                    self.ended = true;
                    break;
                }
                Ok(n) => filled += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => {
                    return Err(InputError::new(
                        self.lines.at(&self.block, start),
                        format!("cannot read: {e}"),
                    ));
                }
            }
        }
        self.block.truncate(filled);
        let from = start.saturating_sub(b"</Event>".len());
        self.parsable = match last_event_end(&self.block[from..]) {
            _ if self.ended => self.block.len(),
            Some(i) => from + i,
            // No event ends here (a long event, events written `<Event/>`, XML that is not
            // a log): up to the last `>`, so what lies outside events is not held; an event
            // cut there is parsed again with the next block.
            None => memchr::memrchr(b'>', &self.block[start..]).map_or(0, |i| start + i + 1),
        };
        Ok(())
    }

    fn next(&mut self, record: &mut Record) -> Result<bool, InputError> {
        loop {
            match self.parse(record)? {
                Parsed::Event => return Ok(true),
                Parsed::End => return Ok(false),
                Parsed::More => self.refill()?,
            }
        }
    }

    /// Parses the next event of `block[at..parsable]` into `record`.
    fn parse(&mut self, record: &mut Record) -> Result<Parsed, InputError> {
        record.clear();
        self.stack.clear();
        let start = self.at;
        let Some(part) = self.block.get(start..self.parsable) else {
            return Ok(Parsed::More);
        };
        let mut xml = quick_xml::Reader::from_reader(part);
        let config = xml.config_mut();
        config.check_end_names = true;
        // The ends of elements opened before `at` (a wrapper) are checked here, in
        // `wrappers`.
        config.allow_unmatched_ends = true;
        let mut in_event = false;
        loop {
            let before = start + xml.buffer_position() as usize;
            let event = match xml.read_event() {
                Ok(event) => event,
                // Something left open where the parsable part ends: the block was cut at a
                // `</Event>` that is text (in a comment or CDATA section). Read on.
                Err(quick_xml::Error::Syntax(e))
                    if !self.ended && e != quick_xml::errors::SyntaxError::InvalidBangMarkup =>
                {
                    return Ok(Parsed::More);
                }
                Err(e) => {
                    return Err(match in_event {
                        // Inside an event, the event's first line is the one to look at.
                        true => InputError::new(
                            record.line,
                            format!("the event that starts here is not well-formed XML: {e}"),
                        ),
                        false => InputError::new(
                            self.lines
                                .at(&self.block, start + xml.error_position() as usize),
                            format!("the XML is not well formed: {e}"),
                        ),
                    });
                }
            };
            let after = start + xml.buffer_position() as usize;
            let here = self.stack.last().copied().unwrap_or(At::Outside);
            // Text is decoded only where it is kept (not in Level, Keywords, Channel...).
            let kept = matches!(here, At::EventId | At::Computer | At::Data);
            let line = record.line;
            match event {
                // Anything but an event outside one (an <Events> wrapper) is passed.
                Event::Start(e) if !in_event && e.local_name().as_ref() == b"Event" => {
                    in_event = true;
                    record.line = self.lines.at(&self.block, before);
                    self.stack.push(At::Event);
                }
                Event::Empty(e) if !in_event && e.local_name().as_ref() == b"Event" => {
                    record.line = self.lines.at(&self.block, before);
                    self.at = after;
                    return Ok(Parsed::Event);
                }
                Event::Start(e) if !in_event => {
                    self.wrappers.push(e.name().as_ref().to_vec());
                    self.at = after;
                }
                Event::End(e) if !in_event => {
                    let found = e.name();
                    match self.wrappers.pop() {
                        Some(open) if open == found.as_ref() => self.at = after,
                        open => {
                            let found = String::from_utf8_lossy(found.as_ref());
                            let what = match open {
                                Some(open) => format!(
                                    "expected `</{}>`, but `</{found}>` was found",
                                    String::from_utf8_lossy(&open)
                                ),
                                None => {
                                    format!("close tag `</{found}>` does not match any open tag")
                                }
                            };
                            return Err(InputError::new(
                                self.lines.at(&self.block, before),
                                format!("the XML is not well formed: ill-formed document: {what}"),
                            ));
                        }
                    }
                }
                Event::Start(e) => {
                    let at = match e.local_name().as_ref() {
                        b"EventID" => At::EventId,
                        b"Computer" => At::Computer,
                        b"Data" => {
                            record.push_field();
                            At::Data
                        }
                        b"TimeCreated" => {
                            time_created(&e, record).map_err(|message| {
                                InputError::new(self.lines.at(&self.block, before), message)
                            })?;
                            At::Other
                        }
                        _ => At::Other,
                    };
                    self.stack.push(at);
                }
                Event::Empty(e) if in_event => match e.local_name().as_ref() {
                    b"TimeCreated" => time_created(&e, record).map_err(|message| {
                        InputError::new(self.lines.at(&self.block, before), message)
                    })?,
                    b"Data" => {
                        record.push_field();
                    }
                    _ => {}
                },
                Event::End(_) => {
                    self.stack.pop();
                    if self.stack.is_empty() {
                        self.at = after;
                        return Ok(Parsed::Event);
                    }
                }
                Event::Text(t) if kept => {
                    let content = t.xml_content().map_err(|e| {
                        InputError::new(line, format!("the XML text is not valid: {e}"))
                    })?;
                    add_text(here, &content, record, line)?;
                }
                Event::CData(t) if kept => {
                    let content = t.xml_content().map_err(|e| {
                        InputError::new(line, format!("the XML text is not valid: {e}"))
                    })?;
                    add_text(here, &content, record, line)?;
                }
                Event::GeneralRef(r) if in_event => {
                    let c = match r.resolve_char_ref() {
                        Ok(Some(c)) => c,
                        _ => match r.as_ref() {
                            b"amp" => '&',
                            b"lt" => '<',
                            b"gt" => '>',
                            b"quot" => '"',
                            b"apos" => '\'',
                            other => {
                                return Err(InputError::new(
                                    line,
                                    format!(
                                        "unknown XML entity &{};",
                                        String::from_utf8_lossy(other)
                                    ),
                                ));
                            }
                        },
                    };
                    let mut b = [0; 4];
                    add_text(here, c.encode_utf8(&mut b), record, line)?;
                }
                // The parsable part ends inside an event only where the text does, or where
                // a `</Event>` was text, not a tag: say where it ends, or read on.
                Event::Eof if in_event && self.ended => {
                    return Err(InputError::new(
                        self.lines.at(&self.block, self.block.len()),
                        format!(
                            "the file ends inside the event that starts on line {} \
                             (a truncated export?)",
                            record.line
                        ),
                    ));
                }
                Event::Eof if self.ended => return Ok(Parsed::End),
                Event::Eof => return Ok(Parsed::More),
                // Outside an event: declarations, comments, white space.
                _ if !in_event => self.at = after,
                _ => {}
            }
        }
    }
}

/// Reads `TimeCreated`'s `SystemTime` into `record`; the error says what is wrong (the
/// caller knows the line).
fn time_created(e: &quick_xml::events::BytesStart<'_>, record: &mut Record) -> Result<(), String> {
    for a in e.attributes() {
        let a = a.map_err(|e| format!("bad XML attribute: {e}"))?;
        if a.key.local_name().as_ref() == b"SystemTime" {
            let v = a
                .unescape_value()
                .map_err(|e| format!("bad SystemTime attribute: {e}"))?;
            record.time.clear();
            record.time.push_str(&v);
        }
    }
    Ok(())
}

fn add_text(here: At, text: &str, record: &mut Record, line: u64) -> Result<(), InputError> {
    match here {
        At::EventId => {
            let id = text.trim();
            if !id.is_empty() {
                record.event_id = id.parse().map_err(|_| {
                    InputError::new(line, format!("EventID {id:?} is not a number"))
                })?;
            }
        }
        At::Computer => record.computer.push_str(text),
        At::Data => {
            if let Some(f) = record.last_field() {
                f.push_str(text);
            }
        }
        At::Outside | At::Event | At::Other => {}
    }
    Ok(())
}

/// Streams the rows of the host CSV (`HOST_CSV`'s columns, in any order, matched without
/// regard to case; a `#TYPE` line of Windows PowerShell's Export-Csv is skipped).
pub struct CsvReader<R: Read> {
    csv: csv::Reader<Text<R>>,
    row: csv::StringRecord,
    /// For each of `HOST_CSV`'s columns, its position in the file.
    columns: [usize; 11],
}

impl<R: Read> CsvReader<R> {
    fn new(text: Text<R>) -> Result<Self, InputError> {
        let mut csv = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .comment(Some(b'#'))
            .from_reader(text);
        let mut header = csv::StringRecord::new();
        let read = csv
            .read_record(&mut header)
            .map_err(|e| InputError::new(1, format!("the CSV is not readable: {e}")))?;
        let line = header.position().map_or(1, csv::Position::line);
        if !read {
            return Err(InputError::new(1, "the file is empty"));
        }
        let mut columns = [0; 11];
        let mut missing = Vec::new();
        for (slot, name) in columns.iter_mut().zip(HOST_CSV) {
            match header
                .iter()
                .position(|h| h.trim().eq_ignore_ascii_case(name))
            {
                Some(i) => *slot = i,
                None => missing.push(name),
            }
        }
        if !missing.is_empty() {
            return Err(InputError::new(
                line,
                format!(
                    "the CSV header lacks the column{} {}: neither event XML nor the CSV \
                     layout {} (see the README for the PowerShell command that writes it)",
                    if missing.len() == 1 { "" } else { "s" },
                    missing.join(", "),
                    HOST_CSV.join(",")
                ),
            ));
        }
        Ok(CsvReader {
            csv,
            row: csv::StringRecord::new(),
            columns,
        })
    }

    fn next(&mut self, record: &mut Record) -> Result<bool, InputError> {
        record.clear();
        let read = self.csv.read_record(&mut self.row).map_err(|e| {
            let line = e.position().map_or(0, csv::Position::line);
            InputError::new(line, format!("the CSV is not readable: {e}"))
        })?;
        if !read {
            return Ok(false);
        }
        record.line = self.row.position().map_or(0, csv::Position::line);
        record.event_id = HOST_EVENT;
        if self.row.len() != HOST_CSV.len() {
            return Err(InputError::new(
                record.line,
                format!(
                    "the row has {} fields, the header {}",
                    self.row.len(),
                    HOST_CSV.len()
                ),
            ));
        }
        let [time, computer, data @ ..] = self.columns;
        record.time.push_str(self.row.get(time).unwrap_or_default());
        record
            .computer
            .push_str(self.row.get(computer).unwrap_or_default());
        for c in data {
            let value = self.row.get(c).unwrap_or_default();
            record.push_field().push_str(value);
        }
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Read = (u64, u32, String, Vec<String>);

    fn all(input: &[u8]) -> Result<Vec<Read>, InputError> {
        all_in_blocks(input, BLOCK)
    }

    /// Every event of `input`, the XML read `block` bytes at a time.
    fn all_in_blocks(input: &[u8], block: usize) -> Result<Vec<Read>, InputError> {
        let mut r = LogReader::new(input)?;
        if let LogReader::Xml(x) = &mut r {
            x.block_size = block;
        }
        let mut rec = Record::default();
        let mut out = Vec::new();
        while r.next(&mut rec)? {
            out.push((
                rec.line,
                rec.event_id,
                rec.computer.clone(),
                rec.fields().to_vec(),
            ));
        }
        Ok(out)
    }

    const XML: &str = "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'>\
<System><Provider Name='Microsoft-Windows-Security-SPP'/><EventID Qualifiers='16384'>12290</EventID>\
<TimeCreated SystemTime='2024-03-01T10:15:30.1234567Z'/><Computer>kms1.corp.example</Computer></System>\
<EventData><Data>0x0</Data><Data>25</Data><Data>a&amp;b</Data></EventData></Event>\n";

    #[test]
    fn events_without_a_root_and_with_one() {
        let two = format!("{XML}{XML}");
        let got = all(two.as_bytes()).unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(got[1].0, 2, "the second event starts on line 2");
        assert_eq!(got[0].2, "kms1.corp.example");
        assert_eq!(got[0].3, ["0x0", "25", "a&b"]);
        let wrapped = format!("<?xml version='1.0'?>\n<Events>\n{XML}</Events>\n");
        assert_eq!(all(wrapped.as_bytes()).unwrap().len(), 1);
    }

    /// Events are parsed a block (`BLOCK`) at a time, each block cut after its last
    /// `</Event>`: events across a cut, a `</Event>` that is text (in CDATA or a comment)
    /// where the first block ends, and an event longer than a block are all read whole,
    /// with their lines.
    #[test]
    fn events_across_blocks_are_read_whole() {
        for (field, text_end) in [
            ("25<![CDATA[</Event>]]>", "25<![CDATA[</Event>"),
            ("25<!-- </Event> -->", "25<!-- </Event>"),
        ] {
            let tricky = XML.replace(">25<", &format!(">{field}<"));
            // The tricky event starts where its text `</Event>` ends the first block.
            let ends_block = tricky.find(text_end).unwrap() + text_end.len();
            let mut text = "<Events>\n".to_owned();
            let before = (BLOCK - ends_block - text.len()) / XML.len();
            text.push_str(&XML.repeat(before));
            text.push_str(&" ".repeat(BLOCK - ends_block - text.len()));
            text.push_str(&tricky);
            text.push_str(&XML.repeat(BLOCK / XML.len()));
            // An event of more than two blocks (one long data field).
            text.push_str(&XML.replace("a&amp;b", &"x".repeat(2 * BLOCK + 17)));
            text.push_str(XML);
            text.push_str("</Events>\n");
            let got = all(text.as_bytes()).unwrap();
            let n = before + 1 + BLOCK / XML.len() + 2;
            assert_eq!(got.len(), n, "{field}");
            for (i, event) in got.iter().enumerate() {
                assert_eq!(event.0, i as u64 + 2, "event {i} starts on its line");
                assert_eq!(event.1, HOST_EVENT, "event {i}");
            }
            let expected = if field.contains("CDATA") {
                "25</Event>"
            } else {
                "25"
            };
            assert_eq!(got[before].3[1], expected, "{field}");
            assert_eq!(got[n - 2].3[2].len(), 2 * BLOCK + 17);
        }
        // A well-formed end outside the events is checked too.
        let n = BLOCK / XML.len() + 5;
        let bad = format!("<Events>\n{}</Eventz>\n", XML.repeat(n));
        let e = all(bad.as_bytes()).unwrap_err();
        assert_eq!(e.line, n as u64 + 2);
        assert!(e.message.contains("expected `</Events>`"), "{e:?}");
    }

    /// Where the blocks are cut changes nothing: the real layout (tests/fixtures: CRLF),
    /// wrapped, LF only, prefixed names, `</Event >`, `<Event/>`, a `</Event>` in comments, CDATA and
    /// processing instructions, each also damaged 150 ways (a fixed seed), read 61, 997,
    /// 4,096 bytes and a megabyte at a time: the same events, lines and errors.
    #[test]
    fn the_block_size_changes_nothing() {
        use rand_chacha::rand_core::{Rng, SeedableRng};
        let fixture = include_str!("../../tests/fixtures/kms-log/kms1.xml");
        let mut documents = vec![
            fixture.to_owned(),
            format!("<?xml version='1.0'?>\n<Events>\n{fixture}</Events>\n"),
            fixture.replace("\r\n", "\n"),
            fixture
                .replace("<Event ", "<e:Event ")
                .replace("</Event>", "</e:Event >"),
            fixture.replace(
                "</Event>\r\n",
                "</Event>\r\n<Event/><!-- </Event> --><?pi </Event>?>\r\n",
            ),
            fixture.replace("<Data>0x0</Data>", "<Data>0x0<![CDATA[</Event>]]></Data>"),
        ];
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(12290);
        let pieces = [
            "<",
            ">",
            "</Event>",
            "</Events>",
            "<!--",
            "<![CDATA[",
            "&amp;",
            "'",
            "\u{38a}",
        ];
        for i in 0..150 {
            let mut d = documents[i % 6].clone().into_bytes();
            let at = rng.next_u64() as usize % d.len();
            match rng.next_u32() % 3 {
                0 => {
                    let piece = pieces[rng.next_u32() as usize % pieces.len()];
                    d.splice(at..at, piece.bytes());
                }
                1 => d.truncate(at),
                _ => {
                    d.drain(at..(at + 1 + rng.next_u32() as usize % 64).min(d.len()));
                }
            }
            documents.push(String::from_utf8_lossy(&d).into_owned());
        }
        let answer = |d: &str, block| match all_in_blocks(d.as_bytes(), block) {
            Ok(events) => Ok(events),
            Err(e) => Err((e.line, e.message)),
        };
        let mut read = 0;
        for (i, d) in documents.iter().enumerate() {
            let whole = answer(d, BLOCK);
            read += whole.as_ref().map_or(0, Vec::len);
            for block in [61, 997, 4096] {
                assert_eq!(answer(d, block), whole, "document {i}, {block}-byte blocks");
            }
        }
        assert_eq!(
            answer(&documents[4], BLOCK).unwrap().len(),
            2 * 75,
            "the <Event/>s too"
        );
        assert!(read > 3_000, "{read}");
    }

    #[test]
    fn utf16_with_its_mark_is_read() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in XML.encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        let got = all(&bytes).unwrap();
        assert_eq!(got[0].3, ["0x0", "25", "a&b"]);
    }

    #[test]
    fn a_truncated_file_names_the_event() {
        let cut = &XML[..XML.find("</EventData>").unwrap()];
        let text = format!("{XML}{cut}");
        let e = all(text.as_bytes()).unwrap_err();
        assert!(e.message.contains("line 2"), "{e:?}");
    }

    #[test]
    fn csv_rows_with_a_type_line_and_quotes() {
        let csv = format!(
            "\u{feff}#TYPE Selected.System.Diagnostics.Eventing.Reader.EventLogRecord\n\"{}\"\n\
             \"2024-03-01T10:15:30Z\",\"kms1\",\"0x0\",\"25\",\"pc1\",\"c\",\"t\",\"0\",\"1\",\"5\",\"s\"\n\
             2024-03-01T10:15:30Z,kms1,0x0\n",
            HOST_CSV.join("\",\"")
        );
        let mut r = LogReader::new(csv.as_bytes()).unwrap();
        let mut rec = Record::default();
        assert!(r.next(&mut rec).unwrap());
        assert_eq!(rec.line, 3);
        assert_eq!(rec.fields().len(), 9);
        let e = r.next(&mut rec).unwrap_err();
        assert_eq!(e.line, 4);
        assert!(e.message.contains("3 fields"), "{e:?}");
    }
}
