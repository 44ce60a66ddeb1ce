//! Running the `tcrules` program as a user would, for the end-to-end tests.

use std::path::{Path, PathBuf};

/// The repository root: the tests run there and name the shipped data by the paths the
/// README gives, so the paths in messages and snapshots do not depend on the checkout.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// One run of the program: what a terminal would show.
pub struct Run {
    /// `NAME=value ` for each variable set.
    env: String,
    args: Vec<String>,
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// The command line, the exit code, then stdout and stderr: a snapshot that reads as
    /// a terminal session.
    pub fn transcript(&self) -> String {
        let code = self
            .code
            .map_or_else(|| "killed by a signal".to_owned(), |c| c.to_string());
        format!(
            "$ {}tcrules {}\nexit: {code}\n--- stdout\n{}--- stderr\n{}",
            self.env,
            self.args.join(" "),
            self.stdout,
            self.stderr
        )
    }
}

/// Runs `tcrules args` in `dir`.
pub fn tcrules_in(dir: &Path, args: &[&str]) -> Run {
    tcrules_with(dir, &[], args)
}

/// Runs `tcrules args` in `dir` with the environment variables `env` set. `COLUMNS` is
/// unset unless given, so tables have their full width whatever terminal runs the tests.
pub fn tcrules_with(dir: &Path, env: &[(&str, &str)], args: &[&str]) -> Run {
    let output = assert_cmd::cargo::cargo_bin_cmd!("tcrules")
        .current_dir(dir)
        .env_remove("COLUMNS")
        .envs(env.iter().copied())
        .args(args)
        .output()
        .expect("the tcrules binary runs");
    Run {
        env: env.iter().map(|(k, v)| format!("{k}={v} ")).collect(),
        args: args.iter().map(|a| (*a).to_owned()).collect(),
        code: output.status.code(),
        stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
    }
}

/// Runs `tcrules args` at the repository root.
pub fn tcrules(args: &[&str]) -> Run {
    tcrules_in(&repo(), args)
}

/// A fresh temporary directory holding `files` (name, content).
pub fn dir_with(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary directory");
    for (name, content) in files {
        std::fs::write(dir.path().join(name), content).expect("the file is written");
    }
    dir
}
