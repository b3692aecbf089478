//! The tables of one school (SPEC §12), in the order the spec lists them: the school, then the
//! CSV files by their descriptions, then the closes, the settlements and their families, and
//! the findings of `care check`.

use std::io;

use super::out::{Out, partition_value};
use super::{Format, Masking, Rows, Sink, Table};
use crate::findings::{Finding, Lang};
use crate::records::file::{Field, Type};
use crate::records::plan::Choice;
use crate::records::{Date, Records, TABLES};
use crate::report::privacy::Privacy;

/// The column every row carries: the school's code.
pub(crate) const SCHOOL: Field = Field::new("school", Type::Text);

const SCHOOLS: &[Field] = &[
    SCHOOL,
    Field::new("name", Type::Text),
    Field::new("city", Type::Text),
    Field::new("basis", Type::Text),
    Field::new("standard", Type::Money),
    Field::new("refund_basis", Type::Text),
    Field::new("model", Type::Text),
    Field::new("pupils", Type::Count),
    Field::new("refund_rule", Type::Text),
];

const CLOSES: &[Field] = &[
    SCHOOL,
    Field::new("month", Type::Text),
    Field::new("closed_on", Type::Date),
    Field::new("opening", Type::Money),
    Field::new("fees", Type::Money),
    Field::new("refunds", Type::Money),
    Field::new("pay", Type::Money),
    Field::new("expenses", Type::Money),
    Field::new("closing", Type::Money),
    Field::new("rows", Type::Count),
    Field::new("digest", Type::Text),
    Field::new("grants", Type::Money),
];

const SETTLEMENTS: &[Field] = &[
    SCHOOL,
    Field::new("term", Type::Text),
    Field::new("settled_on", Type::Date),
    Field::new("basis", Type::Text),
    Field::new("paid", Type::Money),
    Field::new("costs", Type::Money),
    Field::new("surplus", Type::Money),
    Field::new("families", Type::Count),
    Field::new("digest", Type::Text),
    Field::new("grants", Type::Money),
    Field::new("retained", Type::Money),
];

const FAMILIES: &[Field] = &[
    SCHOOL,
    Field::new("term", Type::Text),
    Field::new("pupil_id", Type::Text),
    Field::new("paid", Type::Money),
    Field::new("share", Type::Money),
    Field::new("refund", Type::Money),
];

const FINDINGS: &[Field] = &[
    SCHOOL,
    Field::new("rule", Type::Text),
    Field::new("severity", Type::Text),
    Field::new("file", Type::Text),
    Field::new("line", Type::Count),
    Field {
        name: "message",
        ty: Type::Text,
        masked: true,
    },
];

/// Every table and its columns, in the order they are written.
pub(crate) fn schema() -> Vec<(&'static str, Vec<Field>)> {
    let mut v = vec![("schools", SCHOOLS.to_vec())];
    for t in TABLES {
        if let Some((name, fields)) = t.export() {
            v.push((name, std::iter::once(SCHOOL).chain(fields).collect()));
        }
    }
    v.push(("closes", CLOSES.to_vec()));
    v.push(("settlements", SETTLEMENTS.to_vec()));
    v.push(("settlement_families", FAMILIES.to_vec()));
    v.push(("findings", FINDINGS.to_vec()));
    v
}

/// What the export says of the school besides its records: its code, and the day the status
/// of applications is taken on.
#[derive(Clone, Copy, Debug)]
pub(crate) struct SchoolInfo<'a> {
    pub code: &'a str,
    pub today: Date,
    /// The language of the findings' sentences.
    pub lang: Lang,
    /// A table the school has no rows of is written (one school's export: every table has its
    /// file); otherwise it is left out (a district's: see [`write_missing`]).
    pub empty_tables: bool,
}

/// Opens the file of a table (by its name and columns) for writing.
pub(crate) type Open<'o> = dyn FnMut(&'static str, &[Field]) -> io::Result<Box<dyn Sink>> + 'o;

/// Writes every table of a school: each is opened, filled and finished in turn.
pub(crate) fn write_school(r: &Records, findings: &[Finding], school: SchoolInfo<'_>, open: &mut Open<'_>) -> io::Result<()> {
    let privacy = Privacy::new(r, true);
    let masking = Masking::new(&privacy);
    let code = school.code;
    let mut table =
        |name: &'static str, fields: Vec<Field>, len: usize, fill: &mut dyn FnMut(&mut Rows<'_>) -> io::Result<()>| -> io::Result<()> {
            if len == 0 && !school.empty_tables {
                return Ok(());
            }
            let sink = open(name, &fields)?;
            let mut rows = Rows::new(Table::new(fields, len), sink, &masking, code);
            fill(&mut rows)?;
            rows.finish()
        };

    let plan = r.plan.as_ref();
    table("schools", SCHOOLS.to_vec(), 1, &mut |rows| {
        let s = plan.map(|p| &p.school);
        let fees = plan.and_then(|p| p.fees.as_ref());
        rows.push([
            s.map(|s| s.name.clone()).unwrap_or_default(),
            s.map(|s| s.city.clone()).unwrap_or_default(),
            fees.map(|f| f.basis.as_str().to_owned()).unwrap_or_default(),
            fees.map(|f| f.amount.v.to_string()).unwrap_or_default(),
            fees.map(|f| f.refund_basis.as_str().to_owned()).unwrap_or_default(),
            plan.map(|p| p.policy.model.as_str().to_owned()).unwrap_or_default(),
            s.and_then(|s| s.pupils).map(|n| n.to_string()).unwrap_or_default(),
            fees.map(|f| f.refund_rule.as_str().to_owned()).unwrap_or_default(),
        ])
    })?;

    for t in TABLES {
        let Some((name, fields)) = t.export() else { continue };
        let fields: Vec<Field> = std::iter::once(super::tables::SCHOOL).chain(fields).collect();
        table(name, fields, t.len(r), &mut |rows| {
            t.export_rows(r, school.today, rows);
            Ok(())
        })?;
    }

    table("closes", CLOSES.to_vec(), r.closes.len(), &mut |rows| {
        for c in &r.closes {
            rows.push([
                c.month.to_string(),
                c.closed_on.v.to_string(),
                c.opening.v.to_string(),
                c.fees.to_string(),
                c.refunds.to_string(),
                c.pay.to_string(),
                c.expenses.to_string(),
                c.closing.v.to_string(),
                c.rows.to_string(),
                c.digest.v.clone(),
                c.grants.to_string(),
            ])?;
        }
        Ok(())
    })?;
    table("settlements", SETTLEMENTS.to_vec(), r.settlements.len(), &mut |rows| {
        for s in &r.settlements {
            rows.push([
                s.term.v.clone(),
                s.settled_on.v.to_string(),
                s.basis.as_str().to_owned(),
                s.paid.to_string(),
                s.costs.to_string(),
                s.surplus.to_string(),
                s.families.to_string(),
                s.digest.v.clone(),
                s.grants.to_string(),
                s.retained.map(|m| m.to_string()).unwrap_or_default(),
            ])?;
        }
        Ok(())
    })?;
    table(
        "settlement_families",
        FAMILIES.to_vec(),
        r.settlements.iter().map(|s| s.rows.len()).sum(),
        &mut |rows| {
            for s in &r.settlements {
                for f in &s.rows {
                    rows.push([
                        s.term.v.clone(),
                        f.pupil_id.clone(),
                        f.paid.to_string(),
                        f.share.to_string(),
                        f.refund.to_string(),
                    ])?;
                }
            }
            Ok(())
        },
    )?;
    table("findings", FINDINGS.to_vec(), findings.len(), &mut |rows| {
        for f in findings {
            rows.push([
                f.rule.to_owned(),
                f.severity.to_string(),
                f.file.clone(),
                f.line.to_string(),
                f.message.get(school.lang).to_owned(),
            ])?;
        }
        Ok(())
    })
}

/// In a district's export, each table that no school has a row of, written with no rows under
/// `school`'s partition: a school with no rows in a table has no file in the table's folder
/// (readers of Hive-partitioned tables take a missing partition as no rows), and every table's
/// folder has at least one file, so that a reader's glob over it finds the table and its columns.
pub(crate) fn write_missing(out: &Out, format: Format, school: &str) -> io::Result<()> {
    for (name, fields) in schema() {
        if !out.has_table(name) {
            let path = out.path(&partition_file(name, school, format))?;
            super::open(format, &path, name, &fields)?.finish()?;
        }
    }
    Ok(())
}

/// Where a district's export writes a school's file of a table: `TABLE/school=CODE/part-0.EXT`.
pub(crate) fn partition_file(table: &str, school: &str, format: Format) -> String {
    format!("{table}/school={}/part-0.{}", partition_value(school), format.ext())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_of_the_spec_in_its_order_and_no_personal_column() {
        let names: Vec<&str> = schema().iter().map(|(n, _)| *n).collect();
        assert_eq!(
            names,
            [
                "schools",
                "pupils",
                "contracts",
                "ledger",
                "surveys",
                "leave",
                "closes",
                "settlements",
                "settlement_families",
                "findings"
            ]
        );
        for (name, fields) in schema() {
            assert_eq!(fields[0], SCHOOL, "{name}");
            let cols: Vec<&str> = fields.iter().map(|f| f.name).collect();
            // Staff and schools are named in public reports; pupils and families never are.
            for private in ["guardian", "phone", "signed_by", "note", "comment", "reason", "waiver_reason"] {
                assert!(!cols.contains(&private), "{name} has {private}");
            }
            assert!(name != "pupils" || !cols.contains(&"name"));
        }
    }
}
