using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Compliance.Infrastructure.AuditLog;

/// <summary>
/// Signs checkpoints with a Key Vault key (EC P-256, ES256) whose private half never leaves the
/// vault: the app may ask the vault to sign a digest, and no one (not the app, not an operator with
/// the app's settings) can read the key or sign with it elsewhere. Verification uses the public key,
/// read once from the vault. Written on Azure.Core's pipeline (retries, managed-identity tokens)
/// because Azure.Security.KeyVault.Keys is not in the package registry this project builds from;
/// the two REST calls are Key Vault's documented "get key" and "sign" of api-version 7.4.
/// </summary>
public sealed class KeyVaultCheckpointSigner : Compliance.AuditLog.ICheckpointSigner, IDisposable
{
    private const string ApiVersion = "api-version=7.4";
    private readonly HttpPipeline _pipeline;
    private readonly Uri _keyUri;
    private readonly EcdsaCheckpointSigner _publicKey;

    /// <param name="keyUri">The key's URI with its version, so every checkpoint names one fixed key.</param>
    public KeyVaultCheckpointSigner(Uri keyUri, TokenCredential credential, HttpPipelineTransport? transport = null)
    {
        var options = new VaultClientOptions();
        if (transport is not null)
        {
            options.Transport = transport;
        }

        _pipeline = HttpPipelineBuilder.Build(options, new BearerTokenAuthenticationPolicy(credential, "https://vault.azure.net/.default"));
        _keyUri = keyUri;
        var key = Send(RequestMethod.Get, new Uri($"{keyUri.AbsoluteUri.TrimEnd('/')}?{ApiVersion}"), null)["key"]
            ?? throw new InvalidOperationException("Key Vault returned no key.");
        if ((string?)key["kty"] is not ("EC" or "EC-HSM") || (string?)key["crv"] != "P-256")
        {
            throw new InvalidOperationException("Audit:SigningKeyUri must name an EC P-256 key.");
        }

        using var ecdsa = ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = Coordinate((string?)key["x"]), Y = Coordinate((string?)key["y"]) },
        });
        _publicKey = EcdsaCheckpointSigner.FromPublicKeyPem(PemEncoding.WriteString("PUBLIC KEY", ecdsa.ExportSubjectPublicKeyInfo()));
    }

    public string KeyId => _publicKey.KeyId;

    public string PublicKeyPem => _publicKey.PublicKeyPem;

    /// <summary>ES256 over the body's SHA-256; the vault answers r‖s, the same P1363 form the local signer writes.</summary>
    public byte[] Sign(byte[] body)
    {
        var request = new JsonObject { ["alg"] = "ES256", ["value"] = Base64Url(SHA256.HashData(body)) };
        var signature = Base64Url((string?)Send(RequestMethod.Post, new Uri($"{_keyUri.AbsoluteUri.TrimEnd('/')}/sign?{ApiVersion}"), request)["value"]);
        return signature.Length == 64 && _publicKey.Verify(body, signature)
            ? signature
            : throw new InvalidOperationException("Key Vault's signature does not verify with the key's public half.");
    }

    public bool Verify(byte[] body, byte[] signature) => _publicKey.Verify(body, signature);

    public void Dispose() => _publicKey.Dispose();

    private JsonNode Send(RequestMethod method, Uri uri, JsonNode? body)
    {
        using var message = _pipeline.CreateMessage();
        message.Request.Method = method;
        message.Request.Uri.Reset(uri);
        message.Request.Headers.Add("Accept", "application/json");
        if (body is not null)
        {
            message.Request.Headers.Add("Content-Type", "application/json");
            message.Request.Content = RequestContent.Create(BinaryData.FromString(body.ToJsonString()));
        }

        _pipeline.Send(message, CancellationToken.None);
        var response = message.Response;
        if (response.IsError)
        {
            throw new InvalidOperationException($"Key Vault answered {response.Status} to {method} on the audit signing key.");
        }

        return JsonNode.Parse(response.Content.ToStream()) ?? throw new JsonException("Key Vault returned an empty body.");
    }

    /// <summary>A P-256 coordinate as exactly 32 bytes: a JWK may drop leading zeros or carry a sign byte.</summary>
    private static byte[] Coordinate(string? text)
    {
        var bytes = Base64Url(text);
        var significant = bytes.AsSpan().TrimStart((byte)0);
        if (significant.Length > 32)
        {
            throw new InvalidOperationException("Audit:SigningKeyUri must name an EC P-256 key.");
        }

        var coordinate = new byte[32];
        significant.CopyTo(coordinate.AsSpan(32 - significant.Length));
        return coordinate;
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] Base64Url(string? text)
    {
        var padded = (text ?? throw new InvalidOperationException("Key Vault returned no value.")).Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(padded.PadRight(padded.Length + ((4 - (padded.Length % 4)) % 4), '='));
    }

    private sealed class VaultClientOptions : ClientOptions;
}
