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
