using System.Security.Cryptography;
using System.Text;
using Compliance.Cases;

namespace Compliance.Infrastructure.Cases;

/// <summary>Cases:Key: a base64 key of 32 bytes (a Key Vault reference in Azure).</summary>
public sealed class CaseOptions
{
    public const string Section = "Cases";

    /// <summary>The key everyone can read in local.settings.json: for development only.</summary>
    public const string DevelopmentKey = "Y29tcGxpYW5jZS1kZXYtY2FzZS1rZXktMzItYnl0ZXM=";

    public string? Key { get; set; }

    /// <summary>Status checks one client address may make per hour: bounds guessing of access codes.</summary>
    public int StatusChecksPerHour { get; set; } = 60;

    /// <summary>Refuses the public development key where real victims' data would be protected by it.</summary>
    public void RefuseDevelopmentKeyOutsideDevelopment(string? siteName, string? environment)
    {
        if (ProductionHost.Is(siteName, environment) && Key == DevelopmentKey)
        {
            throw new InvalidOperationException("Cases:Key is the public development key; it is refused in production. Configure a Key Vault reference instead.");
        }
    }
}

/// <summary>
/// Access codes are an HMAC of the case id, so they are never stored and a retried request gets
/// its code again; personal data is AES-256-GCM with the case id as associated data, so a
/// ciphertext copied onto another case does not decrypt. Both keys are derived (HKDF) from
/// Cases:Key, one per purpose.
/// </summary>
public sealed class CaseSecrets : ICaseSecrets
{
    private const int NonceBytes = 12;
    private const int TagBytes = 16;

    // Crockford's base32 without look-alikes: a victim may read the code out over the phone.
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    private const int CodeCharacters = 20;

    private readonly byte[] _codeKey;
    private readonly byte[] _dataKey;
    private readonly byte[] _fingerprintKey;

    public CaseSecrets(CaseOptions options)
    {
        var master = options.Key is { Length: > 0 } key ? Convert.FromBase64String(key) : throw new InvalidOperationException("Cases:Key is not configured.");
        if (master.Length != 32)
        {
            throw new InvalidOperationException("Cases:Key must be 32 bytes, base64-encoded.");
        }

        _codeKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, master, 32, info: "compliance case access code"u8.ToArray());
        _dataKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, master, 32, info: "compliance case personal data"u8.ToArray());
        _fingerprintKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, master, 32, info: "compliance case request fingerprint"u8.ToArray());
    }

    public string Fingerprint(string canonicalRequest) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(_fingerprintKey, Encoding.UTF8.GetBytes(canonicalRequest)));

    public string AccessCode(string caseId)
    {
        var mac = HMACSHA256.HashData(_codeKey, Encoding.UTF8.GetBytes(caseId));
        var code = new StringBuilder(CodeCharacters + CodeCharacters / 5);
        for (var i = 0; i < CodeCharacters; i++)
        {
            if (i > 0 && i % 5 == 0)
            {
                code.Append('-');
            }

            // 5 bits per character from the MAC's bits, in order: 100 bits in all.
            var bit = i * 5;
            var value = ((mac[bit / 8] << 8) | mac[(bit / 8) + 1]) >> (11 - (bit % 8)) & 31;
            code.Append(Alphabet[value]);
        }

        return code.ToString();
    }

    public bool IsAccessCode(string caseId, string? presented)
    {
        if (presented is null || presented.Length > 64)
        {
            return false;
        }

        var normalised = presented.Trim().ToUpperInvariant().Replace("-", string.Empty, StringComparison.Ordinal).Replace(" ", string.Empty, StringComparison.Ordinal);
        var expected = AccessCode(caseId).Replace("-", string.Empty, StringComparison.Ordinal);
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(normalised), Encoding.ASCII.GetBytes(expected));
    }

    public string Protect(string caseId, string plaintext)
    {
        var data = Encoding.UTF8.GetBytes(plaintext);
        var sealedBytes = new byte[NonceBytes + data.Length + TagBytes];
        var nonce = sealedBytes.AsSpan(0, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_dataKey, TagBytes);
        aes.Encrypt(nonce, data, sealedBytes.AsSpan(NonceBytes, data.Length), sealedBytes.AsSpan(NonceBytes + data.Length), Encoding.UTF8.GetBytes(caseId));
        return "v1." + Convert.ToBase64String(sealedBytes);
    }

    public string Unprotect(string caseId, string protectedText)
    {
        if (!protectedText.StartsWith("v1.", StringComparison.Ordinal))
        {
            throw new CryptographicException("Unknown protection format.");
        }

        var sealedBytes = Convert.FromBase64String(protectedText[3..]);
        var length = sealedBytes.Length - NonceBytes - TagBytes;
        var data = new byte[length];
        using var aes = new AesGcm(_dataKey, TagBytes);
        aes.Decrypt(sealedBytes.AsSpan(0, NonceBytes), sealedBytes.AsSpan(NonceBytes, length), sealedBytes.AsSpan(NonceBytes + length), data, Encoding.UTF8.GetBytes(caseId));
        return Encoding.UTF8.GetString(data);
    }
}
