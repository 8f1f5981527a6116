//! End-to-end tests of the `gblint` binary.

mod check;
mod hostile;
mod outputs;
mod rules_cli;
