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

/// Two or more names that make the same slug: each gets the slug with a short hash of its
/// full name, which stays the same from run to run and whatever the order of the rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlugClash {
    pub slug: String,
    /// (name, the slug it gets instead), in input order.
    pub names: Vec<(String, String)>,
}

/// One slug per `(name, key)`: the slug of `name`, or when several names share it, that slug
/// followed by a hash of each one's `key` (a unique name such as the engagement's). The
/// clashes are returned so the caller can warn about them.
pub fn unique_slugs<'a>(
    entries: impl Iterator<Item = (&'a str, &'a str)>,
    limit: usize,
) -> (Vec<String>, Vec<SlugClash>) {
    let entries: Vec<(&str, &str, String)> =
        entries.map(|(name, key)| (name, key, slugify(name, limit))).collect();
    let mut count: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for (_, _, slug) in &entries {
        *count.entry(slug.as_str()).or_default() += 1;
    }
    let bases: BTreeSet<&str> = count.keys().copied().collect();
    let mut taken = BTreeSet::new();
    let mut clashes: Vec<SlugClash> = Vec::new();
    let slugs = entries
        .iter()
        .map(|(name, key, slug)| {
            if count[slug.as_str()] == 1 {
                return slug.clone();
            }
            let unique = (6..=64)
                .step_by(2)
                .map(|digits| format!("{slug}-{}", short_hash(key, digits)))
                .find(|candidate| !bases.contains(candidate.as_str()) && !taken.contains(candidate))
                .expect("a full SHA-256 never clashes");
            taken.insert(unique.clone());
            match clashes.iter_mut().find(|clash| clash.slug == *slug) {
                Some(clash) => clash.names.push((name.to_string(), unique.clone())),
                None => clashes
                    .push(SlugClash { slug: slug.clone(), names: vec![(name.to_string(), unique.clone())] }),
            }
            unique
        })
        .collect();
    (slugs, clashes)
}

/// The first `digits` hexadecimal digits of the SHA-256 of `text`.
fn short_hash(text: &str, digits: usize) -> String {
    use sha2::Digest;
    let hash = sha2::Sha256::digest(text.as_bytes());
    hash.iter().map(|byte| format!("{byte:02x}")).collect::<String>()[..digits].to_string()
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
    }

    #[test]
    fn clashing_slugs_get_a_stable_hash_of_their_key() {
        let (slugs, clashes) = unique_slugs([("A b", "E1"), ("Other", "E2"), ("a-b", "E3")].into_iter(), 60);
        assert_eq!(slugs[1], "other");
        assert_eq!(slugs[0], format!("a-b-{}", short_hash("E1", 6)));
        assert_eq!(slugs[2], format!("a-b-{}", short_hash("E3", 6)));
        assert_eq!(clashes.len(), 1);
        assert_eq!(clashes[0].names.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(), ["A b", "a-b"]);
        // The order of the rows does not change anyone's file name.
        let (reversed, _) = unique_slugs([("a-b", "E3"), ("Other", "E2"), ("A b", "E1")].into_iter(), 60);
        assert_eq!(reversed, [slugs[2].clone(), slugs[1].clone(), slugs[0].clone()]);
        // SHA-256("E1") starts with these digits.
        assert_eq!(short_hash("abc", 6), "ba7816");
    }
}
