using Compliance.Detection.Hashing;
using Compliance.Detection.Imaging;

namespace Compliance.Detection.Tests;

/// <summary>Against hashes from Meta's C++ pdq-photo-hasher (tests/fixtures/pdq/README.md).</summary>
public sealed class PdqTests
{
    public static TheoryData<string, string, int> Reference()
    {
        var data = new TheoryData<string, string, int>();
        foreach (var row in Fixtures.Csv("pdq", "expected.csv"))
        {
            data.Add(row[0], row[1], int.Parse(row[2], System.Globalization.CultureInfo.InvariantCulture));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Reference))]
    public void Hashes_match_Meta_reference_output(string file, string expectedHex, int expectedQuality)
    {
        var result = Hash(file);

        // Bit-exact for PNG and JPEG alike: Skia's bundled libjpeg-turbo decodes as the reference's did.
        Assert.Equal(expectedHex, result.Hash.ToHex());
        Assert.Equal(expectedQuality, result.Quality);
    }

    [Theory]
    [MemberData(nameof(Reference))]
    public void Hashing_straight_from_the_file_matches_Meta_reference_output(string file, string expectedHex, int expectedQuality)
    {
        var result = PdqHasher.HashEncoded(Fixtures.Bytes("pdq", "images", file), 100_000_000)!;

        Assert.Equal(expectedHex, result.Hash.ToHex());
        Assert.Equal(expectedQuality, result.Quality);
    }

    /// <summary>
    /// Skia's row-skipping decode (taken where the native decoders decline a file) and the native
    /// decode against the full decode on sizes and formats the fixtures lack:
    /// large 4:2:0 JPEGs (whose chroma upsampling reads neighbouring rows), a progressive-free
    /// wide strip sampled into repeated rows, and an RGB PNG.
    /// </summary>
    [Theory]
    [InlineData("jpeg", 1500, 1100)]
    [InlineData("jpeg", 1023, 517)]
    [InlineData("jpeg", 900, 40)]
    [InlineData("png", 900, 613)]
    public void Luma_decoded_row_by_row_equals_the_full_decode(string format, int width, int height)
    {
        using var bitmap = new SkiaSharp.SKBitmap(width, height, SkiaSharp.SKColorType.Rgba8888, SkiaSharp.SKAlphaType.Opaque);
        var random = new Random(width + height);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                bitmap.SetPixel(x, y, new SkiaSharp.SKColor((byte)((x * 3) + random.Next(40)), (byte)(y + random.Next(40)), (byte)((x ^ y) + random.Next(40))));
            }
        }

        using var image = SkiaSharp.SKImage.FromBitmap(bitmap);
        using var encoded = image.Encode(format == "png" ? SkiaSharp.SKEncodedImageFormat.Png : SkiaSharp.SKEncodedImageFormat.Jpeg, 80);
        var data = encoded.ToArray();

        var full = ImageDecoder.Decode(data, 100_000_000).Image!;
        var (columns, rows) = PdqHasher.HashingSize(width, height);
        var (luma, lumaRows, lumaColumns, failure) = ImageDecoder.SkiaLuma(data, 100_000_000, length => new float[length]);

        Assert.Equal(DecodeFailure.None, failure);
        Assert.Equal((rows, columns), (lumaRows, lumaColumns));
        Assert.Equal(full.Luma(columns, rows), luma);
        Assert.Equal(luma, ImageDecoder.DecodeLuma(data, 100_000_000).Luma);
        Assert.Equal(PdqHasher.Hash(full), PdqHasher.HashEncoded(data, 100_000_000));
    }

    [Fact]
    public void Hashing_straight_from_the_file_refuses_what_the_full_decode_refuses()
    {
        var data = Fixtures.Bytes("pdq", "images", "retina.jpg");

        Assert.Equal(DecodeFailure.TooManyPixels, ImageDecoder.DecodeLuma(data, 1_000_000).Failure);
        Assert.Equal(DecodeFailure.DecodeFailed, ImageDecoder.DecodeLuma([0xFF, 0xD8, 0xFF, 0x00], 1_000_000).Failure);
        Assert.Null(PdqHasher.HashEncoded(data[..(data.Length / 10)], 100_000_000));
    }

    [Fact]
    public void The_eight_dihedral_hashes_match_the_reference()
    {
        var image = ImageDecoder.Decode(Fixtures.Bytes("pdq", "images", "camera.png"), 100_000_000).Image!;
        var dihedral = PdqHasher.HashDihedral(image);
        var expected = Fixtures.Csv("pdq", "expected-dihedral.csv").ToDictionary(r => r[1], r => r[2]);

        Assert.Equal(expected["orig"], dihedral.Original.ToHex());
        Assert.Equal(expected["rot90"], dihedral.Rotate90.ToHex());
        Assert.Equal(expected["rot180"], dihedral.Rotate180.ToHex());
        Assert.Equal(expected["rot270"], dihedral.Rotate270.ToHex());
        Assert.Equal(expected["flipx"], dihedral.FlipX.ToHex());
        Assert.Equal(expected["flipy"], dihedral.FlipY.ToHex());
        Assert.Equal(expected["flipp"], dihedral.FlipPlus1.ToHex());
        Assert.Equal(expected["flipm"], dihedral.FlipMinus1.ToHex());
    }

    [Fact]
    public void Hex_round_trips_and_distance_counts_differing_bits()
    {
        Assert.True(PdqHash.TryParse("dc9c9d3b746978f888f40ce6e5c3f70f7266623e8d989cb99f21f2010841e1c7", out var a));
        Assert.Equal("dc9c9d3b746978f888f40ce6e5c3f70f7266623e8d989cb99f21f2010841e1c7", a.ToHex());
        Assert.True(PdqHash.TryParse("dc9c9d3b746978f888f40ce6e5c3f70f7266623e8d989cb99f21f2010841e1c6", out var b));
        Assert.Equal(1, a.DistanceTo(b));
        Assert.True(b[0] == false && a[0]);
        Assert.False(PdqHash.TryParse("xyz", out _));
        Assert.False(PdqHash.TryParse(new string('g', 64), out _));
    }

    [Fact]
    public void Images_too_small_to_hash_get_quality_zero()
    {
        var result = PdqHasher.Hash(new float[16], 4, 4);

        Assert.Equal(0, result.Quality);
        Assert.Equal(new string('0', 64), result.Hash.ToHex());
    }

    private static PdqResult Hash(string file)
    {
        var image = ImageDecoder.Decode(Fixtures.Bytes("pdq", "images", file), 100_000_000).Image!;
        return PdqHasher.Hash(image);
    }
}
