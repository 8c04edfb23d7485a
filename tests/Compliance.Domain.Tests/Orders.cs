using Compliance.Access;
using Compliance.Orders;
using Compliance.Regimes;

namespace Compliance.Domain.Tests;

/// <summary>Builds orders in each status through the real transitions.</summary>
internal static class Orders
{
    public static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    public static readonly Caller Commission = new(Role.Commission, "kmcc-officer-1", null);
    public static readonly Caller ProviderA = new(Role.Provider, "prov-a-bot", "prov-a");

    public static LegalRegime Regime(TimeSpan? clock, ClockOnObjection onManifestError = ClockOnObjection.RestartsOnClarification, ClockOnObjection onForceMajeure = ClockOnObjection.ResumesWhenGroundsCease) =>
        new("TEST", "EU", "Test regime", clock, new CalendarPeriod(0, 6, 0), new Dictionary<ObjectionGround, ClockOnObjection>
        {
            [ObjectionGround.ManifestError] = onManifestError,
            [ObjectionGround.InsufficientInformation] = onManifestError,
            [ObjectionGround.ForceMajeure] = onForceMajeure,
        });

    public static readonly LegalRegime OneHour = Regime(TimeSpan.FromHours(1));

    /// <summary>As the DSA: the provider may answer that it gives the order no effect.</summary>
    public static readonly LegalRegime OneHourNoEffect = OneHour with { NoEffectAnswer = true };

    public static TakedownOrder Issued(LegalRegime? regime = null, DateTimeOffset? dueAt = null) =>
        TakedownOrder.Issue("ord-000000000000000000000001", "prov-a", regime ?? OneHour, [new OrderItem("https://video.example/v/1", null)], "deepfake", Commission, T0, dueAt, "k0").Order;

    public static TakedownOrder InStatus(OrderStatus status)
    {
        var order = Issued();
        var at = T0.AddMinutes(10);
        return status switch
        {
            OrderStatus.Issued => order,
            OrderStatus.Acknowledged => order.Acknowledge(ProviderA, at, "k1").Order,
            OrderStatus.Objected => order.RaiseObjection(ProviderA, at, ObjectionGround.ManifestError, "wrong URL", OneHour, "k1").Order,
            OrderStatus.Removed => order.ConfirmRemoval(ProviderA, at, at, RemovalAction.Removed, null, "k1").Order,
            OrderStatus.Withdrawn => order.Withdraw(Commission, at, "issued in error", "k1").Order,
            OrderStatus.Breached => order.Breach(T0.AddHours(2))!.Order,
            OrderStatus.NoEffectGiven => order.GiveNoEffect(ProviderA, at, "lawful in this Member State", OneHourNoEffect, "k1").Order,
            _ => throw new ArgumentOutOfRangeException(nameof(status)),
        };
    }
}
