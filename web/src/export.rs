//! The browser's downloads and canvas colours, through `tinydisplay_export`: the CLI's export
//! implementation, so a PNG or GIF saved here is byte for byte what `tinydisplay render` writes
//! for the same request (`tests/export/digests.txt` pins both), and the canvas draws in the
//! same palette, at the same contrast.
//!
//! Every image shows what the panel shows: for a scene with display care, its contrast as
//! brightness and its sleep as dark ([`tinydisplay_export::Glass`]); the canvas gets the
//! contrast with each frame and draws in [`PanelColours::lit_levels`], the same colours.

use serde::Serialize;
use tinydisplay::{Engine, Frame, Tick};
use tinydisplay_export::{Glass, Palette, Panel, Rgb, Style};
use wasm_bindgen::prelude::*;

/// The export style for the page's `panel` name, `scale` and grid choice.
pub fn style(panel: &str, scale: u32, grid: bool) -> Result<Style, String> {
    let panel = Panel::parse(panel)
        .ok_or_else(|| format!("unknown panel {panel:?}: use {}", Panel::NAMES.join(", ")))?;
    Ok(Style { scale, panel, grid })
}

/// The panel's contrast and sleep at `tick` (full brightness without display care).
pub fn glass(engine: &Engine, tick: Tick) -> Glass {
    Glass::at(engine, tick)
}

/// An indexed PNG of `engine`'s frame at `tick`, as its panel shows it.
pub fn png_at(engine: &Engine, tick: Tick, style: &Style) -> Result<Vec<u8>, String> {
    tinydisplay_export::png_at(engine, tick, style).map_err(|e| e.to_string())
}

/// An animated GIF of `engine`'s frames of ticks `first`, `first + 1`, ... (rendered by the
/// caller, in parallel), as its panel shows them.
pub fn gif(
    engine: &Engine,
    frames: &[Frame],
    first: Tick,
    style: &Style,
) -> Result<Vec<u8>, String> {
    tinydisplay_export::gif_glass(
        frames,
        |t| Glass::at(engine, t),
        first,
        engine.tick_rate(),
        style,
    )
    .map_err(|e| e.to_string())
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
    /// `lit` at each contrast 0..=255 ([`Palette::at_contrast`]): the canvas draws a frame's lit
    /// pixels in `lit_levels[frame.contrast]`, so it dims as the exports do.
    pub lit_levels: Vec<String>,
    /// `lit_alt` at each contrast.
    pub lit_alt_levels: Vec<String>,
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
                lit_levels: (0..=255u8)
                    .map(|c| css(p.palette().at_contrast(c).lit))
                    .collect(),
                lit_alt_levels: (0..=255u8)
                    .map(|c| css(p.palette().at_contrast(c).lit_alt))
                    .collect(),
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
        // Full contrast is the plain colour; 64 is 111/255 of it (the export crate's curve).
        assert_eq!(p[0].lit_levels[255], p[0].lit);
        assert_eq!(p[0].lit_levels[64], "#6f6f6f");
        assert_eq!(p[2].lit_alt_levels[255], p[2].lit_alt);
        assert_eq!(p[1].lit_levels.len(), 256);
        assert!(style("green", 2, false)
            .unwrap_err()
            .contains("yellow-blue"));
    }
}
