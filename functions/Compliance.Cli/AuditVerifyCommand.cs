using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Compliance.AuditLog;
using Compliance.Infrastructure.AuditLog;
using Compliance.Infrastructure.Media;
using Compliance.Infrastructure.Storage;

namespace Compliance.Cli;

/// <summary><c>audit verify</c>: an auditor's own check of the log, from storage, against the published key.</summary>
internal static class AuditVerifyCommand
{
    public static async Task<int> RunAsync(CommandLine line, TextWriter output)
    {
        var connection = line.Option("connection") ?? Environment.GetEnvironmentVariable("ComplianceStorage") ?? "UseDevelopmentStorage=true";
        var publicKey = line.Option("public-key") is { } file ? await File.ReadAllTextAsync(file) : AuditOptions.DevelopmentPublicKeyPem;
        var tables = new ComplianceTables(new TableServiceClient(connection), new StorageOptions { TablePrefix = line.Option("table-prefix") ?? string.Empty });
        using var signer = EcdsaCheckpointSigner.FromPublicKeyPem(publicKey);
        var audit = new AuditLogService(new TableAuditLog(tables), signer, new BlobAuditArchive(new BlobServiceClient(connection), line.Option("audit-container") ?? "audit"), new TableOrderStore(tables), TimeProvider.System);

        var result = await audit.VerifyAsync(CancellationToken.None);
        await output.WriteLineAsync(result.Valid
            ? $"valid: {result.Orders} orders, {result.Leaves} leaves, checkpoint of size {result.CheckpointSize} signed by {signer.KeyId}"
            : $"INVALID: {result.FirstProblem}");
        return result.Valid ? 0 : 1;
    }
}
