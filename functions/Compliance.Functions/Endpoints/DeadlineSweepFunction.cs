using Compliance.Application;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace Compliance.Functions.Endpoints;

public sealed partial class DeadlineSweepFunction(DeadlineSweep sweep, ILogger<DeadlineSweepFunction> logger)
{
    /// <summary>Flags overdue orders as breached. Schedule from the DeadlineSweepSchedule setting.</summary>
    [Function("DeadlineSweep")]
    public async Task Run([TimerTrigger("%DeadlineSweepSchedule%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        var result = await sweep.RunAsync(cancellationToken);
        if (result.DueEntries > 0 || result.Failed > 0)
        {
            LogSweep(logger, result.DueEntries, result.Breached, result.Failed, timer.IsPastDue);
        }
    }

    /// <summary>Makes sure every open order has its deadline-index entry (DeadlineReconcileSchedule).</summary>
    [Function("ReconcileDeadlines")]
    public Task Reconcile([TimerTrigger("%DeadlineReconcileSchedule%")] TimerInfo timer, CancellationToken cancellationToken) =>
        sweep.ReconcileAsync(cancellationToken);

    [LoggerMessage(Level = LogLevel.Information, Message = "Deadline sweep: {Due} due entries, {Breached} orders breached, {Failed} failed (past due: {PastDue})")]
    private static partial void LogSweep(ILogger logger, int due, int breached, int failed, bool pastDue);
}
