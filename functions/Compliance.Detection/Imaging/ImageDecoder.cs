using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Compliance.Detection.Hashing;
using SkiaSharp;

namespace Compliance.Detection.Imaging;

/// <summary>An image decoded to 8-bit pixels: grey (one byte a pixel) or RGBA with straight alpha.</summary>
public sealed class RasterImage
{
    private RasterImage(int width, int height, byte[] pixels, bool grey)
    {
        if (width <= 0 || height <= 0 || pixels.LongLength < (long)width * height * (grey ? 1 : 4))
        {
            throw new ArgumentException("The pixels do not fill the image.", nameof(pixels));
        }

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
    public float[] Luma(int columns, int rows) => Luma(columns, rows, static length => new float[length]);

    /// <summary><see cref="Luma(int, int)"/> into an array from <paramref name="allocate"/>, which may be longer than <paramref name="columns"/> × <paramref name="rows"/>.</summary>
    internal float[] Luma(int columns, int rows, Func<int, float[]> allocate) =>
        Luma(Pixels, Width, Height, Width * (IsGrey ? 1 : 4), IsGrey ? 1 : 4, columns, rows, allocate);

    /// <summary>
    /// <see cref="Luma(int, int)"/> over any 8-bit pixel rows: <paramref name="rowBytes"/> apart, of
    /// 1 (grey) or 3 or more bytes a pixel (R, G, B first). Only the sampled rows and columns are read.
    /// </summary>
    internal static float[] Luma(ReadOnlySpan<byte> pixels, int width, int height, int rowBytes, int channels, int columns, int rows, Func<int, float[]> allocate)
    {
        // The rows are read without bounds checks below: the one check that they all lie within the span.
        if (width <= 0 || height <= 0 || ((long)(height - 1) * rowBytes) + ((long)width * channels) > pixels.Length)
        {
            throw new ArgumentException("The pixel rows do not fit the buffer.", nameof(pixels));
        }

        var luma = allocate(columns * rows);
        var sourceColumns = SourceColumns(width, columns);
        for (var y = 0; y < rows; y++)
        {
            var source = rows == height ? y : (int)((double)y * height / rows);
            LumaRow(pixels[(source * rowBytes)..], channels, sourceColumns, columns == width, luma.AsSpan(y * columns, columns));
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

    /// <summary>One row of <see cref="Luma(int, int)"/>: source row <paramref name="sourceRow"/> sampled at <paramref name="sourceColumns"/>.</summary>
    internal void LumaRow(int sourceRow, ReadOnlySpan<int> sourceColumns, Span<float> target) =>
        LumaRow(Pixels.AsSpan(sourceRow * Width * (IsGrey ? 1 : 4)), IsGrey ? 1 : 4, sourceColumns, sourceColumns.Length == Width, target);

    /// <summary>
    /// Without bounds checks (every source column is below the width by construction): this runs
    /// once a sampled pixel, 262,144 times an image, and checked indexing made it cost more than the hash.
    /// </summary>
    private static void LumaRow(ReadOnlySpan<byte> pixels, int channels, ReadOnlySpan<int> sourceColumns, bool everyColumn, Span<float> target)
    {
        System.Diagnostics.Debug.Assert(sourceColumns.Length == target.Length && (sourceColumns[^1] + 1) * channels <= pixels.Length);
        ref var pixel = ref MemoryMarshal.GetReference(pixels);
        ref var column = ref MemoryMarshal.GetReference(sourceColumns);
        ref var luma = ref MemoryMarshal.GetReference(target);
        if (channels == 1)
        {
            var x = 0;
            if (everyColumn)
            {
                // Source column x for every x: widen sixteen bytes at a time.
                for (; x + Vector128<byte>.Count <= target.Length; x += Vector128<byte>.Count)
                {
                    var (low, high) = Vector128.Widen(Vector128.LoadUnsafe(ref pixel, (nuint)x));
                    var (a, b) = Vector128.Widen(low);
                    var (c, d) = Vector128.Widen(high);
                    Vector128.ConvertToSingle(a).StoreUnsafe(ref luma, (nuint)x);
                    Vector128.ConvertToSingle(b).StoreUnsafe(ref luma, (nuint)x + 4);
                    Vector128.ConvertToSingle(c).StoreUnsafe(ref luma, (nuint)x + 8);
                    Vector128.ConvertToSingle(d).StoreUnsafe(ref luma, (nuint)x + 12);
                }
            }

            for (; x < target.Length; x++)
            {
                Unsafe.Add(ref luma, x) = Unsafe.Add(ref pixel, Unsafe.Add(ref column, x));
            }
        }
        else
        {
            // PdqHasher.Luma with its three products looked up: the same floats, summed in the same order.
            ref var red = ref MemoryMarshal.GetArrayDataReference(RedProducts);
            ref var green = ref MemoryMarshal.GetArrayDataReference(GreenProducts);
            ref var blue = ref MemoryMarshal.GetArrayDataReference(BlueProducts);
            for (var x = 0; x < target.Length; x++)
            {
                ref var rgb = ref Unsafe.Add(ref pixel, Unsafe.Add(ref column, x) * channels);
                Unsafe.Add(ref luma, x) = Unsafe.Add(ref red, rgb) + Unsafe.Add(ref green, Unsafe.Add(ref rgb, 1)) + Unsafe.Add(ref blue, Unsafe.Add(ref rgb, 2));
            }
        }
    }

    /// <summary>The weight times each 8-bit value, as <see cref="PdqHasher.Luma"/> multiplies them (int to float conversions made the sum three times slower).</summary>
    internal static readonly float[] RedProducts = Products(PdqHasher.LumaR);
    internal static readonly float[] GreenProducts = Products(PdqHasher.LumaG);
    internal static readonly float[] BlueProducts = Products(PdqHasher.LumaB);

    private static float[] Products(float weight)
    {
        var products = new float[256];
        for (var value = 0; value < products.Length; value++)
        {
            products[value] = weight * (byte)value;
        }

        return products;
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
    /// by <see cref="RasterImage.Luma(int, int)"/> at <see cref="PdqHasher.HashingSize"/>, by the
    /// fastest decoder that gives the reference's pixels. JPEG goes to libjpeg-turbo's TurboJPEG and
    /// common PNGs to libdeflate (<see cref="NativeLuma"/>), where those Debian libraries are installed.
    /// Everything else, and any file they decline (truncated, corrupt, CMYK, palette, interlaced), takes
    /// Skia: by scanline where it can, converting only the rows the resize samples (libjpeg-turbo
    /// skips the others' IDCT and colour conversion), else by full decode. On Skia's scanline path rows
    /// after the last one sampled are not read, so a file truncated there still hashes: for hashing
    /// lookups, not for checking evidence.
    /// </summary>
    public static (float[]? Luma, int Rows, int Columns, DecodeFailure Failure) DecodeLuma(byte[] data, long maxPixels) =>
        DecodeLuma(data, maxPixels, static length => new float[length]);

    /// <summary>
    /// <see cref="DecodeLuma(byte[], long)"/> into an array from <paramref name="allocate"/>, which may be
    /// longer than rows × columns. Hashing rents it from a pool: a new 1 MB array an image kept the GC
    /// collecting the large-object heap (14 full collections every 220 fixtures, ~4% of the time).
    /// </summary>
    internal static (float[]? Luma, int Rows, int Columns, DecodeFailure Failure) DecodeLuma(byte[] data, long maxPixels, Func<int, float[]> allocate) =>
        NativeLuma(data, maxPixels, allocate) ?? SkiaLuma(data, maxPixels, allocate);

    /// <summary><see cref="DecodeLuma(byte[], long)"/> by Skia alone: for what the native decoders decline.</summary>
    internal static (float[]? Luma, int Rows, int Columns, DecodeFailure Failure) SkiaLuma(byte[] data, long maxPixels, Func<int, float[]> allocate)
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
            return image is null ? (null, 0, 0, failure) : (image.Luma(columns, rows, allocate), rows, columns, DecodeFailure.None);
        }

        var raster = grey ? RasterImage.Grey(info.Width, 1, new byte[target.RowBytes]) : RasterImage.Rgba(info.Width, 1, new byte[target.RowBytes]);
        var luma = allocate(columns * rows);
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

    /// <summary>
    /// <see cref="DecodeLuma(byte[], long)"/> by Debian's native decoders (<see cref="TurboJpeg"/>,
    /// <see cref="PngPixels"/>), which decode the fixtures in 25 ms where Skia takes 55 ms, to the same
    /// pixels; null where a library is missing or declines the file (Skia then decides).
    /// </summary>
    internal static (float[]? Luma, int Rows, int Columns, DecodeFailure Failure)? NativeLuma(byte[] data, long maxPixels, Func<int, float[]> allocate)
    {
        int width, height, channels;
        bool png;
        if (PngPixels.IsPng(data) && Libdeflate.IsAvailable && PngPixels.TryReadHeader(data, out width, out height, out channels))
        {
            png = true;
        }
        else if (data is [0xFF, 0xD8, ..] && TurboJpeg.IsAvailable && TurboJpeg.TryReadHeader(data, out width, out height, out channels))
        {
            png = false;
        }
        else
        {
            return null;
        }

        if ((long)width * height > maxPixels)
        {
            return (null, 0, 0, DecodeFailure.TooManyPixels);
        }

        var length = png ? PngPixels.BufferLength(width, height, channels) : (long)width * height * channels;
        if (length > Array.MaxLength)
        {
            return null;
        }

        // Allocated, not rented: the shared pool would keep a hostile upload's tens of MB per thread
        // after the request (an uninitialised array costs no zeroing either).
        var buffer = GC.AllocateUninitializedArray<byte>((int)length);
        {
            var pixels = buffer.AsSpan(0, (int)length);
            if (!(png ? PngPixels.TryDecode(data, width, height, channels, pixels) : TurboJpeg.TryDecode(data, width, height, channels, pixels)))
            {
                return null;
            }

            var (columns, rows) = PdqHasher.HashingSize(width, height);
            var luma = png
                ? RasterImage.Luma(pixels[1..], width, height, PngPixels.RowBytes(width, channels), channels, columns, rows, allocate)
                : RasterImage.Luma(pixels, width, height, width * channels, channels, columns, rows, allocate);
            return (luma, rows, columns, DecodeFailure.None);
        }
    }
}
