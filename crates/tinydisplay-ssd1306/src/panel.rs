//! Which controller drives the glass and how the picture sits in its RAM.
//!
//! The table below is what [`PanelSpec::new`] accepts. Column offsets and COM pin settings for
//! the small SSD1306 boards are the ones the `ssd1306` crate (0.10, `size.rs`: `OFFSETX` and
//! `configure`) and u8g2 (`u8x8_d_ssd1306_72x40.c`, `..._64x48.c`, `..._64x32.c`: the
//! `default_x_offset` of their display info) both use for these modules; luma.oled computes the
//! same offsets as `(128 - width) / 2` for its SSD1306 sizes (72x40 and 64x48/64x32 centred in
//! the 128-column RAM). The SH1106's offset of 2 is its datasheet's 132-column RAM with a
//! 128-column glass centred in it, and what u8g2's `sh1106_128x64` and luma's `sh1106` use.
//!
//! | controller | size   | RAM columns | column offset | multiplex (0xA8) | COM pins (0xDA) |
//! |------------|--------|-------------|---------------|------------------|-----------------|
//! | SSD1306    | 128x64 | 128         | 0             | 63               | 0x12            |
//! | SSD1306    | 128x32 | 128         | 0             | 31               | 0x02            |
//! | SSD1306    | 96x16  | 128         | 0             | 15               | 0x02            |
//! | SSD1306    | 72x40  | 128         | 28            | 39               | 0x12            |
//! | SSD1306    | 64x48  | 128         | 32            | 47               | 0x12            |
//! | SSD1306    | 64x32  | 128         | 32            | 31               | 0x12            |
//! | SH1106     | 128x64 | 132         | 2             | 63               | 0x12            |
//! | SSD1309    | 128x64 | 128         | 0             | 63               | 0x12            |
//!
//! The offsets hold for the upright orientation (segment remap 0xA1, what the init sends);
//! with the segment order reversed (upside down, or mirrored) the glass starts at
//! `ram - width - offset` instead: see [`PanelSpec::mirrored`].
//!
//! Clones differ: some 72x40 and 64x32 boards put the glass elsewhere in RAM, and some
//! "SH1106" modules are really SSD1306s (offset 0). [`PanelSpec::with_column_offset`] and
//! [`PanelSpec::with_com_offset`] override the table for those; both are checked against the
//! RAM size so that an override cannot address columns or rows that do not exist.

use core::fmt;

/// The display controller chip.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Controller {
    /// 128x64 RAM; horizontal, vertical and page addressing; internal charge pump (0x8D).
    #[default]
    Ssd1306,
    /// 132x64 RAM; page addressing only; DC-DC converter control (0xAD) instead of 0x8D.
    Sh1106,
    /// The SSD1306 command set on a 128x64 RAM, but no charge pump: VCC comes from the module.
    Ssd1309,
}

impl Controller {
    pub const ALL: [Controller; 3] = [Controller::Ssd1306, Controller::Sh1106, Controller::Ssd1309];

    /// Columns of display RAM.
    pub fn ram_cols(self) -> u16 {
        match self {
            Controller::Sh1106 => 132,
            Controller::Ssd1306 | Controller::Ssd1309 => 128,
        }
    }

    /// Whether the controller has the 0x20 addressing-mode command (and 0x21/0x22 windows).
    pub fn has_horizontal_mode(self) -> bool {
        !matches!(self, Controller::Sh1106)
    }

    /// The name as written on the command line and in reports (`ssd1306`, `sh1106`, `ssd1309`).
    pub fn name(self) -> &'static str {
        match self {
            Controller::Ssd1306 => "ssd1306",
            Controller::Sh1106 => "sh1106",
            Controller::Ssd1309 => "ssd1309",
        }
    }

    /// Parses [`name`](Self::name), case-insensitively.
    pub fn parse(s: &str) -> Result<Controller, String> {
        Controller::ALL
            .into_iter()
            .find(|c| c.name().eq_ignore_ascii_case(s))
            .ok_or_else(|| format!("unknown controller {s:?}: use ssd1306, sh1106 or ssd1309"))
    }

    /// The code stored in a wire file header.
    pub(crate) fn code(self) -> u8 {
        match self {
            Controller::Ssd1306 => 0,
            Controller::Sh1106 => 1,
            Controller::Ssd1309 => 2,
        }
    }

    pub(crate) fn from_code(c: u8) -> Option<Controller> {
        Controller::ALL.into_iter().find(|x| x.code() == c)
    }
}

impl fmt::Display for Controller {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Controller::Ssd1306 => "SSD1306",
            Controller::Sh1106 => "SH1106",
            Controller::Ssd1309 => "SSD1309",
        })
    }
}

/// (controller, width, height, column offset, COM pins argument).
const SUPPORTED: &[(Controller, u16, u16, u8, u8)] = &[
    (Controller::Ssd1306, 128, 64, 0, 0x12),
    (Controller::Ssd1306, 128, 32, 0, 0x02),
    (Controller::Ssd1306, 96, 16, 0, 0x02),
    (Controller::Ssd1306, 72, 40, 28, 0x12),
    (Controller::Ssd1306, 64, 48, 32, 0x12),
    (Controller::Ssd1306, 64, 32, 32, 0x12),
    (Controller::Sh1106, 128, 64, 2, 0x12),
    (Controller::Ssd1309, 128, 64, 0, 0x12),
];

/// A validated panel: controller, visible size and where the picture sits in RAM.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PanelSpec {
    controller: Controller,
    width: u16,
    height: u16,
    col_offset: u8,
    com_pins: u8,
    com_offset: u8,
}

impl PanelSpec {
    /// The panel `controller` at `width` x `height`, with the table's offsets (module docs).
    ///
    /// ```
    /// use tinydisplay_ssd1306::{Controller, PanelSpec};
    /// let p = PanelSpec::new(Controller::Sh1106, 128, 64).unwrap();
    /// assert_eq!(p.col_offset(), 2);
    /// let e = PanelSpec::new(Controller::Sh1106, 128, 32).unwrap_err();
    /// assert!(e.contains("SH1106") && e.contains("128x32") && e.contains("128x64"), "{e}");
    /// ```
    pub fn new(controller: Controller, width: u16, height: u16) -> Result<PanelSpec, String> {
        SUPPORTED
            .iter()
            .find(|s| (s.0, s.1, s.2) == (controller, width, height))
            .map(
                |&(controller, width, height, col_offset, com_pins)| PanelSpec {
                    controller,
                    width,
                    height,
                    col_offset,
                    com_pins,
                    com_offset: 0,
                },
            )
            .ok_or_else(|| {
                let sizes = |c: Controller| {
                    SUPPORTED
                        .iter()
                        .filter(|s| s.0 == c)
                        .map(|s| format!("{}x{}", s.1, s.2))
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                let others: Vec<String> = Controller::ALL
                    .into_iter()
                    .filter(|&c| c != controller)
                    .map(|c| format!("{c}: {}", sizes(c)))
                    .collect();
                format!(
                    "unsupported {controller} panel {width}x{height}: {controller} supports {} \
                     ({})",
                    sizes(controller),
                    others.join("; ")
                )
            })
    }

    /// The SSD1306 at `width` x `height` (what the constructors without a spec assume).
    pub fn ssd1306(width: u16, height: u16) -> Result<PanelSpec, String> {
        PanelSpec::new(Controller::Ssd1306, width, height)
    }

    /// An SSD1306 of any size with the picture at column 0: what the crate did before it knew
    /// other panels, kept for callers (the browser's bus preview) that plan for any scene size.
    /// Not a panel that [`init_commands`](Self::init_commands) accepts unless it is in the table.
    pub(crate) fn any_ssd1306(width: u16, height: u16) -> PanelSpec {
        PanelSpec::ssd1306(width, height).unwrap_or(PanelSpec {
            controller: Controller::Ssd1306,
            width,
            height,
            col_offset: 0,
            com_pins: 0x12,
            com_offset: 0,
        })
    }

    /// A spec as a wire file describes it: unchecked against the table (a file may come from a
    /// build that knew other sizes), the offset clamped into the RAM.
    pub(crate) fn raw(controller: Controller, width: u16, height: u16, offset: u8) -> PanelSpec {
        let max = controller.ram_cols().saturating_sub(width);
        let base = PanelSpec::new(controller, width, height).unwrap_or(PanelSpec {
            controller,
            width,
            height,
            col_offset: 0,
            com_pins: 0x12,
            com_offset: 0,
        });
        PanelSpec {
            col_offset: u16::from(offset).min(max) as u8,
            ..base
        }
    }

    /// Moves the picture to RAM column `offset` (for clones that wire the glass elsewhere).
    pub fn with_column_offset(mut self, offset: u8) -> Result<PanelSpec, String> {
        let ram = self.controller.ram_cols();
        if u16::from(offset) + self.width > ram {
            return Err(format!(
                "column offset {offset} puts the {}-column picture past the {} RAM's {ram} \
                 columns (at most {})",
                self.width,
                self.controller,
                ram - self.width
            ));
        }
        self.col_offset = offset;
        Ok(self)
    }

    /// The spec for the same module with its segment order reversed (0xA0 instead of 0xA1:
    /// [`crate::PanelConfig`] with `rotate180` or `flip`, not both; see
    /// [`crate::PanelConfig::columns_mirrored`]). The glass stays on the same segments, so its
    /// picture now starts at RAM column `ram - width - offset` (u8g2 keeps this as a separate
    /// "flip mode" x offset per display). The table's offsets are centred except the 96x16's
    /// (column 0; 32 mirrored), and overrides need not be. [`crate::Flusher::new`] keeps
    /// column 0 for a 96x16 in every orientation, as this crate always did (the golden wire
    /// streams pin it); a sink that turns the panel over builds its flusher with
    /// `spec.mirrored()` instead ([`crate::Flusher::for_panel`]).
    pub fn mirrored(mut self) -> PanelSpec {
        let ram = self.controller.ram_cols();
        self.col_offset = ram.saturating_sub(self.width + u16::from(self.col_offset)) as u8;
        self
    }

    /// The display offset (0xD3, "COM offset"): shifts which COM line shows RAM row 0, for
    /// modules whose glass is not wired from COM0. 0..=63.
    pub fn with_com_offset(mut self, offset: u8) -> Result<PanelSpec, String> {
        if offset > 63 {
            return Err(format!("COM offset {offset} is out of range 0..=63"));
        }
        self.com_offset = offset;
        Ok(self)
    }

    pub fn controller(&self) -> Controller {
        self.controller
    }
    pub fn width(&self) -> u16 {
        self.width
    }
    pub fn height(&self) -> u16 {
        self.height
    }
    /// The RAM column that shows the picture's column 0.
    pub fn col_offset(&self) -> u8 {
        self.col_offset
    }
    /// The 0xDA argument.
    pub fn com_pins(&self) -> u8 {
        self.com_pins
    }
    /// The 0xA8 argument: rows - 1.
    pub fn multiplex(&self) -> u8 {
        (self.height.clamp(1, 64) - 1) as u8
    }
    /// The 0xD3 argument.
    pub fn com_offset(&self) -> u8 {
        self.com_offset
    }
    /// 8-row pages the picture covers.
    pub fn pages(&self) -> u16 {
        self.height.div_ceil(8)
    }

    /// Every panel of the table, in its order (SSD1306 sizes, then SH1106, then SSD1309): the
    /// one list the CLI's `--controller` errors, the browser's panel picker
    /// (`panelModels`) and the wire-correctness tests read.
    ///
    /// ```
    /// use tinydisplay_ssd1306::PanelSpec;
    /// let ids: Vec<String> = PanelSpec::all().map(|p| p.id()).collect();
    /// assert_eq!(ids.len(), 8);
    /// assert_eq!(ids[0], "ssd1306-128x64");
    /// assert!(ids.contains(&"sh1106-128x64".to_string()));
    /// assert_eq!(PanelSpec::from_id("ssd1306-72x40").unwrap().col_offset(), 28);
    /// ```
    pub fn all() -> impl Iterator<Item = PanelSpec> {
        SUPPORTED
            .iter()
            .filter_map(|s| PanelSpec::new(s.0, s.1, s.2).ok())
    }

    /// `controller-WxH`, e.g. `sh1106-128x64`: how the browser names a panel.
    pub fn id(&self) -> String {
        format!("{}-{}x{}", self.controller.name(), self.width, self.height)
    }

    /// The table's panel named by [`id`](Self::id).
    pub fn from_id(id: &str) -> Result<PanelSpec, String> {
        let bad =
            || format!("unknown panel {id:?}: expected CONTROLLER-WxH such as ssd1306-128x64");
        let (c, size) = id.split_once('-').ok_or_else(bad)?;
        let (w, h) = size.split_once('x').ok_or_else(bad)?;
        let (w, h) = (w.parse().map_err(|_| bad())?, h.parse().map_err(|_| bad())?);
        PanelSpec::new(Controller::parse(c)?, w, h)
    }

    /// The sizes this crate supports for `controller`.
    pub fn supported(controller: Controller) -> impl Iterator<Item = (u16, u16)> {
        SUPPORTED
            .iter()
            .filter(move |s| s.0 == controller)
            .map(|s| (s.1, s.2))
    }
}

impl fmt::Display for PanelSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}x{} at column {}",
            self.controller, self.width, self.height, self.col_offset
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_what_new_accepts() {
        for c in Controller::ALL {
            for &(sc, w, h, off, pins) in SUPPORTED.iter().filter(|s| s.0 == c) {
                let p = PanelSpec::new(c, w, h).unwrap();
                assert_eq!(
                    (p.controller(), p.col_offset(), p.com_pins()),
                    (sc, off, pins)
                );
                assert_eq!(u16::from(p.multiplex()) + 1, h);
                assert!(u16::from(off) + w <= c.ram_cols());
            }
        }
        let e = PanelSpec::new(Controller::Ssd1306, 100, 10).unwrap_err();
        assert_eq!(
            e,
            "unsupported SSD1306 panel 100x10: SSD1306 supports 128x64, 128x32, 96x16, 72x40, \
             64x48, 64x32 (SH1106: 128x64; SSD1309: 128x64)"
        );
        assert!(PanelSpec::new(Controller::Ssd1309, 128, 32)
            .unwrap_err()
            .starts_with("unsupported SSD1309 panel 128x32: SSD1309 supports 128x64 ("));
    }

    #[test]
    fn overrides_are_checked_against_the_ram() {
        let sh = PanelSpec::new(Controller::Sh1106, 128, 64).unwrap();
        assert_eq!(sh.with_column_offset(4).unwrap().col_offset(), 4);
        let e = sh.with_column_offset(5).unwrap_err();
        assert!(e.contains("at most 4"), "{e}");
        let small = PanelSpec::ssd1306(72, 40).unwrap();
        assert_eq!(small.with_column_offset(56).unwrap().col_offset(), 56);
        assert!(small.with_column_offset(57).is_err());
        assert!(small.with_com_offset(64).is_err());
        assert_eq!(small.with_com_offset(12).unwrap().com_offset(), 12);
    }

    #[test]
    fn mirroring_moves_only_off_centre_offsets() {
        for c in Controller::ALL {
            for (w, h) in PanelSpec::supported(c).filter(|&s| s != (96, 16)) {
                let p = PanelSpec::new(c, w, h).unwrap();
                assert_eq!(p.mirrored(), p, "{p}: the offset is centred");
            }
        }
        // The 96x16 glass sits at the RAM's left edge: upside down it starts at column 32.
        let tiny = PanelSpec::ssd1306(96, 16).unwrap();
        assert_eq!(tiny.mirrored().col_offset(), 32);
        assert_eq!(tiny.mirrored().mirrored(), tiny);
        let sh = PanelSpec::new(Controller::Sh1106, 128, 64).unwrap();
        assert_eq!(sh.with_column_offset(0).unwrap().mirrored().col_offset(), 4);
        let small = PanelSpec::ssd1306(64, 32).unwrap();
        assert_eq!(
            small.with_column_offset(0).unwrap().mirrored().col_offset(),
            64
        );
    }

    #[test]
    fn ids_name_every_panel_once() {
        let all: Vec<PanelSpec> = PanelSpec::all().collect();
        assert_eq!(all.len(), SUPPORTED.len());
        for p in &all {
            assert_eq!(PanelSpec::from_id(&p.id()).as_ref(), Ok(p));
        }
        assert!(PanelSpec::from_id("sh1106-128x32")
            .unwrap_err()
            .contains("SH1106 supports 128x64"));
        for bad in ["", "sh1106", "sh1106-128", "sh1106-axb", "st7735-128x64"] {
            assert!(PanelSpec::from_id(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn controller_names_round_trip() {
        for c in Controller::ALL {
            assert_eq!(Controller::parse(c.name()), Ok(c));
            assert_eq!(Controller::parse(&c.to_string()), Ok(c));
            assert_eq!(Controller::from_code(c.code()), Some(c));
        }
        assert!(Controller::parse("st7735").unwrap_err().contains("sh1106"));
    }
}
