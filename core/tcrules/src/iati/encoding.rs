//! What an IATI file is before it is XML: gzip-compressed or not, and UTF-8, UTF-16 (with
//! or without a byte order mark) or the encoding its XML declaration names
//! (`ISO-8859-1`, `windows-1252`, ...). [`Decoded`] gives the reader UTF-8, still
//! streaming: a gzip file is inflated (flate2) and any other encoding decoded (encoding_rs)
//! a few kilobytes at a time.

use std::io::{self, BufRead, BufReader, Chain, Cursor, Read};

use encoding_rs::{CoderResult, Decoder, Encoding, REPLACEMENT, UTF_16BE, UTF_16LE, UTF_8};
use flate2::bufread::MultiGzDecoder;

use crate::error::Error;

/// A gzip file may inflate to this many times its compressed size, or to
/// [`MIN_INFLATED_BYTES`], whichever is more; beyond that it is a `too_large` error (a
/// "gzip bomb"). Real IATI XML compresses 5 to 30 times.
pub const MAX_GZIP_RATIO: u64 = 200;
/// What any gzip file may inflate to (see [`MAX_GZIP_RATIO`]).
pub const MIN_INFLATED_BYTES: u64 = 16 << 20;

/// The bytes looked at to tell the encoding: a byte order mark and the XML declaration.
const HEAD_BYTES: u64 = 1024;
/// The UTF-8 decoded at a time from another encoding.
const CHUNK_BYTES: usize = 16 << 10;

/// An error of the file itself, carried through the XML reader's I/O.
fn failure(error: Error) -> io::Error {
    io::Error::other(error)
}

/// The compressed bytes read so far, counted for [`MAX_GZIP_RATIO`].
struct Counted<R> {
    inner: R,
    read: u64,
}

impl<R: BufRead> Read for Counted<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(out)?;
        self.read = self.read.saturating_add(n as u64);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Counted<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, n: usize) {
        self.read = self.read.saturating_add(n as u64);
        self.inner.consume(n);
    }
}

/// A gzip file inflated, every member of it, within [`MAX_GZIP_RATIO`].
struct Gunzip<R> {
    inner: BufReader<MultiGzDecoder<Counted<R>>>,
    inflated: u64,
}

impl<R: BufRead> Gunzip<R> {
    fn fill(&mut self) -> io::Result<&[u8]> {
        let compressed = self.inner.get_ref().get_ref().read;
        let allowed = compressed
            .saturating_mul(MAX_GZIP_RATIO)
            .max(MIN_INFLATED_BYTES);
        if self.inflated > allowed {
            return Err(failure(Error::TooLarge {
                path: String::new(),
                message: format!(
                    "the gzip file inflates to more than {MAX_GZIP_RATIO} times its size ({} bytes from {compressed}): it is refused as a gzip bomb",
                    self.inflated
                ),
            }));
        }
        self.inner.fill_buf().map_err(|e| {
            failure(Error::Xml {
                path: String::new(),
                message: format!("the file is gzip-compressed and cannot be inflated: {e}"),
            })
        })
    }
}

/// `Read` for a reader that is `BufRead` at heart: what its buffer holds, copied out.
pub(super) fn read_buffered(r: &mut impl BufRead, out: &mut [u8]) -> io::Result<usize> {
    let n = {
        let available = r.fill_buf()?;
        out.iter_mut().zip(available).map(|(o, a)| *o = *a).count()
    };
    r.consume(n);
    Ok(n)
}

/// The file's bytes, inflated when it is gzip (it starts with `1f 8b`).
enum Unzipped<R> {
    Plain(R),
    Gzip(Box<Gunzip<R>>),
}

impl<R: BufRead> Read for Unzipped<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        read_buffered(self, out)
    }
}

impl<R: BufRead> BufRead for Unzipped<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        match self {
            Unzipped::Plain(r) => r.fill_buf(),
            Unzipped::Gzip(g) => g.fill(),
        }
    }

    fn consume(&mut self, n: usize) {
        match self {
            Unzipped::Plain(r) => r.consume(n),
            Unzipped::Gzip(g) => {
                g.inflated = g.inflated.saturating_add(n as u64);
                g.inner.consume(n);
            }
        }
    }
}

/// The inflated bytes, the head looked at first.
type Source<R> = Chain<Cursor<Vec<u8>>, Unzipped<R>>;

/// Another encoding, decoded to UTF-8 a chunk at a time.
struct Transcoded<R> {
    source: Source<R>,
    decoder: Decoder,
    out: Vec<u8>,
    len: usize,
    at: usize,
    done: bool,
}

impl<R: BufRead> Transcoded<R> {
    fn fill(&mut self) -> io::Result<&[u8]> {
        while self.at >= self.len && !self.done {
            let input = self.source.fill_buf()?;
            let last = input.is_empty();
            // Malformed input (an unpaired UTF-16 surrogate) becomes U+FFFD, as a browser
            // shows it: the rest of the file still reads.
            let (result, read, written, _) =
                self.decoder.decode_to_utf8(input, &mut self.out, last);
            self.source.consume(read);
            (self.at, self.len) = (0, written);
            self.done = last && result == CoderResult::InputEmpty;
        }
        Ok(self.out.get(self.at..self.len).unwrap_or_default())
    }
}

enum Stage<R> {
    /// Not looked at yet.
    New(R),
    Utf8(Source<R>),
    Transcoded(Box<Transcoded<R>>),
    /// The file could not be opened; the error was given.
    Failed,
}

/// An IATI file as UTF-8, whatever it was written as: gzip is inflated, a UTF-8 byte order
/// mark dropped, UTF-16 (told by its byte order mark, or without one by the zero byte of
/// its first `<`) and an encoding named by the XML declaration decoded; an encoding no one
/// knows is refused with its name. Nothing is read before the first call. Its errors are
/// [`Error`]s inside [`io::Error`]s.
pub(super) struct Decoded<R> {
    stage: Stage<R>,
}

impl<R: BufRead> Decoded<R> {
    pub(super) fn new(input: R) -> Self {
        Decoded {
            stage: Stage::New(input),
        }
    }

    fn open(mut input: R) -> io::Result<Stage<R>> {
        let mut source = if input.fill_buf()?.starts_with(&[0x1f, 0x8b]) {
            Unzipped::Gzip(Box::new(Gunzip {
                inner: BufReader::new(MultiGzDecoder::new(Counted {
                    inner: input,
                    read: 0,
                })),
                inflated: 0,
            }))
        } else {
            Unzipped::Plain(input)
        };
        let mut head = Vec::new();
        (&mut source).take(HEAD_BYTES).read_to_end(&mut head)?;
        let (encoding, bom) = sniff(&head).map_err(failure)?;
        head.drain(..bom.min(head.len()));
        let source = Cursor::new(head).chain(source);
        Ok(match encoding {
            None => Stage::Utf8(source),
            Some(encoding) => Stage::Transcoded(Box::new(Transcoded {
                source,
                decoder: encoding.new_decoder_without_bom_handling(),
                out: vec![0; CHUNK_BYTES],
                len: 0,
                at: 0,
                done: false,
            })),
        })
    }
}

/// The encoding of a file from its first bytes (`None`: UTF-8), and the length of its
/// byte order mark.
fn sniff(head: &[u8]) -> Result<(Option<&'static Encoding>, usize), Error> {
    match head {
        [0xef, 0xbb, 0xbf, ..] => return Ok((None, 3)),
        [0xff, 0xfe, ..] => return Ok((Some(UTF_16LE), 2)),
        [0xfe, 0xff, ..] => return Ok((Some(UTF_16BE), 2)),
        // No byte order mark: UTF-16's first character (`<`, or white space) has a zero
        // byte, which UTF-8 text never has.
        [a, 0, ..] if *a != 0 => return Ok((Some(UTF_16LE), 0)),
        [0, b, ..] if *b != 0 => return Ok((Some(UTF_16BE), 0)),
        _ => {}
    }
    let Some(label) = declared_encoding(head) else {
        return Ok((None, 0));
    };
    match Encoding::for_label(label) {
        // A file in 8-bit characters that declares UTF-16 is read as what it is.
        Some(e) if e == UTF_8 || e == UTF_16LE || e == UTF_16BE => Ok((None, 0)),
        // As browsers do, ISO-8859-1 is read as its superset windows-1252.
        Some(e) if e != REPLACEMENT => Ok((Some(e), 0)),
        _ => Err(Error::Xml {
            path: String::new(),
            message: format!(
                "the file declares the encoding {:?}, which is not read: save it as UTF-8",
                shown(label)
            ),
        }),
    }
}

/// The `encoding` of an XML declaration at the start of `head`.
fn declared_encoding(head: &[u8]) -> Option<&[u8]> {
    let decl = head.strip_prefix(b"<?xml")?;
    let end = decl.windows(2).position(|w| w == b"?>")?;
    let decl = decl.get(..end)?;
    let at = decl.windows(8).position(|w| w == b"encoding")?;
    let rest = decl.get(at + 8..)?.trim_ascii_start().strip_prefix(b"=")?;
    let rest = rest.trim_ascii_start();
    let (quote, rest) = rest.split_first()?;
    let close = rest.iter().position(|b| b == quote)?;
    rest.get(..close)
}

/// A label as a message shows it: printable ASCII, at most 40 characters.
fn shown(label: &[u8]) -> String {
    label
        .iter()
        .take(40)
        .map(|b| match b {
            0x20..=0x7e => char::from(*b),
            _ => '?',
        })
        .collect()
}

impl<R: BufRead> Read for Decoded<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        read_buffered(self, out)
    }
}

impl<R: BufRead> BufRead for Decoded<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if let Stage::New(_) = self.stage {
            if let Stage::New(input) = std::mem::replace(&mut self.stage, Stage::Failed) {
                self.stage = Self::open(input)?;
            }
        }
        match &mut self.stage {
            Stage::Utf8(source) => source.fill_buf(),
            Stage::Transcoded(t) => t.fill(),
            Stage::New(_) | Stage::Failed => Ok(&[]),
        }
    }

    fn consume(&mut self, n: usize) {
        match &mut self.stage {
            Stage::Utf8(source) => source.consume(n),
            Stage::Transcoded(t) => t.at = t.at.saturating_add(n).min(t.len),
            Stage::New(_) | Stage::Failed => {}
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code
mod tests {
    use super::*;

    fn decoded(bytes: &[u8]) -> io::Result<String> {
        let mut out = String::new();
        Decoded::new(bytes).read_to_string(&mut out)?;
        Ok(out)
    }

    fn code(e: &io::Error) -> &'static str {
        e.get_ref()
            .and_then(|e| e.downcast_ref::<Error>())
            .map_or("?", Error::code)
    }

    #[test]
    fn each_encoding_is_told_by_its_first_bytes() {
        let text = "<?xml version=\"1.0\"?><a>Genève</a>";
        let utf16 = |le: bool| -> Vec<u8> {
            text.encode_utf16()
                .flat_map(|u| if le { u.to_le_bytes() } else { u.to_be_bytes() })
                .collect()
        };
        assert_eq!(decoded(text.as_bytes()).unwrap(), text);
        let bom = [&[0xef, 0xbb, 0xbf][..], text.as_bytes()].concat();
        assert_eq!(decoded(&bom).unwrap(), text);
        assert_eq!(decoded(&utf16(true)).unwrap(), text);
        assert_eq!(decoded(&utf16(false)).unwrap(), text);
        assert_eq!(
            decoded(&[&[0xff, 0xfe][..], &utf16(true)[..]].concat()).unwrap(),
            text
        );
        assert_eq!(
            decoded(&[&[0xfe, 0xff][..], &utf16(false)[..]].concat()).unwrap(),
            text
        );
        let latin1 = b"<?xml version=\"1.0\" encoding='ISO-8859-1' ?><a>Gen\xe8ve</a>";
        assert!(decoded(latin1).unwrap().ends_with("<a>Genève</a>"));
        assert_eq!(decoded(b"").unwrap(), "");
    }

    #[test]
    fn an_unknown_encoding_is_refused_by_its_name() {
        let e = decoded(b"<?xml version=\"1.0\" encoding=\"x-klingon\"?><a/>").unwrap_err();
        assert_eq!(code(&e), "invalid_xml");
        assert!(e.to_string().contains("\"x-klingon\""), "{e}");
        // UTF-8 declared as UTF-16 reads as what it is.
        let mislabelled = "<?xml version=\"1.0\" encoding=\"UTF-16\"?><a>é</a>";
        assert_eq!(decoded(mislabelled.as_bytes()).unwrap(), mislabelled);
    }

    #[test]
    fn gzip_is_inflated_within_its_ratio() {
        use flate2::{write::GzEncoder, Compression};
        use std::io::Write;
        let gzip = |bytes: &[u8]| {
            // The best compression, so that the bomb's ratio is over the limit whichever
            // backend flate2 builds with (zlib-rs, which the workbooks' zip reader brings,
            // packs runs less tightly at its fastest).
            let mut z = GzEncoder::new(Vec::new(), Compression::best());
            z.write_all(bytes).unwrap();
            z.finish().unwrap()
        };
        let text = "<iati-activities/>";
        assert_eq!(decoded(&gzip(text.as_bytes())).unwrap(), text);
        // Two members, as `cat a.gz b.gz` makes.
        let two = [gzip(b"<a>"), gzip(b"</a>")].concat();
        assert_eq!(decoded(&two).unwrap(), "<a></a>");
        let bomb = gzip(&vec![b' '; (MIN_INFLATED_BYTES + (1 << 20)) as usize]);
        assert_eq!(code(&decoded(&bomb).unwrap_err()), "too_large");
        let whole = gzip(text.as_bytes());
        assert_eq!(code(&decoded(&whole[..12]).unwrap_err()), "invalid_xml");
    }
}
