//! The tokenizer of dossier's text fields: words between spaces and punctuation, as
//! tantivy's simple tokenizer cuts them, plus words for the scripts written without
//! spaces. Chinese is segmented with jieba's dictionary; Japanese (a paragraph with kana)
//! and Korean are cut into overlapping pairs of letters. Pure: no index access here; the
//! filters after it (lower case, accents, stop words, stems) are `index`'s.
//!
//! The language is chosen per field value (one paragraph, title or heading) by the
//! scripts of its letters, so a folder of mixed languages works. Text that is all ASCII,
//! or has no CJK letter, goes straight to tantivy's simple tokenizer.

use tantivy::tokenizer::{SimpleTokenStream, SimpleTokenizer, Token, TokenStream, Tokenizer};

use crate::script::{Language, Script, chinese_words, is_dictionary_word, language_of, script_of};

/// How a tokenizer reads Chinese characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HanReading {
    /// As the text's own language says: with kana, Japanese; without, Chinese.
    Detected,
    /// Always as Japanese, in pairs of letters: a query of kanji alone has no kana to
    /// tell, so it is also looked for as Japanese.
    Japanese,
}

/// The script-aware tokenizer. Cloned per indexing thread; keeps its buffers.
#[derive(Clone)]
pub(crate) struct ScriptTokenizer {
    simple: SimpleTokenizer,
    reading: HanReading,
    /// Also give the dictionary words inside a longer Chinese word, at its position, so
    /// that a query of the shorter word ("智能") finds the longer one ("人工智能"). The
    /// index needs them; a query needs only its own words.
    inner_words: bool,
    tokens: Vec<Token>,
}

impl ScriptTokenizer {
    /// The tokenizer that indexes text: languages detected, inner words given.
    pub(crate) fn for_index() -> ScriptTokenizer {
        ScriptTokenizer::new(HanReading::Detected, true)
    }

    /// The tokenizer of queries, reading Chinese characters as `reading` says.
    pub(crate) fn for_query(reading: HanReading) -> ScriptTokenizer {
        ScriptTokenizer::new(reading, false)
    }

    fn new(reading: HanReading, inner_words: bool) -> ScriptTokenizer {
        ScriptTokenizer {
            simple: SimpleTokenizer::default(),
            reading,
            inner_words,
            tokens: Vec::new(),
        }
    }
}

/// The tokens of one text: from tantivy's simple tokenizer, or segmented beforehand.
pub(crate) enum ScriptTokenStream<'a> {
    /// Text with no CJK letter.
    Spaced(SimpleTokenStream<'a>),
    /// Text with CJK letters, segmented into `tokens`.
    Segmented {
        /// The tokens, in order.
        tokens: &'a mut Vec<Token>,
        /// How many have been handed out.
        next: usize,
    },
}

impl Tokenizer for ScriptTokenizer {
    type TokenStream<'a> = ScriptTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> ScriptTokenStream<'a> {
        let language = match (language_of(text), self.reading) {
            (Language::Spaced, _) => {
                return ScriptTokenStream::Spaced(self.simple.token_stream(text));
            }
            (Language::Chinese, HanReading::Japanese) => Language::Japanese,
            (language, _) => language,
        };
        self.tokens.clear();
        segment(text, language, self.inner_words, &mut self.tokens);
        ScriptTokenStream::Segmented {
            tokens: &mut self.tokens,
            next: 0,
        }
    }
}

impl TokenStream for ScriptTokenStream<'_> {
    fn advance(&mut self) -> bool {
        match self {
            ScriptTokenStream::Spaced(stream) => stream.advance(),
            ScriptTokenStream::Segmented { tokens, next } => {
                *next += 1;
                *next <= tokens.len()
            }
        }
    }

    fn token(&self) -> &Token {
        match self {
            ScriptTokenStream::Spaced(stream) => stream.token(),
            ScriptTokenStream::Segmented { tokens, next } => &tokens[next.saturating_sub(1)],
        }
    }

    fn token_mut(&mut self) -> &mut Token {
        match self {
            ScriptTokenStream::Spaced(stream) => stream.token_mut(),
            ScriptTokenStream::Segmented { tokens, next } => &mut tokens[next.saturating_sub(1)],
        }
    }
}

/// Appends the tokens of `text` to `out`: each run of letters and digits is cut where its
/// script changes; spaced pieces are one word, Chinese pieces are segmented by the
/// dictionary (kanji of Japanese text are paired as kana are), kana and Hangul pieces
/// are cut into overlapping pairs.
fn segment(text: &str, language: Language, inner_words: bool, out: &mut Vec<Token>) {
    let mut position = 0;
    for (from, piece, script) in pieces(text) {
        let mut sink = Sink {
            out,
            base: from,
            position: &mut position,
        };
        match script {
            Script::Spaced => sink.word(0, piece),
            Script::Han if language != Language::Japanese => {
                dictionary_words(piece, inner_words, &mut sink);
            }
            Script::Han | Script::Kana | Script::Hangul => pairs(piece, &mut sink),
        }
    }
}

/// Runs of letters and digits of one script: (byte offset, text, script).
fn pieces(text: &str) -> impl Iterator<Item = (usize, &str, Script)> {
    let mut chars = text.char_indices().peekable();
    std::iter::from_fn(move || {
        let (start, first) = chars.find(|(_, c)| c.is_alphanumeric())?;
        let script = script_of(first);
        let mut end = start + first.len_utf8();
        while let Some(&(at, c)) = chars.peek() {
            if !c.is_alphanumeric() || script_of(c) != script {
                break;
            }
            end = at + c.len_utf8();
            chars.next();
        }
        Some((start, &text[start..end], script))
    })
}

/// Where tokens go: `out`, with offsets from `base`, each word at the next position.
struct Sink<'s> {
    out: &'s mut Vec<Token>,
    base: usize,
    position: &'s mut usize,
}

impl Sink<'_> {
    /// `word`, starting `at` bytes into the piece, at the next position.
    fn word(&mut self, at: usize, word: &str) {
        self.push(at, word, *self.position);
        *self.position += 1;
    }

    /// `word` at the same position as the word before it (a word inside it).
    fn inner(&mut self, at: usize, word: &str) {
        self.push(at, word, self.position.saturating_sub(1));
    }

    fn push(&mut self, at: usize, word: &str, position: usize) {
        let offset_from = self.base + at;
        self.out.push(Token {
            offset_from,
            offset_to: offset_from + word.len(),
            position,
            text: word.to_string(),
            position_length: 1,
        });
    }
}

/// The words of a run of Chinese characters (see `script::chinese_words`); with
/// `inner_words`, after each word of three or more characters the dictionary words of two
/// and three characters inside it, as jieba's search mode gives them.
fn dictionary_words(piece: &str, inner_words: bool, sink: &mut Sink) {
    for word in chinese_words(piece) {
        sink.word(word.start, word.text);
        if !inner_words {
            continue;
        }
        let starts: Vec<usize> = word
            .text
            .char_indices()
            .map(|(at, _)| at)
            .chain([word.text.len()])
            .collect();
        let length = starts.len() - 1;
        for width in [2, 3].into_iter().filter(|&width| length > width) {
            for window in starts.windows(width + 1) {
                let inner = &word.text[window[0]..window[width]];
                if is_dictionary_word(inner) {
                    sink.inner(word.start + window[0], inner);
                }
            }
        }
    }
}

/// Overlapping pairs of letters ("トヨタ" -> "トヨ", "ヨタ"); a letter alone is itself.
fn pairs(piece: &str, sink: &mut Sink) {
    let starts: Vec<usize> = piece
        .char_indices()
        .map(|(at, _)| at)
        .chain([piece.len()])
        .collect();
    if starts.len() <= 2 {
        sink.word(0, piece);
        return;
    }
    for window in starts.windows(3) {
        sink.word(window[0], &piece[window[0]..window[2]]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (text, position) of each token.
    fn tokens(tokenizer: &mut ScriptTokenizer, text: &str) -> Vec<(String, usize)> {
        let mut stream = tokenizer.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            let token = stream.token();
            assert_eq!(&text[token.offset_from..token.offset_to], token.text);
            out.push((token.text.clone(), token.position));
        }
        out
    }

    fn words(tokenizer: &mut ScriptTokenizer, text: &str) -> Vec<String> {
        tokens(tokenizer, text)
            .into_iter()
            .map(|(word, _)| word)
            .collect()
    }

    #[test]
    fn english_is_cut_as_the_simple_tokenizer_cuts_it() {
        let mut tokenizer = ScriptTokenizer::for_index();
        assert_eq!(
            tokens(&mut tokenizer, "Apple's café, 3.5%"),
            [
                ("Apple".to_string(), 0),
                ("s".to_string(), 1),
                ("café".to_string(), 2),
                ("3".to_string(), 3),
                ("5".to_string(), 4)
            ]
        );
    }

    #[test]
    fn chinese_is_segmented_into_dictionary_words() {
        let mut tokenizer = ScriptTokenizer::for_query(HanReading::Detected);
        assert_eq!(
            words(&mut tokenizer, "苹果公司发布了人工智能产品"),
            ["苹果公司", "发布", "了", "人工智能", "产品"]
        );
    }

    #[test]
    fn the_index_also_holds_the_words_inside_a_long_word_at_its_position() {
        let mut tokenizer = ScriptTokenizer::for_index();
        let found = tokens(&mut tokenizer, "人工智能产品");
        assert!(found.contains(&("人工智能".to_string(), 0)), "{found:?}");
        assert!(found.contains(&("人工".to_string(), 0)), "{found:?}");
        assert!(found.contains(&("智能".to_string(), 0)), "{found:?}");
        assert!(found.contains(&("产品".to_string(), 1)), "{found:?}");
    }

    #[test]
    fn japanese_is_cut_into_pairs_of_letters() {
        let mut tokenizer = ScriptTokenizer::for_index();
        assert_eq!(
            tokens(&mut tokenizer, "トヨタの株価"),
            [
                ("トヨ".to_string(), 0),
                ("ヨタ".to_string(), 1),
                ("タの".to_string(), 2),
                ("株価".to_string(), 3)
            ]
        );
    }

    #[test]
    fn kanji_alone_read_as_japanese_are_paired() {
        let mut tokenizer = ScriptTokenizer::for_query(HanReading::Japanese);
        assert_eq!(words(&mut tokenizer, "自動車"), ["自動", "動車"]);
    }

    #[test]
    fn korean_is_cut_into_pairs_of_letters() {
        let mut tokenizer = ScriptTokenizer::for_index();
        assert_eq!(
            words(&mut tokenizer, "삼성전자 주가"),
            ["삼성", "성전", "전자", "주가"]
        );
    }

    #[test]
    fn mixed_text_keeps_latin_words_whole_between_cjk_words() {
        let mut tokenizer = ScriptTokenizer::for_query(HanReading::Detected);
        assert_eq!(
            words(&mut tokenizer, "iPhone销量, Toyota的股价"),
            ["iPhone", "销量", "Toyota", "的", "股价"]
        );
    }
}
