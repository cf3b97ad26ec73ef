//! The cookbook (`docs/cookbook.md`) cannot go stale: each scenario's entry between its
//! markers is what a fresh run says (the question and answer of the scenario file, the
//! verdict and findings the terminal prints first, the command), and its chart in
//! `docs/img/` is the chart that run draws, byte for byte. `tools/cookbook.sh` rewrites both
//! (this test with `COOKBOOK_UPDATE=1`); the prose around the markers is written by hand.
//!
//! An entry is `<!-- scenario: NAME chart: CHART -->` … `<!-- end -->`, where CHART is one of
//! the charts `actsim run --out` draws (`activation`, `kms-count`, `load`, `ksc`).

use actsim::report::chart::{self, Activation, KmsCount, Ksc, Load};
use std::fmt::Write;
use std::path::Path;

const COOKBOOK: &str = "docs/cookbook.md";
const END: &str = "<!-- end -->";

/// One marked entry of the cookbook.
struct Entry {
    scenario: String,
    chart: String,
}

/// The marker of an entry: `<!-- scenario: NAME chart: CHART -->`.
fn marker(line: &str) -> Option<Entry> {
    let rest = line.strip_prefix("<!-- scenario: ")?.strip_suffix(" -->")?;
    let (scenario, chart) = rest.split_once(" chart: ")?;
    Some(Entry {
        scenario: scenario.to_owned(),
        chart: chart.to_owned(),
    })
}

/// The answer written under the question in a scenario file: the comment lines after the
/// first, without `// ` and the leading `Answer: `, joined into one paragraph.
fn answer(source: &str) -> String {
    let lines: Vec<&str> = source
        .lines()
        .skip(1)
        .map_while(|l| l.strip_prefix("// "))
        .collect();
    let text = lines.join(" ");
    text.strip_prefix("Answer: ")
        .unwrap_or_else(|| panic!("the second line must start with `// Answer: `"))
        .to_owned()
}

/// The verdict and findings, as the terminal summary prints them after the header.
fn verdict(text: &str) -> String {
    text.lines()
        .skip_while(|l| !l.is_empty())
        .skip(1)
        .take_while(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The PNG of a chart, compressed harder than `run --out` does (the same pixels in about a
/// third of the bytes), so that the repository stays small.
fn compact(png: &[u8]) -> Vec<u8> {
    let mut reader = png::Decoder::new(png).read_info().unwrap();
    let mut pixels = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut pixels).unwrap();
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, info.width, info.height);
    encoder.set_color(info.color_type);
    encoder.set_depth(info.bit_depth);
    encoder.set_compression(png::Compression::Best);
    encoder.set_filter(png::FilterType::Sub);
    let mut writer = encoder.write_header().unwrap();
    writer
        .write_image_data(&pixels[..info.buffer_size()])
        .unwrap();
    writer.finish().unwrap();
    out
}

/// The generated text of an entry and the PNG of its chart.
fn entry(e: &Entry) -> (String, Vec<u8>) {
    let path = format!("scenarios/{}.ron", e.scenario);
    let model = actsim::load(Path::new(&path)).unwrap_or_else(|err| panic!("{err}"));
    let outcome = actsim::run(&model, model.seed);
    let summary = actsim::report::summary(&model, model.seed, &outcome);
    let tables = actsim::report::tables_of(&model, &outcome);
    let rendered = match e.chart.as_str() {
        "activation" => chart::render(&Activation::new(&model, &tables, &summary.findings)),
        "kms-count" => chart::render(&KmsCount::new(&model, &tables)),
        "load" => chart::render(&Load::new(&model, &tables)),
        "ksc" => chart::render(&Ksc::new(&model, &tables, &summary.findings)),
        other => panic!("{}: no chart {other:?}", e.scenario),
    }
    .unwrap();
    let mut s = String::new();
    let question = model.question.as_deref().unwrap_or_default();
    let _ = writeln!(s, "### {}\n", model.name);
    let _ = writeln!(s, "**Question.** {question}\n");
    let _ = writeln!(s, "**Answer.** {}\n", answer(&model.source));
    let _ = writeln!(s, "What the run reports first:\n");
    let _ = writeln!(
        s,
        "```text\n{}\n```\n",
        verdict(&actsim::report::text(&model, &summary, false))
    );
    let _ = writeln!(
        s,
        "```sh\nactsim run {path} --out out/{}\n```\n",
        e.scenario
    );
    let _ = writeln!(
        s,
        "![The {} chart of {path}](img/{}.png)",
        e.chart, e.scenario
    );
    (s, compact(&rendered.png))
}

#[test]
fn the_cookbook_is_what_the_runs_say() {
    let update = std::env::var_os("COOKBOOK_UPDATE").is_some();
    let text = std::fs::read_to_string(COOKBOOK).unwrap();
    let mut out = String::new();
    let mut seen = Vec::new();
    let mut stale = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        out.push_str(line);
        out.push('\n');
        let Some(e) = marker(line) else { continue };
        let mut old = String::new();
        for l in lines.by_ref() {
            if l == END {
                break;
            }
            old.push_str(l);
            old.push('\n');
        }
        let (new, png) = entry(&e);
        let image = format!("docs/img/{}.png", e.scenario);
        if old != new {
            stale.push(format!("{COOKBOOK}: the entry of {}", e.scenario));
        }
        if std::fs::read(&image).ok().as_deref() != Some(png.as_slice()) {
            stale.push(image.clone());
            if update {
                std::fs::write(&image, &png).unwrap();
            }
        }
        out.push_str(&new);
        out.push_str(END);
        out.push('\n');
        seen.push(e.scenario);
    }
    if update {
        std::fs::write(COOKBOOK, &out).unwrap();
    }
    // One entry per shipped scenario.
    let mut shipped: Vec<String> = std::fs::read_dir("scenarios")
        .unwrap()
        .filter_map(|e| {
            let p = e.unwrap().path();
            (p.extension()? == "ron").then(|| p.file_stem().unwrap().to_string_lossy().into())
        })
        .collect();
    shipped.sort();
    seen.sort();
    assert_eq!(
        shipped, seen,
        "every scenario has exactly one entry in {COOKBOOK} (add `<!-- scenario: NAME chart: \
         CHART -->` and `{END}` where it belongs, then run tools/cookbook.sh)"
    );
    assert!(
        update || stale.is_empty(),
        "stale (run tools/cookbook.sh and review the diff):\n  {}",
        stale.join("\n  ")
    );
}
