//! The flush planner: which rectangles of GDDRAM to rewrite so that the panel shows the new
//! frame, at the lowest modelled bus time.
//!
//! Each rectangle becomes one window command transaction (`0x21 c0 c1 0x22 p0 p1`) and one
//! data transaction in horizontal addressing mode, so a rectangle may span several pages.

use crate::cost::Bus;

/// Command bytes that set a column and a page window.
pub(crate) const WINDOW_CMD_BYTES: usize = 6;

/// A GDDRAM rectangle: columns `col0..=col1`, pages `page0..=page1` (inclusive, as the
/// SSD1306's 0x21/0x22 commands take them).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Rect {
    pub page0: u8,
    pub page1: u8,
    pub col0: u8,
    pub col1: u8,
}

impl Rect {
    pub fn cols(&self) -> usize {
        usize::from(self.col1 - self.col0) + 1
    }

    pub fn pages(&self) -> usize {
        usize::from(self.page1 - self.page0) + 1
    }

    /// Data bytes the rectangle carries.
    pub fn area(&self) -> usize {
        self.cols() * self.pages()
    }

    fn union(&self, o: &Rect) -> Rect {
        Rect {
            page0: self.page0.min(o.page0),
            page1: self.page1.max(o.page1),
            col0: self.col0.min(o.col0),
            col1: self.col1.max(o.col1),
        }
    }

    fn contains(&self, o: &Rect) -> bool {
        self.page0 <= o.page0 && self.page1 >= o.page1 && self.col0 <= o.col0 && self.col1 >= o.col1
    }

    fn cost(&self, bus: &Bus) -> u64 {
        bus.transaction_ns(WINDOW_CMD_BYTES) + bus.transaction_ns(self.area())
    }
}

/// Above this many rectangles the merge pass stops looking for rectangles that a merge swallows
/// whole (it is cubic); it still merges pairs.
const CONTAINED_SCAN_LIMIT: usize = 32;

/// Plans a flush of `next` (page layout, `width` columns) over a panel that holds `prev`
/// (`None`: unknown, e.g. at start or after a bus error). Fills `out` with the rectangles to send,
/// sorted so that rectangles sharing a page range follow each other, and returns the floor: the
/// number of bytes that really changed.
///
/// Per page, runs of changed bytes are joined when sending the bytes in between costs less than
/// another pair of transactions (that choice is independent per gap, so it is optimal); then
/// rectangles are merged greedily, best saving first, while a bounding box is cheaper than its
/// parts. A plan that would cost more than the whole frame becomes the whole frame.
///
/// ```
/// use tinydisplay_ssd1306::{plan, Bus, Rect};
/// let prev = vec![0u8; 128 * 8];
/// let mut next = prev.clone();
/// next[3 * 128 + 10] = 0xff; // page 3, columns 10 and 12
/// next[3 * 128 + 12] = 0x01;
/// let mut rects = Vec::new();
/// let floor = plan(Some(&prev), &next, 128, &Bus::i2c(400_000), &mut rects);
/// assert_eq!(floor, 2);
/// assert_eq!(rects, vec![Rect { page0: 3, page1: 3, col0: 10, col1: 12 }]);
/// ```
pub fn plan(
    prev: Option<&[u8]>,
    next: &[u8],
    width: usize,
    bus: &Bus,
    out: &mut Vec<Rect>,
) -> usize {
    out.clear();
    if width == 0 || next.is_empty() {
        return 0;
    }
    let pages = next.len() / width;
    let full = Rect {
        page0: 0,
        page1: (pages - 1) as u8,
        col0: 0,
        col1: (width - 1) as u8,
    };
    let Some(prev) = prev.filter(|p| p.len() == next.len()) else {
        out.push(full);
        return next.len();
    };

    let mut changed = 0;
    for page in 0..pages {
        let row = page * width;
        let mut cur: Option<Rect> = None;
        for x in 0..width {
            if prev[row + x] == next[row + x] {
                continue;
            }
            changed += 1;
            let alone = Rect {
                page0: page as u8,
                page1: page as u8,
                col0: x as u8,
                col1: x as u8,
            };
            cur = Some(match cur {
                None => alone,
                Some(r) => {
                    let joined = Rect { col1: x as u8, ..r };
                    if joined.cost(bus) <= r.cost(bus) + alone.cost(bus) {
                        joined
                    } else {
                        out.push(r);
                        alone
                    }
                }
            });
        }
        out.extend(cur);
    }

    merge(out, bus);

    let total: u64 = out.iter().map(|r| r.cost(bus)).sum();
    if total > full.cost(bus) {
        out.clear();
        out.push(full);
    }
    out.sort_unstable();
    changed
}

/// Greedy agglomerative merge: repeatedly replace the pair whose bounding box saves the most
/// (counting rectangles the box swallows whole) until no merge saves anything.
fn merge(rects: &mut Vec<Rect>, bus: &Bus) {
    let mut costs: Vec<u64> = rects.iter().map(|r| r.cost(bus)).collect();
    loop {
        let n = rects.len();
        let scan_contained = n <= CONTAINED_SCAN_LIMIT;
        let mut best: Option<(usize, usize, Rect, u64)> = None;
        for i in 0..n {
            for j in i + 1..n {
                let b = rects[i].union(&rects[j]);
                let mut before = costs[i] + costs[j];
                if scan_contained {
                    for k in 0..n {
                        if k != i && k != j && b.contains(&rects[k]) {
                            before += costs[k];
                        }
                    }
                }
                let after = b.cost(bus);
                if after < before && best.is_none_or(|(_, _, _, s)| before - after > s) {
                    best = Some((i, j, b, before - after));
                }
            }
        }
        let Some((i, j, b, _)) = best else { return };
        let mut k = 0;
        rects.retain(|r| {
            let keep = k != i && k != j && !b.contains(r);
            k += 1;
            keep
        });
        rects.push(b);
        costs = rects.iter().map(|r| r.cost(bus)).collect();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn covers(rects: &[Rect], prev: &[u8], next: &[u8], width: usize) -> bool {
        (0..next.len()).all(|i| {
            prev[i] == next[i]
                || rects.iter().any(|r| {
                    let (p, x) = ((i / width) as u8, (i % width) as u8);
                    r.page0 <= p && p <= r.page1 && r.col0 <= x && x <= r.col1
                })
        })
    }

    #[test]
    fn unknown_panel_gets_the_full_frame() {
        let next = vec![1u8; 128 * 8];
        let mut out = Vec::new();
        assert_eq!(plan(None, &next, 128, &Bus::i2c(400_000), &mut out), 1024);
        assert_eq!(
            out,
            vec![Rect {
                page0: 0,
                page1: 7,
                col0: 0,
                col1: 127
            }]
        );
    }

    #[test]
    fn no_change_sends_nothing() {
        let f = vec![7u8; 128 * 4];
        let mut out = Vec::new();
        assert_eq!(plan(Some(&f), &f, 128, &Bus::i2c(400_000), &mut out), 0);
        assert!(out.is_empty());
    }

    #[test]
    fn far_apart_changes_stay_separate_and_stacked_ones_merge() {
        let prev = vec![0u8; 128 * 8];
        let mut next = prev.clone();
        // Two 8-wide blocks far apart on page 0.
        for x in 0..8 {
            next[x] = 1;
            next[100 + x] = 1;
        }
        // A 10x3-page block: one rectangle is cheaper than three.
        for p in 4..7 {
            for x in 50..60 {
                next[p * 128 + x] = 0x80;
            }
        }
        let mut out = Vec::new();
        let floor = plan(Some(&prev), &next, 128, &Bus::i2c(400_000), &mut out);
        assert_eq!(floor, 46);
        assert!(covers(&out, &prev, &next, 128));
        assert_eq!(
            out,
            vec![
                Rect {
                    page0: 0,
                    page1: 0,
                    col0: 0,
                    col1: 7
                },
                Rect {
                    page0: 0,
                    page1: 0,
                    col0: 100,
                    col1: 107
                },
                Rect {
                    page0: 4,
                    page1: 6,
                    col0: 50,
                    col1: 59
                },
            ]
        );
    }

    #[test]
    fn spi_merges_more_eagerly_than_i2c() {
        let prev = vec![0u8; 128 * 8];
        let mut next = prev.clone();
        next[0] = 1;
        next[20] = 1; // a 19-byte gap: 19 us on SPI at 8 MHz, less than two more transfers
        let mut i2c = Vec::new();
        let mut spi = Vec::new();
        plan(Some(&prev), &next, 128, &Bus::i2c(400_000), &mut i2c);
        plan(Some(&prev), &next, 128, &Bus::spi(8_000_000), &mut spi);
        assert_eq!(i2c.len(), 2);
        assert_eq!(
            spi,
            vec![Rect {
                page0: 0,
                page1: 0,
                col0: 0,
                col1: 20
            }]
        );
    }

    proptest::proptest! {
        #[test]
        fn plan_covers_every_change(
            seed in proptest::collection::vec((0usize..1024, proptest::num::u8::ANY), 0..200),
            spi in proptest::bool::ANY,
        ) {
            let prev = vec![0u8; 1024];
            let mut next = prev.clone();
            for (i, v) in seed { next[i] = v; }
            let bus = if spi { Bus::spi(8_000_000) } else { Bus::i2c(400_000) };
            let mut out = Vec::new();
            let floor = plan(Some(&prev), &next, 128, &bus, &mut out);
            proptest::prop_assert_eq!(floor, prev.iter().zip(&next).filter(|(a, b)| a != b).count());
            proptest::prop_assert!(covers(&out, &prev, &next, 128));
            let total: u64 = out.iter().map(|r| r.cost(&bus)).sum();
            let full = Rect { page0: 0, page1: 7, col0: 0, col1: 127 };
            proptest::prop_assert!(total <= full.cost(&bus));
        }
    }
}
