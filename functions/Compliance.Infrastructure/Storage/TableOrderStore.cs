using System.Runtime.CompilerServices;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Compliance.Application;
using Compliance.Orders;
using Compliance.Problems;

namespace Compliance.Infrastructure.Storage;

/// <summary>
/// Orders partitioned by provider, with a lookup row per order id so that the commission and
/// regulators can find an order without knowing its provider. Every change is one transaction:
/// the order, its history entries and their outbox rows.
/// </summary>
public sealed class TableOrderStore(ComplianceTables tables, TimeProvider? clock = null) : IOrderStore
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    public async Task<StoredOrder?> FindAsync(string orderId, CancellationToken cancellationToken)
    {
        var lookup = await tables.GetAsync(TableNames.OrderLookup, cancellationToken);
        var row = await lookup.GetEntityIfExistsAsync<TableEntity>(orderId, string.Empty, cancellationToken: cancellationToken);
        return row.HasValue ? await FindAsync(row.Value!.GetString("ProviderId"), orderId, cancellationToken) : null;
    }

    public async Task<StoredOrder?> FindAsync(string providerId, string orderId, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(TableNames.Orders, cancellationToken);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(providerId, orderId, cancellationToken: cancellationToken);
        return row.HasValue ? new StoredOrder(OrderEntities.ToOrder(row.Value!), row.Value!.ETag.ToString()) : null;
    }

    public async Task<bool> TryCreateAsync(OrderChange issued, CancellationToken cancellationToken)
    {
        var order = issued.Order;

        // The lookup row is harmless on its own (it points at nothing until the order exists), so
        // it goes first and the order with its history follows in one transaction. It is added, never
        // upserted: an id already pointing at another provider's order must keep pointing there.
        if (!await ClaimLookupAsync(order, cancellationToken))
        {
            return false;
        }

        var actions = new List<TableTransactionAction> { new(TableTransactionActionType.Add, OrderEntities.ToEntity(order)) };
        actions.AddRange(OrderEntities.HistoryAndOutbox(issued, _clock.GetUtcNow()).Select(e => new TableTransactionAction(TableTransactionActionType.Add, e)));
        var table = await tables.GetAsync(TableNames.Orders, cancellationToken);
        try
        {
            await ComplianceTables.SubmitAsync(table, actions, cancellationToken);
            return true;
        }
        catch (TableTransactionFailedException e) when (e.Status == 409)
        {
            return false;
        }
    }

    private async Task<bool> ClaimLookupAsync(TakedownOrder order, CancellationToken cancellationToken)
    {
        var lookup = await tables.GetAsync(TableNames.OrderLookup, cancellationToken);
        var claim = new TableEntity(order.OrderId, string.Empty) { ["ProviderId"] = order.ProviderId };
        try
        {
            await lookup.AddEntityAsync(claim, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
        }

        var existing = (await lookup.GetEntityAsync<TableEntity>(order.OrderId, string.Empty, cancellationToken: cancellationToken)).Value;
        var owner = existing.GetString("ProviderId");
        if (owner == order.ProviderId)
        {
            return true; // a retry after a crash between the lookup row and the order
        }

        if (await FindAsync(owner, order.OrderId, cancellationToken) is not null)
        {
            return false;
        }

        // Left by a crash before its order was written: the id was never used, so it may be repointed.
        try
        {
            await lookup.UpdateEntityAsync(claim, existing.ETag, TableUpdateMode.Replace, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            throw new ConcurrentUpdateException($"Order id {order.OrderId} is being claimed concurrently.", e);
        }
    }

    public async Task SaveAsync(StoredOrder previous, OrderChange change, CancellationToken cancellationToken)
    {
        var order = change.Order;
        var actions = new List<TableTransactionAction>
        {
            new(TableTransactionActionType.UpdateReplace, OrderEntities.ToEntity(order), new ETag(previous.ConcurrencyToken)),
        };
        actions.AddRange(OrderEntities.HistoryAndOutbox(change, _clock.GetUtcNow()).Select(e => new TableTransactionAction(TableTransactionActionType.Add, e)));
        var table = await tables.GetAsync(TableNames.Orders, cancellationToken);
        try
        {
            await ComplianceTables.SubmitAsync(table, actions, cancellationToken);
        }
        catch (TableTransactionFailedException e) when (e.Status is 412 or 409)
        {
            throw new ConcurrentUpdateException($"Order {order.OrderId} changed since it was read.", e);
        }
    }

    public async Task<OrderPage> ListAsync(OrderQuery query, string? continuationToken, int pageSize, CancellationToken cancellationToken)
    {
        var filter = $"Kind eq '{OrderEntities.OrderKind}'";
        if (query.ProviderId is not null)
        {
            filter += " and " + TableClient.CreateQueryFilter($"PartitionKey eq {query.ProviderId}");
        }

        if (query.Status is { } status)
        {
            filter += " and " + TableClient.CreateQueryFilter($"Status eq {OrderText.Status(status)}");
        }

        var table = await tables.GetAsync(TableNames.Orders, cancellationToken);
        try
        {
            await foreach (var page in table.QueryAsync<TableEntity>(filter, pageSize, cancellationToken: cancellationToken).AsPages(DecodeToken(continuationToken), pageSize))
            {
                return new OrderPage(page.Values.Select(OrderEntities.ToOrder).ToList(), EncodeToken(page.ContinuationToken));
            }
        }
        catch (Exception e) when (continuationToken is not null && e is RequestFailedException { Status: 400 } or FormatException or ArgumentException or IndexOutOfRangeException)
        {
            throw InvalidToken();
        }

        return new OrderPage([], null);
    }

    public async Task<IReadOnlyList<OrderEvent>> HistoryAsync(TakedownOrder order, CancellationToken cancellationToken)
    {
        var prefix = OrderEntities.EventRowKeyPrefix(order.OrderId);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {order.ProviderId} and RowKey ge {prefix} and RowKey lt {prefix + "~"}");
        var table = await tables.GetAsync(TableNames.Orders, cancellationToken);
        var events = new List<OrderEvent>();
        await foreach (var row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            events.Add(OrderEntities.ToEvent(row));
        }

        return events;
    }

    public async IAsyncEnumerable<TakedownOrder> IssuedBetweenAsync(string providerId, DateTimeOffset from, DateTimeOffset to, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {providerId} and Kind eq {OrderEntities.OrderKind} and IssuedAt ge {from} and IssuedAt lt {to}");
        var table = await tables.GetAsync(TableNames.Orders, cancellationToken);
        await foreach (var row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            yield return OrderEntities.ToOrder(row);
        }
    }

    public async IAsyncEnumerable<(string ProviderId, string OrderId, OrderEvent Entry)> HistoryBetweenAsync(DateTimeOffset from, DateTimeOffset to, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"Kind eq {OrderEntities.EventKind} and At ge {from} and At lt {to}");
        var table = await tables.GetAsync(TableNames.Orders, cancellationToken);
        await foreach (var row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            yield return (row.PartitionKey, row.GetString("OrderId"), OrderEntities.ToEvent(row));
        }
    }

    // Continuation tokens are handed out base64url-encoded: opaque to clients, and anything
    // tampered with fails to decode instead of reaching the service as a malformed header.
    private static string? EncodeToken(string? token) =>
        token is null ? null : Convert.ToBase64String(Encoding.UTF8.GetBytes(token)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string? DecodeToken(string? token)
    {
        if (token is null)
        {
            return null;
        }

        try
        {
            var base64 = token.Replace('-', '+').Replace('_', '/');
            base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
            var raw = Encoding.UTF8.GetString(Convert.FromBase64String(base64));
            return raw.Length > 0 && raw.Length < 2048 && raw.All(c => c >= ' ' && c < 127) ? raw : throw InvalidToken();
        }
        catch (FormatException)
        {
            throw InvalidToken();
        }
    }

    private static ComplianceProblem InvalidToken() =>
        new(ProblemKind.InvalidQuery, "continuationToken is not one this service issued.");
}
