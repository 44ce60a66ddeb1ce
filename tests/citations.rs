//! Every rule's citation names places that exist in R6 (the seed text in
//! `../shared/seeds/001_*.txt`): each paragraph `§N` or range `§N–M`, each table, figure and
//! annex, and each lettered principle of Appendix I. It cannot judge whether a paragraph is
//! the right one, but it catches a typo or a paragraph of another report.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // test code

use std::collections::BTreeSet;
use std::path::PathBuf;

use tcrules::{Policy, RuleId};

/// R6's text: the ILO report the rules come from.
fn report() -> String {
    let seeds = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/seeds");
    let file = std::fs::read_dir(&seeds)
        .unwrap_or_else(|e| {
            panic!(
                "{}: {e} (the project's shared documents sit beside the repository)",
                seeds.display()
            )
        })
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with("001_"))
        .expect("seed 001 (R6) is in ../shared/seeds");
    String::from_utf8_lossy(&std::fs::read(file).unwrap()).into_owned()
}

/// The numbers of R6's paragraphs: lines that start `N. `.
fn paragraphs(text: &str) -> BTreeSet<u32> {
    text.lines()
        .filter_map(|l| {
            l.trim_start()
                .split_once(". ")
                .and_then(|(n, _)| n.parse().ok())
        })
        .collect()
}

/// The paragraphs a citation names: `§143`, `§59–62` (every one of a range).
fn cited_paragraphs(citation: &str) -> Vec<u32> {
    citation
        .split('§')
        .skip(1)
        .flat_map(|part| {
            let range: String = part
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '–')
                .collect();
            let (from, to) = range.split_once('–').unwrap_or((&range, &range));
            let (from, to): (u32, u32) = (from.parse().unwrap(), to.parse().unwrap());
            assert!(from <= to, "{citation}: range {from}–{to}");
            from..=to
        })
        .collect()
}

#[test]
fn every_citation_names_paragraphs_tables_and_principles_that_exist_in_r6() {
    let text = report();
    let known = paragraphs(&text);
    assert!(
        known.contains(&143) && known.contains(&338) && known.len() > 300,
        "paragraphs read: {}",
        known.len()
    );
    let policy = Policy::default();
    let mut problems = Vec::new();
    for id in RuleId::ALL {
        let citation = policy.rule(*id).citation.to_string();
        for n in cited_paragraphs(&citation) {
            if !known.contains(&n) {
                problems.push(format!("{id}: §{n} is not a paragraph of R6 ({citation})"));
            }
        }
        for kind in ["Table V.", "Figure V.", "Annex "] {
            for part in citation.split(kind).skip(1) {
                let name = format!(
                    "{kind}{}",
                    part.chars()
                        .take_while(char::is_ascii_digit)
                        .collect::<String>()
                );
                if !text.contains(&name) {
                    problems.push(format!("{id}: {name} is not in R6 ({citation})"));
                }
            }
        }
        for part in citation.split("Appendix I (").skip(1) {
            let letter = format!("({})", part.split(')').next().unwrap_or_default());
            let appendix = text.rsplit_once(" Appendix I\n").map_or("", |(_, a)| a);
            if !appendix
                .lines()
                .any(|l| l.trim_start().starts_with(&letter))
            {
                problems.push(format!(
                    "{id}: Appendix I {letter} is not in R6 ({citation})"
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn a_paragraph_range_names_every_paragraph_in_it() {
    assert_eq!(cited_paragraphs("R6 §63, §72–75; DC"), [63, 72, 73, 74, 75]);
    assert_eq!(cited_paragraphs("Appendix I (e)"), Vec::<u32>::new());
    // A typo is caught: R6 has no paragraph 3380.
    assert!(!paragraphs(&report()).contains(&3380));
}
