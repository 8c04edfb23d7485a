using System.Globalization;
using System.Runtime.InteropServices;
using Azure.Data.Tables;
using Compliance.Detection.Hashing;
using Compliance.Infrastructure.Storage;
using Compliance.Media;

namespace Compliance.Infrastructure.Media;

/// <summary>
/// The hash bank: entries persisted in Table Storage (partitioned by the day they were added, so
/// exports read forward from a date), served from an in-memory multi-index table. Each instance
/// loads the bank once and then picks up entries added elsewhere every few seconds. Withdrawn
/// orders, and the items each provider reported as false positives, are listed in a small table of
/// their own, read whole at every refresh, because their entries sit in old day partitions that a
/// refresh no longer reads.
/// </summary>
public sealed class TableHashBank(ComplianceTables tables, TimeProvider time) : IHashBank, IDisposable
{
    private static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(2);

    private readonly MultiIndexHashTable _index = new();
    private readonly List<HashBankEntry> _entries = [];
    private readonly HashSet<string> _keys = new(StringComparer.Ordinal);
    private readonly List<int> _entryOfIndexId = [];
    private readonly Dictionary<string, List<int>> _byMd5 = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _byEntryId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<int>> _videoFrames = new(StringComparer.Ordinal);
    private volatile DisabledEntries _disabled = DisabledEntries.None;
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

    public async Task<IReadOnlyList<HashBankMatch>> LookupAsync(BankQuery query, CancellationToken cancellationToken)
    {
        await RefreshAsync(cancellationToken);
        var disabled = _disabled;
        // The index guards itself: only the mapping to entries needs the list's lock, so lookups run side by side.
        var near = new List<(int IndexId, int Distance)>();
        foreach (var hex in query.Pdqs)
        {
            if (PdqHash.TryParse(hex, out var hash))
            {
                near.AddRange(_index.Query(hash, query.MaxDistance));
            }
        }

        var best = new Dictionary<string, (int Id, int Distance)>(StringComparer.Ordinal);
        lock (_entries)
        {
            var found = near.Select(n => (Id: _entryOfIndexId[n.IndexId], n.Distance)).ToList();
            foreach (var md5 in query.Md5s)
            {
                if (_byMd5.TryGetValue(md5, out var ids))
                {
                    found.AddRange(ids.Select(id => (id, 0)));
                }
            }

            foreach (var (id, distance) in found)
            {
                var entry = _entries[id];
                if (disabled.Excludes(entry, query.ForProviderId))
                {
                    continue;
                }

                // One answer per banked item: the transform that comes closest.
                if (!best.TryGetValue(entry.EntryId, out var known) || distance < known.Distance || (distance == known.Distance && entry.Transform < _entries[known.Id].Transform))
                {
                    best[entry.EntryId] = (id, distance);
                }
            }

            return best.Values
                .OrderBy(b => b.Distance)
                .ThenBy(b => _entries[b.Id].EntryId, StringComparer.Ordinal)
                .Take(query.MaxMatches)
                .Select(b => new HashBankMatch(_entries[b.Id], b.Distance))
                .ToList();
        }
    }

    public async Task<IReadOnlyList<VideoBankMatch>> LookupVideoAsync(VideoBankQuery query, CancellationToken cancellationToken)
    {
        await RefreshAsync(cancellationToken);
        var disabled = _disabled;
        var near = query.Frames.Select(hex => PdqHash.TryParse(hex, out var hash) ? _index.Query(hash, query.MaxDistance) : []).ToList();
        lock (_entries)
        {
            // Per banked video: which query frames found one of its frames, and which of its frames were found.
            var videos = new Dictionary<string, (HashBankEntry First, HashSet<int> Query, HashSet<int> Banked)>(StringComparer.Ordinal);
            for (var frame = 0; frame < near.Count; frame++)
            {
                foreach (var (indexId, _) in near[frame])
                {
                    var entry = _entries[_entryOfIndexId[indexId]];
                    if (entry.FrameSecond is not { } second || disabled.Excludes(entry, query.ForProviderId))
                    {
                        continue;
                    }

                    ref var video = ref CollectionsMarshal.GetValueRefOrAddDefault(videos, entry.ItemId, out var exists);
                    if (!exists)
                    {
                        video = (entry, [], []);
                    }

                    video.Query.Add(frame);
                    video.Banked.Add(second);
                }
            }

            return videos.Values
                .Select(v => new VideoBankMatch(v.First, v.Query.Count, query.Frames.Count, v.Banked.Count, _videoFrames[v.First.ItemId].Count))
                .ToList();
        }
    }

    public async Task<HashBankEntry?> FindAsync(string entryId, CancellationToken cancellationToken)
    {
        await RefreshAsync(cancellationToken);
        lock (_entries)
        {
            return _byEntryId.TryGetValue(entryId, out var id) ? _entries[id] : null;
        }
    }

    public async Task<(IReadOnlyList<HashBankEntry> Entries, string? ContinuationToken)> ExportAsync(DateTimeOffset since, string? continuationToken, int pageSize, string? forProviderId, CancellationToken cancellationToken)
    {
        // Only the small list of withdrawn orders: an export must not load the whole bank into memory.
        var disabled = await ReadDisabledAsync(cancellationToken);
        var table = await tables.GetAsync(TableNames.HashBank, cancellationToken);
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {Day(since)} and AddedAt ge {since}");
        await foreach (var page in table.QueryAsync<TableEntity>(filter, pageSize, cancellationToken: cancellationToken).AsPages(continuationToken, pageSize))
        {
            return (page.Values.Select(ToEntry).Select(e => e with { Disabled = disabled.Excludes(e, forProviderId) }).ToList(), page.ContinuationToken);
        }

        return ([], null);
    }

    public async Task DisableOrderAsync(string orderId, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(TableNames.HashBankDisabled, cancellationToken);
        await table.UpsertEntityAsync(new TableEntity(DisabledEntries.OrderPartition, orderId) { ["DisabledAt"] = time.GetUtcNow() }, TableUpdateMode.Replace, cancellationToken);
        _disabled = _disabled with { Orders = new HashSet<string>(_disabled.Orders, StringComparer.Ordinal) { orderId } };
    }

    public async Task DisableForProviderAsync(string providerId, string entryId, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(TableNames.HashBankDisabled, cancellationToken);
        var key = DisabledEntries.ProviderKey(providerId, entryId);
        await table.UpsertEntityAsync(new TableEntity(DisabledEntries.ProviderPartition, key) { ["DisabledAt"] = time.GetUtcNow() }, TableUpdateMode.Replace, cancellationToken);
        _disabled = _disabled with { ForProvider = new HashSet<string>(_disabled.ForProvider, StringComparer.Ordinal) { key } };
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

            _disabled = await ReadDisabledAsync(cancellationToken);
            _loadedUpTo = now;
            _lastRefresh = now;
        }
        finally
        {
            _refresh.Release();
        }
    }

    private async Task<DisabledEntries> ReadDisabledAsync(CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(TableNames.HashBankDisabled, cancellationToken);
        var orders = new HashSet<string>(StringComparer.Ordinal);
        var forProvider = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var row in table.QueryAsync<TableEntity>(select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
        {
            (row.PartitionKey == DisabledEntries.ProviderPartition ? forProvider : orders).Add(row.RowKey);
        }

        return new DisabledEntries(orders, forProvider);
    }

    private void Remember(HashBankEntry entry)
    {
        if (!_keys.Add(Key(entry)))
        {
            return;
        }

        if (entry.Md5 is { } md5)
        {
            _entries.Add(entry);
            (CollectionsMarshal.GetValueRefOrAddDefault(_byMd5, md5, out _) ??= []).Add(_entries.Count - 1);
        }
        else if (PdqHash.TryParse(entry.Pdq, out var hash))
        {
            _entries.Add(entry);
            var id = _index.Add(hash);
            System.Diagnostics.Debug.Assert(id == _entryOfIndexId.Count, "index ids are handed out in order");
            _entryOfIndexId.Add(_entries.Count - 1);
        }
        else
        {
            return;
        }

        if (entry.Transform == DihedralTransform.Original)
        {
            _byEntryId.TryAdd(entry.EntryId, _entries.Count - 1);
            _byEntryId.TryAdd(entry.ItemId, _entries.Count - 1);
        }

        if (entry.FrameSecond is { } second && entry.Md5 is null)
        {
            (CollectionsMarshal.GetValueRefOrAddDefault(_videoFrames, entry.ItemId, out _) ??= []).Add(second);
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
            ["Bank"] = entry.Bank,
            ["LegalBasis"] = entry.LegalBasis,
            ["CaseId"] = entry.CaseId,
            ["Md5"] = entry.Md5,
        };
        if (entry.FrameSecond is { } frame)
        {
            entity["FrameSecond"] = frame;
        }

        return entity;
    }

    private static HashBankEntry ToEntry(TableEntity e) => new(
        e.GetString("Pdq"),
        e.GetInt32("Quality"),
        e.GetString("OrderId"),
        e.GetString("ProviderId"),
        e.GetString("MediaId"),
        e.GetInt32("FrameSecond"),
        e.GetDateTimeOffset("AddedAt") ?? default)
    {
        Transform = Enum.TryParse<DihedralTransform>(e.GetString("Transform"), out var transform) ? transform : DihedralTransform.Original,
        Bank = e.GetString("Bank") ?? BankNames.Orders,
        LegalBasis = e.GetString("LegalBasis"),
        CaseId = e.GetString("CaseId"),
        Md5 = e.GetString("Md5"),
    };

    /// <summary>
    /// What no longer matches: entries of withdrawn orders for everyone, and items a provider
    /// reported as false positives for that provider only.
    /// </summary>
    private sealed record DisabledEntries(HashSet<string> Orders, HashSet<string> ForProvider)
    {
        public const string OrderPartition = "order";
        public const string ProviderPartition = "provider";

        public static readonly DisabledEntries None = new(new HashSet<string>(StringComparer.Ordinal), new HashSet<string>(StringComparer.Ordinal));

        public static string ProviderKey(string providerId, string entryId) => $"{providerId}|{entryId}";

        public bool Excludes(HashBankEntry entry, string? providerId) =>
            (entry.CaseId is null && Orders.Contains(entry.OrderId))
            || (providerId is not null && ForProvider.Contains(ProviderKey(providerId, entry.ItemId)));
    }
}
