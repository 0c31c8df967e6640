//! The browser's downloads and canvas colours, through `tinydisplay_export`: the CLI's export
//! implementation, so a PNG or GIF saved here is byte for byte what `tinydisplay render` writes
//! for the same request (`tests/export/digests.txt` pins both), and the canvas draws in the
//! same palette.

use serde::Serialize;
use tinydisplay::{Frame, Tick};
use tinydisplay_export::{Palette, Panel, Rgb, Style};
use wasm_bindgen::prelude::*;

/// The export style for the page's `panel` name, `scale` and grid choice.
pub fn style(panel: &str, scale: u32, grid: bool) -> Result<Style, String> {
    let panel = Panel::parse(panel)
        .ok_or_else(|| format!("unknown panel {panel:?}: use {}", Panel::NAMES.join(", ")))?;
    Ok(Style { scale, panel, grid })
}

/// An indexed PNG of `frame`.
pub fn png(frame: &Frame, style: &Style) -> Result<Vec<u8>, String> {
    tinydisplay_export::png(frame, style).map_err(|e| e.to_string())
}

/// An animated GIF of the frames of ticks `first`, `first + 1`, ...
pub fn gif(
    frames: &[Frame],
    first: Tick,
    tick_rate: u32,
    style: &Style,
) -> Result<Vec<u8>, String> {
    tinydisplay_export::gif(frames, first, tick_rate, style).map_err(|e| e.to_string())
}

/// One panel's colours for the canvas, as CSS colours.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PanelColours {
    pub name: &'static str,
    pub dark: String,
    pub lit: String,
    pub lit_alt: String,
    pub gap: String,
    /// Rows at the top lit in `lit_alt` (the yellow band; 0 for one-colour panels).
    pub alt_rows: u32,
    /// The grid is drawn from this scale up.
    pub grid_min_scale: u32,
}

fn css(c: Rgb) -> String {
    format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2])
}

/// Every panel's colours, in `Panel::ALL` order.
pub fn palettes() -> Vec<PanelColours> {
    Panel::ALL
        .iter()
        .map(|&p| {
            let Palette {
                dark,
                lit,
                lit_alt,
                gap,
            } = p.palette();
            PanelColours {
                name: p.name(),
                dark: css(dark),
                lit: css(lit),
                lit_alt: css(lit_alt),
                gap: css(gap),
                alt_rows: p.alt_rows(),
                grid_min_scale: (1..=tinydisplay_export::MAX_SCALE)
                    .find(|&scale| {
                        Style {
                            scale,
                            panel: p,
                            grid: true,
                        }
                        .grid_drawn()
                    })
                    .unwrap_or(u32::MAX),
            }
        })
        .collect()
}

/// `{ white: { dark, lit, litAlt, gap, altRows, gridMinScale, name }, blue: ..., 'yellow-blue':
/// ... }`: the page draws its canvas in these, so it shows what an export saves.
#[wasm_bindgen(js_name = panelPalettes)]
pub fn panel_palettes() -> Result<JsValue, JsValue> {
    let map: std::collections::BTreeMap<&str, PanelColours> =
        palettes().into_iter().map(|p| (p.name, p)).collect();
    crate::to_js(&map)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn palettes_are_the_export_crates() {
        let p = palettes();
        assert_eq!(
            p.iter().map(|c| c.name).collect::<Vec<_>>(),
            ["white", "blue", "yellow-blue"]
        );
        assert_eq!(
            (p[0].dark.as_str(), p[0].lit.as_str()),
            ("#000000", "#ffffff")
        );
        assert_eq!(p[1].lit, "#40b4ff");
        assert_eq!((p[2].lit_alt.as_str(), p[2].alt_rows), ("#ffd600", 16));
        assert_eq!((p[0].gap.as_str(), p[0].grid_min_scale), ("#181818", 3));
        assert!(style("green", 2, false)
            .unwrap_err()
            .contains("yellow-blue"));
    }
}
