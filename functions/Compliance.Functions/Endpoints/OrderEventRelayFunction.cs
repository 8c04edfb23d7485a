using Compliance.Application;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace Compliance.Functions.Endpoints;

public sealed partial class OrderEventRelayFunction(OrderEventRelay relay, ILogger<OrderEventRelayFunction> logger)
{
    /// <summary>
    /// Publishes outbox events to Service Bus. A timer, not a per-request call, so a single
    /// instance relays at a time (the host holds a singleton lock per timer function) and order
    /// within each order's events is kept.
    /// </summary>
    [Function("RelayOrderEvents")]
    public async Task Run([TimerTrigger("%OrderEventRelaySchedule%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        var result = await relay.RunAsync(cancellationToken);
        if (result.Published > 0 || result.Failed > 0)
        {
            LogRelay(logger, result.Published, result.Failed);
        }

        if (result.Parked > 0)
        {
            LogParked(logger, OrderEventRelay.MaxAttempts, result.Parked);
        }
    }

    // An error, so that the failure alert fires: the parked events reach no subscriber until replayed.
    [LoggerMessage(Level = LogLevel.Error, Message = "Order events parked after {Attempts} failed attempts: {Parked}")]
    private static partial void LogParked(ILogger logger, int attempts, int parked);

    [LoggerMessage(Level = LogLevel.Information, Message = "Order events relayed: {Published} published, {Failed} held back")]
    private static partial void LogRelay(ILogger logger, int published, int failed);
}
