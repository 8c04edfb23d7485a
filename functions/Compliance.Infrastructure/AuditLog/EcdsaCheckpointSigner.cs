using System.Security.Cryptography;

namespace Compliance.Infrastructure.AuditLog;

/// <summary>
/// The checkpoint key: in Azure Audit:SigningKeyUri, a Key Vault key that signs inside the vault
/// (with Audit:ClientId, the identity asking); locally Audit:SigningKey, a PKCS#8 PEM of a P-256 key.
/// </summary>
public sealed class AuditOptions
{
    public const string Section = "Audit";

    /// <summary>The development key in local.settings.json: public, so refused in production.</summary>
    public const string DevelopmentKeyId = "5ff50340a1b1ff2b";

    /// <summary>The public half of the development key, for verifying a local log.</summary>
    public const string DevelopmentPublicKeyPem = """
        -----BEGIN PUBLIC KEY-----
        MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEq1m9rYIlepX33F3+bH0fQUpguJRX
        1mREs68Hocfn4LpsyJ7rkACeBqs2Cv8kX0x06NKpu95ZTZ+216q7wG9dCA==
        -----END PUBLIC KEY-----
        """;

    public string? SigningKey { get; set; }

    public Uri? SigningKeyUri { get; set; }

    public string? ClientId { get; set; }

    /// <summary>Public keys (PEM) that signed earlier checkpoints, kept trusted after a rotation.</summary>
    public List<string> FormerPublicKeys { get; set; } = [];

    public void RefuseDevelopmentKeyOutsideDevelopment(string? siteName, string? environment, string keyId)
    {
        if (ProductionHost.Is(siteName, environment) && keyId == DevelopmentKeyId)
        {
            throw new InvalidOperationException("Audit:SigningKey is the public development key; it is refused in production. Configure a Key Vault reference instead.");
        }
    }
}

/// <summary>
/// ECDSA P-256 over SHA-256, signatures in IEEE P1363 form (r‖s, 64 bytes); the key id is the first
/// 16 hex digits of the SHA-256 of the public key, so a verifier can tell which key signed.
/// </summary>
public sealed class EcdsaCheckpointSigner : Compliance.AuditLog.ICheckpointSigner, IDisposable
{
    private readonly ECDsa _key;
    private readonly bool _canSign;

    private EcdsaCheckpointSigner(ECDsa key, bool canSign)
    {
        _key = key;
        _canSign = canSign;
        var publicKey = key.ExportSubjectPublicKeyInfo();
        PublicKeyPem = PemEncoding.WriteString("PUBLIC KEY", publicKey);
        KeyId = Convert.ToHexStringLower(SHA256.HashData(publicKey))[..16];
    }

    public string KeyId { get; }

    public string PublicKeyPem { get; }

    public static EcdsaCheckpointSigner FromPrivateKeyPem(string pem)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
            var parameters = key.ExportParameters(includePrivateParameters: true);
            if (parameters.Curve.Oid.Value != "1.2.840.10045.3.1.7")
            {
                throw new CryptographicException("not a P-256 key");
            }
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            key.Dispose();
            throw new InvalidOperationException("Audit:SigningKey must be the PKCS#8 PEM of a P-256 private key (in Azure: a Key Vault reference that resolved).", e);
        }

        return new EcdsaCheckpointSigner(key, canSign: true);
    }

    /// <summary>For verifying only, with a published public key.</summary>
    public static EcdsaCheckpointSigner FromPublicKeyPem(string pem)
    {
        var key = ECDsa.Create();
        key.ImportFromPem(pem);
        return new EcdsaCheckpointSigner(key, canSign: false);
    }

    public byte[] Sign(byte[] body) =>
        _canSign ? _key.SignData(body, HashAlgorithmName.SHA256) : throw new InvalidOperationException("This signer holds only a public key.");

    public bool Verify(byte[] body, byte[] signature) => _key.VerifyData(body, signature, HashAlgorithmName.SHA256);

    public void Dispose() => _key.Dispose();
}
