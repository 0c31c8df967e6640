//! The comparison at the heart of the checker: what a golden file promises against what one
//! target computed for that scene. A pure function (no files, no processes), so its tests can
//! exercise every way the two can disagree.

use super::format::{Golden, Hashes};

/// What the golden file's wire line is compared with.
#[derive(Clone, Debug, PartialEq)]
pub enum Wire {
    /// This target does not produce the wire stream (only the reference target does).
    NotChecked,
    Hash(String),
}

/// What one target computed for one scene.
#[derive(Clone, Debug, PartialEq)]
pub struct Actual {
    pub plain: Hashes,
    /// Present when the target replayed the scene's event log.
    pub events: Option<Hashes>,
    pub wire: Wire,
}

/// Where a list of hashes first departs from the expected one.
#[derive(Clone, Debug, PartialEq)]
pub enum Difference {
    /// The frame at this tick differs.
    Tick(u64),
    Missing(u64),
    Extra(u64),
    Order {
        expected: u64,
        got: u64,
    },
}

impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Difference::Tick(t) => write!(f, "tick {t} differs"),
            Difference::Missing(t) => write!(f, "tick {t} missing"),
            Difference::Extra(t) => write!(f, "extra tick {t}"),
            Difference::Order { expected, got } => {
                write!(f, "got tick {got} where {expected} was due")
            }
        }
    }
}

/// Why a cell is not identical.
#[derive(Clone, Debug, PartialEq)]
pub enum Mismatch {
    Frames(Difference),
    /// The frames under the event log.
    Events(Difference),
    /// The golden file has `events` lines, the target computed none.
    EventsMissing,
    /// The target replayed an event log the golden file has no lines for.
    EventsUnexpected,
    Wire {
        expected: String,
        got: String,
    },
    /// The target hashed the wire stream, the golden file has no `wire` line to compare with.
    WireMissing,
}

impl std::fmt::Display for Mismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Mismatch::Frames(d) => write!(f, "{d}"),
            Mismatch::Events(d) => write!(f, "events: {d}"),
            Mismatch::EventsMissing => write!(f, "events: not computed"),
            Mismatch::EventsUnexpected => write!(f, "events: not in golden"),
            Mismatch::Wire { expected, got } => write!(f, "wire {got} != {expected}"),
            Mismatch::WireMissing => write!(f, "wire: no golden line"),
        }
    }
}

/// One cell of the target x scene table.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Identical,
    Differs(Mismatch),
    Error(String),
}

/// Compares one scene on one target: the plain frames, then the frames under the event log, then
/// the wire stream; the first disagreement is the cell's.
pub fn compare(expected: &Golden, actual: &Actual) -> Cell {
    if let Some(d) = first_difference(&expected.plain, &actual.plain) {
        return Cell::Differs(Mismatch::Frames(d));
    }
    match (&expected.events, &actual.events) {
        (Some((_, e)), Some(a)) => {
            if let Some(d) = first_difference(e, a) {
                return Cell::Differs(Mismatch::Events(d));
            }
        }
        (Some(_), None) => return Cell::Differs(Mismatch::EventsMissing),
        (None, Some(_)) => return Cell::Differs(Mismatch::EventsUnexpected),
        (None, None) => {}
    }
    match (&expected.wire, &actual.wire) {
        (_, Wire::NotChecked) => Cell::Identical,
        (None, Wire::Hash(_)) => Cell::Differs(Mismatch::WireMissing),
        (Some(e), Wire::Hash(a)) if e != a => Cell::Differs(Mismatch::Wire {
            expected: e.clone(),
            got: a.clone(),
        }),
        (Some(_), Wire::Hash(_)) => Cell::Identical,
    }
}

/// Where `actual` first departs from `expected`: `None` when identical.
pub fn first_difference(expected: &Hashes, actual: &Hashes) -> Option<Difference> {
    for (i, e) in expected.iter().enumerate() {
        match actual.get(i) {
            None => return Some(Difference::Missing(e.0)),
            Some(a) if a.0 != e.0 => {
                return Some(Difference::Order {
                    expected: e.0,
                    got: a.0,
                })
            }
            Some(a) if a.1 != e.1 => return Some(Difference::Tick(e.0)),
            Some(_) => {}
        }
    }
    if actual.len() > expected.len() {
        return Some(Difference::Extra(actual[expected.len()].0));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(t: u64, d: char) -> (u64, String) {
        (t, d.to_string().repeat(16))
    }

    fn golden() -> Golden {
        Golden {
            scene: "t.toml".into(),
            last: 2,
            far: vec![],
            plain: vec![h(0, 'a'), h(1, 'b'), h(2, 'c')],
            events: Some(("t.events".into(), vec![h(0, 'd'), h(1, 'e'), h(2, 'f')])),
            wire: Some("0123456789abcdef".into()),
        }
    }

    /// What a correct reference target computes for [`golden`].
    fn actual() -> Actual {
        Actual {
            plain: vec![h(0, 'a'), h(1, 'b'), h(2, 'c')],
            events: Some(vec![h(0, 'd'), h(1, 'e'), h(2, 'f')]),
            wire: Wire::Hash("0123456789abcdef".into()),
        }
    }

    #[test]
    fn equal_frames_and_wire_are_identical() {
        assert_eq!(compare(&golden(), &actual()), Cell::Identical);
        // A target that does not hash the wire stream is judged on its frames.
        let a = Actual {
            wire: Wire::NotChecked,
            ..actual()
        };
        assert_eq!(compare(&golden(), &a), Cell::Identical);
    }

    #[test]
    fn a_different_frame_hash_differs() {
        let mut a = actual();
        a.plain[1] = h(1, '0');
        assert_eq!(
            compare(&golden(), &a),
            Cell::Differs(Mismatch::Frames(Difference::Tick(1)))
        );
        let mut a = actual();
        a.events.as_mut().unwrap()[2] = h(2, '0');
        assert_eq!(
            compare(&golden(), &a),
            Cell::Differs(Mismatch::Events(Difference::Tick(2)))
        );
    }

    #[test]
    fn a_different_wire_hash_differs() {
        let a = Actual {
            wire: Wire::Hash("0123456789abcdee".into()),
            ..actual()
        };
        assert_eq!(
            compare(&golden(), &a),
            Cell::Differs(Mismatch::Wire {
                expected: "0123456789abcdef".into(),
                got: "0123456789abcdee".into()
            })
        );
    }

    #[test]
    fn anything_missing_differs() {
        // A frame the target did not compute.
        let mut a = actual();
        a.plain.pop();
        assert_eq!(
            compare(&golden(), &a),
            Cell::Differs(Mismatch::Frames(Difference::Missing(2)))
        );
        // The event-log replay the target did not run.
        let a = Actual {
            events: None,
            ..actual()
        };
        assert_eq!(
            compare(&golden(), &a),
            Cell::Differs(Mismatch::EventsMissing)
        );
        // A golden file without the wire line it should have.
        let g = Golden {
            wire: None,
            ..golden()
        };
        assert_eq!(compare(&g, &actual()), Cell::Differs(Mismatch::WireMissing));
        // A golden file without events lines while the target replayed a log.
        let g = Golden {
            events: None,
            ..golden()
        };
        assert_eq!(
            compare(&g, &actual()),
            Cell::Differs(Mismatch::EventsUnexpected)
        );
    }

    #[test]
    fn frames_are_checked_before_the_wire() {
        let mut a = actual();
        a.plain[0] = h(0, '0');
        a.wire = Wire::Hash("ffffffffffffffff".into());
        assert_eq!(
            compare(&golden(), &a),
            Cell::Differs(Mismatch::Frames(Difference::Tick(0)))
        );
    }

    #[test]
    fn first_difference_cases() {
        let a: Hashes = vec![(0, "a".into()), (1, "b".into())];
        assert_eq!(first_difference(&a, &a), None);
        assert_eq!(
            first_difference(&a, &a[..1].to_vec()),
            Some(Difference::Missing(1))
        );
        let mut b = a.clone();
        b[1].1 = "c".into();
        assert_eq!(first_difference(&a, &b), Some(Difference::Tick(1)));
        let mut c = a.clone();
        c.push((2, "x".into()));
        assert_eq!(first_difference(&a, &c), Some(Difference::Extra(2)));
        let swapped = vec![a[1].clone(), a[0].clone()];
        assert_eq!(
            first_difference(&a, &swapped),
            Some(Difference::Order {
                expected: 0,
                got: 1
            })
        );
    }
}
