//! An activity's row as one line of text cells, for CSV output written as the file is
//! read: the nested parts (evaluations, donors, delivery by year, findings) joined into
//! one cell each, in a form a spreadsheet shows and a person reads.

use crate::rule::Status;

use super::rules::IatiRow;

/// The columns of [`IatiRow::cells`], in order.
pub const COLUMNS: [&str; 18] = [
    "activity",
    "identifier",
    "title",
    "start",
    "end",
    "duration_months",
    "duration_class",
    "evaluations",
    "budget_usd",
    "independent_evaluation",
    "donors",
    "gender_marker",
    "delivery",
    "fails",
    "warnings",
    "findings_needing_action",
    "missing",
    "error",
];

impl IatiRow {
    /// The row's cells under [`COLUMNS`]: dates ISO, amounts exact, several values
    /// joined by `; ` (`mid_term 2024-09-30; final 2025-06-30`, `2024 56.3; 2025 -`, the exact rate in per cent), a
    /// finding as `RULE status: message`, an error as `[code] message`.
    ///
    /// ```
    /// use tcrules::{iati::{self, COLUMNS}, money::Rates, Policy};
    /// let xml = r#"<iati-activities><iati-activity default-currency="USD">
    ///   <iati-identifier>A-1</iati-identifier>
    ///   <activity-date type="2" iso-date="2024-01-01"/><activity-date type="3" iso-date="2025-06-30"/>
    ///   <budget><period-start iso-date="2024-01-01"/><period-end iso-date="2024-12-31"/><value>1000</value></budget>
    ///   <transaction><transaction-type code="4"/><transaction-date iso-date="2024-03-15"/><value>600</value></transaction>
    /// </iati-activity></iati-activities>"#;
    /// let report = iati::read(xml.as_bytes(), &Rates::usd_only(), &Policy::default());
    /// let cells = report.activities[0].cells();
    /// let cell = |name| &cells[COLUMNS.iter().position(|c| *c == name).unwrap()];
    /// assert_eq!(cell("evaluations"), "mid_term 2024-09-30; final 2025-06-30");
    /// assert_eq!(cell("delivery"), "2024 60");
    /// assert_eq!(cell("independent_evaluation"), "no");
    /// ```
    pub fn cells(&self) -> [String; COLUMNS.len()] {
        let join = |items: Vec<String>| items.join("; ");
        let text = |v: Option<&dyn ToString>| v.map(ToString::to_string).unwrap_or_default();
        let count = |status| self.findings.iter().filter(|f| f.status == status).count();
        [
            self.activity.clone(),
            self.identifier.clone().unwrap_or_default(),
            self.title.clone().unwrap_or_default(),
            text(self.start.as_ref().map(|d| d as &dyn ToString)),
            text(self.end.as_ref().map(|d| d as &dyn ToString)),
            text(self.duration.as_ref().map(|d| &d.months as &dyn ToString)),
            self.duration_class
                .map(|c| c.as_str().to_owned())
                .unwrap_or_default(),
            join(
                self.evaluations
                    .iter()
                    .map(|d| format!("{} {}", d.kind.as_str(), d.date))
                    .collect(),
            ),
            text(self.budget_usd.as_ref().map(|d| d as &dyn ToString)),
            match self.independent_evaluation {
                Some(true) => "yes".to_owned(),
                Some(false) => "no".to_owned(),
                None => String::new(),
            },
            join(self.donors.clone()),
            text(self.gender_marker.as_ref().map(|m| m as &dyn ToString)),
            join(
                self.delivery
                    .iter()
                    .map(|g| {
                        let rate = g
                            .rate_percent
                            .map_or_else(|| "-".to_owned(), |r| r.normalize().to_string());
                        format!("{} {rate}", g.group)
                    })
                    .collect(),
            ),
            count(Status::Fail).to_string(),
            count(Status::Warning).to_string(),
            join(
                self.findings
                    .iter()
                    .filter(|f| f.needs_action())
                    .map(|f| format!("{} {}: {}", f.rule, f.status, f.message))
                    .collect(),
            ),
            join(self.missing.clone()),
            self.error
                .as_ref()
                .map(|e| format!("[{}] {}", e.code, e.message))
                .unwrap_or_default(),
        ]
    }
}
