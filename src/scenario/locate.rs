//! Finding where in the source text a validation problem lives.
//!
//! RON gives positions for syntax errors but the parsed values carry no spans, so checks
//! made after parsing (unknown site, duplicate name, ...) point back into the text by
//! searching for anchors in order: e.g. `fleets`, then `"desktops"`, then `"hq2"` finds the
//! bad site reference inside that fleet. Comments are blanked first so that an anchor never
//! matches inside one.

#![allow(clippy::indexing_slicing)] // indices are byte offsets found by searching the same text

pub struct Locator {
    /// The source with comments replaced by spaces (same byte offsets).
    text: String,
}

/// A 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl Locator {
    pub fn new(source: &str) -> Self {
        Locator {
            text: blank_comments(source),
        }
    }

    /// The position of the last anchor found when searching for each in turn after the
    /// previous one; anchors not found are skipped. With nothing found: 1:1.
    pub fn find(&self, anchors: &[&str]) -> Position {
        let mut from = 0;
        let mut found = None;
        for anchor in anchors {
            if let Some(at) = self.text[from..].find(anchor) {
                found = Some(from + at);
                from += at + anchor.len();
            }
        }
        self.position(found.unwrap_or(0))
    }

    /// The position of the `nth` (0-based) element of the list field `field`, e.g. the third
    /// `Event(` of `timeline`.
    pub fn find_item(&self, field: &str, item_tag: &str, nth: usize) -> Position {
        let Some(start) = self.field_start(field) else {
            return Position { line: 1, column: 1 };
        };
        let mut from = start;
        let mut found = start;
        for _ in 0..=nth {
            match self.text[from..].find(item_tag) {
                Some(at) => {
                    found = from + at;
                    from = found + item_tag.len();
                }
                None => break,
            }
        }
        self.position(found)
    }

    /// The position of `anchor` inside the `nth` element of list `field` (the `port:` of
    /// the third event), or of the element itself when the anchor is not there.
    pub fn find_in_item(&self, field: &str, item_tag: &str, nth: usize, anchor: &str) -> Position {
        let item = self.find_item(field, item_tag, nth);
        let start = self.offset(item);
        let next = self.text[start + 1..]
            .find(item_tag)
            .map_or(self.text.len(), |i| start + 1 + i);
        match self.text[start..next].find(anchor) {
            Some(at) => self.position(start + at),
            None => item,
        }
    }

    /// The position of every element of the list field `field` (`expect: [A(..), B(..)]`:
    /// where `A` and `B` start), whatever their tags, in one pass over the text: locating
    /// every expectation of a scenario stays linear in its size. Empty if there is no such
    /// field or it is not a list.
    pub fn list_items(&self, field: &str) -> Vec<Position> {
        let Some(start) = self.field_start(field) else {
            return Vec::new();
        };
        let scan = super::scan::Scan {
            text: self.text.as_bytes(),
        };
        let open = scan.skip_ws(start + field.len() + 1);
        if scan.text.get(open) != Some(&b'[') {
            return Vec::new();
        }
        let starts = scan.items(open).0.into_iter().map(|(start, _)| start);
        // Offsets to positions, counting lines once from the previous item.
        let mut out = Vec::new();
        let (mut line, mut line_start, mut from) = (1, 0, 0);
        for at in starts {
            for (k, c) in self.text[from..at].bytes().enumerate() {
                if c == b'\n' {
                    line += 1;
                    line_start = from + k + 1;
                }
            }
            from = at;
            out.push(Position {
                line,
                column: self.text[line_start..at].chars().count() + 1,
            });
        }
        out
    }

    /// The byte offset of a position found by this locator.
    fn offset(&self, p: Position) -> usize {
        let line_start: usize = self
            .text
            .split_inclusive('\n')
            .take(p.line - 1)
            .map(str::len)
            .sum();
        let line = &self.text[line_start..];
        line_start
            + line
                .char_indices()
                .nth(p.column - 1)
                .map_or(line.len(), |(i, _)| i)
    }

    fn field_start(&self, field: &str) -> Option<usize> {
        let needle = format!("{field}:");
        let mut from = 0;
        while let Some(at) = self.text[from..].find(&needle) {
            let abs = from + at;
            let before = self.text[..abs].chars().next_back();
            if before.is_none_or(|c| !c.is_alphanumeric() && c != '_') {
                return Some(abs);
            }
            from = abs + needle.len();
        }
        None
    }

    fn position(&self, offset: usize) -> Position {
        let before = &self.text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        Position {
            line,
            column: before[line_start..].chars().count() + 1,
        }
    }
}

/// Replaces `// ...` and (nested) `/* ... */` comments by spaces, leaving strings alone.
pub(crate) fn blank_comments(source: &str) -> String {
    let bytes = source.as_bytes();
    let mut out = bytes.to_vec();
    let mut i = 0;
    let mut in_string = false;
    while i < bytes.len() {
        let b = bytes[i];
        if in_string {
            match b {
                b'\\' => i += 1,
                b'"' => in_string = false,
                _ => {}
            }
            i += 1;
        } else if b == b'"' {
            in_string = true;
            i += 1;
        } else if bytes[i..].starts_with(b"//") {
            while i < bytes.len() && bytes[i] != b'\n' {
                out[i] = b' ';
                i += 1;
            }
        } else if bytes[i..].starts_with(b"/*") {
            let mut depth = 0;
            while i < bytes.len() {
                if bytes[i..].starts_with(b"/*") {
                    depth += 1;
                    out[i] = b' ';
                    out[i + 1] = b' ';
                    i += 2;
                } else if bytes[i..].starts_with(b"*/") {
                    depth -= 1;
                    out[i] = b' ';
                    out[i + 1] = b' ';
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    if bytes[i] != b'\n' && bytes[i].is_ascii() {
                        out[i] = b' ';
                    }
                    i += 1;
                }
            }
        } else {
            i += 1;
        }
    }
    // Only ASCII bytes were replaced, by ASCII spaces, so the text is still UTF-8; multi-byte
    // characters inside comments were kept whole.
    String::from_utf8(out).unwrap_or_else(|_| source.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_are_found_in_order_outside_comments() {
        let text = "A(\n  // \"x\" in a comment\n  fleets: [F(name: \"x\", site: \"hq2\")],\n)";
        let loc = Locator::new(text);
        assert_eq!(
            loc.find(&["fleets", "\"x\"", "\"hq2\""]),
            Position {
                line: 3,
                column: 31
            }
        );
        assert_eq!(
            loc.find(&["\"x\""]),
            Position {
                line: 3,
                column: 20
            }
        );
        assert_eq!(loc.find(&["nowhere"]), Position { line: 1, column: 1 });
    }

    #[test]
    fn every_item_of_a_list_whatever_its_tag() {
        let text = "S(\n expect: [\n  A(fleet: \"x,y\", n: [1, 2]),\n  // B(\n  B(), C((1, 2)),\n ],\n timeline: [E()],\n)";
        let loc = Locator::new(text);
        let at = |line, column| Position { line, column };
        assert_eq!(loc.list_items("expect"), vec![at(3, 3), at(5, 3), at(5, 8)]);
        assert_eq!(loc.list_items("timeline"), vec![at(7, 13)]);
        assert!(loc.list_items("fleets").is_empty());
        assert!(
            Locator::new("S(expect: [])")
                .list_items("expect")
                .is_empty()
        );
    }

    #[test]
    fn list_items_by_index() {
        let text = "S(\n timeline: [\n  Event(at: \"1d\"),\n  Event(at: \"2d\"),\n ],\n)";
        let loc = Locator::new(text);
        assert_eq!(
            loc.find_item("timeline", "Event(", 1),
            Position { line: 4, column: 3 }
        );
    }
}
