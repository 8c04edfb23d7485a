using Compliance.Application;
using Microsoft.Azure.Functions.Worker;

namespace Compliance.Functions.Endpoints;

public sealed class IdempotencyPurgeFunction(IIdempotencyStore idempotency)
{
    /// <summary>Deletes idempotency records past their retention (IdempotencyPurgeSchedule).</summary>
    [Function("PurgeIdempotencyRecords")]
    public Task Run([TimerTrigger("%IdempotencyPurgeSchedule%")] TimerInfo timer, CancellationToken cancellationToken) =>
        idempotency.PurgeExpiredAsync(cancellationToken);
}
