use std::process::ExitCode;

fn main() -> ExitCode {
    care::cmd::main()
}
