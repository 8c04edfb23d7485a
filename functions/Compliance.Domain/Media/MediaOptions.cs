namespace Compliance.Media;

public sealed class MediaOptions
{
    public const string Section = "Media";

    public long MaxBytes { get; set; } = 50L * 1024 * 1024;

    public long MaxPixels { get; set; } = 40_000_000;

    /// <summary>Pixel limit for an image sent to the hash-bank lookup: an upload filter's query, not evidence, so smaller.</summary>
    public long MaxLookupPixels { get; set; } = 16_000_000;

    public TimeSpan UploadUrlLifetime { get; set; } = TimeSpan.FromMinutes(15);

    public int MatchDistance { get; set; } = 31;

    /// <summary>Hashes below this PDQ quality are not banked: flat and black frames would match everything.</summary>
    public int MinBankQuality { get; set; } = 50;

    /// <summary>A lookup answers with at most this many banked items, closest first.</summary>
    public int MaxMatches { get; set; } = 20;

    public double MaxVideoSeconds { get; set; } = 600;

    public int MaxVideoFrames { get; set; } = 120;
}
