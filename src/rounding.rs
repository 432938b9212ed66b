//! How the computed (not exact) figures serialise and read: to the precision people and
//! programs use. A base layer: figures serialise with it, presenters round with it.

use serde::Serializer;

/// `value` to `decimals` places, with no negative zero.
pub fn round(value: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    let rounded = (value * scale).round() / scale;
    if rounded == 0.0 {
        0.0
    } else {
        rounded
    }
}

/// Two decimals: hours and money.
pub fn cents<S: Serializer>(value: &f64, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_f64(round(*value, 2))
}

/// Three decimals: rates per working day and FTE.
pub fn rate<S: Serializer>(value: &f64, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_f64(round(*value, 3))
}

/// Three decimals, or null when unknown.
pub fn optional_rate<S: Serializer>(value: &Option<f64>, serializer: S) -> Result<S::Ok, S::Error> {
    match value {
        Some(value) => serializer.serialize_f64(round(*value, 3)),
        None => serializer.serialize_none(),
    }
}
