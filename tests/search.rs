//! Search: 1-, 2- and longer Chinese queries, substrings only, newest first, normalisation.

use crate::common::*;
use crate::intake::call;
use chrono::Duration;
use frontdesk::intake;
use frontdesk::search::{self, match_expression};

fn desk_with(texts: &[&str]) -> (Desk, Vec<String>) {
    let mut d = desk();
    let clerk = d.clerk.clone();
    let eid = d.estate.id.clone();
    let mut ids = Vec::new();
    for t in texts {
        d.clock.advance(Duration::minutes(1));
        ids.push(
            d.store
                .write(&clerk, |w| intake::record(w, &eid, &call(t)))
                .unwrap()
                .id,
        );
    }
    (d, ids)
}

#[test]
fn queries_of_every_length_find_exact_substrings() {
    let (d, ids) = desk_with(&[
        "厨房水管漏水",
        "楼道灯不亮",
        "漏电保护器跳闸",
        "水费多收了",
        "漏 水",
    ]);
    let eid = &d.estate.id;
    let found = |q: &str| -> Vec<usize> {
        search::search(d.store.conn(), eid, q, Some("intake"), 50)
            .unwrap()
            .iter()
            .map(|h| ids.iter().position(|i| *i == h.id).unwrap())
            .collect()
    };
    // Data-driven: query → indexes of matching texts, newest first.
    let cases: &[(&str, &[usize])] = &[
        ("漏", &[4, 2, 0]),
        ("漏水", &[4, 0]), // punctuation and spaces do not break a match
        ("水管漏", &[0]),
        ("厨房水管漏水", &[0]),
        ("水费", &[3]),
        ("灯", &[1]),
        ("漏 水", &[4, 0]), // two words: both must match
        ("管水", &[]),      // characters present but not as a substring
        ("电梯", &[]),
        ("，。", &[]), // nothing searchable
    ];
    for (q, expected) in cases {
        assert_eq!(found(q), expected.to_vec(), "query {q:?}");
    }
}

#[test]
fn match_expressions_quote_user_input() {
    assert_eq!(match_expression("漏").unwrap(), "uni : \"漏\"");
    assert_eq!(match_expression("漏水了").unwrap(), "bi : \"漏水 水了\"");
    assert_eq!(match_expression("A\"B").unwrap(), "bi : \"ab\"");
    assert!(match_expression("  ！？").is_none());
}

#[test]
fn search_finds_units_phones_and_numbers() {
    let (d, _) = desk_with(&["电梯异响"]);
    let eid = &d.estate.id;
    for q in [
        "3-2-1201",
        "1201",
        "8000",
        "LH-DJ2026-000001",
        "lh-dj2026",
        "张伟",
    ] {
        assert_eq!(
            search::search(d.store.conn(), eid, q, None, 10)
                .unwrap()
                .len(),
            1,
            "{q}"
        );
    }
}

#[test]
fn limit_returns_the_newest() {
    let texts: Vec<String> = (0..30).map(|i| format!("第{i}次漏水")).collect();
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let (d, ids) = desk_with(&refs);
    let hits = search::search(d.store.conn(), &d.estate.id, "漏水", None, 5).unwrap();
    let got: Vec<&str> = hits.iter().map(|h| h.id.as_str()).collect();
    let want: Vec<&str> = ids.iter().rev().take(5).map(String::as_str).collect();
    assert_eq!(got, want);
}
