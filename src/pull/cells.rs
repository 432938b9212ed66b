//! A cell of `cellFormat=json` as the text Airtable's CSV export writes for it.
//!
//! The JSON format is read rather than the string format because the string format writes
//! linked records as their names joined by ", " with no quoting, so names that hold a comma
//! cannot be told apart; in JSON a link is a list of record ids, and each is written here as
//! the linked record's name, quoted as the CSV export quotes it (a name holding a comma, a
//! quote or a line break in double quotes, a quote doubled), which `load` splits back exactly.
//! Dates come as `2025-01-31` and times as ISO 8601 in UTC, which `load` reads.

use std::collections::HashMap;

use serde_json::Value;

/// Record id → its name (the primary field's text), over every table read.
pub(super) type Names = HashMap<String, String>;

/// Whether `text` has the form of an Airtable record id (`rec` and 14 letters or digits).
pub(super) fn is_record_id(text: &str) -> bool {
    text.len() == 17 && text.starts_with("rec") && text[3..].bytes().all(|b| b.is_ascii_alphanumeric())
}

/// A linked-record cell: each id's name, quoted where needed, joined by commas. `Err` with
/// the first id that no table read has.
pub(super) fn links(ids: &[Value], names: &Names) -> Result<String, String> {
    let mut cell = Vec::new();
    for id in ids {
        let id = id.as_str().unwrap_or_default();
        let name = names.get(id).ok_or_else(|| id.to_string())?;
        cell.push(quoted(name));
    }
    Ok(cell.join(","))
}

/// Any other cell: text as it is, numbers as JSON writes them, a checkbox as "checked", a list
/// (multiple select, lookup, collaborators, attachments) as its items quoted and joined by
/// commas like links, a collaborator by name, an attachment as "file (url)".
pub(super) fn text(value: &Value) -> String {
    match value {
        Value::Null | Value::Bool(false) => String::new(),
        Value::Bool(true) => "checked".to_string(),
        Value::String(text) => text.clone(),
        Value::Number(number) => number.to_string(),
        Value::Array(items) => items.iter().map(|item| quoted(&text(item))).collect::<Vec<_>>().join(","),
        Value::Object(object) => {
            let field = |name: &str| object.get(name).and_then(Value::as_str);
            if let (Some(file), Some(url)) = (field("filename"), field("url")) {
                format!("{file} ({url})")
            } else if let Some(text) = ["name", "text", "label", "email"].iter().find_map(|key| field(key)) {
                text.to_string()
            } else if object.contains_key("error") {
                "#ERROR!".to_string()
            } else {
                value.to_string()
            }
        }
    }
}

/// A name inside a list cell, as Airtable's CSV export writes it.
pub(super) fn quoted(name: &str) -> String {
    if name.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", name.replace('"', "\"\""))
    } else {
        name.to_string()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::load::cells::split_links;

    #[test]
    fn linked_names_split_back_exactly() {
        let names: Names = [
            ("rec00000000000001", "Tidewater Ocean Lab, 2025"),
            ("rec00000000000002", "The \"Premier\" tier"),
            ("rec00000000000003", "Two\nlines"),
            ("rec00000000000004", "Plain"),
        ]
        .into_iter()
        .map(|(id, name)| (id.to_string(), name.to_string()))
        .collect();
        let ids: Vec<Value> = names.keys().map(|id| json!(id)).collect();
        let cell = links(&ids, &names).unwrap();
        let expected: Vec<&str> = ids.iter().map(|id| names[id.as_str().unwrap()].as_str()).collect();
        assert_eq!(split_links(&cell), expected);
        assert_eq!(links(&[json!("recMISSING0000000")], &names), Err("recMISSING0000000".to_string()));
    }

    #[test]
    fn values_read_as_the_export_writes_them() {
        assert_eq!(text(&json!(2.5)), "2.5");
        assert_eq!(text(&json!(12)), "12");
        assert_eq!(text(&json!(true)), "checked");
        assert_eq!(text(&json!(["Technical", "Billing, later"])), "Technical,\"Billing, later\"");
        assert_eq!(text(&json!({"id": "usr1", "email": "a@example.org", "name": "Ana Silva"})), "Ana Silva");
        assert_eq!(text(&json!({"filename": "a.pdf", "url": "https://x/a.pdf"})), "a.pdf (https://x/a.pdf)");
        assert_eq!(text(&json!(null)), "");
        assert!(is_record_id("recTer1PNiDl46BcH") && !is_record_id("Tidewater") && !is_record_id("rec-1"));
    }
}
