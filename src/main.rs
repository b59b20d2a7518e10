//! The `dossier` binary: parse arguments, run, print a fatal error as one line, and exit
//! 0 (found), 1 (nothing found) or 2 (error), as grep and ripgrep do.

use std::io;
use std::process::ExitCode;

use clap::Parser;

use dossier::cli::Cli;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match dossier::commands::run(cli) {
        Ok(code) => code,
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("dossier: {err:#}");
            ExitCode::from(2)
        }
    }
}

/// Output piped into `head` that stops reading is not an error.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
    })
}
