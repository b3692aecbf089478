//! Money by month, and the chart of it that HTML reports draw as inline SVG: fees against pay
//! and expenses as bars, the balance at each month's end as a line.
//!
//! The figures are exact (Money); only the pixel coordinates are floats. The chart's context
//! holds numbers and the words of the report's language; the template escapes it like any value.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::Serialize;

use super::{Words, labels};
use crate::findings::Lang;
use crate::records::date::MonthOfRuns;
use crate::records::{Kind, Money, Month, Records};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MonthMoney {
    pub month: Month,
    pub fees: Money,
    pub grants: Money,
    pub refunds: Money,
    pub pay: Money,
    pub expenses: Money,
    /// The balance at the month's end: every row dated up to then.
    pub balance: Money,
}

impl MonthMoney {
    pub fn out(&self) -> Money {
        self.pay + self.expenses
    }

    /// Fees and grants.
    pub fn income(&self) -> Money {
        self.fees + self.grants
    }
}

/// The months from `from` to `to`, both included (at most 240 of them), by the rows dated in
/// them. One pass over the rows: a district's year is a dozen months of a million rows.
pub fn months(records: &Records, from: Month, to: Month) -> Vec<MonthMoney> {
    let mut out: Vec<MonthMoney> = std::iter::successors(Some(from), |m| Some(m.next()))
        .take_while(|m| *m <= to)
        .take(240)
        .map(|month| MonthMoney {
            month,
            fees: Money::ZERO,
            grants: Money::ZERO,
            refunds: Money::ZERO,
            pay: Money::ZERO,
            expenses: Money::ZERO,
            balance: Money::ZERO,
        })
        .collect();
    let mut before = Money::ZERO;
    let start = from.first_day();
    let mut months = MonthOfRuns::default();
    for e in &records.entries {
        if e.date < start {
            before += e.signed();
            continue;
        }
        let m = months.of(e.date);
        let i = (i64::from(m.year) - i64::from(from.year)) * 12 + i64::from(m.month) - i64::from(from.month);
        let Some(i) = usize::try_from(i).ok().filter(|i| *i < out.len()) else {
            continue;
        };
        let mm = &mut out[i];
        match e.kind {
            Kind::Fee => mm.fees += e.amount,
            Kind::Refund => mm.refunds += e.amount,
            Kind::Pay => mm.pay += e.amount,
            Kind::Expense => mm.expenses += e.amount,
            Kind::Grant => mm.grants += e.amount,
        }
    }
    let mut balance = before;
    for mm in &mut out {
        // What the month's rows add to the balance, by the sign of each kind of row.
        let moved = [
            (Kind::Fee, mm.fees),
            (Kind::Refund, mm.refunds),
            (Kind::Pay, mm.pay),
            (Kind::Expense, mm.expenses),
            (Kind::Grant, mm.grants),
        ]
        .into_iter()
        .fold(Money::ZERO, |sum, (kind, v)| if kind.sign() > 0 { sum + v } else { sum - v });
        balance += moved;
        mm.balance = balance;
    }
    out
}

/// The months of the ledger, first row to last; none when it is empty.
pub fn ledger_span(records: &Records) -> Option<(Month, Month)> {
    let first = records.entries.iter().map(|e| e.date).min()?;
    let last = records.entries.iter().map(|e| e.date).max()?;
    Some((Month::of(first), Month::of(last)))
}

/// A month's figures, for json and the templates' table under the chart.
#[derive(Clone, Debug, Serialize)]
pub struct MonthFigures {
    pub month: String,
    pub fees: String,
    pub grants: String,
    pub refunds: String,
    pub pay: String,
    pub expenses: String,
    /// Pay and expenses.
    pub out: String,
    pub balance: String,
}

impl MonthFigures {
    pub fn of(m: &MonthMoney) -> MonthFigures {
        MonthFigures {
            month: m.month.to_string(),
            fees: m.fees.to_string(),
            grants: m.grants.to_string(),
            refunds: m.refunds.to_string(),
            pay: m.pay.to_string(),
            expenses: m.expenses.to_string(),
            out: m.out().to_string(),
            balance: m.balance.to_string(),
        }
    }
}

pub fn figures(ms: &[MonthMoney]) -> Vec<MonthFigures> {
    ms.iter().map(MonthFigures::of).collect()
}

/// The chart's words and figures, and its geometry when there is money to draw.
#[derive(Clone, Debug, Serialize)]
pub struct Chart {
    pub months: Vec<MonthFigures>,
    #[serde(flatten)]
    pub plot: Option<Plot>,
    pub t: Words,
}

/// Where the chart's parts go, in pixels of its view box.
#[derive(Clone, Debug, Serialize)]
pub struct Plot {
    pub width: f64,
    pub height: f64,
    pub left: f64,
    pub right: f64,
    pub top: f64,
    pub bottom: f64,
    /// The y of 0.
    pub zero: f64,
    pub label_y: f64,
    pub ticks: Vec<Tick>,
    pub bars: Vec<Bar>,
    pub points: Vec<Point>,
    /// The balance line's points, `x,y x,y ...`.
    pub line: String,
    pub labels: Vec<Label>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Tick {
    pub y: f64,
    pub label: String,
}

/// A bar of fees and grants (`in`) or of pay and expenses (`out`).
#[derive(Clone, Debug, Serialize)]
pub struct Bar {
    pub series: &'static str,
    pub month: String,
    pub value: String,
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

/// A point of the balance line.
#[derive(Clone, Debug, Serialize)]
pub struct Point {
    pub x: f64,
    pub y: f64,
    pub month: String,
    pub value: String,
}

/// A month's name under its bars.
#[derive(Clone, Debug, Serialize)]
pub struct Label {
    pub x: f64,
    pub text: String,
}

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 280.0;
const LEFT: f64 = 72.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 34.0;
const BOTTOM: f64 = 30.0;

/// The top of an axis from 0 that shows `top`: a whole number of [`nice_step`]s.
pub fn nice_top(top: Decimal) -> Decimal {
    if top <= Decimal::ZERO {
        return Decimal::ONE_HUNDRED;
    }
    let step = nice_step(top);
    (top / step).ceil() * step
}

/// A step of 1, 2 or 5 times a power of ten that divides `range` in at most five parts.
fn nice_step(range: Decimal) -> Decimal {
    let raw = range / Decimal::from(5);
    let mut p = Decimal::new(1, 2);
    while p * Decimal::TEN <= raw {
        p *= Decimal::TEN;
    }
    for f in [1, 2, 5, 10] {
        let s = p * Decimal::from(f);
        if s >= raw {
            return s;
        }
    }
    p * Decimal::TEN
}

fn px(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// A coordinate written as in the context (`120.0`, not `120`), so that the line's points read
/// like the circles' coordinates.
fn as_json(v: f64) -> String {
    serde_json::Value::from(v).to_string()
}

/// The chart of some months of money: its geometry and words.
pub fn chart(ms: &[MonthMoney], lang: Lang) -> Chart {
    let mut t = labels(lang, LABELS);
    // The bar of money in says what it holds: fees, and grants in a record that has any.
    if ms.iter().any(|m| !m.grants.is_zero()) {
        t.insert("in", lang.pick("收费与补助", "Fees and grants"));
    }
    Chart {
        months: figures(ms),
        plot: (!ms.is_empty()).then(|| plot(ms)),
        t,
    }
}

fn plot(ms: &[MonthMoney]) -> Plot {
    let zero = Decimal::ZERO;
    let values = ms
        .iter()
        .flat_map(|m| [m.income().decimal(), m.out().decimal(), m.balance.decimal()]);
    let hi = values.clone().fold(zero, Decimal::max);
    let lo = values.fold(zero, Decimal::min);
    let range = if hi == lo { Decimal::ONE_HUNDRED } else { hi - lo };
    let step = nice_step(range);
    let lo_t = (lo / step).floor() * step;
    let mut hi_t = (hi / step).ceil() * step;
    if hi_t == lo_t {
        hi_t = lo_t + step;
    }
    let span = (hi_t - lo_t).to_f64().unwrap_or(1.0);
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let y = |v: Decimal| px(TOP + (hi_t - v).to_f64().unwrap_or(0.0) / span * plot_h);
    let y0 = y(zero);
    let slot = plot_w / ms.len() as f64;
    let bar_w = px(slot * 0.3);

    let mut ticks = Vec::new();
    let mut v = lo_t;
    while v <= hi_t {
        let label = if step >= Decimal::ONE {
            v.round().to_string()
        } else {
            Money::from(v).to_string()
        };
        ticks.push(Tick { y: y(v), label });
        v += step;
    }
    let mut bars = Vec::new();
    let mut points = Vec::new();
    let mut labels_x = Vec::new();
    for (i, m) in ms.iter().enumerate() {
        let x0 = LEFT + slot * i as f64;
        for (series, value, dx) in [("in", m.income(), 0.18), ("out", m.out(), 0.52)] {
            let yv = y(value.decimal());
            bars.push(Bar {
                series,
                month: m.month.to_string(),
                value: value.to_string(),
                x: px(x0 + slot * dx),
                y: yv.min(y0),
                w: bar_w,
                h: px((yv - y0).abs()),
            });
        }
        let cx = px(x0 + slot / 2.0);
        points.push(Point {
            x: cx,
            y: y(m.balance.decimal()),
            month: m.month.to_string(),
            value: m.balance.to_string(),
        });
        let show_year = i == 0 || m.month.month == 1;
        let text = if show_year {
            m.month.to_string()
        } else {
            format!("{:02}", m.month.month)
        };
        labels_x.push(Label { x: cx, text });
    }
    let line = points
        .iter()
        .map(|p| format!("{},{}", as_json(p.x), as_json(p.y)))
        .collect::<Vec<_>>()
        .join(" ");
    Plot {
        width: WIDTH,
        height: HEIGHT,
        left: LEFT,
        right: WIDTH - RIGHT,
        top: TOP,
        bottom: HEIGHT - BOTTOM,
        zero: y0,
        label_y: HEIGHT - BOTTOM + 18.0,
        ticks,
        bars,
        points,
        line,
        labels: labels_x,
    }
}

const LABELS: &[(&str, &str, &str)] = &[
    ("title", "每月收支（元）", "Money by month (yuan)"),
    ("in", "收费", "Fees"),
    ("out", "劳务费 + 其他支出", "Pay + expenses"),
    ("balance", "月末余额", "Balance at month end"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps() {
        assert_eq!(nice_step(Decimal::from(4_000)), Decimal::from(1_000));
        assert_eq!(nice_step(Decimal::from(7_120)), Decimal::from(2_000));
        assert_eq!(nice_step(Decimal::from(100)), Decimal::from(20));
        assert_eq!(nice_step(Decimal::new(3, 2)), Decimal::new(1, 2));
    }

    #[test]
    fn months_sum_their_rows_and_carry_the_balance() {
        let csv = "date,kind,amount,pupil_id,contract_id,category,period,collected_by,receipt,memo\n\
            2025-08-31,fee,100.00,P1,,,2025-08,周强,,\n\
            2025-09-01,fee,280.00,P1,,,2025-09,周强,,\n\
            2025-09-30,pay,90.50,,C1,,,,,\n\
            2025-10-15,refund,40.00,P1,,,2025-09,,,\n\
            2025-12-01,expense,12.25,,,水电,,,,\n\
            2025-11-20,grant,50.00,,,区补助,,,,\n\
            2026-01-02,fee,280.00,P1,,,2026-01,周强,,\n";
        let r = Records::load_from(
            &crate::records::Source::new(std::path::Path::new("/nonexistent")).with("ledger.csv", csv.as_bytes().to_vec()),
        );
        let m = |t: &str| Month::parse(t).unwrap();
        let ms = months(&r, m("2025-09"), m("2025-12"));
        let got: Vec<(String, String, String)> = ms
            .iter()
            .map(|mm| {
                (
                    mm.month.to_string(),
                    format!("{}/{}/{}/{}/{}", mm.fees, mm.grants, mm.refunds, mm.pay, mm.expenses),
                    mm.balance.to_string(),
                )
            })
            .collect();
        let want = [
            ("2025-09", "280.00/0.00/0.00/90.50/0.00", "289.50"),
            ("2025-10", "0.00/0.00/40.00/0.00/0.00", "249.50"),
            ("2025-11", "0.00/50.00/0.00/0.00/0.00", "299.50"),
            ("2025-12", "0.00/0.00/0.00/0.00/12.25", "287.25"),
        ];
        let want: Vec<(String, String, String)> = want.iter().map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string())).collect();
        assert_eq!(got, want);
        // Twenty years at most; none before the first month.
        assert_eq!(months(&r, m("2000-01"), m("2030-01")).len(), 240);
        assert!(months(&r, m("2025-10"), m("2025-09")).is_empty());
    }

    #[test]
    fn bars_sit_on_the_zero_line() {
        let m = Month::parse("2025-09").unwrap();
        let mm = MonthMoney {
            month: m,
            fees: Money::parse("6400").unwrap(),
            grants: Money::ZERO,
            refunds: Money::ZERO,
            pay: Money::parse("5940").unwrap(),
            expenses: Money::parse("720").unwrap(),
            balance: Money::parse("-260").unwrap(),
        };
        let c = chart(&[mm], Lang::Zh);
        let p = c.plot.unwrap();
        for b in &p.bars {
            assert!((b.y + b.h - p.zero).abs() < 0.2, "{b:?}");
        }
        // The negative balance is drawn below the zero line.
        assert!(p.points[0].y > p.zero);
        assert_eq!(c.months[0].out, "6660.00");
    }
}
