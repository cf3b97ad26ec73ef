//! `actsim import kms-log FILE... --out DIR` and `actsim import inventory FILE --out FILE`.

use super::{Exit, ImportArgs, ImportCommand};

pub fn import(args: &ImportArgs) -> Exit {
    match &args.command {
        ImportCommand::KmsLog { files, out, force } => {
            if let Err(e) = crate::report::check_out_dir(out, *force) {
                return Exit::Error(e);
            }
            match crate::import::kms_log::import(files, out) {
                Ok(imported) => {
                    for f in &imported.findings {
                        println!("{f}");
                    }
                    println!("{}", imported.summary);
                    Exit::Success
                }
                Err(e) => Exit::Error(e),
            }
        }
        ImportCommand::Inventory {
            file,
            out,
            stale_days,
            as_of,
            include_stale,
        } => {
            let options = crate::import::inventory::Options {
                stale_days: *stale_days,
                as_of: as_of.clone(),
                include_stale: *include_stale,
            };
            match crate::import::inventory::import(file, out, &options) {
                Ok(summary) => {
                    println!("{summary}");
                    Exit::Success
                }
                Err(e) => Exit::Error(e),
            }
        }
    }
}
