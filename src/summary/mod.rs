//! The `summary` command's two faces: text for a person at a terminal, JSON for programs.

pub(crate) mod changes;
pub(crate) mod json;
pub(crate) mod text;
