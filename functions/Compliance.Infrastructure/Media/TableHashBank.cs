using System.Globalization;
using Azure.Data.Tables;
using Compliance.Detection.Hashing;
using Compliance.Infrastructure.Storage;
using Compliance.Media;

namespace Compliance.Infrastructure.Media;

/// <summary>
/// The hash bank: entries persisted in Table Storage (partitioned by the day they were added, so
/// exports read forward from a date), served from memory (<see cref="HashBankMemory"/>). A new
/// instance loads the latest snapshot blob, if there is one, then reads only the table rows added
/// since it, as every instance does every few seconds after; without a snapshot it reads the whole
/// table, which at millions of rows takes minutes rather than seconds. Withdrawn orders, and the items
/// each provider reported as false positives, are listed in a small table of their own, read whole at
/// every refresh, because their entries sit in old day partitions that a refresh no longer reads.
/// </summary>
public sealed class TableHashBank(ComplianceTables tables, TimeProvider time, HashBankSnapshots? snapshots = null) : IHashBank, IDisposable
{
    private static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(2);

    private HashBankMemory _memory = new();
    private volatile DisabledEntries _disabled = DisabledEntries.None;
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private DateTimeOffset? _loadedUpTo;
    private DateTimeOffset _lastRefresh;

    public int Count => _memory.Count;

    /// <summary>How this instance was first filled: from a snapshot, or by reading the whole table.</summary>
    public bool LoadedFromSnapshot { get; private set; }

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

        // Before the first load the rows are in the table, which that load reads.
        if (_loadedUpTo is not null)
        {
            _memory.Add(entries);
        }
    }

    public async Task<IReadOnlyList<HashBankMatch>> LookupAsync(BankQuery query, CancellationToken cancellationToken)
    {
        await RefreshAsync(cancellationToken);
        var disabled = _disabled;
        var hashes = query.Pdqs.Select(hex => PdqHash.TryParse(hex, out var hash) ? hash : (PdqHash?)null).OfType<PdqHash>();
        return _memory.Lookup(hashes, query.Md5s, query.MaxDistance, query.MaxMatches, entry => !disabled.Excludes(entry, query.ForProviderId));
    }

    public async Task<IReadOnlyList<VideoBankMatch>> LookupVideoAsync(VideoBankQuery query, CancellationToken cancellationToken)
    {
        await RefreshAsync(cancellationToken);
        var disabled = _disabled;
        var frames = query.Frames.Select(hex => PdqHash.TryParse(hex, out var hash) ? hash : (PdqHash?)null).ToList();
        return _memory.LookupVideo(frames, query.MaxDistance, entry => !disabled.Excludes(entry, query.ForProviderId));
    }

    public async Task<HashBankEntry?> FindAsync(string entryId, CancellationToken cancellationToken)
    {
        await RefreshAsync(cancellationToken);
        return _memory.Find(entryId);
    }

    /// <summary>Writes what this instance holds, brought up to date first, as the snapshot new instances load.</summary>
    public async Task SaveSnapshotAsync(CancellationToken cancellationToken)
    {
        if (snapshots is null)
        {
            return;
        }

        HashBankMemory memory;
        DateTimeOffset loadedUpTo;
        await _refresh.WaitAsync(cancellationToken);
        try
        {
            await RefreshLockedAsync(time.GetUtcNow(), cancellationToken);
            (memory, loadedUpTo) = (_memory, _loadedUpTo!.Value);
        }
        finally
        {
            _refresh.Release();
        }

        // Written outside the refresh lock: lookups go on meanwhile, and only adds wait for the write.
        await snapshots.WriteAsync(memory, loadedUpTo, cancellationToken);
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
        _memory.Dispose();
        _refresh.Dispose();
    }

    /// <summary>Loads once (a snapshot and the rows since, or the whole table), then only what was added since (less a margin for clock skew).</summary>
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

            await RefreshLockedAsync(now, cancellationToken);
        }
        finally
        {
            _refresh.Release();
        }
    }

    private async Task RefreshLockedAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (_loadedUpTo is null && snapshots is not null && await snapshots.ReadAsync(cancellationToken) is { } snapshot)
        {
            var empty = _memory;
            (_memory, _loadedUpTo) = (snapshot.Bank, snapshot.LoadedUpTo);
            empty.Dispose();
            LoadedFromSnapshot = true;

            // Once per instance, after a load of hundreds of MB: the download's buffers and the build's
            // scratch go back to the system now, not at some later collection, so that a memory-bounded
            // instance holds what the bank needs and little more.
            GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        }

        var since = _loadedUpTo is { } loaded ? loaded - ClockSkew : DateTimeOffset.UnixEpoch;
        var table = await tables.GetAsync(TableNames.HashBank, cancellationToken);
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {Day(since)} and AddedAt ge {since}");
        var added = new List<HashBankEntry>();
        await foreach (var row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            added.Add(ToEntry(row));
            if (added.Count == 10_000)
            {
                _memory.Add(added);
                added.Clear();
            }
        }

        _memory.Add(added);
        _disabled = await ReadDisabledAsync(cancellationToken);
        _loadedUpTo = now;
        _lastRefresh = now;
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
