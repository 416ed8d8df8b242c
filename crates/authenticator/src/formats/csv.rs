//! Comma-separated values as RFC 4180 writes them: fields separated by
//! commas, records by line breaks (`\r\n`, `\n` or `\r`); a field in double
//! quotes may hold commas, line breaks and quotes (doubled). Small enough
//! not to need a dependency; only the Bitwarden CSV export uses it.

use zeroize::Zeroizing;

/// One record and the line of the file it starts on (from 1).
pub(super) struct Record {
    pub(super) line: usize,
    pub(super) fields: Vec<Zeroizing<String>>,
}

/// Splits `text` into records. Blank lines are skipped; a UTF-8 byte order
/// mark is ignored. The errors name a line, never a field's content.
pub(super) fn records(text: &str) -> Result<Vec<Record>, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut records = Vec::new();
    let mut fields = Vec::new();
    let mut field = Zeroizing::new(String::new());
    let mut line = 1;
    let mut record_line = 1;
    let mut quote_line = 1;
    // Whether the field being read was quoted (and its quotes are closed),
    // and whether we are inside its quotes.
    let mut quoted = false;
    let mut in_quotes = false;
    let mut chars = text.chars().peekable();
    while let Some(character) = chars.next() {
        if in_quotes {
            match character {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => in_quotes = false,
                _ => {
                    if character == '\n' || (character == '\r' && chars.peek() != Some(&'\n')) {
                        line += 1;
                    }
                    field.push(character);
                }
            }
            continue;
        }
        match character {
            ',' => {
                fields.push(std::mem::take(&mut field));
                quoted = false;
            }
            '\r' | '\n' => {
                if character == '\r' && chars.peek() == Some(&'\n') {
                    chars.next();
                }
                fields.push(std::mem::take(&mut field));
                let blank = !quoted && fields.len() == 1 && fields[0].is_empty();
                if !blank {
                    records.push(Record {
                        line: record_line,
                        fields: std::mem::take(&mut fields),
                    });
                }
                fields.clear();
                quoted = false;
                line += 1;
                record_line = line;
            }
            _ if quoted => {
                return Err(format!(
                    "line {line}: text after a field's closing quote (a quote inside a quoted \
                     field must be doubled)"
                ));
            }
            '"' if field.is_empty() => {
                quoted = true;
                in_quotes = true;
                quote_line = line;
            }
            _ => field.push(character),
        }
    }
    if in_quotes {
        return Err(format!(
            "the quoted field that starts on line {quote_line} is never closed: the file may \
             be cut short"
        ));
    }
    if quoted || !field.is_empty() || !fields.is_empty() {
        fields.push(std::mem::take(&mut field));
        records.push(Record {
            line: record_line,
            fields,
        });
    }
    Ok(records)
}
