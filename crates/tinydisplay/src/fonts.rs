//! Fonts by name: embedded-graphics' mono fonts plus ProFont for larger, nicer text.

use embedded_graphics::mono_font::{ascii, MonoFont};

pub(crate) type Font = &'static MonoFont<'static>;

/// The default font: 6x10, the one luma.oled users know best.
pub(crate) const DEFAULT: Font = &ascii::FONT_6X10;

/// Names accepted by the `font` field.
pub const FONT_NAMES: &[&str] = &[
    "4x6",
    "5x7",
    "5x8",
    "6x9",
    "6x10",
    "6x12",
    "6x13",
    "6x13_bold",
    "7x13",
    "7x13_bold",
    "7x14",
    "8x13",
    "8x13_bold",
    "9x15",
    "9x15_bold",
    "9x18",
    "9x18_bold",
    "10x20",
    "profont_7",
    "profont_9",
    "profont_10",
    "profont_12",
    "profont_14",
    "profont_18",
    "profont_24",
];

pub(crate) fn by_name(name: &str) -> Option<Font> {
    Some(match name {
        "4x6" => &ascii::FONT_4X6,
        "5x7" => &ascii::FONT_5X7,
        "5x8" => &ascii::FONT_5X8,
        "6x9" => &ascii::FONT_6X9,
        "6x10" => &ascii::FONT_6X10,
        "6x12" => &ascii::FONT_6X12,
        "6x13" => &ascii::FONT_6X13,
        "6x13_bold" => &ascii::FONT_6X13_BOLD,
        "7x13" => &ascii::FONT_7X13,
        "7x13_bold" => &ascii::FONT_7X13_BOLD,
        "7x14" => &ascii::FONT_7X14,
        "8x13" => &ascii::FONT_8X13,
        "8x13_bold" => &ascii::FONT_8X13_BOLD,
        "9x15" => &ascii::FONT_9X15,
        "9x15_bold" => &ascii::FONT_9X15_BOLD,
        "9x18" => &ascii::FONT_9X18,
        "9x18_bold" => &ascii::FONT_9X18_BOLD,
        "10x20" => &ascii::FONT_10X20,
        "profont_7" => &profont::PROFONT_7_POINT,
        "profont_9" => &profont::PROFONT_9_POINT,
        "profont_10" => &profont::PROFONT_10_POINT,
        "profont_12" => &profont::PROFONT_12_POINT,
        "profont_14" => &profont::PROFONT_14_POINT,
        "profont_18" => &profont::PROFONT_18_POINT,
        "profont_24" => &profont::PROFONT_24_POINT,
        _ => return None,
    })
}
