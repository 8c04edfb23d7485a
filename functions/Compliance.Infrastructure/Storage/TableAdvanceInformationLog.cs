using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Compliance.Application;

namespace Compliance.Infrastructure.Storage;

/// <summary>Rows per provider: "info|…" for the information given, "ordered|…" once the authority has ordered under the regime.</summary>
public sealed class TableAdvanceInformationLog(ComplianceTables tables) : IAdvanceInformationLog
{
    public async Task<AdvanceInformation> RecordAsync(AdvanceInformation information, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(TableNames.AdvanceInformation, cancellationToken);
        var row = new TableEntity(information.ProviderId, Key("info", information.Authority, information.LegalBasis))
        {
            ["LegalBasis"] = information.LegalBasis,
            ["Authority"] = information.Authority,
            ["InformedAt"] = information.InformedAt,
            ["RecordedAt"] = information.RecordedAt,
            ["Note"] = information.Note,
        };
        return await ComplianceTables.TryAddAsync(table, row, cancellationToken)
            ? information
            : await FindAsync(information.ProviderId, information.Authority, information.LegalBasis, cancellationToken) ?? information;
    }

    public async Task<AdvanceInformation?> FindAsync(string providerId, string authority, string legalBasis, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(TableNames.AdvanceInformation, cancellationToken);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(providerId, Key("info", authority, legalBasis), cancellationToken: cancellationToken);
        return row.HasValue && row.Value is { } e
            ? new AdvanceInformation(e.PartitionKey, e.GetString("LegalBasis"), e.GetString("Authority"), e.GetDateTimeOffset("InformedAt") ?? default, e.GetDateTimeOffset("RecordedAt") ?? default, e.GetString("Note"))
            : null;
    }

    public async Task<bool> HasOrderedAsync(string providerId, string authority, string legalBasis, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(TableNames.AdvanceInformation, cancellationToken);
        return (await table.GetEntityIfExistsAsync<TableEntity>(providerId, Key("ordered", authority, legalBasis), cancellationToken: cancellationToken)).HasValue;
    }

    public async Task MarkOrderedAsync(string providerId, string authority, string legalBasis, string orderId, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(TableNames.AdvanceInformation, cancellationToken);
        // Ordered before, the add finds the row: the first order stands.
        await ComplianceTables.TryAddAsync(table, new TableEntity(providerId, Key("ordered", authority, legalBasis)) { ["FirstOrderId"] = orderId }, cancellationToken);
    }

    /// <summary>The authority's name is free text (and may hold characters row keys refuse): keyed by its hash, case and spacing ignored.</summary>
    private static string Key(string kind, string authority, string legalBasis) =>
        $"{kind}|{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(authority.Trim().ToUpperInvariant())))[..24]}|{legalBasis}";
}
