using System.Buffers.Binary;
using System.Text;
using Compliance.Detection.Provenance;
using Compliance.Media;

namespace Compliance.Detection.Tests;

public sealed class ProvenanceTests
{
    private const string GeneratedXmp = """<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/" Iptc4xmpExt:DigitalSourceType="http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"/></rdf:RDF></x:xmpmeta>""";

    [Fact]
    public void A_jpeg_with_a_c2pa_manifest_store_is_declared_ai()
    {
        var jpeg = Jpeg((0xEB, [.. "JP"u8, 0, 1, 0, 0, 0, 1, .. "\0\0\0\x1Ajumb\0\0\0\x12jumdc2pa"u8]));

        var finding = ProvenanceInspector.Inspect(jpeg, MediaKind.Jpeg);

        Assert.True(finding.AiDeclared);
        Assert.True(finding.C2paManifest);
        Assert.Contains("c2pa", Assert.Single(finding.Evidence), StringComparison.Ordinal);
    }

    [Fact]
    public void A_jpeg_whose_xmp_declares_trained_algorithmic_media_is_declared_ai()
    {
        var jpeg = Jpeg((0xE1, [.. "http://ns.adobe.com/xap/1.0/\0"u8, .. Encoding.UTF8.GetBytes(GeneratedXmp)]));

        var finding = ProvenanceInspector.Inspect(jpeg, MediaKind.Jpeg);

        Assert.True(finding.AiDeclared);
        Assert.False(finding.C2paManifest);
        Assert.Equal("trainedAlgorithmicMedia", finding.DigitalSourceType);
    }

    [Fact]
    public void A_png_with_a_caBX_chunk_or_generated_xmp_is_declared_ai_and_a_camera_photo_is_not()
    {
        Assert.True(ProvenanceInspector.Inspect(Png(("caBX", "jumb c2pa"u8.ToArray())), MediaKind.Png).C2paManifest);
        var xmp = Png(("iTXt", [.. "XML:com.adobe.xmp\0\0\0\0\0"u8, .. Encoding.UTF8.GetBytes(GeneratedXmp.Replace("trainedAlgorithmicMedia", "compositeSynthetic", StringComparison.Ordinal))]));
        var finding = ProvenanceInspector.Inspect(xmp, MediaKind.Png);
        Assert.True(finding.AiDeclared);
        Assert.Equal("compositeSynthetic", finding.DigitalSourceType);

        var photo = ProvenanceInspector.Inspect(Png(("iTXt", [.. "XML:com.adobe.xmp\0\0\0\0\0"u8, .. Encoding.UTF8.GetBytes(GeneratedXmp.Replace("trainedAlgorithmicMedia", "digitalCapture", StringComparison.Ordinal))])), MediaKind.Png);
        Assert.False(photo.AiDeclared);
        Assert.Equal("digitalCapture", photo.DigitalSourceType);
        Assert.False(ProvenanceInspector.Inspect(Fixtures.Bytes("pdq", "images", "coffee.png"), MediaKind.Png).AiDeclared);
    }

    internal static byte[] Jpeg(params (byte Marker, byte[] Payload)[] segments)
    {
        var bytes = new List<byte> { 0xFF, 0xD8 };
        foreach (var (marker, payload) in segments)
        {
            bytes.AddRange([0xFF, marker, (byte)((payload.Length + 2) >> 8), (byte)(payload.Length + 2)]);
            bytes.AddRange(payload);
        }

        bytes.AddRange([0xFF, 0xD9]);
        return [.. bytes];
    }

    internal static byte[] Png(params (string Type, byte[] Payload)[] chunks)
    {
        var bytes = new List<byte>([0x89, .. "PNG\r\n\x1A\n"u8]);
        foreach (var (type, payload) in chunks.Append(("IEND", [])))
        {
            var length = new byte[4];
            BinaryPrimitives.WriteInt32BigEndian(length, payload.Length);
            bytes.AddRange(length);
            var typed = Encoding.ASCII.GetBytes(type).Concat(payload).ToArray();
            bytes.AddRange(typed);
            bytes.AddRange(new byte[4]); // CRC: not checked by the inspector, which reads chunks, not pixels
        }

        return [.. bytes];
    }
}
