using Compliance.Detection.Hashing;
using Compliance.Detection.Imaging;
using SkiaSharp;

namespace Compliance.Detection.Tests;

/// <summary>
/// The native decoders behind <see cref="ImageDecoder.DecodeLuma"/> (libjpeg-turbo's TurboJPEG, and
/// libdeflate with the PNG filters written here) against Skia's full decode, which the reference
/// fixtures already pin to Meta's output. Every case checks the native path was taken, so a machine
/// without the libraries (infra/lib.sh installs them) fails here rather than quietly testing Skia twice.
/// </summary>
public sealed class PdqNativeDecodeTests
{
    public static TheoryData<string, string, int> Reference() => PdqTests.Reference();

    [Theory]
    [MemberData(nameof(Reference))]
    public void Every_fixture_decodes_natively_to_Skia_luminance_and_Meta_hash(string file, string expectedHex, int expectedQuality)
    {
        var data = Fixtures.Bytes("pdq", "images", file);

        var native = Native(data);

        AssertSkiaLuma(data, native);
        var result = PdqHasher.Hash(native.Luma, native.Rows, native.Columns);
        Assert.Equal(expectedHex, result.Hash.ToHex());
        Assert.Equal(expectedQuality, result.Quality);
    }

    /// <summary>Each PNG filter alone (and Skia's adaptive mix) on grey, RGB and RGBA rows, at widths with vector tails and with and without the 512 resize.</summary>
    [Theory]
    [InlineData(SKPngEncoderFilterFlags.NoFilters)]
    [InlineData(SKPngEncoderFilterFlags.Sub)]
    [InlineData(SKPngEncoderFilterFlags.Up)]
    [InlineData(SKPngEncoderFilterFlags.Avg)]
    [InlineData(SKPngEncoderFilterFlags.Paeth)]
    [InlineData(SKPngEncoderFilterFlags.AllFilters)]
    public void Png_filters_undo_to_Skia_pixels(SKPngEncoderFilterFlags filter)
    {
        foreach (var (width, height) in new[] { (37, 23), (513, 300), (600, 531) })
        {
            foreach (var (colourType, alphaType, channels) in new[] { (SKColorType.Gray8, SKAlphaType.Opaque, 1), (SKColorType.Rgba8888, SKAlphaType.Opaque, 3), (SKColorType.Rgba8888, SKAlphaType.Unpremul, 4) })
            {
                using var bitmap = Photo(width, height, colourType, alphaType);
                using var encoded = bitmap.PeekPixels()!.Encode(new SKPngEncoderOptions(filter, 6))!;
                var data = encoded.ToArray();

                Assert.True(PngPixels.TryReadHeader(data, out _, out _, out var read));
                Assert.Equal(channels, read);
                AssertSkiaLuma(data, Native(data));
            }
        }
    }

    [Theory]
    [InlineData(SKJpegEncoderDownsample.Downsample420)]
    [InlineData(SKJpegEncoderDownsample.Downsample422)]
    [InlineData(SKJpegEncoderDownsample.Downsample444)]
    public void Jpeg_subsamplings_decode_to_Skia_pixels(SKJpegEncoderDownsample downsample)
    {
        foreach (var (width, height) in new[] { (1023, 517), (333, 77) })
        {
            foreach (var colourType in new[] { SKColorType.Rgba8888, SKColorType.Gray8 })
            {
                using var bitmap = Photo(width, height, colourType, SKAlphaType.Opaque);
                using var encoded = bitmap.PeekPixels()!.Encode(new SKJpegEncoderOptions(85, downsample, SKJpegEncoderAlphaOption.Ignore))!;
                var data = encoded.ToArray();

                AssertSkiaLuma(data, Native(data));
            }
        }
    }

    /// <summary>Declined files go to Skia, which keeps deciding what a damaged file gives.</summary>
    [Fact]
    public void Damaged_and_unusual_files_are_left_to_Skia()
    {
        var png = Fixtures.Bytes("pdq", "images", "coffee.png");
        var badCrc = (byte[])png.Clone();
        badCrc[png.Length / 2] ^= 0x40; // inside an IDAT chunk
        var jpeg = Fixtures.Bytes("pdq", "images", "retina.jpg");

        Assert.Null(ImageDecoder.NativeLuma(png[..(png.Length * 3 / 4)], 100_000_000, NewArray));
        Assert.Null(ImageDecoder.NativeLuma(badCrc, 100_000_000, NewArray));
        Assert.Null(ImageDecoder.NativeLuma(jpeg[..(jpeg.Length * 3 / 4)], 100_000_000, NewArray));
        Assert.Null(ImageDecoder.NativeLuma([0xFF, 0xD8, 0xFF, 0x00], 100_000_000, NewArray));
        Assert.False(PngPixels.TryReadHeader(Interlaced(png), out _, out _, out _));
        Assert.Null(ImageDecoder.NativeLuma(Interlaced(png), 100_000_000, NewArray));
        Assert.Null(ImageDecoder.NativeLuma(WithChunkAfterHeader(png, "ZZZZ"), 100_000_000, NewArray)); // unknown critical: libpng's error
        Assert.NotNull(ImageDecoder.NativeLuma(WithChunkAfterHeader(png, "zzZz"), 100_000_000, NewArray)?.Luma); // unknown ancillary: skipped
        Assert.Equal(DecodeFailure.TooManyPixels, ImageDecoder.NativeLuma(png, 1000, NewArray)?.Failure);
        Assert.Equal(DecodeFailure.TooManyPixels, ImageDecoder.NativeLuma(jpeg, 1000, NewArray)?.Failure);
    }

    /// <summary>What libpng refuses is declined too, so a file never hashes here but fails where only Skia is.</summary>
    [Fact]
    public void Files_libpng_refuses_are_declined()
    {
        var png = Fixtures.Bytes("pdq", "images", "coffee.png");

        Assert.Null(ImageDecoder.NativeLuma(WithChunkAfterHeader(png, "z\u0001zz"), 100_000_000, NewArray)); // not four letters
        Assert.Null(ImageDecoder.NativeLuma(WithChunkAfterHeader(png, "IHDR"), 100_000_000, NewArray)); // a second header
        Assert.False(PngPixels.TryReadHeader(WithWidth(png, 1_000_001), out _, out _, out _)); // over libpng's million a side
        Assert.True(PngPixels.TryReadHeader(WithWidth(png, 1_000_000), out var width, out _, out _));
        Assert.Equal(1_000_000, width);
    }

    private static float[] NewArray(int length) => new float[length];

    /// <summary>The file with its header's width changed (CRC recomputed).</summary>
    private static byte[] WithWidth(byte[] png, int width)
    {
        var copy = (byte[])png.Clone();
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(copy.AsSpan(16), width);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(copy.AsSpan(29), Libdeflate.Crc32(copy.AsSpan(12, 17)));
        return copy;
    }

    /// <summary>The native decode, which must have been taken and succeeded.</summary>
    private static (float[] Luma, int Rows, int Columns) Native(byte[] data)
    {
        var native = ImageDecoder.NativeLuma(data, 100_000_000, NewArray);
        Assert.NotNull(native);
        Assert.Equal(DecodeFailure.None, native.Value.Failure);
        return (native.Value.Luma!, native.Value.Rows, native.Value.Columns);
    }

    /// <summary>Against luminance worked out here pixel by pixel from Skia's full decode, independently of the sampling code both paths share.</summary>
    private static void AssertSkiaLuma(byte[] data, (float[] Luma, int Rows, int Columns) native)
    {
        var full = ImageDecoder.Decode(data, 100_000_000).Image!;
        var (columns, rows) = PdqHasher.HashingSize(full.Width, full.Height);
        var expected = new float[columns * rows];
        for (var y = 0; y < rows; y++)
        {
            for (var x = 0; x < columns; x++)
            {
                var (r, g, b) = full.Rgb((int)((double)x * full.Width / columns), (int)((double)y * full.Height / rows));
                expected[(y * columns) + x] = full.IsGrey ? r : PdqHasher.Luma(r, g, b);
            }
        }

        Assert.Equal((rows, columns), (native.Rows, native.Columns));
        Assert.Equal(expected, native.Luma);
        Assert.Equal(expected, full.Luma(columns, rows));
    }

    /// <summary>Smooth gradients with noise, so every filter gets chosen and predicts imperfectly; alpha varies where kept.</summary>
    private static SKBitmap Photo(int width, int height, SKColorType colourType, SKAlphaType alphaType)
    {
        var bitmap = new SKBitmap(width, height, colourType, alphaType);
        var random = new Random((width * 31) + height);
        var pixels = bitmap.GetPixelSpan();
        var channels = colourType == SKColorType.Gray8 ? 1 : 4;
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var i = ((y * width) + x) * channels;
                pixels[i] = (byte)((x * 3) + random.Next(40));
                if (channels == 4)
                {
                    pixels[i + 1] = (byte)(y + random.Next(40));
                    pixels[i + 2] = (byte)((x ^ y) + random.Next(40));
                    pixels[i + 3] = alphaType == SKAlphaType.Opaque ? (byte)255 : (byte)(40 + random.Next(216));
                }
            }
        }

        return bitmap;
    }

    /// <summary>The file with a four-byte chunk of kind <paramref name="kind"/> (and a right CRC) after its header.</summary>
    private static byte[] WithChunkAfterHeader(byte[] png, string kind)
    {
        var chunk = new byte[16];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(chunk, 4);
        System.Text.Encoding.ASCII.GetBytes(kind).CopyTo(chunk, 4);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(12), Libdeflate.Crc32(chunk.AsSpan(4, 8)));
        return [.. png.AsSpan(0, 33), .. chunk, .. png.AsSpan(33)];
    }

    /// <summary>The same file with its header's interlace byte set (CRC recomputed), which the native path must decline.</summary>
    private static byte[] Interlaced(byte[] png)
    {
        var copy = (byte[])png.Clone();
        copy[28] = 1;
        var crc = Libdeflate.Crc32(copy.AsSpan(12, 17));
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(copy.AsSpan(29), crc);
        return copy;
    }
}
