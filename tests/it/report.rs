//! Charts and the HTML report: SVG snapshots, PNG size and content, self-containment,
//! re-rendering from the files, and a real browser where one is installed.

use std::path::{Path, PathBuf};
use std::process::Command;

fn run_to(dir: &Path, scenario: &str) {
    let o = Command::new(env!("CARGO_BIN_EXE_actsim"))
        .args(["run", scenario, "--quiet", "--out"])
        .arg(dir)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

fn read(dir: &Path, name: &str) -> Vec<u8> {
    std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Width, height and RGB pixels of a PNG.
fn decode(bytes: &[u8]) -> (u32, u32, Vec<u8>) {
    let mut reader = png::Decoder::new(std::io::Cursor::new(bytes))
        .read_info()
        .unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    buf.truncate(info.buffer_size());
    (info.width, info.height, buf)
}

#[test]
fn svg_charts_of_two_scenarios_are_snapshots() {
    for scenario in ["branch-firewall", "quickstart"] {
        let dir = tempfile::tempdir().unwrap();
        run_to(dir.path(), &format!("scenarios/{scenario}.ron"));
        for chart in ["activation", "kms-count", "load"] {
            let svg = String::from_utf8(read(dir.path(), &format!("{chart}.svg"))).unwrap();
            insta::assert_snapshot!(format!("{scenario}-{chart}-svg"), svg);
        }
    }
}

#[test]
fn pngs_are_large_enough_and_not_blank() {
    let dir = tempfile::tempdir().unwrap();
    run_to(dir.path(), "scenarios/laptops-and-ships.ron");
    for chart in ["activation", "kms-count", "load"] {
        let (w, h, rgb) = decode(&read(dir.path(), &format!("{chart}.png")));
        assert!(w >= 1200 && h >= 700, "{chart}: {w}×{h}");
        let pixels = rgb.chunks(3).count();
        let white = rgb.chunks(3).filter(|p| p == &[255, 255, 255]).count();
        let inked = pixels - white;
        assert!(
            inked * 100 > pixels,
            "{chart}: only {inked} of {pixels} pixels drawn"
        );
        let mut colours: Vec<&[u8]> = rgb.chunks(3).collect();
        colours.sort_unstable();
        colours.dedup();
        assert!(colours.len() > 8, "{chart}: {} colours", colours.len());
        let licensed_green = rgb.chunks(3).filter(|p| p == &[0x1A, 0x7F, 0x5A]).count();
        if chart == "activation" {
            assert!(
                licensed_green * 4 > pixels,
                "{chart}: the licensed area is missing"
            );
        }
    }
}

#[test]
fn report_html_is_self_contained_and_complete() {
    let dir = tempfile::tempdir().unwrap();
    run_to(dir.path(), "scenarios/branch-firewall.ron");
    let html = String::from_utf8(read(dir.path(), "report.html")).unwrap();
    for attr in ["src=", "href="] {
        for quote in ["\"", "'", ""] {
            for scheme in ["http://", "https://", "//"] {
                let bad = format!("{attr}{quote}{scheme}");
                assert!(!html.contains(&bad), "network reference {bad}");
            }
        }
    }
    assert!(!html.contains("<script"), "no scripts");
    assert!(!html.contains("<link"), "no linked resources");
    assert!(!html.contains("@import"), "no imported styles");
    assert_eq!(
        html.matches("<svg").count(),
        4,
        "three charts and the network diagram"
    );
    for text in [
        "Branch firewall opens TCP 1688 on day 35",
        "when are the branch PCs licensed",
        "All 6 expectations held.",
        "hq–branch opens TCP 1688",
        "0xC004F074",
        "no KMS host could be contacted",
        "@media print",
    ] {
        assert!(html.contains(text), "missing {text:?}");
    }
}

#[test]
fn chart_redraws_the_same_bytes_from_a_runs_files() {
    let dir = tempfile::tempdir().unwrap();
    run_to(dir.path(), "scenarios/creator-only.ron");
    let drawn = super::support::DRAWN;
    let before: Vec<Vec<u8>> = drawn.iter().map(|f| read(dir.path(), f)).collect();
    for f in drawn {
        std::fs::remove_file(dir.path().join(f)).unwrap();
    }
    let o = Command::new(env!("CARGO_BIN_EXE_actsim"))
        .arg("chart")
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for (f, old) in drawn.iter().zip(before) {
        assert!(
            read(dir.path(), f) == old,
            "{f} differs after `actsim chart`"
        );
    }
}

#[test]
fn chart_of_a_directory_without_a_run_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_actsim"))
        .arg("chart")
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(74));
    assert!(String::from_utf8_lossy(&o.stderr).contains("scenario.ron"));
    // A run's CSV edited into nonsense: refused as bad data, nothing rewritten.
    run_to(dir.path(), "scenarios/quickstart.ron");
    std::fs::write(
        dir.path().join("hosts.csv"),
        "time_s,day,host\n1,x,nobody\n",
    )
    .unwrap();
    let report = read(dir.path(), "report.html");
    let o = Command::new(env!("CARGO_BIN_EXE_actsim"))
        .arg("chart")
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(65),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(read(dir.path(), "report.html") == report);
}

fn chromium() -> Option<PathBuf> {
    [
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome",
    ]
    .into_iter()
    .map(PathBuf::from)
    .find(|p| p.exists())
}

/// Renders report.html in headless Chromium and checks the screenshot shows a page.
#[test]
fn report_renders_in_a_real_browser() {
    let Some(browser) = chromium() else {
        eprintln!("skipped: no Chromium at /usr/bin/chromium (apt-get install chromium)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    run_to(dir.path(), "scenarios/branch-firewall.ron");
    let shot = dir.path().join("shot.png");
    let profile = dir.path().join("profile");
    let o = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--window-size=1280,3000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!(
            "file://{}",
            dir.path().join("report.html").display()
        ))
        .output()
        .unwrap();
    assert!(
        shot.exists(),
        "no screenshot: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let (w, h, rgb) = decode(&std::fs::read(&shot).unwrap());
    assert_eq!((w, h), (1280, 3000));
    // The charts' licensed green and notification red are on the page.
    let has = |c: [u8; 3]| rgb.chunks(3).filter(|p| *p == c).count();
    assert!(
        has([0x1A, 0x7F, 0x5A]) > 10_000,
        "licensed area not rendered"
    );
    assert!(
        has([0x8E, 0x12, 0x1F]) > 1_000,
        "notification area not rendered"
    );
}
