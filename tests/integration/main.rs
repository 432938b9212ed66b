//! The integration tests, one binary: the real `ces-report` on fixtures and the sample data,
//! through the real `myst` and `typst` where the output goes there. `support` holds what they
//! share.

mod book;
mod brief;
mod changes;
mod cli;
mod consistency;
mod edges;
mod emails;
mod ended;
mod figures;
mod findings;
mod initiatives;
mod interrupted_builds;
mod layers;
mod messages;
mod mutations;
mod myst_site;
mod numbers;
mod one_community;
mod output_folder;
mod outside_the_window;
mod plan_cli;
mod properties;
mod publish;
mod pull;
mod render;
mod safety;
mod satisfaction;
mod send;
mod support;
#[path = "../../examples/synthetic.rs"]
#[allow(dead_code)] // its `main`
mod synthetic;
mod team;
mod thresholds;
mod typst_corpus;
