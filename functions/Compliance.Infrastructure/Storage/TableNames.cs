namespace Compliance.Infrastructure.Storage;

public static class TableNames
{
    public const string Orders = "Orders";
    public const string OrderLookup = "OrderLookup";
    public const string Deadlines = "Deadlines";
    public const string SweepState = "SweepState";
    public const string Providers = "Providers";
    public const string Idempotency = "Idempotency";

    public static readonly IReadOnlyList<string> All = [Orders, OrderLookup, Deadlines, SweepState, Providers, Idempotency];
}
