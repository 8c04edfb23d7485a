using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Compliance.Detection.Provenance;
using Compliance.Media;

namespace Compliance.Detection.Tests;

/// <summary>Hostile metadata generated at run time, through the provenance parser the analyser runs on every PNG.</summary>
public sealed class HostileMediaTests
{
    [Fact]
    public void A_chunk_length_that_overflows_the_offset_arithmetic_stops_the_walk_instead_of_throwing()
    {
        var png = ProvenanceTests.Png(("tEXt", "x"u8.ToArray()));
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(8), int.MaxValue - 4); // 8 + 12 + length wraps negative

        var finding = ProvenanceInspector.Inspect(png, MediaKind.Png);

        Assert.False(finding.AiDeclared);
        Assert.Empty(finding.Evidence);
    }

    [Fact]
    public void A_compressed_XMP_packet_that_inflates_beyond_the_limit_is_refused_as_too_large()
    {
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            zlib.Write(new byte[64 * 1024 * 1024]); // 64 MiB of zeros compresses to ~64 KiB
        }

        var png = ProvenanceTests.Png(("iTXt", [.. "XML:com.adobe.xmp\0"u8, 1, 0, 0, 0, .. compressed.ToArray()]));

        var defect = Assert.Throws<MediaDefectException>(() => ProvenanceInspector.Inspect(png, MediaKind.Png));
        Assert.Equal(RejectionReason.MetadataTooLarge, defect.Reason);
        Assert.Equal($"a compressed XMP packet inflates beyond {ProvenanceInspector.MaxXmpBytes} bytes", defect.Message);
    }

    [Fact]
    public void A_giant_uncompressed_XMP_packet_is_refused_as_too_large()
    {
        var xmp = Encoding.UTF8.GetBytes(new string(' ', ProvenanceInspector.MaxXmpBytes + 1));
        var png = ProvenanceTests.Png(("iTXt", [.. "XML:com.adobe.xmp\0"u8, 0, 0, 0, 0, .. xmp]));

        var defect = Assert.Throws<MediaDefectException>(() => ProvenanceInspector.Inspect(png, MediaKind.Png));
        Assert.Equal(RejectionReason.MetadataTooLarge, defect.Reason);
    }

    [Fact]
    public async Task XMP_crafted_to_backtrack_is_matched_in_linear_time_and_still_read()
    {
        // 500,000 spaces after DigitalSourceType=" with no type: the backtracking pattern tried every
        // split of the two \s* runs (~10^11 steps); the non-backtracking one reads it once.
        var hostile = "<x:xmpmeta Iptc4xmpExt:DigitalSourceType=\"" + new string(' ', 500_000) + "\"/>"
            + "<x:xmpmeta Iptc4xmpExt:DigitalSourceType=\"http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia\"/>";
        var png = ProvenanceTests.Png(("iTXt", [.. "XML:com.adobe.xmp\0"u8, 0, 0, 0, 0, .. Encoding.UTF8.GetBytes(hostile)]));

        var inspection = Task.Run(() => ProvenanceInspector.Inspect(png, MediaKind.Png), TestContext.Current.CancellationToken);

        var finding = await inspection.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        Assert.Equal("trainedAlgorithmicMedia", finding.DigitalSourceType);
        Assert.True(finding.AiDeclared);
    }
}
