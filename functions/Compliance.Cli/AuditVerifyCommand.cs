using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Compliance.AuditLog;
using Compliance.Infrastructure.AuditLog;
using Compliance.Infrastructure.Media;
using Compliance.Infrastructure.Storage;

namespace Compliance.Cli;

/// <param name="Connection">Storage connection string; null for the ComplianceStorage variable, else Azurite.</param>
/// <param name="PublicKeyFile">PEM of the checkpoint signing key; null for the development key.</param>
internal sealed record AuditSource(string? Connection, string TablePrefix, string AuditContainer, string? PublicKeyFile);

/// <summary><c>audit verify</c>: an auditor's own check of the log, from storage, against the published key.</summary>
internal static class AuditVerifyCommand
{
    public static async Task<int> RunAsync(AuditSource source, bool json, TextWriter output, TextWriter errors, CancellationToken cancellationToken)
    {
        var connection = source.Connection ?? Environment.GetEnvironmentVariable("ComplianceStorage") ?? "UseDevelopmentStorage=true";
        var publicKey = source.PublicKeyFile is { } file ? await File.ReadAllTextAsync(file, cancellationToken) : AuditOptions.DevelopmentPublicKeyPem;
        var tables = new ComplianceTables(new TableServiceClient(connection), new StorageOptions { TablePrefix = source.TablePrefix });
        using var signer = EcdsaCheckpointSigner.FromPublicKeyPem(publicKey);
        var audit = new AuditLogService(new TableAuditLog(tables), signer, new BlobAuditArchive(new BlobServiceClient(connection), source.AuditContainer), new TableOrderStore(tables), TimeProvider.System);

        var result = await ProgressDisplay.RunAsync(errors, "Verifying the audit log (checkpoints, leaves, every order's chain)", _ => audit.VerifyAsync(cancellationToken));
        await output.WriteLineAsync(json
            ? JsonSerializer.Serialize(new { result.Valid, result.Orders, result.Leaves, result.CheckpointSize, signer.KeyId, result.FirstProblem }, CliJson.Compact)
            : result.Valid
                ? $"valid: {result.Orders} orders, {result.Leaves} leaves, checkpoint of size {result.CheckpointSize} signed by {signer.KeyId}"
                : $"INVALID: {result.FirstProblem}");
        return result.Valid ? 0 : 1;
    }
}
