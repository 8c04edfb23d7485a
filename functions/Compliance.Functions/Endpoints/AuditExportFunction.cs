using Compliance.Application;
using Microsoft.Azure.Functions.Worker;

namespace Compliance.Functions.Endpoints;

public sealed class AuditExportFunction(AuditLogExporter exporter)
{
    /// <summary>Exports each past day's order history not yet in the immutable audit container (AuditExportSchedule).</summary>
    [Function("ExportAuditLog")]
    public Task Run([TimerTrigger("%AuditExportSchedule%")] TimerInfo timer, CancellationToken cancellationToken) =>
        exporter.ExportMissingDaysAsync(cancellationToken);
}
