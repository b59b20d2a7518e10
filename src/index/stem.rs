//! The English stemmer of the text fields, with a memory of the words it has stemmed.
//!
//! It gives exactly the stems of tantivy's `Stemmer` (the same Snowball algorithm of the
//! same `frostem` crate), but a word seen before is looked up instead of stemmed again.
//! News text repeats its words (a few thousand make most of any paragraph), and stemming
//! was a quarter of the instructions of an untagged index run. Each tokenizer clone,
//! which tantivy makes per indexing thread, keeps its own memory: no locks.

use std::borrow::Cow;

use rustc_hash::FxHashMap as HashMap;
use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

/// Words remembered per tokenizer, at most; the memory is emptied when it is full. The
/// common words of news text, about half a megabyte: tantivy keeps a tokenizer per text
/// field and indexing thread, and a 1 GB run must stay under 600 MB (32,768 words cost
/// 24 MB more there).
const REMEMBERED_WORDS: usize = 8_192;

/// Words longer than this are stemmed each time: they are rare, and would only take
/// room.
const LONGEST_REMEMBERED: usize = 16;

/// A token filter that replaces each word by its English stem (see the module docs).
#[derive(Clone, Copy, Default)]
pub(crate) struct EnglishStemmer;

impl TokenFilter for EnglishStemmer {
    type Tokenizer<T: Tokenizer> = StemmerFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> StemmerFilter<T> {
        StemmerFilter {
            inner: tokenizer,
            stems: HashMap::default(),
        }
    }
}

/// The tokenizer `EnglishStemmer` makes of the one before it.
#[derive(Clone)]
pub(crate) struct StemmerFilter<T> {
    inner: T,
    /// Stems by word, of the words this clone has stemmed; None for a word that is its own
    /// stem.
    stems: HashMap<Box<str>, Option<Box<str>>>,
}

impl<T: Tokenizer> Tokenizer for StemmerFilter<T> {
    type TokenStream<'a> = StemmerTokenStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        StemmerTokenStream {
            tail: self.inner.token_stream(text),
            stems: &mut self.stems,
            stemmer: frostem::Stemmer::new(frostem::Algorithm::English),
        }
    }
}

/// The stemmed tokens of one text.
pub(crate) struct StemmerTokenStream<'a, T> {
    tail: T,
    stems: &'a mut HashMap<Box<str>, Option<Box<str>>>,
    stemmer: frostem::Stemmer,
}

impl<T: TokenStream> TokenStream for StemmerTokenStream<'_, T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        if let Some(remembered) = self.stems.get(token.text.as_str()) {
            if let Some(stem) = remembered {
                token.text.clear();
                token.text.push_str(stem);
            }
            return true;
        }
        // None when the word is its own stem.
        let stem = match self.stemmer.stem(&token.text) {
            Cow::Borrowed(stem) if stem == token.text => None,
            stem => Some(stem.into_owned()),
        };
        if token.text.len() <= LONGEST_REMEMBERED {
            if self.stems.len() >= REMEMBERED_WORDS {
                self.stems.clear();
            }
            self.stems
                .insert(token.text.as_str().into(), stem.as_deref().map(Box::from));
        }
        if let Some(stem) = stem {
            token.text = stem;
        }
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

#[cfg(test)]
mod tests {
    use tantivy::tokenizer::{LowerCaser, SimpleTokenizer, Stemmer, TextAnalyzer};

    use super::*;

    fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<(String, usize, usize, usize)> {
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            let token = stream.token();
            out.push((
                token.text.clone(),
                token.offset_from,
                token.offset_to,
                token.position,
            ));
        }
        out
    }

    /// The remembered stems are tantivy's stems, token by token, on the seed article and
    /// on every word of it again (each now remembered), across texts of one tokenizer.
    #[test]
    fn stems_are_tantivys_whether_remembered_or_not() {
        const SEED: &str = include_str!("../../seeds/000_3c1f1d88057d9cc2.txt");
        let mut ours = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(LowerCaser)
            .filter(EnglishStemmer)
            .build();
        let mut tantivys = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(LowerCaser)
            .filter(Stemmer::default())
            .build();
        let words = "running runs ran generously generalization companies company's \
                     bought buying acquisitions acquired the a I organizations organised \
                     internationalization1234567890 reorganisationalisationally";
        for text in [SEED, SEED, words, words] {
            let expected = tokens(&mut tantivys, text);
            assert!(expected.len() > 10);
            assert_eq!(tokens(&mut ours, text), expected);
        }
    }

    #[test]
    fn a_full_memory_is_emptied_and_stems_stay_right() {
        let mut ours = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(EnglishStemmer)
            .build();
        let mut tantivys = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(Stemmer::default())
            .build();
        let text: String = (0..REMEMBERED_WORDS + 100)
            .map(|n| format!("walking{n}s walked "))
            .collect();
        assert_eq!(tokens(&mut ours, &text), tokens(&mut tantivys, &text));
        assert_eq!(
            tokens(&mut ours, "walking walks"),
            tokens(&mut tantivys, "walking walks")
        );
    }
}
