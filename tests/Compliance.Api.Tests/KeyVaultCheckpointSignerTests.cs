using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Core;
using Azure.Core.Pipeline;
using Compliance.Infrastructure.AuditLog;

namespace Compliance.Api.Tests;

/// <summary>
/// The Key Vault signer against a stand-in for Key Vault's REST API (no vault is reachable from
/// here) that holds a real P-256 key and signs as the vault does: r‖s over the digest it is sent.
/// </summary>
public sealed class KeyVaultCheckpointSignerTests
{
    private static readonly Uri KeyUri = new("https://compliance-kv.vault.azure.net/keys/audit-signing-key/0123456789abcdef");

    [Fact]
    public void Checkpoints_are_signed_in_the_vault_and_verify_with_the_key_s_public_half()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var vault = new Vault(key);
        using var signer = new KeyVaultCheckpointSigner(KeyUri, new FixedToken(), new HttpClientTransport(vault));
        var body = Encoding.UTF8.GetBytes("compliance-checkpoint\n5\nroot\n2026-12-07T02:00:00Z\n");

        var signature = signer.Sign(body);

        using var published = EcdsaCheckpointSigner.FromPublicKeyPem(PemEncoding.WriteString("PUBLIC KEY", key.ExportSubjectPublicKeyInfo()));
        Assert.Equal(published.KeyId, signer.KeyId);
        Assert.True(published.Verify(body, signature));
        Assert.False(published.Verify([.. body, 0], signature));
        Assert.Equal(["GET /keys/audit-signing-key/0123456789abcdef?api-version=7.4", "POST /keys/audit-signing-key/0123456789abcdef/sign?api-version=7.4"], vault.Requests);
        Assert.All(vault.Authorizations, a => Assert.Equal("Bearer vault-token", a));
        Assert.Equal("ES256", vault.LastAlgorithm);
        Assert.Equal(SHA256.HashData(body), vault.LastDigest);
    }

    [Fact]
    public void A_signature_that_does_not_verify_is_refused_rather_than_archived()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var signer = new KeyVaultCheckpointSigner(KeyUri, new FixedToken(), new HttpClientTransport(new Vault(key, signingKey: other)));

        var refused = Assert.Throws<InvalidOperationException>(() => signer.Sign([1, 2, 3]));

        Assert.Equal("Key Vault's signature does not verify with the key's public half.", refused.Message);
    }

    [Fact]
    public void A_key_that_is_not_EC_P256_is_refused()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP384);

        var refused = Assert.Throws<InvalidOperationException>(() => new KeyVaultCheckpointSigner(KeyUri, new FixedToken(), new HttpClientTransport(new Vault(key, curve: "P-384"))));

        Assert.Equal("Audit:SigningKeyUri must name an EC P-256 key.", refused.Message);
    }

    private sealed class FixedToken : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            requestContext.Scopes.SequenceEqual(["https://vault.azure.net/.default"]) ? new("vault-token", DateTimeOffset.UtcNow.AddHours(1)) : throw new InvalidOperationException("wrong scope");

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) => new(GetToken(requestContext, cancellationToken));
    }

    /// <summary>Key Vault's "get key" and "sign" (api-version 7.4) over an in-process key.</summary>
    private sealed class Vault(ECDsa key, ECDsa? signingKey = null, string curve = "P-256") : HttpMessageHandler
    {
        public List<string> Requests { get; } = [];

        public List<string?> Authorizations { get; } = [];

        public string? LastAlgorithm { get; private set; }

        public byte[]? LastDigest { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) => Task.FromResult(Send(request, cancellationToken));

        protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add($"{request.Method} {request.RequestUri!.PathAndQuery}");
            Authorizations.Add(request.Headers.Authorization?.ToString());
            JsonObject answer;
            if (request.Method == HttpMethod.Get)
            {
                var q = key.ExportParameters(false).Q;
                answer = new JsonObject { ["key"] = new JsonObject { ["kid"] = KeyUri.AbsoluteUri, ["kty"] = "EC", ["crv"] = curve, ["x"] = B64(q.X!), ["y"] = B64(q.Y!) } };
            }
            else
            {
                var body = JsonNode.Parse(request.Content!.ReadAsStream(cancellationToken))!;
                LastAlgorithm = (string?)body["alg"];
                LastDigest = FromB64((string)body["value"]!);
                answer = new JsonObject { ["kid"] = KeyUri.AbsoluteUri, ["value"] = B64((signingKey ?? key).SignHash(LastDigest)) };
            }

            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(answer.ToJsonString(), Encoding.UTF8, "application/json") };
        }

        private static string B64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

        private static byte[] FromB64(string text)
        {
            var padded = text.Replace('-', '+').Replace('_', '/');
            return Convert.FromBase64String(padded.PadRight(padded.Length + ((4 - (padded.Length % 4)) % 4), '='));
        }
    }
}
