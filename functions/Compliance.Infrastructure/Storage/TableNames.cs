namespace Compliance.Infrastructure.Storage;

public static class TableNames
{
    public const string Orders = "Orders";
    public const string OrderLookup = "OrderLookup";
    public const string Deadlines = "Deadlines";
    public const string SweepState = "SweepState";
    public const string Providers = "Providers";
    public const string Idempotency = "Idempotency";
    public const string Media = "Media";
    public const string HashBank = "HashBank";
    public const string HashBankDisabled = "HashBankDisabled";
    public const string BlobReceipts = "BlobReceipts";
    public const string Cases = "Cases";
    public const string MatchReports = "MatchReports";
    public const string OrderReceipts = "OrderReceipts";
    public const string AdvanceInformation = "AdvanceInformation";
    public const string AuditLog = "AuditLog";
}
