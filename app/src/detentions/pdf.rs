//! The notice as a PDF: the English letter, then the French one on a page of its own, set in
//! the PDF standard fonts (Helvetica, WinAnsi encoding: every letter of French is in it), so
//! nothing is embedded or fetched. Lines are broken by Helvetica's widths, estimated by class
//! of character; the margin is kept wide enough for the estimate's error.

use super::letter::{NoticeLetter, Written};
use crate::lang::Locale;
use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

/// US Letter, the paper of Canadian offices, in points.
const PAGE: (f32, f32) = (612.0, 792.0);
const MARGIN: f32 = 64.0;
const BODY: f32 = 10.0;
const HEADING: f32 = 11.0;
const TITLE: f32 = 14.0;
const LEADING: f32 = 1.4;

/// A character in WinAnsi (Windows-1252), the standard fonts' encoding; `?` for the few it has
/// not.
fn win_ansi(c: char) -> u8 {
    match c {
        '\u{20}'..='\u{7e}' => c as u8,
        '\u{a0}'..='\u{ff}' => c as u32 as u8,
        '\u{202f}' => 0xa0,
        '€' => 0x80,
        '…' => 0x85,
        '‘' => 0x91,
        '’' => 0x92,
        '“' => 0x93,
        '”' => 0x94,
        '•' => 0x95,
        '–' => 0x96,
        '—' => 0x97,
        _ => b'?',
    }
}

/// Helvetica's width of `c`, in thousandths of the font size, by class of character.
fn width(c: char) -> f32 {
    match c {
        ' ' | '\u{a0}' | '\u{202f}' | 'i' | 'j' | 'l' | 'I' | '.' | ',' | ':' | ';' | '\''
        | '’' => 278.0,
        'f' | 't' | 'r' | '(' | ')' | '-' | '/' => 333.0,
        'm' | 'w' | 'M' | 'W' | '@' | '—' => 889.0,
        'A'..='Z' | 'À'..='Þ' => 722.0,
        _ => 556.0,
    }
}

fn text_width(text: &str, size: f32) -> f32 {
    text.chars().map(width).sum::<f32>() * size / 1000.0
}

/// `text` broken into lines no wider than `room` at `size`.
fn wrap(text: &str, size: f32, room: f32) -> Vec<String> {
    let mut lines = vec![];
    let mut line = String::new();
    for word in text.split(' ') {
        let tried = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if text_width(&tried, size) > room && !line.is_empty() {
            lines.push(std::mem::replace(&mut line, word.to_string()));
        } else {
            line = tried;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// The pages being set: each a content stream.
struct Setter {
    pages: Vec<Content>,
    y: f32,
}

impl Setter {
    fn new_page(&mut self) {
        self.pages.push(Content::new());
        self.y = PAGE.1 - MARGIN;
    }

    fn line(&mut self, font: &[u8], size: f32, text: &str) {
        if self.y < MARGIN + size {
            self.new_page();
        }
        self.y -= size * LEADING;
        let bytes: Vec<u8> = text.chars().map(win_ansi).collect();
        let page = self.pages.last_mut().expect("a page is begun first");
        page.begin_text();
        page.set_font(Name(font), size);
        page.next_line(MARGIN, self.y);
        page.show(Str(&bytes));
        page.end_text();
    }

    fn gap(&mut self, points: f32) {
        self.y -= points;
    }

    fn letter(&mut self, written: &Written) {
        self.new_page();
        let room = PAGE.0 - 2.0 * MARGIN;
        for line in wrap(&written.title, TITLE, room) {
            self.line(b"B", TITLE, &line);
        }
        self.gap(8.0);
        for part in &written.parts {
            self.gap(6.0);
            if !part.heading.is_empty() {
                self.line(b"B", HEADING, &part.heading);
            }
            for paragraph in &part.paragraphs {
                for line in wrap(paragraph, BODY, room) {
                    self.line(b"R", BODY, &line);
                }
                self.gap(3.0);
            }
        }
    }
}

/// The notice as a PDF document.
pub fn notice(letter: &NoticeLetter) -> Vec<u8> {
    let english = letter.written(Locale::en);
    let french = letter.written(Locale::fr);
    let mut setter = Setter {
        pages: vec![],
        y: 0.0,
    };
    setter.letter(&english);
    setter.letter(&french);

    let mut pdf = Pdf::new();
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let regular = Ref::new(3);
    let bold = Ref::new(4);
    let info = Ref::new(5);
    let first = 6;
    let count = setter.pages.len() as i32;
    let page_ids: Vec<Ref> = (0..count).map(|i| Ref::new(first + 2 * i)).collect();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree).kids(page_ids.iter().copied()).count(count);
    pdf.type1_font(regular)
        .base_font(Name(b"Helvetica"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    pdf.type1_font(bold)
        .base_font(Name(b"Helvetica-Bold"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    pdf.document_info(info)
        .title(TextStr(&format!("{} / {}", english.title, french.title)))
        .creator(TextStr("border-ops"));
    for (i, content) in setter.pages.into_iter().enumerate() {
        let page_id = page_ids[i];
        let content_id = Ref::new(page_id.get() + 1);
        let mut page = pdf.page(page_id);
        page.media_box(Rect::new(0.0, 0.0, PAGE.0, PAGE.1));
        page.parent(tree);
        page.contents(content_id);
        let mut resources = page.resources();
        resources
            .fonts()
            .pair(Name(b"R"), regular)
            .pair(Name(b"B"), bold);
        resources.finish();
        page.finish();
        pdf.stream(content_id, &content.finish());
    }
    pdf.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_letters_are_in_the_standard_fonts_encoding() {
        let bytes: Vec<u8> = "Détenues « ici » à l’été".chars().map(win_ansi).collect();
        assert_eq!(bytes[1], 0xe9);
        assert!(bytes.contains(&0xab) && bytes.contains(&0xbb) && bytes.contains(&0x92));
        assert!(!bytes.contains(&b'?'));
    }

    #[test]
    fn a_title_is_set_in_win_ansi() {
        let mut setter = Setter {
            pages: vec![],
            y: 0.0,
        };
        setter.new_page();
        setter.line(b"B", TITLE, "Avis de rétention");
        let bytes = setter.pages.pop().unwrap().finish();
        let has = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
        // A string with a byte outside ASCII is written in hexadecimal.
        assert!(
            has(b"<417669732064652072E974656E74696F6E>"),
            "{}",
            String::from_utf8_lossy(&bytes)
        );
    }

    #[test]
    fn lines_are_broken_between_words_within_the_room() {
        let text = "Unless you tell us in writing that you have started proceedings in court, \
                    the goods will be released on the day after the deadline.";
        let lines = wrap(text, BODY, 200.0);
        assert!(lines.len() > 2);
        assert!(lines.iter().all(|l| text_width(l, BODY) <= 200.0));
        assert_eq!(lines.join(" "), text);
    }
}
