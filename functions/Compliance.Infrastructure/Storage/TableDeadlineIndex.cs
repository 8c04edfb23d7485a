using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Compliance.Application;
using Compliance.Orders;

namespace Compliance.Infrastructure.Storage;

/// <summary>
/// Deadlines partitioned by the UTC hour they fall due in, keyed within the hour by due time. The
/// sweep reads only the hours since its watermark, and within them only rows already due, so its
/// cost follows the number of due orders rather than the number of orders ever issued.
/// </summary>
public sealed class TableDeadlineIndex(ComplianceTables tables, StorageOptions options, TimeProvider time) : IDeadlineIndex
{
    private const string HourFormat = "yyyyMMddHH";
    private const string DueFormat = "yyyyMMddHHmmssfff";
    private const string WatermarkPartition = "deadline-sweep";
    private const string WatermarkRow = "watermark";
    private const string RetryPartition = "retry";

    public async Task ScheduleAsync(TakedownOrder order, CancellationToken cancellationToken)
    {
        if (order.Clock.DueAt is not { } due)
        {
            return;
        }

        var table = await tables.GetAsync(TableNames.Deadlines, cancellationToken);
        await table.UpsertEntityAsync(ToEntity(order.OrderId, order.ProviderId, due, time.GetUtcNow()), TableUpdateMode.Replace, cancellationToken);
    }

    internal static TableEntity ToEntity(string orderId, string providerId, DateTimeOffset due, DateTimeOffset scheduledAt) =>
        new(Hour(due), RowKey(due, orderId)) { ["OrderId"] = orderId, ["ProviderId"] = providerId, ["DueAt"] = due, ["ScheduledAt"] = scheduledAt };

    public async Task<IReadOnlyList<DueDeadline>> DueAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var state = await tables.GetAsync(TableNames.SweepState, cancellationToken);
        var watermark = await state.GetEntityIfExistsAsync<TableEntity>(WatermarkPartition, WatermarkRow, cancellationToken: cancellationToken);
        var start = watermark.HasValue ? watermark.Value!.GetDateTimeOffset("SweptUpTo")!.Value : now - options.SweepLookback;

        var table = await tables.GetAsync(TableNames.Deadlines, cancellationToken);
        var upperKey = now.UtcDateTime.ToString(DueFormat, CultureInfo.InvariantCulture) + "|~";
        var due = new List<DueDeadline>();
        for (var hour = TruncateToHour(start); hour <= now; hour = hour.AddHours(1))
        {
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Hour(hour)} and RowKey le {upperKey}");
            await foreach (var row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
            {
                due.Add(ToDeadline(row));
            }
        }

        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {RetryPartition}"), cancellationToken: cancellationToken))
        {
            due.Add(ToDeadline(row));
        }

        return due;
    }

    public async Task DeferAsync(DueDeadline deadline, CancellationToken cancellationToken)
    {
        var keys = deadline.IndexKey.Split('\n');
        if (keys[0] == RetryPartition)
        {
            return;
        }

        var table = await tables.GetAsync(TableNames.Deadlines, cancellationToken);
        var retry = ToEntity(deadline.OrderId, deadline.ProviderId, deadline.DueAt, deadline.ScheduledAt ?? time.GetUtcNow());
        retry.PartitionKey = RetryPartition;
        await table.UpsertEntityAsync(retry, TableUpdateMode.Replace, cancellationToken);
        await table.DeleteEntityAsync(keys[0], keys[1], ETag.All, cancellationToken);
    }

    private static DueDeadline ToDeadline(TableEntity row) =>
        new(row.GetString("OrderId"), row.GetString("ProviderId"), row.GetDateTimeOffset("DueAt")!.Value, $"{row.PartitionKey}\n{row.RowKey}", row.GetDateTimeOffset("ScheduledAt"));

    public async Task RemoveAsync(DueDeadline deadline, CancellationToken cancellationToken)
    {
        var keys = deadline.IndexKey.Split('\n');
        var table = await tables.GetAsync(TableNames.Deadlines, cancellationToken);
        await table.DeleteEntityAsync(keys[0], keys[1], ETag.All, cancellationToken);
    }

    public async Task MarkSweptAsync(DateTimeOffset upTo, CancellationToken cancellationToken)
    {
        var state = await tables.GetAsync(TableNames.SweepState, cancellationToken);
        var current = await state.GetEntityIfExistsAsync<TableEntity>(WatermarkPartition, WatermarkRow, cancellationToken: cancellationToken);
        var entity = new TableEntity(WatermarkPartition, WatermarkRow) { ["SweptUpTo"] = upTo, ["UpdatedAt"] = time.GetUtcNow() };
        try
        {
            if (!current.HasValue)
            {
                await state.AddEntityAsync(entity, cancellationToken);
            }
            else if (current.Value!.GetDateTimeOffset("SweptUpTo") < upTo)
            {
                await state.UpdateEntityAsync(entity, current.Value.ETag, TableUpdateMode.Replace, cancellationToken);
            }
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            // A concurrent sweep moved the watermark; the next run reads it again.
        }
    }

    private static string Hour(DateTimeOffset at) => at.UtcDateTime.ToString(HourFormat, CultureInfo.InvariantCulture);

    private static string RowKey(DateTimeOffset due, string orderId) => due.UtcDateTime.ToString(DueFormat, CultureInfo.InvariantCulture) + "|" + orderId;

    private static DateTimeOffset TruncateToHour(DateTimeOffset at)
    {
        var utc = at.ToUniversalTime();
        return new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, TimeSpan.Zero);
    }
}
