//! File names from names people typed: lowercase ASCII, words joined by `-`.

use std::collections::BTreeSet;

/// `Río Claro Data & Society` → `rio-claro-data-society`, at most `limit` characters.
pub fn slugify(text: &str, limit: usize) -> String {
    let mut slug = String::new();
    for c in text.chars().flat_map(fold_accent) {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let mut slug: String = slug.chars().take(limit).collect();
    while slug.ends_with('-') {
        slug.pop();
    }
    if slug.is_empty() {
        "untitled".to_string()
    } else {
        slug
    }
}

/// The plain letters of common accented Latin letters; other characters pass through.
fn fold_accent(c: char) -> impl Iterator<Item = char> {
    const FOLDS: [(&str, &str); 13] = [
        ("àáâãäåā", "a"),
        ("çćč", "c"),
        ("èéêëēę", "e"),
        ("ìíîïī", "i"),
        ("ñń", "n"),
        ("òóôõöøō", "o"),
        ("ùúûüū", "u"),
        ("ýÿ", "y"),
        ("šś", "s"),
        ("žźż", "z"),
        ("ß", "ss"),
        ("æ", "ae"),
        ("łđ", "l"),
    ];
    let lower = c.to_lowercase().next().unwrap_or(c);
    let folded = FOLDS.iter().find(|(from, _)| from.contains(lower)).map(|(_, to)| *to);
    let chars: Vec<char> = match folded {
        Some(to) => to.chars().collect(),
        None => vec![c],
    };
    chars.into_iter()
}

/// One slug per name, made unique by a numeric suffix, in the order given.
pub fn unique_slugs<'a>(names: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut taken = BTreeSet::new();
    names
        .map(|name| {
            let base = slugify(name, 60);
            let mut candidate = base.clone();
            let mut counter = 2;
            while !taken.insert(candidate.clone()) {
                candidate = format!("{base}-{counter}");
                counter += 1;
            }
            candidate
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_plain_and_unique() {
        assert_eq!(slugify("Río Claro Data & Society", 60), "rio-claro-data-society");
        assert_eq!(slugify("  <script>  ", 60), "script");
        assert_eq!(slugify("📚", 60), "untitled");
        assert_eq!(slugify("Straße Œuvre", 60), "strasse-uvre");
        assert_eq!(unique_slugs(["A b", "a-b", "A B"].into_iter()), ["a-b", "a-b-2", "a-b-3"]);
    }
}
