using System.Collections.Concurrent;
using Azure;
using Azure.Data.Tables;
using Compliance.Application;

namespace Compliance.Infrastructure.Storage;

/// <summary>One row per order, added once: a later access finds it there and changes nothing.</summary>
public sealed class TableOrderReceipts(ComplianceTables tables) : IOrderReceipts
{
    private const string RowKey = "first";
    private const int MaxRemembered = 100_000;

    // Orders whose receipt this instance knows is recorded: their reads write nothing.
    private readonly ConcurrentDictionary<string, byte> _recorded = new(StringComparer.Ordinal);

    public async Task RecordFirstAsync(string orderId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        if (_recorded.ContainsKey(orderId))
        {
            return;
        }

        // Received before, the add finds the row: the first time stands.
        var table = await tables.GetAsync(TableNames.OrderReceipts, cancellationToken);
        await ComplianceTables.TryAddAsync(table, new TableEntity(orderId, RowKey) { ["At"] = at }, cancellationToken);

        if (_recorded.Count >= MaxRemembered)
        {
            _recorded.Clear();
        }

        _recorded.TryAdd(orderId, 0);
    }

    public async Task<DateTimeOffset?> FirstAsync(string orderId, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(TableNames.OrderReceipts, cancellationToken);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(orderId, RowKey, cancellationToken: cancellationToken);
        return row.HasValue ? row.Value!.GetDateTimeOffset("At") : null;
    }
}
