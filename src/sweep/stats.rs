//! Summary statistics folded one value at a time (Welford), so a sweep and the merge of its
//! shards fold the same values in the same order and print the same bytes.

#![allow(clippy::indexing_slicing)] // indices are positions in results and statistics the sweep itself allocated, one per unit and metric

/// Two-sided 95% quantiles of Student's t for 1–30 degrees of freedom.
const T975: [f64; 30] = [
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
    2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
    2.052, 2.048, 2.045, 2.042,
];

/// The t quantile for a 95% confidence interval with `df` degrees of freedom; beyond the
/// table, the first-order Cornish–Fisher expansion z + (z³ + z) / 4ν (within 0.002 there).
pub fn t975(df: u64) -> f64 {
    match df {
        0 => f64::NAN,
        1..=30 => T975[df as usize - 1],
        _ => 1.959_964 + 2.372 / df as f64,
    }
}

/// Count, mean, sum of squared deviations, min and max of the values seen; missing values
/// (a time that never came) are counted apart.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Welford {
    pub n: u64,
    pub missing: u64,
    mean: f64,
    m2: f64,
    pub min: f64,
    pub max: f64,
}

impl Welford {
    pub fn add(&mut self, value: Option<f64>) {
        let Some(x) = value else {
            self.missing += 1;
            return;
        };
        self.n += 1;
        if self.n == 1 {
            self.min = x;
            self.max = x;
        } else {
            self.min = self.min.min(x);
            self.max = self.max.max(x);
        }
        let delta = x - self.mean;
        self.mean += delta / self.n as f64;
        self.m2 += delta * (x - self.mean);
    }

    pub fn mean(&self) -> Option<f64> {
        (self.n > 0).then_some(self.mean)
    }

    /// Sample standard deviation (n − 1).
    pub fn sd(&self) -> Option<f64> {
        (self.n > 1).then(|| (self.m2 / (self.n - 1) as f64).sqrt())
    }

    /// The 95% confidence interval of the mean.
    pub fn ci95(&self) -> Option<(f64, f64)> {
        // sd first: it is None below two values, so n - 1 never underflows.
        let sd = self.sd()?;
        let half = t975(self.n - 1) * sd / (self.n as f64).sqrt();
        Some((self.mean - half, self.mean + half))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mean_sd_and_interval_of_known_values() {
        let mut w = Welford::default();
        for x in [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0] {
            w.add(Some(x));
        }
        w.add(None);
        assert_eq!((w.n, w.missing), (8, 1));
        assert_eq!(w.mean(), Some(5.0));
        assert!((w.sd().unwrap() - 2.138_089_935).abs() < 1e-9);
        let (lo, hi) = w.ci95().unwrap();
        assert!((hi - 5.0 - 2.365 * 2.138_089_935 / 8f64.sqrt()).abs() < 1e-9);
        assert!((5.0 - lo - (hi - 5.0)).abs() < 1e-12);
        assert_eq!((w.min, w.max), (2.0, 9.0));
    }

    #[test]
    fn one_value_has_no_spread() {
        let mut w = Welford::default();
        w.add(Some(3.0));
        assert_eq!(w.sd(), None);
        assert_eq!(w.ci95(), None);
        assert!((t975(200) - 1.972).abs() < 0.002);
        // No value at all (a time that never came in any replication): no interval.
        let mut none = Welford::default();
        none.add(None);
        assert_eq!((none.mean(), none.ci95()), (None, None));
    }
}
