//! Line breaking for wrapped text (`wrap = true`): text + a width + each character's advance in,
//! line ranges out. Pure: no fonts, no drawing; the raster asks for the lines of every frame
//! (templates change the text per tick) and blits only the visible ones.
//!
//! The rules (docs/scene-format.md, "Wrapped text"):
//! - `\n` ends a line; `\n\n` leaves an empty line. No other character is special: a tab or a
//!   `\r` is an ordinary character (the ASCII fonts draw it as their replacement glyph).
//! - Lines break at spaces (`' '`). A line's width is the sum of its characters' advances less
//!   the letter spacing after its last character (the pixels it lights, as a single-line text
//!   is measured), and it holds as many whole words as fit in `width`.
//! - Spaces at the end of a line hang: they count toward no width and are not part of the line's
//!   range, so they are never drawn; a line that wrapped at spaces starts after all of them.
//!   Spaces at the start of a paragraph (the text's start or after `\n`) are kept.
//! - A word wider than the line is cut at the last character that fits, anywhere; a single
//!   character wider than the line takes a line of its own (the only line wider than `width`).
//!
//! These are embedded-text's rules for a `TextBox` without its extras (tabs, soft hyphens,
//! non-breaking spaces, ANSI sequences), except that all the spaces where a line wraps are
//! dropped (embedded-text carries those that overflow to the next line) and that with letter
//! spacing every line is measured without its last one (embedded-text: only a first word).
//! `crates/wrapref` compiles this file on its own and compares its lines with embedded-text's,
//! pixel for pixel, on random texts.
//!
//! embedded-text itself is not used in the engine: it draws through embedded-graphics' per-pixel
//! text style (see the top of `image.rs` for why the raster avoids that) and measures each word
//! several times through cloned look-ahead parsers, while a frame must lay out its text in one
//! bounded pass: here every character is measured at most twice (once on the line where it
//! overflows, once more on the next line), so a layout costs O(text bytes), at most
//! `MAX_TEXT_BYTES` per widget, and allocates nothing.

/// One line: `text[start..end]` (trailing spaces excluded) and its width in pixels (without
/// the letter spacing after its last character).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Line {
    pub start: usize,
    pub end: usize,
    pub width: i32,
}

/// The lines of `text` broken to `width` pixels, in order (see the module doc for the rules):
/// `advance(c)` is the x distance from `c` to the next character, `spacing` the part of it that
/// is letter spacing (not drawn after a line's last character). There is always at least one line
/// (an empty text is one empty line), and `n` newlines make at least `n + 1` lines.
pub(crate) fn lines<F: Fn(char) -> i32>(
    text: &str,
    width: i32,
    spacing: i32,
    advance: F,
) -> Lines<'_, F> {
    Lines {
        text,
        // A line fits when its advances, less the last spacing, are within `width`.
        limit: i64::from(width) + i64::from(spacing),
        spacing,
        advance,
        pos: 0,
        done: false,
    }
}

/// The iterator of [`lines`].
pub(crate) struct Lines<'t, F> {
    text: &'t str,
    limit: i64,
    spacing: i32,
    advance: F,
    /// Where the next line starts.
    pos: usize,
    done: bool,
}

impl<F> Lines<'_, F> {
    /// Where the next line would start (the text's length after the last line).
    pub(crate) fn rest(&self) -> usize {
        if self.done {
            self.text.len()
        } else {
            self.pos
        }
    }
}

impl<F: Fn(char) -> i32> Iterator for Lines<'_, F> {
    type Item = Line;

    fn next(&mut self) -> Option<Line> {
        if self.done {
            return None;
        }
        let start = self.pos;
        // Width of the characters walked so far; the end and width of the line without its
        // trailing spaces; the last place this line may wrap: (end, width, next line's start).
        let mut w: i64 = 0;
        let (mut end, mut end_w) = (start, 0i64);
        let mut wrap: Option<(usize, i64, usize)> = None;
        let mut spaces = false;
        let (limit, sp) = (self.limit, i64::from(self.spacing));
        for (off, c) in self.text[start..].char_indices() {
            let i = start + off;
            match c {
                '\n' => {
                    self.pos = i + 1;
                    return Some(line(start, end, end_w, sp));
                }
                ' ' => {
                    spaces = true;
                    w += i64::from((self.advance)(c));
                }
                _ => {
                    // A space run between words is a place to wrap; leading spaces are not (a
                    // line of only spaces would be an empty line).
                    if spaces && end > start {
                        wrap = Some((end, end_w, i));
                    }
                    spaces = false;
                    let a = i64::from((self.advance)(c));
                    if w + a > limit && i > start {
                        return Some(match wrap {
                            Some((e, ew, next)) => {
                                self.pos = next;
                                line(start, e, ew, sp)
                            }
                            None => {
                                // Cut the word here: the line so far, without spaces before it.
                                self.pos = i;
                                line(start, end, end_w, sp)
                            }
                        });
                    }
                    w += a;
                    end = i + c.len_utf8();
                    end_w = w;
                }
            }
        }
        self.done = true;
        Some(line(start, end, end_w, sp))
    }
}

/// A line of `advances` pixels of advance; its width leaves out the last letter spacing.
fn line(start: usize, end: usize, advances: i64, spacing: i64) -> Line {
    let w = if end > start { advances - spacing } else { 0 };
    Line {
        start,
        end,
        width: w.clamp(0, i64::from(i32::MAX)) as i32,
    }
}

/// Whether `text` holds anything to show: a character other than a space or `\n` (what an
/// ellipsis announces).
pub(crate) fn has_visible(text: &str) -> bool {
    text.bytes().any(|b| b != b' ' && b != b'\n')
}

/// The end and advance of the longest start of `line` (in `text`) whose advances leave `room`
/// pixels of `width` free, without trailing spaces: where a line that ends in an ellipsis (of
/// width `room`) is cut, and where the ellipsis goes.
pub(crate) fn cut_for(
    text: &str,
    line: Line,
    width: i32,
    room: i32,
    advance: impl Fn(char) -> i32,
) -> (usize, i32) {
    let limit = i64::from(width) - i64::from(room);
    let (mut w, mut end, mut end_w) = (0i64, line.start, 0i64);
    for (off, c) in text[line.start..line.end].char_indices() {
        w += i64::from(advance(c));
        if w > limit {
            break;
        }
        if c != ' ' {
            end = line.start + off + c.len_utf8();
            end_w = w;
        }
    }
    (end, end_w.clamp(0, i64::from(i32::MAX)) as i32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::String;
    use alloc::vec::Vec;
    use proptest::prelude::*;

    /// The lines of `text` in a mono font of advance 1 (one pixel per character).
    fn mono(text: &str, width: i32) -> Vec<&str> {
        lines(text, width, 0, |_| 1)
            .map(|l| &text[l.start..l.end])
            .collect()
    }

    #[test]
    fn breaks_at_spaces() {
        assert_eq!(mono("the quick brown fox", 10), ["the quick", "brown fox"]);
        assert_eq!(mono("the quick brown fox", 9), ["the quick", "brown fox"]);
        assert_eq!(
            mono("the quick brown fox", 8),
            ["the", "quick", "brown", "fox"]
        );
    }

    #[test]
    fn a_long_word_is_cut_anywhere() {
        assert_eq!(mono("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(mono("ab cdefghij", 4), ["ab", "cdef", "ghij"]);
    }

    #[test]
    fn trailing_spaces_hang() {
        // "abc" + three spaces is 6 wide, but the spaces do not count: "abc" fits in 3.
        let ls: Vec<Line> = lines("abc   def", 3, 0, |_| 1).collect();
        assert_eq!(
            ls,
            [
                Line {
                    start: 0,
                    end: 3,
                    width: 3
                },
                Line {
                    start: 6,
                    end: 9,
                    width: 3
                }
            ]
        );
        assert_eq!(mono("abc   \nx", 10), ["abc", "x"]);
        assert_eq!(mono("abc   ", 10), ["abc"]);
    }

    #[test]
    fn newlines_and_empty_lines() {
        assert_eq!(mono("a\n\nb", 10), ["a", "", "b"]);
        assert_eq!(mono("a\n", 10), ["a", ""]);
        assert_eq!(mono("", 10), [""]);
        assert_eq!(mono("\n", 10), ["", ""]);
    }

    #[test]
    fn leading_spaces_of_a_paragraph_are_kept() {
        assert_eq!(mono("  ab cd", 5), ["  ab", "cd"]);
        assert_eq!(mono("x\n  ab", 5), ["x", "  ab"]);
        // Not a place to wrap: the word is cut after the spaces instead of leaving an empty line.
        assert_eq!(mono("  abcdef", 4), ["  ab", "cdef"]);
        // Spaces alone wider than the line hang like any trailing spaces.
        assert_eq!(mono("      ab", 4), ["", "ab"]);
    }

    #[test]
    fn a_glyph_wider_than_the_line_takes_a_line() {
        let ls: Vec<Line> = lines("ab", 3, 0, |_| 5).collect();
        assert_eq!(
            ls,
            [
                Line {
                    start: 0,
                    end: 1,
                    width: 5
                },
                Line {
                    start: 1,
                    end: 2,
                    width: 5
                }
            ]
        );
        assert_eq!(mono("abc", 0), ["a", "b", "c"]);
        assert_eq!(mono("abc", -7), ["a", "b", "c"]);
    }

    #[test]
    fn proportional_advances() {
        // 'w' is 3 wide, others 1: "ww" = 6 does not fit 5.
        let adv = |c: char| if c == 'w' { 3 } else { 1 };
        let t = "aww ww a";
        let got: Vec<&str> = lines(t, 5, 0, adv).map(|l| &t[l.start..l.end]).collect();
        assert_eq!(got, ["aw", "w", "w", "w a"]);
    }

    #[test]
    fn the_last_letter_spacing_does_not_count() {
        // Advance 3 of which 1 is spacing: "ab cd" lights 14 pixels.
        let t = "ab cd";
        let one: Vec<Line> = lines(t, 14, 1, |_| 3).collect();
        assert_eq!(
            one,
            [Line {
                start: 0,
                end: 5,
                width: 14
            }]
        );
        let two: Vec<&str> = lines(t, 13, 1, |_| 3).map(|l| &t[l.start..l.end]).collect();
        assert_eq!(two, ["ab", "cd"]);
        assert_eq!(lines("", 13, 1, |_| 3).next().map(|l| l.width), Some(0));
    }

    #[test]
    fn utf8_is_cut_at_character_boundaries() {
        assert_eq!(mono("Café crème", 4), ["Café", "crèm", "e"]);
    }

    #[test]
    fn rest_is_what_follows() {
        let mut it = lines("ab cd ef", 2, 0, |_| 1);
        assert_eq!(it.next().map(|l| l.end), Some(2));
        assert_eq!(it.rest(), 3);
        assert!(has_visible(&"ab cd ef"[it.rest()..]));
        assert!(!has_visible(" \n \n"));
        let _ = it.by_ref().count();
        assert_eq!(it.rest(), 8);
    }

    #[test]
    fn cut_for_an_ellipsis() {
        let t = "abc def";
        let l = Line {
            start: 0,
            end: 7,
            width: 7,
        };
        // Room for 3: "abc " is cut to "abc" (no space before the ellipsis).
        assert_eq!(cut_for(t, l, 7, 3, |_| 1), (3, 3));
        assert_eq!(cut_for(t, l, 7, 2, |_| 1), (5, 5));
        assert_eq!(cut_for(t, l, 7, 9, |_| 1), (0, 0));
    }

    /// Counts the calls of the advance function: the O(text) bound.
    #[test]
    fn each_character_is_measured_at_most_twice() {
        let calls = core::cell::Cell::new(0usize);
        let text = "word ".repeat(800) + &"x".repeat(800);
        for width in [1, 3, 7, 50, 5000] {
            calls.set(0);
            let n = lines(&text, width, 1, |_| {
                calls.set(calls.get() + 1);
                6
            })
            .count();
            assert!(n >= 1);
            assert!(
                calls.get() <= 2 * text.chars().count(),
                "width {width}: {} calls",
                calls.get()
            );
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// No line is wider than the box unless it is one glyph; the lines, with the spaces and
        /// newlines taken out, give the text back with its spaces and newlines taken out; and
        /// the line ranges are in order, on character boundaries, without hidden text.
        #[test]
        fn lines_fit_and_lose_nothing(
            text in "[ab \\nWé…]{0,60}",
            width in -2i32..40,
            wide in 1i32..6,
            sp in 0i32..2,
        ) {
            // 'W' is `wide` pixels, everything else 1 or 2: a proportional font.
            // `sp` of each advance is letter spacing.
            let adv = |c: char| sp + match c { 'W' => wide, 'é' | '…' => 2, _ => 1 };
            let ls: Vec<Line> = lines(&text, width, sp, adv).collect();
            prop_assert!(!ls.is_empty());
            let mut prev_end = 0;
            let mut joined = String::new();
            for l in &ls {
                let s = &text[l.start..l.end];
                prop_assert!(l.start >= prev_end && l.start <= l.end);
                // Between two lines there are only spaces and at most one newline.
                let gap = &text[prev_end..l.start];
                prop_assert!(gap.chars().all(|c| c == ' ' || c == '\n'), "gap {:?}", gap);
                prop_assert!(gap.matches('\n').count() <= 1);
                prop_assert!(!s.ends_with(' ') && !s.contains('\n'));
                let w: i32 = s.chars().map(adv).sum::<i32>() - if s.is_empty() { 0 } else { sp };
                prop_assert_eq!(w, l.width);
                prop_assert!(l.width <= width.max(0) || s.chars().count() == 1,
                    "line {:?} is {} wide in {}", s, l.width, width);
                joined.extend(s.chars().filter(|&c| c != ' '));
                prev_end = l.end;
            }
            prop_assert!(text[prev_end..].chars().all(|c| c == ' '));
            let expected: String = text.chars().filter(|&c| c != ' ' && c != '\n').collect();
            prop_assert_eq!(joined, expected);
            // Every newline ends a line: the gaps hold them all.
            let breaks = ls
                .windows(2)
                .filter(|p| text[p[0].end..p[1].start].contains('\n'))
                .count();
            prop_assert_eq!(breaks, text.matches('\n').count());
        }
    }
}
