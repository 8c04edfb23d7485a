using Compliance.Detection.Hashing;
using SkiaSharp;

namespace Compliance.Detection.Imaging;

/// <summary>An image decoded to 8-bit pixels: grey (one byte a pixel) or RGBA with straight alpha.</summary>
public sealed class RasterImage
{
    private RasterImage(int width, int height, byte[] pixels, bool grey)
    {
        Width = width;
        Height = height;
        Pixels = pixels;
        IsGrey = grey;
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>Row-major; one byte a pixel when <see cref="IsGrey"/>, else R, G, B, A.</summary>
    public byte[] Pixels { get; }

    public bool IsGrey { get; }

    public static RasterImage Grey(int width, int height, byte[] pixels) => new(width, height, pixels, true);

    public static RasterImage Rgba(int width, int height, byte[] pixels) => new(width, height, pixels, false);

    /// <summary>
    /// Luminance as PDQ defines it (grey images are used as they are, as the reference does), resampled to <paramref name="columns"/> × <paramref name="rows"/> by nearest
    /// neighbour, taking source pixel ⌊x·W/columns⌋ (CImg's resize, which Meta's hasher applies).
    /// </summary>
    public float[] Luma(int columns, int rows)
    {
        var luma = new float[columns * rows];
        var sourceColumns = SourceColumns(Width, columns);
        for (var y = 0; y < rows; y++)
        {
            LumaRow(rows == Height ? y : (int)((double)y * Height / rows), sourceColumns, luma.AsSpan(y * columns, columns));
        }

        return luma;
    }

    /// <summary>The source column of each target column, ⌊x·W/columns⌋ in double precision, worked out once rather than once a pixel.</summary>
    internal static int[] SourceColumns(int width, int columns)
    {
        var sources = new int[columns];
        for (var x = 0; x < columns; x++)
        {
            sources[x] = columns == width ? x : (int)((double)x * width / columns);
        }

        return sources;
    }

    /// <summary>One row of <see cref="Luma"/>: source row <paramref name="sourceRow"/> sampled at <paramref name="sourceColumns"/>.</summary>
    internal void LumaRow(int sourceRow, ReadOnlySpan<int> sourceColumns, Span<float> target)
    {
        var pixels = Pixels.AsSpan(sourceRow * Width * (IsGrey ? 1 : 4));
        if (IsGrey)
        {
            for (var x = 0; x < target.Length; x++)
            {
                target[x] = pixels[sourceColumns[x]];
            }
        }
        else
        {
            for (var x = 0; x < target.Length; x++)
            {
                var i = sourceColumns[x] * 4;
                target[x] = PdqHasher.Luma(pixels[i], pixels[i + 1], pixels[i + 2]);
            }
        }
    }

    public (byte R, byte G, byte B) Rgb(int x, int y)
    {
        var i = (y * Width) + x;
        return IsGrey ? (Pixels[i], Pixels[i], Pixels[i]) : (Pixels[i * 4], Pixels[(i * 4) + 1], Pixels[(i * 4) + 2]);
    }
}

public enum DecodeFailure
{
    None,
    DecodeFailed,
    TooManyPixels,
}

/// <summary>
/// Decodes still images with Skia's native decoders. The header's dimensions are checked before any
/// pixel memory is allocated, so a decompression bomb is refused without being decoded.
/// </summary>
public static class ImageDecoder
{
    public static (RasterImage? Image, DecodeFailure Failure, int Width, int Height) Decode(byte[] data, long maxPixels)
    {
        using var stream = new SKMemoryStream(data);
        using var codec = SKCodec.Create(stream);
        if (codec is null)
        {
            return (null, DecodeFailure.DecodeFailed, 0, 0);
        }

        var info = codec.Info;
        if (info.Width <= 0 || info.Height <= 0)
        {
            return (null, DecodeFailure.DecodeFailed, 0, 0);
        }

        if ((long)info.Width * info.Height > maxPixels)
        {
            return (null, DecodeFailure.TooManyPixels, info.Width, info.Height);
        }

        var grey = info.ColorType == SKColorType.Gray8;
        var target = new SKImageInfo(info.Width, info.Height, grey ? SKColorType.Gray8 : SKColorType.Rgba8888, grey ? SKAlphaType.Opaque : SKAlphaType.Unpremul);
        var pixels = new byte[target.BytesSize];
        var handle = System.Runtime.InteropServices.GCHandle.Alloc(pixels, System.Runtime.InteropServices.GCHandleType.Pinned);
        try
        {
            var result = codec.GetPixels(target, handle.AddrOfPinnedObject());
            if (result != SKCodecResult.Success)
            {
                // IncompleteInput (a truncated file) included: a partial image is no evidence.
                return (null, DecodeFailure.DecodeFailed, info.Width, info.Height);
            }
        }
        finally
        {
            handle.Free();
        }

        return (grey ? RasterImage.Grey(info.Width, info.Height, pixels) : RasterImage.Rgba(info.Width, info.Height, pixels), DecodeFailure.None, info.Width, info.Height);
    }

    /// <summary>
    /// Decodes straight into PDQ's luminance input: the same values as <see cref="Decode"/> followed
    /// by <see cref="RasterImage.Luma"/> at <see cref="PdqHasher.HashingSize"/>, but only the rows
    /// the resize samples are converted (libjpeg-turbo skips the others' IDCT and colour conversion),
    /// one row at a time, without the full-size RGBA buffer. Formats Skia cannot decode by scanline
    /// (interlaced PNG, GIF, WebP) take the full decode. Rows after the last one sampled are not read,
    /// so a file truncated there still hashes: for hashing lookups, not for checking evidence.
    /// </summary>
    public static (float[]? Luma, int Rows, int Columns, DecodeFailure Failure) DecodeLuma(byte[] data, long maxPixels)
    {
        using var stream = new SKMemoryStream(data);
        using var codec = SKCodec.Create(stream);
        if (codec is null || codec.Info.Width <= 0 || codec.Info.Height <= 0)
        {
            return (null, 0, 0, DecodeFailure.DecodeFailed);
        }

        var info = codec.Info;
        if ((long)info.Width * info.Height > maxPixels)
        {
            return (null, 0, 0, DecodeFailure.TooManyPixels);
        }

        var (columns, rows) = PdqHasher.HashingSize(info.Width, info.Height);
        var grey = info.ColorType == SKColorType.Gray8;
        var target = new SKImageInfo(info.Width, info.Height, grey ? SKColorType.Gray8 : SKColorType.Rgba8888, grey ? SKAlphaType.Opaque : SKAlphaType.Unpremul);
        if (codec.ScanlineOrder != SKCodecScanlineOrder.TopDown || codec.StartScanlineDecode(target) != SKCodecResult.Success)
        {
            var (image, failure, _, _) = Decode(data, maxPixels);
            return image is null ? (null, 0, 0, failure) : (image.Luma(columns, rows), rows, columns, DecodeFailure.None);
        }

        var raster = grey ? RasterImage.Grey(info.Width, 1, new byte[target.RowBytes]) : RasterImage.Rgba(info.Width, 1, new byte[target.RowBytes]);
        var luma = new float[columns * rows];
        var sourceColumns = RasterImage.SourceColumns(info.Width, columns);
        var handle = System.Runtime.InteropServices.GCHandle.Alloc(raster.Pixels, System.Runtime.InteropServices.GCHandleType.Pinned);
        try
        {
            var next = 0; // the codec's next row
            var held = -1; // the row in the buffer
            for (var y = 0; y < rows; y++)
            {
                var source = rows == info.Height ? y : (int)((double)y * info.Height / rows);
                if (source != held)
                {
                    if ((source > next && !codec.SkipScanlines(source - next))
                        || codec.GetScanlines(handle.AddrOfPinnedObject(), 1, target.RowBytes) != 1)
                    {
                        return (null, 0, 0, DecodeFailure.DecodeFailed);
                    }

                    next = source + 1;
                    held = source;
                }

                raster.LumaRow(0, sourceColumns, luma.AsSpan(y * columns, columns));
            }
        }
        finally
        {
            handle.Free();
        }

        return (luma, rows, columns, DecodeFailure.None);
    }
}
