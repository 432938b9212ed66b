//! The integration tests, one binary: the real `ces-report` on fixtures and the sample data,
//! through the real `myst` and `typst` where the output goes there. `support` holds what they
//! share.

mod book;
mod brief;
mod cli;
mod consistency;
mod emails;
mod figures;
mod initiatives;
mod messages;
mod mutations;
mod myst_site;
mod numbers;
mod properties;
mod render;
mod support;
mod typst_corpus;
