//! Writing systems, as far as finding words cares: scripts written with spaces between
//! words, Chinese characters, Japanese kana, Korean Hangul; and the words of Chinese text,
//! which has no spaces, by jieba's dictionary. Shared by the index's tokenizer and the
//! tagger's name matching, so both see the same words. Pure: no I/O.

use std::sync::LazyLock;

use jieba_rs::Jieba;

/// jieba's dictionary, loaded on the first Chinese text (it takes a moment and some
/// megabytes: English-only runs never load it).
static JIEBA: LazyLock<Jieba> = LazyLock::new(Jieba::new);

/// The writing system of one character, for segmentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Script {
    /// Latin, Greek, Cyrillic, digits...: words are separated by spaces and punctuation.
    Spaced,
    /// Chinese characters (hanzi, Japanese kanji), written without spaces.
    Han,
    /// Japanese hiragana and katakana.
    Kana,
    /// Korean Hangul syllables and letters.
    Hangul,
}

/// The language a paragraph's Chinese characters are read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Language {
    /// No Chinese, Japanese or Korean letters: split at spaces and punctuation only.
    Spaced,
    /// Chinese characters and no kana: Chinese, segmented with a dictionary.
    Chinese,
    /// Kana (with or without kanji): Japanese, cut into overlapping pairs of letters.
    Japanese,
    /// Hangul and no Chinese characters: Korean, cut into overlapping pairs of letters.
    Korean,
}

/// The script of a character; anything not CJK counts as spaced.
pub(crate) fn script_of(c: char) -> Script {
    match c as u32 {
        // Hiragana, katakana (with the prolonged sound mark ー), katakana extensions,
        // half-width katakana.
        0x3040..=0x30FF | 0x31F0..=0x31FF | 0xFF66..=0xFF9F => Script::Kana,
        // CJK unified ideographs and their extensions, compatibility ideographs, and the
        // iteration mark 々 and closing mark 〆 that stand for ideographs.
        0x3005..=0x3007
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xF900..=0xFAFF
        | 0x20000..=0x3134F => Script::Han,
        // Hangul syllables, jamo and compatibility jamo.
        0xAC00..=0xD7AF | 0x1100..=0x11FF | 0x3130..=0x318F | 0xA960..=0xA97F => Script::Hangul,
        _ => Script::Spaced,
    }
}

/// The language of a paragraph, from the scripts of its letters: kana make it Japanese
/// (Japanese mixes kanji and kana; Chinese never uses kana), Chinese characters without
/// kana make it Chinese, Hangul alone Korean. Text that is all ASCII is answered without
/// looking at its characters one by one, so English pays almost nothing.
pub(crate) fn language_of(text: &str) -> Language {
    if text.is_ascii() {
        return Language::Spaced;
    }
    let (mut han, mut hangul) = (false, false);
    for c in text.chars().filter(|c| !c.is_ascii()) {
        match script_of(c) {
            Script::Kana => return Language::Japanese,
            Script::Han => han = true,
            Script::Hangul => hangul = true,
            Script::Spaced => {}
        }
    }
    match (han, hangul) {
        (true, _) => Language::Chinese,
        (false, true) => Language::Korean,
        (false, false) => Language::Spaced,
    }
}

/// Whether `text` has Chinese characters and no kana: Chinese, or Japanese kanji written
/// alone (a query such as "株価"), which only context could tell apart.
pub(crate) fn han_without_kana(text: &str) -> bool {
    language_of(text) == Language::Chinese
}

/// A Chinese word found by segmentation: where it starts in the text segmented, and its
/// text.
pub(crate) struct ChineseWord<'a> {
    /// Byte offset in the text segmented.
    pub(crate) start: usize,
    /// The word.
    pub(crate) text: &'a str,
}

/// The words of a run of Chinese characters, by jieba's dictionary (and its hidden Markov
/// model for words the dictionary lacks), in order; together they are the whole run.
pub(crate) fn chinese_words(run: &str) -> impl Iterator<Item = ChineseWord<'_>> {
    JIEBA.cut(run, true).into_iter().map(|token| ChineseWord {
        start: token.byte_start,
        text: token.word,
    })
}

/// Whether jieba's dictionary holds `word`.
pub(crate) fn is_dictionary_word(word: &str) -> bool {
    JIEBA.has_word(word)
}

/// Whether byte `at` of `text` (a character boundary) is between two words as far as
/// Chinese characters go: not inside a run of them, or where the dictionary's
/// segmentation of the run puts a word break. "京东" is a word in "京东宣布", not in "北京
/// 东路" (北京 + 东路).
pub(crate) fn is_chinese_word_break(text: &str, at: usize) -> bool {
    let is_han = |c: &char| script_of(*c) == Script::Han;
    let before = text[..at].chars().rev().take_while(is_han);
    let run_start = at - before.map(char::len_utf8).sum::<usize>();
    let after = text[at..].chars().take_while(is_han);
    let run_end = at + after.map(char::len_utf8).sum::<usize>();
    if run_start == at || run_end == at {
        return true;
    }
    let offset = at - run_start;
    chinese_words(&text[run_start..run_end]).any(|word| word.start == offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_word_breaks_follow_the_dictionary() {
        let text = "腾讯和百度的股价";
        let at = |word: &str| text.find(word).unwrap();
        assert!(is_chinese_word_break(text, at("百度")));
        assert!(is_chinese_word_break(text, at("的")));
        assert!(is_chinese_word_break(text, 0));
        assert!(is_chinese_word_break(text, text.len()));
        let road = "他住在北京东路";
        assert!(!is_chinese_word_break(road, road.find("京东").unwrap()));
        assert!(is_chinese_word_break("Apple的股价", "Apple".len()));
    }

    #[test]
    fn english_and_accented_text_is_spaced() {
        assert_eq!(language_of("Apple said on Monday"), Language::Spaced);
        assert_eq!(
            language_of("Café in Zürich, naïve “quotes”"),
            Language::Spaced
        );
        assert_eq!(language_of(""), Language::Spaced);
    }

    #[test]
    fn chinese_characters_without_kana_are_chinese() {
        assert_eq!(language_of("阿里巴巴发布人工智能模型"), Language::Chinese);
        assert_eq!(language_of("Apple 的股价上涨了 3%"), Language::Chinese);
    }

    #[test]
    fn kana_make_a_paragraph_japanese_with_or_without_kanji() {
        assert_eq!(language_of("トヨタの株価が上昇した"), Language::Japanese);
        assert_eq!(language_of("ソニー"), Language::Japanese);
        // Kanji alone could be either language; without kana it reads as Chinese.
        assert_eq!(language_of("株価"), Language::Chinese);
    }

    #[test]
    fn hangul_is_korean() {
        assert_eq!(language_of("삼성전자 주가"), Language::Korean);
    }

    #[test]
    fn scripts_of_characters() {
        assert_eq!(script_of('a'), Script::Spaced);
        assert_eq!(script_of('é'), Script::Spaced);
        assert_eq!(script_of('7'), Script::Spaced);
        assert_eq!(script_of('苹'), Script::Han);
        assert_eq!(script_of('々'), Script::Han);
        assert_eq!(script_of('ト'), Script::Kana);
        assert_eq!(script_of('ー'), Script::Kana);
        assert_eq!(script_of('の'), Script::Kana);
        assert_eq!(script_of('ｿ'), Script::Kana);
        assert_eq!(script_of('한'), Script::Hangul);
    }
}
