//! The time-series files of outputs.md: `timeseries.csv`, `hosts.csv`, `attempts.csv`.

use super::day;
use crate::code::Code;
use crate::kms::host::POOLS;
use crate::observe::{FLEET_COLUMNS, Outcome};
use crate::scenario::Model;
use crate::scenario::model::Pool;

fn writer() -> csv::Writer<Vec<u8>> {
    csv::Writer::from_writer(Vec::new())
}

fn finish(w: csv::Writer<Vec<u8>>) -> Vec<u8> {
    w.into_inner().expect("writing to memory cannot fail")
}

/// One row per grid sample per fleet: `time_s,day,fleet,grace,licensed,oot_grace,notification,offline`.
pub fn timeseries_csv(model: &Model, outcome: &Outcome) -> Vec<u8> {
    let mut w = writer();
    let mut header = vec!["time_s", "day", "fleet"];
    header.extend(FLEET_COLUMNS);
    w.write_record(&header).expect("in memory");
    let series = &outcome.series;
    let n = model.fleets.len();
    for (i, &t) in series.times.iter().enumerate() {
        if !series.on_grid[i] {
            continue;
        }
        for (f, fleet) in model.fleets.iter().enumerate() {
            let (row, _) = series.fleets[i * n + f];
            let mut record = vec![t.to_string(), day(t), fleet.name.clone()];
            record.extend(row.iter().map(u64::to_string));
            w.write_record(&record).expect("in memory");
        }
    }
    finish(w)
}

/// One row per grid sample per host and pool: `time_s,day,host,pool,count,requests,failures`.
pub fn hosts_csv(model: &Model, outcome: &Outcome) -> Vec<u8> {
    let mut w = writer();
    w.write_record([
        "time_s", "day", "host", "pool", "count", "requests", "failures",
    ])
    .expect("in memory");
    let mut rows = outcome.series.hosts.iter();
    for t in outcome.series.grid_times() {
        for host in &model.hosts {
            for pool in POOLS {
                let Some(s) = rows.next() else { break };
                let pool = match pool {
                    Pool::Windows => "windows",
                    Pool::Office => "office",
                };
                w.write_record([
                    t.to_string(),
                    day(t),
                    host.name.clone(),
                    pool.to_owned(),
                    s.count.to_string(),
                    s.requests.to_string(),
                    s.failures.to_string(),
                ])
                .expect("in memory");
            }
        }
    }
    finish(w)
}

/// One row per grid sample: outcomes by code since the previous sample, one column per code.
pub fn attempts_csv(outcome: &Outcome) -> Vec<u8> {
    let mut w = writer();
    let mut header = vec!["time_s", "day"];
    header.extend(Code::ALL.iter().map(|c| c.as_str()));
    w.write_record(&header).expect("in memory");
    for (t, counts) in outcome.series.grid_times().zip(&outcome.series.attempts) {
        let mut record = vec![t.to_string(), day(t)];
        record.extend(counts.iter().map(u64::to_string));
        w.write_record(&record).expect("in memory");
    }
    finish(w)
}
