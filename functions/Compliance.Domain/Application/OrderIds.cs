using System.Security.Cryptography;
using System.Text;

namespace Compliance.Application;

internal static class OrderIds
{
    /// <summary>
    /// An order issued under an idempotency key gets an id derived from the caller and the key, so a
    /// retry that races a crash lands on the same order instead of issuing a second one.
    /// </summary>
    public static string For(string? requestKey) =>
        requestKey is null ? "ord-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)) : DerivedIds.From("ord-", requestKey);

    public static bool LooksValid(string orderId) =>
        orderId.Length == 28 && orderId.StartsWith("ord-", StringComparison.Ordinal) && orderId[4..].All(char.IsAsciiHexDigitLower);
}

/// <summary>Ids derived from what names the request (its caller-scoped key), so a retry lands on the same record.</summary>
internal static class DerivedIds
{
    /// <summary><paramref name="prefix"/> and 24 hex digits of the SHA-256 of <paramref name="seed"/>.</summary>
    public static string From(string prefix, string seed) => prefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(seed))[..12]);
}
