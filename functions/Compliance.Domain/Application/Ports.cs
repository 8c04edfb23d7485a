using Compliance.Orders;
using Compliance.Providers;

namespace Compliance.Application;

/// <summary>An order as read from storage, with the opaque token that guards the next write.</summary>
public sealed record StoredOrder(TakedownOrder Order, string ConcurrencyToken);

public sealed record OrderQuery(string? ProviderId, OrderStatus? Status);

public sealed record OrderPage(IReadOnlyList<TakedownOrder> Orders, string? ContinuationToken);

/// <summary>A deadline that has come due according to the deadline index.</summary>
/// <param name="ScheduledAt">When the entry was written: an entry for an order not found yet may belong to an order still being written.</param>
public sealed record DueDeadline(string OrderId, string ProviderId, DateTimeOffset DueAt, string IndexKey, DateTimeOffset? ScheduledAt = null);

/// <summary>Storage of orders with their history; every write carries the history entries atomically.</summary>
public interface IOrderStore
{
    Task<StoredOrder?> FindAsync(string orderId, CancellationToken cancellationToken);

    Task<StoredOrder?> FindAsync(string providerId, string orderId, CancellationToken cancellationToken);

    /// <summary>Returns false when an order with this id already exists.</summary>
    Task<bool> TryCreateAsync(OrderChange issued, CancellationToken cancellationToken);

    /// <summary>Throws <see cref="ConcurrentUpdateException"/> when the order changed since it was read.</summary>
    Task SaveAsync(StoredOrder previous, OrderChange change, CancellationToken cancellationToken);

    Task<OrderPage> ListAsync(OrderQuery query, string? continuationToken, int pageSize, CancellationToken cancellationToken);

    Task<IReadOnlyList<OrderEvent>> HistoryAsync(TakedownOrder order, CancellationToken cancellationToken);

    IAsyncEnumerable<TakedownOrder> IssuedBetweenAsync(string providerId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);

    /// <summary>Every history entry recorded in [from, to), with the order and provider it belongs to.</summary>
    IAsyncEnumerable<(string ProviderId, string OrderId, OrderEvent Entry)> HistoryBetweenAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);
}

/// <summary>Write-once storage for audit exports (an immutable container in Azure).</summary>
public interface IAuditArchive
{
    /// <summary>Returns false when an export of that name exists already: exports are never rewritten.</summary>
    Task<bool> TryWriteAsync(string name, byte[] content, CancellationToken cancellationToken);

    Task<bool> ExistsAsync(string name, CancellationToken cancellationToken);

    /// <summary>The content of an export, or null when there is none of that name.</summary>
    Task<byte[]?> ReadAsync(string name, CancellationToken cancellationToken);

    /// <summary>The names of the exports under a prefix, once per stored version (a name twice means it was overwritten).</summary>
    Task<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancellationToken);
}

/// <summary>
/// Deadlines indexed by when they fall due, so the sweep reads only what has come due. Entries
/// are written before the order they point to and may go stale; the sweep checks the order itself.
/// </summary>
public interface IDeadlineIndex
{
    Task ScheduleAsync(TakedownOrder order, CancellationToken cancellationToken);

    Task<IReadOnlyList<DueDeadline>> DueAsync(DateTimeOffset now, CancellationToken cancellationToken);

    Task RemoveAsync(DueDeadline deadline, CancellationToken cancellationToken);

    /// <summary>
    /// Moves an entry the sweep could not settle to a retry list that every sweep reads whole, so
    /// the watermark can pass its hour (even moved by a concurrent sweep) without losing it.
    /// </summary>
    Task DeferAsync(DueDeadline deadline, CancellationToken cancellationToken);

    /// <summary>Records that everything due up to <paramref name="upTo"/> has been handled.</summary>
    Task MarkSweptAsync(DateTimeOffset upTo, CancellationToken cancellationToken);
}

/// <summary>
/// When the addressed provider first had the order (TCO Art. 3(5): the time of receipt is recorded):
/// its first read or answer, whichever came first. Kept apart from the order's versioned history so a
/// read never changes the order's ETag.
/// </summary>
public interface IOrderReceipts
{
    /// <summary>Records <paramref name="at"/> unless a receipt is recorded already.</summary>
    Task RecordFirstAsync(string orderId, DateTimeOffset at, CancellationToken cancellationToken);

    Task<DateTimeOffset?> FirstAsync(string orderId, CancellationToken cancellationToken);
}

/// <summary>An authority's information to a provider on the procedures and deadlines of a regime, ahead of its first order (TCO Art. 3(2)).</summary>
public sealed record AdvanceInformation(string ProviderId, string LegalBasis, string Authority, DateTimeOffset InformedAt, DateTimeOffset RecordedAt, string? Note);

/// <summary>Advance information given, and which authorities have already ordered a provider under a regime.</summary>
public interface IAdvanceInformationLog
{
    /// <summary>Keeps the earliest record per provider, authority and regime; returns the one kept.</summary>
    Task<AdvanceInformation> RecordAsync(AdvanceInformation information, CancellationToken cancellationToken);

    Task<AdvanceInformation?> FindAsync(string providerId, string authority, string legalBasis, CancellationToken cancellationToken);

    Task<bool> HasOrderedAsync(string providerId, string authority, string legalBasis, CancellationToken cancellationToken);

    Task MarkOrderedAsync(string providerId, string authority, string legalBasis, string orderId, CancellationToken cancellationToken);
}

public interface IProviderDirectory
{
    Task<Provider?> FindAsync(string providerId, CancellationToken cancellationToken);

    /// <summary>Returns false when the id is taken.</summary>
    Task<bool> TryAddAsync(Provider provider, CancellationToken cancellationToken);

    Task<IReadOnlyList<Provider>> ListAsync(CancellationToken cancellationToken);
}

public sealed class ConcurrentUpdateException(string message, Exception? inner = null) : Exception(message, inner);
