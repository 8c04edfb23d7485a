using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Compliance.Infrastructure.Storage;
using Compliance.Media;
using Compliance.Orders;

namespace Compliance.Infrastructure.Media;

/// <summary>Media records partitioned by order; the analysis is kept as JSON beside the status.</summary>
public sealed class TableMediaStore(ComplianceTables tables) : IMediaStore
{
    public async Task CreateAsync(MediaRecord record, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(TableNames.Media, cancellationToken);
        await table.AddEntityAsync(ToEntity(record), cancellationToken);
    }

    public async Task<MediaRecord?> FindAsync(string orderId, string mediaId, CancellationToken cancellationToken)
    {
        if (!IsKey(orderId) || !IsKey(mediaId))
        {
            return null;
        }

        var table = await tables.GetAsync(TableNames.Media, cancellationToken);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(orderId, mediaId, cancellationToken: cancellationToken);
        return row.HasValue ? ToRecord(row.Value!) : null;
    }

    public Task<IReadOnlyList<MediaRecord>> ListAsync(string orderId, CancellationToken cancellationToken) =>
        QueryAsync(TableClient.CreateQueryFilter($"PartitionKey eq {orderId}"), cancellationToken);

    public async Task SaveAsync(MediaRecord record, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(TableNames.Media, cancellationToken);
        await table.UpsertEntityAsync(ToEntity(record), TableUpdateMode.Replace, cancellationToken);
    }

    public Task<IReadOnlyList<MediaRecord>> DueForPurgeAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        QueryAsync(TableClient.CreateQueryFilter($"Purged eq {false} and PreserveUntil le {now}"), cancellationToken);

    private async Task<IReadOnlyList<MediaRecord>> QueryAsync(string filter, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(TableNames.Media, cancellationToken);
        var records = new List<MediaRecord>();
        await foreach (var row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            records.Add(ToRecord(row));
        }

        return records;
    }

    private static bool IsKey(string value) => value.Length is > 0 and < 200 && !value.Any(c => c is '/' or '\\' or '#' or '?' || char.IsControl(c));

    private static TableEntity ToEntity(MediaRecord record)
    {
        var entity = new TableEntity(record.OrderId, record.MediaId)
        {
            ["ProviderId"] = record.ProviderId,
            ["Status"] = OrderText.Snake(record.Status.ToString()),
            ["CreatedAt"] = record.CreatedAt,
            ["PreserveUntil"] = record.PreserveUntil,
            ["Purged"] = record.Purged,
        };
        if (record.AnalysedAt is { } analysedAt)
        {
            entity["AnalysedAt"] = analysedAt;
        }

        if (record.Analysis is { } analysis)
        {
            LongText.Write(entity, "Analysis", JsonSerializer.Serialize(analysis, StorageJson.Options));
        }

        return entity;
    }

    private static MediaRecord ToRecord(TableEntity e) => new(
        e.PartitionKey,
        e.RowKey,
        e.GetString("ProviderId"),
        OrderText.TryParse<MediaStatus>(e.GetString("Status"), out var status) ? status : throw new InvalidDataException($"Media {e.RowKey} has an unknown status."),
        e.GetDateTimeOffset("CreatedAt") ?? default,
        e.GetDateTimeOffset("PreserveUntil") ?? default,
        e.GetDateTimeOffset("AnalysedAt"),
        e.ContainsKey("AnalysisParts") ? JsonSerializer.Deserialize<MediaAnalysis>(LongText.Read(e, "Analysis"), StorageJson.Options) : null,
        e.GetBoolean("Purged") ?? false);
}
