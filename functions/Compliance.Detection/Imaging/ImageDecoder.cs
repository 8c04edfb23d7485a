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
        // Source columns worked out once, not once a pixel: the same ⌊x·W/columns⌋ in double precision.
        var sourceColumns = columns <= 4096 ? stackalloc int[columns] : new int[columns];
        for (var x = 0; x < columns; x++)
        {
            sourceColumns[x] = columns == Width ? x : (int)((double)x * Width / columns);
        }

        var pixels = Pixels.AsSpan();
        for (var y = 0; y < rows; y++)
        {
            var sourceRow = (rows == Height ? y : (int)((double)y * Height / rows)) * Width;
            var target = luma.AsSpan(y * columns, columns);
            if (IsGrey)
            {
                for (var x = 0; x < columns; x++)
                {
                    target[x] = pixels[sourceRow + sourceColumns[x]];
                }
            }
            else
            {
                for (var x = 0; x < columns; x++)
                {
                    var i = (sourceRow + sourceColumns[x]) * 4;
                    target[x] = PdqHasher.Luma(pixels[i], pixels[i + 1], pixels[i + 2]);
                }
            }
        }

        return luma;
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
}
