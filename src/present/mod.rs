//! What every presenter shares: how hours, dates, states and bars read ([`format`]) and the
//! sentences made from figures ([`phrases`]), so a figure reads the same in the terminal, the
//! JSON and the pages.

pub mod changes;
pub mod codes;
pub mod format;
pub mod logging;
pub mod phrases;
pub mod terminal;

pub use phrases::{ChartLabels, FigureFacts, FigureTexts, FindingTexts, Phrases};
pub use terminal::Terminal;
