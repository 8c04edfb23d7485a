using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Compliance.Orders;

namespace Compliance.Application;

/// <summary>
/// Writes each day's order history to write-once storage as NDJSON (one entry a line, with its
/// chain hash), plus the file's SHA-256, so auditors hold a copy that nobody can rewrite afterwards.
/// </summary>
public sealed class AuditLogExporter(IOrderStore orders, IAuditArchive archive, TimeProvider time)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>How far back a run looks for days that were not exported (the timer did not fire, storage was down).</summary>
    public const int CatchUpDays = 14;

    /// <summary>Exports every complete UTC day of the last <see cref="CatchUpDays"/> that has no export yet; returns how many.</summary>
    public async Task<int> ExportMissingDaysAsync(CancellationToken cancellationToken)
    {
        var yesterday = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime).AddDays(-1);
        var exported = 0;
        for (var day = yesterday.AddDays(1 - CatchUpDays); day <= yesterday; day = day.AddDays(1))
        {
            if (!await archive.ExistsAsync(FileName(day), cancellationToken) && await ExportDayAsync(day, cancellationToken))
            {
                exported++;
            }
        }

        return exported;
    }

    private static string FileName(DateOnly day) => $"order-history-{day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}.ndjson";

    public async Task<bool> ExportDayAsync(DateOnly day, CancellationToken cancellationToken)
    {
        var from = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var entries = new List<(string ProviderId, string OrderId, OrderEvent Entry)>();
        await foreach (var entry in orders.HistoryBetweenAsync(from, from.AddDays(1), cancellationToken))
        {
            entries.Add(entry);
        }

        var lines = new StringBuilder();
        foreach (var (providerId, orderId, e) in entries.OrderBy(e => e.Entry.At).ThenBy(e => e.OrderId, StringComparer.Ordinal).ThenBy(e => e.Entry.Sequence))
        {
            lines.Append(JsonSerializer.Serialize(
                new
                {
                    orderId,
                    providerId,
                    sequence = e.Sequence,
                    type = OrderText.Event(e.Type),
                    at = e.At,
                    actorRole = OrderText.Snake(e.Actor.Role.ToString()),
                    actorSubject = e.Actor.Subject,
                    from = OrderText.Status(e.From),
                    to = OrderText.Status(e.To),
                    reason = e.Reason,
                    dueAt = e.DueAt,
                    previousHash = e.PreviousHash,
                    hash = e.Hash,
                },
                Json)).Append('\n');
        }

        var content = Encoding.UTF8.GetBytes(lines.ToString());
        var name = FileName(day);

        // The checksum first: a crash between the two leaves a checksum the retry's identical export
        // matches, never an export without its checksum (neither can be rewritten afterwards).
        await archive.TryWriteAsync(name + ".sha256", Encoding.ASCII.GetBytes(Convert.ToHexStringLower(SHA256.HashData(content)) + "  " + name + "\n"), cancellationToken);
        return await archive.TryWriteAsync(name, content, cancellationToken);
    }
}
