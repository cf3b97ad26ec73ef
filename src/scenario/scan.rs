//! A scanner over scenario text with its comments blanked (`locate::blank_comments`, same
//! byte offsets): the spans of struct fields, list items, strings and bracketed groups.
//! RON values carry no positions once parsed; what needs them (the lines of expectations,
//! `advise` editing the user's own text) finds them here.

#![allow(clippy::indexing_slicing)] // indices are byte offsets the scanner found in the same text

/// A field `name: value` of a RON struct: where its name starts and its value's span.
#[derive(Debug, Clone)]
pub(crate) struct Field {
    pub name: String,
    pub name_start: usize,
    pub value: (usize, usize),
}

/// The scanner over the blanked text.
pub(crate) struct Scan<'t> {
    pub text: &'t [u8],
}

impl Scan<'_> {
    pub fn skip_ws(&self, mut i: usize) -> usize {
        while i < self.text.len() && self.text[i].is_ascii_whitespace() {
            i += 1;
        }
        i
    }

    /// The end of the string literal starting at `i` (on its opening quote).
    pub fn string_end(&self, mut i: usize) -> usize {
        i += 1;
        while i < self.text.len() {
            match self.text[i] {
                b'\\' => i += 2,
                b'"' => return i + 1,
                _ => i += 1,
            }
        }
        self.text.len()
    }

    /// The end of the bracketed group starting at `i` (on `(`, `[` or `{`).
    pub fn group_end(&self, mut i: usize) -> usize {
        let mut depth = 0usize;
        while i < self.text.len() {
            match self.text[i] {
                b'"' => {
                    i = self.string_end(i);
                    continue;
                }
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return i + 1;
                    }
                }
                _ => {}
            }
            i += 1;
        }
        self.text.len()
    }

    /// The end of the value starting at `i`: a string, a group, or a word (identifier or
    /// number) with an optional group after it (`Kms(discovery: Dns)`).
    pub fn value_end(&self, i: usize) -> usize {
        match self.text.get(i) {
            Some(b'"') => self.string_end(i),
            Some(b'(' | b'[' | b'{') => self.group_end(i),
            _ => {
                let mut j = i;
                while j < self.text.len()
                    && (self.text[j].is_ascii_alphanumeric() || b"_.+-".contains(&self.text[j]))
                {
                    j += 1;
                }
                let k = self.skip_ws(j);
                if self.text.get(k) == Some(&b'(') {
                    self.group_end(k)
                } else {
                    j
                }
            }
        }
    }

    /// The fields of the struct whose `(` is at `open`, and the position of its `)`.
    pub fn fields(&self, open: usize) -> (Vec<Field>, usize) {
        let mut out = Vec::new();
        let mut i = open + 1;
        loop {
            i = self.skip_ws(i);
            match self.text.get(i) {
                None => return (out, self.text.len()),
                Some(b')') => return (out, i),
                Some(b',') => {
                    i += 1;
                    continue;
                }
                _ => {}
            }
            let start = i;
            while i < self.text.len()
                && (self.text[i].is_ascii_alphanumeric() || self.text[i] == b'_')
            {
                i += 1;
            }
            let name = String::from_utf8_lossy(&self.text[start..i]).into_owned();
            i = self.skip_ws(i);
            if self.text.get(i) != Some(&b':') || name.is_empty() {
                // Not a struct body (a tuple): nothing to edit in it.
                return (out, self.group_end(open).saturating_sub(1));
            }
            let from = self.skip_ws(i + 1);
            let to = self.value_end(from);
            out.push(Field {
                name,
                name_start: start,
                value: (from, to),
            });
            i = to;
        }
    }

    /// The items of the list whose `[` is at `open`, and the position of its `]`.
    pub fn items(&self, open: usize) -> (Vec<(usize, usize)>, usize) {
        let mut out = Vec::new();
        let mut i = open + 1;
        loop {
            i = self.skip_ws(i);
            match self.text.get(i) {
                None => return (out, self.text.len()),
                Some(b']') => return (out, i),
                Some(b',') => i += 1,
                _ => {
                    let end = self.value_end(i);
                    out.push((i, end));
                    i = end.max(i + 1);
                }
            }
        }
    }

    /// The fields of the struct item spanning `item` (`Fleet(...)`).
    pub fn item_fields(&self, item: (usize, usize)) -> Vec<Field> {
        let open = (item.0..item.1).find(|&i| self.text[i] == b'(');
        open.map(|o| self.fields(o).0).unwrap_or_default()
    }

    /// The `name` of a struct item, unquoted.
    pub fn name_of(&self, fields: &[Field]) -> Option<String> {
        let f = fields.iter().find(|f| f.name == "name")?;
        let (a, b) = f.value;
        let quoted = std::str::from_utf8(self.text.get(a..b)?).ok()?;
        ron::from_str::<String>(quoted).ok()
    }

    /// The whitespace that starts the line holding `i`.
    pub fn indent_at(&self, i: usize) -> String {
        let line_start = self.text[..i]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |p| p + 1);
        self.text[line_start..]
            .iter()
            .take_while(|&&b| b == b' ' || b == b'\t')
            .map(|&b| b as char)
            .collect()
    }

    pub fn line_start(&self, i: usize) -> usize {
        self.text[..i]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |p| p + 1)
    }
}
