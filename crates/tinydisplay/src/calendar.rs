//! Calendar maths in integers: the proleptic Gregorian calendar over the whole `i64` range of
//! seconds, for the `{time:...}` and `{date:...}` templates.
//!
//! Days from and to a civil date follow Howard Hinnant's algorithms ("chrono-Compatible Low-Level
//! Date Algorithms"): the year is shifted to start on 1 March so the leap day is the last day of
//! the year, and 400-year eras of exactly 146 097 days make the rest arithmetic. Intermediate
//! values are `i128`, so no `i64` input can overflow. Years are astronomical: year 0 is 1 BC.

/// Seconds from 1970-01-01 00:00:00 to 2000-01-01 00:00:00: what a scene without a `clock` event
/// shows at tick 0.
pub const Y2000: i64 = 946_684_800;

const SECS_PER_DAY: i64 = 86_400;

/// A moment broken down into calendar fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Civil {
    pub year: i64,
    /// 1..=12.
    pub month: u8,
    /// 1..=31.
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
    pub second: u8,
    /// 0 = Sunday .. 6 = Saturday.
    pub weekday: u8,
    /// 1..=366.
    pub yday: u16,
}

pub fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

/// Days from 1970-01-01 to `year-month-day` (negative before). `month` 1..=12, `day` 1..=31;
/// out-of-range fields are not checked (they roll over as the formula goes).
pub fn days_from_civil(year: i64, month: u8, day: u8) -> i128 {
    let m = i128::from(month);
    let y = i128::from(year) - i128::from(m <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400; // 0..=399
    let mp = (m + 9) % 12; // March = 0
    let doy = (153 * mp + 2) / 5 + i128::from(day) - 1; // 0..=365
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; // 0..=146096
    era * 146_097 + doe - 719_468
}

/// The date `days` after 1970-01-01: (year, month 1..=12, day 1..=31).
pub fn civil_from_days(days: i64) -> (i64, u8, u8) {
    let z = i128::from(days) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097; // 0..=146096
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // 0..=399
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // 0..=365, from 1 March
    let mp = (5 * doy + 2) / 153; // 0..=11
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i128::from(month <= 2);
    // |days| < 2^63 gives |year| < 2^63 / 365: it always fits.
    (year as i64, month as u8, day as u8)
}

/// 0 = Sunday .. 6 = Saturday.
pub fn weekday(days: i64) -> u8 {
    // 1970-01-01 was a Thursday.
    (i128::from(days) + 4).rem_euclid(7) as u8
}

/// 1..=366: the day's place in its year.
pub fn day_of_year(year: i64, month: u8, day: u8) -> u16 {
    const BEFORE: [u16; 12] = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
    let m = usize::from(month.clamp(1, 12)) - 1;
    BEFORE[m] + u16::from(day) + u16::from(month > 2 && is_leap(year))
}

/// Seconds since 1970-01-01 00:00:00 (no leap seconds) as calendar fields.
pub fn civil(secs: i64) -> Civil {
    let days = secs.div_euclid(SECS_PER_DAY);
    let sod = secs.rem_euclid(SECS_PER_DAY);
    let (year, month, day) = civil_from_days(days);
    Civil {
        year,
        month,
        day,
        hour: (sod / 3600) as u8,
        minute: (sod / 60 % 60) as u8,
        second: (sod % 60) as u8,
        weekday: weekday(days),
        yday: day_of_year(year, month, day),
    }
}

pub const WEEKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

pub const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn month_len(year: i64, month: u8) -> u8 {
        match month {
            2 if is_leap(year) => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        }
    }

    /// The slow reference: walk day by day from 1970-01-01 (forwards or backwards), with the
    /// weekday and day of year counted along, sharing nothing with Hinnant's formulas.
    fn walk(days: i64) -> (i64, u8, u8, u8, u16) {
        let (mut y, mut m, mut d, mut wd, mut yd) = (1970i64, 1u8, 1u8, 4u8, 1u16);
        for _ in 0..days.unsigned_abs() {
            if days > 0 {
                wd = (wd + 1) % 7;
                if d < month_len(y, m) {
                    d += 1;
                    yd += 1;
                } else if m < 12 {
                    (m, d) = (m + 1, 1);
                    yd += 1;
                } else {
                    (y, m, d, yd) = (y + 1, 1, 1, 1);
                }
            } else {
                wd = (wd + 6) % 7;
                if d > 1 {
                    d -= 1;
                    yd -= 1;
                } else if m > 1 {
                    m -= 1;
                    d = month_len(y, m);
                    yd -= 1;
                } else {
                    y -= 1;
                    (m, d) = (12, 31);
                    yd = if is_leap(y) { 366 } else { 365 };
                }
            }
        }
        (y, m, d, wd, yd)
    }

    fn check(days: i64) {
        let (y, m, d, wd, yd) = walk(days);
        assert_eq!(civil_from_days(days), (y, m, d), "day {days}");
        assert_eq!(days_from_civil(y, m, d), i128::from(days), "{y}-{m}-{d}");
        assert_eq!(weekday(days), wd, "weekday of {y}-{m}-{d}");
        assert_eq!(day_of_year(y, m, d), yd, "day of year of {y}-{m}-{d}");
    }

    #[test]
    fn every_day_from_1970_to_2201_matches_the_walk() {
        // One continuous walk each way, so the check costs O(days), not O(days^2).
        let (mut y, mut m, mut d, mut wd, mut yd) = (1970i64, 1u8, 1u8, 4u8, 1u16);
        for days in 0..(231 * 366) {
            assert_eq!(civil_from_days(days), (y, m, d));
            assert_eq!(days_from_civil(y, m, d), i128::from(days));
            assert_eq!((weekday(days), day_of_year(y, m, d)), (wd, yd));
            let next = walk_step(y, m, d);
            (y, m, d) = next;
            wd = (wd + 1) % 7;
            yd = if (m, d) == (1, 1) { 1 } else { yd + 1 };
        }
        for days in [-1, -365, -25_567, -62_000] {
            check(days);
        }
    }

    fn walk_step(y: i64, m: u8, d: u8) -> (i64, u8, u8) {
        if d < month_len(y, m) {
            (y, m, d + 1)
        } else if m < 12 {
            (y, m + 1, 1)
        } else {
            (y + 1, 1, 1)
        }
    }

    #[test]
    fn known_dates() {
        // 1970-01-01 was a Thursday, 2000-01-01 a Saturday.
        assert_eq!(civil(0).weekday, 4);
        assert_eq!(WEEKDAYS[usize::from(civil(Y2000).weekday)], "Sat");
        assert_eq!(days_from_civil(2000, 1, 1) * 86_400, i128::from(Y2000));
        let c = civil(Y2000);
        assert_eq!((c.year, c.month, c.day, c.hour, c.yday), (2000, 1, 1, 0, 1));
        // The leap day of 2000 (a year divisible by 400).
        let leap = days_from_civil(2000, 2, 29);
        assert_eq!(civil_from_days(leap as i64), (2000, 2, 29));
        check(leap as i64);
        // 2024 is a leap year: its last day is day 366.
        let eve = days_from_civil(2024, 12, 31) as i64;
        assert_eq!(civil(eve * 86_400).yday, 366);
        check(eve);
        // The second after the 32-bit time_t limit.
        let c = civil(1 << 31);
        assert_eq!(
            (c.year, c.month, c.day, c.hour, c.minute, c.second),
            (2038, 1, 19, 3, 14, 8)
        );
        assert_eq!(WEEKDAYS[usize::from(c.weekday)], "Tue");
        // 1900 and 2100 are not leap years, 2000 is.
        assert!(!is_leap(1900) && is_leap(2000) && !is_leap(2100) && is_leap(2024));
        assert_eq!(
            civil_from_days(days_from_civil(1900, 3, 1) as i64 - 1),
            (1900, 2, 28)
        );
        assert_eq!(
            civil_from_days(days_from_civil(2100, 3, 1) as i64 - 1),
            (2100, 2, 28)
        );
        assert_eq!(
            civil_from_days(days_from_civil(2000, 3, 1) as i64 - 1),
            (2000, 2, 29)
        );
        check(days_from_civil(1900, 3, 1) as i64);
        // A far-future date: the walk from 1970 takes about 3 million steps.
        let far = days_from_civil(9999, 12, 31) as i64;
        check(far);
        let c = civil(far * 86_400 + 86_399);
        assert_eq!((c.year, c.month, c.day, c.yday), (9999, 12, 31, 365));
        assert_eq!(WEEKDAYS[usize::from(c.weekday)], "Fri");
    }

    #[test]
    fn extremes_do_not_overflow() {
        for s in [i64::MIN, i64::MIN + 1, -1, i64::MAX - 1, i64::MAX] {
            let c = civil(s);
            assert!((1..=12).contains(&c.month) && (1..=31).contains(&c.day));
            assert!(c.hour < 24 && c.minute < 60 && c.second < 60 && c.weekday < 7);
            let back = days_from_civil(c.year, c.month, c.day) * 86_400
                + i128::from(c.hour) * 3600
                + i128::from(c.minute) * 60
                + i128::from(c.second);
            assert_eq!(back, i128::from(s));
        }
        let c = civil(-1);
        assert_eq!(
            (c.year, c.month, c.day, c.hour, c.minute, c.second),
            (1969, 12, 31, 23, 59, 59)
        );
        assert_eq!(WEEKDAYS[usize::from(c.weekday)], "Wed");
    }

    proptest! {
        #[test]
        fn round_trip(days in (i64::MIN / 86_400)..=(i64::MAX / 86_400)) {
            let (y, m, d) = civil_from_days(days);
            prop_assert!((1..=12).contains(&m));
            prop_assert!(d >= 1 && d <= month_len(y, m));
            prop_assert_eq!(days_from_civil(y, m, d), i128::from(days));
            // The next day is the calendar's next day.
            prop_assert_eq!(civil_from_days(days + 1), walk_step(y, m, d));
            let yd = day_of_year(y, m, d);
            let first = days_from_civil(y, 1, 1);
            prop_assert_eq!(i128::from(yd), i128::from(days) - first + 1);
        }

        #[test]
        fn seconds_round_trip(secs in any::<i64>()) {
            let c = civil(secs);
            let back = days_from_civil(c.year, c.month, c.day) * 86_400
                + i128::from(c.hour) * 3600
                + i128::from(c.minute) * 60
                + i128::from(c.second);
            prop_assert_eq!(back, i128::from(secs));
            prop_assert_eq!(c.weekday, weekday(secs.div_euclid(86_400)));
        }
    }
}
