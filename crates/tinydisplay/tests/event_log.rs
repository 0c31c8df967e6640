//! The event log's text form reads back as the events that wrote it.

use proptest::prelude::*;
use tinydisplay::{parse_event_log, Event, Value};

fn value() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<i64>().prop_map(Value::Int),
        // Any text, including `#`, quotes, backslashes, control characters, surrounding
        // spaces and digits-only strings.
        any::<String>().prop_map(Value::Text),
        "[ #\"\\\\0-9a-z\t]{0,12}".prop_map(Value::Text),
    ]
}

proptest! {
    #[test]
    fn to_line_reads_back(tick in any::<u64>(), name in "[A-Za-z0-9_]{1,8}", v in value()) {
        let e = Event::new(tick, name, v);
        let line = e.to_line();
        prop_assert!(!line.contains('\n'), "one line: {line:?}");
        let back = parse_event_log(&format!("{line} # a comment\n"))
            .map_err(|err| TestCaseError::fail(format!("{line:?}: {err}")))?;
        prop_assert_eq!(back, vec![e]);
    }

    #[test]
    fn stdin_assignments_read_back(name in "[a-z_]{1,8}", v in value()) {
        let e = Event::new(0, name, v);
        let line = e.to_line();
        let assignment = line.split_once(' ').unwrap().1;
        prop_assert_eq!(Event::parse_assignment(0, assignment).unwrap(), e);
    }
}

#[test]
fn bad_quoted_values_say_what_is_wrong() {
    for (line, want) in [
        ("3 song=\"unterminated", "no closing"),
        ("3 song=\"a\\q\"", "unknown escape \\q"),
        ("3 song=\"a\" trailing", "after the quoted value"),
        ("3 song=\"\\u{110000}\"", "bad \\u{110000} escape"),
    ] {
        let err = parse_event_log(line).unwrap_err();
        assert_eq!(err.line, 1, "{line}");
        assert!(
            err.message.contains(want),
            "{line}: {} lacks {want:?}",
            err.message
        );
    }
}
