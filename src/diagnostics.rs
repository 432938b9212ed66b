//! Problems found in the input, collected so that one run reports all of them.
//!
//! Every message points at the cell a person has to fix: `FILE:LINE: column "Header": value
//! "x": what was expected`. Errors stop the run before any figure is computed; warnings are
//! reported and the figures are still computed.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One problem, located at a cell (or a whole line/file when `column` is `None`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub file: String,
    pub line: u64,
    pub column: Option<String>,
    pub value: Option<String>,
    pub message: String,
}

impl fmt::Display for Diagnostic {
    /// The location without the `error:`/`warning:` prefix.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Line 0 means the whole file (for example, a missing one).
        match self.line {
            0 => write!(f, "{}: ", self.file)?,
            line => write!(f, "{}:{line}: ", self.file)?,
        }
        if let Some(column) = &self.column {
            write!(f, "column \"{column}\": ")?;
        }
        if let Some(value) = &self.value {
            write!(f, "value \"{}\": ", one_line(value))?;
        }
        f.write_str(&self.message)
    }
}

impl Diagnostic {
    /// `error: …` or `warning: …`, as printed on the terminal.
    pub fn report_line(&self) -> String {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        format!("{label}: {self}")
    }
}

/// Longest cell value echoed in a message, in characters: a bad cell can be megabytes long.
const VALUE_LIMIT: usize = 120;

/// A cell value shown inside quotes on one terminal line: line breaks as `\n`, control and
/// bidi characters as `\u{…}` escapes (a cell must not drive the terminal), long values cut.
fn one_line(value: &str) -> String {
    let mut shown = String::new();
    for (count, c) in value.chars().enumerate() {
        if count == VALUE_LIMIT {
            shown.push('…');
            break;
        }
        match c {
            '\r' => {}
            '\n' => shown.push_str("\\n"),
            c if crate::text::is_unsafe_char(c) => shown.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => shown.push(c),
        }
    }
    shown
}

/// A cell being reported on: which file, line and column it came from, and its text.
#[derive(Debug, Clone, Copy)]
pub struct Cell<'a> {
    pub file: &'a str,
    pub line: u64,
    pub column: &'a str,
    pub value: &'a str,
}

/// The growing list of problems of one run.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn cell_error(&mut self, cell: Cell<'_>, message: impl Into<String>) {
        self.push_cell(Severity::Error, cell, message.into());
    }

    pub fn cell_warning(&mut self, cell: Cell<'_>, message: impl Into<String>) {
        self.push_cell(Severity::Warning, cell, message.into());
    }

    /// A problem with a whole line or file rather than one cell.
    pub fn line_error(&mut self, file: &str, line: u64, message: impl Into<String>) {
        self.items.push(Diagnostic {
            severity: Severity::Error,
            file: file.to_string(),
            line,
            column: None,
            value: None,
            message: message.into(),
        });
    }

    /// A warning about a whole line rather than one cell.
    pub fn line_warning(&mut self, file: &str, line: u64, message: impl Into<String>) {
        self.items.push(Diagnostic {
            severity: Severity::Warning,
            file: file.to_string(),
            line,
            column: None,
            value: None,
            message: message.into(),
        });
    }

    fn push_cell(&mut self, severity: Severity, cell: Cell<'_>, message: String) {
        self.items.push(Diagnostic {
            severity,
            file: cell.file.to_string(),
            line: cell.line,
            column: Some(cell.column.to_string()),
            // Only what a message shows is kept: a bad cell can be megabytes long.
            value: Some(cell.value.chars().take(VALUE_LIMIT + 1).collect()),
            message,
        });
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter().filter(|d| d.severity == Severity::Error)
    }

    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter().filter(|d| d.severity == Severity::Warning)
    }

    pub fn all(&self) -> &[Diagnostic] {
        &self.items
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }
}

/// The run stopped because the input has errors; each one is listed in the message.
#[derive(Debug)]
pub struct InputErrors(pub Diagnostics);

impl fmt::Display for InputErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.0.errors().count();
        let noun = if count == 1 { "error" } else { "errors" };
        write!(f, "the data has {count} {noun}")
    }
}

impl std::error::Error for InputErrors {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_shown_on_one_safe_line_and_cut() {
        assert_eq!(one_line("a\u{1b}[2J\r\nb\u{202e}"), "a\\u{1b}[2J\\nb\\u{202e}");
        let long = "x".repeat(500);
        assert_eq!(one_line(&long), format!("{}…", "x".repeat(VALUE_LIMIT)));
    }

    #[test]
    fn cell_message_names_file_line_column_and_value() {
        let mut diagnostics = Diagnostics::default();
        let cell = Cell { file: "activities.csv", line: 14, column: "Units", value: "two\nhours" };
        diagnostics.cell_error(cell, "expected a number of hours such as 2 or 1,100");
        assert_eq!(
            diagnostics.all()[0].report_line(),
            "error: activities.csv:14: column \"Units\": value \"two\\nhours\": expected a number of hours such as 2 or 1,100"
        );
    }
}
