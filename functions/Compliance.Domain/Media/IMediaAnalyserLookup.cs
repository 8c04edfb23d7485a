namespace Compliance.Media;

/// <summary>Hashes an image for a hash-bank lookup: its PDQ in all eight orientations.</summary>
public interface IImageLookupHasher
{
    /// <summary>Null when the bytes are not a decodable still image within the limits.</summary>
    Task<IReadOnlyList<string>?> DihedralHashesAsync(Stream image, CancellationToken cancellationToken);
}
