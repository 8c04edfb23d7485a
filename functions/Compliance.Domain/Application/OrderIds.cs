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
        "ord-" + Convert.ToHexStringLower(requestKey is null
            ? RandomNumberGenerator.GetBytes(12)
            : SHA256.HashData(Encoding.UTF8.GetBytes(requestKey))[..12]);

    public static bool LooksValid(string orderId) =>
        orderId.Length == 28 && orderId.StartsWith("ord-", StringComparison.Ordinal) && orderId[4..].All(char.IsAsciiHexDigitLower);
}
