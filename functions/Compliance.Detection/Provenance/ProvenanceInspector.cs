using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using Compliance.Media;

namespace Compliance.Detection.Provenance;

/// <summary>
/// Looks for declared AI generation, as Korea's AI Basic Act and the EU AI Act require it to be
/// labelled: a C2PA manifest store (JPEG APP11 JUMBF boxes labelled c2pa, PNG caBX chunk) and the
/// IPTC digital source type in XMP. Declared, not detected: absence proves nothing.
/// </summary>
public static partial class ProvenanceInspector
{
    /// <summary>XMP packets are a few KiB; 1 MiB is far beyond any genuine one.</summary>
    public const int MaxXmpBytes = 1024 * 1024;

    private static readonly string[] GeneratedSourceTypes = ["trainedAlgorithmicMedia", "compositeSynthetic"];

    public static ProvenanceFinding Inspect(byte[] data, MediaKind kind)
    {
        var evidence = new List<string>();
        var c2pa = false;
        var xmp = new List<string>();
        if (kind == MediaKind.Jpeg)
        {
            foreach (var (marker, payload) in JpegSegments(data))
            {
                if (marker == 0xEB && Contains(payload, "jumb"u8) && Contains(payload, "c2pa"u8))
                {
                    c2pa = true;
                    evidence.Add("JPEG APP11 JUMBF box labelled c2pa (C2PA manifest store)");
                }
                else if (marker == 0xE1 && payload.AsSpan().StartsWith("http://ns.adobe.com/xap/1.0/\0"u8))
                {
                    xmp.Add(Encoding.UTF8.GetString(payload, 29, payload.Length - 29));
                }
            }
        }
        else if (kind == MediaKind.Png)
        {
            foreach (var (type, payload) in PngChunks(data))
            {
                if (type == "caBX")
                {
                    c2pa = true;
                    evidence.Add("PNG caBX chunk (C2PA manifest store)");
                }
                else if (type is "iTXt" && PngXmp(payload) is { } text)
                {
                    xmp.Add(text);
                }
            }
        }

        string? sourceType = null;
        foreach (var packet in xmp)
        {
            var match = DigitalSourceType().Match(packet);
            if (match.Success)
            {
                sourceType = match.Groups["type"].Value;
                evidence.Add($"XMP Iptc4xmpExt:DigitalSourceType = {sourceType}");
            }
        }

        var generated = sourceType is not null && GeneratedSourceTypes.Contains(sourceType, StringComparer.Ordinal);
        return new ProvenanceFinding(c2pa || generated, c2pa, sourceType, evidence);
    }

    private static IEnumerable<(byte Marker, byte[] Payload)> JpegSegments(byte[] data)
    {
        var i = 2;
        while (i + 4 <= data.Length && data[i] == 0xFF)
        {
            var marker = data[i + 1];
            if (marker is 0xDA or 0xD9)
            {
                yield break; // image data follows; metadata segments come before it
            }

            var length = BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(i + 2));
            if (length < 2 || length > data.Length - i - 2)
            {
                yield break;
            }

            yield return (marker, data.AsSpan(i + 4, length - 2).ToArray());
            i += 2 + length;
        }
    }

    private static IEnumerable<(string Type, byte[] Payload)> PngChunks(byte[] data)
    {
        var i = 8;
        while (i + 12 <= data.Length)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(data.AsSpan(i));
            // Checked against what remains: i + 12 + length overflows int for a crafted length.
            if (length < 0 || length > data.Length - i - 12)
            {
                yield break;
            }

            var type = Encoding.ASCII.GetString(data, i + 4, 4);
            yield return (type, data.AsSpan(i + 8, length).ToArray());
            if (type == "IEND")
            {
                yield break;
            }

            i += 12 + length;
        }
    }

    /// <summary>The XMP packet of an iTXt chunk keyed XML:com.adobe.xmp, inflated if compressed.</summary>
    private static string? PngXmp(byte[] payload)
    {
        var keyword = "XML:com.adobe.xmp\0"u8;
        if (!payload.AsSpan().StartsWith(keyword) || payload.Length < keyword.Length + 2)
        {
            return null;
        }

        var compressed = payload[keyword.Length] == 1;
        var i = keyword.Length + 2;
        for (var nul = 0; nul < 2 && i < payload.Length; i++)
        {
            if (payload[i] == 0)
            {
                nul++; // skip the language tag and the translated keyword
            }
        }

        var text = payload.AsSpan(i).ToArray();
        if (text.Length > MaxXmpBytes)
        {
            throw new MediaDefectException(RejectionReason.MetadataTooLarge, $"an XMP packet of {text.Length} bytes exceeds the {MaxXmpBytes}-byte limit");
        }

        if (compressed)
        {
            // Bounded: a few KiB of zlib can inflate to gigabytes.
            using var inflated = new MemoryStream();
            using (var zlib = new ZLibStream(new MemoryStream(text), CompressionMode.Decompress))
            {
                var buffer = new byte[16384];
                int read;
                while ((read = zlib.Read(buffer)) > 0)
                {
                    if (inflated.Length + read > MaxXmpBytes)
                    {
                        throw new MediaDefectException(RejectionReason.MetadataTooLarge, $"a compressed XMP packet inflates beyond {MaxXmpBytes} bytes");
                    }

                    inflated.Write(buffer, 0, read);
                }
            }

            text = inflated.ToArray();
        }

        return Encoding.UTF8.GetString(text);
    }

    private static bool Contains(byte[] haystack, ReadOnlySpan<byte> needle) => haystack.AsSpan().IndexOf(needle) >= 0;

    // NonBacktracking: linear in the packet's length whatever it holds (the \s* runs could backtrack quadratically).
    // Element, attribute or rdf:resource form: <X:DigitalSourceType>uri<, X:DigitalSourceType="uri", X:DigitalSourceType rdf:resource="uri".
    [GeneratedRegex("DigitalSourceType(?:\\s+rdf:resource=\"|=\"|>)\\s*(?:<rdf:li[^>]*>)?\\s*(?:https?://cv\\.iptc\\.org/newscodes/digitalsourcetype/)?(?<type>[A-Za-z]+)", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking, matchTimeoutMilliseconds: 2000)]
    private static partial Regex DigitalSourceType();
}
