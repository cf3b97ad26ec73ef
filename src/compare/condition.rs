//! `--fail-if "METRIC OP RHS"`: a condition on the candidate that blocks a change in CI.
//! METRIC is any metric name of `compare.csv` (`notification_machine_days`,
//! `fleet.desktops.min_licensed_share`, `outcome.0xC004F074`, ...); OP one of
//! `> >= < <= == !=`; RHS `base`, `base * F`, `base + F`, `base - F` or a number. Means
//! over replications are compared; a time that never came counts as infinitely late.

use super::{Comparison, show};

#[derive(Debug, Clone, Copy, PartialEq)]
enum Op {
    Gt,
    Ge,
    Lt,
    Le,
    Eq,
    Ne,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Rhs {
    Number(f64),
    /// base × factor + offset
    Base {
        factor: f64,
        offset: f64,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    pub text: String,
    metric: String,
    op: Op,
    rhs: Rhs,
}

impl Condition {
    pub fn parse(text: &str) -> Result<Condition, String> {
        let bad = |why: &str| format!("--fail-if {text:?}: {why}");
        let ops = [
            (">=", Op::Ge),
            ("<=", Op::Le),
            ("==", Op::Eq),
            ("!=", Op::Ne),
            (">", Op::Gt),
            ("<", Op::Lt),
        ];
        let (at, sym, op) = ops
            .iter()
            .filter_map(|(sym, op)| text.find(sym).map(|at| (at, *sym, *op)))
            .min_by_key(|(at, sym, _)| (*at, std::cmp::Reverse(sym.len())))
            .ok_or_else(|| {
                bad("expected METRIC OP RHS, e.g. \"notification_machine_days > base\"")
            })?;
        let metric = text[..at].trim().to_owned();
        let rhs = text[at + sym.len()..].replace(' ', "");
        if metric.is_empty() {
            return Err(bad("no metric before the operator"));
        }
        let number = |s: &str| {
            s.parse::<f64>()
                .map_err(|_| bad(&format!("{s:?} is not a number")))
        };
        let rhs = if let Some(rest) = rhs.strip_prefix("base") {
            match rest.chars().next() {
                None => Rhs::Base {
                    factor: 1.0,
                    offset: 0.0,
                },
                Some('*') => Rhs::Base {
                    factor: number(&rest[1..])?,
                    offset: 0.0,
                },
                Some('+') => Rhs::Base {
                    factor: 1.0,
                    offset: number(&rest[1..])?,
                },
                Some('-') => Rhs::Base {
                    factor: 1.0,
                    offset: -number(&rest[1..])?,
                },
                _ => return Err(bad("after base: * F, + F or - F")),
            }
        } else {
            Rhs::Number(number(&rhs)?)
        };
        Ok(Condition {
            text: text.to_owned(),
            metric,
            op,
            rhs,
        })
    }

    /// The metric the condition reads.
    pub fn metric(&self) -> &str {
        &self.metric
    }

    /// Whether the condition holds for the comparison (so the change must be blocked), with
    /// the values compared. The metric must be one of the comparison's (the command checks
    /// names before running anything); an unknown one is an error all the same.
    pub fn holds(&self, c: &Comparison) -> Result<Verdict, String> {
        let row = c.row(&self.metric).ok_or_else(|| {
            format!(
                "--fail-if {:?}: no metric {:?} in both scenarios",
                self.text, self.metric
            )
        })?;
        let never = f64::INFINITY;
        let candidate = row.candidate.mean().unwrap_or(never);
        let base = row.base.mean().unwrap_or(never);
        let rhs = match self.rhs {
            Rhs::Number(x) => x,
            Rhs::Base { factor, offset } => base * factor + offset,
        };
        let holds = match self.op {
            Op::Gt => candidate > rhs,
            Op::Ge => candidate >= rhs,
            Op::Lt => candidate < rhs,
            Op::Le => candidate <= rhs,
            Op::Eq => candidate == rhs,
            Op::Ne => candidate != rhs,
        };
        Ok(Verdict {
            condition: self.text.clone(),
            metric: self.metric.clone(),
            holds,
            candidate: row.candidate.mean(),
            base: row.base.mean(),
            rhs,
        })
    }
}

/// A condition checked: whether it holds, and the means it compared (`None`: a time that
/// never came, compared as infinitely late).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Verdict {
    pub condition: String,
    pub metric: String,
    pub holds: bool,
    pub candidate: Option<f64>,
    pub base: Option<f64>,
    /// The right-hand side as computed (`base * 1.5` → its value); infinite when it names
    /// a base time that never came (written as null in JSON).
    pub rhs: f64,
}

impl Verdict {
    /// "candidate 10433 against 10433 (base 10433)", at a sensible precision.
    pub fn detail(&self) -> String {
        format!(
            "candidate {} against {} (base {})",
            show(self.candidate),
            show((!self.rhs.is_infinite()).then_some(self.rhs)),
            show(self.base)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        let c = Condition::parse("notification_machine_days > base").unwrap();
        assert_eq!(
            (c.metric.as_str(), c.op),
            ("notification_machine_days", Op::Gt)
        );
        assert_eq!(
            c.rhs,
            Rhs::Base {
                factor: 1.0,
                offset: 0.0
            }
        );
        let c = Condition::parse("requests >= base * 1.1").unwrap();
        assert_eq!(
            (c.op, c.rhs),
            (
                Op::Ge,
                Rhs::Base {
                    factor: 1.1,
                    offset: 0.0
                }
            )
        );
        let c = Condition::parse("fleet.a.min_licensed_share<0.95").unwrap();
        assert_eq!(
            (c.metric.as_str(), c.op, c.rhs),
            ("fleet.a.min_licensed_share", Op::Lt, Rhs::Number(0.95))
        );
        let c = Condition::parse("failures != base - 3").unwrap();
        assert_eq!(
            c.rhs,
            Rhs::Base {
                factor: 1.0,
                offset: -3.0
            }
        );
        for bad in [
            "",
            "requests",
            "> base",
            "requests > lots",
            "requests > base / 2",
        ] {
            assert!(Condition::parse(bad).is_err(), "{bad}");
        }
    }
}
