using System.Buffers.Binary;

namespace Compliance.Detection.Imaging;

/// <summary>
/// Decodes the PNGs photographs usually are (8-bit grey, RGB or RGBA, not interlaced, no tRNS
/// transparency) with libdeflate's whole-buffer inflate and <see cref="PngFilters"/>; every other
/// kind is declined and left to Skia. Written here rather than bound from a PNG library because
/// libpng reports errors by longjmp (not callable from .NET) and libspng inflates with zlib: it took
/// 33 ms for the nine PNG fixtures, Skia 31 ms, this 17 ms. Lossless, so the pixels are the ones
/// libpng gives Meta's tool. Critical chunks' CRCs are checked as libpng checks them (ancillary chunks
/// are not read); anything irregular (a bad CRC, an unknown critical chunk, image data short or long,
/// an unknown filter) is declined rather than repaired.
/// </summary>
internal static class PngPixels
{
    private const uint Ihdr = 0x49484452;
    private const uint Idat = 0x49444154;
    private const uint Iend = 0x49454E44;
    private const uint Plte = 0x504C5445;
    private const uint Trns = 0x74524E53;

    private static ReadOnlySpan<byte> Signature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    public static bool IsPng(ReadOnlySpan<byte> data) => data.StartsWith(Signature);

    /// <summary>Bytes from one row's first pixel to the next row's: the pixels and the next row's filter byte.</summary>
    public static int RowBytes(int width, int channels) => (width * channels) + 1;

    /// <summary>
    /// The buffer <see cref="TryDecode"/> needs: every row with its filter byte, and one byte more,
    /// read (never used) when the last 3-byte pixel is loaded as four.
    /// </summary>
    public static long BufferLength(int width, int height, int channels) => ((long)RowBytes(width, channels) * height) + 1;

    /// <summary>Reads the header; false for anything but 8-bit grey, RGB or RGBA without interlacing.</summary>
    public static bool TryReadHeader(ReadOnlySpan<byte> png, out int width, out int height, out int channels)
    {
        (width, height, channels) = (0, 0, 0);
        if (!IsPng(png) || png.Length < Signature.Length + 25)
        {
            return false;
        }

        var ihdr = png[Signature.Length..];
        if (BinaryPrimitives.ReadInt32BigEndian(ihdr) != 13 || BinaryPrimitives.ReadUInt32BigEndian(ihdr[4..]) != Ihdr
            || Libdeflate.Crc32(ihdr.Slice(4, 17)) != BinaryPrimitives.ReadUInt32BigEndian(ihdr[21..]))
        {
            return false;
        }

        int w = BinaryPrimitives.ReadInt32BigEndian(ihdr[8..]), h = BinaryPrimitives.ReadInt32BigEndian(ihdr[12..]);
        byte depth = ihdr[16], colourType = ihdr[17], compression = ihdr[18], filter = ihdr[19], interlace = ihdr[20];
        channels = colourType switch
        {
            0 => 1,
            2 => 3,
            6 => 4,
            _ => 0, // palette and grey with alpha: Skia's
        };
        // libpng's default limit is a million pixels a side: larger files fail in Skia, so they are declined here.
        if (channels == 0 || depth != 8 || compression != 0 || filter != 0 || interlace != 0 || w is <= 0 or > 1_000_000 || h is <= 0 or > 1_000_000 || (long)w * channels >= int.MaxValue)
        {
            return false;
        }

        (width, height) = (w, h);
        return true;
    }

    /// <summary>
    /// Inflates and unfilters the image whose header <see cref="TryReadHeader"/> read into
    /// <paramref name="buffer"/> (<see cref="BufferLength"/> bytes): row y's pixels start at
    /// y × <see cref="RowBytes"/> + 1. False where the file is declined.
    /// </summary>
    public static unsafe bool TryDecode(ReadOnlySpan<byte> png, int width, int height, int channels, Span<byte> buffer)
    {
        var compressed = GC.AllocateUninitializedArray<byte>(png.Length); // not pooled, as for the pixels
        {
            var length = 0;
            var ended = false;
            var idatEnded = false;
            for (var at = Signature.Length; !ended;)
            {
                if (at + 12 > png.Length)
                {
                    return false;
                }

                var size = BinaryPrimitives.ReadInt32BigEndian(png[at..]);
                if (size < 0 || size > png.Length - at - 12)
                {
                    return false;
                }

                var kind = BinaryPrimitives.ReadUInt32BigEndian(png[(at + 4)..]);

                // What libpng refuses, declined here too, so that a file never hashes here and fails in Skia:
                // a chunk type that is not four letters, a second IHDR, IDAT chunks that are not consecutive.
                if (!IsChunkName(kind) || (kind == Ihdr && at != Signature.Length) || (kind == Idat && idatEnded))
                {
                    return false;
                }

                idatEnded |= length > 0 && kind != Idat;
                if (kind == Trns)
                {
                    // Transparency turns grey or RGB into RGBA in Skia, whose luminance then differs: Skia's to decide.
                    return false;
                }

                // Critical chunks (an upper-case first letter) as libpng treats them: a bad CRC or an unknown one is an error.
                if ((kind & 0x20000000) == 0
                    && (kind is not (Ihdr or Plte or Idat or Iend) || Libdeflate.Crc32(png.Slice(at + 4, size + 4)) != BinaryPrimitives.ReadUInt32BigEndian(png[(at + 8 + size)..])))
                {
                    return false;
                }

                if (kind == Idat)
                {
                    png.Slice(at + 8, size).CopyTo(compressed.AsSpan(length));
                    length += size;
                }

                ended = kind == Iend;
                at += size + 12;
            }

            var rowBytes = RowBytes(width, channels);
            var pixelBytes = rowBytes - 1;
            if (!Libdeflate.InflateExactly(compressed.AsSpan(0, length), buffer[..(rowBytes * height)]))
            {
                return false;
            }

            fixed (byte* rows = buffer)
            {
                byte* prior = null;
                for (var y = 0; y < height; y++)
                {
                    var row = rows + ((long)y * rowBytes);
                    if (!PngFilters.Undo(row[0], row + 1, prior, pixelBytes, channels))
                    {
                        return false;
                    }

                    prior = row + 1;
                }
            }

            return true;
        }
    }

    private static bool IsChunkName(uint kind)
    {
        for (var shift = 0; shift < 32; shift += 8)
        {
            var letter = (char)((kind >> shift) & 0xFF);
            if (!char.IsAsciiLetter(letter))
            {
                return false;
            }
        }

        return true;
    }
}
