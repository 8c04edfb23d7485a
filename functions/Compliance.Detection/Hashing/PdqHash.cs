using System.Globalization;
using System.Numerics;

namespace Compliance.Detection.Hashing;

/// <summary>
/// A 256-bit PDQ hash. Bit k (0..255) is DCT coefficient (k / 16, k % 16); the hex form prints the
/// sixteen 16-bit words from the last to the first, most significant first, as Meta's tools do.
/// </summary>
public readonly record struct PdqHash(ulong W0, ulong W1, ulong W2, ulong W3)
{
    public const int Bits = 256;

    public static PdqHash FromBits(ReadOnlySpan<bool> bits)
    {
        Span<ulong> words = stackalloc ulong[4];
        for (var k = 0; k < Bits; k++)
        {
            if (bits[k])
            {
                words[k >> 6] |= 1UL << (k & 63);
            }
        }

        return new PdqHash(words[0], words[1], words[2], words[3]);
    }

    public bool this[int bit] => ((bit >> 6) switch { 0 => W0, 1 => W1, 2 => W2, _ => W3 } >> (bit & 63) & 1) == 1;

    public int DistanceTo(PdqHash other) =>
        BitOperations.PopCount(W0 ^ other.W0) + BitOperations.PopCount(W1 ^ other.W1)
        + BitOperations.PopCount(W2 ^ other.W2) + BitOperations.PopCount(W3 ^ other.W3);

    /// <summary>The 16-bit word <paramref name="index"/> (0..15): bits 16·index .. 16·index+15.</summary>
    public ushort Word(int index) => (ushort)((index >> 2) switch { 0 => W0, 1 => W1, 2 => W2, _ => W3 } >> ((index & 3) * 16));

    public string ToHex()
    {
        Span<byte> bytes = stackalloc byte[32];
        for (var word = 15; word >= 0; word--)
        {
            var value = Word(word);
            bytes[(15 - word) * 2] = (byte)(value >> 8);
            bytes[((15 - word) * 2) + 1] = (byte)value;
        }

        return Convert.ToHexStringLower(bytes);
    }

    public override string ToString() => ToHex();

    public static bool TryParse(string? hex, out PdqHash hash)
    {
        hash = default;
        if (hex is not { Length: 64 } || !hex.All(char.IsAsciiHexDigit))
        {
            return false;
        }

        Span<ulong> words = stackalloc ulong[4];
        for (var word = 15; word >= 0; word--)
        {
            var value = ulong.Parse(hex.AsSpan((15 - word) * 4, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            words[word >> 2] |= value << ((word & 3) * 16);
        }

        hash = new PdqHash(words[0], words[1], words[2], words[3]);
        return true;
    }
}
