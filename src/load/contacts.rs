//! `contacts.csv`: people at a community, with their roles.

use super::spec::{Column, TableSpec};
use super::table::Row;

pub const NAME: Column = Column::required(0, "Name");
pub const EMAIL: Column = Column::optional(3, "Email");
pub const GITHUB: Column = Column::optional(4, "GitHub");
pub const PHONE: Column = Column::optional(5, "Phone");
pub const ORGANIZATION: Column = Column::optional(6, "Organization");
pub const POSITION: Column = Column::optional(7, "Position title");
pub const ENGAGEMENT: Column = Column::required(1, "Engagement");
pub const ROLE: Column = Column::required(2, "Role");

pub const SPEC: TableSpec = TableSpec {
    file: "contacts.csv",
    columns: &[NAME, ENGAGEMENT, ROLE, EMAIL, GITHUB, PHONE, ORGANIZATION, POSITION],
};

/// Seed 002's contact roles. Billing contacts are never included in reporting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    Administrative,
    Technical,
    Billing,
}

impl Role {
    fn parse(text: &str) -> Option<Role> {
        let text = text.trim().to_lowercase();
        let text = text.strip_suffix(" contact").unwrap_or(&text);
        match text {
            "administrative" => Some(Role::Administrative),
            "technical" => Some(Role::Technical),
            "billing" => Some(Role::Billing),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ContactRow {
    pub line: u64,
    pub name: String,
    pub email: String,
    pub github: String,
    pub phone: String,
    pub organization: String,
    pub position: String,
    pub engagements: Vec<String>,
    pub roles: Vec<Role>,
}

pub fn parse(row: &mut Row<'_>) -> Option<ContactRow> {
    let name = row.required_text(NAME);
    let roles = parse_roles(row);
    let email = parse_email(row);
    Some(ContactRow {
        line: row.line,
        name: name?,
        email: email?,
        github: row.text(GITHUB).to_string(),
        phone: row.text(PHONE).to_string(),
        organization: row.text(ORGANIZATION).to_string(),
        position: row.text(POSITION).to_string(),
        engagements: row.links(ENGAGEMENT),
        roles: roles?,
    })
}

/// The Email cell: empty, or exactly one address (an RFC 5322 addr-spec). The manifest and
/// the email drafts put it in a header, so a line break or a second address is an error,
/// never passed on.
fn parse_email(row: &mut Row<'_>) -> Option<String> {
    let raw = row.raw_text(EMAIL);
    let text = raw.trim();
    if text.is_empty() {
        return Some(String::new());
    }
    let problem = if text.contains(['\n', '\r']) {
        "expected one email address on one line, such as name@example.org"
    } else if text.matches('@').count() > 1 || text.contains([',', ';']) {
        "expected one email address such as name@example.org, not several: give each person a row of their own"
    } else if text.parse::<lettre::Address>().is_err() {
        "expected an email address such as name@example.org"
    } else {
        return Some(text.to_string());
    };
    row.error(EMAIL, problem);
    None
}

fn parse_roles(row: &mut Row<'_>) -> Option<Vec<Role>> {
    let mut roles = Vec::new();
    for text in row.links(ROLE) {
        match Role::parse(&text) {
            Some(role) => roles.push(role),
            None => {
                row.error(
                    ROLE,
                    format!("unknown role \"{text}\": expected Administrative, Technical or Billing"),
                );
                return None;
            }
        }
    }
    roles.sort();
    roles.dedup();
    Some(roles)
}
