using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Compliance.Telemetry;

/// <summary>
/// The system's own spans and metrics (the BCL's ActivitySource and Meter; OpenTelemetry exports
/// them). Tags carry only codes and counts (legal basis, action, kind): never bodies, tokens, URLs
/// of reported content, hashes or anything about a person.
/// </summary>
public static class ComplianceTelemetry
{
    public const string Name = "Compliance";

    public static readonly ActivitySource Source = new(Name);

    public static readonly Meter Meter = new(Name);

    public static readonly Counter<long> OrdersIssued = Meter.CreateCounter<long>("compliance.orders.issued", description: "Takedown orders issued");

    public static readonly Counter<long> Breaches = Meter.CreateCounter<long>("compliance.orders.breached", description: "Deadlines missed");

    public static readonly Counter<long> Lookups = Meter.CreateCounter<long>("compliance.hashbank.lookups", description: "Hash-bank lookups");

    public static readonly Counter<long> MatchReports = Meter.CreateCounter<long>("compliance.hashbank.match_reports", description: "What providers' filters did with matches");

    public static readonly Counter<long> MediaRejected = Meter.CreateCounter<long>("compliance.media.rejected", description: "Evidence that could not be analysed, by reason");

    public static readonly Histogram<long> OutboxPending = Meter.CreateHistogram<long>("compliance.outbox.pending", description: "Events waiting in the outbox at each relay run");

    public static readonly Histogram<double> OutboxOldestAge = Meter.CreateHistogram<double>("compliance.outbox.oldest_age", unit: "s", description: "Age of the oldest event waiting in the outbox at each relay run");

    public static readonly Counter<long> OutboxParked = Meter.CreateCounter<long>("compliance.outbox.parked", description: "Events set aside after failing to publish too often");

    public static readonly Histogram<double> IntakeLatency = Meter.CreateHistogram<double>("compliance.orders.intake_latency", unit: "ms", description: "Time to take in an order");

    public static readonly Histogram<double> TimeToRemoval = Meter.CreateHistogram<double>("compliance.orders.time_to_removal", unit: "s", description: "From issue to the confirmation's receipt");

    public static KeyValuePair<string, object?> Basis(string legalBasis) => new("legal_basis", legalBasis);

    /// <summary>A provider's id: a business identifier (the regulator's alerts are per provider), never a person.</summary>
    public static KeyValuePair<string, object?> Provider(string providerId) => new("provider_id", providerId);
}
