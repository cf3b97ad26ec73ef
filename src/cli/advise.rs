//! `actsim advise FILE [--out DIR] [--fault HOST:DURATION[@START]] [--replications N]
//! [--seed N]`

use super::{AdviseArgs, Exit};
use crate::advise::{self, Fault, FaultChoice, Options};
use crate::error::Error;
use std::io::IsTerminal;

pub fn advise(args: &AdviseArgs) -> Exit {
    match run(args) {
        Ok(()) => Exit::Success,
        Err(e) => Exit::Error(e),
    }
}

fn run(args: &AdviseArgs) -> Result<(), Error> {
    let model = super::load(&args.file, args.allow_large)?;
    let fault = match &args.fault {
        None => FaultChoice::Central,
        Some(text) => FaultChoice::Given(Fault::parse(text, &model).map_err(Error::Usage)?),
    };
    if let Some(dir) = &args.out {
        crate::report::check_out_dir(dir, args.force)?;
    }
    let threads = args.threads.unwrap_or_else(|| {
        std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
    });
    let options = Options {
        seed: args.seed.unwrap_or(model.seed),
        replications: args.replications,
        threads,
        fault,
    };
    let advice = advise::advise(&model, &options).map_err(|message| Error::Data {
        path: args.file.clone(),
        message,
    })?;
    if crate::interrupt::requested() {
        return Err(Error::Interrupted);
    }
    // Files first: if they cannot be written, nothing is printed as if all went well.
    if let Some(dir) = &args.out {
        let files = advise::files(&model, &advice).map_err(|message| Error::Data {
            path: dir.clone(),
            message,
        })?;
        crate::report::write_atomically(dir, &files)?;
    }
    if !args.quiet {
        let colour = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
        print!("{}", advise::text::text(&model, &advice, colour));
    }
    Ok(())
}
