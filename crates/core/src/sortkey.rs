//! Pinyin sort keys, computed once at write time and stored, so that
//! `ORDER BY name_sort` gives the same order on SQLite and PostgreSQL.

use pinyin::ToPinyin;

/// Surnames whose reading differs from the character's common reading.
const SURNAMES: &[(char, &str)] = &[
    ('单', "shan"),
    ('曾', "zeng"),
    ('解', "xie"),
    ('仇', "qiu"),
    ('区', "ou"),
    ('查', "zha"),
    ('乐', "yue"),
    ('朴', "piao"),
    ('盖', "ge"),
    ('繁', "po"),
    ('尉', "yu"),
    ('种', "chong"),
    ('覃', "qin"),
];

/// The sort key of an organization's name: pinyin syllables separated by
/// spaces; other characters lowercased and kept.
pub fn name_key(name: &str) -> String {
    key(name, false)
}

/// The sort key of a person's name: as [`name_key`], but the first character
/// is read as a surname.
pub fn person_key(name: &str) -> String {
    key(name, true)
}

fn key(s: &str, surname_first: bool) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for (i, (c, py)) in s.chars().zip(s.to_pinyin()).enumerate() {
        if !out.is_empty() {
            out.push(' ');
        }
        let surname =
            (surname_first && i == 0).then(|| SURNAMES.iter().find(|(h, _)| *h == c).map(|(_, p)| *p)).flatten();
        match (surname, py) {
            (Some(p), _) => out.push_str(p),
            (None, Some(p)) => out.push_str(p.plain()),
            (None, None) => out.extend(c.to_lowercase()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn org_names_sort_by_pinyin() {
        assert_eq!(name_key("市教育局"), "shi jiao yu ju");
        assert!(name_key("安丘") < name_key("北京"));
    }

    #[test]
    fn surnames_use_their_surname_reading() {
        assert_eq!(person_key("单雄"), "shan xiong");
        assert_eq!(person_key("曾国"), "zeng guo");
        assert_eq!(person_key("解放"), "xie fang");
        // Not a surname: the common reading.
        assert_eq!(name_key("单位"), "dan wei");
    }

    #[test]
    fn latin_is_lowercased() {
        assert_eq!(name_key("ABC党委"), "a b c dang wei");
    }
}
