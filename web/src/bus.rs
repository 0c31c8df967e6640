//! The honest bus preview: what one frame costs on the wire and the frame rate that allows,
//! computed by the same flush planner the Raspberry Pi binary uses (`tinydisplay-ssd1306`),
//! for the panel the page's picker chose: any controller and size of the crate's table
//! ([`PanelSpec::all`], listed by [`models`]), with the column offset override of
//! `play --offset`, and the scene turned as `play` turns it (`display.rotate`).

use serde::Serialize;
use tinydisplay::{Engine, Frame};
use tinydisplay_ssd1306::rotate::rotate_into;
use tinydisplay_ssd1306::{Bus, Flusher, PanelConfig, PanelSpec, Recorder, Rotation};
use wasm_bindgen::prelude::*;

/// One entry of the page's panel picker.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Model {
    /// `controller-WxH` ([`PanelSpec::id`]).
    pub id: String,
    /// `ssd1306`, `sh1106` or `ssd1309`.
    pub controller: &'static str,
    /// `SH1106 128x64`.
    pub label: String,
    pub width: u16,
    pub height: u16,
    /// The RAM column of the picture's left edge, from the crate's table.
    pub offset: u8,
    /// Columns of display RAM (132 on the SH1106).
    pub ram_cols: u16,
}

/// Every panel of the crate's table, in its order.
pub fn models() -> Vec<Model> {
    PanelSpec::all()
        .map(|p| Model {
            id: p.id(),
            controller: p.controller().name(),
            label: format!("{} {}x{}", p.controller(), p.width(), p.height()),
            width: p.width(),
            height: p.height(),
            offset: p.col_offset(),
            ram_cols: p.controller().ram_cols(),
        })
        .collect()
}

/// `[{ id, controller, label, width, height, offset, ramCols }]`: the panels the bus preview
/// plans for, the same list as `tinydisplay play --controller`'s.
#[wasm_bindgen(js_name = panelModels)]
pub fn panel_models() -> Result<JsValue, JsValue> {
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Js<'a> {
        id: &'a str,
        controller: &'a str,
        label: &'a str,
        width: u16,
        height: u16,
        offset: u8,
        ram_cols: u16,
    }
    let m = models();
    let list: Vec<Js> = m
        .iter()
        .map(|m| Js {
            id: &m.id,
            controller: m.controller,
            label: &m.label,
            width: m.width,
            height: m.height,
            offset: m.offset,
            ram_cols: m.ram_cols,
        })
        .collect();
    crate::to_js(&list)
}

/// The panel a scene is previewed on: its spec and init, and how frames are turned for it.
#[derive(Clone, Copy, Debug)]
pub struct Panel {
    spec: PanelSpec,
    /// `None` for a scene size no module has (the SSD1306 planner at column 0, no init).
    config: Option<PanelConfig>,
    rotation: Rotation,
}

impl Panel {
    /// The panel `id` ([`PanelSpec::id`]; `None`: an SSD1306 of the scene's size) for
    /// `engine`'s scene, with the picture at RAM column `offset` (`None`: the table's). The
    /// panel must have the scene's size turned by its `display.rotate`, as `play` requires.
    pub fn for_scene(
        engine: &Engine,
        id: Option<&str>,
        offset: Option<u8>,
    ) -> Result<Panel, String> {
        let rotation = Rotation::from_degrees(engine.rotate())?;
        let (w, h) = (engine.width(), engine.height());
        let (pw, ph) = rotation.panel_size(w, h);
        let Some(id) = id else {
            // Any scene size gets a preview: SSD1306 planning works for every size, and the
            // page had it before it knew other panels.
            return Ok(
                match PanelConfig::for_scene(Default::default(), w, h, rotation, offset, false) {
                    Ok((spec, config)) => Panel {
                        spec,
                        config: Some(config),
                        rotation,
                    },
                    Err(_) => Panel {
                        spec: Flusher::new(pw, ph, Bus::i2c(400_000)).spec(),
                        config: None,
                        rotation,
                    },
                },
            );
        };
        let want = PanelSpec::from_id(id)?;
        if (want.width(), want.height()) != (pw, ph) {
            return Err(format!(
                "the scene is {w}x{h} (turned {}: {pw}x{ph}) but the {} panel is {}x{}",
                rotation.degrees(),
                want.controller(),
                want.width(),
                want.height()
            ));
        }
        let (spec, config) =
            PanelConfig::for_scene(want.controller(), w, h, rotation, offset, false)?;
        Ok(Panel {
            spec,
            config: Some(config),
            rotation,
        })
    }

    pub fn spec(&self) -> PanelSpec {
        self.spec
    }

    /// The scene frame as the flusher gets it: turned by 90/270 (180 is the panel's init).
    fn turned(&self, f: &Frame) -> Frame {
        if self.rotation.in_software() {
            let mut out = Frame::new(0, 0);
            rotate_into(f, self.rotation, &mut out);
            out
        } else {
            f.clone()
        }
    }

    /// The cost of flushing `cur` to this panel showing `prev` (`None`: a full frame after the
    /// init, as `play` sends its first frame).
    pub fn cost(&self, bus: Bus, prev: Option<&Frame>, cur: &Frame) -> BusCost {
        let mut flusher = Flusher::for_panel(self.spec, bus);
        if let Some(config) = &self.config {
            // The init's cost is not a frame's; it leaves the addressing mode known.
            let _ = flusher.init(config, &mut Recorder::new());
        }
        finish(
            flusher,
            prev.map(|p| self.turned(p)).as_ref(),
            &self.turned(cur),
        )
    }
}

/// `i2c-100k`, `i2c-400k`, `i2c-1m`, `spi-8m`.
pub fn parse(name: &str) -> Option<Bus> {
    Some(match name {
        "i2c-100k" => Bus::i2c(100_000),
        "i2c-400k" => Bus::i2c(400_000),
        "i2c-1m" => Bus::i2c(1_000_000),
        "spi-8m" => Bus::spi(8_000_000),
        _ => return None,
    })
}

/// One frame's flush, as the stats panel shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BusCost {
    /// Which model computed it.
    pub planner: &'static str,
    /// The panel planned for: `SH1106 128x64 at column 2`.
    pub panel: String,
    /// `ssd1306`, `sh1106` or `ssd1309`.
    pub controller: &'static str,
    /// The RAM column of the picture's left edge.
    pub offset: u8,
    /// Transactions carrying pixel data: 1 for a full frame on the SSD1306 and SSD1309, one per
    /// page on the SH1106 (no horizontal addressing).
    pub data_transactions: u32,
    /// Command bytes (addressing) and data bytes: the payload luma.oled counts.
    pub command_bytes: u32,
    /// Bytes that really changed (no protocol can send fewer).
    pub floor: u32,
    /// Pixel data bytes sent.
    pub data_bytes: u32,
    /// Every byte on the wire: data, commands, and on I2C address and control bytes.
    pub wire_bytes: u32,
    pub transactions: u32,
    pub rects: u32,
    /// Modelled bus time in microseconds (rounded up).
    pub micros: u32,
    /// Frames per second this bus allows at this cost, times 100 (0 when nothing is sent).
    pub max_fps_x100: u32,
}

/// The cost of flushing `cur` to an SSD1306 of its size that shows `prev` (`None`: unknown, so
/// a full frame), without an init.
pub fn cost(bus: Bus, prev: Option<&Frame>, cur: &Frame) -> BusCost {
    finish(Flusher::new(cur.width(), cur.height(), bus), prev, cur)
}

fn finish(mut flusher: Flusher, prev: Option<&Frame>, cur: &Frame) -> BusCost {
    let mut sink = Recorder::new();
    if let Some(p) = prev.filter(|p| p.width() == cur.width() && p.height() == cur.height()) {
        // Brings the flusher to "the panel shows prev"; what that costs is not this frame's.
        let _ = flusher.flush(p, &mut sink);
    }
    // The Recorder cannot fail and the sizes match, so this is always Ok.
    let s = flusher.flush(cur, &mut Recorder::new()).unwrap_or_default();
    let micros = s.bus_ns.div_ceil(1000);
    let spec = flusher.spec();
    BusCost {
        planner: "tinydisplay-ssd1306 flush planner",
        panel: spec.to_string(),
        controller: spec.controller().name(),
        offset: spec.col_offset(),
        data_transactions: s.data_transactions as u32,
        command_bytes: s.command_bytes as u32,
        floor: s.floor as u32,
        data_bytes: s.data_bytes as u32,
        wire_bytes: s.wire_bytes as u32,
        transactions: s.transactions as u32,
        rects: s.rects as u32,
        micros: micros as u32,
        max_fps_x100: 100_000_000_000u64.checked_div(s.bus_ns).unwrap_or(0) as u32,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_frame_i2c_400k_is_about_23ms_and_spi_is_far_faster() {
        let f = Frame::new(128, 64);
        let c = cost(parse("i2c-400k").unwrap(), None, &f);
        assert_eq!(c.data_bytes, 1024);
        assert!((23_000..24_500).contains(&c.micros), "{c:?}");
        assert!((4000..4400).contains(&c.max_fps_x100), "{c:?}");
        let spi = cost(parse("spi-8m").unwrap(), None, &f);
        assert!(spi.micros < 1_200, "{spi:?}");
        assert!(parse("can").is_none());
    }

    fn scene(w: u16, h: u16, rotate: u16) -> Engine {
        let src = format!(
            "display = {{ width = {w}, height = {h}, rotate = {rotate} }}\n[[widgets]]\nkind = \"rect\"\nw = 8\nh = 8\nfill = true\n"
        );
        Engine::from_source("s.toml", src.as_bytes()).unwrap()
    }

    /// A full frame on the SH1106 is one data transaction per page into its 132-column RAM at
    /// column 2; on the SSD1306 and SSD1309 it is one transaction. Same data bytes.
    #[test]
    fn every_model_previews_its_own_bytes() {
        let e = scene(128, 64, 0);
        let f = e.render(0);
        let bus = parse("i2c-400k").unwrap();
        let cost = |id: &str| {
            Panel::for_scene(&e, Some(id), None)
                .unwrap()
                .cost(bus, None, &f)
        };
        let ssd = cost("ssd1306-128x64");
        let sh = cost("sh1106-128x64");
        let ssd9 = cost("ssd1309-128x64");
        assert_eq!(
            (ssd.data_transactions, ssd.data_bytes, ssd.offset),
            (1, 1024, 0)
        );
        assert_eq!(
            (sh.data_transactions, sh.data_bytes, sh.offset),
            (8, 1024, 2)
        );
        assert_eq!(
            (sh.controller, sh.panel.as_str()),
            ("sh1106", "SH1106 128x64 at column 2")
        );
        assert_eq!(ssd9.wire_bytes, ssd.wire_bytes);
        // Eight page seeks (page, column low, column high) cost more than one window.
        assert!(sh.command_bytes > ssd.command_bytes, "{sh:?} {ssd:?}");
        // The offset override moves the picture; past the RAM it is the crate's error.
        let moved = Panel::for_scene(&e, Some("sh1106-128x64"), Some(0)).unwrap();
        assert_eq!(moved.spec().col_offset(), 0);
        let bad = Panel::for_scene(&e, Some("sh1106-128x64"), Some(5)).unwrap_err();
        assert!(bad.contains("at most 4"), "{bad}");
        // A panel of another size is refused, as `play` refuses it.
        let small = Panel::for_scene(&e, Some("ssd1306-64x48"), None).unwrap_err();
        assert!(
            small.contains("128x64") && small.contains("64x48"),
            "{small}"
        );
        assert!(Panel::for_scene(&e, Some("st7735-128x64"), None).is_err());
        // Without a choice: the SSD1306 of the scene's size, also for sizes no module has.
        let odd = scene(40, 16, 0);
        let p = Panel::for_scene(&odd, None, None).unwrap();
        assert_eq!(p.cost(bus, None, &odd.render(0)).data_bytes, 80);
        let m = models();
        assert_eq!(m.len(), 8);
        assert_eq!(m.iter().filter(|m| m.controller == "ssd1306").count(), 6);
    }

    /// A portrait scene is planned turned, on the landscape panel `play` would drive.
    #[test]
    fn portrait_scenes_are_planned_turned() {
        let e = scene(64, 128, 90);
        let p = Panel::for_scene(&e, Some("sh1106-128x64"), None).unwrap();
        let c = p.cost(parse("spi-8m").unwrap(), None, &e.render(0));
        assert_eq!((c.data_bytes, c.data_transactions), (1024, 8));
        assert!(Panel::for_scene(&e, Some("ssd1306-128x32"), None).is_err());
    }

    #[test]
    fn unchanged_frame_costs_nothing_and_one_pixel_costs_one_byte() {
        let a = Frame::new(128, 64);
        let mut b = a.clone();
        let bus = parse("i2c-100k").unwrap();
        assert_eq!(cost(bus, Some(&a), &b).wire_bytes, 0);
        b.set_pixel(70, 20, true);
        let c = cost(bus, Some(&a), &b);
        assert_eq!((c.floor, c.data_bytes), (1, 1));
        assert!(c.max_fps_x100 / 100 >= 1_000_000 / c.micros);
    }
}
