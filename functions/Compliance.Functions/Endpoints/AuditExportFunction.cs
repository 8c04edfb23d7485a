using Compliance.Application;
using Microsoft.Azure.Functions.Worker;

namespace Compliance.Functions.Endpoints;

public sealed class AuditExportFunction(AuditLogExporter exporter)
{
    /// <summary>Exports yesterday's order history to the immutable audit container (AuditExportSchedule).</summary>
    [Function("ExportAuditLog")]
    public Task Run([TimerTrigger("%AuditExportSchedule%")] TimerInfo timer, CancellationToken cancellationToken) =>
        exporter.ExportPreviousDayAsync(cancellationToken);
}
