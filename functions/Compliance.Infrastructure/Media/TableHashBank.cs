using System.Globalization;
using Azure.Data.Tables;
using Compliance.Detection.Hashing;
using Compliance.Infrastructure.Storage;
using Compliance.Media;

namespace Compliance.Infrastructure.Media;

/// <summary>
/// The hash bank: entries persisted in Table Storage (partitioned by the day they were added, so
/// exports read forward from a date), served from an in-memory multi-index table. Each instance
/// loads the bank once and then picks up entries added elsewhere every few seconds. Withdrawn
/// orders are listed in a small table of their own, read whole at every refresh, because their
/// entries sit in old day partitions that a refresh no longer reads.
/// </summary>
public sealed class TableHashBank(ComplianceTables tables, TimeProvider time) : IHashBank, IDisposable
{
    private static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(2);

    private readonly MultiIndexHashTable _index = new();
    private readonly List<HashBankEntry> _entries = [];
    private readonly HashSet<string> _keys = new(StringComparer.Ordinal);
    private volatile HashSet<string> _disabledOrders = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private DateTimeOffset? _loadedUpTo;
    private DateTimeOffset _lastRefresh;

    public int Count => _index.Count;

    public async Task AddAsync(IReadOnlyList<HashBankEntry> entries, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(TableNames.HashBank, cancellationToken);
        foreach (var partition in entries.Select(ToEntity).GroupBy(e => e.PartitionKey))
        {
            foreach (var chunk in partition.Chunk(ComplianceTables.MaxBatchOperations))
            {
                await ComplianceTables.SubmitAsync(table, chunk.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e)).ToList(), cancellationToken);
            }
        }

        lock (_entries)
        {
            foreach (var entry in entries)
            {
                Remember(entry);
            }
        }
    }

    public async Task<IReadOnlyList<HashBankMatch>> LookupAsync(IReadOnlyList<string> pdqHashes, int maxDistance, int maxMatches, CancellationToken cancellationToken)
    {
        await RefreshAsync(cancellationToken);
        var disabled = _disabledOrders;
        // The index guards itself: only the mapping to entries needs the list's lock, so lookups run side by side.
        var found = new List<(int Id, int Distance)>();
        foreach (var hex in pdqHashes)
        {
            if (PdqHash.TryParse(hex, out var query))
            {
                found.AddRange(_index.Query(query, maxDistance));
            }
        }

        var best = new Dictionary<string, (int Id, int Distance)>(StringComparer.Ordinal);
        lock (_entries)
        {
            foreach (var (id, distance) in found)
            {
                var entry = _entries[id];
                if (disabled.Contains(entry.OrderId))
                {
                    continue;
                }

                // One answer per banked item: the transform that comes closest.
                var item = ItemKey(entry);
                if (!best.TryGetValue(item, out var known) || distance < known.Distance || (distance == known.Distance && entry.Transform < _entries[known.Id].Transform))
                {
                    best[item] = (id, distance);
                }
            }

            // EntryId is a SHA-256: computed once per match, not once per comparison.
            return best.Values
                .Select(b => (Match: new HashBankMatch(_entries[b.Id], b.Distance), _entries[b.Id].EntryId))
                .OrderBy(m => m.Match.Distance)
                .ThenBy(m => m.EntryId, StringComparer.Ordinal)
                .Take(maxMatches)
                .Select(m => m.Match)
                .ToList();
        }
    }

    public async Task<(IReadOnlyList<HashBankEntry> Entries, string? ContinuationToken)> ExportAsync(DateTimeOffset since, string? continuationToken, int pageSize, CancellationToken cancellationToken)
    {
        // Only the small list of withdrawn orders: an export must not load the whole bank into memory.
        var disabled = await ReadDisabledOrdersAsync(cancellationToken);
        var table = await tables.GetAsync(TableNames.HashBank, cancellationToken);
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {Day(since)} and AddedAt ge {since}");
        await foreach (var page in table.QueryAsync<TableEntity>(filter, pageSize, cancellationToken: cancellationToken).AsPages(continuationToken, pageSize))
        {
            return (page.Values.Select(ToEntry).Select(e => e with { Disabled = disabled.Contains(e.OrderId) }).ToList(), page.ContinuationToken);
        }

        return ([], null);
    }

    public async Task DisableOrderAsync(string orderId, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(TableNames.HashBankDisabled, cancellationToken);
        await table.UpsertEntityAsync(new TableEntity("order", orderId) { ["DisabledAt"] = time.GetUtcNow() }, TableUpdateMode.Replace, cancellationToken);
        _disabledOrders = new HashSet<string>(_disabledOrders, StringComparer.Ordinal) { orderId };
    }

    public void Dispose()
    {
        _index.Dispose();
        _refresh.Dispose();
    }

    /// <summary>Loads everything once, then only what was added since (less a margin for clock skew).</summary>
    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_loadedUpTo is not null && now - _lastRefresh < RefreshInterval)
        {
            return;
        }

        await _refresh.WaitAsync(cancellationToken);
        try
        {
            if (_loadedUpTo is not null && now - _lastRefresh < RefreshInterval)
            {
                return;
            }

            var since = _loadedUpTo is { } loaded ? loaded - ClockSkew : DateTimeOffset.UnixEpoch;
            var table = await tables.GetAsync(TableNames.HashBank, cancellationToken);
            var filter = TableClient.CreateQueryFilter($"PartitionKey ge {Day(since)} and AddedAt ge {since}");
            var added = new List<HashBankEntry>();
            await foreach (var row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
            {
                added.Add(ToEntry(row));
            }

            lock (_entries)
            {
                added.ForEach(Remember);
            }

            _disabledOrders = await ReadDisabledOrdersAsync(cancellationToken);
            _loadedUpTo = now;
            _lastRefresh = now;
        }
        finally
        {
            _refresh.Release();
        }
    }

    private async Task<HashSet<string>> ReadDisabledOrdersAsync(CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(TableNames.HashBankDisabled, cancellationToken);
        var disabled = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var row in table.QueryAsync<TableEntity>(select: ["RowKey"], cancellationToken: cancellationToken))
        {
            disabled.Add(row.RowKey);
        }

        return disabled;
    }

    private void Remember(HashBankEntry entry)
    {
        if (_keys.Add(Key(entry)) && PdqHash.TryParse(entry.Pdq, out var hash))
        {
            var id = _index.Add(hash);
            _entries.Add(entry);
            System.Diagnostics.Debug.Assert(id == _entries.Count - 1, "index positions follow the entry list");
        }
    }

    private static string ItemKey(HashBankEntry entry) => $"{entry.MediaId}|{entry.FrameSecond?.ToString("D5", CultureInfo.InvariantCulture) ?? "image"}";

    private static string Key(HashBankEntry entry) =>
        entry.Transform == DihedralTransform.Original ? ItemKey(entry) : $"{ItemKey(entry)}|{entry.Transform}";

    private static string Day(DateTimeOffset at) => at.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    private static TableEntity ToEntity(HashBankEntry entry)
    {
        var entity = new TableEntity(Day(entry.AddedAt), Key(entry))
        {
            ["Pdq"] = entry.Pdq,
            ["Quality"] = entry.Quality,
            ["OrderId"] = entry.OrderId,
            ["ProviderId"] = entry.ProviderId,
            ["MediaId"] = entry.MediaId,
            ["AddedAt"] = entry.AddedAt,
            ["Transform"] = entry.Transform.ToString(),
        };
        if (entry.FrameSecond is { } frame)
        {
            entity["FrameSecond"] = frame;
        }

        return entity;
    }

    private static HashBankEntry ToEntry(TableEntity e) => new(
        e.GetString("Pdq"),
        e.GetInt32("Quality") ?? 0,
        e.GetString("OrderId"),
        e.GetString("ProviderId"),
        e.GetString("MediaId"),
        e.GetInt32("FrameSecond"),
        e.GetDateTimeOffset("AddedAt") ?? default)
    {
        Transform = Enum.TryParse<DihedralTransform>(e.GetString("Transform"), out var transform) ? transform : DihedralTransform.Original,
    };
}
