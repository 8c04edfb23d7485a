using Compliance.Access;
using Compliance.Problems;

namespace Compliance.Application;

internal static class OrderVisibility
{
    /// <summary>
    /// Loads an order the caller may see. A provider reads only its own partition, so another
    /// provider's order is simply absent: 404, never 403.
    /// </summary>
    public static async Task<StoredOrder> LoadVisibleAsync(this IOrderStore orders, Caller caller, string orderId, CancellationToken cancellationToken)
    {
        caller.RequireRole(Role.Commission, Role.Regulator, Role.Provider);
        if (!OrderIds.LooksValid(orderId))
        {
            throw ComplianceProblem.NotFound("Order");
        }

        var stored = caller.Role == Role.Provider
            ? await orders.FindAsync(caller.ProviderId!, orderId, cancellationToken)
            : await orders.FindAsync(orderId, cancellationToken);
        if (stored is null)
        {
            throw ComplianceProblem.NotFound("Order");
        }

        caller.RequireVisible(stored.Order.ProviderId, "Order");
        return stored;
    }
}
