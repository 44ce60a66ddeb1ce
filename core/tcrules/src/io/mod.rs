//! Reading and writing portfolios: canonical JSON and flat CSV tables, Excel and
//! OpenDocument workbooks read as those tables ([`sheet`]), the column mapping from a
//! user's headers to the layout's names ([`Columns`]), and the format of a file told from
//! its content ([`Format::sniff`], [`table_text`]). IATI activity files have their own
//! module, [`crate::iati`].

use crate::error::{Error, Result};

mod columns;
#[cfg(feature = "csv")]
pub mod csv;
pub mod json;
#[cfg(feature = "sheets")]
pub mod sheet;

pub use columns::Columns;

/// Largest input accepted by the readers that take the whole text at once (JSON, CSV),
/// in bytes. The IATI reader streams and has per-token limits instead
/// ([`crate::iati::MAX_TOKEN_BYTES`]).
pub const MAX_INPUT_BYTES: usize = 512 << 20;

/// The kinds of input file the library reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// A portfolio as JSON (`core/schema/portfolio.schema.json`).
    Json,
    /// A CSV table of projects, records or approvals, recognized by its header.
    Csv,
    /// An IATI activity file (XML, versions 1.0x to 2.03).
    Iati,
    /// A policy edition (JSON).
    Policy,
}

impl Format {
    /// Every format, by its name.
    pub const ALL: &'static [Format] = &[Format::Json, Format::Csv, Format::Iati, Format::Policy];

    /// The name: `json`, `csv`, `iati` or `policy`; [`str::parse`] reads it back.
    ///
    /// ```
    /// use tcrules::io::Format;
    /// assert_eq!("iati".parse::<Format>().unwrap().as_str(), "iati");
    /// assert_eq!("xml".parse::<Format>().unwrap_err().path(), "format");
    /// ```
    pub fn as_str(&self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Csv => "csv",
            Format::Iati => "iati",
            Format::Policy => "policy",
        }
    }

    /// The text of a file in this format: UTF-8, a byte-order mark skipped. Bytes that are
    /// not UTF-8 are the format's own error (`invalid_json`, `invalid_csv`,
    /// `invalid_xml`), naming the offset of the first bad byte.
    ///
    /// ```
    /// use tcrules::io::Format;
    /// assert_eq!(Format::Json.text(b"\xEF\xBB\xBF{}").unwrap(), "{}");
    /// let e = Format::Csv.text(b"id\n\xFF").unwrap_err();
    /// assert_eq!((e.code(), e.to_string().as_str()), ("invalid_csv", "not UTF-8: invalid byte at offset 3"));
    /// ```
    pub fn text(self, bytes: &[u8]) -> Result<&str> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        std::str::from_utf8(bytes).map_err(|e| {
            let message = format!("not UTF-8: invalid byte at offset {}", e.valid_up_to());
            match self {
                Format::Json | Format::Policy => Error::Json {
                    path: String::new(),
                    message,
                },
                Format::Csv => Error::Csv {
                    path: String::new(),
                    message,
                },
                Format::Iati => Error::Xml {
                    path: String::new(),
                    message,
                },
            }
        })
    }
}

impl Format {
    /// The format of a file, told from its content, never its name: a zip archive is a
    /// workbook, read as a table ([`Format::Csv`]); XML (`<` first), gzip or UTF-16 text
    /// an IATI file; `{` or `[` first a JSON portfolio; anything else a CSV table. A
    /// byte-order mark and leading white space are skipped. A policy edition is JSON, and
    /// named as such by the caller.
    ///
    /// ```
    /// use tcrules::io::Format;
    /// assert_eq!(Format::sniff(b"\xEF\xBB\xBF  {\"projects\": []}"), Format::Json);
    /// assert_eq!(Format::sniff(b"<?xml version=\"1.0\"?><iati-activities/>"), Format::Iati);
    /// assert_eq!(Format::sniff(b"PK\x03\x04..."), Format::Csv);
    /// assert_eq!(Format::sniff(b"id;title\n"), Format::Csv);
    /// ```
    pub fn sniff(bytes: &[u8]) -> Format {
        if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
            return Format::Csv;
        }
        if bytes.starts_with(&[0x1f, 0x8b])
            || bytes.starts_with(&[0xff, 0xfe])
            || bytes.starts_with(&[0xfe, 0xff])
        {
            return Format::Iati;
        }
        let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        match text.iter().find(|b| !b.is_ascii_whitespace()) {
            Some(b'<') => Format::Iati,
            Some(b'{' | b'[') => Format::Json,
            _ => Format::Csv,
        }
    }
}

/// The text of a table file, told from its content: an Excel or OpenDocument workbook's
/// sheet (`sheet`, or the first) as CSV text ([`sheet::to_csv`]), or the file's own text
/// (UTF-8, a byte-order mark skipped; other bytes an `invalid_csv` error).
///
/// ```
/// let text = tcrules::io::table_text(b"\xEF\xBB\xBFid;title\n", None).unwrap();
/// assert_eq!(text, "id;title\n");
/// ```
#[cfg(feature = "csv")]
pub fn table_text<'a>(bytes: &'a [u8], sheet: Option<&str>) -> Result<std::borrow::Cow<'a, str>> {
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        #[cfg(feature = "sheets")]
        return sheet::to_csv(bytes, sheet).map(std::borrow::Cow::Owned);
        #[cfg(not(feature = "sheets"))]
        return Err(Error::Csv {
            path: String::new(),
            message:
                "this build reads no Excel or OpenDocument workbooks (the `sheets` feature is off)"
                    .into(),
        });
    }
    if let Some(name) = sheet {
        return Err(Error::invalid(
            "sheet",
            format!("sheet {name:?} given, but the file is not a workbook (.xlsx or .ods)"),
        ));
    }
    Format::Csv.text(bytes).map(std::borrow::Cow::Borrowed)
}

impl std::str::FromStr for Format {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Format::ALL
            .iter()
            .copied()
            .find(|f| f.as_str() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = Format::ALL.iter().map(Format::as_str).collect();
                Error::invalid(
                    "format",
                    format!("{s:?} is not one of {}", names.join(", ")),
                )
            })
    }
}
