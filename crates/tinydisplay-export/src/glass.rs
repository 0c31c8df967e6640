//! What the glass shows besides the pixels: the panel's contrast as brightness and its sleep,
//! so an export shows what the panel shows.
//!
//! The picture itself already carries the pixel shift (`display.shift` moves the frame in
//! `Engine::render`, before any sink or export sees it); contrast and sleep are commands to the
//! panel, not pixels, so they are applied here, to the colours: a lit pixel at contrast `c` is
//! the panel's lit colour scaled by [`Palette::at_contrast`]'s integer curve, and a sleeping
//! panel (`display.on = false`, the `off` schedule) is all dark.
//!
//! A scene without display care exports at full brightness ([`Glass::FULL`]): its images stay
//! the ones it always had (`tests/export/digests.txt`), although its panel runs at the
//! datasheet's reset contrast.

use crate::{Palette, Panel};
use tinydisplay::{DisplayState, Engine, Tick};

/// The panel's contrast (the 0x81 argument) and whether it is awake, at one tick.
///
/// ```
/// use tinydisplay_export::{Glass, Panel};
/// let src = "[display]\nwidth = 8\nheight = 8\ntick_rate = 1\ncontrast = 64\n";
/// let care = tinydisplay::Engine::from_source("s.toml", src.as_bytes()).unwrap();
/// assert_eq!(Glass::at(&care, 0), Glass { contrast: 64, on: true });
/// assert!(Glass::at(&care, 0).palette(Panel::White).lit < Panel::White.palette().lit);
/// let plain = tinydisplay::Engine::from_source("p.toml", b"display = { width = 8, height = 8 }\n").unwrap();
/// assert_eq!(Glass::at(&plain, 0), Glass::FULL);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Glass {
    pub contrast: u8,
    pub on: bool,
}

impl Default for Glass {
    fn default() -> Self {
        Glass::FULL
    }
}

impl Glass {
    /// Full brightness, awake: the panel's own palette, as exports always were.
    pub const FULL: Glass = Glass {
        contrast: 255,
        on: true,
    };

    /// Asleep. The contrast of a sleeping panel does not show, so every sleeping state is this
    /// one ([`Glass::shown`]).
    pub const OFF: Glass = Glass {
        contrast: 255,
        on: false,
    };

    /// What `engine`'s panel shows at `tick`: its display care (`Engine::display_at`) when the
    /// scene has any, else [`Glass::FULL`].
    pub fn at(engine: &Engine, tick: Tick) -> Glass {
        if engine.has_display_care() {
            Glass::from(engine.display_at(tick))
        } else {
            Glass::FULL
        }
    }

    /// The same glass with what cannot be seen dropped: asleep is [`Glass::OFF`] whatever the
    /// contrast. Two states that look the same compare equal.
    pub fn shown(self) -> Glass {
        if self.on {
            self
        } else {
            Glass::OFF
        }
    }

    /// `panel`'s colours at this contrast.
    pub fn palette(self, panel: Panel) -> Palette {
        panel.palette().at_contrast(self.contrast)
    }
}

impl From<DisplayState> for Glass {
    fn from(s: DisplayState) -> Glass {
        Glass {
            contrast: s.contrast,
            on: s.on,
        }
    }
}
