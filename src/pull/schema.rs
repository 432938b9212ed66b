//! What the metadata API says of a base (`GET /v0/meta/bases/{baseId}/tables`, which needs
//! the token's `schema.bases:read` scope): each table's id, name, primary field and fields, a
//! linked-record field with the id of the table it links to.

use serde::Deserialize;
use serde_json::Value;

#[derive(Debug, Deserialize)]
pub struct Schema {
    pub tables: Vec<TableSchema>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TableSchema {
    pub id: String,
    pub name: String,
    pub primary_field_id: String,
    pub fields: Vec<FieldSchema>,
}

#[derive(Debug, Deserialize)]
pub struct FieldSchema {
    pub id: String,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub options: Option<Value>,
}

impl Schema {
    /// The table a name or `tbl…` id names, as the API matches it.
    pub fn table(&self, id_or_name: &str) -> Option<&TableSchema> {
        self.tables.iter().find(|table| table.id == id_or_name || table.name == id_or_name)
    }
}

impl TableSchema {
    pub fn primary(&self) -> Option<&FieldSchema> {
        self.fields.iter().find(|field| field.id == self.primary_field_id)
    }

    /// The field names, the primary field first, the others in the table's order.
    pub fn columns(&self) -> Vec<String> {
        let primary = self.primary().map(|field| field.name.clone());
        primary
            .iter()
            .cloned()
            .chain(
                self.fields
                    .iter()
                    .map(|field| field.name.clone())
                    .filter(|name| Some(name) != primary.as_ref()),
            )
            .collect()
    }
}

impl FieldSchema {
    /// The id of the table a linked-record field links to.
    pub fn linked_table(&self) -> Option<&str> {
        if self.kind != "multipleRecordLinks" {
            return None;
        }
        self.options.as_ref()?.get("linkedTableId")?.as_str()
    }
}
