//! `ces-report`: parse the command line, run it, report errors with their causes.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = ces_report::cli::Cli::parse();
    if let Err(error) = ces_report::interrupt::install() {
        ces_report::say!("error: cannot watch for Ctrl-C: {error:#}");
        return ExitCode::FAILURE;
    }
    match ces_report::commands::run(&cli.command) {
        _ if ces_report::interrupt::requested() => {
            ces_report::say!("interrupted: nothing was left half written; run the command again to finish");
            ExitCode::from(ces_report::interrupt::EXIT_CODE)
        }
        Ok(_) if ces_report::stderr_failed() => ExitCode::FAILURE,
        Ok(code) => ExitCode::from(code as u8),
        Err(error) if is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            ces_report::say!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// A closed pipe (`ces-report summary … | head`) is not an error.
fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error
        .chain()
        .filter_map(|cause| cause.downcast_ref::<std::io::Error>())
        .any(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
}
