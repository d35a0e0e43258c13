//! The working calendar: shipped national days, 调休, weekends, estate overrides, day arithmetic.

use chrono::{DateTime, NaiveDate, Utc};
use frontdesk::calendar::{self, Calendar, DayInput, DaySource};
use frontdesk::{time, Error};

use crate::common::*;

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// A Beijing time `YYYY-MM-DD HH:MM[:SS]`.
pub fn bj(s: &str) -> DateTime<Utc> {
    time::parse_input("t", "时间", s).unwrap()
}

fn national() -> Calendar {
    Calendar::national(&[6, 7]).unwrap()
}

#[test]
fn every_kind_of_day_counts_as_published() {
    let cal = national();
    for (day_s, working, name, source) in [
        ("2026-01-01", false, "元旦", DaySource::National),
        ("2026-01-04", true, "元旦调休上班", DaySource::National),
        ("2026-02-14", true, "春节调休上班", DaySource::National),
        ("2026-02-15", false, "春节", DaySource::National),
        ("2026-02-23", false, "春节", DaySource::National),
        ("2026-02-24", true, "工作日", DaySource::Weekly),
        ("2026-02-28", true, "春节调休上班", DaySource::National),
        ("2026-04-06", false, "清明节", DaySource::National),
        ("2026-05-05", false, "劳动节", DaySource::National),
        ("2026-05-09", true, "劳动节调休上班", DaySource::National),
        ("2026-06-19", false, "端午节", DaySource::National),
        ("2026-09-20", true, "国庆节调休上班", DaySource::National),
        ("2026-09-25", false, "中秋节", DaySource::National),
        ("2026-10-07", false, "国庆节", DaySource::National),
        ("2026-10-08", true, "工作日", DaySource::Weekly),
        ("2026-10-10", true, "国庆节调休上班", DaySource::National),
        ("2026-10-11", false, "周末", DaySource::Weekly),
        ("2026-11-21", false, "周末", DaySource::Weekly),
        ("2026-11-23", true, "工作日", DaySource::Weekly),
        ("2027-01-01", false, "元旦", DaySource::Provisional),
        ("2027-02-05", false, "春节", DaySource::Provisional),
        ("2027-02-08", false, "春节", DaySource::Provisional),
        ("2027-04-05", false, "清明节", DaySource::Provisional),
        ("2027-06-09", false, "端午节", DaySource::Provisional),
        ("2027-09-15", false, "中秋节", DaySource::Provisional),
        ("2027-10-01", false, "国庆节", DaySource::Provisional),
        ("2027-10-04", true, "工作日", DaySource::Weekly),
        ("2028-01-03", true, "工作日", DaySource::Weekly),
    ] {
        let day = cal.day(date(day_s));
        assert_eq!(
            (day.working, day.name.as_str(), day.source),
            (working, name, source),
            "{day_s}"
        );
        assert_eq!(cal.is_working_day(date(day_s)), working, "{day_s}");
    }
}

#[test]
fn working_days_are_added_across_holidays_and_make_up_days() {
    let cal = national();
    for (from, n, expected) in [
        ("2026-11-23 09:00", 0, "2026-11-23 09:00"),
        ("2026-11-20 17:30:15", 1, "2026-11-23 17:30:15"),
        ("2026-11-21 10:00", 1, "2026-11-23 10:00"),
        ("2026-11-23 09:00", 5, "2026-11-30 09:00"),
        // A plan due across 国庆 2026: 9-30, 10-8, 10-9, 10-10 (调休 Saturday), 10-12.
        ("2026-09-29 10:00", 5, "2026-10-12 10:00"),
        // Landing on the 调休 Saturday counts it as working.
        ("2026-10-08 09:00", 2, "2026-10-10 09:00"),
        // Started on a holiday: counting begins the day after.
        ("2026-10-03 11:00", 1, "2026-10-08 11:00"),
        ("2026-02-13 15:00", 1, "2026-02-14 15:00"),
        ("2026-02-13 15:00", 2, "2026-02-24 15:00"),
        ("2026-09-18 08:00", 1, "2026-09-20 08:00"),
        ("2026-12-31 16:00", 1, "2027-01-04 16:00"),
        // Near midnight Beijing: the Beijing date counts, not the UTC one.
        ("2026-11-20 23:59:59", 1, "2026-11-23 23:59:59"),
        ("2026-11-23 00:00:01", 1, "2026-11-24 00:00:01"),
    ] {
        assert_eq!(
            cal.add_working_days(bj(from), n),
            bj(expected),
            "{from} + {n}"
        );
    }
}

#[test]
fn the_weekend_is_configurable() {
    let sunday_only = Calendar::national(&[7]).unwrap();
    assert!(sunday_only.is_working_day(date("2026-11-21")));
    assert!(!sunday_only.is_working_day(date("2026-11-22")));
    assert_eq!(
        sunday_only.add_working_days(bj("2026-11-20 09:00"), 1),
        bj("2026-11-21 09:00")
    );
    // National days still win over the weekend rule.
    assert!(!sunday_only.is_working_day(date("2026-10-03")));
    for bad in [vec![0], vec![8], vec![6, 6], vec![1, 2, 3, 4, 5, 6, 7]] {
        assert!(
            matches!(
                Calendar::national(&bad),
                Err(Error::Invalid {
                    field: "deadlines.weekend",
                    ..
                })
            ),
            "{bad:?}"
        );
    }
    assert!(Calendar::national(&[])
        .unwrap()
        .is_working_day(date("2026-11-22")));
}

#[test]
fn a_year_lists_its_special_days_and_counts_working_days() {
    let y = national().year(2026).unwrap();
    assert_eq!(y.working_days, 248);
    assert_eq!(y.special_days.len(), 33 + 6);
    let shipped = y.shipped.unwrap();
    assert!(!shipped.provisional);
    assert!(shipped.note.contains("国务院办公厅"));
    let y27 = national().year(2027).unwrap();
    let s27 = y27.shipped.unwrap();
    assert!(s27.provisional);
    assert!(s27.note.contains("暂定"));
    assert!(y27.special_days.iter().all(|d| !d.working));
    assert!(national().year(2030).unwrap().shipped.is_none());
}

fn set(
    d: &mut Desk,
    date: &str,
    working: bool,
    name: &str,
) -> frontdesk::Result<calendar::Override> {
    let (sup, eid) = (d.supervisor.clone(), d.estate.id.clone());
    let input = DayInput {
        date: Some(date.into()),
        working: Some(working),
        name: Some(name.into()),
    };
    d.store.write(&sup, |w| calendar::set_day(w, &eid, &input))
}

fn audit_count(d: &Desk, action: &str) -> i64 {
    d.store
        .conn()
        .query_row(
            "SELECT count(*) FROM audit_log WHERE entity = 'calendar_day' AND action = ?1",
            [action],
            |r| r.get(0),
        )
        .unwrap()
}

#[test]
fn an_estate_overrides_days_audited_and_clears_them_with_a_reason() {
    let mut d = desk();
    let eid = d.estate.id.clone();
    let o = set(&mut d, "2026-11-23", false, "公司年会 😀𠮷").unwrap();
    assert_eq!(o.name, "公司年会 😀𠮷");
    let cal = Calendar::current(d.store.conn(), &eid).unwrap();
    let day = cal.day(date("2026-11-23"));
    assert_eq!((day.working, day.source), (false, DaySource::Estate));
    assert_eq!(
        cal.add_working_days(bj("2026-11-20 09:00"), 1),
        bj("2026-11-24 09:00")
    );
    // An estate may make a national holiday a working day.
    set(&mut d, "2026-10-03", true, "值班").unwrap();
    assert!(Calendar::current(d.store.conn(), &eid)
        .unwrap()
        .is_working_day(date("2026-10-03")));
    // Setting again updates the same row.
    let again = set(&mut d, "2026-11-23", true, "调休").unwrap();
    assert_eq!(again.id, o.id);
    assert_eq!(
        (audit_count(&d, "insert"), audit_count(&d, "update")),
        (2, 1)
    );
    assert_eq!(calendar::overrides(d.store.conn(), &eid).unwrap().len(), 2);

    let sup = d.supervisor.clone();
    d.store
        .write(&sup, |w| {
            calendar::clear_day(w, &eid, Some("2026-11-23"), Some("年会取消"))
        })
        .unwrap();
    assert_eq!(audit_count(&d, "void"), 1);
    let day = Calendar::current(d.store.conn(), &eid)
        .unwrap()
        .day(date("2026-11-23"));
    assert_eq!(day.source, DaySource::Weekly);
    // The voided row is kept.
    let rows: i64 = d
        .store
        .conn()
        .query_row("SELECT count(*) FROM calendar_days", [], |r| r.get(0))
        .unwrap();
    assert_eq!(rows, 2);
    // Clearing a day that has no override is a state error and changes nothing.
    let before = snapshot(&d.store);
    let r = d.store.write(&sup, |w| {
        calendar::clear_day(w, &eid, Some("2026-11-23"), Some("再次"))
    });
    assert!(matches!(r, Err(Error::State(m)) if m.contains("没有")));
    assert_eq!(before, snapshot(&d.store));
    // The same day can be set again after clearing.
    set(&mut d, "2026-11-23", false, "停电").unwrap();
}

#[test]
fn bad_calendar_input_is_rejected_and_nothing_changes() {
    let mut d = desk();
    let (sup, eid) = (d.supervisor.clone(), d.estate.id.clone());
    let ok = DayInput {
        date: Some("2026-12-31".into()),
        working: Some(false),
        name: Some("年会".into()),
    };
    for (input, field, needle) in [
        (
            DayInput {
                date: None,
                ..ok.clone()
            },
            "date",
            "必填",
        ),
        (
            DayInput {
                date: Some("2026-13-01".into()),
                ..ok.clone()
            },
            "date",
            "格式",
        ),
        (
            DayInput {
                date: Some("明天".into()),
                ..ok.clone()
            },
            "date",
            "格式",
        ),
        (
            DayInput {
                working: None,
                ..ok.clone()
            },
            "working",
            "上班",
        ),
        (
            DayInput {
                name: None,
                ..ok.clone()
            },
            "name",
            "名称",
        ),
        (
            DayInput {
                name: Some("年\u{7}会".into()),
                ..ok.clone()
            },
            "name",
            "名称",
        ),
        (
            DayInput {
                name: Some("会".repeat(31)),
                ..ok.clone()
            },
            "name",
            "名称",
        ),
    ] {
        assert_rejected(&mut d.store, &sup, field, needle, |w| {
            calendar::set_day(w, &eid, &input)
        });
    }
    assert_rejected(&mut d.store, &sup, "reason", "原因", |w| {
        calendar::clear_day(w, &eid, Some("2026-12-31"), None)
    });
    // Full-width digits in the date are accepted.
    let o = d
        .store
        .write(&sup, |w| {
            calendar::set_day(
                w,
                &eid,
                &DayInput {
                    date: Some("２０２６-１２-３１".into()),
                    ..ok.clone()
                },
            )
        })
        .unwrap();
    assert_eq!(o.date, date("2026-12-31"));
    // A clerk may not edit the calendar.
    let clerk = d.clerk.clone();
    let before = snapshot(&d.store);
    let r = d.store.write(&clerk, |w| calendar::set_day(w, &eid, &ok));
    assert!(matches!(r, Err(Error::Denied(_))), "{r:?}");
    assert_eq!(before, snapshot(&d.store));
}

#[test]
fn the_policy_weekend_drives_the_estate_calendar() {
    let mut d = desk();
    let (sup, eid) = (d.supervisor.clone(), d.estate.id.clone());
    let mut p = frontdesk::policy::current(d.store.conn(), &eid)
        .unwrap()
        .policy;
    p.deadlines.weekend = vec![7];
    d.store
        .write(&sup, |w| {
            frontdesk::policy::save(w, &eid, &p, Some("周六上班"))
        })
        .unwrap();
    let cal = Calendar::current(d.store.conn(), &eid).unwrap();
    assert!(cal.is_working_day(date("2026-11-21")));
}
