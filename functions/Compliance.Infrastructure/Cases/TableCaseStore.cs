using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Compliance.Cases;
using Compliance.Infrastructure.Storage;
using Compliance.Orders;

namespace Compliance.Infrastructure.Cases;

/// <summary>One row per case (partition and row key: the case id); the note and contact only as ciphertext.</summary>
public sealed class TableCaseStore(ComplianceTables tables) : ICaseStore
{
    public async Task<bool> TryCreateAsync(VictimCase victimCase, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(TableNames.Cases, cancellationToken);
        return await ComplianceTables.TryAddAsync(table, ToEntity(victimCase), cancellationToken);
    }

    public async Task<VictimCase?> FindAsync(string caseId, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(TableNames.Cases, cancellationToken);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(caseId, caseId, cancellationToken: cancellationToken);
        return row.HasValue ? ToCase(row.Value!) : null;
    }

    public async Task SaveAsync(VictimCase victimCase, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(TableNames.Cases, cancellationToken);
        await table.UpsertEntityAsync(ToEntity(victimCase), TableUpdateMode.Replace, cancellationToken);
    }

    public async Task<IReadOnlyList<VictimCase>> DueForErasureAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(TableNames.Cases, cancellationToken);
        var due = new List<VictimCase>();
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"HoldsPersonalData eq {true} and PersonalDataDeleteAfter le {now}"), cancellationToken: cancellationToken))
        {
            due.Add(ToCase(row));
        }

        return due;
    }

    private static TableEntity ToEntity(VictimCase c) => new(c.CaseId, c.CaseId)
    {
        ["LegalBasis"] = c.LegalBasis,
        ["OpenedBy"] = c.OpenedBy,
        ["OpenedAt"] = c.OpenedAt,
        ["Orders"] = JsonSerializer.Serialize(c.Orders, StorageJson.Options),
        ["HashCount"] = c.HashCount,
        ["ProtectedNote"] = c.ProtectedNote,
        ["ProtectedContact"] = c.ProtectedContact,
        ["HoldsPersonalData"] = c.HoldsPersonalData,
        ["Status"] = OrderText.Snake(c.Status.ToString()),
        ["ClosedAt"] = c.ClosedAt,
        ["PersonalDataDeleteAfter"] = c.PersonalDataDeleteAfter,
        ["RequestFingerprint"] = c.RequestFingerprint,
    };

    private static VictimCase ToCase(TableEntity e) => new(
        e.RowKey,
        e.GetString("LegalBasis"),
        e.GetString("OpenedBy"),
        e.GetDateTimeOffset("OpenedAt") ?? default,
        JsonSerializer.Deserialize<List<CaseOrder>>(e.GetString("Orders"), StorageJson.Options) ?? [],
        e.GetInt32("HashCount") ?? 0,
        e.GetString("ProtectedNote"),
        e.GetString("ProtectedContact"),
        OrderText.TryParse<CaseStatus>(e.GetString("Status"), out var status) ? status : throw new InvalidDataException($"Case {e.RowKey} has an unknown status."),
        e.GetDateTimeOffset("ClosedAt"),
        e.GetDateTimeOffset("PersonalDataDeleteAfter"),
        e.GetString("RequestFingerprint"));
}

/// <summary>Match reports partitioned by the case or order their banked item came from, so a case's figures read one partition.</summary>
public sealed class TableMatchReportStore(ComplianceTables tables) : IMatchReportStore
{
    public async Task<bool> TryAddAsync(MatchReport report, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(TableNames.MatchReports, cancellationToken);
        return await ComplianceTables.TryAddAsync(table, ToEntity(report), cancellationToken);
    }

    public async Task<MatchReport?> FindAsync(string sourceKey, string reportId, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(TableNames.MatchReports, cancellationToken);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(sourceKey, reportId, cancellationToken: cancellationToken);
        return row.HasValue ? ToReport(row.Value!) : null;
    }

    public Task<IReadOnlyList<MatchReport>> ForSourceAsync(string sourceKey, CancellationToken cancellationToken) =>
        QueryAsync(TableClient.CreateQueryFilter($"PartitionKey eq {sourceKey}"), cancellationToken);

    public Task<IReadOnlyList<MatchReport>> ReceivedBetweenAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        QueryAsync(TableClient.CreateQueryFilter($"ReceivedAt ge {from} and ReceivedAt lt {to}"), cancellationToken);

    private async Task<IReadOnlyList<MatchReport>> QueryAsync(string filter, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(TableNames.MatchReports, cancellationToken);
        var reports = new List<MatchReport>();
        await foreach (var row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            reports.Add(ToReport(row));
        }

        return reports;
    }

    private static TableEntity ToEntity(MatchReport r) => new(r.SourceKey, r.ReportId)
    {
        ["ProviderId"] = r.ProviderId,
        ["EntryId"] = r.EntryId,
        ["Action"] = OrderText.Snake(r.Action.ToString()),
        ["At"] = r.At,
        ["ReceivedAt"] = r.ReceivedAt,
        ["CaseId"] = r.CaseId,
        ["OrderId"] = r.OrderId,
        ["LegalBasis"] = r.LegalBasis,
        ["Bank"] = r.Bank,
    };

    private static MatchReport ToReport(TableEntity e) => new(
        e.RowKey,
        e.GetString("ProviderId"),
        e.GetString("EntryId"),
        OrderText.TryParse<MatchAction>(e.GetString("Action"), out var action) ? action : throw new InvalidDataException($"Match report {e.RowKey} has an unknown action."),
        e.GetDateTimeOffset("At") ?? default,
        e.GetDateTimeOffset("ReceivedAt") ?? default,
        e.GetString("CaseId"),
        e.GetString("OrderId"),
        e.GetString("LegalBasis"),
        e.GetString("Bank") ?? Compliance.Media.BankNames.Orders);
}
