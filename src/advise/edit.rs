//! `advised.ron`: the scenario with the advised methods, written by editing the user's own
//! text — only the activation of each changed fleet, the added local KMS hosts and MAK keys,
//! the activation objects, and the expectations change; comments and layout stay.
//!
//! RON values carry no positions once parsed, so the scenario text scanner
//! (`scenario::scan`, over the text with comments blanked, same offsets) finds the fields
//! and list items to replace. The result is parsed
//! and validated like any scenario before anybody sees it.

#![allow(clippy::indexing_slicing)] // indices are byte offsets the scanner found in the same text, and ids of the validated model and of the plan

use super::plan::{HostRef, MakWay, PHONE_DELAY, Plan, Recommended, Row};
use crate::model::Model;
use crate::scenario::locate::blank_comments;
use crate::scenario::scan::{Field, Scan};
use crate::time::human;

/// One replacement of the text.
struct Edit {
    at: (usize, usize),
    text: String,
}

/// Appends `entries` to a list or struct body whose last element ends at `last_end` (None:
/// empty) and whose closing bracket is at `close`; each entry is preceded by `sep`.
fn append(
    scan: &Scan,
    last_end: Option<usize>,
    close: usize,
    entries: &[String],
    sep: &str,
) -> Edit {
    let each = |e: &String| format!("{sep}{e},");
    match last_end {
        None => Edit {
            at: (close, close),
            text: entries.iter().map(each).collect::<String>() + "\n" + &scan.indent_at(close),
        },
        Some(end) => {
            let after = scan.skip_ws(end);
            if scan.text.get(after) == Some(&b',') {
                Edit {
                    at: (after + 1, after + 1),
                    text: entries.iter().map(each).collect(),
                }
            } else {
                let text: String = entries.iter().map(|e| format!(",{sep}{e}")).collect();
                Edit {
                    at: (end, end),
                    text,
                }
            }
        }
    }
}

/// The text of `advised.ron`, validated; `file` names the scenario in its header.
pub fn advised(model: &Model, plan: &Plan) -> Result<(String, Model), String> {
    let source = &model.source;
    let blanked = blank_comments(source);
    let scan = Scan {
        text: blanked.as_bytes(),
    };
    let start = scan.skip_ws(0);
    let open = (start..scan.text.len())
        .find(|&i| scan.text[i] == b'(')
        .ok_or("the scenario text has no opening parenthesis")?;
    let (top, top_close) = scan.fields(open);
    let field = |name: &str| top.iter().find(|f| f.name == name);
    let fleets_field = field("fleets").ok_or("the scenario text has no fleets")?;
    let top_indent = scan.indent_at(fleets_field.name_start);
    let item_indent = format!("{top_indent}    ");
    let mut edits: Vec<Edit> = Vec::new();

    // The fleets whose method changes.
    let (fleet_items, _) = scan.items(fleets_field.value.0);
    for item in fleet_items {
        let fields = scan.item_fields(item);
        let Some(name) = scan.name_of(&fields) else {
            continue;
        };
        let Some(a) = plan
            .fleets
            .iter()
            .find(|a| model.fleets[a.criteria.fleet].name == name)
        else {
            continue;
        };
        if a.same_as_current {
            continue;
        }
        let Some(activation) = fields.iter().find(|f| f.name == "activation") else {
            continue;
        };
        let line = scan.line_start(item.0);
        let indent = scan.indent_at(item.0);
        let row = a
            .row
            .map_or(String::new(), |r| format!("Table 1 row {}: ", r.number()));
        edits.push(Edit {
            at: (line, line),
            text: format!(
                "{indent}// actsim advise: {row}was {}.\n",
                super::plan::current_words(model, a.criteria.fleet)
            ),
        });
        edits.push(Edit {
            at: activation.value,
            text: activation_text(model, plan, &a.recommended),
        });
        // A machine that is never activated cannot start activated.
        if a.recommended == Recommended::NotActivated
            && let Some(initial) = fields.iter().find(|f| f.name == "initial")
        {
            let after = scan.skip_ws(initial.value.1);
            let end = if scan.text.get(after) == Some(&b',') {
                after + 1
            } else {
                initial.value.1
            };
            edits.push(Edit {
                at: (initial.name_start, end),
                text: String::new(),
            });
        }
    }

    // Activation objects (ADBA-1).
    if !plan.create_objects.is_empty() {
        let domains = field("domains").ok_or("the scenario text has no domains")?;
        let (items, _) = scan.items(domains.value.0);
        for item in items {
            let fields = scan.item_fields(item);
            let Some(name) = scan.name_of(&fields) else {
                continue;
            };
            if !plan
                .create_objects
                .iter()
                .any(|&d| model.domains[d].name == name)
            {
                continue;
            }
            match fields.iter().find(|f| f.name == "adba") {
                Some(f) => edits.push(Edit {
                    at: f.value,
                    text: "true".to_owned(),
                }),
                None => {
                    let close = (item.0..item.1).rev().find(|&i| scan.text[i] == b')');
                    if let Some(close) = close {
                        edits.push(append(
                            &scan,
                            fields.last().map(|f| f.value.1),
                            close,
                            &["adba: true".to_owned()],
                            " ",
                        ));
                    }
                }
            }
        }
    }

    // Local KMS hosts (NET-3).
    let hosts: Vec<String> = plan
        .new_hosts
        .iter()
        .map(|h| {
            let keys = if h.office {
                ", keys: [ServerC, Office]"
            } else {
                ""
            };
            format!(
                "// actsim advise: Table 1 row {}: a KMS host of the isolated network, found by hand.\n{item_indent}KmsHost(name: {:?}, site: {:?}{keys}, publish: false)",
                Row::LocalKms.number(),
                h.name,
                model.sites[h.site]
            )
        })
        .collect();
    add_to_list(
        &scan,
        &mut edits,
        field("kms_hosts"),
        "kms_hosts",
        &hosts,
        fleets_field.name_start,
        &top_indent,
    );

    // MAK keys: new ones, and the scenario's own resized.
    let mut keys: Vec<String> = Vec::new();
    let existing_keys = field("mak_keys").map(|f| scan.items(f.value.0).0);
    for k in &plan.mak_keys {
        match k.existing {
            None => keys.push(format!(
                "// actsim advise: {} activations a year ({} over the run).\n{item_indent}MakKey(name: {:?}, activations: {})",
                k.per_year, k.in_run, k.name, k.activations
            )),
            Some(e) if e != k.activations => {
                for &item in existing_keys.iter().flatten() {
                    let fields = scan.item_fields(item);
                    if scan.name_of(&fields).as_deref() == Some(k.name.as_str())
                        && let Some(f) = fields.iter().find(|f| f.name == "activations")
                    {
                        edits.push(Edit {
                            at: f.value,
                            text: format!("{} /* actsim advise: was {e} */", k.activations),
                        });
                    }
                }
            }
            Some(_) => {}
        }
    }
    add_to_list(
        &scan,
        &mut edits,
        field("mak_keys"),
        "mak_keys",
        &keys,
        fleets_field.name_start,
        &top_indent,
    );

    // The expectations: the advised plan's promise.
    let promises: Vec<String> = plan
        .fleets
        .iter()
        .filter(|a| a.recommended != Recommended::Unchanged)
        .map(|a| {
            format!(
                "NoneIn(fleet: {:?}, state: Notification)",
                model.fleets[a.criteria.fleet].name
            )
        })
        .collect();
    let list = format!(
        "[\n{}{top_indent}]",
        promises
            .iter()
            .map(|p| format!("{item_indent}{p},\n"))
            .collect::<String>()
    );
    match field("expect") {
        Some(f) => edits.push(Edit {
            at: f.value,
            text: list,
        }),
        None => edits.push(append(
            &scan,
            top.last().map(|f| f.value.1),
            top_close,
            &[format!("expect: {list}")],
            &format!("\n{top_indent}"),
        )),
    }

    // The name and the header.
    if let Some(f) = field("name") {
        let name = format!("{} (advised)", model.name);
        if name.chars().count() <= crate::resolve::limits::MAX_TITLE {
            edits.push(Edit {
                at: f.value,
                text: format!("{name:?}"),
            });
        }
    }
    let question_line = source
        .lines()
        .next()
        .filter(|l| l.trim_start().starts_with("//"))
        .map_or(0, |l| l.len() + 1)
        .min(source.len());
    let original = model.question.as_ref().map_or(String::new(), |q| {
        format!("// The scenario's question: {q}\n")
    });
    edits.push(Edit {
        at: (0, question_line),
        text: format!(
            "// Does the plan actsim advise recommends for \"{}\" keep every machine out of \
             notification?\n\
             // Each changed fleet names the row of Table 1 (criteria for activation methods) \
             that decided it; the expectations are the advised plan's promise.\n{original}",
            model.name
        ),
    });

    edits.sort_by_key(|e| (e.at.0, e.at.1));
    let mut out = String::with_capacity(source.len() + 2_048);
    let mut at = 0;
    for e in &edits {
        if e.at.0 < at {
            return Err("two edits of advised.ron overlap".to_owned());
        }
        out.push_str(source.get(at..e.at.0).ok_or("edit outside the text")?);
        out.push_str(&e.text);
        at = e.at.1;
    }
    out.push_str(source.get(at..).ok_or("edit outside the text")?);
    let advised = crate::parse("advised.ron", out.as_bytes()).map_err(|e| e.to_string())?;
    Ok((out, advised))
}

/// Adds `entries` to the top-level list `name` (or creates it before the field starting at
/// `before`).
fn add_to_list(
    scan: &Scan,
    edits: &mut Vec<Edit>,
    list: Option<&Field>,
    name: &str,
    entries: &[String],
    before: usize,
    indent: &str,
) {
    if entries.is_empty() {
        return;
    }
    let item_indent = format!("{indent}    ");
    match list {
        Some(f) => {
            let (items, close) = scan.items(f.value.0);
            edits.push(append(
                scan,
                items.last().map(|i| i.1),
                close,
                entries,
                &format!("\n{item_indent}"),
            ));
        }
        None => {
            let body: String = entries
                .iter()
                .map(|e| format!("{item_indent}{e},\n"))
                .collect();
            edits.push(Edit {
                at: (before, before),
                text: format!("{name}: [\n{body}{indent}],\n{indent}"),
            });
        }
    }
}

/// The scenario text of an advised method.
fn activation_text(model: &Model, plan: &Plan, r: &Recommended) -> String {
    match r {
        Recommended::Adba { fallback_kms } => format!("Adba(fallback_kms: {fallback_kms})"),
        Recommended::Kms { host, by_dns } => {
            let name = match host {
                HostRef::Existing(h) => model.kms.hosts[*h].name.clone(),
                HostRef::New(k) => plan.new_hosts[*k].name.clone(),
            };
            if *by_dns {
                "Kms(discovery: Dns)".to_owned()
            } else {
                format!("Kms(discovery: Static({name:?}))")
            }
        }
        Recommended::Mak { key, way } => {
            let key = &plan.mak_keys[*key].name;
            match way {
                MakWay::Independent => format!("Mak(key: {key:?})"),
                MakWay::Proxy(s) => {
                    format!("Mak(key: {key:?}, mode: Proxy(via: {:?}))", model.sites[*s])
                }
                MakWay::Phone => {
                    format!(
                        "Mak(key: {key:?}, mode: Phone(delay: {:?}))",
                        human(PHONE_DELAY)
                    )
                }
            }
        }
        Recommended::NotActivated => "NotActivated".to_owned(),
        Recommended::Unchanged => String::new(),
    }
}
