//! Satisfaction ratings (三(三)): the mean of whole-number scores, the basis for renewing.

use rust_decimal::{Decimal, RoundingStrategy};

use crate::records::Survey;

/// Mean of whole-number scores, exact, and shown with two decimals.
pub struct Mean {
    pub count: usize,
    pub exact: Option<Decimal>,
}

impl Mean {
    /// Over the valid scores of these ratings.
    pub fn of<'a>(surveys: impl IntoIterator<Item = &'a Survey>) -> Mean {
        let scores: Vec<u8> = surveys.into_iter().filter_map(Survey::score).collect();
        let sum: u32 = scores.iter().map(|&s| u32::from(s)).sum();
        let exact = (!scores.is_empty()).then(|| Decimal::from(sum) / Decimal::from(scores.len()));
        Mean {
            count: scores.len(),
            exact,
        }
    }

    pub fn shown(&self) -> Option<String> {
        self.exact.map(|m| {
            let mut d = m.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
            d.rescale(2);
            d.to_string()
        })
    }
}
