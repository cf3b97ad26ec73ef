//! Charts of a run (`activation`, `kms-count`, `load`), each drawn once through a generic
//! backend and rendered both as SVG (for the HTML report and documents) and PNG (for
//! pasting). Text uses the committed DejaVu Sans font (`assets/fonts`, Bitstream Vera
//! licence) registered with plotters, so nothing depends on the machine's fonts and the
//! bytes are identical on every machine.

mod activation;
pub mod axis;
mod kms_count;
mod load;
pub mod palette;

pub use activation::{Activation, Ksc};
pub use kms_count::KmsCount;
pub use load::Load;

use plotters::coord::Shift;
use plotters::prelude::*;
use std::sync::Once;

pub const FONT: &str = "sans-serif";
static FONT_BYTES: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");

fn register_font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        plotters::style::register_font(FONT, FontStyle::Normal, FONT_BYTES)
            .unwrap_or_else(|_| unreachable!("the committed font file is valid"));
    });
}

pub type DrawResult = Result<(), Box<dyn std::error::Error>>;

/// A chart that can draw itself on any plotters backend.
pub trait Chart {
    /// Width and height in pixels (PNG) or user units (SVG).
    fn size(&self) -> (u32, u32);
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static;
}

/// One chart in both formats.
pub struct Rendered {
    pub svg: String,
    pub png: Vec<u8>,
}

/// Draws `chart` as SVG and as PNG. Drawing into memory cannot fail short of a bug, and the
/// run's results must still be written if it does, so a failure is reported as an error
/// message rather than a panic.
pub fn render(chart: &impl Chart) -> Result<Rendered, String> {
    register_font();
    let (w, h) = chart.size();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (w, h)).into_drawing_area();
        chart.draw(&root).map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())?;
    }
    let mut rgb = vec![0u8; w as usize * h as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, (w, h)).into_drawing_area();
        chart.draw(&root).map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())?;
    }
    let mut png = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut png, w, h);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().map_err(|e| e.to_string())?;
        writer.write_image_data(&rgb).map_err(|e| e.to_string())?;
    }
    Ok(Rendered { svg, png })
}

/// The width of every chart: a page width, readable when printed.
pub const WIDTH: u32 = 1400;

/// The smallest height of a whole chart: a page-width chart shorter than this looks squashed.
pub const MIN_HEIGHT: u32 = 700;

/// For `n` panels stacked under `above` pixels of header: the height of each (at least
/// `least`, more when few panels would leave the chart shorter than `MIN_HEIGHT`) and the
/// height of the whole chart.
pub fn stacked(n: usize, above: u32, least: u32) -> (u32, u32) {
    let n = n.max(1) as u32;
    let each = least.max(MIN_HEIGHT.saturating_sub(above + 10) / n);
    (each, above + n * each + 10)
}

/// A y-axis value label: whole numbers on a large scale, `decimals` places on a small one.
pub fn y_value(v: f64, y_max: f64, decimals: usize) -> String {
    if y_max < 10.0 {
        format!("{v:.decimals$}")
    } else {
        format!("{}", v.round())
    }
}

/// A text style of the chart font.
pub fn text(size: u32, color: RGBColor) -> TextStyle<'static> {
    TextStyle {
        color: color.to_backend_color(),
        ..TextStyle::from((FONT, size).into_font())
    }
}

/// A tick mark and its label, centred below the x axis at pixel `(x, y)`.
pub fn x_tick<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    (x, y): (i32, i32),
    label: String,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    use plotters::style::text_anchor::{HPos, Pos, VPos};
    root.draw(&PathElement::new(
        vec![(x, y), (x, y + 5)],
        palette::INK.stroke_width(1),
    ))?;
    let below = text(14, palette::INK).pos(Pos::new(HPos::Center, VPos::Top));
    root.draw(&Text::new(label, (x, y + 8), below))?;
    Ok(())
}

/// Draws a title and an optional subtitle at the top of `area`.
pub fn title<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    subtitle: &str,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    area.draw(&Text::new(
        title.to_owned(),
        (24, 14),
        text(26, palette::INK),
    ))?;
    if !subtitle.is_empty() {
        area.draw(&Text::new(
            subtitle.to_owned(),
            (24, 48),
            text(17, palette::MARKER),
        ))?;
    }
    Ok(())
}

/// One entry of a legend row: a swatch (filled box, line or dashed line) and its label.
pub enum Swatch {
    Fill(RGBColor),
    Line(RGBColor),
    Dashed(RGBColor),
}

/// Width of a legend entry: swatch, label (estimated at 9 px a character, a little more
/// than the 16 px font needs), gap.
fn entry_width(label: &str) -> i32 {
    30 + (label.chars().count() as f64 * 9.0) as i32 + 28
}

/// The rows a legend needs when it wraps at `width` pixels from its start.
pub fn legend_rows(entries: &[(Swatch, String)], width: i32) -> u32 {
    let mut rows = 1;
    let mut x = 0;
    for (_, label) in entries {
        let w = entry_width(label);
        if x > 0 && x + w > width {
            rows += 1;
            x = 0;
        }
        x += w;
    }
    rows
}

/// Height of a legend row.
pub const LEGEND_ROW: i32 = 22;

/// Draws a legend starting at (x, y), wrapping onto further rows `LEGEND_ROW` apart when
/// an entry would pass `width` pixels from the start.
pub fn legend_wrapped<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    (x0, y0): (i32, i32),
    entries: &[(Swatch, String)],
    width: i32,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let (mut x, mut y) = (0, y0);
    for entry in entries {
        let w = entry_width(&entry.1);
        if x > 0 && x + w > width {
            x = 0;
            y += LEGEND_ROW;
        }
        legend(area, (x0 + x, y), std::slice::from_ref(entry))?;
        x += w;
    }
    Ok(())
}

/// Draws a legend as one row of swatches starting at (x, y); returns the x after it.
pub fn legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    (mut x, y): (i32, i32),
    entries: &[(Swatch, String)],
) -> Result<i32, Box<dyn std::error::Error>>
where
    DB::ErrorType: 'static,
{
    let style = text(16, palette::INK);
    for (swatch, label) in entries {
        match swatch {
            Swatch::Fill(c) => {
                area.draw(&Rectangle::new([(x, y - 7), (x + 22, y + 7)], c.filled()))?;
            }
            Swatch::Line(c) => {
                area.draw(&PathElement::new(
                    vec![(x, y), (x + 22, y)],
                    c.stroke_width(3),
                ))?;
            }
            Swatch::Dashed(c) => {
                for dx in [0, 9, 18] {
                    area.draw(&PathElement::new(
                        vec![(x + dx, y), (x + dx + 5, y)],
                        c.stroke_width(3),
                    ))?;
                }
            }
        }
        area.draw(&Text::new(label.clone(), (x + 30, y - 9), style.clone()))?;
        let (w, _) = area.estimate_text_size(label, &style)?;
        x += 30 + w as i32 + 28;
    }
    Ok(x)
}
