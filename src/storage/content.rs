//! What an upload is, decided by its content and never by its name or declared type:
//! PNG, JPEG, WebP and ICO images (decoded within bounds, then re-encoded, which leaves
//! their metadata behind and bounds them in pixels) and, where documents are allowed,
//! PDF. Everything else, SVG included (it can carry script), is refused.
use image::{DynamicImage, ImageFormat, ImageReader, Limits};
use std::io::Cursor;

/// Largest image accepted, as uploaded.
pub const MAX_IMAGE_BYTES: usize = 5 * 1024 * 1024;
/// Largest PDF accepted.
pub const MAX_PDF_BYTES: usize = 10 * 1024 * 1024;
/// Largest side of an image as it is kept: bigger ones are scaled down.
pub const MAX_SIDE: u32 = 2048;
/// Largest side of an image that is decoded at all: a small file that claims more
/// (a decompression bomb) is refused before its pixels are allocated.
const MAX_DECODE_SIDE: u32 = 10_000;
/// Memory one decode may take: a 4000 × 4000 RGBA photo fits, a bigger one is refused.
const MAX_DECODE_BYTES: u64 = 64 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accept {
    Images,
    ImagesAndPdf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileType {
    Png,
    Jpeg,
    Webp,
    Ico,
    Pdf,
}

impl FileType {
    pub fn extension(self) -> &'static str {
        match self {
            Self::Png => "png",
            Self::Jpeg => "jpg",
            Self::Webp => "webp",
            Self::Ico => "ico",
            Self::Pdf => "pdf",
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            Self::Png => "image/png",
            Self::Jpeg => "image/jpeg",
            Self::Webp => "image/webp",
            Self::Ico => "image/x-icon",
            Self::Pdf => "application/pdf",
        }
    }

    /// The type of a stored key, from the extension Rally gave it.
    pub fn of_key(key: &str) -> Option<Self> {
        Some(match key.rsplit_once('.')?.1 {
            "png" => Self::Png,
            "jpg" => Self::Jpeg,
            "webp" => Self::Webp,
            "ico" => Self::Ico,
            "pdf" => Self::Pdf,
            _ => return None,
        })
    }

    pub fn is_image(self) -> bool {
        self != Self::Pdf
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UploadError {
    #[error("choose a file to upload")]
    Empty,
    #[error("the file is {size}; {what} can be at most {limit}")]
    TooLarge {
        size: String,
        what: &'static str,
        limit: String,
    },
    #[error("{0}")]
    NotAllowed(&'static str),
    #[error("the image is {0} pixels; images can be at most 10000 pixels on a side")]
    TooManyPixels(String),
    #[error("the image is {0} pixels, too many to process; scale it down (4000 × 4000 is fine)")]
    TooBigToDecode(String),
    #[error("the file looks like a {0} but cannot be read; it may be damaged")]
    Damaged(&'static str),
}

const ONLY_IMAGES: &str =
    "upload a PNG, JPEG, WebP or ICO image (SVG and other files are not accepted)";
const IMAGES_OR_PDF: &str =
    "upload a PNG, JPEG, WebP or ICO image or a PDF (SVG and other files are not accepted)";

/// A file that passed: its type and the bytes to keep.
#[derive(Debug, Clone)]
pub struct Checked {
    pub file_type: FileType,
    pub bytes: Vec<u8>,
}

fn megabytes(n: usize) -> String {
    format!("{:.1} MB", n as f64 / (1024.0 * 1024.0))
}

/// Decides what `bytes` are and makes the copy to keep (see the module's comment).
/// `max_side` bounds the kept image (a favicon is kept smaller than a photo).
pub fn check(bytes: &[u8], accept: Accept, max_side: u32) -> Result<Checked, UploadError> {
    if bytes.is_empty() {
        return Err(UploadError::Empty);
    }
    let refused = match accept {
        Accept::Images => ONLY_IMAGES,
        Accept::ImagesAndPdf => IMAGES_OR_PDF,
    };
    if bytes.starts_with(b"%PDF-") {
        if accept != Accept::ImagesAndPdf {
            return Err(UploadError::NotAllowed(ONLY_IMAGES));
        }
        if bytes.len() > MAX_PDF_BYTES {
            return Err(too_large(bytes.len(), "PDF files", MAX_PDF_BYTES));
        }
        // Kept as sent: a PDF is only ever served as a download-style attachment with
        // `nosniff` and a sandboxing CSP, never rendered inside Rally's pages.
        return Ok(Checked {
            file_type: FileType::Pdf,
            bytes: bytes.to_vec(),
        });
    }
    let (format, file_type) = match image::guess_format(bytes) {
        Ok(ImageFormat::Png) => (ImageFormat::Png, FileType::Png),
        Ok(ImageFormat::Jpeg) => (ImageFormat::Jpeg, FileType::Jpeg),
        Ok(ImageFormat::WebP) => (ImageFormat::WebP, FileType::Webp),
        Ok(ImageFormat::Ico) => (ImageFormat::Ico, FileType::Ico),
        _ => return Err(UploadError::NotAllowed(refused)),
    };
    if bytes.len() > MAX_IMAGE_BYTES {
        return Err(too_large(bytes.len(), "images", MAX_IMAGE_BYTES));
    }
    let image = decode(bytes, format, file_type)?;
    // An icon holds at most 256 pixels a side.
    let side = if file_type == FileType::Ico {
        max_side.min(256)
    } else {
        max_side
    };
    let image = if image.width() > side || image.height() > side {
        // `thumbnail` scales in integer steps: no float copy of the whole image.
        image.thumbnail(side, side)
    } else {
        image
    };
    Ok(Checked {
        file_type,
        bytes: encode(&image, file_type).map_err(|_| UploadError::Damaged(name_of(file_type)))?,
    })
}

/// [`check`] on a blocking thread, at most (cores − 1) at once: decoding and re-encoding
/// take a core for a while and must not stall the pages served beside them.
pub async fn check_off_thread(
    bytes: Vec<u8>,
    accept: Accept,
    max_side: u32,
) -> Result<Checked, UploadError> {
    use std::sync::OnceLock;
    use tokio::sync::Semaphore;
    static PERMITS: OnceLock<Semaphore> = OnceLock::new();
    let permits = PERMITS.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Semaphore::new(cores.saturating_sub(1).max(1))
    });
    let _permit = permits
        .acquire()
        .await
        .expect("the semaphore is never closed");
    match tokio::task::spawn_blocking(move || check(&bytes, accept, max_side)).await {
        Ok(result) => result,
        // A panic inside a decoder: the file is refused, the server goes on.
        Err(_) => Err(UploadError::Damaged("image")),
    }
}

fn too_large(size: usize, what: &'static str, limit: usize) -> UploadError {
    UploadError::TooLarge {
        size: megabytes(size),
        what,
        limit: megabytes(limit),
    }
}

fn name_of(t: FileType) -> &'static str {
    match t {
        FileType::Png => "PNG",
        FileType::Jpeg => "JPEG",
        FileType::Webp => "WebP",
        FileType::Ico => "ICO",
        FileType::Pdf => "PDF",
    }
}

fn decode(bytes: &[u8], format: ImageFormat, t: FileType) -> Result<DynamicImage, UploadError> {
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_DECODE_SIDE);
    limits.max_image_height = Some(MAX_DECODE_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    let dims = ImageReader::with_format(Cursor::new(bytes), format)
        .into_dimensions()
        .map_err(|_| UploadError::Damaged(name_of(t)))?;
    if dims.0 > MAX_DECODE_SIDE || dims.1 > MAX_DECODE_SIDE {
        return Err(UploadError::TooManyPixels(format!(
            "{} × {}",
            dims.0, dims.1
        )));
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits);
    reader.decode().map_err(|e| match e {
        image::ImageError::Limits(_) => {
            UploadError::TooBigToDecode(format!("{} × {}", dims.0, dims.1))
        }
        _ => UploadError::Damaged(name_of(t)),
    })
}

fn encode(image: &DynamicImage, t: FileType) -> image::ImageResult<Vec<u8>> {
    let mut out = Cursor::new(Vec::new());
    match t {
        FileType::Jpeg => {
            // JPEG has no alpha channel.
            let rgb = DynamicImage::ImageRgb8(image.to_rgb8());
            let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85);
            rgb.write_with_encoder(encoder)?;
        }
        FileType::Png => image.write_to(&mut out, ImageFormat::Png)?,
        // image's WebP encoder is lossless.
        FileType::Webp => {
            DynamicImage::ImageRgba8(image.to_rgba8()).write_to(&mut out, ImageFormat::WebP)?
        }
        FileType::Ico => {
            DynamicImage::ImageRgba8(image.to_rgba8()).write_to(&mut out, ImageFormat::Ico)?
        }
        FileType::Pdf => unreachable!("PDFs are not images"),
    }
    Ok(out.into_inner())
}

#[cfg(test)]
pub mod samples {
    //! Small files made on the spot, for tests.
    use super::*;

    pub fn png(w: u32, h: u32) -> Vec<u8> {
        let img = DynamicImage::ImageRgba8(image::RgbaImage::from_pixel(
            w,
            h,
            image::Rgba([200, 30, 60, 255]),
        ));
        let mut out = Cursor::new(Vec::new());
        img.write_to(&mut out, ImageFormat::Png).unwrap();
        out.into_inner()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_is_decided_by_content() {
        let png = samples::png(40, 30);
        let kept = check(&png, Accept::Images, MAX_SIDE).unwrap();
        assert_eq!(kept.file_type, FileType::Png);
        assert!(kept.bytes.starts_with(b"\x89PNG"));
        for refused in [
            &b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>"[..],
            b"<!doctype html><script>alert(1)</script>",
            b"GIF89a\x01\x00\x01\x00",
        ] {
            assert_eq!(
                check(refused, Accept::Images, MAX_SIDE).unwrap_err(),
                UploadError::NotAllowed(ONLY_IMAGES)
            );
        }
        assert_eq!(
            check(b"", Accept::Images, MAX_SIDE).unwrap_err(),
            UploadError::Empty
        );
        let pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n";
        assert!(check(pdf, Accept::Images, MAX_SIDE).is_err());
        assert_eq!(
            check(pdf, Accept::ImagesAndPdf, MAX_SIDE)
                .unwrap()
                .file_type,
            FileType::Pdf
        );
    }

    #[test]
    fn big_images_are_scaled_down_and_truncated_ones_refused() {
        let kept = check(&samples::png(3000, 1500), Accept::Images, MAX_SIDE).unwrap();
        let img = image::load_from_memory(&kept.bytes).unwrap();
        assert_eq!((img.width(), img.height()), (2048, 1024));
        let png = samples::png(40, 30);
        assert_eq!(
            check(&png[..png.len() / 2], Accept::Images, MAX_SIDE).unwrap_err(),
            UploadError::Damaged("PNG")
        );
    }
}
